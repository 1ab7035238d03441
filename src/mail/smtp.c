/* SMTP with libcurl (mail/smtp.h). */
#include "mail/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void curl_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t room = size * n, left = u->len - u->off;
	size_t k = left < room ? left : room;
	memcpy(buf, u->data + u->off, k);
	u->off += k;
	return k;
}

enum smtp_result smtp_send(const struct smtp_conf *conf, const char *from, const char *to, const char *data, size_t len,
			   char *err, size_t errlen)
{
	pthread_once(&init_once, curl_init);
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "cannot start libcurl");
		return SMTP_TEMPORARY;
	}
	char envelope_from[320], rcpt[320];
	snprintf(envelope_from, sizeof envelope_from, "<%s>", from ? from : "");
	snprintf(rcpt, sizeof rcpt, "<%s>", to);
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	struct upload u = {data, len, 0};
	char curl_err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, conf->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, envelope_from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, conf->timeout_s > 0 ? conf->timeout_s : 60L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (conf->starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (conf->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, conf->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, conf->password ? conf->password : "");
	}
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK)
		return SMTP_SENT;
	snprintf(err, errlen, "%s (SMTP %ld)", *curl_err ? curl_err : curl_easy_strerror(rc), code);
	return code >= 500 && code < 600 ? SMTP_PERMANENT : SMTP_TEMPORARY;
}
