/* API operations as commands: `frontline NOUN VERB [PATH-PARAMS...] [--field value ...]`.
 * Flags name the operation's input fields (--customer-name for customer_name); positional
 * arguments fill the path's {params} in order. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/util.h"
#include "cli/cli.h"
#include "svc/run.h"

static const struct route *find_cli(const char *noun, const char *verb)
{
	char words[128];
	snprintf(words, sizeof words, "%s %s", noun, verb ? verb : "");
	for (const struct route *const *t = svc_route_tables(); *t; t++)
		for (const struct route *r = *t; r->method; r++)
			if (r->cli && strcmp(r->cli, words) == 0)
				return r;
	return NULL;
}

static int count_params(const char *pattern)
{
	int n = 0;
	for (const char *p = pattern; *p; p++)
		n += *p == '{';
	return n;
}

static void usage_of(const struct route *r)
{
	fprintf(stderr, "usage: frontline %s", r->cli);
	for (const char *p = r->pattern; (p = strchr(p, '{')); p++) {
		const char *e = strchr(p, '}');
		fprintf(stderr, " %.*s", (int)(e - p - 1), p + 1);
	}
	for (const struct in_field *f = r->input; f && f->name; f++) {
		char flag[64];
		if (str_copy(flag, sizeof flag, f->name))
			fl_die("field name longer than %zu bytes: %s", sizeof flag - 1, f->name);
		for (char *q = flag; *q; q++)
			if (*q == '_')
				*q = '-';
		fprintf(stderr, " %s--%s VALUE%s", f->required ? "" : "[", flag, f->required ? "" : "]");
	}
	fprintf(stderr, "\n  %s\n", r->summary);
}

#define ARGS_OK (-1)

/* One --name[=value] option of argv at *i into in (*i moves past its value).  ARGS_OK, or the
 * command's exit status. */
static int read_option(const struct route *r, int argc, char **argv, int *i, int json, json_t *in)
{
	fl_err err = FL_ERR_INIT;
	char name[64];
	const char *arg = argv[*i], *val = strchr(arg, '=');
	size_t len = val ? (size_t)(val - arg - 2) : strlen(arg + 2);
	if (len >= sizeof name)
		len = sizeof name - 1;
	memcpy(name, arg + 2, len);
	name[len] = '\0';
	for (char *q = name; *q; q++)
		if (*q == '-')
			*q = '_';
	const struct in_field *f = in_field_of(r->input, name, &err);
	if (!f) {
		int ret = cli_fail(&err, json);
		usage_of(r);
		return ret;
	}
	if (val) {
		val++;
	} else if (f->type == IN_BOOL && (*i + 1 >= argc || strncmp(argv[*i + 1], "--", 2) == 0)) {
		val = "true";
	} else if (*i + 1 < argc) {
		val = argv[++*i];
	} else {
		fprintf(stderr, "frontline: --%s needs a value\n", arg + 2);
		return 2;
	}
	json_t *v = in_from_text(f, val, &err);
	if (!v)
		return cli_fail(&err, json);
	json_object_set_new(in, name, v);
	return ARGS_OK;
}

/* The arguments after the command's words: options into in, path parameters into m.  ARGS_OK,
 * or the command's exit status (0 after --help). */
static int read_args(const struct route *r, int argc, char **argv, int json, struct route_match *m, json_t *in)
{
	int want = count_params(r->pattern), ret;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage_of(r);
			return 0;
		}
		if (strncmp(argv[i], "--", 2) == 0) {
			if ((ret = read_option(r, argc, argv, &i, json, in)) != ARGS_OK)
				return ret;
		} else if (m->nparams < want && m->nparams < ROUTER_MAX_PARAMS) {
			if (str_copy(m->params[m->nparams], ROUTER_PARAM_SIZE, argv[i])) {
				fprintf(stderr, "frontline: argument longer than %d bytes\n", ROUTER_PARAM_SIZE - 1);
				usage_of(r);
				return 2;
			}
			m->pv[m->nparams] = m->params[m->nparams];
			m->nparams++;
		} else {
			fprintf(stderr, "frontline: unexpected argument '%s'\n", argv[i]);
			usage_of(r);
			return 2;
		}
	}
	if (m->nparams != want) {
		usage_of(r);
		return 2;
	}
	m->pv[m->nparams] = NULL;
	return ARGS_OK;
}

/* Print an operation's answer: CSV when asked for a list, another media type's body as it is, or
 * the JSON (or its text form). */
