/* The web UI: files under web/dist/ compiled into the binary.  Paths that are not files get
 * index.html, so the single-page application can route them. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/embed.h"
#include "base/util.h"
#include "http/gzip.h"
#include "http/respond.h"

static const char *mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	static const struct {
		const char *ext, *type;
	} T[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
		{".png", "image/png"},                 {".json", "application/json; charset=utf-8"},
		{".ico", "image/x-icon"},              {".txt", "text/plain; charset=utf-8"},
	};
	for (size_t i = 0; dot && i < sizeof T / sizeof T[0]; i++)
		if (strcmp(dot, T[i].ext) == 0)
			return T[i].type;
	return "application/octet-stream";
}

/* The web UI's files gzipped, made once on the first request that takes gzip; zipped[i] is
 * embed_files[i]'s (data NULL when it is not worth it).  Kept for the life of the process. */
static struct zipped {
	char *data;
	size_t len;
} * zipped;
static size_t n_zipped;
static pthread_once_t zip_once = PTHREAD_ONCE_INIT;

static void zip_all(void)
{
	size_t n = 0;
	while (embed_files[n].name)
		n++;
	zipped = xcalloc(n, sizeof *zipped);
	for (size_t i = 0; i < n; i++) {
		const struct embed_file *f = &embed_files[i];
		if (strncmp(f->name, "web/dist/", 9) != 0 || f->len < HTTP_GZIP_MIN || !http_gzip_type(mime_of(f->name)))
			continue;
		if (http_gzip(f->data, f->len, &zipped[i].data, &zipped[i].len) != 0)
			zipped[i].data = NULL;
	}
	n_zipped = n;
}

static struct MHD_Response *file_body(const struct embed_file *f, int gzip)
{
	size_t i = (size_t)(f - embed_files);
	if (gzip)
		pthread_once(&zip_once, zip_all);
	if (gzip && i < n_zipped && zipped[i].data) {
		struct MHD_Response *r = MHD_create_response_from_buffer(zipped[i].len, zipped[i].data, MHD_RESPMEM_PERSISTENT);
		if (r)
			MHD_add_response_header(r, "Content-Encoding", "gzip");
		return r;
	}
	return MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT);
}

struct MHD_Response *http_static(const char *url, int gzip)
{
	char name[512];
	if (url[0] != '/' || strstr(url, "..") || strlen(url) > 400)
		return NULL;
	snprintf(name, sizeof name, "web/dist%s", strcmp(url, "/") == 0 ? "/index.html" : url);
	const struct embed_file *f = embed_find(name);
	if (!f && !strchr(strrchr(url, '/'), '.'))
		f = embed_find("web/dist/index.html");
	if (!f)
		return NULL;
	struct MHD_Response *r = file_body(f, gzip);
	if (!r)
		return NULL;
	MHD_add_response_header(r, "Content-Type", mime_of(f->name));
	if (http_gzip_type(mime_of(f->name)))
		MHD_add_response_header(r, "Vary", "Accept-Encoding");
	MHD_add_response_header(r, "Cache-Control",
				strncmp(f->name, "web/dist/assets/", 16) == 0 ? "public, max-age=31536000, immutable"
									      : "no-cache");
	return r;
}
