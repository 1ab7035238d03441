/* Customers: found by name, email or phone from any channel. */
#include <ctype.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/ledger/customer.h"
#include "svc/page.h"

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
	size_t nd = strlen(digits);
	const char *tail = nd >= 7 ? digits + nd - 7 : ""; /* migration 0015's phone_tail, written with the row */
	char *name_lc = str_lower(name), *email_lc = str_lower(email ? email : "");
	id_new(id, "cus", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO customers (org_id, id, name, name_lc, email, phone, phone_digits, phone_tail, created_at) "
			 "VALUES (?,?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(name), DB_TXT(name_lc), DB_TXT(email_lc),
				 DB_TXT(phone ? phone : ""), DB_TXT(digits), DB_TXT(tail), DB_INT(c->now)),
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
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "id", db_text(r, col), "name", db_text(r, col + 1), "email",
			 db_text(r, col + 2), "phone", db_text(r, col + 3), "created_at", svc_col_time(r, col + 4), "merged_into",
			 svc_col_str(r, col + 5));
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

json_t *customer_duplicates(svc_ctx *c, const char *customer_id)
{
	int rc;
	db_res *r;
	json_t *items = json_array();
	/* two lookups, each an index read (customers_email; customers_phone_tail: the same last seven
	 * digits, so a number written with or without its country code matches; d.phone_tail <> '' is
	 * the partial index's condition, migration 0042).  MATERIALIZED: with the
	 * two lookups flattened under the ORDER BY, SQLite read them in id order through the primary
	 * key, every customer of the organization (56% of a case opening's CPU at 100,000 cases) */
	if (!svc_query(c,
		       "WITH m AS MATERIALIZED (SELECT d.id AS id, 'email' AS how FROM customers cu JOIN customers d "
		       "ON d.org_id = cu.org_id AND d.email = cu.email "
		       "WHERE cu.org_id = ? AND cu.id = ? AND cu.email <> '' AND d.id <> cu.id AND d.merged_into IS NULL "
		       "UNION ALL SELECT d.id, 'phone' FROM customers cu JOIN customers d ON d.org_id = cu.org_id "
		       "AND d.phone_tail = cu.phone_tail WHERE cu.org_id = ? AND cu.id = ? AND cu.phone_tail <> '' AND d.phone_tail <> '' "
		       "AND d.id <> cu.id AND d.merged_into IS NULL) SELECT id, how FROM m ORDER BY 1, 2 LIMIT 20",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(customer_id), DB_TXT(c->actor.org_id), DB_TXT(customer_id)), &r))
		return items;
	json_t *ids = json_object(); /* id -> how it matches ("email", then "phone" appended) */
	while (db_next(r) == 1) {
		json_t *was = json_object_get(ids, db_text(r, 0));
		json_object_set_new(ids, db_text(r, 0),
				    was ? json_sprintf("%s, %s", json_string_value(was), db_text(r, 1))
					: json_string(db_text(r, 1)));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	const char *id;
	json_t *how;
	json_object_foreach(ids, id, how)
	{
		json_t *cj = customer_json(c, id);
		if (json_is_object(cj))
			json_object_set(cj, "match", how);
		json_array_append_new(items, cj);
	}
	json_decref(ids);
	return items;
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

static const struct page_list CUSTOMERS; /* in customer.api.json */

static int cu_find(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *q = in_str(in, "q") ? in_str(in, "q") : "";
	const char *clause = "cu.id = ?"; /* unused when there is no query: the ? IS NULL test short-circuits */
	char *arg = NULL;
	if (*q)
		customer_match_sql(q, &clause, &arg);
	char *where = xasprintf("cu.org_id = ? AND (%s OR ? IS NULL) AND cu.merged_into IS NULL", clause);
	int rc = page_run(c, &CUSTOMERS, in, where, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(arg ? arg : ""), DB_TXT(arg)), out);
	free(where);
	free(arg);
	return rc;
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
	json_object_set_new(o, "possible_duplicates", customer_duplicates(c, p[0]));
	*out = o;
	return 0;
}

/* What a merge needs of a customer. */
struct merge_side {
	char id[ID_SIZE], merged_into[ID_SIZE], email[FL_MAX_EMAIL + 1], phone[FL_MAX_PHONE + 1], digits[FL_MAX_PHONE + 1];
};

