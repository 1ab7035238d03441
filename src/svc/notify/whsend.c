/* One webhook request with libcurl, behind the SSRF defenses described in whsend.h. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/util.h"
#include "core/notify_rules.h"
#include "svc/notify/whsend.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void curl_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

/* The class of a literal address (v4 or v6 text); 0 with *t when s is one, -1 when it is a name. */
static int literal_class(const char *s, enum webhook_target *t)
{
	unsigned char a[16];
	char buf[64];
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof buf) { /* curl gives IPv6 hosts in brackets */
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		s = buf;
	}
	if (inet_pton(AF_INET, s, a) == 1) {
		*t = webhook_classify(a, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*t = webhook_classify(a, 16);
		return 0;
	}
	return -1;
}

static int sockaddr_class(const struct sockaddr *sa, enum webhook_target *t, char *text, size_t size)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		*t = webhook_classify((const unsigned char *)&in->sin_addr, 4);
		return inet_ntop(AF_INET, &in->sin_addr, text, (socklen_t)size) ? 0 : -1;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		*t = webhook_classify((const unsigned char *)&in6->sin6_addr, 16);
		return inet_ntop(AF_INET6, &in6->sin6_addr, text, (socklen_t)size) ? 0 : -1;
	}
	return -1;
}

struct parsed_url {
	char *scheme, *host, *port;
};

static void parsed_release(struct parsed_url *p)
{
	curl_free(p->scheme);
	curl_free(p->host);
	curl_free(p->port);
	memset(p, 0, sizeof *p);
}

static int parse_url(const char *url, struct parsed_url *p, const char **code, char *msg, size_t msg_size)
{
	memset(p, 0, sizeof *p);
	*code = "invalid_url";
	if (strlen(url) > WHSEND_MAX_URL) {
		snprintf(msg, msg_size, "the URL is longer than %d bytes", WHSEND_MAX_URL);
		return -1;
	}
	pthread_once(&init_once, curl_init);
	CURLU *u = curl_url();
	char *user = NULL, *password = NULL;
	int ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_SCHEME, &p->scheme, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_HOST, &p->host, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_PORT, &p->port, CURLU_DEFAULT_PORT) == CURLUE_OK;
	int has_user = curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
		       curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK;
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(u);
	if (!ok || (strcmp(p->scheme, "https") != 0 && strcmp(p->scheme, "http") != 0) || !*p->host) {
		snprintf(msg, msg_size, "give an https:// URL with a host");
		parsed_release(p);
		return -1;
	}
	if (has_user) {
		snprintf(msg, msg_size, "a user name or password in the URL is not accepted");
		parsed_release(p);
		return -1;
	}
	return 0;
}

/* The class of a URL's host as far as it is known without resolving: literal addresses, and the
 * names that always mean this machine. */
static int host_class(const char *host, enum webhook_target *t)
{
	size_t n = strlen(host);
	if (literal_class(host, t) == 0)
		return 0;
	if (strcasecmp(host, "localhost") == 0 || (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0)) {
		*t = WH_LOOPBACK;
		return 0;
	}
	return -1;
}

int whsend_check_url(const char *url, int allow, const char **code, char *msg, size_t msg_size)
{
	struct parsed_url p;
	enum webhook_target t;
	if (parse_url(url, &p, code, msg, msg_size))
		return -1;
	int ret = 0;
	*code = "webhook_target_refused";
	if (host_class(p.host, &t) == 0 && !webhook_allowed(allow, t)) {
		snprintf(msg, msg_size, "%s targets are refused (an operator setting allows loopback or private ones)",
			 webhook_target_name(t));
		ret = -1;
	} else if (strcmp(p.scheme, "http") == 0 && allow == (1 << WH_PUBLIC)) {
		*code = "invalid_url";
		snprintf(msg, msg_size, "webhooks go to https:// URLs");
		ret = -1;
	}
	parsed_release(&p);
	return ret;
}

/* --- sending --- */

struct sink {
	size_t len;
	int too_big;
};

static size_t write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	s->len += size * n;
	if (s->len > WHSEND_MAX_RESPONSE) {
		s->too_big = 1;
		return 0; /* ends the transfer */
	}
	return size * n;
}

/* Checked again right before connecting: the address curl is about to use must be allowed. */
struct sock_guard {
	int allow;
	int refused;
};

