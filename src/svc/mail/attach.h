#ifndef FL_SVC_ATTACH_H
#define FL_SVC_ATTACH_H
/* Files that did not come with received mail (svc/mail/attach.c, migration 0028): a person's for
 * their reply to the customer, a customer's for their portal message.  A file is uploaded first
 * (POST /api/v1/attachments, POST /api/v1/portal/attachments: only its uploader sees it), then
 * attached once, by id, to a reply or a portal message, in that operation's transaction.  The
 * bytes are content-addressed (BLAKE2b) in mail_blobs, with a received message's.  Limits are the
 * organization's settings attachments.max_bytes (one file) and attachments.max_count (files on
 * one message, and files one uploader holds unattached). */
#include "svc/svc.h"

extern const struct route attach_routes[];

#define ATTACH_HASH_HEX 65 /* BLAKE2b-256 in hex, and its '\0' */

/* Keep bytes content-addressed (BLAKE2b) in mail_blobs; hash receives the address.  0 or -1. */
int attach_blob_put(svc_ctx *c, const void *data, size_t len, char hash[ATTACH_HASH_HEX]);
/* The bytes of a blob's base64 (new; *len set). */
unsigned char *attach_b64_raw(const char *b64, size_t *len);

/* Attach the uploads named by ids (a JSON array of attachment ids, may be NULL or empty) to the
 * case and its contact touchpoint_id, and to the outbound mail mail_out_id (may be NULL), as the
 * actor: a person's own uploads, or (c->portal_customer set) the customer's.  customer_visible:
 * listed in the portal.  Each must be the uploader's and not attached yet.  *out (new) lists them.
 * Returns 0, or -1: 400 too_many_attachments / duplicate_attachment, 404 attachment_not_found,
 * 409 attachment_in_use. */
int attach_claim(svc_ctx *c, json_t *ids, const char *case_id, const char *touchpoint_id, const char *mail_out_id,
		 int customer_visible, json_t **out);

/* The files of an outbound message, for the composer: 0 with *files (new array of {filename,
 * content_type, data_base64}), or -1 (storage error). */
int attach_of_mail(svc_ctx *c, const char *org_id, const char *mail_out_id, json_t **files);

/* Case view part: "attachments" = the case's files (uploaded and received by mail), oldest first. */
int attach_view_part(svc_ctx *c, const char *case_id, json_t *view);
/* The customer-visible files of one of the portal customer's cases (new array; a storage error is
 * kept in c, like svc_query). */
json_t *attach_portal_list(svc_ctx *c, const char *case_id);

#endif
