/* `frontline mail-poll`: take the mail of an IMAP mailbox into a Frontline mailbox, for teams
 * without their own mail server.  Each message is fetched, committed (cli/cmd_mail.c mail_take,
 * the mailgate's path), and only then marked or moved on the server:
 *
 *   --done seen         (default) messages not \Seen are new.  Before the fetch a message gets the
 *                       keyword FrontlinePending (the fetch itself sets \Seen); after the commit
 *                       \Seen stays and the keyword goes.  A poller killed in between finds the
 *                       message again by its keyword, and the store's Message-ID check keeps it once.
 *   --done move:FOLDER  every message in the mailbox is new; after the commit it is moved (UID MOVE).
 *
 * No shell, no other program.  The password or OAuth2 token is read from a file, the token at every
 * poll (so whatever refreshes it can rewrite the file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/worker.h"
#include "mail/imap.h"
#include "svc/mail/inbound.h"

#define POLL_KEEP_MAX (64u << 20) /* as the mailgate: beyond this a message is read and dropped */
#define PENDING "FrontlinePending"

struct poll_opts {
	struct imap_conf imap;
	const char *db, *mailbox, *password_file, *bearer_file;
	const char *move_to; /* NULL: --done seen */
	struct cli_worker w;
};

static const char USAGE[] =
	"mail-poll --db PATH|URL --mailbox ADDRESS --imap imaps://HOST/INBOX\n"
	"         --imap-user USER (--imap-password-file FILE | --imap-bearer-file FILE) [--starttls]\n"
	"         [--done seen|move:FOLDER] [--once] [--interval SECONDS] [--max N]\n";

struct poll_count {
	long taken, duplicates, failed;
};

static int parse_done(const char *v, struct poll_opts *o)
{
	if (strcmp(v, "seen") == 0) {
		o->move_to = NULL;
		return 0;
	}
	if (strncmp(v, "move:", 5) == 0 && imap_folder_ok(v + 5)) {
		o->move_to = v + 5;
		return 0;
	}
	return -1;
}

static int parse_poll(int argc, char **argv, struct poll_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v && strcmp(a, "--starttls"))
			return -1;
		if (strcmp(a, "--mailbox") == 0)
			o->mailbox = argv[++i];
		else if (strcmp(a, "--imap") == 0)
			o->imap.url = argv[++i];
		else if (strcmp(a, "--imap-user") == 0)
			o->imap.user = argv[++i];
		else if (strcmp(a, "--imap-password-file") == 0)
			o->password_file = argv[++i];
		else if (strcmp(a, "--imap-bearer-file") == 0)
			o->bearer_file = argv[++i];
		else if (strcmp(a, "--done") == 0) {
			if (parse_done(argv[++i], o))
				return -1;
		} else if (strcmp(a, "--starttls") == 0)
			o->imap.starttls = 1;
		else
			return -1;
	}
	if (!o->imap.url)
		o->imap.url = getenv("FRONTLINE_IMAP_URL");
	return o->db && o->mailbox && o->imap.url && o->imap.user && (!o->password_file != !o->bearer_file) ? 0 : -1;
}

/* After the commit: the message is done on the server. */
static int mark_done(imap_session *s, const struct poll_opts *o, uint64_t uid, char *err, size_t errlen)
{
	if (o->move_to)
		return imap_move(s, uid, o->move_to, err, errlen);
	return imap_flag(s, uid, 1, "\\Seen", err, errlen) || imap_flag(s, uid, -1, PENDING, err, errlen) ? -1 : 0;
}

/* One message: pending (seen mode), fetched, committed, marked.  Returns 0, or -1 when the poll
 * should stop (the server or the store is failing; the message stays to be taken next time). */
