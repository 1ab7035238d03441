#ifndef FL_HTTP_CLIENTADDR_H
#define FL_HTTP_CLIENTADDR_H
#include <microhttpd.h>
#include <stddef.h>

/* The client's address for this connection: the peer's, or, when the peer is one of the trusted
 * proxies (a list as in base/netaddr.h; NULL = none), what X-Forwarded-For says (every such header
 * line, in order).  Writes "" when the peer has no IP address.  out must hold 64 bytes. */
void http_client_addr(struct MHD_Connection *con, const char *trusted, char *out, size_t n);

#endif
