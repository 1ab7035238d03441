#include "store/checkpoint.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/file.h"
#include "base/util.h"

#define MAGIC "frontline-audit-checkpoint 1"
#define SECRET_TAG "frontline-audit-secret-key ed25519 "
#define PUBLIC_TAG "frontline-audit-public-key ed25519 "
#define KEY_FILE_MAX 4096
#define LINE_MAX_BYTES 256 /* longer than any valid line */
#define MAX_TOKENS 5

void checkpoint_release(struct checkpoint *cp)
{
	free(cp->heads);
	*cp = (struct checkpoint)CHECKPOINT_INIT;
}

void ckpt_key_release(struct ckpt_key *key)
{
	sodium_memzero(key, sizeof *key);
}

/* --- the format --- */

static int org_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= FL_MAX_ID)
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

int checkpoint_add(struct checkpoint *cp, const char *org_id, const struct event_head *h)
{
	if (!org_id_ok(org_id) || (cp->n && strcmp(cp->heads[cp->n - 1].org_id, org_id) >= 0))
		return -1;
	if (cp->n == cp->cap) {
		cp->cap = cp->cap ? cp->cap * 2 : 16;
		struct ckpt_head *grown = realloc(cp->heads, cp->cap * sizeof *grown);
		if (!grown)
			fl_die("out of memory");
		cp->heads = grown;
	}
	struct ckpt_head *e = &cp->heads[cp->n];
	if (str_copy(e->org_id, sizeof e->org_id, org_id))
		return -1;
	e->head = *h;
	cp->n++;
	return 0;
}

static int head_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ckpt_head *)elem)->org_id);
}

const struct event_head *checkpoint_find(const struct checkpoint *cp, const char *org_id)
{
	const struct ckpt_head *e = cp->n ? bsearch(org_id, cp->heads, cp->n, sizeof *cp->heads, head_cmp) : NULL;
	return e ? &e->head : NULL;
}

/* A growable string for the file text. */
struct text {
	char *s;
	size_t len, cap;
};

static void text_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fl_die("cannot format the checkpoint");
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		char *grown = realloc(t->s, t->cap);
		if (!grown)
			fl_die("out of memory");
		t->s = grown;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static void hex(const unsigned char *bin, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, bin, n);
}

static void body_into(const struct checkpoint *cp, struct text *t)
{
	char when[40], pk[CKPT_PK_BYTES * 2 + 1];
	hex(cp->pk, sizeof cp->pk, pk);
	text_addf(t, MAGIC "\ntime %s\nkey ed25519 %s\n", time_format(cp->at, when, sizeof when), pk);
	for (size_t i = 0; i < cp->n; i++)
		text_addf(t, "head %s %" PRId64 " %s\n", cp->heads[i].org_id, cp->heads[i].head.seq, cp->heads[i].head.hash);
}

char *checkpoint_body(const struct checkpoint *cp)
{
	struct text t = {NULL, 0, 0};
	body_into(cp, &t);
	return t.s;
}

char *checkpoint_sign(struct checkpoint *cp, const struct ckpt_key *key)
{
	struct text t = {NULL, 0, 0};
	char sig[crypto_sign_BYTES * 2 + 1];
	memcpy(cp->pk, key->pk, sizeof cp->pk);
	body_into(cp, &t);
	crypto_sign_detached(cp->sig, NULL, (const unsigned char *)t.s, t.len, key->sk);
	hex(cp->sig, sizeof cp->sig, sig);
	text_addf(&t, "signature ed25519 %s\n", sig);
	return t.s;
}

/* Exactly 2*n lowercase hex digits into n bytes.  Returns 0 or -1. */
static int unhex(const char *s, unsigned char *out, size_t n)
{
	if (strlen(s) != n * 2 || strspn(s, "0123456789abcdef") != n * 2)
		return -1;
	return sodium_hex2bin(out, n, s, n * 2, NULL, NULL, NULL);
}

static int hash_ok(const char *s)
{
	return strlen(s) == EVENT_HASH_HEX - 1 && strspn(s, "0123456789abcdef") == EVENT_HASH_HEX - 1;
}

/* A sequence number in canonical decimal (no sign, no leading zero), below 10^18. */
static int seq_parse(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 18 || strspn(s, "0123456789") != n || (s[0] == '0' && n > 1))
		return -1;
	*out = strtoll(s, NULL, 10);
	return 0;
}

/* Split line (modified) on single spaces into at most MAX_TOKENS tokens; returns the count, or -1
 * for an empty token (two spaces, a leading or trailing space) or too many tokens. */
