/* Organization settings (GET/PATCH /api/v1/org/settings). */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/org/settings.h"

struct setting {
	const char *key;
	enum in_type type; /* IN_INT; IN_STR: a person (max 0) or a web address of at most max characters */
	long long min, max, dflt;
	const char *doc;
};

/* Every setting of an organization.  Add a line for a new one. */
static const struct setting SETTINGS[] = {
	{"offer.expire_minutes", IN_INT, 1, 7 * 24 * 60, 60, "an offer nobody accepts in this time comes back to the offerer"},
	{"request.remind_before_minutes", IN_INT, 0, 7 * 24 * 60, 60,
	 "remind the holder of a request this long before it is due"},
	{"request.escalate_after_minutes", IN_INT, 0, 30 * 24 * 60, 240,
	 "escalate an overdue request up the holder's reporting line after this delay"},
	{"request.escalation_contact", IN_STR, 0, 0, 0,
	 "person (id or email) who receives escalations for people with no manager"},
	{"update.cadence_hours", IN_INT, 1, 24 * 30, 24, "the customer must hear from an open case at least this often"},
	{"recognition.thanks_per_day", IN_INT, 1, 50, 3,
	 "how many thanks one person may give in a day (so each one means something)"},
	{"update.at_risk_minutes", IN_INT, 1, 24 * 60, 60,
	 "after a promise becomes at risk, the customer must hear within this time"},
	{"estimate.threshold_percent", IN_INT, 1, 99, 80,
	 "a promise less likely than this to be kept is warned about, and the 80% time offered"},
	{"estimate.min_samples", IN_INT, 1, 10000, 20,
	 "an estimate uses a level of history (team, kind and time of week; team and kind; team; organization) only with at least this many completed requests"},
	{"exception.cosigners", IN_INT, 1, 5, 1, "customer-facing co-signers an exception needs"},
	{"exception.supervisors_count", IN_INT, 0, 1, 0, "1 if supervisors may co-sign exceptions"},
	{"exception.window_hours", IN_INT, 1, 24 * 30, 24, "an exception not co-signed within this time expires"},
	{"review.due_days", IN_INT, 1, 90, 7, "a failure review is due this many days after it opens"},
	{"survey.min_respondents", IN_INT, 1, 100, 3, "survey reports show a team only with at least this many respondents"},
	{"issue.response_days", IN_INT, 1, 90, 7, "a system issue's owner owes a response within this many days"},
	{"mail.max_bytes", IN_INT, 4096, 50 << 20, 10 << 20, "a larger message is kept as a stub (headers only) with an error"},
	{"mail.max_parts", IN_INT, 1, 1000, 200, "a message with more MIME parts is kept as a stub"},
	{"mail.max_depth", IN_INT, 1, 100, 16, "a message nested deeper (multiparts, forwarded messages) is kept as a stub"},
	{"mail.max_headers", IN_INT, 10, 10000, 500, "a message with more header fields is kept as a stub"},
	{"mail.max_attachment_bytes", IN_INT, 0, 50 << 20, 10 << 20, "a larger attachment is listed in the event, not kept"},
	{"attachments.max_bytes", IN_INT, 1, 760 << 10, 512 << 10,
	 "the largest file a person may attach to a reply, or a customer to a portal message (bytes; a request carries at most 1 MiB)"},
	{"attachments.max_count", IN_INT, 1, 20, 5,
	 "the most files on one reply or portal message, and the most one person or customer may hold uploaded but not yet attached"},
	{"portal.public_url", IN_STR, 0, 300, 0,
	 "the address people open Frontline at (https://desk.example.com), for links sent by mail; unset: the server's public_url"},
	{"mail.max_per_sender_hour", IN_INT, 1, 100000, 30,
	 "more mail from one sender in an hour is recorded and goes no further"},
	{NULL, 0, 0, 0, 0, NULL},
};

static const struct setting *find(const char *key)
{
	for (const struct setting *s = SETTINGS; s->key; s++)
		if (strcmp(s->key, key) == 0)
			return s;
	return NULL;
}

