#ifndef FL_CHECKPOINT_H
#define FL_CHECKPOINT_H
/* Checkpoints: every organization's audit chain head, signed (Ed25519, libsodium) with a key kept
 * outside the database.  Someone who can write the database can drop the append-only triggers,
 * rewrite an event, recompute every hash after it and the head, and delete the tail: the chain
 * then verifies on its own (store/event.h).  It cannot match a checkpoint signed before the
 * rewrite without the secret key: `frontline audit verify --checkpoint FILE` (cli/cmd_audit.c).
 * Where to keep keys and checkpoints: docs/SECURITY.md and docs/OPERATIONS.md.
 *
 * A checkpoint file is ASCII text, every line ending in "\n", in exactly this form:
 *
 *   frontline-audit-checkpoint 1
 *   time 2026-11-30T17:00:00.000Z
 *   key ed25519 <public key: 64 lowercase hex>
 *   head <org id> <seq> <hash: 64 lowercase hex>     one line per organization, by org id (byte order)
 *   signature ed25519 <signature: 128 lowercase hex>
 *
 * The signature (crypto_sign_detached) covers every byte before the "signature" line.  Parsing
 * accepts only this canonical form, so the bytes verified are exactly the heads used.
 *
 * Key files, one line each:
 *   secret (mode 0600):     frontline-audit-secret-key ed25519 <128 hex: libsodium's seed || public key>
 *   public (secret + .pub): frontline-audit-public-key ed25519 <64 hex>
 *
 * Failures fill an fl_err (base/err.h) and return -1; the codes are listed in docs/API.md:
 *   ERR_INVALID   checkpoint_malformed, key_malformed, file_unreadable
 *   ERR_CONFLICT  file_exists
 *   ERR_RULE      key_permissions, checkpoint_signature, checkpoint_wrong_key, chain_broken
 *   ERR_INTERNAL  file_write_failed, storage_error */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "store/db.h"
#include "store/event.h"

#define CKPT_MAX_BYTES (64u << 20) /* a checkpoint file's size cap: about 400,000 organizations */
#define CKPT_FINGERPRINT 25        /* "ed25519:" + 16 hex + NUL */
#define CKPT_PK_BYTES crypto_sign_PUBLICKEYBYTES

struct ckpt_head {
	char org_id[FL_MAX_ID];
	struct event_head head;
};

struct checkpoint {
	int64_t at; /* when the heads were read, UTC ms */
	unsigned char pk[CKPT_PK_BYTES];
	unsigned char sig[crypto_sign_BYTES];
	struct ckpt_head *heads; /* owned, sorted by org_id (byte order), no duplicates */
	size_t n, cap;
};
#define CHECKPOINT_INIT {0, {0}, {0}, NULL, 0, 0}

/* A secret key in memory; wipe it with ckpt_key_release. */
struct ckpt_key {
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pk[CKPT_PK_BYTES];
};

void checkpoint_release(struct checkpoint *cp);
void ckpt_key_release(struct ckpt_key *key);

/* --- the format (pure) --- */

/* Append a head.  Returns 0, or -1 when org_id is not 1..63 printable ASCII characters without
 * spaces, or does not sort after the previous head's (the heads stay sorted and unique). */
int checkpoint_add(struct checkpoint *cp, const char *org_id, const struct event_head *h);
/* The head checkpointed for org_id (borrowed from cp), or NULL. */
const struct event_head *checkpoint_find(const struct checkpoint *cp, const char *org_id);

/* The signed part: every line before "signature", as a new string (caller frees). */
char *checkpoint_body(const struct checkpoint *cp);
/* Sign cp with key (sets cp->pk and cp->sig); returns the whole file's text (caller frees). */
char *checkpoint_sign(struct checkpoint *cp, const struct ckpt_key *key);
/* Parse a checkpoint file's text of len bytes; checks its form, not its signature.  Returns 0
 * with cp filled (release it), or -1 with err (checkpoint_malformed, naming the line). */
int checkpoint_parse(const char *text, size_t len, struct checkpoint *cp, fl_err *err);
/* Returns 0 when cp's key is trusted_pk (when not NULL; otherwise the key the file names is
 * taken on trust) and its signature is valid; else -1 with err (checkpoint_wrong_key,
 * checkpoint_signature). */
int checkpoint_check(const struct checkpoint *cp, const unsigned char *trusted_pk, fl_err *err);

/* "ed25519:" and the first 8 bytes of BLAKE2b-256(pk) in hex: short enough to compare by eye. */
void ckpt_fingerprint(const unsigned char pk[CKPT_PK_BYTES], char out[CKPT_FINGERPRINT]);
/* Parse a key file's text.  Return 0, or -1 with err (key_malformed; a secret key whose public
 * half does not belong to its seed is malformed too). */
int ckpt_key_parse_secret(const char *text, struct ckpt_key *key, fl_err *err);
int ckpt_key_parse_public(const char *text, unsigned char pk[CKPT_PK_BYTES], fl_err *err);
/* The key files' text (caller frees; the secret one with sodium_memzero before free). */
char *ckpt_key_format_secret(const struct ckpt_key *key);
char *ckpt_key_format_public(const unsigned char pk[CKPT_PK_BYTES]);

/* --- files --- */

/* Make a key pair: the secret key into path (mode 0600) and the public key into path.pub (0644).
 * Refuses (file_exists) when either exists, and then writes nothing.  Fills pk. */
int ckpt_keygen(const char *path, unsigned char pk[CKPT_PK_BYTES], fl_err *err);
/* Load a secret key file.  Refuses (key_permissions) a file that its group or others may use. */
int ckpt_key_load(const char *path, struct ckpt_key *key, fl_err *err);
/* Load a public key file. */
int ckpt_pubkey_load(const char *path, unsigned char pk[CKPT_PK_BYTES], fl_err *err);
/* Load and parse a checkpoint file (at most CKPT_MAX_BYTES); the signature is not checked yet. */
int checkpoint_load(const char *path, struct checkpoint *cp, fl_err *err);
/* Write text into a new file (mode 0644), durably.  Refuses (file_exists) to replace a file. */
int checkpoint_save(const char *path, const char *text, fl_err *err);

/* --- the database --- */

/* Verify every organization's chain and add its head to cp (empty on entry), with cp->at = at.
 * When prev is not NULL (the previous checkpoint, its signature already checked), each chain must
 * also still hold prev's head for its organization, and every organization of prev must still
 * exist: so each checkpoint vouches only for a history that matched the one before it.
 * Refuses (chain_broken, naming the organization and what is wrong) otherwise, so that a
 * checkpoint never vouches for a rewritten history.  Run it inside a transaction. */
int checkpoint_collect(db *d, int64_t at, const struct checkpoint *prev, struct checkpoint *cp, fl_err *err);

#endif