static int split(char *line, char *tok[MAX_TOKENS])
{
	int n = 0;
	for (char *p = line;;) {
		char *sp = strchr(p, ' ');
		if (n == MAX_TOKENS || (sp ? sp == p : *p == '\0'))
			return -1;
		tok[n++] = p;
		if (!sp)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

/* A cursor over the file's lines. */
struct lines {
	const char *p, *end;
	int no;
	char buf[LINE_MAX_BYTES];
};

/* The next line (without its "\n") split into tokens; returns the token count, 0 at the end of
 * the text, -1 for a line that is too long, unterminated or not split cleanly. */
static int next_line(struct lines *l, char *tok[MAX_TOKENS])
{
	l->no++;
	if (l->p == l->end)
		return 0;
	const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (!nl || (size_t)(nl - l->p) >= sizeof l->buf)
		return -1;
	memcpy(l->buf, l->p, (size_t)(nl - l->p));
	l->buf[nl - l->p] = '\0';
	l->p = nl + 1;
	return split(l->buf, tok);
}

static int malformed(fl_err *err, const struct lines *l, const char *expected)
{
	return err_set(err, ERR_INVALID, "checkpoint_malformed", NULL, "not a frontline checkpoint: line %d: expected %s",
		       l->no, expected);
}

static int parse_time(const char *s, int64_t *at)
{
	char again[40];
	return time_parse(s, at) == 0 && strcmp(time_format(*at, again, sizeof again), s) == 0 ? 0 : -1;
}

static int parse_lines(struct lines *l, struct checkpoint *cp, fl_err *err)
{
	char *t[MAX_TOKENS];
	int n = next_line(l, t);
	if (n != 2 || strcmp(t[0], "frontline-audit-checkpoint") != 0 || strcmp(t[1], "1") != 0)
		return malformed(err, l, "\"" MAGIC "\"");
	n = next_line(l, t);
	if (n != 2 || strcmp(t[0], "time") != 0 || parse_time(t[1], &cp->at) != 0)
		return malformed(err, l, "time YYYY-MM-DDTHH:MM:SS.mmmZ");
	n = next_line(l, t);
	if (n != 3 || strcmp(t[0], "key") != 0 || strcmp(t[1], "ed25519") != 0 || unhex(t[2], cp->pk, sizeof cp->pk))
		return malformed(err, l, "key ed25519 PUBLIC_KEY_HEX");
	while ((n = next_line(l, t)) == 4 && strcmp(t[0], "head") == 0) {
		struct event_head h;
		if (seq_parse(t[2], &h.seq) || !hash_ok(t[3]))
			return malformed(err, l, "head ORG_ID SEQ HASH");
		if (str_copy(h.hash, sizeof h.hash, t[3]))
			return malformed(err, l, "head ORG_ID SEQ HASH");
		if (checkpoint_add(cp, t[1], &h))
			return malformed(err, l, "an organization id after the previous one");
	}
	if (n != 3 || strcmp(t[0], "signature") != 0 || strcmp(t[1], "ed25519") != 0 ||
	    unhex(t[2], cp->sig, sizeof cp->sig))
		return malformed(err, l, "head ORG_ID SEQ HASH or signature ed25519 SIGNATURE_HEX");
	if (next_line(l, t) != 0)
		return malformed(err, l, "the end of the file after the signature");
	return 0;
}

int checkpoint_parse(const char *text, size_t len, struct checkpoint *cp, fl_err *err)
{
	struct lines l = {text, text + len, 0, ""};
	*cp = (struct checkpoint)CHECKPOINT_INIT;
	if (memchr(text, '\0', len))
		return err_set(err, ERR_INVALID, "checkpoint_malformed", NULL, "not a frontline checkpoint: it holds a NUL byte");
	if (parse_lines(&l, cp, err) == 0)
		return 0;
	checkpoint_release(cp);
	return -1;
}

int checkpoint_check(const struct checkpoint *cp, const unsigned char *trusted_pk, fl_err *err)
{
	char fp[CKPT_FINGERPRINT], want[CKPT_FINGERPRINT];
	ckpt_fingerprint(cp->pk, fp);
	if (trusted_pk && sodium_memcmp(cp->pk, trusted_pk, CKPT_PK_BYTES) != 0) {
		ckpt_fingerprint(trusted_pk, want);
		return err_set(err, ERR_RULE, "checkpoint_wrong_key", NULL,
			       "the checkpoint is signed by key %s, not by the trusted key %s", fp, want);
	}
	char *body = checkpoint_body(cp);
	int bad = crypto_sign_verify_detached(cp->sig, (const unsigned char *)body, strlen(body), cp->pk);
	free(body);
	if (bad)
		return err_set(err, ERR_RULE, "checkpoint_signature", NULL,
			       "the checkpoint's signature does not match its content (key %s): it was changed", fp);
	return 0;
}

void ckpt_fingerprint(const unsigned char pk[CKPT_PK_BYTES], char out[CKPT_FINGERPRINT])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, pk, CKPT_PK_BYTES, NULL, 0);
	memcpy(out, "ed25519:", 8);
	hex(h, 8, out + 8);
}