static json_t *load(svc_ctx *c)
{
	int rc;
	db_res *r;
	json_t *o = NULL;
	struct svc_cache *m = svc_cache_of(c);
	if (m->settings_org[0] && strcmp(m->settings_org, c->actor.org_id) == 0)
		o = json_loads(m->settings, 0, NULL);
	if (!o && svc_query(c, "SELECT settings FROM orgs WHERE id = ?", DB_ARGS(DB_TXT(c->actor.org_id)), &r)) {
		if (db_next(r) == 1) {
			o = json_loads(db_text(r, 0), 0, NULL);
			if (o && strlen(db_text(r, 0)) < sizeof m->settings) {
				svc_copy(c, m->settings, sizeof m->settings, db_text(r, 0));
				STR_COPY(m->settings_org, c->actor.org_id);
			}
		}
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return json_is_object(o) ? o : (json_decref(o), json_object());
}

long long setting_int(svc_ctx *c, const char *key)
{
	const struct setting *s = find(key);
	if (!s)
		fl_die("unknown setting %s", key);
	json_t *o = load(c);
	json_t *v = json_object_get(o, key);
	long long n = json_is_integer(v) ? json_integer_value(v) : s->dflt;
	json_decref(o);
	return n;
}

char *setting_str(svc_ctx *c, const char *key)
{
	json_t *o = load(c);
	json_t *v = json_object_get(o, key);
	char *s = json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
	json_decref(o);
	return s;
}

int setting_url_ok(const char *url, size_t max)
{
	size_t n = strlen(url);
	int scheme = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
	if (!scheme || n > max || n <= (size_t)scheme || strpbrk(url, "?#\"'<>\\ "))
		return 0;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p < 0x21 || *p == 0x7f)
			return 0;
	return 1;
}

static json_t *effective(svc_ctx *c)
{
	json_t *o = load(c), *out = json_object(), *docs = json_object();
	for (const struct setting *s = SETTINGS; s->key; s++) {
		json_t *v = json_object_get(o, s->key);
		if (v)
			json_object_set(out, s->key, v);
		else
			json_object_set_new(out, s->key, s->type == IN_INT ? json_integer(s->dflt) : json_null());
		json_object_set_new(docs, s->key, json_string(s->doc));
	}
	json_decref(o);
	return json_pack("{s:o,s:o}", "settings", out, "about", docs);
}

static int get_settings(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	*out = effective(c);
	return 0;
}

static int patch_settings(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	if (svc_require(c, PERM_EDIT_SETTINGS))
		return -1;
	json_t *changes = json_object_get(in, "settings");
	json_t *o = load(c);
	const char *key;
	json_t *v;
	int ret = -1;
	json_object_foreach(changes, key, v)
	{
		const struct setting *s = find(key);
		if (!s) {
			err_set(&c->err, ERR_INVALID, "unknown_setting", key, "unknown setting");
			goto cleanup;
		}
		if (json_is_null(v)) {
			json_object_del(o, key);
			continue;
		}
		if (s->type == IN_INT) {
			if (!json_is_integer(v) || json_integer_value(v) < s->min || json_integer_value(v) > s->max) {
				err_set(&c->err, ERR_INVALID, "out_of_range", key, "%s must be an integer from %lld to %lld", key, s->min,
					s->max);
				goto cleanup;
			}
			json_object_set(o, key, v);
		} else if (s->max > 0) {
			if (!json_is_string(v) || !setting_url_ok(json_string_value(v), (size_t)s->max)) {
				err_set(&c->err, ERR_INVALID, "invalid_url", key,
					"%s must be an http(s) address without a query or fragment", key);
				goto cleanup;
			}
			json_object_set(o, key, v);
		} else {
			char id[ID_SIZE];
			if (!json_is_string(v) || svc_person_ref(c, json_string_value(v), key, id))
				goto cleanup;
			json_object_set_new(o, key, json_string(id));
		}
	}
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = db_exec(c->db, "UPDATE orgs SET settings = ? WHERE id = ?", DB_ARGS(DB_TXT(text), DB_TXT(c->actor.org_id)), NULL);
	svc_cache_forget(c);
	free(text);
	if (rc != DB_OK) {
		svc_db_err(c, rc);
		goto cleanup;
	}
	if (svc_event(c, "org.settings_changed", "org", c->actor.org_id, NULL, json_deep_copy(changes)))
		goto cleanup;
	*out = effective(c);
	ret = 0;
cleanup:
	json_decref(o);
	return ret;
}

#include "svc/org/settings.api.inc"
