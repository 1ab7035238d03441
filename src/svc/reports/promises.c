/* Reports on promises (JSON, and CSV of the items with ?format=csv): breaches by cause, team or
 * level; overdue requests by the holder's level; promise-keeping rate by team or channel; policy
 * conflicts by policy pair with their cases; update duties kept vs lapsed by owner.  Each takes a
 * from/to time range (on when the thing happened) and a team filter. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/org/org.h"
#include "svc/reports/reports.h"

struct range {
	long long from, to;
	char team[ID_SIZE];
};

static int range_of(svc_ctx *c, json_t *in, struct range *g)
{
	g->from = 0;
	g->to = c->now + 1;
	g->team[0] = '\0';
	in_time(in, "from", &g->from);
	if (in_time(in, "to", &g->to) && g->to <= g->from)
		return err_set(&c->err, ERR_INVALID, "bad_range", "to", "to must be after from");
	if (in_str(in, "team") && org_team_ref(c, in_str(in, "team"), "team", g->team))
		return -1;
	return 0;
}

static json_t *range_json(const struct range *g)
{
	return json_pack("{s:o,s:o,s:s?}", "from", svc_time(g->from), "to", svc_time(g->to), "team_id", *g->team ? g->team : NULL);
}

/* Breaches in the range (every team), or those the owner was at fault for: what = "all" or
 * "owner_at_fault".  Whole days [df, dt) from breach_daily, the edges from breaches_at. */
static int breach_total(svc_ctx *c, const struct range *g, int64_t df, int64_t dt, const char *what, int64_t *n)
{
	int fault = strcmp(what, "owner_at_fault") == 0;
	const char *org = c->actor.org_id;
	int rc = db_scalar_int(
		c->db,
		"SELECT (SELECT COALESCE(SUM(breaches), 0) FROM breach_daily WHERE org_id = ? AND team_id = '*' AND dim = 'total' "
		"AND day >= ? AND day < ? AND key = ?) + (SELECT COUNT(*) FROM breaches WHERE org_id = ? "
		"AND ((at >= ? AND at < ?) OR (at >= ? AND at < ?)) AND (? = 0 OR owner_at_fault = 1))",
		DB_ARGS(DB_TXT(org), DB_INT(df), DB_INT(dt), DB_TXT(what), DB_TXT(org), DB_INT(g->from), DB_INT(df),
			DB_INT(dt), DB_INT(g->to), DB_INT(fault)),
		n, NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* Breaches by cause, team or level: whole days from breach_daily (migration 0012, kept by triggers
 * with every breach), the partial days at the edges from the covering index breach_causes_at. */
static int rp_breaches(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct range g;
	db_res *r;
	if (range_of(c, in, &g))
		return -1;
	const char *by = in_str(in, "by") ? in_str(in, "by") : "cause";
	int team = strcmp(by, "team") == 0;
	const char *key = team ? "COALESCE(bc.holder_team_id, '')" : strcmp(by, "level") == 0 ? "bc.holder_level" : "bc.cause";
	int64_t df, dt;
	report_whole_days(g.from, g.to, &df, &dt);
	const char *org = c->actor.org_id, *scope = *g.team ? g.team : "*";
#define EDGE_(lo, hi)                                                                                               \
	"SELECT %s AS key, COUNT(*) AS causes, COUNT(DISTINCT bc.breach_id) AS breaches FROM breach_causes bc "    \
	"WHERE bc.org_id = ? AND bc.at >= " lo " AND bc.at < " hi " AND (? = '' OR bc.holder_team_id = ?) GROUP BY %s"
	char *sql = xasprintf("SELECT u.key, %s, SUM(u.causes), SUM(u.breaches) FROM ("
			      "SELECT key, causes, breaches FROM breach_daily WHERE org_id = ? AND team_id = ? AND dim = ? "
			      "AND day >= ? AND day < ? UNION ALL " EDGE_("?", "?") " UNION ALL " EDGE_("?", "?") ") u %s"
			      "GROUP BY u.key%s ORDER BY 3 DESC, 1",
			      team ? "COALESCE(t.name, '(the case owner)')" : "u.key", key, key, key, key,
			      team ? "LEFT JOIN teams t ON t.org_id = ? AND t.id = u.key " : "", team ? ", t.name" : "");
#undef EDGE_
	db_arg args[] = {DB_TXT(org), DB_TXT(scope), DB_TXT(team ? "team" : by), DB_INT(df), DB_INT(dt),
			 DB_TXT(org), DB_INT(g.from), DB_INT(df), DB_TXT(g.team), DB_TXT(g.team),
			 DB_TXT(org), DB_INT(dt), DB_INT(g.to), DB_TXT(g.team), DB_TXT(g.team),
			 DB_TXT(org)};
	int rc = db_query(c->db, sql, args, team ? 16 : 15, &r);
	free(sql);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array();
	while ((rc = db_next(r)) == 1)
		json_array_append_new(items, json_pack("{s:s,s:s,s:I,s:I}", "key", db_text(r, 0), "label", db_text(r, 1), "causes",
						       (json_int_t)db_int(r, 2), "breaches", (json_int_t)db_int(r, 3)));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(items);
		return svc_db_err(c, rc);
	}
	int64_t total = 0, owner = 0;
	if (breach_total(c, &g, df, dt, "all", &total) || breach_total(c, &g, df, dt, "owner_at_fault", &owner)) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:s,s:o,s:I,s:I,s:o}", "by", by, "range", range_json(&g), "breaches", (json_int_t)total,
			 "owner_at_fault", (json_int_t)owner, "items", items);
	return 0;
}

