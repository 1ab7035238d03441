/* Mailboxes (GET/POST /api/v1/mailboxes). */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "mail/text.h"
#include "svc/directory/directory.h"
#include "svc/mail/mailbox.h"
#include "svc/org/org.h"

#define MB_COLS                                                                                                            \
	"m.org_id, m.id, m.name, m.address, m.display_name, m.team_id, m.owner_id, m.location_id, o.slug, m.authserv_id, " \
	"m.skill_id"

static int mb_query(svc_ctx *c, const char *where, const db_arg *args, int n, struct mailbox *out)
{
	db_res *r;
	char *sql = xasprintf("SELECT " MB_COLS " FROM mailboxes m JOIN orgs o ON o.id = m.org_id WHERE m.active = 1 AND %s "
			      "ORDER BY m.name LIMIT 1", where);
	int rc = db_query(c->db, sql, args, n, &r);
	free(sql);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	int found = db_next(r) == 1;
	if (found) {
		memset(out, 0, sizeof *out);
		svc_copy(c, out->org_id, sizeof out->org_id, db_text(r, 0));
		svc_copy(c, out->id, sizeof out->id, db_text(r, 1));
		svc_copy(c, out->name, sizeof out->name, db_text(r, 2));
		svc_copy(c, out->address, sizeof out->address, db_text(r, 3));
		svc_copy(c, out->display_name, sizeof out->display_name, db_text(r, 4));
		svc_copy(c, out->team_id, sizeof out->team_id, db_text(r, 5));
		svc_copy(c, out->owner_id, sizeof out->owner_id, db_text(r, 6));
		svc_copy(c, out->location_id, sizeof out->location_id, db_text(r, 7));
		svc_copy(c, out->org_slug, sizeof out->org_slug, db_text(r, 8));
		svc_copy(c, out->authserv_id, sizeof out->authserv_id, db_text(r, 9));
		svc_copy(c, out->skill_id, sizeof out->skill_id, db_text(r, 10));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	if (!found)
		return err_set(&c->err, ERR_NOT_FOUND, "mailbox_not_found", "mailbox", "no such mailbox");
	return 0;
}

int mailbox_find(svc_ctx *c, const char *ref, struct mailbox *out)
{
	const char *slash = strchr(ref, '/');
	if (slash && !strchr(ref, '@')) {
		char slug[128];
		size_t n = (size_t)(slash - ref);
		if (n >= sizeof slug)
			return err_set(&c->err, ERR_NOT_FOUND, "mailbox_not_found", "mailbox", "no such mailbox");
		memcpy(slug, ref, n);
		slug[n] = '\0';
		return mb_query(c, "o.slug = ? AND m.name = ?", DB_ARGS(DB_TXT(slug), DB_TXT(slash + 1)), out);
	}
	char *addr = mail_norm_addr(ref);
	int rc = mb_query(c, "m.address = ?", DB_ARGS(DB_TXT(addr)), out);
	free(addr);
	return rc;
}

int mailbox_load(svc_ctx *c, const char *id, struct mailbox *out)
{
	return mb_query(c, "m.org_id = ? AND m.id = ?", DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), out);
}

int mailbox_for_case(svc_ctx *c, const char *case_id, struct mailbox *out)
{
	int rc = mb_query(c,
			  "m.org_id = ? AND m.id = (SELECT mi.mailbox_id FROM mail_in mi WHERE mi.org_id = ? AND mi.case_id = ? "
			  "ORDER BY mi.received_at LIMIT 1)",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.org_id), DB_TXT(case_id)), out);
	if (rc == 0 || c->err.kind != ERR_NOT_FOUND)
		return rc;
	err_clear(&c->err);
	if (mb_query(c, "m.org_id = ?", DB_ARGS(DB_TXT(c->actor.org_id)), out) == 0)
		return 0;
	if (c->err.kind != ERR_NOT_FOUND)
		return -1;
	err_clear(&c->err);
	return err_set(&c->err, ERR_RULE, "no_mailbox", NULL, "the organization has no mailbox to send from");
}

static json_t *mb_json(svc_ctx *c, const struct mailbox *m)
{
	char name[FL_MAX_NAME + 1] = "";
	if (*m->skill_id)
		svc_text(c, name, sizeof name, "SELECT name FROM skills WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(m->org_id), DB_TXT(m->skill_id)));
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:s?,s:s,s:o}", "id", m->id, "name", m->name, "address", m->address,
			 "display_name", m->display_name, "team_id", m->team_id, "owner", svc_person_brief(c, m->owner_id),
			 "location_id", *m->location_id ? m->location_id : NULL, "authserv_id", m->authserv_id, "on_call_skill",
			 *m->skill_id ? json_pack("{s:s,s:s}", "id", m->skill_id, "name", name) : json_null());
}

/* The on-call skill named by in["on_call_skill"] (id or name; "" = none) into skill: 0, or -1
 * (404 skill_not_found). */
static int skill_of(svc_ctx *c, json_t *in, char skill[ID_SIZE])
{
	const char *ref = in_str(in, "on_call_skill");
	skill[0] = '\0';
	return ref && *ref ? dir_skill_ref(c, ref, "on_call_skill", skill, NULL, 0) : 0;
}

