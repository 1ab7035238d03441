/* Files that did not come with received mail: upload, attach to a reply or a portal message,
 * list, download (svc/mail/attach.h). */
#include <sodium.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/ledger/case.h"
#include "svc/mail/attach.h"
#include "svc/org/settings.h"

int attach_blob_put(svc_ctx *c, const void *data, size_t len, char hash[ATTACH_HASH_HEX])
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	sodium_bin2hex(hash, ATTACH_HASH_HEX, h, sizeof h);
	size_t b64len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(b64len);
	sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
	int rc =
		db_exec(c->db,
			"INSERT INTO mail_blobs (org_id, hash, size, data, created_at) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(hash), DB_INT(len), DB_TXT(b64), DB_INT(c->now)), NULL);
	free(b64);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

unsigned char *attach_b64_raw(const char *b64, size_t *len)
{
	size_t cap = strlen(b64) / 4 * 3 + 3;
	unsigned char *raw = xmalloc(cap);
	*len = 0;
	sodium_base642bin(raw, cap, b64, strlen(b64), NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL);
	return raw;
}

/* --- upload --- */

/* Who is acting: a customer in the portal, or a person of the organization. */
struct uploader {
	const char *kind, *id;
};

static int uploader_of(svc_ctx *c, struct uploader *u)
{
	if (*c->portal_customer) {
		*u = (struct uploader){"customer", c->portal_customer};
		return 0;
	}
	if (!*c->actor.person_id || !role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "an attachment is a person's");
	*u = (struct uploader){"person", c->actor.person_id};
	return 0;
}

/* A name a file can be saved under anywhere: no path, no control characters, not "." or "..",
 * no blank at either end. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == '.')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			return 0;
	return 1;
}

/* "type/subtype" of token characters (RFC 2045), or "". */
static int type_ok(const char *s)
{
	static const char TOKEN[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&^_.+-";
	size_t a = strspn(s, TOKEN);
	return !*s || (a > 0 && s[a] == '/' && s[a + 1] && strspn(s + a + 1, TOKEN) == strlen(s + a + 1));
}

static json_t *att_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_pack("{s:s,s:s,s:s,s:I,s:o,s:o,s:o}", "id", db_text(r, 0), "filename", db_text(r, 1), "content_type",
			 db_text(r, 2), "size", (json_int_t)db_int(r, 3), "case_id", svc_col_str(r, 4), "touchpoint_id",
			 svc_col_str(r, 5), "at", svc_col_time(r, 6));
}

#define ATT_COLS "id, filename, content_type, size, case_id, touchpoint_id, created_at"

/* The checks an upload passes before anything is kept: 0 with *raw (new) and *len, or -1. */
static int upload_check(svc_ctx *c, json_t *in, const struct uploader *u, unsigned char **raw, size_t *len)
{
	const char *name = in_str(in, "filename"), *type = in_str(in, "content_type"), *b64 = in_str(in, "data_base64");
	if (!name_ok(name))
		return err_set(&c->err, ERR_INVALID, "invalid_filename", "filename",
			       "a file name without / or \\, control characters, or a blank or dot at its end");
	if (type && !type_ok(type))
		return err_set(&c->err, ERR_INVALID, "invalid_content_type", "content_type", "a media type such as text/plain");
	size_t cap = strlen(b64) / 4 * 3 + 3;
	*raw = xmalloc(cap);
	if (sodium_base642bin(*raw, cap, b64, strlen(b64), " \r\n", len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(*raw);
		*raw = NULL;
		return err_set(&c->err, ERR_INVALID, "invalid_base64", "data_base64", "data_base64 is not base64");
	}
	long long max = setting_int(c, "attachments.max_bytes");
	int64_t held = 0;
	int rc = DB_OK;
	if (*len == 0)
		rc = err_set(&c->err, ERR_INVALID, "attachment_empty", "data_base64", "the file is empty");
	else if ((long long)*len > max)
		rc = err_set(&c->err, ERR_TOO_LARGE, "attachment_too_large", "data_base64",
			     "the file is %zu bytes; this organization takes at most %lld (attachments.max_bytes)", *len, max);
	else if ((rc = db_scalar_int(c->db,
				     "SELECT COUNT(*) FROM attachments WHERE org_id = ? AND uploader_id = ? AND case_id IS NULL",
				     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(u->id)), &held, NULL)) != DB_OK)
		rc = svc_db_err(c, rc);
	else if (held >= setting_int(c, "attachments.max_count"))
		rc = err_set(&c->err, ERR_CONFLICT, "too_many_uploads", NULL,
			     "you hold %lld files not attached to anything yet (attachments.max_count); send them first",
			     (long long)held);
	if (rc) {
		free(*raw);
		*raw = NULL;
	}
	return rc ? -1 : 0;
}

static int att_upload(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	(void)p;
	struct uploader u;
	unsigned char *raw = NULL;
	size_t len = 0;
	char hash[ATTACH_HASH_HEX], id[ID_SIZE];
	if (uploader_of(c, &u) || upload_check(c, in, &u, &raw, &len))
		return -1;
	const char *type = in_str(in, "content_type");
	int rc = attach_blob_put(c, raw, len, hash);
	free(raw);
	if (rc)
		return -1;
	id_new(id, "att", c->now);
	rc = db_exec(c->db,
		     "INSERT INTO attachments (org_id, id, filename, content_type, size, hash, uploader_kind, uploader_id, created_at) "
		     "VALUES (?,?,?,?,?,?,?,?,?)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "filename")),
			     DB_TXT(type && *type ? type : "application/octet-stream"), DB_INT(len), DB_TXT(hash), DB_TXT(u.kind),
			     DB_TXT(u.id), DB_INT(c->now)),
		     NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "attachment.uploaded", "attachment", id, NULL,
		      json_pack("{s:s,s:I,s:s,s:s}", "filename", in_str(in, "filename"), "size", (json_int_t)len, "hash", hash,
				"uploader", u.kind)))
		return -1;
	*out = svc_one_row(c, "SELECT " ATT_COLS " FROM attachments WHERE org_id = ? AND id = ?", id, att_row);
	return *out ? 0 : -1;
}

