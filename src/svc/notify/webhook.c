/* Webhook subscriptions: GET/POST /api/v1/webhooks, GET/PATCH /api/v1/webhooks/{id} and the
 * delivery log GET /api/v1/webhooks/{id}/deliveries (admins). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/event.h"
#include "svc/notify/webhook.h"
#include "svc/notify/whsend.h"
#include "svc/page.h"

static const char *const FORMATS[] = {"standard", "slack", "teams", NULL};
static const char *const STATUSES[] = {"active", "disabled", NULL};

int webhook_allow_setting(void)
{
	int allow = webhook_allow_parse(getenv("FRONTLINE_WEBHOOK_ALLOW"));
	return allow < 0 ? 1 << WH_PUBLIC : allow;
}

int webhook_check_kinds(svc_ctx *c, json_t *kinds)
{
	size_t i, j;
	json_t *v, *w;
	if (!json_is_array(kinds) || json_array_size(kinds) == 0)
		return err_set(&c->err, ERR_INVALID, "required", "kinds", "name at least one event kind");
	json_array_foreach(kinds, i, v)
	{
		if (!webhook_family_known(json_string_value(v)))
			return err_set(&c->err, ERR_INVALID, "unknown_event_kind", "kinds",
				       "unknown event kind (one of case, offer, promise, request, breach, exception, review, "
				       "survey, system_issue, update, mail)");
		json_array_foreach(kinds, j, w) if (j < i && json_equal(v, w)) return err_set(&c->err, ERR_INVALID,
											      "duplicate_event_kind", "kinds",
											      "an event kind is named twice");
	}
	return 0;
}

static int check_url(svc_ctx *c, const char *url)
{
	const char *code;
	char msg[256];
	if (whsend_check_url(url, webhook_allow_setting(), &code, msg, sizeof msg) == 0)
		return 0;
	return err_set(&c->err, strcmp(code, "invalid_url") == 0 ? ERR_INVALID : ERR_RULE, code, "url", "%s", msg);
}

#define WH_COLS                                                                                                             \
	"w.id, w.url, w.kinds, w.format, w.description, w.status, w.disabled_reason, w.cursor_seq, w.attempts, w.next_at, " \
	"w.created_by, w.created_at, w.updated_at, (SELECT MAX(e.seq) FROM events e WHERE e.org_id = w.org_id), "           \
	"(SELECT MAX(d.at) FROM webhook_deliveries d WHERE d.org_id = w.org_id AND d.webhook_id = w.id AND d.outcome = 'delivered')"

static json_t *wh_row(svc_ctx *c, db_res *r)
{
	json_t *kinds = json_loads(db_text(r, 2), 0, NULL);
	int active = strcmp(db_text(r, 5), "active") == 0;
	int64_t behind = db_int(r, 13) - db_int(r, 7);
	return json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:I,s:i,s:o,s:o,s:o,s:o,s:o}", "id", db_text(r, 0), "url", db_text(r, 1),
			 "kinds", kinds ? kinds : json_array(), "format", db_text(r, 3), "description", db_text(r, 4), "status",
			 db_text(r, 5), "disabled_reason", db_text(r, 6), "events_behind", (json_int_t)(behind > 0 ? behind : 0),
			 "failed_attempts", (int)db_int(r, 8), "next_attempt_at",
			 active && db_int(r, 8) > 0 ? svc_time(db_int(r, 9)) : json_null(), "created_by",
			 svc_person_brief(c, db_text(r, 10)), "created_at", svc_time(db_int(r, 11)), "updated_at",
			 svc_time(db_int(r, 12)), "last_delivered_at", svc_col_time(r, 14));
}

static int wh_load(svc_ctx *c, const char *id, json_t **out)
{
	return svc_load_row(c, NULL, id, "webhook_not_found", "no such webhook",
			    "SELECT " WH_COLS " FROM webhooks w WHERE w.org_id = ? AND w.id = ?", wh_row, out);
}

static void secret_new(char out[WEBHOOK_SECRET_SIZE])
{
	unsigned char key[24];
	randombytes_buf(key, sizeof key);
	memcpy(out, "whsec_", 6);
	sodium_bin2base64(out + 6, WEBHOOK_SECRET_SIZE - 6, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(key, sizeof key);
}

static int wh_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE], secret[WEBHOOK_SECRET_SIZE];
	json_t *kinds = json_object_get(in, "kinds");
	const char *format = in_str(in, "format") ? in_str(in, "format") : "standard";
	int64_t head = 0;
	if (svc_require(c, PERM_EDIT_SETTINGS) || check_url(c, in_str(in, "url")) || webhook_check_kinds(c, kinds))
		return -1;
	int rc = event_ready_head(c->db, c->actor.org_id, &head); /* no event still being written is passed */
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	id_new(id, "whk", c->now);
	secret_new(secret);
	char *kinds_txt = json_dumps(kinds, JSON_COMPACT);
	/* it starts after the events so far: a new subscription is sent what happens from now on (the
	 * event that records its creation is the next one, and it is of no family) */
	rc = db_exec(c->db,
		     "INSERT INTO webhooks (org_id, id, url, kinds, format, secret, description, status, cursor_seq, attempts, "
		     "next_at, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,'active',?,0,?,?,?,?)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "url")), DB_TXT(kinds_txt), DB_TXT(format),
			     DB_TXT(secret), DB_TXT(in_str(in, "description") ? in_str(in, "description") : ""), DB_INT(head),
			     DB_INT(c->now), DB_TXT(c->actor.person_id), DB_INT(c->now), DB_INT(c->now)),
		     NULL);
	if (rc != DB_OK) {
		free(kinds_txt);
		return svc_db_err(c, rc);
	}
	rc = svc_event(c, "webhook.created", "webhook", id, NULL,
		       json_pack("{s:s,s:o,s:s}", "url", in_str(in, "url"), "kinds", json_loads(kinds_txt, 0, NULL), "format",
				 format));
	free(kinds_txt);
	if (rc || wh_load(c, id, out))
		return -1;
	json_object_set_new(*out, "secret", json_string(secret)); /* shown once (R_SECRET) */
	return 0;
}

