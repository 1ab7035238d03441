#include "base/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "base/util.h"

#define OPS 2
#define MEM (19u * 1024u * 1024u)

int password_hash(const char *password, char out[PASSWORD_HASH_SIZE])
{
	_Static_assert(PASSWORD_HASH_SIZE >= crypto_pwhash_STRBYTES, "hash buffer");
	return crypto_pwhash_str_alg(out, password, strlen(password), OPS, MEM, crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0
														      : -1;
}

int password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static char dummy[PASSWORD_HASH_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[TOKEN_SIZE];
	token_new(pw);
	if (password_hash(pw, dummy))
		fl_die("cannot hash a password (out of memory?)");
}

const char *password_dummy_hash(void)
{
	pthread_once(&dummy_once, make_dummy);
	return dummy;
}

void token_new(char token[TOKEN_SIZE])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof r);
	sodium_bin2base64(token, TOKEN_SIZE, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_hash(const char *token, char out[TOKEN_HASH_SIZE])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_SIZE, h, sizeof h);
}

int token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
