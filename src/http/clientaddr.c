#include "http/clientaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "base/netaddr.h"
#include "base/util.h"

#define MAX_FORWARDED 1024 /* X-Forwarded-For read, at most; a longer chain keeps its rightmost part */

struct joined {
	char text[MAX_FORWARDED];
	size_t len;
};

/* Append len bytes of s; beyond the cap the oldest (leftmost) bytes go, since the walk starts at
 * the right end and a cut entry on the left merely ends it. */
static void keep_tail(struct joined *j, const char *s, size_t len)
{
	size_t cap = sizeof j->text - 1;
	if (len >= cap) {
		memcpy(j->text, s + len - cap, cap);
		j->len = cap;
	} else {
		if (j->len + len > cap) {
			size_t drop = j->len + len - cap;
			memmove(j->text, j->text + drop, j->len - drop);
			j->len -= drop;
		}
		memcpy(j->text + j->len, s, len);
		j->len += len;
	}
	j->text[j->len] = '\0';
}

/* Join every X-Forwarded-For line, in order, with commas. */
static enum MHD_Result join_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct joined *j = cls;
	(void)kind;
	if (!value || strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	if (j->len)
		keep_tail(j, ",", 1);
	keep_tail(j, value, strlen(value));
	return MHD_YES;
}

void http_client_addr(struct MHD_Connection *con, const char *trusted, char *out, size_t n)
{
	char peer[64] = "";
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, peer, sizeof peer);
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, peer, sizeof peer);
	if (!*peer || !trusted) {
		if (str_copy(out, n, peer) != 0) /* an address fits; a cut one is no address */
			out[0] = '\0';
		return;
	}
	struct joined j = {.len = 0};
	j.text[0] = '\0';
	MHD_get_connection_values(con, MHD_HEADER_KIND, join_xff, &j);
	netaddr_client(peer, j.len ? j.text : NULL, trusted, out, n);
}