static int wh_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (svc_require(c, PERM_EDIT_SETTINGS))
		return -1;
	int rc = db_query(c->db, "SELECT " WH_COLS " FROM webhooks w WHERE w.org_id = ? ORDER BY w.created_at, w.id",
			  DB_ARGS(DB_TXT(c->actor.org_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array();
	if (svc_rows_append(c, r, items, wh_row)) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int wh_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	if (svc_require(c, PERM_EDIT_SETTINGS))
		return -1;
	return wh_load(c, p[0], out);
}

/* The fields of a PATCH, each applied with its own statement (COALESCE keeps the others). */
static int wh_update(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *before, *kinds = json_object_get(in, "kinds");
	const char *status = in_str(in, "status");
	if (svc_require(c, PERM_EDIT_SETTINGS) || wh_load(c, p[0], &before))
		return -1;
	int was_active = strcmp(json_string_value(json_object_get(before, "status")), "active") == 0;
	json_decref(before);
	if ((in_str(in, "url") && check_url(c, in_str(in, "url"))) || (kinds && webhook_check_kinds(c, kinds)))
		return -1;
	char *kinds_txt = kinds ? json_dumps(kinds, JSON_COMPACT) : NULL;
	int enable = status && strcmp(status, "active") == 0 && !was_active;
	int rc =
		db_exec(c->db,
			"UPDATE webhooks SET url = COALESCE(?, url), kinds = COALESCE(?, kinds), format = COALESCE(?, format), "
			"description = COALESCE(?, description), status = COALESCE(?, status), "
			"disabled_reason = CASE WHEN ? = 'disabled' THEN 'by an admin' WHEN ? = 'active' THEN '' ELSE disabled_reason END, "
			"attempts = CASE WHEN ? = 1 THEN 0 ELSE attempts END, next_at = CASE WHEN ? = 1 THEN ? ELSE next_at END, "
			"updated_at = ? WHERE org_id = ? AND id = ?",
			DB_ARGS(DB_TXT(in_str(in, "url")), DB_TXT(kinds_txt), DB_TXT(in_str(in, "format")),
				DB_TXT(in_str(in, "description")), DB_TXT(status), DB_TXT(status), DB_TXT(status), DB_INT(enable),
				DB_INT(enable), DB_INT(c->now), DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0])),
			NULL);
	free(kinds_txt);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *changed = json_deep_copy(in);
	if (svc_event(c,
		      status && strcmp(status, "disabled") == 0 && was_active ? "webhook.disabled"
		      : enable						      ? "webhook.enabled"
									      : "webhook.changed",
		      "webhook", p[0], NULL, changed))
		return -1;
	return wh_load(c, p[0], out);
}

static json_t *delivery_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:I,s:s,s:i,s:s,s:i,s:I,s:s,s:o}", "id", db_text(r, 0), "msg_id", db_text(r, 1), "event_seq",
			 (json_int_t)db_int(r, 2), "event_kind", db_text(r, 3), "attempt", (int)db_int(r, 4), "outcome",
			 db_text(r, 5), "http_status", (int)db_int(r, 6), "duration_ms", (json_int_t)db_int(r, 7), "error",
			 db_text(r, 8), "at", svc_time(db_int(r, 9)));
}

static const struct page_list DELIVERY_LOG; /* in webhook.api.json */

/* A subscription's delivery log, newest first, by cursor (svc/page.h). */
static int wh_deliveries(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *hook;
	if (svc_require(c, PERM_EDIT_SETTINGS) || wh_load(c, p[0], &hook))
		return -1;
	if (page_run(c, &DELIVERY_LOG, in, "org_id = ? AND webhook_id = ?", DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])),
		     out)) {
		json_decref(hook);
		return -1;
	}
	json_object_set_new(*out, "webhook", hook);
	return 0;
}

#include "svc/notify/webhook.api.inc"
