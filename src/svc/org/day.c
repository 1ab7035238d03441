/* GET /api/v1/me/day: My day in one read (svc/org/day.h). */
#include <string.h>

#include "svc/ledger/case_view.h"
#include "svc/org/day.h"
#include "svc/router.h"

/* One list of My day: the key it answers under, the route it reads and that route's input. */
struct day_part {
	const char *key, *path, *in;
};

/* The lists, as the page asks for them one by one (recognition and thanks get the period's start). */
static const struct day_part PARTS[] = {
	{"offers", "/api/v1/offers", "{}"},
	{"alerts", "/api/v1/alerts", "{\"limit\": 10}"},
	{"cases", "/api/v1/cases", "{\"mine\": true, \"status\": \"open\", \"limit\": 50}"},
	{"requests", "/api/v1/requests", "{}"},
	{"cosign", "/api/v1/exceptions", "{\"waiting_for_me\": true}"},
	{"exception_reviews", "/api/v1/exception-reviews", "{}"},
	{"reviews", "/api/v1/reviews", "{\"mine\": true, \"status\": \"open\"}"},
	{"review_actions", "/api/v1/review-actions", "{\"status\": \"open\"}"},
	{"surveys", "/api/v1/surveys", "{\"mine\": true}"},
	{"system_issues", "/api/v1/system-issues", "{\"mine\": true, \"status\": \"open\"}"},
	{"coaching_notes", "/api/v1/coaching-notes", "{}"},
	{"recognition", "/api/v1/recognition", "{}"},
	{"thanks", "/api/v1/thanks", "{}"},
};

/* Run one GET as the asker.  0 with *out (the route's answer, or null when the asker may not read
 * it or the server lacks it), or -1 with c->err for anything else (a storage error, a bad period):
 * the whole read fails then, as any read does. */
static int day_get(svc_ctx *c, const char *path, json_t *in, json_t **out)
{
	*out = NULL;
	if (router_call(c, "GET", path, in, out) == 0)
		return 0;
	if (c->err.kind != ERR_FORBIDDEN && c->err.kind != ERR_NOT_FOUND)
		return -1;
	err_clear(&c->err);
	*out = json_null();
	return 0;
}

/* What My day shows of each open case I own: the case, its promises and its update duties. */
static const char *const VIEW_KEYS[] = {"id", "number", "subject", "promises", "update_duty", NULL};

/* The parts of each open case I own that My day shows: its promises and update duties. */
static int day_case_views(svc_ctx *c, json_t *cases, json_t *views)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(cases, "items"), i, it)
	{
		json_t *v = NULL;
		/* the page GET /api/v1/cases/{id} shows, rendered in this read (that route runs its own) */
		if (case_view(c, json_string_value(json_object_get(it, "id")), &v)) {
			if (c->err.kind != ERR_FORBIDDEN && c->err.kind != ERR_NOT_FOUND)
				return -1;
			err_clear(&c->err);
			continue;
		}
		json_t *keep = json_object();
		for (const char *const *k = VIEW_KEYS; *k; k++)
			if (json_object_get(v, *k))
				json_object_set(keep, *k, json_object_get(v, *k));
		json_array_append_new(views, keep);
		json_decref(v);
	}
	return 0;
}

static int day_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *o = json_object(), *from = json_object_get(in, "from");
	for (size_t i = 0; i < sizeof PARTS / sizeof PARTS[0]; i++) {
		json_t *part_in = json_loads(PARTS[i].in, 0, NULL), *v = NULL;
		if (from && (strcmp(PARTS[i].key, "recognition") == 0 || strcmp(PARTS[i].key, "thanks") == 0))
			json_object_set(part_in, "from", from);
		int rc = day_get(c, PARTS[i].path, part_in, &v);
		json_decref(part_in);
		if (rc) {
			json_decref(o);
			return -1;
		}
		json_object_set_new(o, PARTS[i].key, v);
	}
	json_t *views = json_array();
	json_object_set_new(o, "case_views", views);
	if (day_case_views(c, json_object_get(o, "cases"), views)) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

#include "svc/org/day.api.inc"