/* A mailbox address: one address, no +, lower case (new in *out): 0, or -1 (400 invalid_email). */
static int address_of(svc_ctx *c, const char *in, char **out)
{
	char *addr = mail_norm_addr(in);
	const char *at = strchr(addr, '@');
	if (!at || at == addr || !at[1] || strchr(addr, '+') || strchr(at + 1, '@')) {
		free(addr);
		*out = NULL;
		return err_set(&c->err, ERR_INVALID, "invalid_email", "address", "the address must look like support@example.com (no +)");
	}
	*out = addr;
	return 0;
}

static int mb_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char team[ID_SIZE], owner[ID_SIZE], loc[ID_SIZE] = "", id[ID_SIZE], skill[ID_SIZE], *addr;
	if (svc_require(c, PERM_MANAGE_ORG) || org_team_ref(c, in_str(in, "team"), "team", team) || skill_of(c, in, skill) ||
	    svc_person_ref(c, in_str(in, "owner"), "owner", owner) ||
	    (in_str(in, "location") && org_location_ref(c, in_str(in, "location"), "location", loc)) ||
	    address_of(c, in_str(in, "address"), &addr))
		return -1;
	id_new(id, "mbx", c->now);
	int rc =
		db_exec(c->db,
			"INSERT INTO mailboxes (org_id, id, name, address, display_name, team_id, owner_id, location_id, authserv_id, "
			"active, created_at, skill_id) VALUES (?,?,?,?,?,?,?,?,?,1,?,?)",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_TXT(addr),
				DB_TXT(in_str(in, "display_name") ? in_str(in, "display_name") : ""), DB_TXT(team), DB_TXT(owner),
				DB_TXT(*loc ? loc : NULL), DB_TXT(in_str(in, "authserv_id") ? in_str(in, "authserv_id") : ""),
				DB_INT(c->now), DB_TXT(*skill ? skill : NULL)),
			NULL);
	free(addr);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "mailbox_exists", "address", "a mailbox with this name or address exists");
	struct mailbox m;
	if (mailbox_load(c, id, &m) ||
	    svc_event(c, "mailbox.created", "mailbox", id, NULL,
		      json_pack("{s:s,s:s,s:s,s:s}", "name", m.name, "address", m.address, "team_id", team, "owner_id", owner)))
		return -1;
	*out = mb_json(c, &m);
	return 0;
}

/* The fields of in over m (references resolved, checked): 0, or -1 with nothing changed. */
static int mb_apply(svc_ctx *c, json_t *in, struct mailbox *m)
{
	const char *v;
	char *addr = NULL;
	if ((v = in_str(in, "address")) && address_of(c, v, &addr))
		return -1;
	if (addr) {
		svc_copy(c, m->address, sizeof m->address, addr);
		free(addr);
	}
	if ((v = in_str(in, "display_name")))
		svc_copy(c, m->display_name, sizeof m->display_name, v);
	if ((v = in_str(in, "authserv_id")))
		svc_copy(c, m->authserv_id, sizeof m->authserv_id, v);
	if ((v = in_str(in, "team")) && org_team_ref(c, v, "team", m->team_id))
		return -1;
	if ((v = in_str(in, "owner")) && svc_person_ref(c, v, "owner", m->owner_id))
		return -1;
	if ((v = in_str(in, "location")) && !*v)
		m->location_id[0] = '\0';
	else if (v && org_location_ref(c, v, "location", m->location_id))
		return -1;
	if (json_object_get(in, "on_call_skill") && skill_of(c, in, m->skill_id))
		return -1;
	return svc_db_outcome(c, 0);
}

static int mb_update(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct mailbox m;
	if (svc_require(c, PERM_MANAGE_ORG) || mailbox_load(c, p[0], &m))
		return -1;
	if (json_object_size(in) == 0)
		return err_set(&c->err, ERR_INVALID, "required", NULL, "name at least one field to change");
	if (mb_apply(c, in, &m))
		return -1;
	int rc =
		db_exec(c->db,
			"UPDATE mailboxes SET address = ?, display_name = ?, team_id = ?, owner_id = ?, location_id = ?, authserv_id = ?, "
			"skill_id = ? WHERE org_id = ? AND id = ?",
			DB_ARGS(DB_TXT(m.address), DB_TXT(m.display_name), DB_TXT(m.team_id), DB_TXT(m.owner_id),
				DB_TXT(*m.location_id ? m.location_id : NULL), DB_TXT(m.authserv_id),
				DB_TXT(*m.skill_id ? m.skill_id : NULL), DB_TXT(c->actor.org_id), DB_TXT(m.id)),
			NULL);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "mailbox_exists", "address", "a mailbox with this address exists");
	json_t *changed = json_deep_copy(in);
	json_object_set_new(changed, "on_call_skill_id", *m.skill_id ? json_string(m.skill_id) : json_null());
	if (svc_event(c, "mailbox.updated", "mailbox", m.id, NULL, changed) || mailbox_load(c, m.id, &m))
		return -1;
	*out = mb_json(c, &m);
	return 0;
}

static int mb_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	int rc = db_query(c->db, "SELECT id FROM mailboxes WHERE org_id = ? AND active = 1 ORDER BY name",
			  DB_ARGS(DB_TXT(c->actor.org_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *ids = json_array();
	while (db_next(r) == 1)
		json_array_append_new(ids, json_string(db_text(r, 0)));
	svc_close(c, r);
	json_t *items = json_array(), *v;
	size_t i;
	json_array_foreach(ids, i, v)
	{
		struct mailbox m;
		if (mailbox_load(c, json_string_value(v), &m) == 0)
			json_array_append_new(items, mb_json(c, &m));
	}
	json_decref(ids);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

#include "svc/mail/mailbox.api.inc"
