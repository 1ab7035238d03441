/* Notification preferences, the alert hook that follows them, and the daily digest. */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/tz.h"
#include "base/util.h"
#include "core/notify_rules.h"
#include "core/rota.h"
#include "svc/directory/rota.h"
#include "svc/mail/outbox.h"
#include "svc/notify/prefs.h"
#include "svc/tick.h"

/* One person as notifications see them. */
struct npers {
	char id[ID_SIZE], email[FL_MAX_EMAIL + 1], name[FL_MAX_NAME + 1], tz[FL_MAX_SHORT + 1];
	enum role role;
	int active, tz_chosen, quiet_from, quiet_to, digest_hour;
	const tz_zone *z;
};

static int load_person(svc_ctx *c, const char *person_id, struct npers *p)
{
	db_res *r;
	memset(p, 0, sizeof *p);
	if (svc_load_one(c, "person_not_found", "person", "no such person", &r,
			 "SELECT p.id, p.email, p.name, p.role, p.active, COALESCE(s.tz, ''), COALESCE(l.tz, 'UTC'), "
			 "COALESCE(s.quiet_from, -1), COALESCE(s.quiet_to, -1), COALESCE(s.digest_hour, 8) FROM people p "
			 "LEFT JOIN locations l ON l.org_id = p.org_id AND l.id = p.location_id "
			 "LEFT JOIN notify_settings s ON s.org_id = p.org_id AND s.person_id = p.id WHERE p.org_id = ? AND p.id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id))))
		return -1;
	svc_copy(c, p->id, sizeof p->id, db_text(r, 0));
	svc_copy(c, p->email, sizeof p->email, db_text(r, 1));
	svc_copy(c, p->name, sizeof p->name, db_text(r, 2));
	if (role_parse(db_text(r, 3), &p->role))
		p->role = ROLE_FRONTLINE;
	p->active = (int)db_int(r, 4);
	p->tz_chosen = *db_text(r, 5) != '\0';
	svc_copy(c, p->tz, sizeof p->tz, p->tz_chosen ? db_text(r, 5) : db_text(r, 6));
	p->quiet_from = (int)db_int(r, 7);
	p->quiet_to = (int)db_int(r, 8);
	p->digest_hour = (int)db_int(r, 9);
	db_res_discard(r);
	p->z = tz_get(p->tz);
	if (!p->z) {
		p->z = tz_get("UTC");
		STR_COPY(p->tz, "UTC");
	}
	return 0;
}

int prefs_person_tz(svc_ctx *c, const char *person_id, char tz[FL_MAX_SHORT + 1], int *chosen)
{
	struct npers p;
	if (load_person(c, person_id, &p))
		return -1;
	memcpy(tz, p.tz, sizeof p.tz); /* both FL_MAX_SHORT + 1 */
	*chosen = p.tz_chosen;
	return 0;
}

/* Whether the person has a place on an active rota (*member) and covers one of its layers now
 * (*now): an on-call person is reached during their shift whatever their quiet hours say. */
static int on_call(svc_ctx *c, const char *person_id, int *member, int *now)
{
	struct rota_set set;
	*member = *now = 0;
	if (rota_load_all(c, "AND r.active = 1", NULL, NULL, c->now - 1, c->now + 1, &set))
		return -1;
	for (size_t i = 0; i < set.n; i++)
		for (int j = 0; j < set.v[i].nlayers; j++) {
			const struct layer_rt *l = &set.v[i].layers[j];
			struct rota_interval s;
			for (int k = 0; k < l->l.nmembers; k++)
				*member |= strcmp(l->members[k], person_id) == 0;
			if (rota_layer_who_at(&set.v[i], l, c->now, &s) && strcmp(rota_layer_person(l, s.who), person_id) == 0)
				*member = *now = 1;
		}
	rota_set_free(&set);
	return 0;
}

/* The person's chosen channel for kind, or -1 when they chose none. */
static int chosen_channel(svc_ctx *c, const char *person_id, const char *kind, int *out)
{
	db_res *r;
	*out = -1;
	int rc = db_query(c->db, "SELECT channel FROM notify_prefs WHERE org_id = ? AND person_id = ? AND kind = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id), DB_TXT(kind)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1)
		*out = notify_channel_parse(db_text(r, 0));
	return svc_close(c, r);
}

static int64_t digest_time(const struct npers *p, int64_t now) { return notify_next_local_hour(p->z, now, p->digest_hour); }

static char *case_line(svc_ctx *c, const char *case_id)
{
	db_res *r;
	char *line = NULL;
	if (!case_id || !*case_id ||
	    !svc_query(c, "SELECT number, subject FROM cases WHERE org_id = ? AND id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r))
		return xstrdup("");
	if (db_next(r) == 1)
		line = xasprintf("Case #%lld: %s\n", (long long)db_int(r, 0), db_text(r, 1));
	svc_close(c, r);
	return line ? line : xstrdup("");
}

/* Inside a scheduler pass, who is alerted and what they chose for each kind are read once: a pass
 * changes neither (tick_pass()).  Bounded: past PASS_MEMO_MAX pairs the rest are read each time. */
#define PASS_MEMO_MAX 256
struct pass_memo {
	char org_id[ID_SIZE], kind[FL_MAX_SHORT + 1];
	struct npers p;
	int chosen;
};
static _Thread_local struct {
	uint64_t pass;
	struct pass_memo *v;
	size_t n, cap;
} memo;

void prefs_pass_end(void)
{
	free(memo.v);
	memo.v = NULL;
	memo.n = memo.cap = 0;
	memo.pass = 0;
}

static int person_and_choice(svc_ctx *c, const char *person_id, const char *kind, struct npers *p, int *chosen)
{
	uint64_t pass = tick_pass();
	if (!pass || pass != memo.pass) {
		memo.pass = pass;
		memo.n = 0;
	}
	for (size_t i = 0; pass && i < memo.n; i++)
		if (strcmp(memo.v[i].p.id, person_id) == 0 && strcmp(memo.v[i].kind, kind) == 0 &&
		    strcmp(memo.v[i].org_id, c->actor.org_id) == 0) {
			*p = memo.v[i].p;
			*chosen = memo.v[i].chosen;
			return 0;
		}
	if (load_person(c, person_id, p) || chosen_channel(c, person_id, kind, chosen))
		return -1;
	if (pass && memo.n < PASS_MEMO_MAX && strlen(kind) < sizeof memo.v->kind && strcmp(p->id, person_id) == 0) {
		memo.v = xgrow(memo.v, memo.n, &memo.cap, 16, sizeof *memo.v);
		struct pass_memo *m = &memo.v[memo.n++];
		STR_COPY(m->org_id, c->actor.org_id);
		memcpy(m->kind, kind, strlen(kind) + 1);
		m->p = *p;
		m->chosen = *chosen;
	}
	return 0;
}

static const char DIGEST_INSERT[] =
	"INSERT INTO notify_digest (org_id, id, person_id, alert_id, kind, message, case_id, created_at, due_at, status)";

int prefs_on_alert(svc_ctx *c, const char *alert_id, const char *person_id, const char *kind, const char *case_id,
		   const char *message)
{
	struct npers p;
	int chosen, member = 0, now = 0;
	if (person_and_choice(c, person_id, kind, &p, &chosen))
		return -1;
	if (!p.active)
		return 0;
	int in_quiet = notify_in_quiet(notify_local_minute(p.z, c->now), p.quiet_from, p.quiet_to);
	/* the rotas are read only when the answer depends on them: a default that differs for on-call
	 * people, or an email in quiet hours (sent at once only during a shift) */
	int loaded = chosen < 0 && notify_default_channel(p.role, 1, kind) != notify_default_channel(p.role, 0, kind);
	if (loaded && on_call(c, person_id, &member, &now))
		return -1;
	enum notify_channel ch = chosen >= 0 ? (enum notify_channel)chosen : notify_default_channel(p.role, member, kind);
	if (!loaded && ch == NOTIFY_EMAIL && in_quiet && on_call(c, person_id, &member, &now))
		return -1;
	enum notify_action a = notify_decide(ch, in_quiet, now);
	if (a == NOTIFY_SEND_NOW) {
		char *line = case_line(c, case_id), *subject = xasprintf("[Frontline] %s", message);
		char *body = xasprintf("Hello %s,\n\n%s\n%s\nThis is a notification of kind \"%s\". Choose how each kind reaches "
				       "you under Notifications on your page in Frontline.\n",
				       p.name, message, line, kind);
		char id[ID_SIZE];
		int rc = outbox_queue_notice(c, person_id, "notice", p.email, subject, body, id);
		free(line);
		free(subject);
		free(body);
		return rc;
	}
	if (a != NOTIFY_TO_DIGEST)
		return 0;
	char id[ID_SIZE];
	id_new(id, "ndg", c->now);
	/* a scheduler pass writes its digest entries together (svc/tick.h) */
	return tick_insert(c, DIGEST_INSERT,
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(person_id), DB_TXT(alert_id), DB_TXT(kind),
				   DB_TXT(message), DB_TXT(case_id), DB_INT(c->now), DB_INT(digest_time(&p, c->now)), DB_TXT("pending")));
}

/* --- the digest --- */

static int send_digest(svc_ctx *c, const char *person_id)
{
	struct npers p;
	db_res *r;
	if (load_person(c, person_id, &p) ||
	    !svc_query(c,
		       "SELECT kind, message, created_at FROM notify_digest WHERE org_id = ? AND person_id = ? AND status = 'pending' "
		       "AND due_at <= ? ORDER BY created_at, id",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id), DB_INT(c->now)), &r))
		return -1;
	char *body = xasprintf("Hello %s,\n\nwhat happened while Frontline did not disturb you:\n\n", p.name);
	int n = 0;
	while (db_next(r) == 1) {
		int m = notify_local_minute(p.z, db_int(r, 2));
		char *more = xasprintf("%s- %02d:%02d %s: %s\n", body, m / 60, m % 60, db_text(r, 0), db_text(r, 1));
		free(body);
		body = more;
		n++;
	}
	int rc = svc_close(c, r);
	if (rc == 0 && n > 0) {
		char *subject = xasprintf("[Frontline] Your digest: %d alert%s", n, n == 1 ? "" : "s");
		char *full = xasprintf("%s\n(times in %s)\n", body, p.tz);
		char id[ID_SIZE];
		rc = p.active ? outbox_queue_notice(c, person_id, "digest", p.email, subject, full, id) : 0;
		free(subject);
		free(full);
	}
	free(body);
	if (rc == 0 &&
	    (rc = db_exec(c->db,
			  "UPDATE notify_digest SET status = 'sent', sent_at = ? WHERE org_id = ? AND person_id = ? "
			  "AND status = 'pending' AND due_at <= ?",
			  DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(person_id), DB_INT(c->now)), NULL)) != DB_OK)
		return svc_db_err(c, rc);
	return rc;
}

static int digest_one(svc_ctx *c, json_t *row, void *arg)
{
	(void)arg;
	return send_digest(c, tick_col(row, 1)) ? -1 : 1;
}

int prefs_digest_tick(svc_ctx *c, json_t *summary)
{
	return tick_each(c, summary, "digests", 2,
			 "SELECT DISTINCT org_id, person_id FROM notify_digest WHERE status = 'pending' AND due_at <= ? "
			 "ORDER BY org_id, person_id LIMIT ?",
			 digest_one, NULL);
}

int prefs_digest_due(svc_ctx *c, int64_t until, int64_t *next)
{
	return tick_due_min(c, "SELECT MIN(due_at) FROM notify_digest WHERE status = 'pending' AND due_at <= ?", until, next);
}

/* --- GET/PATCH /api/v1/me/notifications --- */

static json_t *hhmm(int m)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%02d:%02d", m / 60 % 24, m % 60);
	return json_string(buf);
}

