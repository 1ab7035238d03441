/* audit verify, audit keygen, audit checkpoint: checking the history's hash chains, alone or
 * against a signed checkpoint kept outside the database (store/checkpoint.h). */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/util.h"
#include "cli/cli.h"
#include "store/checkpoint.h"
#include "store/event.h"

enum { OPT_KEY = 1, OPT_OUT = 2, OPT_CHECKPOINT = 4, OPT_PUBLIC_KEY = 8, OPT_PREVIOUS = 16 };

struct audit_opts {
	const char *key, *out, *checkpoint, *public_key, *previous;
	int given; /* OPT_ bits */
};

static const struct audit_opt {
	const char *flag;
	int bit;
	size_t offset;
} OPTS[] = {
	{"--key", OPT_KEY, offsetof(struct audit_opts, key)},
	{"--out", OPT_OUT, offsetof(struct audit_opts, out)},
	{"--checkpoint", OPT_CHECKPOINT, offsetof(struct audit_opts, checkpoint)},
	{"--public-key", OPT_PUBLIC_KEY, offsetof(struct audit_opts, public_key)},
	{"--previous", OPT_PREVIOUS, offsetof(struct audit_opts, previous)},
	{NULL, 0, 0},
};

/* Take the options in allowed from argv (after the subcommand).  Returns 0, or -1 for anything
 * else (a usage error). */
static int parse_opts(int argc, char **argv, int allowed, struct audit_opts *o)
{
	for (int i = 2; i < argc; i++) {
		const struct audit_opt *a = OPTS;
		while (a->flag && strcmp(a->flag, argv[i]) != 0)
			a++;
		if (!a->flag || !(allowed & a->bit) || i + 1 >= argc)
			return -1;
		*(const char **)((char *)o + a->offset) = argv[++i];
		o->given |= a->bit;
	}
	return 0;
}

static int keygen(const struct cli_common *c, const struct audit_opts *o)
{
	unsigned char pk[CKPT_PK_BYTES];
	char fp[CKPT_FINGERPRINT];
	fl_err err = FL_ERR_INIT;
	if (ckpt_keygen(o->key, pk, &err))
		return cli_fail(&err, c->json);
	ckpt_fingerprint(pk, fp);
	char *pub = xasprintf("%s.pub", o->key);
	if (c->json) {
		json_t *out = json_pack("{s:s,s:s,s:s}", "secret_key", o->key, "public_key", pub, "fingerprint", fp);
		cli_print(out, 1);
		json_decref(out);
	} else {
		printf("secret key %s (mode 0600: keep it off the database host), public key %s, fingerprint %s\n", o->key,
		       pub, fp);
	}
	free(pub);
	return 0;
}

/* Seal the case heads changed since the last seal into their organizations' chains (store/event.h),
 * so the heads signed commit to every case's history, then read every organization's verified
 * head into cp, in one read transaction. */
static int collect(const char *url, int64_t now, const struct checkpoint *prev, struct checkpoint *cp, fl_err *err)
{
	db *d = cli_open_db(url, CLI_DB_USE);
	if (!d && cli_open_failed(url, CLI_DB_USE) == 2)
		return err_set(err, ERR_INVALID, "no_database", "db", "there is no database at %s", url);
	if (!d)
		return err_set(err, ERR_INTERNAL, "storage_error", NULL, "cannot open the database");
	if (db_begin(d, 1) != DB_OK || event_seal_all(d, now) != DB_OK || db_commit(d) != DB_OK) {
		err_set(err, ERR_INTERNAL, "storage_error", NULL, "cannot seal the case chains: %s", db_errmsg(d));
		db_rollback(d);
		db_close(d);
		return -1;
	}
	int rc = db_begin(d, 0) == DB_OK ? checkpoint_collect(d, now, prev, cp, err)
					 : err_set(err, ERR_INTERNAL, "storage_error", NULL, "%s", db_errmsg(d));
	db_rollback(d);
	db_close(d);
	return rc;
}

/* Sign the verified heads (which must match the previous checkpoint, when given, signed by the
 * same key) and write them to o->out or stdout.  Returns 0 or -1 with err. */
