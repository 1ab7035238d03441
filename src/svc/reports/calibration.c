/* The calibration report: predicted against actual.  Every promise made with an estimate recorded
 * (estimates, migration 0018) and settled since (kept, broken or renegotiated) counts in the bin of
 * its predicted probability; a bin's kept share against its mean prediction is one point of the
 * reliability chart.  Per team: of the promises made at about the threshold (within 5 points of
 * it: the offered 80% time), how many were kept.  Whole days of the range are read from the
 * calibration_daily rollup (migration 0031), the partial days at its edges from the rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "svc/org/org.h"
#include "svc/org/settings.h"
#include "svc/reports/reports.h"

#define BINS 10

struct cal_bin {
	long long n, kept, sum_pm;
};

struct cal_team {
	char id[ID_SIZE];
	long long n, kept, at_n, at_kept, warned, warned_kept, sum_pm;
};

/* One row of the report's query: the settled promises of one team, predicted percent and warning. */
struct cal_row {
	long long pct, warned, n, kept, sum_pm, on_ten, on_ten_kept;
};

/* The mean prediction of n promises whose predictions add up to sum_pm per mille, as a share. */
static json_t *mean(long long sum_pm, long long n)
{
	return n ? json_real(round((double)sum_pm / (double)n) / 1000) : json_null();
}

static json_t *share(long long kept, long long n)
{
	return n ? json_real(round(1000.0 * (double)kept / (double)n) / 1000) : json_null();
}

static json_t *bins_json(const struct cal_bin *b)
{
	json_t *a = json_array();
	for (int i = 0; i < BINS; i++)
		json_array_append_new(a, json_pack("{s:i,s:i,s:I,s:I,s:o,s:o}", "percent_from", i * 10, "percent_to", (i + 1) * 10,
						   "promises", (json_int_t)b[i].n, "kept", (json_int_t)b[i].kept, "kept_share",
						   share(b[i].kept, b[i].n), "mean_predicted", mean(b[i].sum_pm, b[i].n)));
	return a;
}

static json_t *team_json(svc_ctx *c, const struct cal_team *t)
{
	char name[FL_MAX_NAME + 1];
	return json_pack("{s:{s:s,s:s},s:I,s:I,s:o,s:o,s:I,s:I,s:o,s:I,s:I}", "team", "id", t->id, "name",
			 org_team_name(c, t->id, name, sizeof name), "promises", (json_int_t)t->n, "kept", (json_int_t)t->kept,
			 "kept_share", share(t->kept, t->n), "mean_predicted", mean(t->sum_pm, t->n), "at_threshold",
			 (json_int_t)t->at_n, "at_threshold_kept", (json_int_t)t->at_kept, "at_threshold_kept_share",
			 share(t->at_kept, t->at_n), "warned", (json_int_t)t->warned, "warned_kept", (json_int_t)t->warned_kept);
}

/* Count one row of settled promises (x) into bins b and team t.  The band at the threshold
 * (threshold_pct, whole percents) is |predicted - threshold| <= 5 points: the whole percents from
 * threshold - 5 to threshold + 4, and of threshold + 5 only the predictions of exactly that. */
static void count(struct cal_bin *b, struct cal_team *t, const struct cal_row *x, long long threshold_pct)
{
	long long i = x->pct / 10;
	i = i < 0 ? 0 : i >= BINS ? BINS - 1 : i;
	b[i].n += x->n;
	b[i].kept += x->kept;
	b[i].sum_pm += x->sum_pm;
	t->n += x->n;
	t->kept += x->kept;
	t->sum_pm += x->sum_pm;
	if (x->pct >= threshold_pct - 5 && x->pct <= threshold_pct + 4) {
		t->at_n += x->n;
		t->at_kept += x->kept;
	} else if (x->pct == threshold_pct + 5) {
		t->at_n += x->on_ten;
		t->at_kept += x->on_ten_kept;
	}
	t->warned += x->warned * x->n;
	t->warned_kept += x->warned ? x->kept : 0;
}

