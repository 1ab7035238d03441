/* IMAP with libcurl (mail/imap.h). */
#include "mail/imap.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define RESPONSE_MAX (4u << 20) /* a SEARCH answer listing ~400,000 UIDs */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void curl_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

struct imap_session {
	const struct imap_conf *conf;
	CURL *h;
};

/* What a transfer wrote: kept up to max bytes, the rest read and dropped. */
struct sink {
	char *data;
	size_t len, cap, max;
};

static size_t write_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct sink *k = arg;
	size_t got = size * n, keep = k->len + got > k->max ? k->max - k->len : got;
	xappend(&k->data, &k->len, &k->cap, 64 * 1024, buf, keep);
	return got;
}

imap_session *imap_open(const struct imap_conf *conf)
{
	pthread_once(&init_once, curl_init);
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	imap_session *s = xmalloc(sizeof *s);
	s->conf = conf;
	s->h = h;
	return s;
}

void imap_close(imap_session *s)
{
	if (!s)
		return;
	curl_easy_cleanup(s->h);
	free(s);
}

/* Run one transfer on url: a custom command (cmd) on the mailbox, or a fetch (cmd NULL).  The
 * handle is reset each time; its connection (and the mailbox selected on it) is kept.  Returns 0,
 * -2 when the server has no such message, or -1. */
static int perform(imap_session *s, const char *url, const char *cmd, struct sink *out, char *err, size_t errlen)
{
	const struct imap_conf *c = s->conf;
	CURL *h = s->h;
	char curl_err[CURL_ERROR_SIZE] = "";
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s > 0 ? c->timeout_s : 300L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	if (c->starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->user)
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
	if (c->bearer)
		curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, c->bearer);
	else if (c->password)
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	if (cmd)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, cmd);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		return 0;
	snprintf(err, errlen, "%s", *curl_err ? curl_err : curl_easy_strerror(rc));
	return rc == CURLE_REMOTE_FILE_NOT_FOUND ? -2 : -1;
}

/* The mailbox URL without a trailing ";UID=..." or "/" (the conf's, as given). */
static char *box_url(const imap_session *s, uint64_t uid)
{
	const char *u = s->conf->url;
	size_t n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		n--;
	char *out = xmalloc(n + 40);
	memcpy(out, u, n);
	if (uid)
		snprintf(out + n, 40, ";UID=%llu", (unsigned long long)uid);
	else
		out[n] = '\0';
	return out;
}

static int cmp_uid(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The numbers of every "* SEARCH n n n" line of text. */
static void parse_search(const char *text, uint64_t **uids, size_t *n)
{
	size_t cap = 0;
	*uids = NULL;
	*n = 0;
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "* SEARCH", 8) != 0)
			continue;
		for (const char *p = line + 8; *p && *p != '\r' && *p != '\n';) {
			char *end;
			unsigned long long v = strtoull(p, &end, 10);
			if (end == p) {
				p++;
				continue;
			}
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				uint64_t *nu = xmalloc(cap * sizeof *nu);
				if (*n)
					memcpy(nu, *uids, *n * sizeof *nu);
				free(*uids);
				*uids = nu;
			}
			(*uids)[(*n)++] = v;
			p = end;
		}
	}
	if (*n)
		qsort(*uids, *n, sizeof **uids, cmp_uid);
}

int imap_search(imap_session *s, const char *criteria, uint64_t **uids, size_t *n, char *err, size_t errlen)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "UID SEARCH %s", criteria);
	char *url = box_url(s, 0);
	struct sink out = {.max = RESPONSE_MAX};
	int rc = perform(s, url, cmd, &out, err, errlen);
	free(url);
	if (rc == 0)
		parse_search(out.data ? out.data : "", uids, n);
	free(out.data);
	return rc;
}

int imap_fetch(imap_session *s, uint64_t uid, size_t max, char **data, size_t *len, char *err, size_t errlen)
{
	char *url = box_url(s, uid);
	struct sink out = {.max = max};
	int rc = perform(s, url, NULL, &out, err, errlen);
	free(url);
	if (rc != 0 || out.len == 0) { /* a UID that is gone fetches nothing */
		free(out.data);
		return rc == -1 ? -1 : 1;
	}
	*data = out.data;
	*len = out.len;
	return 0;
}

static int command(imap_session *s, const char *cmd, char *err, size_t errlen)
{
	char *url = box_url(s, 0);
	struct sink out = {.max = RESPONSE_MAX};
	int rc = perform(s, url, cmd, &out, err, errlen);
	free(url);
	free(out.data);
	return rc;
}

int imap_flag(imap_session *s, uint64_t uid, int add, const char *flag, char *err, size_t errlen)
{
	for (const char *p = flag; *p; p++)
		if (!(*p == '\\' || *p == '$' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))) {
			snprintf(err, errlen, "not a flag: %s", flag);
			return -1;
		}
	char cmd[256];
	snprintf(cmd, sizeof cmd, "UID STORE %llu %cFLAGS.SILENT (%s)", (unsigned long long)uid, add > 0 ? '+' : '-', flag);
	return command(s, cmd, err, errlen);
}

int imap_folder_ok(const char *folder)
{
	if (!folder || !*folder || strlen(folder) > 200)
		return 0;
	for (const char *p = folder; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._-/ ", *p)))
			return 0;
	return 1;
}

int imap_move(imap_session *s, uint64_t uid, const char *folder, char *err, size_t errlen)
{
	if (!imap_folder_ok(folder)) {
		snprintf(err, errlen, "not a plain folder name");
		return -1;
	}
	char cmd[300];
	snprintf(cmd, sizeof cmd, "UID MOVE %llu \"%s\"", (unsigned long long)uid, folder);
	return command(s, cmd, err, errlen);
}