/* An upload not attached yet, taken back by its uploader (the bytes stay: others may share them). */
static int att_drop(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	(void)in;
	struct uploader u;
	int64_t n = 0;
	if (uploader_of(c, &u))
		return -1;
	int rc = db_exec(
		c->db,
		"DELETE FROM attachments WHERE org_id = ? AND id = ? AND uploader_kind = ? AND uploader_id = ? AND case_id IS NULL",
		DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(u.kind), DB_TXT(u.id)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1) /* unknown, someone else's, or attached (a sent file stays with its message) */
		return err_set(&c->err, ERR_NOT_FOUND, "attachment_not_found", "id",
			       "no such upload of yours waiting to be attached");
	if (svc_event(c, "attachment.dropped", "attachment", p[0], NULL, json_pack("{s:s}", "uploader", u.kind)))
		return -1;
	*out = json_pack("{s:s,s:b}", "id", p[0], "dropped", 1);
	return 0;
}

/* --- attaching --- */

static int claim_one(svc_ctx *c, const char *id, const struct uploader *u, const char *const where[3], int visible)
{
	db_res *r;
	if (svc_load_id(c, "att", id, "attachment_not_found", "no such attachment of yours", &r,
			"SELECT uploader_kind, uploader_id, case_id FROM attachments WHERE org_id = ? AND id = ?"))
		return -1;
	int mine = strcmp(db_text(r, 0), u->kind) == 0 && strcmp(db_text(r, 1), u->id) == 0, used = !db_is_null(r, 2);
	db_res_discard(r);
	if (!mine) /* someone else's upload looks exactly like an unknown one */
		return err_set(&c->err, ERR_NOT_FOUND, "attachment_not_found", "attachment_ids",
			       "no such attachment of yours: %s", id);
	if (used)
		return err_set(&c->err, ERR_CONFLICT, "attachment_in_use", "attachment_ids",
			       "%s is attached to a message already", id);
	int64_t n = 0;
	int rc =
		db_exec(c->db,
			"UPDATE attachments SET case_id = ?, touchpoint_id = ?, mail_out_id = ?, customer_visible = ?, attached_at = ? "
			"WHERE org_id = ? AND id = ? AND case_id IS NULL",
			DB_ARGS(DB_TXT(where[0]), DB_TXT(where[1]), DB_TXT(where[2]), DB_INT(visible), DB_INT(c->now),
				DB_TXT(c->actor.org_id), DB_TXT(id)),
			&n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "attachment_in_use", "attachment_ids",
			       "%s is attached to a message already", id);
	return svc_event(c, "attachment.attached", "attachment", id, where[0],
			 json_pack("{s:s,s:s?,s:b}", "touchpoint_id", where[1], "mail_id", where[2], "customer_visible",
				   visible));
}

