/* The checkpoint format (store/checkpoint.h): formatting, signing and parsing round trip; only the
 * canonical form parses; any changed byte breaks the signature; key files and their checks. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "harness.h"
#include "store/checkpoint.h"

static const char H1[] = "1111111111111111111111111111111111111111111111111111111111111111";
static const char H2[] = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

static struct ckpt_key key_from_seed(unsigned char fill)
{
	struct ckpt_key k;
	unsigned char seed[crypto_sign_SEEDBYTES];
	memset(seed, fill, sizeof seed);
	crypto_sign_seed_keypair(k.pk, k.sk, seed);
	return k;
}

/* A signed checkpoint of two organizations at 2026-11-30T12:00:00Z; caller frees. */
static char *signed_text(const struct ckpt_key *k)
{
	struct checkpoint cp = CHECKPOINT_INIT;
	struct event_head a = {81, ""}, b = {0, ""};
	CHECK(str_copy(a.hash, sizeof a.hash, H1) == 0);
	CHECK(str_copy(b.hash, sizeof b.hash, H2) == 0);
	cp.at = 1796040000000;
	CHECK(checkpoint_add(&cp, "org_A", &a) == 0);
	CHECK(checkpoint_add(&cp, "org_b", &b) == 0);
	char *text = checkpoint_sign(&cp, k);
	checkpoint_release(&cp);
	return text;
}

static int parse(const char *text, struct checkpoint *cp, fl_err *err)
{
	err_clear(err);
	return checkpoint_parse(text, strlen(text), cp, err);
}

TEST(round_trip)
{
	struct ckpt_key k = key_from_seed(7);
	char *text = signed_text(&k);
	char pk[65];
	sodium_bin2hex(pk, sizeof pk, k.pk, sizeof k.pk);
	char *want = xasprintf("frontline-audit-checkpoint 1\ntime 2026-11-30T12:00:00.000Z\nkey ed25519 %s\n"
			       "head org_A 81 %s\nhead org_b 0 %s\nsignature ed25519 ",
			       pk, H1, H2);
	CHECK(strncmp(text, want, strlen(want)) == 0);
	CHECK(strlen(text) == strlen(want) + 128 + 1 && text[strlen(text) - 1] == '\n');
	struct checkpoint cp;
	fl_err err;
	CHECK(parse(text, &cp, &err) == 0);
	CHECK(cp.n == 2 && cp.at == 1796040000000);
	const struct event_head *h = checkpoint_find(&cp, "org_A");
	CHECK(h && h->seq == 81 && strcmp(h->hash, H1) == 0);
	h = checkpoint_find(&cp, "org_b");
	CHECK(h && h->seq == 0 && strcmp(h->hash, H2) == 0);
	CHECK(checkpoint_find(&cp, "org_c") == NULL);
	CHECK(checkpoint_check(&cp, NULL, &err) == 0);
	CHECK(checkpoint_check(&cp, k.pk, &err) == 0);
	char *body = checkpoint_body(&cp); /* what was signed is what was parsed */
	CHECK(strncmp(text, body, strlen(body)) == 0 && strncmp(text + strlen(body), "signature ", 10) == 0);
	free(body);
	checkpoint_release(&cp);
	free(want);
	free(text);
}