static int kinds_json(svc_ctx *c, const struct npers *p, int member, json_t **out)
{
	db_res *r;
	json_t *chosen = json_object();
	if (!svc_query(c, "SELECT kind, channel FROM notify_prefs WHERE org_id = ? AND person_id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p->id)), &r)) {
		json_decref(chosen);
		return -1;
	}
	while (db_next(r) == 1)
		json_object_set_new(chosen, db_text(r, 0), json_string(db_text(r, 1)));
	if (svc_close(c, r)) {
		json_decref(chosen);
		return -1;
	}
	*out = json_array();
	const char *kind, *doc;
	for (size_t i = 0; (kind = notify_kind_at(i, &doc)) != NULL; i++) {
		const char *dflt = notify_channel_name(notify_default_channel(p->role, member, kind));
		json_t *mine = json_object_get(chosen, kind);
		json_array_append_new(*out,
				      json_pack("{s:s,s:s,s:s,s:s,s:b}", "kind", kind, "about", doc, "channel",
						mine ? json_string_value(mine) : dflt, "default", dflt, "chosen", mine != NULL));
	}
	json_decref(chosen);
	return 0;
}

static int prefs_view(svc_ctx *c, json_t **out)
{
	struct npers p;
	int member, now;
	int64_t waiting = 0, next = 0;
	json_t *kinds;
	if (load_person(c, c->actor.person_id, &p) || on_call(c, p.id, &member, &now) || kinds_json(c, &p, member, &kinds))
		return -1;
	int rc = db_scalar_int(c->db,
			       "SELECT COUNT(*) FROM notify_digest WHERE org_id = ? AND person_id = ? AND status = 'pending'",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p.id)), &waiting, NULL);
	if (rc == DB_OK)
		rc = db_scalar_int(
			c->db,
			"SELECT COALESCE(MIN(due_at), 0) FROM notify_digest WHERE org_id = ? AND person_id = ? AND status = 'pending'",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p.id)), &next, NULL);
	if (rc != DB_OK) {
		json_decref(kinds);
		return svc_db_err(c, rc);
	}
	json_t *quiet = p.quiet_from < 0 ? json_null()
					 : json_pack("{s:o,s:o}", "from", hhmm(p.quiet_from), "to", hhmm(p.quiet_to));
	*out = json_pack("{s:s,s:s,s:b,s:o,s:i,s:b,s:b,s:o,s:I,s:o}", "person_id", p.id, "tz", p.tz, "tz_chosen", p.tz_chosen,
			 "quiet_hours", quiet, "digest_hour", p.digest_hour, "on_call_now", now, "in_quiet_hours_now",
			 notify_in_quiet(notify_local_minute(p.z, c->now), p.quiet_from, p.quiet_to), "next_digest_at",
			 svc_time(next), "digest_waiting", (json_int_t)waiting, "kinds", kinds);
	return 0;
}