/* The list itself: strings, at most attachments.max_count, no id twice. */
static int ids_check(svc_ctx *c, json_t *ids)
{
	size_t i, j, n = json_array_size(ids);
	json_t *v;
	if ((long long)n > setting_int(c, "attachments.max_count"))
		return err_set(&c->err, ERR_INVALID, "too_many_attachments", "attachment_ids",
			       "%zu files; this organization takes at most %lld on one message (attachments.max_count)", n,
			       setting_int(c, "attachments.max_count"));
	json_array_foreach(ids, i, v)
	{
		if (!json_is_string(v))
			return err_set(&c->err, ERR_INVALID, "wrong_type", "attachment_ids", "attachment_ids must be ids");
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(ids, j), v))
				return err_set(&c->err, ERR_INVALID, "duplicate_attachment", "attachment_ids",
					       "%s is named twice", json_string_value(v));
	}
	return 0;
}

int attach_claim(svc_ctx *c, json_t *ids, const char *case_id, const char *touchpoint_id, const char *mail_out_id,
		 int customer_visible, json_t **out)
{
	struct uploader u;
	const char *const where[3] = {case_id, touchpoint_id, mail_out_id};
	size_t i;
	json_t *v;
	*out = NULL;
	if (!ids || json_array_size(ids) == 0) {
		*out = json_array();
		return 0;
	}
	if (ids_check(c, ids) || uploader_of(c, &u))
		return -1;
	json_array_foreach(ids, i, v) if (claim_one(c, json_string_value(v), &u, where, customer_visible)) return -1;
	return svc_rows_of(c, out, att_row,
			   "SELECT " ATT_COLS " FROM attachments WHERE org_id = ? AND touchpoint_id = ? ORDER BY id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(touchpoint_id)));
}

/* --- reading --- */

static json_t *file_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_pack("{s:s,s:s,s:s}", "filename", db_text(r, 0), "content_type", db_text(r, 1), "data_base64", db_text(r, 2));
}

int attach_of_mail(svc_ctx *c, const char *org_id, const char *mail_out_id, json_t **files)
{
	return svc_rows_of(c, files, file_row,
			   "SELECT a.filename, a.content_type, b.data FROM attachments a JOIN mail_blobs b ON b.org_id = a.org_id "
			   "AND b.hash = a.hash WHERE a.org_id = ? AND a.mail_out_id = ? ORDER BY a.id",
			   DB_ARGS(DB_TXT(org_id), DB_TXT(mail_out_id)));
}

static json_t *view_row(svc_ctx *c, db_res *r)
{
	(void)c;
	/* a received message's files download from the mail's route, the others from their own */
	char *url = xasprintf("/api/v1/%sattachments/%s", strcmp(db_text(r, 7), "mail") == 0 ? "mail/" : "", db_text(r, 0));
	json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:o,s:o,s:s,s:b,s:s}", "id", db_text(r, 0), "filename", db_text(r, 1),
			      "content_type", db_text(r, 2), "size", (json_int_t)db_int(r, 3), "touchpoint_id", svc_col_str(r, 4),
			      "at", svc_col_time(r, 5), "source", db_text(r, 7), "customer_visible", (int)db_int(r, 6),
			      "download", url);
	free(url);
	return o;
}

