#ifndef FL_PASSWORD_H
#define FL_PASSWORD_H
/* Password hashing with argon2id (libsodium), at OWASP's minimum or above: t=2, m=19 MiB, p=1. */
#include <stddef.h>

#define PASSWORD_HASH_SIZE 128

/* Returns 0 and the encoded hash in out, -1 when out of memory. */
int password_hash(const char *password, char out[PASSWORD_HASH_SIZE]);
/* 1 when password matches hash, 0 otherwise.  Takes about as long for a wrong password as for a
 * right one; verify against password_dummy_hash() for unknown users so timing does not tell. */
int password_verify(const char *hash, const char *password);
const char *password_dummy_hash(void);

/* A random token: 32 random bytes, URL-safe base64 (43 chars), and its BLAKE2b hash in hex. */
#define TOKEN_SIZE 64
#define TOKEN_HASH_SIZE 65
void token_new(char token[TOKEN_SIZE]);
void token_hash(const char *token, char out[TOKEN_HASH_SIZE]);
/* Constant-time comparison of two NUL-terminated strings of equal length. */
int token_equal(const char *a, const char *b);

#endif
