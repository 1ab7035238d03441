
#include <string.h>

#include "base/util.h"
#include "svc/router.h"

/* Compare pattern segments with path segments; {name} captures one segment. */
static int path_matches(const char *pattern, const char *path, struct route_match *m)
{
	const char *p = pattern, *u = path;
	m->nparams = 0;
	while (*p && *u) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(u, '/');
			size_t len = seg_end ? (size_t)(seg_end - u) : strlen(u);
			if (!close || len == 0 || len >= ROUTER_PARAM_SIZE || m->nparams >= ROUTER_MAX_PARAMS)
				return 0;
			memcpy(m->params[m->nparams], u, len);
			m->params[m->nparams][len] = '\0';
			if (!utf8_valid_text(m->params[m->nparams], len))
				return 0;
			m->nparams++;
			p = close + 1;
			u += len;
			continue;
		}
		if (*p != *u)
			return 0;
		p++;
		u++;
	}
	return *p == '\0' && *u == '\0';
}

int router_match(const char *method, const char *path, unsigned allow, struct route_match *m)
{
	int path_seen = 0;
	for (const struct route *const *t = svc_route_tables(); *t; t++) {
		for (const struct route *r = *t; r->method; r++) {
			if ((r->flags & R_CLI_ONLY) && !(allow & R_CLI_ONLY))
				continue;
			if ((r->flags & R_TEST_ONLY) && !(allow & R_TEST_ONLY))
				continue;
			if (!path_matches(r->pattern, path, m))
				continue;
			path_seen = 1;
			if (strcmp(r->method, method) == 0) {
				m->route = r;
				for (int i = 0; i < m->nparams; i++)
					m->pv[i] = m->params[i];
				m->pv[m->nparams] = NULL;
				return ROUTER_FOUND;
			}
		}
	}
	return path_seen ? ROUTER_BAD_METHOD : ROUTER_NO_PATH;
}

int router_invoke(svc_ctx *c, struct route_match *m, json_t *in, json_t **out)
{
	json_t *empty = NULL;
	if (!in)
		in = empty = json_object();
	err_clear(&c->db_err);
	int rc = in_check(in, m->route->input, &c->err);
	if (rc == 0) {
		int ran = m->route->fn(c, m->pv, in, out);
		rc = svc_db_outcome(c, ran);
		if (ran == 0 && rc) {
			json_decref(*out);
			*out = NULL;
		}
	}
	json_decref(empty);
	return rc;
}

int router_call(svc_ctx *c, const char *method, const char *path, json_t *in, json_t **out)
{
	struct route_match m;
	if (router_match(method, path, R_CLI_ONLY | R_TEST_ONLY, &m) != ROUTER_FOUND)
		return err_set(&c->err, ERR_NOT_FOUND, "no_route", NULL, "no route %s %s", method, path);
	int later = c->answer_later;
	c->answer_later = 0; /* a route called from within another answers its caller now (svc_answer_after) */
	int rc = router_invoke(c, &m, in, out);
	c->answer_later = later;
	if (rc)
		return -1;
	if (!c->answer)
		return 0;
	/* the route answered with text (svc_answer_text, for the HTTP layer): its caller reads JSON, and
	 * the text must not become the caller's own answer */
	json_t *o = json_loadb(c->answer, c->answer_len, 0, NULL);
	svc_answer_text(c, NULL, 0);
	if (!o)
		return err_set(&c->err, ERR_INTERNAL, "internal", NULL, "the answer of %s %s could not be read", method, path);
	json_decref(*out);
	*out = o;
	return 0;
}