int attach_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	return svc_view_rows(
		c, view, "attachments", view_row,
		"SELECT id, filename, content_type, size, touchpoint_id, attached_at, customer_visible, "
		"CASE WHEN uploader_kind = 'customer' THEN 'portal' ELSE 'reply' END FROM attachments WHERE org_id = ? AND case_id = ? "
		"UNION ALL SELECT a.id, a.filename, a.content_type, a.size, mi.touchpoint_id, mi.received_at, 0, 'mail' "
		"FROM mail_attachments a JOIN mail_in mi ON mi.org_id = a.org_id AND mi.id = a.mail_id "
		"WHERE mi.org_id = ? AND mi.case_id = ? ORDER BY 6, 1",
		DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_TXT(c->actor.org_id), DB_TXT(case_id)));
}

static json_t *portal_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_pack("{s:s,s:s,s:s,s:I,s:o,s:s}", "id", db_text(r, 0), "filename", db_text(r, 1), "content_type",
			 db_text(r, 2), "size", (json_int_t)db_int(r, 3), "at", svc_col_time(r, 4), "from",
			 strcmp(db_text(r, 5), "customer") == 0 ? "you" : "us");
}

json_t *attach_portal_list(svc_ctx *c, const char *case_id)
{
	return svc_rows(c,
			"SELECT id, filename, content_type, size, attached_at, uploader_kind FROM attachments "
			"WHERE org_id = ? AND case_id = ? AND customer_visible = 1 ORDER BY attached_at, id",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), portal_row);
}

/* The file to download: never inline (see http/api.c). */
static json_t *download_of(const char *filename, const char *b64)
{
	return json_pack("{s:s,s:s,s:s}", "_content_type", "application/octet-stream", "_filename", filename, "_body_base64",
			 b64);
}

static int att_download(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	(void)in;
	db_res *r;
	struct case_row row;
	char case_id[ID_SIZE] = "";
	if (svc_load_id(c, "att", p[0], "attachment_not_found", "no such attachment", &r,
			"SELECT a.filename, b.data, a.case_id, a.uploader_kind, a.uploader_id FROM attachments a JOIN mail_blobs b "
			"ON b.org_id = a.org_id AND b.hash = a.hash WHERE a.org_id = ? AND a.id = ?"))
		return -1;
	/* an upload not attached yet is its uploader's alone */
	int pending_other = db_is_null(r, 2) &&
			    (strcmp(db_text(r, 3), "person") != 0 || strcmp(db_text(r, 4), c->actor.person_id) != 0);
	*out = pending_other ? NULL : download_of(db_text(r, 0), db_text(r, 1));
	svc_copy(c, case_id, sizeof case_id, db_text(r, 2));
	db_res_discard(r);
	if (pending_other)
		return err_set(&c->err, ERR_NOT_FOUND, "attachment_not_found", "id", "no such attachment");
	/* whoever may read the case may read its files */
	if (*case_id && case_load(c, case_id, &row)) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return svc_db_outcome(c, 0);
}

static int portal_download(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	(void)in;
	db_res *r;
	/* another customer's file, or one not shown to customers, looks exactly like an unknown one */
	if (svc_load_one(c, "attachment_not_found", "id", "no such attachment", &r,
			 "SELECT a.filename, b.data FROM attachments a JOIN mail_blobs b ON b.org_id = a.org_id AND b.hash = a.hash "
			 "LEFT JOIN cases ca ON ca.org_id = a.org_id AND ca.id = a.case_id WHERE a.org_id = ? AND a.id = ? "
			 "AND ((a.case_id IS NULL AND a.uploader_kind = 'customer' AND a.uploader_id = ?) "
			 "OR (a.customer_visible = 1 AND ca.customer_id = ?))",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(c->portal_customer), DB_TXT(c->portal_customer))))
		return -1;
	*out = download_of(db_text(r, 0), db_text(r, 1));
	db_res_discard(r);
	return 0;
}

#include "svc/mail/attach.api.inc"