/* The settled promises with an estimate made in one edge of the range, from estimates_made. */
#define CAL_EDGE                                                                                                            \
	"SELECT e.team_id, e.probability_pm / 10, e.warned, 1, CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END, e.probability_pm, " \
	"CASE WHEN e.probability_pm % 10 = 0 THEN 1 ELSE 0 END, "                                                              \
	"CASE WHEN e.probability_pm % 10 = 0 AND p.status = 'kept' THEN 1 ELSE 0 END "                                         \
	"FROM estimates e JOIN promises p ON p.org_id = e.org_id AND p.id = e.subject_id WHERE e.org_id = ? "                 \
	"AND e.made_at >= ? AND e.made_at < ? AND e.probability_pm IS NOT NULL AND p.status <> 'pending' AND (? = '' OR e.team_id = ?)"

static int cal_report(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	db_res *r;
	long long from, to;
	char team[ID_SIZE] = "";
	if (svc_require(c, PERM_READ_PEOPLE_REPORTS) || in_period(in, c->now, &from, &to, &c->err))
		return -1;
	if (in_str(in, "team") && org_team_ref(c, in_str(in, "team"), "team", team))
		return -1;
	long long threshold = setting_int(c, "estimate.threshold_percent");
	int64_t df, dt;
	report_whole_days(from, to, &df, &dt);
	if (!svc_query(c,
		       "SELECT u.team_id, u.pct, u.warned, SUM(u.n), SUM(u.kept), SUM(u.sum_pm), SUM(u.on_ten), SUM(u.on_ten_kept) FROM ("
		       "SELECT team_id, pct, warned, settled AS n, kept, sum_pm, on_ten, on_ten_kept FROM calibration_daily "
		       "WHERE org_id = ? AND day >= ? AND day < ? AND (? = '' OR team_id = ?) UNION ALL " CAL_EDGE " UNION ALL " CAL_EDGE
		       ") u GROUP BY u.team_id, u.pct, u.warned ORDER BY u.team_id",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(df), DB_INT(dt), DB_TXT(team), DB_TXT(team), DB_TXT(c->actor.org_id),
			       DB_INT(from), DB_INT(df), DB_TXT(team), DB_TXT(team), DB_TXT(c->actor.org_id), DB_INT(dt), DB_INT(to),
			       DB_TXT(team), DB_TXT(team)),
		       &r))
		return -1;
	struct cal_bin bins[BINS] = {{0}};
	struct cal_team all = {.n = 0}, cur = all;
	json_t *teams = json_array();
	while (db_next(r) == 1) {
		if (strcmp(cur.id, db_text(r, 0)) != 0) {
			if (cur.n)
				json_array_append_new(teams, team_json(c, &cur));
			cur = (struct cal_team){.n = 0};
			svc_copy(c, cur.id, sizeof cur.id, db_text(r, 0));
		}
		struct cal_row x = {db_int(r, 1), db_int(r, 2), db_int(r, 3), db_int(r, 4), db_int(r, 5), db_int(r, 6), db_int(r, 7)};
		count(bins, &cur, &x, threshold);
		struct cal_bin ignore[BINS] = {{0}};
		count(ignore, &all, &x, threshold);
	}
	if (cur.n)
		json_array_append_new(teams, team_json(c, &cur));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(teams);
		return svc_db_err(c, rc);
	}
	json_t *items = json_array(), *t;
	size_t i;
	json_array_foreach(teams, i, t)
	{
		json_t *row = json_deep_copy(t);
		json_object_set(row, "team", json_object_get(json_object_get(t, "team"), "name"));
		json_array_append_new(items, row);
	}
	*out = json_pack("{s:o,s:o,s:f,s:I,s:I,s:o,s:I,s:I,s:o,s:o,s:o,s:o}", "from", svc_time(from), "to", svc_time(to), "threshold",
			 threshold / 100.0, "promises", (json_int_t)all.n, "kept", (json_int_t)all.kept, "kept_share",
			 share(all.kept, all.n), "at_threshold", (json_int_t)all.at_n, "at_threshold_kept", (json_int_t)all.at_kept,
			 "at_threshold_kept_share", share(all.at_kept, all.at_n), "bins", bins_json(bins), "by_team", teams, "items",
			 items);
	return 0;
}

#include "svc/reports/calibration.api.inc"
