#include "base/netaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define ADDR_TEXT 64

struct addr {
	int family;
	unsigned char b[16];
};

static int addr_parse(const char *s, struct addr *a)
{
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

/* One entry of a trusted list: "ADDR" or "ADDR/BITS".  0 and the range, or -1. */
static int range_parse(const char *s, struct addr *a, int *bits)
{
	char buf[ADDR_TEXT];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (addr_parse(buf, a))
		return -1;
	int max = a->family == AF_INET ? 32 : 128;
	*bits = max;
	if (slash) {
		char *end;
		long v = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || v < 0 || v > max)
			return -1;
		*bits = (int)v;
	}
	return 0;
}

static int in_range(const struct addr *x, const struct addr *r, int bits)
{
	if (x->family != r->family)
		return 0;
	int whole = bits / 8, rest = bits % 8;
	if (memcmp(x->b, r->b, (size_t)whole) != 0)
		return 0;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return rest == 0 || (x->b[whole] & mask) == (r->b[whole] & mask);
}

/* Copy the next token of a comma/space separated list into tok (cut at size); returns the rest, or
 * NULL when there is no token left. */
static const char *next_token(const char *p, char *tok, size_t size)
{
	while (*p == ',' || *p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	size_t len = strcspn(p, ", \t");
	tok[0] = '\0';
	if (len < size) {
		memcpy(tok, p, len);
		tok[len] = '\0';
	}
	return p + len;
}

static int trusted_has(const char *list, const char *text)
{
	struct addr x, r;
	char tok[ADDR_TEXT];
	int bits;
	if (!list || addr_parse(text, &x))
		return 0;
	for (const char *p = list; (p = next_token(p, tok, sizeof tok));)
		if (range_parse(tok, &r, &bits) == 0 && in_range(&x, &r, bits))
			return 1;
	return 0;
}

int netaddr_list_ok(const char *list)
{
	struct addr r;
	char tok[ADDR_TEXT];
	int bits;
	for (const char *p = list; p && (p = next_token(p, tok, sizeof tok));)
		if (range_parse(tok, &r, &bits))
			return 0;
	return 1;
}

/* The entry of xff that ends just before position end (exclusive), trimmed, into tok; returns
 * where it starts. */
static size_t entry_before(const char *xff, size_t end, char *tok, size_t size)
{
	size_t start = end;
	while (start > 0 && xff[start - 1] != ',')
		start--;
	size_t a = start, b = end;
	while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
		a++;
	while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
		b--;
	tok[0] = '\0';
	if (b - a < size) {
		memcpy(tok, xff + a, b - a);
		tok[b - a] = '\0';
	}
	return start;
}

void netaddr_client(const char *peer, const char *xff, const char *trusted, char *out, size_t n)
{
	struct addr x;
	char tok[ADDR_TEXT];
	if (str_copy(out, n, peer) != 0) /* a peer address always fits ADDR_TEXT; never trust a cut one */
		out[0] = '\0';
	if (!xff || !trusted_has(trusted, peer))
		return;
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = entry_before(xff, end, tok, sizeof tok);
		if (addr_parse(tok, &x))
			return;
		if (str_copy(out, n, tok) != 0) /* tok was parsed as an address: it fits */
			return;
		if (!trusted_has(trusted, tok))
			return;
		end = start > 0 ? start - 1 : 0;
	}
}
