#ifndef FL_NETADDR_H
#define FL_NETADDR_H
/* Client addresses behind reverse proxies.  Only proxies the operator names are believed: a
 * request from anyone else is that peer's own, whatever X-Forwarded-For it carries.
 *
 * A trusted list is addresses or CIDR ranges, IPv4 or IPv6, separated by commas or spaces:
 * "127.0.0.1, 10.0.0.0/8, ::1". */
#include <stddef.h>

/* 1 when list is a valid trusted list (an empty list is valid: trust nobody), else 0. */
int netaddr_list_ok(const char *list);

/* The client's address for a request from peer (an address in text form) carrying the
 * X-Forwarded-For value xff (may be NULL; several header lines joined by commas), with the
 * trusted list (may be NULL).  Walks xff from the right while the hop that handed the request on
 * is trusted: the answer is the first address a trusted proxy vouches for that is not itself a
 * trusted proxy, or peer when peer is not trusted.  An entry that is not an address ends the walk
 * (the last good one stands).  Writes at most n bytes (NUL-terminated) to out. */
void netaddr_client(const char *peer, const char *xff, const char *trusted, char *out, size_t n);

#endif