static int take_one(db *d, fl_clock *clk, imap_session *s, const struct poll_opts *o, uint64_t uid,
		    struct poll_count *n)
{
	char err[512] = "";
	if (!o->move_to && imap_flag(s, uid, 1, PENDING, err, sizeof err)) {
		fprintf(stderr, "frontline: mail-poll: UID %llu: %s\n", (unsigned long long)uid, err);
		return -1;
	}
	char *raw = NULL;
	size_t len = 0;
	int f = imap_fetch(s, uid, POLL_KEEP_MAX, &raw, &len, err, sizeof err);
	if (f == 1)
		return 0; /* gone meanwhile (another poller took it) */
	if (f < 0) {
		fprintf(stderr, "frontline: mail-poll: fetch UID %llu: %s\n", (unsigned long long)uid, err);
		return -1;
	}
	struct mail_gate_in gi = {raw, len, NULL, NULL};
	json_t *out = NULL;
	fl_err ferr;
	int rc = mail_take(d, clk, o->mailbox, &gi, &out, &ferr);
	free(raw);
	if (rc) {
		fprintf(stderr, "frontline: mail-poll: UID %llu not taken, kept on the server: %s\n", (unsigned long long)uid,
			ferr.message);
		if (!o->move_to)
			(void)imap_flag(s, uid, -1, "\\Seen", err, sizeof err); /* unread again; found by its keyword */
		n->failed++;
		return -1;
	}
	const char *status = json_string_value(json_object_get(out, "status"));
	if (status && strcmp(status, "duplicate") == 0)
		n->duplicates++;
	else
		n->taken++;
	json_decref(out);
	if (mark_done(s, o, uid, err, sizeof err)) {
		/* committed; the next poll fetches it again and the store knows it (a duplicate) */
		fprintf(stderr, "frontline: mail-poll: UID %llu taken, not yet marked: %s\n", (unsigned long long)uid, err);
		return -1;
	}
	return 0;
}

/* One poll of the mailbox.  Returns 0, or -1 when something failed (printed). */
static int poll_once(db *d, fl_clock *clk, struct poll_opts *o, struct poll_count *n)
{
	char *secret = cli_read_secret(o->bearer_file ? o->bearer_file : o->password_file);
	if (!secret) {
		fprintf(stderr, "frontline: mail-poll: cannot read %s\n", o->bearer_file ? o->bearer_file : o->password_file);
		return -1;
	}
	o->imap.bearer = o->bearer_file ? secret : NULL;
	o->imap.password = o->bearer_file ? NULL : secret;
	imap_session *s = imap_open(&o->imap);
	uint64_t *uids = NULL;
	size_t count = 0;
	char err[512] = "";
	int rc = -1;
	if (!s)
		snprintf(err, sizeof err, "cannot start libcurl");
	else if (imap_search(s, o->move_to ? "UNDELETED" : "UNDELETED OR UNSEEN KEYWORD " PENDING, &uids, &count, err,
			     sizeof err) == 0)
		rc = 0;
	if (rc)
		fprintf(stderr, "frontline: mail-poll: %s: %s\n", o->imap.url, err);
	for (size_t i = 0; rc == 0 && i < count && !cli_stopping && (!o->w.max || (long)i < o->w.max); i++)
		rc = take_one(d, clk, s, o, uids[i], n);
	free(uids);
	imap_close(s);
	free(secret);
	return rc;
}

int cmd_mail_poll(int argc, char **argv)
{
	struct cli_common co;
	struct poll_opts o = {.w.interval_s = 60};
	argc = cli_worker_args(argc, argv, &co, &o.w, 0);
	o.db = co.db;
	if (argc < 0 || parse_poll(argc, argv, &o) || o.w.interval_s < 1)
		return cli_usage(USAGE);
	db *d;
	fl_clock clk;
	int rc = cli_worker_open(o.db, NULL, &d, &clk);
	if (rc)
		return rc;
	struct poll_count n = {0};
	while (!cli_stopping) {
		rc = poll_once(d, &clk, &o, &n) ? 1 : 0;
		if (o.w.once)
			break;
		for (int t = 0; t < o.w.interval_s && !cli_stopping; t++)
			sleep(1);
	}
	printf("{\"taken\": %ld, \"duplicates\": %ld, \"failed\": %ld}\n", n.taken, n.duplicates, n.failed);
	db_close(d);
	return rc;
}
