#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "store/migrate.h"

int cli_common_parse(int argc, char **argv, struct cli_common *o)
{
	memset(o, 0, sizeof *o);
	o->db = getenv("FRONTLINE_DB");
	int out = 0;
	for (int i = 0; i < argc; i++) {
		const char **target = NULL;
		if (strcmp(argv[i], "--db") == 0)
			target = &o->db;
		else if (strcmp(argv[i], "--as") == 0)
			target = &o->as;
		else if (strcmp(argv[i], "--org") == 0)
			target = &o->org;
		if (target && i + 1 < argc) {
			*target = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--db=", 5) == 0) {
			o->db = argv[i] + 5;
			continue;
		}
		if (strcmp(argv[i], "--json") == 0) {
			o->json = 1;
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

/* The SQLite file url names when mode needs it to be there and it is not; NULL otherwise (a
 * PostgreSQL URL, :memory:, init's CLI_DB_CREATE, a file that exists). */
static const char *missing_file(const char *url, enum cli_db_mode mode)
{
	if (mode == CLI_DB_CREATE || strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
		return NULL;
	const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
	return strcmp(path, ":memory:") == 0 || access(path, F_OK) == 0 ? NULL : path;
}

int cli_db_check(const char *url, enum cli_db_mode mode)
{
	if (!url || !*url) {
		fprintf(stderr, "frontline: say which database with --db PATH (or postgres://..., or set FRONTLINE_DB)\n");
		return 2;
	}
	const char *path = missing_file(url, mode);
	if (!path)
		return 0;
	fprintf(stderr, "frontline: there is no database at %s: check the path, or make one with `frontline init --db %s`\n",
		path, path);
	return 2;
}

int cli_open_failed(const char *url, enum cli_db_mode mode)
{
	return !url || !*url || missing_file(url, mode) ? 2 : 1;
}

db *cli_open_db(const char *url, enum cli_db_mode mode)
{
	char err[512];
	db *d;
	int migrate = mode != CLI_DB_USE;
	if (cli_db_check(url, mode))
		return NULL;
	if (db_open(url, &d, err, sizeof err) != DB_OK) {
		fprintf(stderr, "frontline: %s\n", err);
		return NULL;
	}
	if (migrate) {
		int applied, version;
		if (migrate_up(d, &applied, &version, err, sizeof err)) {
			fprintf(stderr, "frontline: %s\n", err);
			db_close(d);
			return NULL;
		}
		return d;
	}
	int cur = migrate_current(d), latest = migrate_latest(d);
	if (cur != latest) {
		if (cur > latest)
			fprintf(stderr, "frontline: database schema version %d is newer than this frontline (knows up to %d)\n", cur,
				latest);
		else
			fprintf(stderr, "frontline: database is at schema version %d, current is %d: run `frontline init --db %s`\n",
				cur, latest, url);
		db_close(d);
		return NULL;
	}
	return d;
}

int cli_actor(svc_ctx *c, const struct cli_common *o)
{
	if (!o->as) {
		fprintf(stderr, "frontline: say who you are with --as EMAIL (and --org SLUG if the email is in several organizations)\n");
		return 2;
	}
	char *email = str_lower(o->as);
	db_res *r;
	int rc = db_query(c->db,
			  "SELECT p.org_id, p.id, p.role, p.team_id, p.name FROM people p JOIN orgs o ON o.id = p.org_id "
			  "WHERE p.email = ? AND (? IS NULL OR o.slug = ?) AND p.active = 1",
			  DB_ARGS(DB_TXT(email), DB_TXT(o->org), DB_TXT(o->org)), &r);
	free(email);
	if (rc != DB_OK) {
		fprintf(stderr, "frontline: %s\n", db_errmsg(c->db));
		return -1;
	}
	int n = 0, cut = 0;
	while (db_next(r) == 1) {
		if (n++ == 0) {
			cut |= str_copy(c->actor.org_id, sizeof c->actor.org_id, db_text(r, 0));
			cut |= str_copy(c->actor.person_id, sizeof c->actor.person_id, db_text(r, 1));
			role_parse(db_text(r, 2), &c->actor.role);
			cut |= str_copy(c->actor.team_id, sizeof c->actor.team_id, db_text(r, 3));
			cut |= str_copy(c->actor.name, sizeof c->actor.name, db_text(r, 4));
		}
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		fprintf(stderr, "frontline: %s\n", db_errmsg(c->db));
		return -1;
	}
	if (cut) {
		fprintf(stderr, "frontline: the person's stored id or name is longer than it can be\n");
		return -1;
	}
	if (n == 0) {
		fprintf(stderr, "frontline: no active person %s%s%s\n", o->as, o->org ? " in " : "", o->org ? o->org : "");
		return -1;
	}
	if (n > 1) {
		fprintf(stderr, "frontline: %s is in several organizations; add --org SLUG\n", o->as);
		return -1;
	}
	c->actor.authenticated = 1;
	return 0;
}

static void print_scalar(json_t *v)
{
	if (json_is_string(v))
		printf("%s", json_string_value(v));
	else if (json_is_null(v))
		printf("-");
	else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		printf("%s", s);
		free(s);
	}
}

/* A one-line label for an object: its name / subject / summary and id. */
static void print_brief(json_t *o)
{
	static const char *const KEYS[] = {"number", "name", "subject", "title", "summary", "kind", "status", "body",
					   "email", "role", "id", NULL};
	int first = 1;
	for (const char *const *k = KEYS; *k; k++) {
		json_t *v = json_object_get(o, *k);
		if (!v || json_is_object(v) || json_is_array(v) || json_is_null(v))
			continue;
		printf("%s%s=", first ? "" : "  ", *k);
		print_scalar(v);
		first = 0;
	}
	if (first) {
		char *s = json_dumps(o, JSON_COMPACT);
		printf("%s", s);
		free(s);
	}
}

/* --- lists as text columns --- */

#define COL_MAX 60 /* characters of one cell before it is cut with "..." */
#define COLS_MAX 6

/* The columns a person reads first, in order; the id comes last so it can be copied. */
static const char *const COLUMNS[] = {"number", "case", "kind", "status", "name", "subject", "title", "message",
				      "description", "what", "email", "role", "due_at", "expires_at", "created_at", NULL};

/* The text of one cell: a scalar as it is, a case as "#N subject", another object by its name. */
static void cell_text(json_t *v, char *out, size_t cap)
{
	out[0] = '\0';
	if (json_is_string(v))
		snprintf(out, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, cap, "%.2f", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(out, cap, "%s", json_is_true(v) ? "yes" : "no");
	else if (json_is_object(v) && json_object_get(v, "number"))
		snprintf(out, cap, "#%lld %s", (long long)json_integer_value(json_object_get(v, "number")),
			 json_string_value(json_object_get(v, "subject")) ? json_string_value(json_object_get(v, "subject")) : "");
	else if (json_is_object(v) && json_is_string(json_object_get(v, "name")))
		snprintf(out, cap, "%s", json_string_value(json_object_get(v, "name")));
	else if (json_is_null(v) || !v)
		snprintf(out, cap, "-");
	for (char *q = out; *q; q++)
		if ((unsigned char)*q < 0x20)
			*q = ' ';
}

/* Characters (not bytes) of UTF-8 text, and the text cut to at most max of them. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void cell_cut(char *s, size_t max)
{
	size_t n = 0;
	for (char *q = s; *q; q++) {
		if (((unsigned char)*q & 0xc0) != 0x80 && n++ == max - 3) {
			snprintf(q, 4, "...");
			return;
		}
	}
}

static int pick_columns(json_t *items, const char **cols)
{
	int n = 0;
	json_t *first = json_array_get(items, 0);
	for (const char *const *k = COLUMNS; *k && n < COLS_MAX - 1; k++) {
		json_t *v = json_object_get(first, *k);
		if (v && !json_is_array(v))
			cols[n++] = *k;
	}
	if (json_object_get(first, "id"))
		cols[n++] = "id";
	return n;
}

/* items (objects) as aligned columns under a header line. */
static void print_items(json_t *items)
{
	const char *cols[COLS_MAX];
	size_t width[COLS_MAX] = {0};
	int n = pick_columns(items, cols);
	char cell[1024];
	size_t i;
	json_t *e;
	for (int k = 0; k < n; k++)
		width[k] = utf8_chars(cols[k]);
	json_array_foreach(items, i, e) for (int k = 0; k < n; k++)
	{
		cell_text(json_object_get(e, cols[k]), cell, sizeof cell);
		size_t w = utf8_chars(cell);
		width[k] = w > width[k] ? (w > COL_MAX && k < n - 1 ? COL_MAX : w) : width[k];
	}
	for (int k = 0; k < n; k++)
		printf("%-*s%s", k < n - 1 ? (int)width[k] : 0, cols[k], k < n - 1 ? "  " : "\n");
	json_array_foreach(items, i, e) for (int k = 0; k < n; k++)
	{
		cell_text(json_object_get(e, cols[k]), cell, sizeof cell);
		if (k < n - 1 && utf8_chars(cell) > COL_MAX)
			cell_cut(cell, COL_MAX);
		size_t pad = width[k] - utf8_chars(cell);
		printf("%s%*s%s", cell, k < n - 1 ? (int)pad : 0, "", k < n - 1 ? "  " : "\n");
	}
}

static void print_human(json_t *v, int indent)
{
	json_t *items = json_object_get(v, "items");
	if (indent == 0 && json_is_array(items) && json_is_object(json_array_get(items, 0))) {
		print_items(items);
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) if (x != items && !json_is_object(x) && !json_is_array(x) && !json_is_null(x))
		{ /* beside a list: its totals and the next page's cursor, when there is one */
			printf("%s: ", k);
			print_scalar(x);
			printf("\n");
		}
		return;
	}
	if (indent == 0 && json_is_array(items) && json_array_size(items) == 0) {
		printf("(none)\n");
		return;
	}
	const char *key;
	json_t *x;
	json_object_foreach(v, key, x)
	{
		printf("%*s%s: ", indent, "", key);
		if (json_is_object(x)) {
			print_brief(x);
			printf("\n");
		} else if (json_is_array(x)) {
			printf("%zu\n", json_array_size(x));
			size_t i;
			json_t *e;
			json_array_foreach(x, i, e)
			{
				printf("%*s- ", indent + 2, "");
				if (json_is_object(e))
					print_brief(e);
				else
					print_scalar(e);
				printf("\n");
			}
		} else {
			print_scalar(x);
			printf("\n");
		}
	}
}

void cli_print(json_t *out, int json)
{
	if (json) {
		char *s = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
		puts(s);
		free(s);
		return;
	}
	print_human(out, 0);
}

int cli_fail(const fl_err *err, int json)
{
	if (json) {
		json_t *e = json_pack("{s:{s:s,s:s,s:s?}}", "error", "code", err->code, "message", err->message, "field",
				      *err->field ? err->field : NULL);
		char *s = json_dumps(e, JSON_INDENT(2));
		fprintf(stderr, "%s\n", s);
		free(s);
		json_decref(e);
	} else {
		fprintf(stderr, "frontline: %s (%s%s%s)\n", err->message, err->code, *err->field ? ", field " : "", err->field);
	}
	return err_exit_code(err->kind);
}
