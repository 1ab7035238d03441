/* frontline demo: the five stories' organizations, then each capability's part. */
#include "cli/demo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "cli/cli.h"
#include "svc/router.h"
#include "svc/tick.h"

static void (*const PARTS[])(struct demo *) = {
	demo_people,
	demo_estimates_history,
	demo_promises,
	demo_exceptions,
	demo_learning,
	demo_directory,
	demo_email,
	demo_recognition,
	demo_notify,
	demo_estimates,
	demo_queues,
	NULL,
};

void demo_remember(struct demo *d, const char *name, const char *id)
{
	json_object_set_new(d->ids, name, json_string(id));
}

const char *demo_id(struct demo *d, const char *name)
{
	json_t *v = json_object_get(d->ids, name);
	if (!json_is_string(v))
		fl_die("demo: nothing remembered as %s", name);
	return json_string_value(v);
}

const char *demo_case(struct demo *d, const char *name, const char *customer, const char *channel, const char *subject,
		      const char *summary)
{
	json_t *c = demo_call(d, "POST", "/api/v1/cases",
			      json_pack("{s:s,s:s,s:s,s:s}", "subject", subject, "channel", channel, "customer_id",
					demo_id(d, customer), "summary", summary));
	demo_remember(d, name, json_string_value(json_object_get(c, "id")));
	json_decref(c);
	return demo_id(d, name);
}

void demo_as(struct demo *d, const char *email)
{
	db_res *r;
	if (db_query(d->c.db, "SELECT id, role, team_id, name FROM people WHERE org_id = ? AND email = ?",
		     DB_ARGS(DB_TXT(d->c.actor.org_id), DB_TXT(email)), &r) != DB_OK || db_next(r) != 1)
		fl_die("demo: no person %s", email);
	if (str_copy(d->c.actor.person_id, sizeof d->c.actor.person_id, db_text(r, 0)))
		fl_die("demo: a stored value longer than its buffer");
	role_parse(db_text(r, 1), &d->c.actor.role);
	if (str_copy(d->c.actor.team_id, sizeof d->c.actor.team_id, db_text(r, 2)))
		fl_die("demo: a stored value longer than its buffer");
	if (str_copy(d->c.actor.name, sizeof d->c.actor.name, db_text(r, 3)))
		fl_die("demo: a stored value longer than its buffer");
	db_res_discard(r);
}

void demo_org(struct demo *d, const char *slug)
{
	db_res *r;
	if (db_query(d->c.db, "SELECT id FROM orgs WHERE slug = ?", DB_ARGS(DB_TXT(slug)), &r) != DB_OK || db_next(r) != 1)
		fl_die("demo: no organization %s", slug);
	if (str_copy(d->c.actor.org_id, sizeof d->c.actor.org_id, db_text(r, 0)))
		fl_die("demo: a stored value longer than its buffer");
	db_res_discard(r);
	char email[128];
	snprintf(email, sizeof email, "admin@%s.example", slug);
	demo_as(d, email);
}

void demo_at(struct demo *d, int days_ago, const char *hhmm, const char *tz)
{
	int h = 0, m = 0;
	sscanf(hhmm, "%d:%d", &h, &m);
	char *old = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	time_t now = (time_t)(clock_now(&d->clock) / 1000);
	struct tm tm;
	localtime_r(&now, &tm);
	tm.tm_mday -= days_ago;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else {
		unsetenv("TZ");
	}
	tzset();
	d->c.now = (int64_t)t * 1000;
}

void demo_init(struct demo *d, db *dbh)
{
	memset(d, 0, sizeof *d);
	clock_init_real(&d->clock);
	d->c.db = dbh;
	d->c.clock = &d->clock;
	d->c.now = clock_now(&d->clock);
	d->ids = json_object();
}

int demo_open(struct demo *d, const char *url)
{
	db *dbh = cli_open_db(url, CLI_DB_CREATE);
	if (!dbh)
		return -1;
	demo_init(d, dbh);
	return 0;
}

void demo_at_as(struct demo *d, int days_ago, const char *hhmm, const char *tz, const char *email)
{
	demo_at(d, days_ago, hhmm, tz);
	demo_as(d, email);
}

json_t *demo_call(struct demo *d, const char *method, const char *path, json_t *body)
{
	json_t *out = NULL;
	err_clear(&d->c.err);
	if (router_call(&d->c, method, path, body, &out))
		fl_die("demo: %s %s as %s: %s (%s %s)", method, path, d->c.actor.name, d->c.err.message, d->c.err.code,
		       d->c.err.field);
	json_decref(body);
	return out;
}

json_t *demo_callf(struct demo *d, const char *method, json_t *body, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	return demo_call(d, method, path, body);
}

void demo_tick(struct demo *d)
{
	json_t *summary = json_object();
	if (tick_run(&d->c, summary))
		fl_die("demo: scheduler pass failed: %s", d->c.err.message);
	json_decref(summary);
}

int cmd_demo(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	int days = 90;
	int64_t now = -1;
	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		if (strcmp(argv[i], "--days") == 0 && i + 1 < argc && (days = (int)strtol(argv[i + 1], &end, 10), *end == 0) &&
		    days >= 0 && days <= 366) {
			i++;
			continue;
		}
		if (strcmp(argv[i], "--now") == 0 && i + 1 < argc && time_parse(argv[i + 1], &now) == 0) {
			i++; /* hidden, for tests: load the demo as if it were then */
			continue;
		}
		fprintf(stderr,
			"frontline: demo takes --db PATH and --days N (0-366 days of history before the stories; "
			"default 90, 0 for the stories alone), not '%s'\n",
			argv[i]);
		return 2;
	}
	db *dbh = cli_open_db(o.db, CLI_DB_MIGRATE);
	if (!dbh)
		return cli_open_failed(o.db, CLI_DB_MIGRATE);
	int64_t n = 0;
	if (db_scalar_int(dbh, "SELECT COUNT(*) FROM orgs WHERE slug = 'vendor-co'", DB_NOARGS, &n, NULL) == DB_OK && n) {
		printf("the demo is already loaded in %s\n", o.db);
		db_close(dbh);
		return 0;
	}
	struct demo d;
	demo_init(&d, dbh);
	if (now >= 0)
		clock_init_manual(&d.clock, now);
	/* one transaction: the demo loads entirely or not at all */
	if (db_begin(dbh, 1) != DB_OK)
		fl_die("demo: %s", db_errmsg(dbh));
	for (int i = 0; PARTS[i]; i++) {
		d.c.now = clock_now(&d.clock);
		PARTS[i](&d);
		if (PARTS[i] == demo_people) /* the quarter's history, then the stories on top */
			demo_history(&d, days);
	}
	if (db_commit(dbh) != DB_OK)
		fl_die("demo: commit failed: %s", db_errmsg(dbh));
	json_decref(d.ids);
	svc_ctx_release(&d.c);
	db_close(dbh);
	printf("demo loaded into %s: organizations vendor-co, lee-practice, harbor-financial, northwind;\n"
	       "every demo person signs in with password %s (e.g. org vendor-co, chris@vendor-co.example)\n",
	       o.db, DEMO_PASSWORD);
	return 0;
}