static json_t *overdue_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:I,s:I,s:I}", "level", db_text(r, 0), "overdue", (json_int_t)db_int(r, 1), "still_open",
			 (json_int_t)db_int(r, 2), "escalated", (json_int_t)db_int(r, 3));
}

/* A rollup report's arguments: the organization, the whole days [df, dt) for the rollup, the edges
 * [from, df) and [dt, to) for the rows, the team filter twice, and the organization for a join. */
#define ROLLUP_ARGS(g, df, dt)                                                                                              \
	DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(df), DB_INT(dt), DB_TXT(c->actor.org_id), DB_INT((g).from), DB_INT(df), DB_INT(dt), \
		DB_INT((g).to), DB_TXT(c->actor.org_id), DB_TXT((g).team), DB_TXT((g).team))
/* The rows of the edges of a range ([from, df) and [dt, to)) on a time column. */
#define EDGES(col) "((" col " >= ? AND " col " < ?) OR (" col " >= ? AND " col " < ?))"

/* A report's rows from rollup_sql (bound with ROLLUP_ARGS) through row, answered as
 * {by, range, items} (without "by" when by is NULL). */
static int rollup_report(svc_ctx *c, const struct range *g, const char *by, svc_row_fn row, const char *rollup_sql, json_t **out)
{
	int64_t df, dt;
	json_t *items;
	report_whole_days(g->from, g->to, &df, &dt);
	if (svc_rows_of(c, &items, row, rollup_sql, ROLLUP_ARGS(*g, df, dt)))
		return -1;
	*out = by ? json_pack("{s:s,s:o,s:o}", "by", by, "range", range_json(g), "items", items)
		  : json_pack("{s:o,s:o}", "range", range_json(g), "items", items);
	return 0;
}

/* Overdue requests by the holder's level: whole days from overdue_daily (migration 0029), the edges
 * from requests_overdue_at; the team filter on the holding team, else the holder's current team. */
static int rp_overdue(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct range g;
	if (range_of(c, in, &g))
		return -1;
	return rollup_report(
		c, &g, NULL, overdue_row,
		"SELECT u.level, SUM(u.overdue), SUM(u.still_open), SUM(u.escalated) FROM ("
		"SELECT level, person_id, team_id, overdue, still_open, escalated FROM overdue_daily WHERE org_id = ? AND day >= ? AND day < ? "
		"UNION ALL SELECT CASE WHEN q.holder_person_id IS NULL THEN 'team' ELSE COALESCE(q.holder_role, '') END, "
		"COALESCE(q.holder_person_id, ''), COALESCE(q.holder_team_id, ''), 1, "
		"CASE WHEN q.status IN ('open','accepted','deferred') THEN 1 ELSE 0 END, "
		"CASE WHEN q.escalated_to IS NOT NULL THEN 1 ELSE 0 END FROM requests q WHERE q.org_id = ? AND " EDGES("q.overdue_at")
		") u LEFT JOIN people hp ON hp.org_id = ? AND hp.id = u.person_id "
		"WHERE (? = '' OR COALESCE(NULLIF(u.team_id, ''), hp.team_id) = ?) "
		"GROUP BY u.level HAVING SUM(u.overdue) > 0 ORDER BY 2 DESC, 1",
		out);
}

static json_t *keeping_row(svc_ctx *c, db_res *r)
{
	int64_t kept = db_int(r, 2), broken = db_int(r, 3);
	return json_pack("{s:s,s:s,s:I,s:I,s:f}", "key", db_text(r, 0), "label", db_text(r, 1), "kept", (json_int_t)kept,
			 "broken", (json_int_t)broken, "rate", kept + broken ? (double)kept / (double)(kept + broken) : 0.0);
}

/* Promise keeping by delivering team or channel: whole days from keeping_daily (migration 0029),
 * the edges from promises_closed. */
