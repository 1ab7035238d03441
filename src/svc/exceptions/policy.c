/* The policy catalogue: named rules with an owner, text and limits; versioned. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/exceptions/policy.h"

static const char *const KINDS[] = {"rule", "guarantee", "limit", NULL};

int policy_ref(svc_ctx *c, const char *ref, const char *field, struct policy_row *out)
{
	db_res *r;
	if (!ref)
		return err_set(&c->err, ERR_INVALID, "required", field, "%s is required", field);
	if (svc_load_one(c, "policy_not_found", field, "no such policy", &r,
			 "SELECT id, name, kind, owner_id, version, limits FROM policies WHERE org_id = ? AND (id = ? OR name = ?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(ref), DB_TXT(ref))))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(out->id), SVC_BUF(out->name), SVC_BUF(out->kind), SVC_BUF(out->owner_id));
	out->version = db_int(r, 4);
	out->limits = json_loads(db_text(r, 5), 0, NULL);
	if (!out->limits)
		out->limits = json_object();
	db_res_discard(r);
	return 0;
}

json_t *policy_json(svc_ctx *c, const char *id, int with_versions)
{
	int rc;
	db_res *r;
	json_t *o = json_null();
	if (!svc_query(c,
		       "SELECT id, name, kind, owner_id, version, text, limits, active, created_at, updated_at FROM policies "
		       "WHERE org_id = ? AND id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r))
		return o;
	if (db_next(r) == 1) {
		json_t *lim = json_loads(db_text(r, 6), 0, NULL);
		o = json_pack("{s:s,s:s,s:s,s:o,s:I,s:s,s:o,s:b,s:o,s:o}", "id", db_text(r, 0), "name", db_text(r, 1), "kind",
			      db_text(r, 2), "owner", svc_person_brief(c, db_text(r, 3)), "version", (json_int_t)db_int(r, 4),
			      "text", db_text(r, 5), "limits", lim ? lim : json_object(), "active", (int)db_int(r, 7),
			      "created_at", svc_col_time(r, 8), "updated_at", svc_col_time(r, 9));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	if (with_versions && json_is_object(o) &&
	    svc_query(c,
		      "SELECT version, text, limits, changed_by, reason, created_at FROM policy_versions "
		      "WHERE org_id = ? AND policy_id = ? ORDER BY version",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) {
		json_t *vs = json_array();
		while (db_next(r) == 1) {
			json_t *lim = json_loads(db_text(r, 2), 0, NULL);
			json_array_append_new(vs, json_pack("{s:I,s:s,s:o,s:o,s:s,s:o}", "version", (json_int_t)db_int(r, 0), "text",
							    db_text(r, 1), "limits", lim ? lim : json_object(), "changed_by",
							    svc_person_brief(c, db_text(r, 3)), "reason", db_text(r, 4), "at",
							    svc_col_time(r, 5)));
		}
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
		json_object_set_new(o, "versions", vs);
	}
	return o;
}

json_t *policy_brief(svc_ctx *c, const char *policy_id, long long version)
{
	int rc;
	db_res *r;
	json_t *o = json_pack("{s:s,s:s,s:I}", "id", policy_id, "name", "", "version", (json_int_t)version);
	if (svc_query(c, "SELECT name FROM policies WHERE org_id = ? AND id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(policy_id)), &r)) {
		if (db_next(r) == 1)
			json_object_set_new(o, "name", json_string(db_text(r, 0)));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return o;
}

int policy_active(svc_ctx *c, const char *policy_id, int *active)
{
	int64_t a = 1;
	int rc = db_scalar_int(c->db, "SELECT active FROM policies WHERE org_id = ? AND id = ?",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(policy_id)), &a, NULL);
	*active = a != 0;
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int add_version(svc_ctx *c, const char *id, int64_t version, const char *text, const char *limits, const char *reason)
{
	int rc = db_exec(c->db,
			 "INSERT INTO policy_versions (org_id, policy_id, version, text, limits, changed_by, reason, created_at) "
			 "VALUES (?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_INT(version), DB_TXT(text), DB_TXT(limits),
				 DB_TXT(c->actor.person_id), DB_TXT(reason ? reason : ""), DB_INT(c->now)),
			 NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int pol_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE], owner[ID_SIZE];
	if (svc_require(c, PERM_MANAGE_POLICIES))
		return -1;
	if (svc_person_ref(c, in_str(in, "owner"), "owner", owner))
		return -1;
	json_t *lim = json_object_get(in, "limits");
	char *limits = lim ? json_dumps(lim, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("{}");
	id_new(id, "pol", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO policies (org_id, id, name, kind, owner_id, version, text, limits, created_at, updated_at) "
			 "VALUES (?,?,?,?,?,1,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_TXT(in_str(in, "kind")),
				 DB_TXT(owner), DB_TXT(in_str(in, "text")), DB_TXT(limits), DB_INT(c->now), DB_INT(c->now)),
			 NULL);
	if (rc == DB_CONSTRAINT) {
		free(limits);
		return err_set(&c->err, ERR_CONFLICT, "name_taken", "name", "a policy with this name exists");
	}
	if (rc != DB_OK || add_version(c, id, 1, in_str(in, "text"), limits, "created")) {
		free(limits);
		return rc != DB_OK ? svc_db_err(c, rc) : -1;
	}
	free(limits);
	if (svc_event(c, "policy.created", "policy", id, NULL, json_deep_copy(in)))
		return -1;
	*out = policy_json(c, id, 1);
	return 0;
}

static int pol_update(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct policy_row row;
	if (svc_require(c, PERM_MANAGE_POLICIES))
		return -1;
	if (policy_ref(c, p[0], "id", &row))
		return -1;
	json_decref(row.limits);
	json_t *cur = policy_json(c, row.id, 0);
	const char *text = in_str(in, "text") ? in_str(in, "text") : json_string_value(json_object_get(cur, "text"));
	json_t *lim = json_object_get(in, "limits") ? json_object_get(in, "limits") : json_object_get(cur, "limits");
	char *limits = json_dumps(lim, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t v = row.version + 1;
	int rc = db_exec(c->db,
			 "UPDATE policies SET version = ?, text = ?, limits = ?, active = COALESCE(?, active), updated_at = ? "
			 "WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_INT(v), DB_TXT(text), DB_TXT(limits),
				 json_is_boolean(json_object_get(in, "active")) ? DB_INT(in_bool(in, "active", 1)) : DB_NULL,
				 DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(row.id)),
			 NULL);
	int ret = rc != DB_OK ? svc_db_err(c, rc) : add_version(c, row.id, v, text, limits, in_str(in, "reason"));
	free(limits);
	json_decref(cur);
	if (ret || svc_event(c, "policy.changed", "policy", row.id, NULL, json_pack("{s:I,s:O}", "version", (json_int_t)v, "change", in)))
		return -1;
	*out = policy_json(c, row.id, 1);
	return 0;
}

static int pol_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *ids, *items = json_array(), *v;
	if (svc_strings(c, &ids, 1, "SELECT id FROM policies WHERE org_id = ? ORDER BY name", DB_ARGS(DB_TXT(c->actor.org_id)))) {
		json_decref(items);
		return -1;
	}
	size_t i;
	json_array_foreach(ids, i, v) json_array_append_new(items, policy_json(c, json_string_value(v), 0));
	json_decref(ids);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int pol_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct policy_row row;
	if (policy_ref(c, p[0], "id", &row))
		return -1;
	json_decref(row.limits);
	*out = policy_json(c, row.id, 1);
	return 0;
}

#include "svc/exceptions/policy.api.inc"
