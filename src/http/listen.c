/* The server's listening sockets (http/listen.h). */
#include "http/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bind host:port ourselves, without SO_REUSEPORT: a second server on a port in use must fail
 * here instead of sharing the port.  Returns the socket, or -1 with a message printed. */
static int listen_on(const struct sockaddr_in *sa, const char *listen_text)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd < 0) {
		fprintf(stderr, "frontline: cannot listen on %s: %s\n", listen_text, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* restart over TIME_WAIT only */
	if (bind(fd, (const struct sockaddr *)sa, sizeof *sa) || listen(fd, 511)) {
		if (errno == EADDRINUSE)
			fprintf(stderr, "frontline: cannot listen on %s: the address is already in use "
					"(is another frontline serve running there?)\n", listen_text);
		else
			fprintf(stderr, "frontline: cannot listen on %s: %s\n", listen_text, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int http_parse_listen(const char *listen_text, struct sockaddr_in *sa, char *host, size_t hostcap, int *port)
{
	const char *colon = strrchr(listen_text, ':');
	snprintf(host, hostcap, "127.0.0.1");
	if (colon) {
		size_t hl = (size_t)(colon - listen_text);
		if (hl >= hostcap)
			hl = hostcap - 1;
		memcpy(host, listen_text, hl);
		host[hl] = '\0';
	}
	*port = atoi(colon ? colon + 1 : listen_text);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)*port);
	if (*port <= 0 || *port > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		fprintf(stderr, "frontline: --listen must be IPv4-ADDRESS:PORT, e.g. 127.0.0.1:8080\n");
		return -1;
	}
	return 0;
}

/* The addresses' sockets: fd[1] and port[1] the metrics address (--metrics-listen; fd[1] -1 when
 * there is none), then fd[0] and port[0] the main one, in that order, so that nothing answers on the
 * main address (its /healthz) before /metrics listens.  Returns 0, or the exit code after printing
 * why (2: the main address is not one; 1: an address can't be listened on). */
int http_open_addresses(const struct serve_opts *o, int fd[2], int port[2])
{
	struct sockaddr_in sa, msa;
	char host[128];
	fd[0] = fd[1] = -1;
	if (http_parse_listen(o->listen, &sa, host, sizeof host, &port[0]))
		return 2;
	if (o->metrics_listen && (http_parse_listen(o->metrics_listen, &msa, host, sizeof host, &port[1]) ||
				  (fd[1] = listen_on(&msa, o->metrics_listen)) < 0))
		return 1;
	if ((fd[0] = listen_on(&sa, o->listen)) < 0) {
		if (fd[1] >= 0)
			close(fd[1]);
		return 1;
	}
	return 0;
}

void http_close_addresses(const int fd[2])
{
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}