static int rp_keeping(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct range g;
	if (range_of(c, in, &g))
		return -1;
	const char *by = in_str(in, "by") ? in_str(in, "by") : "team";
	int channel = strcmp(by, "channel") == 0;
	char *sql = xasprintf("SELECT u.key, %s, SUM(u.kept), SUM(u.broken) FROM ("
			      "SELECT %s AS key, team_id, kept, broken FROM keeping_daily WHERE org_id = ? AND day >= ? AND day < ? "
			      "UNION ALL SELECT %s, COALESCE(p.deliver_team_id, ''), CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END, "
			      "CASE WHEN p.status = 'broken' THEN 1 ELSE 0 END FROM promises p WHERE p.org_id = ? AND " EDGES("p.closed_at")
			      " AND p.status IN ('kept','broken')) u LEFT JOIN teams t ON t.org_id = ? AND t.id = u.key "
			      "WHERE (? = '' OR u.team_id = ?) GROUP BY u.key, %s HAVING SUM(u.kept) + SUM(u.broken) > 0 ORDER BY 2",
			      channel ? "u.key" : "COALESCE(t.name, '(no team)')", channel ? "channel" : "team_id",
			      channel ? "p.channel" : "COALESCE(p.deliver_team_id, '')", channel ? "u.key" : "COALESCE(t.name, '(no team)')");
	int ret = rollup_report(c, &g, by, keeping_row, sql, out);
	free(sql);
	return ret;
}

static int rp_conflicts(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct range g;
	db_res *r;
	if (range_of(c, in, &g))
		return -1;
	int rc = db_query(c->db,
			  "SELECT pc.policy_id, p1.name, COALESCE(pc.promise_policy_id, ''), COALESCE(p2.name, ''), pc.case_id, ca.number "
			  "FROM policy_conflicts pc JOIN cases ca ON ca.org_id = pc.org_id AND ca.id = pc.case_id "
			  "JOIN policies p1 ON p1.org_id = pc.org_id AND p1.id = pc.policy_id "
			  "LEFT JOIN policies p2 ON p2.org_id = pc.org_id AND p2.id = pc.promise_policy_id "
			  "WHERE pc.org_id = ? AND pc.at >= ? AND pc.at < ? AND (? = '' OR ca.team_id = ?) "
			  "ORDER BY pc.policy_id, 3, pc.at",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(g.from), DB_INT(g.to), DB_TXT(g.team), DB_TXT(g.team)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	/* rows come ordered by pair: fold them into one item per pair with its distinct cases */
	json_t *items = json_array(), *cur = NULL;
	while (db_next(r) == 1) {
		if (!cur || strcmp(json_string_value(json_object_get(cur, "policy_id")), db_text(r, 0)) != 0 ||
		    strcmp(json_string_value(json_object_get(cur, "promise_policy_id")), db_text(r, 2)) != 0) {
			cur = json_pack("{s:s,s:s,s:s,s:s,s:I,s:[]}", "policy_id", db_text(r, 0), "policy", db_text(r, 1),
					"promise_policy_id", db_text(r, 2), "promise_policy", db_text(r, 3), "conflicts", (json_int_t)0,
					"cases");
			json_array_append_new(items, cur);
		}
		json_object_set_new(cur, "conflicts", json_integer(json_integer_value(json_object_get(cur, "conflicts")) + 1));
		json_t *cases = json_object_get(cur, "cases"), *v;
		size_t i;
		int seen = 0;
		json_array_foreach(cases, i, v) seen |= strcmp(json_string_value(json_object_get(v, "id")), db_text(r, 4)) == 0;
		if (!seen)
			json_array_append_new(cases, json_pack("{s:s,s:I}", "id", db_text(r, 4), "number", (json_int_t)db_int(r, 5)));
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(items);
		return svc_db_err(c, rc);
	}
	*out = json_pack("{s:o,s:o}", "range", range_json(&g), "items", items);
	return 0;
}

static json_t *duty_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:I,s:I}", "owner_id", db_text(r, 0), "owner", db_text(r, 1), "kept", (json_int_t)db_int(r, 2),
			 "lapsed", (json_int_t)db_int(r, 3));
}

/* Update duties met and lapsed by owner: whole days from duty_daily (migration 0029), the edges
 * from update_duties_closed; names and the team filter from the owner's current row. */
static int rp_duties(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct range g;
	/* names each owner: for the people who coach them, not for colleagues */
	if (svc_require(c, PERM_READ_PEOPLE_REPORTS))
		return -1;
	if (range_of(c, in, &g))
		return -1;
	return rollup_report(c, &g, NULL, duty_row,
			     "SELECT u.owner_id, COALESCE(pe.name, ''), SUM(u.met), SUM(u.lapsed) FROM ("
			     "SELECT owner_id, met, lapsed FROM duty_daily WHERE org_id = ? AND day >= ? AND day < ? "
			     "UNION ALL SELECT COALESCE(d.owner_id, ''), CASE WHEN d.status = 'met' THEN 1 ELSE 0 END, "
			     "CASE WHEN d.status = 'lapsed' THEN 1 ELSE 0 END FROM update_duties d WHERE d.org_id = ? AND " EDGES("d.closed_at")
			     " AND d.status IN ('met','lapsed')) u LEFT JOIN people pe ON pe.org_id = ? AND pe.id = u.owner_id "
			     "WHERE (? = '' OR pe.team_id = ?) GROUP BY u.owner_id, COALESCE(pe.name, '') "
			     "HAVING SUM(u.met) + SUM(u.lapsed) > 0 ORDER BY 2",
			     out);
}

#include "svc/reports/promises.api.inc"