/* The hex after tag on a one-line key file, copied into buf; NULL when the text has another form. */
static const char *key_hex(const char *text, const char *tag, char *buf, size_t size)
{
	size_t tl = strlen(tag), n;
	if (strncmp(text, tag, tl) != 0)
		return NULL;
	text += tl;
	n = strcspn(text, "\n");
	if (n >= size || strcmp(text + n, "\n") != 0)
		return NULL;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return buf;
}

int ckpt_key_parse_secret(const char *text, struct ckpt_key *key, fl_err *err)
{
	char buf[crypto_sign_SECRETKEYBYTES * 2 + 2];
	unsigned char seed_pk[CKPT_PK_BYTES], seed_sk[crypto_sign_SECRETKEYBYTES];
	const char *h = key_hex(text, SECRET_TAG, buf, sizeof buf);
	int ok = h && unhex(h, key->sk, sizeof key->sk) == 0;
	if (ok) { /* the public half must be the one the seed makes */
		crypto_sign_seed_keypair(seed_pk, seed_sk, key->sk);
		crypto_sign_ed25519_sk_to_pk(key->pk, key->sk);
		ok = sodium_memcmp(seed_pk, key->pk, sizeof seed_pk) == 0;
	}
	sodium_memzero(buf, sizeof buf);
	sodium_memzero(seed_sk, sizeof seed_sk);
	if (ok)
		return 0;
	ckpt_key_release(key);
	return err_set(err, ERR_INVALID, "key_malformed", NULL, "not a frontline audit secret key");
}

int ckpt_key_parse_public(const char *text, unsigned char pk[CKPT_PK_BYTES], fl_err *err)
{
	char buf[CKPT_PK_BYTES * 2 + 2];
	const char *h = key_hex(text, PUBLIC_TAG, buf, sizeof buf);
	if (h && unhex(h, pk, CKPT_PK_BYTES) == 0)
		return 0;
	return err_set(err, ERR_INVALID, "key_malformed", NULL, "not a frontline audit public key");
}

char *ckpt_key_format_secret(const struct ckpt_key *key)
{
	char h[sizeof key->sk * 2 + 1];
	hex(key->sk, sizeof key->sk, h);
	char *out = xasprintf(SECRET_TAG "%s\n", h);
	sodium_memzero(h, sizeof h);
	return out;
}

char *ckpt_key_format_public(const unsigned char pk[CKPT_PK_BYTES])
{
	char h[CKPT_PK_BYTES * 2 + 1];
	hex(pk, CKPT_PK_BYTES, h);
	return xasprintf(PUBLIC_TAG "%s\n", h);
}

/* --- files --- */

static int save_err(fl_err *err, const char *path, int e)
{
	if (e == EEXIST)
		return err_set(err, ERR_CONFLICT, "file_exists", NULL, "%s exists: refusing to replace it", path);
	return err_set(err, ERR_INTERNAL, "file_write_failed", NULL, "cannot write %s: %s", path, strerror(e));
}

static int read_err(fl_err *err, const char *path, int e)
{
	return err_set(err, ERR_INVALID, "file_unreadable", NULL, "cannot read %s: %s", path,
		       e == EFBIG ? "too large" : strerror(e));
}

int ckpt_keygen(const char *path, unsigned char pk[CKPT_PK_BYTES], fl_err *err)
{
	int ret = -1;
	struct ckpt_key key;
	char *pub_path = xasprintf("%s.pub", path), *secret = NULL, *pub = NULL;
	if (access(pub_path, F_OK) == 0) { /* checked first so that a refusal writes nothing */
		save_err(err, pub_path, EEXIST);
		goto cleanup;
	}
	crypto_sign_keypair(key.pk, key.sk);
	secret = ckpt_key_format_secret(&key);
	pub = ckpt_key_format_public(key.pk);
	if (file_create(path, 0600, secret, strlen(secret)) != 0) {
		save_err(err, path, errno);
		goto cleanup;
	}
	if (file_create(pub_path, 0644, pub, strlen(pub)) != 0) {
		save_err(err, pub_path, errno);
		unlink(path);
		goto cleanup;
	}
	memcpy(pk, key.pk, CKPT_PK_BYTES);
	ret = 0;
cleanup:
	if (secret) {
		sodium_memzero(secret, strlen(secret));
		free(secret);
	}
	ckpt_key_release(&key);
	free(pub);
	free(pub_path);
	return ret;
}