static int pr_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out) { return prefs_view(c, out); }

/* The channels asked for: every key a known kind, every value a channel or "default". */
static int check_channels(svc_ctx *c, json_t *channels)
{
	const char *k;
	json_t *v;
	json_object_foreach(channels, k, v)
	{
		if (!notify_kind_known(k))
			return err_set(&c->err, ERR_INVALID, "unknown_alert_kind", "channels", "unknown alert kind: %.*s",
				       (int)utf8_cut(k, 64), k);
		if (!json_is_string(v) ||
		    (notify_channel_parse(json_string_value(v)) < 0 && strcmp(json_string_value(v), "default")))
			return err_set(&c->err, ERR_INVALID, "invalid_channel", "channels",
				       "%.*s: give app, email, digest or default", (int)utf8_cut(k, 64), k);
	}
	return 0;
}

/* quiet_from / quiet_to: both "HH:MM", or both "" (none). */
static int check_quiet(svc_ctx *c, json_t *in, int *from, int *to)
{
	const char *f = in_str(in, "quiet_from"), *t = in_str(in, "quiet_to");
	if (!f && !t)
		return 0;
	if (!f || !t)
		return err_set(&c->err, ERR_INVALID, "required", f ? "quiet_to" : "quiet_from",
			       "give quiet_from and quiet_to together");
	if (!*f && !*t) {
		*from = *to = -1;
		return 0;
	}
	*from = rota_parse_hhmm(f, 0);
	*to = rota_parse_hhmm(t, 0);
	if (*from < 0 || *to < 0)
		return err_set(&c->err, ERR_INVALID, "invalid_time", *from < 0 ? "quiet_from" : "quiet_to",
			       "give a time as HH:MM");
	return 0;
}

