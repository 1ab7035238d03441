/* Customers: found by name, email or phone from any channel. */
#include <ctype.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/ledger/customer.h"

void customer_phone_digits(const char *phone, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = phone ? phone : ""; *p && n + 1 < size; p++)
		if (isdigit((unsigned char)*p))
			out[n++] = *p;
	out[n] = '\0';
}

int customer_create(svc_ctx *c, const char *name, const char *email, const char *phone, char id[ID_SIZE])
{
	char digits[FL_MAX_PHONE + 1];
	if (!name || !*name)
		return err_set(&c->err, ERR_INVALID, "required", "name", "the customer's name is required");
	if (email && *email && !strchr(email, '@'))
		return err_set(&c->err, ERR_INVALID, "invalid_email", "email", "email must look like name@example.com");
	customer_phone_digits(phone, digits, sizeof digits);
	char *name_lc = str_lower(name), *email_lc = str_lower(email ? email : "");
	id_new(id, "cus", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO customers (org_id, id, name, name_lc, email, phone, phone_digits, created_at) "
			 "VALUES (?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(name), DB_TXT(name_lc), DB_TXT(email_lc),
				 DB_TXT(phone ? phone : ""), DB_TXT(digits), DB_INT(c->now)),
			 NULL);
	free(name_lc);
	free(email_lc);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return svc_event(c, "customer.created", "customer", id, NULL,
			 json_pack("{s:s,s:s,s:s}", "name", name, "email", email ? email : "", "phone", phone ? phone : ""));
}

json_t *customer_row_json(db_res *r, int col)
{
	if (db_is_null(r, col))
		return json_null();
	return json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", db_text(r, col), "name", db_text(r, col + 1), "email",
			 db_text(r, col + 2), "phone", db_text(r, col + 3), "created_at", svc_col_time(r, col + 4));
}

json_t *customer_json(svc_ctx *c, const char *id)
{
	int rc;
	db_res *r;
	json_t *o = json_null();
	if (!svc_query(c, "SELECT " CUSTOMER_COLS " FROM customers cu WHERE cu.org_id = ? AND cu.id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r))
		return o;
	if (db_next(r) == 1)
		o = customer_row_json(r, 0);
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return o;
}

int customer_match_sql(const char *q, const char **clause, char **arg)
{
	char digits[64];
	customer_phone_digits(q, digits, sizeof digits);
	if (strchr(q, '@')) {
		*clause = "cu.email = ?";
		*arg = str_lower(q);
	} else if (strlen(digits) >= 4 && strlen(digits) * 2 >= strlen(q)) {
		*clause = "cu.phone_digits LIKE ?";
		*arg = xasprintf("%%%s", digits);
	} else {
		char *lc = str_lower(q);
		*clause = "cu.name_lc LIKE ?";
		*arg = xasprintf("%%%s%%", lc);
		free(lc);
	}
	return 0;
}

static int cu_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	if (customer_create(c, in_str(in, "name"), in_str(in, "email"), in_str(in, "phone"), id))
		return -1;
	*out = customer_json(c, id);
	return 0;
}

static int cu_find(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *q = in_str(in, "q") ? in_str(in, "q") : "";
	const char *clause = "cu.id = ?"; /* unused when there is no query: the ? IS NULL test short-circuits */
	char *arg = NULL;
	if (*q)
		customer_match_sql(q, &clause, &arg);
	char *sql = xasprintf("SELECT cu.id FROM customers cu WHERE cu.org_id = ? AND (%s OR ? IS NULL) "
			      "ORDER BY cu.name_lc LIMIT ?",
			      clause);
	db_res *r;
	int rc = db_query(c->db, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(arg ? arg : ""), DB_TXT(arg), DB_INT(svc_limit(in))),
			  &r);
	free(sql);
	free(arg);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *ids = json_array();
	while (db_next(r) == 1)
		json_array_append_new(ids, json_string(db_text(r, 0)));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(ids);
		return svc_db_err(c, rc);
	}
	json_t *items = json_array(), *v;
	size_t i;
	json_array_foreach(ids, i, v) json_array_append_new(items, customer_json(c, json_string_value(v)));
	json_decref(ids);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int cu_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	json_t *o = customer_json(c, p[0]);
	if (!json_is_object(o))
		return err_set(&c->err, ERR_NOT_FOUND, "not_found", "id", "no such customer");
	db_res *r;
	if ((rc = db_query(c->db,
			   "SELECT id, number, subject, status, owner_id, updated_at FROM cases WHERE org_id = ? AND customer_id = ? "
			   "ORDER BY created_at DESC LIMIT 100",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), &r)) != DB_OK) {
		json_decref(o);
		return svc_db_err(c, rc);
	}
	json_t *cases = json_array();
	while (db_next(r) == 1)
		json_array_append_new(cases, json_pack("{s:s,s:I,s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "number",
						       (json_int_t)db_int(r, 1), "subject", db_text(r, 2), "status", db_text(r, 3),
						       "owner_id", db_text(r, 4), "updated_at", svc_col_time(r, 5)));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(cases);
		json_decref(o);
		return svc_db_err(c, rc);
	}
	json_object_set_new(o, "cases", cases);
	*out = o;
	return 0;
}

static const struct in_field CU_CREATE[] = {
	{"name", IN_STR, 1, 1, FL_MAX_NAME, NULL, "customer's name"},
	{"email", IN_STR, 0, 0, FL_MAX_EMAIL, NULL, "email"},
	{"phone", IN_STR, 0, 0, FL_MAX_PHONE, NULL, "phone"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field CU_FIND[] = {
	{"q", IN_STR, 0, 0, FL_MAX_NAME, NULL, "name (part), email, or phone (digits, any format)"},
	{"limit", IN_INT, 0, 1, FL_MAX_LIST, NULL, "page size"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

const struct route customer_routes[] = {
	{"POST", "/api/v1/customers", cu_create, CU_CREATE, 201, "Add a customer", "Customer", "customer add", 0},
	{"GET", "/api/v1/customers", cu_find, CU_FIND, 200, "Find customers by name, email or phone", "CustomerList",
	 "customer find", 0},
	{"GET", "/api/v1/customers/{id}", cu_show, NULL, 200, "Show a customer and their cases", "Customer", "customer show", 0},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
