/* Mail commands: `mailgate` (one message from the mail server, on stdin) and `mail-deliver`
 * (the outbox's delivery worker).  Neither starts a shell or any other program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/worker.h"
#include "mail/smtp.h"
#include "svc/mail/inbound.h"
#include "svc/mail/mailbox.h"
#include "svc/mail/outbox.h"

#define EX_USAGE 64
#define EX_TEMPFAIL 75                 /* sysexits.h: the mail server keeps the message and retries */
#define MAILGATE_READ_MAX (64u << 20) /* beyond this stdin is read and dropped (mail.max_bytes is at most 50 MiB) */
#define TX_TRIES 5

/* All of stdin, keeping at most MAILGATE_READ_MAX bytes; *len gets what was kept.  NULL on a
 * read error. */
static char *read_all(size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;
	char chunk[65536];
	size_t got;
	xappend(&buf, &n, &cap, 64 * 1024, "", 0);
	while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		xappend(&buf, &n, &cap, 64 * 1024, chunk, n + got > MAILGATE_READ_MAX ? MAILGATE_READ_MAX - n : got);
	if (ferror(stdin)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* One transaction of the mailgate; returns 0 (committed or nothing to do), or the storage code. */
static int ingest_once(svc_ctx *c, const char *mailbox_ref, const struct mail_gate_in *gi, json_t **out)
{
	struct mailbox mb;
	*out = NULL;
	err_clear(&c->err);
	if (db_begin(c->db, 1) != DB_OK)
		return DB_RETRY;
	int rc = mailbox_find(c, mailbox_ref, &mb) || mail_ingest(c, &mb, gi, out) ? -1 : 0;
	int crc = rc == 0 ? db_commit(c->db) : DB_OK;
	if (crc != DB_OK)
		rc = svc_db_err(c, crc);
	if (rc) {
		db_rollback(c->db);
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int mail_take(db *d, fl_clock *clk, const char *mailbox, const struct mail_gate_in *gi, json_t **out, fl_err *err)
{
	svc_ctx c = {.db = d, .clock = clk};
	int rc = -1;
	for (int t = 0; t < TX_TRIES; t++) {
		c.now = clock_now(clk);
		rc = ingest_once(&c, mailbox, gi, out);
		if (rc == 0 || strcmp(c.err.code, "duplicate_message") == 0)
			break;
		if (c.err.kind != ERR_INTERNAL && c.err.kind != ERR_UNAVAILABLE && c.err.kind != ERR_CONFLICT)
			break;
		usleep(100000u << t);
	}
	if (rc != 0 && strcmp(c.err.code, "duplicate_message") == 0) {
		*out = json_pack("{s:s}", "status", "duplicate"); /* committed by a concurrent delivery */
		rc = 0;
	}
	*err = c.err;
	svc_ctx_release(&c);
	return rc ? -1 : 0;
}

int cmd_mailgate(int argc, char **argv)
{
	struct cli_common o;
	const char *mailbox = NULL, *recipient = NULL, *sender = NULL;
	argc = cli_common_parse(argc, argv, &o);
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--url") == 0 && v)
			o.db = argv[++i];
		else if (strcmp(argv[i], "--mailbox") == 0 && v)
			mailbox = argv[++i];
		else if (strcmp(argv[i], "--recipient") == 0 && v)
			recipient = argv[++i];
		else if (strcmp(argv[i], "--sender") == 0 && v)
			sender = argv[++i];
		else {
			fprintf(stderr, "usage: frontline mailgate --db PATH|--url URL --mailbox ADDRESS|SLUG/NAME "
					"[--recipient ADDR] [--sender ADDR]   (one message on stdin)\n");
			return EX_TEMPFAIL; /* a misconfigured pipe must not lose mail: the server keeps it */
		}
	}
	if (!o.db || !mailbox) {
		fprintf(stderr, "frontline: mailgate needs --db (or --url) and --mailbox\n");
		return EX_TEMPFAIL;
	}
	size_t len = 0;
	char *raw = read_all(&len);
	if (!raw) {
		fprintf(stderr, "frontline: mailgate: cannot read the message\n");
		return EX_TEMPFAIL;
	}
	db *d = cli_open_db(o.db, CLI_DB_USE);
	if (!d) {
		free(raw);
		return EX_TEMPFAIL;
	}
	fl_clock clk;
	clock_init_real(&clk);
	struct mail_gate_in gi = {raw, len, recipient, sender};
	json_t *out = NULL;
	fl_err err;
	int code = 0;
	if (mail_take(d, &clk, mailbox, &gi, &out, &err) == 0) {
		cli_print(out, 1);
	} else {
		cli_fail(&err, o.json);
		code = EX_TEMPFAIL;
	}
	json_decref(out);
	db_close(d);
	free(raw);
	return code;
}

/* --- the delivery worker --- */

struct deliver_opts {
	struct smtp_conf smtp;
	struct cli_worker w;
};

static const char DELIVER_USAGE[] =
	"mail-deliver --db PATH|URL --smtp smtp://HOST:PORT [--starttls]\n"
	"         [--smtp-user USER --smtp-password-file FILE] [--once] [--interval SECONDS]\n"
	"         [--lease SECONDS (>= 10)] [--max N]   (FRONTLINE_SMTP_URL for --smtp)\n";

char *cli_read_secret(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[512] = "";
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}

/* One claimed message: send it and record the outcome.  Returns 1 when one was handled, 0 when
 * nothing was due, -1 on a storage error. */
static int deliver_one(svc_ctx *c, const char *worker, const struct deliver_opts *o)
{
	struct outbox_msg m;
	c->now = clock_now(c->clock);
	if (db_begin(c->db, 1) != DB_OK)
		return -1;
	int rc = outbox_claim(c, worker, o->w.lease_s * 1000LL, &m);
	if (rc <= 0 || db_commit(c->db) != DB_OK) {
		db_rollback(c->db);
		if (rc == 1)
			outbox_msg_release(&m);
		return rc < 0 ? -1 : 0;
	}
	char err[512] = "";
	enum smtp_result r = smtp_send(&o->smtp, m.from, m.to, m.data, m.len, err, sizeof err);
	c->now = clock_now(c->clock);
	rc = db_begin(c->db, 1) == DB_OK && outbox_finish(c, &m, worker, r, err) == 0 && db_commit(c->db) == DB_OK ? 1 : -1;
	if (rc < 0)
		db_rollback(c->db); /* the lease runs out and the message is tried again: same bytes, same Message-ID */
	fprintf(stderr, "frontline: mail %s to %s: %s%s%s\n", m.id, m.to,
		r == SMTP_SENT ? "sent" : r == SMTP_PERMANENT ? "refused" : "deferred", *err ? ": " : "", err);
	outbox_msg_release(&m);
	return rc;
}

static int parse_deliver(int argc, char **argv, struct deliver_opts *o, const char **password_file)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--smtp") == 0 && v)
			o->smtp.url = argv[++i];
		else if (strcmp(a, "--smtp-user") == 0 && v)
			o->smtp.user = argv[++i];
		else if (strcmp(a, "--smtp-password-file") == 0 && v)
			*password_file = argv[++i];
		else if (strcmp(a, "--starttls") == 0)
			o->smtp.starttls = 1;
		else
			return -1;
	}
	if (!o->smtp.url)
		o->smtp.url = getenv("FRONTLINE_SMTP_URL");
	return o->smtp.url ? 0 : -1;
}

int cmd_mail_deliver(int argc, char **argv)
{
	struct cli_common co;
	struct deliver_opts o = {{NULL, NULL, NULL, 0, 60}, {.interval_s = 5, .lease_s = 120}};
	const char *password_file = NULL;
	argc = cli_worker_args(argc, argv, &co, &o.w, CLI_WORKER_LEASE);
	if (argc < 0 || parse_deliver(argc, argv, &o, &password_file) || !co.db || o.w.lease_s < 10)
		return cli_usage(DELIVER_USAGE);
	char *password = password_file ? cli_read_secret(password_file) : NULL;
	if (password_file && !password) {
		fprintf(stderr, "frontline: cannot read %s\n", password_file);
		return 2;
	}
	o.smtp.password = password;
	db *d;
	fl_clock clk;
	int rc = cli_worker_open(co.db, NULL, &d, &clk);
	if (rc) {
		free(password);
		return rc;
	}
	svc_ctx c = {.db = d, .clock = &clk};
	char worker[96];
	cli_worker_name(worker, sizeof worker);
	long sent = 0;
	while (!cli_stopping && (!o.w.max || sent < o.w.max)) {
		int r = deliver_one(&c, worker, &o);
		if (r < 0) {
			fprintf(stderr, "frontline: mail-deliver: %s\n", *c.err.message ? c.err.message : db_errmsg(d));
			rc = 1;
			if (o.w.once)
				break;
		}
		if (r == 1) {
			sent++;
			continue;
		}
		if (o.w.once)
			break;
		sleep((unsigned)(o.w.interval_s > 0 ? o.w.interval_s : 1));
	}
	printf("{\"handled\": %ld}\n", sent);
	svc_ctx_release(&c);
	db_close(d);
	free(password);
	return rc;
}