static int merge_side_load(svc_ctx *c, const char *id, const char *field, struct merge_side *s)
{
	db_res *r;
	if (svc_load_one(c, "customer_not_found", field, "no such customer", &r,
			 "SELECT id, COALESCE(merged_into, ''), email, phone, phone_digits FROM customers WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id))))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(s->id), SVC_BUF(s->merged_into), SVC_BUF(s->email), SVC_BUF(s->phone), SVC_BUF(s->digits));
	db_res_discard(r);
	if (*s->merged_into)
		return err_set(&c->err, ERR_RULE, "customer_merged", field, "that customer was already merged into another");
	return 0;
}

static json_t *id_row(svc_ctx *c, db_res *r) { return json_string(db_text(r, 0)); }

/* Every case of `from` now belongs to `into`, each with its event; *moved counts them. */
static int merge_cases(svc_ctx *c, const struct merge_side *from, const struct merge_side *into, int *moved)
{
	int rc;
	db_res *r;
	json_t *ids = json_array(), *v;
	size_t i;
	if (!svc_query(c, "SELECT id FROM cases WHERE org_id = ? AND customer_id = ? ORDER BY number",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(from->id)), &r) ||
	    svc_rows_append(c, r, ids, id_row)) {
		json_decref(ids);
		return -1;
	}
	*moved = (int)json_array_size(ids);
	rc = db_exec(c->db, "UPDATE cases SET customer_id = ?, updated_at = ? WHERE org_id = ? AND customer_id = ?",
		     DB_ARGS(DB_TXT(into->id), DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(from->id)), NULL);
	for (const char *const *t = (const char *const[]){"portal_links", "portal_sessions", NULL}; rc == DB_OK && *t; t++) {
		char *sql = xasprintf("UPDATE %s SET customer_id = ? WHERE org_id = ? AND customer_id = ?", *t);
		rc = db_exec(c->db, sql, DB_ARGS(DB_TXT(into->id), DB_TXT(c->actor.org_id), DB_TXT(from->id)), NULL);
		free(sql);
	}
	json_array_foreach(ids, i, v)
	{
		if (rc != DB_OK)
			break;
		if (svc_event(c, "case.customer_merged", "case", json_string_value(v), json_string_value(v),
			      json_pack("{s:s,s:s}", "from", from->id, "into", into->id))) {
			json_decref(ids);
			return -1;
		}
	}
	json_decref(ids);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int cu_merge(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct merge_side from, into;
	int moved = 0;
	if (svc_require(c, PERM_MERGE_CUSTOMERS) || merge_side_load(c, p[0], "id", &from) ||
	    merge_side_load(c, in_str(in, "into"), "into", &into))
		return -1;
	if (strcmp(from.id, into.id) == 0)
		return err_set(&c->err, ERR_RULE, "merge_same_customer", "into", "a customer can't be merged into itself");
	if (merge_cases(c, &from, &into, &moved))
		return -1;
	/* the customer kept gains the contact details it lacked */
	int rc = db_exec(c->db,
			 "UPDATE customers SET email = CASE WHEN email = '' THEN ? ELSE email END, "
			 "phone = CASE WHEN phone = '' THEN ? ELSE phone END, "
			 "phone_digits = CASE WHEN phone_digits = '' THEN ? ELSE phone_digits END WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(from.email), DB_TXT(from.phone), DB_TXT(from.digits), DB_TXT(c->actor.org_id),
				 DB_TXT(into.id)),
			 NULL);
	if (rc == DB_OK)
		rc = db_exec(c->db, "UPDATE customers SET merged_into = ? WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(into.id), DB_TXT(c->actor.org_id), DB_TXT(from.id)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "customer.merged", "customer", from.id, NULL,
		      json_pack("{s:s,s:i,s:s?}", "into", into.id, "cases", moved, "reason", in_str(in, "reason"))))
		return -1;
	json_t *o = customer_json(c, into.id);
	json_object_set_new(o, "merged", json_pack("{s:s,s:i}", "customer_id", from.id, "cases_moved", moved));
	*out = o;
	return 0;
}

#include "svc/ledger/customer.api.inc"