static curl_socket_t open_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct sock_guard *g = arg;
	enum webhook_target t;
	char text[64];
	if (purpose != CURLSOCKTYPE_IPCXN || sockaddr_class(&a->addr, &t, text, sizeof text) || !webhook_allowed(g->allow, t)) {
		g->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* Resolve host and check every address; on success pin (the text of the first address). */
static int resolve_checked(const char *host, const char *port, int allow, char *pin, size_t pin_size, struct whsend_result *res)
{
	enum webhook_target t = WH_RESERVED;
	if (literal_class(host, &t) == 0) { /* an address: nothing to resolve */
		if (!webhook_allowed(allow, t))
			goto refused;
		return str_copy(pin, pin_size, host);
	}
	if (host_class(host, &t) == 0 && !webhook_allowed(allow, t)) /* localhost and *.localhost */
		goto refused;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		snprintf(res->error, sizeof res->error, "cannot resolve %s: %s", host, gai_strerror(rc));
		res->outcome = WHSEND_FAILED;
		return -1;
	}
	int ret = -1;
	*pin = '\0';
	for (struct addrinfo *i = ai; i; i = i->ai_next) {
		char text[64];
		if (sockaddr_class(i->ai_addr, &t, text, sizeof text) || !webhook_allowed(allow, t)) {
			*pin = '\0';
			break;
		}
		if (!*pin)
			snprintf(pin, pin_size, i->ai_family == AF_INET6 ? "[%s]" : "%s", text);
		ret = 0;
	}
	freeaddrinfo(ai);
	if (ret == 0 && *pin)
		return 0;
refused:
	res->outcome = WHSEND_REFUSED;
	snprintf(res->error, sizeof res->error, "%s resolves to a %s address: refused without a connection", host,
		 webhook_target_name(t));
	return -1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void perform(CURL *h, struct sock_guard *g, struct sink *s, struct whsend_result *res)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->http_status);
	if (g->refused) {
		res->outcome = WHSEND_REFUSED;
		snprintf(res->error, sizeof res->error, "the address is not allowed: refused without a connection");
	} else if (s->too_big) {
		res->outcome = WHSEND_FAILED;
		snprintf(res->error, sizeof res->error, "the answer is longer than %d bytes", WHSEND_MAX_RESPONSE);
	} else if (rc != CURLE_OK) {
		res->outcome = WHSEND_FAILED;
		snprintf(res->error, sizeof res->error, "%s", *curl_err ? curl_err : curl_easy_strerror(rc));
	} else if (res->http_status >= 200 && res->http_status < 300) {
		res->outcome = WHSEND_DELIVERED;
	} else {
		res->outcome = WHSEND_FAILED;
		snprintf(res->error, sizeof res->error, "HTTP %ld", res->http_status);
	}
}

void whsend_post(const char *url, int allow, const char *const *headers, const char *body, size_t len, struct whsend_result *res)
{
	struct parsed_url p;
	const char *code;
	char pin[80], connect_to[160];
	memset(res, 0, sizeof *res);
	int64_t t0 = mono_ms();
	if (whsend_check_url(url, allow, &code, res->error, sizeof res->error) ||
	    parse_url(url, &p, &code, res->error, sizeof res->error)) {
		res->outcome = WHSEND_REFUSED;
		return;
	}
	if (resolve_checked(p.host, p.port, allow, pin, sizeof pin, res)) {
		parsed_release(&p);
		res->duration_ms = mono_ms() - t0;
		return;
	}
	snprintf(connect_to, sizeof connect_to, "::%s:%s", pin, p.port);
	parsed_release(&p);
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL, *pins = curl_slist_append(NULL, connect_to);
	for (const char *const *x = headers; *x; x++)
		hdrs = curl_slist_append(hdrs, *x);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "User-Agent: Frontline-Webhooks/1");
	hdrs = curl_slist_append(hdrs, "Expect:");
	struct sink s = {0, 0};
	struct sock_guard g = {allow, 0};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CONNECT_TO, pins);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_cb);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &g);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)WHSEND_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)WHSEND_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	perform(h, &g, &s, res);
	res->duration_ms = mono_ms() - t0;
	curl_slist_free_all(hdrs);
	curl_slist_free_all(pins);
	curl_easy_cleanup(h);
}
