/* The calibration report: predicted against actual.  Every promise made with an estimate recorded
 * (estimates, migration 0014) and settled since (kept, broken or renegotiated) counts in the bin of
 * its predicted probability; a bin's kept share against its mean prediction is one point of the
 * reliability chart.  Per team: of the promises made at about the threshold (within 5 points of
 * it: the offered 80% time), how many were kept. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "svc/org/org.h"
#include "svc/org/settings.h"
#include "svc/reports/reports.h"

#define BINS 10

struct cal_bin {
	long long n, kept;
	double sum_p;
};

struct cal_team {
	char id[ID_SIZE];
	long long n, kept, at_n, at_kept, warned, warned_kept;
	double sum_p;
};

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
						   share(b[i].kept, b[i].n), "mean_predicted",
						   b[i].n ? json_real(round(1000 * b[i].sum_p / (double)b[i].n) / 1000) : json_null()));
	return a;
}

static json_t *team_json(svc_ctx *c, const struct cal_team *t)
{
	char name[FL_MAX_NAME + 1];
	return json_pack("{s:{s:s,s:s},s:I,s:I,s:o,s:o,s:I,s:I,s:o,s:I,s:I}", "team", "id", t->id, "name",
			 org_team_name(c, t->id, name, sizeof name), "promises", (json_int_t)t->n, "kept", (json_int_t)t->kept,
			 "kept_share", share(t->kept, t->n), "mean_predicted",
			 t->n ? json_real(round(1000 * t->sum_p / (double)t->n) / 1000) : json_null(), "at_threshold",
			 (json_int_t)t->at_n, "at_threshold_kept", (json_int_t)t->at_kept, "at_threshold_kept_share",
			 share(t->at_kept, t->at_n), "warned", (json_int_t)t->warned, "warned_kept", (json_int_t)t->warned_kept);
}

/* Count one settled promise. */
static void count(struct cal_bin *b, struct cal_team *t, long long pm, int kept, int warned, long long threshold_pm)
{
	int i = (int)(pm / 100);
	i = i < 0 ? 0 : i >= BINS ? BINS - 1 : i;
	b[i].n++;
	b[i].kept += kept;
	b[i].sum_p += pm / 1000.0;
	t->n++;
	t->kept += kept;
	t->sum_p += pm / 1000.0;
	if (llabs(pm - threshold_pm) <= 50) {
		t->at_n++;
		t->at_kept += kept;
	}
	t->warned += warned;
	t->warned_kept += warned && kept;
}

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
	long long threshold = setting_int(c, "estimate.threshold_percent") * 10;
	if (!svc_query(c,
		       "SELECT e.team_id, e.probability_pm, p.status, e.warned FROM estimates e JOIN promises p ON p.org_id = e.org_id "
		       "AND p.id = e.subject_id WHERE e.org_id = ? AND e.made_at >= ? AND e.made_at < ? AND e.probability_pm IS NOT NULL "
		       "AND p.status <> 'pending' AND (? = '' OR e.team_id = ?) ORDER BY e.team_id",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(from), DB_INT(to), DB_TXT(team), DB_TXT(team)), &r))
		return -1;
	struct cal_bin bins[BINS] = {{0}};
	struct cal_team all = {"", 0, 0, 0, 0, 0, 0, 0}, cur = all;
	json_t *teams = json_array();
	while (db_next(r) == 1) {
		if (strcmp(cur.id, db_text(r, 0)) != 0) {
			if (cur.n)
				json_array_append_new(teams, team_json(c, &cur));
			cur = (struct cal_team){"", 0, 0, 0, 0, 0, 0, 0};
			svc_copy(c, cur.id, sizeof cur.id, db_text(r, 0));
		}
		int kept = strcmp(db_text(r, 2), "kept") == 0;
		count(bins, &cur, db_int(r, 1), kept, (int)db_int(r, 3), threshold);
		struct cal_bin ignore[BINS] = {{0}};
		count(ignore, &all, db_int(r, 1), kept, (int)db_int(r, 3), threshold);
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
			 threshold / 1000.0, "promises", (json_int_t)all.n, "kept", (json_int_t)all.kept, "kept_share",
			 share(all.kept, all.n), "at_threshold", (json_int_t)all.at_n, "at_threshold_kept", (json_int_t)all.at_kept,
			 "at_threshold_kept_share", share(all.at_kept, all.at_n), "bins", bins_json(bins), "by_team", teams, "items",
			 items);
	return 0;
}

#include "svc/reports/calibration.api.inc"
