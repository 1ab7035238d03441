#include "base/id.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char B32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void id_new(char out[ID_SIZE], const char *prefix, int64_t now_ms)
{
	unsigned char r[10];
	randombytes_buf(r, sizeof r);
	char body[27];
	uint64_t t = (uint64_t)now_ms;
	for (int i = 9; i >= 0; i--) {
		body[i] = B32[t & 31];
		t >>= 5;
	}
	/* 80 random bits -> 16 characters */
	uint64_t hi = 0, lo = 0;
	for (int i = 0; i < 5; i++)
		hi = (hi << 8) | r[i];
	for (int i = 5; i < 10; i++)
		lo = (lo << 8) | r[i];
	for (int i = 17; i >= 10; i--) {
		body[i] = B32[hi & 31];
		hi >>= 5;
	}
	for (int i = 25; i >= 18; i--) {
		body[i] = B32[lo & 31];
		lo >>= 5;
	}
	body[26] = '\0';
	snprintf(out, ID_SIZE, "%s_%s", prefix, body);
}

int id_valid(const char *s, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (!s || strncmp(s, prefix, pl) != 0 || s[pl] != '_' || strlen(s + pl + 1) != 26)
		return 0;
	for (const char *p = s + pl + 1; *p; p++)
		if (!strchr(B32, *p))
			return 0;
	return 1;
}
