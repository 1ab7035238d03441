/* The web UI: files under web/dist/ compiled into the binary.  Paths that are not files get
 * index.html, so the single-page application can route them. */
#include <stdio.h>
#include <string.h>

#include "base/embed.h"
#include "base/util.h"
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

struct MHD_Response *http_static(const char *url)
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
	struct MHD_Response *r = MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return NULL;
	MHD_add_response_header(r, "Content-Type", mime_of(f->name));
	MHD_add_response_header(r, "Cache-Control", strstr(f->name, "/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
	return r;
}
