#include "store/idem.h"

#include <sodium.h>
#include <string.h>

#include "base/util.h"

void idem_request_hash(const char *method, const char *path, const char *body, size_t len, char out[IDEM_HASH_SIZE])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)method, strlen(method) + 1);
	crypto_generichash_update(&st, (const unsigned char *)path, strlen(path) + 1);
	if (body)
		crypto_generichash_update(&st, (const unsigned char *)body, len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, IDEM_HASH_SIZE, h, sizeof h);
}

static int forget(db *d, const char *org_id, const char *person_id, const char *key)
{
	return db_exec(d, "DELETE FROM idempotency WHERE org_id = ? AND person_id = ? AND key = ?",
		       DB_ARGS(DB_TXT(org_id), DB_TXT(person_id), DB_TXT(key)), NULL);
}

int idem_lookup(db *d, const char *org_id, const char *person_id, const char *key, const char *hash, int64_t since,
		int *status, char **body)
{
	db_res *r;
	int rc = db_query(d, "SELECT request_hash, status, body, created_at FROM idempotency WHERE org_id = ? AND person_id = ? AND key = ?",
			  DB_ARGS(DB_TXT(org_id), DB_TXT(person_id), DB_TXT(key)), &r);
	if (rc != DB_OK)
		return rc;
	int found = db_next(r), result = IDEM_NEW, expired = 0;
	if (found < 0) {
		result = found;
	} else if (found == 1 && db_int(r, 3) < since) {
		expired = 1;
	} else if (found == 1 && strcmp(db_text(r, 0), hash) != 0) {
		result = IDEM_OTHER_REQUEST;
	} else if (found == 1) {
		*status = (int)db_int(r, 1);
		*body = xstrdup(db_text(r, 2));
		result = IDEM_FOUND;
	}
	db_res_discard(r);
	return expired ? forget(d, org_id, person_id, key) : result;
}

int idem_store(db *d, const char *org_id, const char *person_id, const char *key, const char *hash, int status,
	       const char *body, int64_t now)
{
	return db_exec(d,
		       "INSERT INTO idempotency (org_id, person_id, key, request_hash, status, body, created_at) "
		       "VALUES (?,?,?,?,?,?,?)",
		       DB_ARGS(DB_TXT(org_id), DB_TXT(person_id), DB_TXT(key), DB_TXT(hash), DB_INT(status), DB_TXT(body),
			       DB_INT(now)),
		       NULL);
}

int idem_purge(db *d, int64_t before, int64_t *deleted)
{
	return db_exec(d, "DELETE FROM idempotency WHERE created_at < ?", DB_ARGS(DB_INT(before)), deleted);
}