static int sign_heads(const struct cli_common *c, const struct audit_opts *o, const struct ckpt_key *key,
		      struct checkpoint *cp, fl_err *err)
{
	struct checkpoint prev = CHECKPOINT_INIT;
	fl_clock clk;
	int rc = -1;
	clock_init_real(&clk);
	if (o->previous && (checkpoint_load(o->previous, &prev, err) || checkpoint_check(&prev, key->pk, err)))
		goto cleanup;
	if (collect(c->db, clock_now(&clk), o->previous ? &prev : NULL, cp, err))
		goto cleanup;
	char *text = checkpoint_sign(cp, key);
	if (o->out)
		rc = checkpoint_save(o->out, text, err);
	else
		rc = fputs(text, stdout) < 0 || fflush(stdout) != 0
			     ? err_set(err, ERR_INTERNAL, "file_write_failed", NULL, "cannot write the checkpoint")
			     : 0;
	free(text);
cleanup:
	checkpoint_release(&prev);
	return rc;
}

static int checkpoint(const struct cli_common *c, const struct audit_opts *o)
{
	struct ckpt_key key;
	struct checkpoint cp = CHECKPOINT_INIT;
	fl_err err = FL_ERR_INIT;
	char fp[CKPT_FINGERPRINT], when[40];
	if (ckpt_key_load(o->key, &key, &err))
		return cli_fail(&err, c->json);
	int rc = sign_heads(c, o, &key, &cp, &err);
	ckpt_key_release(&key);
	if (rc) {
		checkpoint_release(&cp);
		return cli_fail(&err, c->json);
	}
	ckpt_fingerprint(cp.pk, fp);
	time_format(cp.at, when, sizeof when);
	if (c->json && o->out) {
		json_t *out = json_pack("{s:s,s:s,s:s,s:I}", "file", o->out, "time", when, "key", fp, "organizations",
					(json_int_t)cp.n);
		cli_print(out, 1);
		json_decref(out);
	} else if (o->out) {
		printf("checkpoint of %zu organization%s at %s, signed by key %s, written to %s\n", cp.n, cp.n == 1 ? "" : "s",
		       when, fp, o->out);
	}
	checkpoint_release(&cp);
	return 0;
}

/* Load the checkpoint and check its signature (and key, when a trusted one is given).
 * Returns 0, or an exit code after printing why. */
static int load_checkpoint(const struct cli_common *c, const struct audit_opts *o, struct checkpoint *cp,
			   json_t **summary)
{
	unsigned char trusted[CKPT_PK_BYTES];
	char fp[CKPT_FINGERPRINT], when[40];
	fl_err err = FL_ERR_INIT;
	if (checkpoint_load(o->checkpoint, cp, &err) || (o->public_key && ckpt_pubkey_load(o->public_key, trusted, &err)) ||
	    checkpoint_check(cp, o->public_key ? trusted : NULL, &err))
		return cli_fail(&err, c->json);
	ckpt_fingerprint(cp->pk, fp);
	time_format(cp->at, when, sizeof when);
	*summary = json_pack("{s:s,s:s,s:s,s:b,s:I}", "file", o->checkpoint, "time", when, "key", fp, "key_trusted",
			     o->public_key != NULL, "organizations", (json_int_t)cp->n);
	if (!c->json)
		printf("checkpoint %s of %s: signature valid, key %s%s\n", o->checkpoint, when, fp,
		       o->public_key ? " (the trusted key)" : "");
	if (!o->public_key)
		fprintf(stderr, "frontline: note: the checkpoint was checked against the key it names (%s); "
				"pass --public-key FILE to be sure it is yours\n",
			fp);
	return 0;
}

/* One organization's result: its entry in results, printed unless json.  Returns 1 when bad. */
static int report(json_t *results, int json, const char *org, int rc, const struct event_verdict *v,
		  const struct event_head *anchor)
{
	const char *msg = rc < 0 ? "storage error" : v->msg;
	json_t *res = json_pack("{s:s,s:b,s:I,s:s}", "org", org, "ok", rc == 0, "events", (json_int_t)v->events, "message",
				msg);
	if (rc == 1)
		json_object_set_new(res, "first_bad_seq", json_integer(v->bad_seq));
	if (anchor)
		json_object_set_new(res, "checkpoint_seq", json_integer(anchor->seq));
	json_array_append_new(results, res);
	if (!json)
		printf("%s: %s\n", org, msg);
	return rc != 0;
}

