#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/event.h"
#include "svc/svc.h"

int svc_db_err(svc_ctx *c, int rc)
{
	if (rc == DB_CONSTRAINT)
		return err_set(&c->err, ERR_CONFLICT, "conflict", NULL, "this conflicts with existing data");
	if (rc == DB_RETRY)
		return err_set(&c->err, ERR_BUSY, "busy", NULL, "the database is busy; try again");
	if (rc == DB_UNAVAILABLE)
		return err_set(&c->err, ERR_UNAVAILABLE, "database_unavailable", NULL, "the database cannot be reached; try again");
	return err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "storage error: %s", db_errmsg(c->db));
}

int svc_event(svc_ctx *c, const char *kind, const char *entity_type, const char *entity_id, const char *case_id,
	      json_t *data_new)
{
	return svc_event_as(c, c->actor.person_id, kind, entity_type, entity_id, case_id, data_new);
}

int svc_event_as(svc_ctx *c, const char *actor_id, const char *kind, const char *entity_type, const char *entity_id,
		 const char *case_id, json_t *data_new)
{
	int rc = event_append(c->db, c->actor.org_id, c->now, actor_id, kind, entity_type, entity_id, case_id, data_new);
	json_decref(data_new);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

int svc_person_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE])
{
	db_res *r;
	int rc;
	if (!ref || !*ref)
		return err_set(&c->err, ERR_INVALID, "required", field, "%s is required", field);
	if (strchr(ref, '@')) {
		char *lc = str_lower(ref);
		rc = db_query(c->db, "SELECT id FROM people WHERE org_id = ? AND email = ?",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(lc)), &r);
		free(lc);
	} else {
		rc = db_query(c->db, "SELECT id FROM people WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(ref)), &r);
	}
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc == 1)
		str_copy(id, ID_SIZE, db_text(r, 0));
	db_res_free(r);
	if (rc < 0)
		return svc_db_err(c, rc);
	if (rc == 0)
		return err_set(&c->err, ERR_NOT_FOUND, "person_not_found", field, "no such person");
	return 0;
}

json_t *svc_time(int64_t ms)
{
	char buf[40];
	if (ms <= 0)
		return json_null();
	return json_string(time_format(ms, buf, sizeof buf));
}

json_t *svc_col_str(db_res *r, int col)
{
	if (db_is_null(r, col))
		return json_null();
	return json_string(db_text(r, col));
}

json_t *svc_col_time(db_res *r, int col)
{
	if (db_is_null(r, col))
		return json_null();
	return svc_time(db_int(r, col));
}

void svc_cache_forget(svc_ctx *c)
{
	memset(&c->cache, 0, sizeof c->cache);
}

static json_t *person_brief_uncached(svc_ctx *c, const char *person_id)
{
	db_res *r;
	if (db_query(c->db,
		     "SELECT p.id, p.name, p.role, p.team_id, t.name, p.email, p.phone, p.manager_id, p.title "
		     "FROM people p LEFT JOIN teams t ON t.org_id = p.org_id AND t.id = p.team_id "
		     "WHERE p.org_id = ? AND p.id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id)), &r) != DB_OK)
		return json_null();
	json_t *o = json_null();
	if (db_next(r) == 1) {
		o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:s}", "id", db_text(r, 0), "name", db_text(r, 1), "role",
			      db_text(r, 2), "team_id", svc_col_str(r, 3), "team", svc_col_str(r, 4), "email", db_text(r, 5),
			      "phone", db_text(r, 6), "manager_id", svc_col_str(r, 7), "title", db_text(r, 8));
	}
	db_res_free(r);
	return o;
}

json_t *svc_person_brief(svc_ctx *c, const char *person_id)
{
	if (!person_id || !*person_id)
		return json_null();
	if (strcmp(person_id, "system") == 0)
		return json_pack("{s:s,s:s,s:s}", "id", "system", "name", "Frontline", "role", "system");
	char key[2 * ID_SIZE];
	snprintf(key, sizeof key, "%s/%.*s", c->actor.org_id, ID_SIZE - 1, person_id);
	for (int i = 0; i < SVC_CACHE_PEOPLE; i++) {
		if (c->cache.people[i].key[0] && strcmp(c->cache.people[i].key, key) == 0) {
			json_t *o = json_loads(c->cache.people[i].brief, 0, NULL);
			if (o)
				return o; /* a new object each time: callers may add to it */
		}
	}
	json_t *o = person_brief_uncached(c, person_id);
	if (json_is_object(o)) {
		char *text = json_dumps(o, JSON_COMPACT);
		if (text && strlen(text) < SVC_CACHE_TEXT) {
			int i = c->cache.next_person;
			c->cache.next_person = (i + 1) % SVC_CACHE_PEOPLE;
			str_copy(c->cache.people[i].key, sizeof c->cache.people[i].key, key);
			str_copy(c->cache.people[i].brief, sizeof c->cache.people[i].brief, text);
		}
		free(text);
	}
	return o;
}

size_t person_managers(svc_ctx *c, const char *person_id, char chain[][ID_SIZE], size_t max)
{
	char cur[ID_SIZE];
	size_t n = 0;
	str_copy(cur, sizeof cur, person_id);
	while (*cur && n < max) {
		db_res *r;
		if (db_query(c->db, "SELECT manager_id FROM people WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(cur)), &r) != DB_OK)
			break;
		cur[0] = '\0';
		if (db_next(r) == 1 && !db_is_null(r, 0))
			str_copy(cur, sizeof cur, db_text(r, 0));
		db_res_free(r);
		if (*cur)
			str_copy(chain[n++], ID_SIZE, cur);
	}
	return n;
}

int person_depth(svc_ctx *c, const char *person_id)
{
	char chain[PERSON_MAX_DEPTH][ID_SIZE];
	return (int)person_managers(c, person_id, chain, PERSON_MAX_DEPTH);
}

json_t *svc_one_row(svc_ctx *c, const char *sql, const char *id, svc_row_fn row)
{
	db_res *r;
	int rc = db_query(c->db, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r);
	if (rc != DB_OK) {
		svc_db_err(c, rc);
		return NULL;
	}
	rc = db_next(r);
	json_t *o = rc == 1 ? row(c, r) : json_null();
	db_res_free(r);
	if (rc < 0) {
		json_decref(o);
		svc_db_err(c, rc);
		return NULL;
	}
	return o;
}

int svc_require(svc_ctx *c, enum perm p)
{
	if (role_may(c->actor.role, p))
		return 0;
	return err_set(&c->err, ERR_FORBIDDEN, "role_required", NULL, "your role (%s) may not do this",
		       role_name(c->actor.role));
}

int64_t svc_limit(json_t *in)
{
	long long l = in_int(in, "limit", FL_DEFAULT_LIST);
	if (l < 1)
		l = 1;
	if (l > FL_MAX_LIST)
		l = FL_MAX_LIST;
	return l;
}
