#ifndef FL_SVC_CUSTOMER_H
#define FL_SVC_CUSTOMER_H
/* Customers (svc/ledger/customer.c). */
#include <stddef.h>

#include "svc/svc.h"

extern const struct route customer_routes[];

/* Create a customer (appends customer.created).  id receives the new id. */
int customer_create(svc_ctx *c, const char *name, const char *email, const char *phone, char id[ID_SIZE]);
/* The customer as JSON, or JSON null when absent in the actor's organization. */
json_t *customer_json(svc_ctx *c, const char *id);
/* The customers who are likely the same person as customer_id (same email, or a phone number
 * with the same last seven digits), not merged away: a JSON array of customers, each with "match" ("email" or
 * "phone"); empty when none.  Storage errors are kept in c->db_err. */
json_t *customer_duplicates(svc_ctx *c, const char *customer_id);
/* Keep only the digits of a phone number. */
void customer_phone_digits(const char *phone, char *out, size_t size);
/* A WHERE clause on alias `cu` matching q as an email, a phone number or part of a name;
 * *arg (caller frees) is its one parameter. */
int customer_match_sql(const char *q, const char **clause, char **arg);

#endif