static int save_channels(svc_ctx *c, json_t *channels)
{
	const char *k;
	json_t *v;
	json_object_foreach(channels, k, v)
	{
		int rc = db_exec(c->db, "DELETE FROM notify_prefs WHERE org_id = ? AND person_id = ? AND kind = ?",
				 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(k)), NULL);
		if (rc == DB_OK && strcmp(json_string_value(v), "default") != 0)
			rc = db_exec(c->db,
				     "INSERT INTO notify_prefs (org_id, person_id, kind, channel, updated_at) VALUES (?,?,?,?,?)",
				     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(k),
					     DB_TXT(json_string_value(v)), DB_INT(c->now)),
				     NULL);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
	}
	return 0;
}

static int pr_update(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct npers me;
	json_t *channels = json_object_get(in, "channels");
	const char *tz = in_str(in, "tz");
	if (strcmp(c->actor.person_id, "system") == 0)
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "notifications belong to a person");
	if (load_person(c, c->actor.person_id, &me))
		return -1;
	int from = me.quiet_from, to = me.quiet_to;
	if (tz && *tz && !tz_get(tz))
		return err_set(&c->err, ERR_INVALID, "unknown_time_zone", "tz",
			       "unknown time zone (give an IANA name such as Europe/Berlin)");
	if (check_quiet(c, in, &from, &to) || (channels && check_channels(c, channels)))
		return -1;
	int rc = db_exec(c->db,
			 "INSERT INTO notify_settings (org_id, person_id, tz, quiet_from, quiet_to, digest_hour, updated_at) "
			 "VALUES (?,?,?,?,?,?,?) ON CONFLICT (org_id, person_id) DO UPDATE SET tz = excluded.tz, "
			 "quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to, digest_hour = excluded.digest_hour, "
			 "updated_at = excluded.updated_at",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id),
				 DB_TXT(tz	       ? tz
					: me.tz_chosen ? me.tz
						       : ""),
				 from < 0 ? DB_NULL : DB_INT(from), to < 0 ? DB_NULL : DB_INT(to),
				 DB_INT(in_int(in, "digest_hour", me.digest_hour)), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if ((channels && save_channels(c, channels)) ||
	    svc_event(c, "notify.preferences_changed", "person", c->actor.person_id, NULL, json_deep_copy(in)))
		return -1;
	return prefs_view(c, out);
}

#include "svc/notify/prefs.api.inc"
