/* Installing an organization: the organization row, its history chain and case counter, and its
 * first admin.  Installation-level: command line only. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/event.h"
#include "svc/directory/people.h"
#include "svc/org/install.h"

static int slug_ok(const char *s)
{
	if (!*s || strlen(s) > 60)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

/* Creates an organization with its first admin.  Installation-level: command line only. */
static int org_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *slug = in_str(in, "slug"), *name = in_str(in, "name");
	char org_id[ID_SIZE];
	if (!slug_ok(slug))
		return err_set(&c->err, ERR_INVALID, "invalid_slug", "slug",
			       "slug must be 1-60 characters of a-z, 0-9 and '-'");
	id_new(org_id, "org", c->now);
	int rc = db_exec(c->db, "INSERT INTO orgs (id, slug, name, created_at) VALUES (?,?,?,?)",
			 DB_ARGS(DB_TXT(org_id), DB_TXT(slug), DB_TXT(name), DB_INT(c->now)), NULL);
	if (rc == DB_CONSTRAINT)
		return err_set(&c->err, ERR_CONFLICT, "slug_taken", "slug", "an organization with this slug exists");
	if (rc == DB_OK)
		rc = event_chain_init(c->db, org_id);
	if (rc == DB_OK)
		rc = db_exec(c->db, "INSERT INTO case_counters (org_id, last_number) VALUES (?, 0)", DB_ARGS(DB_TXT(org_id)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	STR_COPY(c->actor.org_id, org_id);
	STR_COPY(c->actor.person_id, "system");
	c->actor.role = ROLE_SYSTEM;
	if (svc_event(c, "org.created", "org", org_id, NULL, json_pack("{s:s,s:s}", "slug", slug, "name", name)))
		return -1;
	json_t *admin = NULL;
	if (in_str(in, "admin_email")) {
		json_t *pin = json_pack("{s:s,s:s,s:s}", "name", in_str(in, "admin_name") ? in_str(in, "admin_name") : "Admin",
					"email", in_str(in, "admin_email"), "role", "admin");
		if (in_str(in, "admin_password"))
			json_object_set_new(pin, "password", json_string(in_str(in, "admin_password")));
		int r2 = people_create(c, pin, &admin);
		json_decref(pin);
		if (r2)
			return -1;
	}
	*out = json_pack("{s:s,s:s,s:s,s:o}", "id", org_id, "slug", slug, "name", name, "admin", admin ? admin : json_null());
	return 0;
}

#include "svc/org/install.api.inc"