/* Checkpointed organizations the database no longer has.  Returns how many. */
static int report_missing(json_t *results, int json, const struct checkpoint *cp, json_t *seen)
{
	int bad = 0;
	for (size_t i = 0; i < cp->n; i++) {
		if (json_object_get(seen, cp->heads[i].org_id))
			continue;
		struct event_verdict v = {.bad_seq = 1};
		snprintf(v.msg, sizeof v.msg, "in the checkpoint (up to event %" PRId64 ") but missing from the database",
			 cp->heads[i].head.seq);
		bad += report(results, json, cp->heads[i].org_id, 1, &v, &cp->heads[i].head);
	}
	return bad;
}

static int verify(const struct cli_common *c, const struct audit_opts *o)
{
	struct checkpoint cp = CHECKPOINT_INIT;
	json_t *summary = NULL;
	db *d = NULL;
	db_res *r;
	int ret = o->checkpoint ? load_checkpoint(c, o, &cp, &summary) : 0;
	if (ret)
		goto cleanup;
	d = cli_open_db(c->db, CLI_DB_USE);
	if (!d || db_begin(d, 0) != DB_OK ||
	    db_query(d, "SELECT id, slug FROM orgs WHERE (? IS NULL OR slug = ?) ORDER BY slug",
		     DB_ARGS(DB_TXT(c->org), DB_TXT(c->org)), &r) != DB_OK) {
		if (d)
			fprintf(stderr, "frontline: %s\n", db_errmsg(d));
		ret = d ? 1 : cli_open_failed(c->db, CLI_DB_USE);
		goto cleanup;
	}
	json_t *orgs = json_object(); /* id -> slug, kept in the query's order */
	int rc;
	while ((rc = db_next(r)) == 1)
		json_object_set_new(orgs, db_text(r, 0), json_string(db_text(r, 1)));
	db_res_discard(r);
	int bad = rc < 0;
	json_t *results = json_array(), *slug;
	const char *id;
	json_object_foreach(orgs, id, slug)
	{
		struct event_verdict v;
		const struct event_head *anchor = o->checkpoint ? checkpoint_find(&cp, id) : NULL;
		bad += report(results, c->json, json_string_value(slug), event_verify(d, id, anchor, &v), &v, anchor);
	}
	if (o->checkpoint && !c->org)
		bad += report_missing(results, c->json, &cp, orgs);
	if (c->json) {
		json_t *out = json_pack("{s:b,s:o}", "ok", bad == 0, "orgs", results);
		if (summary)
			json_object_set(out, "checkpoint", summary);
		cli_print(out, 1);
		json_decref(out);
	} else {
		json_decref(results);
	}
	if (c->org && json_object_size(orgs) == 0) {
		fprintf(stderr, "frontline: no organization %s\n", c->org);
		ret = 3;
	} else {
		ret = bad ? 5 : 0;
	}
	json_decref(orgs);
cleanup:
	if (d) {
		db_rollback(d);
		db_close(d);
	}
	json_decref(summary);
	checkpoint_release(&cp);
	return ret;
}

static const struct audit_cmd {
	const char *name;
	int (*fn)(const struct cli_common *c, const struct audit_opts *o);
	int allowed, required;
} CMDS[] = {
	{"verify", verify, OPT_CHECKPOINT | OPT_PUBLIC_KEY, 0},
	{"keygen", keygen, OPT_KEY, OPT_KEY},
	{"checkpoint", checkpoint, OPT_KEY | OPT_OUT | OPT_PREVIOUS, OPT_KEY},
	{NULL, NULL, 0, 0},
};

static const char USAGE[] =
	"usage: frontline audit verify --db PATH [--org SLUG] [--checkpoint FILE [--public-key FILE.pub]] [--json]\n"
	"       frontline audit keygen --key FILE [--json]\n"
	"       frontline audit checkpoint --db PATH --key FILE [--previous FILE] [--out FILE] [--json]\n"
	"       (without --out the checkpoint is written to stdout)\n";

int cmd_audit(int argc, char **argv)
{
	struct cli_common c;
	struct audit_opts o = {0};
	argc = cli_common_parse(argc, argv, &c);
	const struct audit_cmd *cmd = CMDS;
	while (cmd->name && (argc < 2 || strcmp(argv[1], cmd->name) != 0))
		cmd++;
	if (!cmd->name || parse_opts(argc, argv, cmd->allowed, &o) || (o.given & cmd->required) != cmd->required ||
	    (o.public_key && !o.checkpoint)) {
		fputs(USAGE, stderr);
		return 2;
	}
	return cmd->fn(&c, &o);
}
