/* The estimate rollups (migration 0014): one row per (team, kind, time bucket) and its wider
 * levels, updated when a request completes, read by an estimate (at most four rows). */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "svc/promises/estimate_rollup.h"

char *estimate_rollup_hist_text(const struct est_hist *h)
{
	json_t *w = json_array(), *r = json_array();
	for (int i = 0; i < EST_BINS; i++)
		if (h->w[i] > 0)
			json_array_append_new(w, json_pack("[i,f]", i, h->w[i]));
	for (int i = 0; i < h->nrecent; i++)
		json_array_append_new(r, json_integer(h->recent[i]));
	json_t *o = json_pack("{s:o,s:o}", "w", w, "r", r);
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(o);
	return s;
}

void estimate_rollup_hist_parse(const char *text, int64_t n, struct est_hist *h)
{
	memset(h, 0, sizeof *h);
	h->n = n;
	json_t *o = json_loads(text ? text : "{}", 0, NULL), *v;
	size_t i;
	json_array_foreach(json_object_get(o, "w"), i, v)
	{
		json_int_t bin = json_integer_value(json_array_get(v, 0));
		if (bin >= 0 && bin < EST_BINS)
			h->w[bin] = json_number_value(json_array_get(v, 1));
	}
	json_array_foreach(json_object_get(o, "r"), i, v)
	{
		if (h->nrecent < EST_RECENT)
			h->recent[h->nrecent++] = json_integer_value(v);
	}
	json_decref(o);
}

/* The four keys of (team, kind, bucket), narrowest first (enum est_level). */
static void keys(const char *team, const char *kind, int bucket, const char *t[4], const char *k[4], int b[4])
{
	t[0] = t[1] = t[2] = team;
	t[3] = "*";
	k[0] = k[1] = kind;
	k[2] = k[3] = "*";
	b[0] = bucket;
	b[1] = b[2] = b[3] = -1;
}

int estimate_rollup_load(svc_ctx *c, const char *team, const char *kind, int bucket, struct est_hist h[4], int have[4],
			  double *usual)
{
	const char *t[4], *k[4];
	int b[4], rc;
	db_res *r;
	keys(team, kind, bucket, t, k, b);
	*usual = -1;
	memset(have, 0, 4 * sizeof *have);
	/* the four rows in one statement; a row may stand for two levels (kind "*") */
	if (!svc_query(c,
		       "SELECT team_id, kind, bucket, n, load_sum, hist FROM estimate_rollups WHERE org_id = ? AND ("
		       "(team_id = ? AND kind = ? AND bucket = ?) OR (team_id = ? AND kind = ? AND bucket = ?) OR "
		       "(team_id = ? AND kind = ? AND bucket = ?) OR (team_id = ? AND kind = ? AND bucket = ?))",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(t[0]), DB_TXT(k[0]), DB_INT(b[0]), DB_TXT(t[1]), DB_TXT(k[1]),
			       DB_INT(b[1]), DB_TXT(t[2]), DB_TXT(k[2]), DB_INT(b[2]), DB_TXT(t[3]), DB_TXT(k[3]), DB_INT(b[3])),
		       &r))
		return -1;
	while (db_next(r) == 1) {
		for (int l = 0; l < 4; l++) {
			if (strcmp(db_text(r, 0), t[l]) != 0 || strcmp(db_text(r, 1), k[l]) != 0 || db_int(r, 2) != b[l])
				continue;
			have[l] = 1;
			estimate_rollup_hist_parse(db_text(r, 5), db_int(r, 3), &h[l]);
			if (l == EST_HOLDER && db_int(r, 3) > 0)
				*usual = (double)db_int(r, 4) / (double)db_int(r, 3);
		}
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

/* One rollup row: take its lock (the upsert), read, add, write back: two completions of the same
 * key never lose one another (READ COMMITTED on PostgreSQL re-reads after the lock). */
static int rollup_add_one(svc_ctx *c, const char *team, const char *kind, int bucket, int64_t ms, int64_t t, int64_t load)
{
	int rc;
	db_res *r;
	struct est_hist h;
	if ((rc = db_exec(c->db,
			  "INSERT INTO estimate_rollups (org_id, team_id, kind, bucket, n, load_sum, hist, updated_at) VALUES (?,?,?,?,0,0,'{}',?) "
			  "ON CONFLICT (org_id, team_id, kind, bucket) DO UPDATE SET updated_at = excluded.updated_at",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team), DB_TXT(kind), DB_INT(bucket), DB_INT(c->now)), NULL)) != DB_OK)
		return svc_db_err(c, rc);
	if (svc_load_one(c, "rollup_not_found", NULL, "no rollup", &r,
			 "SELECT n, load_sum, hist FROM estimate_rollups WHERE org_id = ? AND team_id = ? AND kind = ? AND bucket = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team), DB_TXT(kind), DB_INT(bucket))))
		return -1;
	int64_t load_sum = db_int(r, 1) + load;
	estimate_rollup_hist_parse(db_text(r, 2), db_int(r, 0), &h);
	db_res_discard(r);
	est_hist_add(&h, ms, t);
	char *text = estimate_rollup_hist_text(&h);
	rc = db_exec(c->db, "UPDATE estimate_rollups SET n = ?, load_sum = ?, hist = ? WHERE org_id = ? AND team_id = ? AND kind = ? AND bucket = ?",
		     DB_ARGS(DB_INT(h.n), DB_INT(load_sum), DB_TXT(text), DB_TXT(c->actor.org_id), DB_TXT(team), DB_TXT(kind),
			     DB_INT(bucket)),
		     NULL);
	free(text);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

int estimate_rollup_add(svc_ctx *c, const char *team, const char *kind, int bucket, int64_t ms, int64_t t, int64_t load)
{
	const char *tk[4], *kk[4];
	int b[4];
	keys(team, kind, bucket, tk, kk, b);
	for (int l = 0; l < 4; l++)
		if (rollup_add_one(c, tk[l], kk[l], b[l], ms, t, load))
			return -1;
	return 0;
}
