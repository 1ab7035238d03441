/* Sign-in throttling: counters in the database, delays from base/ratelimit.h. */
#include "svc/access/throttle.h"

#include <stdlib.h>

#include "base/ratelimit.h"
#include "base/util.h"
#include "svc/tick.h"

/* Indexes into struct throttle's keys, with their rules. */
enum { ACCOUNT, ACCOUNT_ADDRESS, ADDRESS };
static const struct ratelimit_rule RULES[3] = {
	[ACCOUNT] = {20, 1000, FL_MIN_MS},
	[ACCOUNT_ADDRESS] = {5, 1000, 15 * FL_MIN_MS},
	[ADDRESS] = {20, 1000, FL_MIN_MS},
};
#define FORGET_MS FL_DAY_MS /* also in throttle_tick_due's SQL */

void throttle_init(struct throttle *t, const char *org_id, const char *slug, const char *email, const char *ip)
{
	char *k = xasprintf("account|%s|%s", slug, email);
	if (str_copy(t->org_id, sizeof t->org_id, org_id) != 0) /* an org id fits ID_SIZE; a cut one counts nowhere */
		t->org_id[0] = '\0';
	token_hash(k, t->keys[ACCOUNT]);
	free(k);
	t->n = 1;
	if (!ip)
		return;
	k = xasprintf("account-address|%s|%s|%s", slug, email, ip);
	token_hash(k, t->keys[ACCOUNT_ADDRESS]);
	free(k);
	k = xasprintf("address|%s", ip);
	token_hash(k, t->keys[ADDRESS]);
	free(k);
	t->n = 3;
}

/* The address counter spans organizations: it is kept under org_id "". */
static const char *org_of(const struct throttle *t, int i)
{
	return i == ADDRESS ? "" : t->org_id;
}

int throttle_wait(svc_ctx *c, const struct throttle *t, int64_t *wait_ms)
{
	*wait_ms = 0;
	for (int i = 0; i < t->n; i++) {
		int64_t next = 0;
		int found = 0;
		int rc = db_scalar_int(c->db, "SELECT next_at FROM signin_throttle WHERE org_id = ? AND key = ?",
				       DB_ARGS(DB_TXT(org_of(t, i)), DB_TXT(t->keys[i])), &next, &found);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
		if (found && next - c->now > *wait_ms)
			*wait_ms = next - c->now;
	}
	return 0;
}

int throttle_check(svc_ctx *c, const struct throttle *t)
{
	int64_t wait;
	if (throttle_wait(c, t, &wait))
		return -1;
	if (wait <= 0)
		return 0;
	int64_t s = (wait + 999) / 1000;
	err_set(&c->err, ERR_TOO_MANY, "too_many_attempts", NULL,
		"too many failed sign-ins: try again in %lld seconds", (long long)s);
	c->err.retry_after_s = (int)s;
	return -1;
}

int throttle_fail(svc_ctx *c, const struct throttle *t)
{
	for (int i = 0; i < t->n; i++) {
		int64_t failures = 0;
		int found = 0;
		/* one statement counts, so concurrent failures are never lost; a quiet counter starts again */
		int rc = db_scalar_int(c->db,
				       "INSERT INTO signin_throttle (org_id, key, failures, last_at, next_at) VALUES (?, ?, 1, ?, ?) "
				       "ON CONFLICT (org_id, key) DO UPDATE SET failures = CASE WHEN signin_throttle.last_at <= ? "
				       "THEN 1 ELSE signin_throttle.failures + 1 END, last_at = excluded.last_at RETURNING failures",
				       DB_ARGS(DB_TXT(org_of(t, i)), DB_TXT(t->keys[i]), DB_INT(c->now), DB_INT(c->now),
					       DB_INT(c->now - FORGET_MS)),
				       &failures, &found);
		if (rc == DB_OK)
			rc = db_exec(c->db,
				     "UPDATE signin_throttle SET next_at = ? WHERE org_id = ? AND key = ? AND failures = ?",
				     DB_ARGS(DB_INT(c->now + ratelimit_delay(&RULES[i], failures)), DB_TXT(org_of(t, i)),
					     DB_TXT(t->keys[i]), DB_INT(failures)),
				     NULL);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
	}
	return 0;
}

int throttle_clear(svc_ctx *c, const struct throttle *t)
{
	for (int i = 0; i < t->n; i++) {
		if (i == ADDRESS)
			continue;
		int rc = db_exec(c->db, "DELETE FROM signin_throttle WHERE org_id = ? AND key = ?",
				 DB_ARGS(DB_TXT(org_of(t, i)), DB_TXT(t->keys[i])), NULL);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
	}
	return 0;
}

int throttle_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	/* a counter is forgotten a day after its last failure (its delay has always run out by then) */
	return tick_due_min(c, "SELECT MAX(last_at) + 86400000 FROM signin_throttle WHERE last_at <= ? - 86400000", until,
			    next);
}

int throttle_tick(svc_ctx *c, json_t *summary)
{
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "DELETE FROM signin_throttle WHERE (org_id, key) IN (SELECT org_id, key FROM signin_throttle "
			 "WHERE last_at <= ? AND next_at <= ? ORDER BY last_at LIMIT ?)",
			 DB_ARGS(DB_INT(c->now - FORGET_MS), DB_INT(c->now), DB_INT(TICK_BATCH)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	tick_count(summary, "signin_counters_forgotten", n);
	return 0;
}