int ckpt_key_load(const char *path, struct ckpt_key *key, fl_err *err)
{
	char *text;
	size_t len;
	mode_t mode;
	if (file_read(path, KEY_FILE_MAX, &text, &len, &mode) != 0)
		return read_err(err, path, errno);
	int rc = -1;
	if (mode & 077)
		err_set(err, ERR_RULE, "key_permissions", NULL,
			"%s may be read by others (mode %04o): a secret key must be mode 0600 (chmod 600 %s)", path,
			(unsigned)mode, path);
	else
		rc = ckpt_key_parse_secret(text, key, err);
	sodium_memzero(text, len);
	free(text);
	return rc;
}

int ckpt_pubkey_load(const char *path, unsigned char pk[CKPT_PK_BYTES], fl_err *err)
{
	char *text;
	size_t len;
	if (file_read(path, KEY_FILE_MAX, &text, &len, NULL) != 0)
		return read_err(err, path, errno);
	int rc = ckpt_key_parse_public(text, pk, err);
	free(text);
	return rc;
}

int checkpoint_load(const char *path, struct checkpoint *cp, fl_err *err)
{
	char *text;
	size_t len;
	*cp = (struct checkpoint)CHECKPOINT_INIT;
	if (file_read(path, CKPT_MAX_BYTES, &text, &len, NULL) != 0)
		return read_err(err, path, errno);
	int rc = checkpoint_parse(text, len, cp, err);
	free(text);
	return rc;
}

int checkpoint_save(const char *path, const char *text, fl_err *err)
{
	return file_create(path, 0644, text, strlen(text)) == 0 ? 0 : save_err(err, path, errno);
}

/* --- the database --- */

struct org_ref {
	char id[FL_MAX_ID];
	char slug[FL_MAX_SHORT + 1];
};

static int org_cmp(const void *a, const void *b)
{
	return strcmp(((const struct org_ref *)a)->id, ((const struct org_ref *)b)->id);
}

static int storage_err(fl_err *err, db *d)
{
	return err_set(err, ERR_INTERNAL, "storage_error", NULL, "%s", db_errmsg(d));
}

/* Every organization, sorted by id in byte order (ORDER BY collates differently on the two
 * backends).  Returns the count, or -1 on a storage error; *orgs is new (caller frees). */
static long org_list(db *d, struct org_ref **orgs)
{
	db_res *r;
	size_t n = 0, cap = 0;
	*orgs = NULL;
	if (db_query(d, "SELECT id, slug FROM orgs", DB_NOARGS, &r) != DB_OK)
		return -1;
	int rc;
	while ((rc = db_next(r)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			*orgs = realloc(*orgs, cap * sizeof **orgs);
			if (!*orgs)
				fl_die("out of memory");
		}
		if (str_copy((*orgs)[n].id, sizeof (*orgs)[n].id, db_text(r, 0)) ||
		    str_copy((*orgs)[n].slug, sizeof (*orgs)[n].slug, db_text(r, 1))) {
			rc = DB_ERROR; /* not an id or slug this program stored */
			break;
		}
		n++;
	}
	db_res_discard(r);
	if (n)
		qsort(*orgs, n, sizeof **orgs, org_cmp);
	return rc < 0 ? -1 : (long)n;
}

int checkpoint_collect(db *d, int64_t at, const struct checkpoint *prev, struct checkpoint *cp, fl_err *err)
{
	struct org_ref *orgs;
	long n = org_list(d, &orgs);
	int ret = n < 0 ? storage_err(err, d) : 0;
	cp->at = at;
	for (long i = 0; ret == 0 && i < n; i++) {
		struct event_verdict v;
		int rc = event_verify(d, orgs[i].id, prev ? checkpoint_find(prev, orgs[i].id) : NULL, &v);
		if (rc < 0)
			ret = storage_err(err, d);
		else if (rc > 0)
			ret = err_set(err, ERR_RULE, "chain_broken", NULL,
				      "%s (%s): %s; a checkpoint would vouch for it, so none was made", orgs[i].slug, orgs[i].id,
				      v.msg);
		else if (checkpoint_add(cp, orgs[i].id, &v.head))
			ret = err_set(err, ERR_INTERNAL, "storage_error", NULL, "organization id %s cannot be checkpointed",
				      orgs[i].id);
	}
	for (size_t i = 0; ret == 0 && prev && i < prev->n; i++)
		if (!checkpoint_find(cp, prev->heads[i].org_id))
			ret = err_set(err, ERR_RULE, "chain_broken", NULL,
				      "organization %s is in the previous checkpoint but missing from the database; "
				      "no checkpoint was made",
				      prev->heads[i].org_id);
	free(orgs);
	return ret;
}