static void print_answer(json_t *out, json_t *in, int json)
{
	if (in_str(in, "format") && strcmp(in_str(in, "format"), "csv") == 0 && json_is_array(json_object_get(out, "items"))) {
		char *csv = csv_from_rows(json_object_get(out, "items"));
		fputs(csv, stdout);
		free(csv);
	} else if (json_is_string(json_object_get(out, "_body"))) {
		/* another media type (text/calendar): the body as it is */
		fputs(json_string_value(json_object_get(out, "_body")), stdout);
	} else if (json_is_string(json_object_get(out, "_body_base64"))) {
		/* a file to download: its bytes (redirect them to a file) */
		const char *b64 = json_string_value(json_object_get(out, "_body_base64"));
		size_t cap = strlen(b64) / 4 * 3 + 3, len = 0;
		unsigned char *raw = xmalloc(cap);
		if (sodium_base642bin(raw, cap, b64, strlen(b64), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0)
			fwrite(raw, 1, len, stdout);
		free(raw);
	} else {
		cli_print(out, json);
	}
}

/* 1 when some command's words start with noun ("case" for "case open"). */
static int is_noun(const char *noun)
{
	size_t n = strlen(noun);
	for (const struct route *const *t = svc_route_tables(); *t; t++)
		for (const struct route *r = *t; r->method; r++)
			if (r->cli && strncmp(r->cli, noun, n) == 0 && r->cli[n] == ' ')
				return 1;
	return 0;
}

int cli_noun_help(const char *noun, FILE *to)
{
	if (!noun || !is_noun(noun))
		return 2;
	size_t n = strlen(noun);
	fprintf(to, "the %s commands (add --help to one for its options):\n", noun);
	for (const struct route *const *t = svc_route_tables(); *t; t++)
		for (const struct route *r = *t; r->method; r++)
			if (r->cli && strncmp(r->cli, noun, n) == 0 && r->cli[n] == ' ')
				fprintf(to, "  frontline %-24s %s\n", r->cli, r->summary);
	fprintf(to, "common options: --db PATH|postgres://... (or FRONTLINE_DB), --as EMAIL, --org SLUG, --json\n");
	return 0;
}

/* Run route m with input in as the command line's actor: the command's exit status. */
static int run_route(const struct route *r, struct route_match *m, json_t *in, struct cli_common *o)
{
	int ret = cli_db_check(o->db, CLI_DB_USE);
	if (ret)
		return ret;
	db *d = cli_open_db(o->db, CLI_DB_USE);
	if (!d)
		return cli_open_failed(o->db, CLI_DB_USE);
	fl_clock clk;
	clock_init_real(&clk);
	svc_ctx c = {.db = d, .clock = &clk, .now = clock_now(&clk), .public_url = getenv("FRONTLINE_PUBLIC_URL")};
	if (r->flags & R_CLI_ONLY) {
		STR_COPY(c.actor.person_id, "system");
		c.actor.role = ROLE_SYSTEM;
	} else if ((ret = cli_actor(&c, o)) != 0) {
		db_close(d);
		return ret == 2 ? 2 : 4;
	}
	/* the same unit of work as over HTTP: one transaction, retried while the database is busy */
	tx_runner *tx = tx_wrap(d);
	struct svc_call k = {.c = &c, .m = m, .in = in};
	int rc = svc_run(tx, &k);
	tx_close(tx);
	if (rc)
		ret = cli_fail(&c.err, o->json);
	else
		print_answer(k.out, in, o->json);
	json_decref(k.out);
	svc_ctx_release(&c);
	db_close(d);
	return ret;
}

int cmd_generic(int argc, char **argv, int *handled)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	const struct route *r = argc >= 1 ? find_cli(argv[0], argc >= 2 ? argv[1] : NULL) : NULL;
	if (!r) {
		if (argc < 1 || !is_noun(argv[0]))
			return 2;
		/* `frontline case` or `frontline case frobnicate`: say what there is */
		*handled = 1;
		if (argc >= 2)
			fprintf(stderr, "frontline: '%s' is not a %s command\n", argv[1], argv[0]);
		cli_noun_help(argv[0], stderr);
		return 2;
	}
	*handled = 1;
	struct route_match m = {.route = r};
	json_t *in = json_object();
	int ret = read_args(r, argc, argv, o.json, &m, in);
	if (ret == ARGS_OK)
		ret = run_route(r, &m, in, &o);
	json_decref(in);
	return ret;
}

int cmd_routes(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (const struct route *const *t = svc_route_tables(); *t; t++)
		for (const struct route *r = *t; r->method; r++)
			if (r->cli)
				printf("  frontline %-18s %-7s %-40s %s\n", r->cli, r->method, r->pattern, r->summary);
	return 0;
}
