#ifndef FL_HTTP_LISTEN_H
#define FL_HTTP_LISTEN_H
/* The server's listening sockets (http/listen.c): each bound by the server itself, without
 * SO_REUSEPORT, so a second server on a port in use fails instead of sharing it. */
#include <netinet/in.h>
#include <stddef.h>

#include "http/server.h"

/* "HOST:PORT" (or "PORT": 127.0.0.1) into sa, host and port.  Returns 0, or -1 after printing
 * what --listen must look like. */
int http_parse_listen(const char *listen_text, struct sockaddr_in *sa, char *host, size_t hostcap, int *port);

/* The metrics address's socket (fd[1], port[1]; -1 without --metrics-listen), then the main one's
 * (fd[0], port[0]), in that order, so that nothing answers on the main address (its /healthz)
 * before /metrics listens.  Returns 0, or the exit code after printing why (2: the main address is
 * not one; 1: an address can't be listened on). */
int http_open_addresses(const struct serve_opts *o, int fd[2], int port[2]);
/* Close the sockets of fd (those not -1). */
void http_close_addresses(const int fd[2]);

#endif