TEST(heads_stay_sorted_and_valid)
{
	struct checkpoint cp = CHECKPOINT_INIT;
	struct event_head h = {1, ""};
	CHECK(str_copy(h.hash, sizeof h.hash, H1) == 0);
	CHECK(checkpoint_add(&cp, "org_b", &h) == 0);
	CHECK(checkpoint_add(&cp, "org_a", &h) == -1); /* out of order */
	CHECK(checkpoint_add(&cp, "org_b", &h) == -1); /* duplicate */
	CHECK(checkpoint_add(&cp, "", &h) == -1);
	CHECK(checkpoint_add(&cp, "org c", &h) == -1);
	CHECK(checkpoint_add(&cp, "org_\xc3\xa9", &h) == -1);
	char long_id[FL_MAX_ID + 1];
	memset(long_id, 'x', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	CHECK(checkpoint_add(&cp, long_id, &h) == -1);
	for (int i = 0; i < 100; i++) { /* grows past its first allocation */
		char id[24];
		snprintf(id, sizeof id, "org_c%03d", i);
		CHECK(checkpoint_add(&cp, id, &h) == 0);
	}
	CHECK(cp.n == 101 && checkpoint_find(&cp, "org_c057") && !checkpoint_find(&cp, "org_c100"));
	checkpoint_release(&cp);
	CHECK(cp.n == 0 && cp.heads == NULL);
}

/* Replace the first occurrence of from with to in text (new string). */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	CHECK(at != NULL);
	if (!at)
		return xstrdup(text);
	return xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

TEST(only_the_canonical_form_parses)
{
	struct ckpt_key k = key_from_seed(7);
	char *text = signed_text(&k);
	static const char *const EDITS[][2] = {
		{"frontline-audit-checkpoint 1\n", "frontline-audit-checkpoint 2\n"},
		{"time 2026-11-30T12:00:00.000Z", "time 2026-11-30T12:00:00Z"},      /* not the canonical time */
		{"time 2026-11-30T12:00:00.000Z", "time 2026-11-30T13:00:00+01:00"}, /* the same moment, another form */
		{"time ", "time  "},
		{"key ed25519 ", "key ed448 "},
		{"head org_A 81 ", "head org_A 081 "},
		{"head org_A 81 ", "head org_A -81 "},
		{"head org_A 81 ", "head org_A 81  "},
		{"head org_A 81 1", "head org_A 81 A"}, /* upper-case hex */
		{"head org_A 81 ", "head org_A 1000000000000000000 "},
		{"head org_b", "head org_A"}, /* duplicate */
		{"head org_b", "head org_0"}, /* out of order */
		{"\nhead org_b", "\nhead org_b 1"},
		{"\nsignature ed25519 ", "\nsignature  ed25519 "},
		{"\nsignature ed25519 ", "\nsignature ed25519 00"},
		{"\nsignature", "\nsignature ed25519 00\nsignature"},
	};
	for (size_t i = 0; i < sizeof EDITS / sizeof EDITS[0]; i++) {
		char *bad = replace(text, EDITS[i][0], EDITS[i][1]);
		struct checkpoint cp;
		fl_err err;
		int rc = parse(bad, &cp, &err);
		if (rc != -1 || strcmp(err.code, "checkpoint_malformed") != 0)
			fprintf(stderr, "  edit %zu parsed: %s\n", i, bad);
		CHECK(rc == -1 && err.kind == ERR_INVALID && strcmp(err.code, "checkpoint_malformed") == 0);
		CHECK(cp.heads == NULL);
		free(bad);
	}
	/* cut short, extra bytes after the signature, a NUL inside, an empty file */
	struct checkpoint cp;
	fl_err err;
	size_t len = strlen(text);
	CHECK(checkpoint_parse(text, len - 1, &cp, &err) == -1);
	char *more = xasprintf("%s\n", text);
	CHECK(parse(more, &cp, &err) == -1 && strstr(err.message, "line 7") != NULL);
	free(more);
	char *nul = xstrdup(text);
	nul[40] = '\0';
	CHECK(checkpoint_parse(nul, len, &cp, &err) == -1);
	free(nul);
	CHECK(parse("", &cp, &err) == -1 && strstr(err.message, "line 1:") != NULL);
	free(text);
}

TEST(any_changed_byte_breaks_the_signature)
{
	struct ckpt_key k = key_from_seed(7), other = key_from_seed(8);
	char *text = signed_text(&k);
	static const char *const EDITS[][2] = {
		{"head org_A 81 ", "head org_A 80 "},
		{"head org_A 81 1111", "head org_A 81 2111"},
		{"time 2026-11-30T12", "time 2026-11-30T13"},
		{"head org_A", "head org_B"},
	};
	for (size_t i = 0; i < sizeof EDITS / sizeof EDITS[0]; i++) {
		char *bad = replace(text, EDITS[i][0], EDITS[i][1]);
		struct checkpoint cp;
		fl_err err;
		CHECK(parse(bad, &cp, &err) == 0);
		CHECK(checkpoint_check(&cp, NULL, &err) == -1 && err.kind == ERR_RULE &&
		      strcmp(err.code, "checkpoint_signature") == 0);
		checkpoint_release(&cp);
		free(bad);
	}
	/* a head removed */
	char *line = strstr(text, "head org_b");
	char *bad = xasprintf("%.*s%s", (int)(line - text), text, strchr(line, '\n') + 1);
	struct checkpoint cp;
	fl_err err;
	CHECK(parse(bad, &cp, &err) == 0 && cp.n == 1);
	CHECK(checkpoint_check(&cp, NULL, &err) == -1);
	checkpoint_release(&cp);
	free(bad);
	/* the genuine file checked against another trusted key; and re-signed by another key */
	CHECK(parse(text, &cp, &err) == 0);
	CHECK(checkpoint_check(&cp, other.pk, &err) == -1 && strcmp(err.code, "checkpoint_wrong_key") == 0);
	char fp[CKPT_FINGERPRINT];
	ckpt_fingerprint(other.pk, fp);
	CHECK(strstr(err.message, fp) != NULL);
	char *resigned = checkpoint_sign(&cp, &other);
	checkpoint_release(&cp);
	CHECK(parse(resigned, &cp, &err) == 0);
	CHECK(checkpoint_check(&cp, NULL, &err) == 0);
	CHECK(checkpoint_check(&cp, k.pk, &err) == -1 && strcmp(err.code, "checkpoint_wrong_key") == 0);
	checkpoint_release(&cp);
	free(resigned);
	free(text);
}

TEST(key_files)
{
	struct ckpt_key k = key_from_seed(9), back;
	unsigned char pk[CKPT_PK_BYTES];
	fl_err err;
	char *secret = ckpt_key_format_secret(&k), *pub = ckpt_key_format_public(k.pk);
	CHECK(strncmp(secret, "frontline-audit-secret-key ed25519 ", 35) == 0 && strlen(secret) == 35 + 128 + 1);
	CHECK(strncmp(pub, "frontline-audit-public-key ed25519 ", 35) == 0 && strlen(pub) == 35 + 64 + 1);
	CHECK(ckpt_key_parse_secret(secret, &back, &err) == 0);
	CHECK(memcmp(back.sk, k.sk, sizeof k.sk) == 0 && memcmp(back.pk, k.pk, sizeof k.pk) == 0);
	CHECK(ckpt_key_parse_public(pub, pk, &err) == 0 && memcmp(pk, k.pk, sizeof pk) == 0);
	/* one key file is not the other; no trailing garbage; the public half must fit the seed */
	CHECK(ckpt_key_parse_secret(pub, &back, &err) == -1 && strcmp(err.code, "key_malformed") == 0);
	CHECK(ckpt_key_parse_public(secret, pk, &err) == -1);
	char *extra = xasprintf("%sx", pub);
	CHECK(ckpt_key_parse_public(extra, pk, &err) == -1);
	free(extra);
	char *no_nl = xstrdup(pub);
	no_nl[strlen(no_nl) - 1] = '\0';
	CHECK(ckpt_key_parse_public(no_nl, pk, &err) == -1);
	free(no_nl);
	char *swapped = xstrdup(secret);
	swapped[35 + 64] = swapped[35 + 64] == 'a' ? 'b' : 'a'; /* first hex digit of the public half */
	CHECK(ckpt_key_parse_secret(swapped, &back, &err) == -1);
	free(swapped);
	char fp[CKPT_FINGERPRINT];
	ckpt_fingerprint(k.pk, fp);
	CHECK(strlen(fp) == 24 && strncmp(fp, "ed25519:", 8) == 0);
	sodium_memzero(secret, strlen(secret));
	free(secret);
	free(pub);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(round_trip);
	RUN(heads_stay_sorted_and_valid);
	RUN(only_the_canonical_form_parses);
	RUN(any_changed_byte_breaks_the_signature);
	RUN(key_files);
	DONE();
}
