/* Mail text helpers: UTF-8 cleaning, HTML to text, quote and signature stripping, ids. */
#include "mail/text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"

/* A growable output buffer (local: every result here is at most a few times its input). */
struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	xappend(&b->p, &b->len, &b->cap, 64, s, n);
}

static void putc_(struct buf *b, char ch) { put(b, &ch, 1); }

static char *done(struct buf *b)
{
	if (!b->p)
		return xstrdup("");
	return b->p;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len;
	uint32_t cp;
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	static const uint32_t MIN[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < MIN[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

char *mail_utf8_clean(const char *s, size_t len)
{
	struct buf b = {0};
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(u + i, len - i);
		if (n == 0) {
			put(&b, "\xEF\xBF\xBD", 3);
			i++;
			continue;
		}
		if (n == 1 && u[i] < 0x20 && u[i] != '\n' && u[i] != '\t') {
			if (u[i] == '\r' && !(i + 1 < len && u[i + 1] == '\n'))
				putc_(&b, '\n'); /* a lone CR ends a line */
			i++;
			continue;
		}
		if (n == 1 && u[i] == 0x7F) {
			i++;
			continue;
		}
		put(&b, s + i, n);
		i += n;
	}
	return done(&b);
}

/* Encode code point cp as UTF-8 (invalid ones as U+FFFD). */
static void put_cp(struct buf *b, unsigned long cp)
{
	char o[4];
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		putc_(b, (char)cp);
	} else if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		put(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		put(b, o, 3);
	} else {
		o[0] = (char)(0xF0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (char)(0x80 | (cp & 0x3F));
		put(b, o, 4);
	}
}

static const struct {
	const char *name;
	unsigned long cp;
} ENTITIES[] = {
	{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '},
	{"copy", 0xA9}, {"reg", 0xAE}, {"euro", 0x20AC}, {"mdash", 0x2014}, {"ndash", 0x2013},
	{"hellip", 0x2026}, {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"rdquo", 0x201D}, {"ldquo", 0x201C},
	{NULL, 0},
};

/* Decode the character reference at h[i] ('&'); returns bytes consumed (0: not a reference). */
static size_t entity(struct buf *b, const char *h, size_t i, size_t len)
{
	size_t j = i + 1;
	while (j < len && j - i < 12 && h[j] != ';' && (isalnum((unsigned char)h[j]) || h[j] == '#'))
		j++;
	if (j >= len || h[j] != ';' || j == i + 1)
		return 0;
	char name[16];
	size_t n = j - i - 1;
	memcpy(name, h + i + 1, n);
	name[n] = '\0';
	if (name[0] == '#') {
		char *end;
		unsigned long cp = (name[1] == 'x' || name[1] == 'X') ? strtoul(name + 2, &end, 16) : strtoul(name + 1, &end, 10);
		if (*end || end == name + 1)
			return 0;
		put_cp(b, cp == 0xA0 ? ' ' : cp);
		return j - i + 1;
	}
	for (int k = 0; ENTITIES[k].name; k++)
		if (strcmp(ENTITIES[k].name, name) == 0) {
			put_cp(b, ENTITIES[k].cp);
			return j - i + 1;
		}
	return 0;
}

static int tag_is(const char *tag, size_t n, const char *name)
{
	size_t l = strlen(name);
	return n >= l && strncasecmp(tag, name, l) == 0 && (n == l || !isalnum((unsigned char)tag[l]));
}

/* Elements that end a line of text. */
static int tag_breaks(const char *t, size_t n)
{
	static const char *const B[] = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
					"table", "ul", "ol", "hr", "pre", NULL};
	for (int k = 0; B[k]; k++)
		if (tag_is(t, n, B[k]))
			return 1;
	return 0;
}

/* Skip to the end of the element whose content is not text (script, style, head); returns the
 * index after its closing tag (or len). */
static size_t skip_element(const char *h, size_t i, size_t len, const char *name)
{
	size_t l = strlen(name);
	for (; i + l + 2 < len; i++)
		if (h[i] == '<' && h[i + 1] == '/' && strncasecmp(h + i + 2, name, l) == 0) {
			const char *gt = memchr(h + i, '>', len - i);
			return gt ? (size_t)(gt - h) + 1 : len;
		}
	return len;
}

char *mail_html_to_text(const char *html, size_t len)
{
	struct buf raw = {0};
	for (size_t i = 0; i < len;) {
		if (html[i] == '<') {
			if (i + 3 < len && strncmp(html + i, "<!--", 4) == 0) {
				const char *e = NULL;
				for (size_t k = i + 4; k + 2 < len + 0 && !e; k++)
					if (html[k] == '-' && html[k + 1] == '-' && html[k + 2] == '>')
						e = html + k + 3;
				i = e ? (size_t)(e - html) : len;
				continue;
			}
			const char *gt = memchr(html + i, '>', len - i);
			if (!gt)
				break;
			const char *t = html + i + 1;
			size_t n = (size_t)(gt - t);
			int closing = n > 0 && *t == '/';
			if (closing)
				t++, n--;
			i = (size_t)(gt - html) + 1;
			if (!closing && (tag_is(t, n, "script") || tag_is(t, n, "style") || tag_is(t, n, "head") ||
					 tag_is(t, n, "title")))
				i = skip_element(html, i, len,
						 tag_is(t, n, "script") ? "script" : tag_is(t, n, "style") ? "style" : tag_is(t, n, "head") ? "head" : "title");
			else if (tag_breaks(t, n))
				putc_(&raw, '\n');
			continue;
		}
		if (html[i] == '&') {
			size_t used = entity(&raw, html, i, len);
			if (used) {
				i += used;
				continue;
			}
		}
		putc_(&raw, html[i] == '\r' || html[i] == '\t' ? ' ' : html[i]);
		i++;
	}
	/* collapse: runs of spaces to one, at most one blank line, no blanks at line ends */
	char *clean = mail_utf8_clean(raw.p ? raw.p : "", raw.len);
	free(raw.p);
	struct buf out = {0};
	int spaces = 0, newlines = 0;
	for (const char *s = clean; *s; s++) {
		if (*s == ' ') {
			spaces = 1;
			continue;
		}
		if (*s == '\n') {
			spaces = 0;
			newlines++;
			continue;
		}
		if (out.len > 0) {
			if (newlines)
				put(&out, "\n\n", newlines > 1 ? 2 : 1);
			else if (spaces)
				putc_(&out, ' ');
		}
		spaces = newlines = 0;
		putc_(&out, *s);
	}
	free(clean);
	return done(&out);
}

/* Lines of text: start and length of line k are found by walking; small helpers below. */
static int starts_ci(const char *s, size_t n, const char *prefix)
{
	size_t l = strlen(prefix);
	return n >= l && strncasecmp(s, prefix, l) == 0;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	size_t l = strlen(suffix);
	return n >= l && strncmp(s + n - l, suffix, l) == 0;
}

static size_t line_len(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl ? (size_t)(nl - s) : strlen(s);
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl ? nl + 1 : NULL;
}

/* Does the quoted history start at line s (n bytes)? */
static int history_starts(const char *s, size_t n)
{
	const char *nx = next_line(s);
	size_t nn = nx ? line_len(nx) : 0;
	if ((starts_ci(s, n, "On ") || starts_ci(s, n, "Am ") || starts_ci(s, n, "Le ")) &&
	    (ends_with(s, n, "wrote:") || ends_with(s, n, "schrieb:") || ends_with(s, n, "crit :") ||
	     (nx && ends_with(nx, nn, "wrote:"))))
		return 1;
	if (starts_ci(s, n, "-----Original Message-----") || starts_ci(s, n, "----- Original Message -----") ||
	    starts_ci(s, n, "________________________________"))
		return 1;
	if (starts_ci(s, n, "From: ") && nx) {
		for (int k = 0; k < 3 && nx; k++, nx = next_line(nx)) {
			size_t l = line_len(nx);
			if (starts_ci(nx, l, "Sent: ") || starts_ci(nx, l, "Date: "))
				return 1;
		}
	}
	return 0;
}

static int is_signature(const char *s, size_t n)
{
	return (n == 3 && strncmp(s, "-- ", 3) == 0) || (n == 2 && strncmp(s, "--", 2) == 0);
}

static char *trimmed(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (*s == '\n' || *s == ' ' || *s == '\t'))
		s++, n--;
	char *o = xmalloc(n + 1);
	memcpy(o, s, n);
	o[n] = '\0';
	return o;
}

char *mail_new_text(const char *text)
{
	struct buf b = {0};
	for (const char *s = text; s && *s; s = next_line(s)) {
		size_t n = line_len(s);
		if (history_starts(s, n) || is_signature(s, n))
			break;
		if (n > 0 && s[0] == '>')
			continue;
		put(&b, s, n);
		putc_(&b, '\n');
	}
	char *out = trimmed(b.p ? b.p : "", b.len);
	free(b.p);
	if (!*out) {
		free(out);
		return trimmed(text ? text : "", text ? strlen(text) : 0);
	}
	return out;
}

char *mail_norm_id(const char *id)
{
	if (!id)
		return xstrdup("");
	/* cleaned first: a control character before the '<' must not keep it in the id */
	char *clean = mail_utf8_clean(id, strlen(id));
	const char *p = clean;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '<')
		p++;
	size_t n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '>'))
		n--;
	if (n > MAIL_ID_MAX)
		n = MAIL_ID_MAX;
	while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80) /* cut on a character boundary */
		n--;
	char *o = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		o[i] = (char)tolower((unsigned char)p[i]);
	o[n] = '\0';
	free(clean);
	return o;
}

char *mail_norm_addr(const char *addr)
{
	struct buf b = {0};
	for (const char *s = addr ? addr : ""; *s; s++)
		if (!isspace((unsigned char)*s))
			putc_(&b, (char)tolower((unsigned char)*s));
	return done(&b);
}

int mail_plus_tag(const char *addr, const char *base, char *tag, size_t size)
{
	char *a = mail_norm_addr(addr), *b = mail_norm_addr(base);
	int ok = 0;
	char *at = strrchr(a, '@'), *bat = strrchr(b, '@');
	char *plus = at ? memchr(a, '+', (size_t)(at - a)) : NULL;
	if (at && bat && plus && strcmp(at, bat) == 0 && (size_t)(plus - a) == (size_t)(bat - b) &&
	    strncmp(a, b, (size_t)(plus - a)) == 0 && at - plus - 1 > 0 && (size_t)(at - plus - 1) < size) {
		memcpy(tag, plus + 1, (size_t)(at - plus - 1));
		tag[at - plus - 1] = '\0';
		ok = 1;
	}
	free(a);
	free(b);
	return ok;
}

char *mail_render(const char *tmpl, const struct mail_fact *facts)
{
	struct buf b = {0};
	for (const char *s = tmpl; *s;) {
		const char *close = *s == '{' ? strchr(s, '}') : NULL;
		if (!close) {
			putc_(&b, *s++);
			continue;
		}
		const struct mail_fact *f = facts;
		for (; f->name; f++)
			if (strlen(f->name) == (size_t)(close - s - 1) && strncmp(f->name, s + 1, (size_t)(close - s - 1)) == 0)
				break;
		if (!f->name || !f->value) {
			free(b.p);
			return NULL;
		}
		put(&b, f->value, strlen(f->value));
		s = close + 1;
	}
	return done(&b);
}

/* Does value carry "method=result" as a result (not inside a comment or another word)? */
static int has_result(const char *value, const char *method_result)
{
	size_t l = strlen(method_result);
	for (const char *p = value; (p = strcasestr(p, method_result)); p += l) {
		int starts = p == value || p[-1] == ';' || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n';
		int ends = !isalnum((unsigned char)p[l]) && p[l] != '-';
		if (starts && ends)
			return 1;
	}
	return 0;
}

int mail_auth_failed(char *const *values, size_t n, const char *authserv_id, char *why, size_t size)
{
	size_t idl = strlen(authserv_id);
	for (size_t i = 0; i < n; i++) {
		const char *v = values[i];
		while (*v == ' ' || *v == '\t')
			v++;
		if (idl == 0 || strncasecmp(v, authserv_id, idl) != 0 || (v[idl] != ';' && v[idl] != ' ' && v[idl] != '\t'))
			continue;
		int dmarc = has_result(v, "dmarc=fail"), spf = has_result(v, "spf=fail"), dkim = has_result(v, "dkim=fail");
		int passed = has_result(v, "spf=pass") || has_result(v, "dkim=pass");
		if (dmarc || ((spf || dkim) && !passed)) {
			snprintf(why, size, "authentication failed:%s%s%s", dmarc ? " dmarc=fail" : "", spf ? " spf=fail" : "",
				 dkim ? " dkim=fail" : "");
			return 1;
		}
	}
	return 0;
}

/* --- a customer's answer to a yes-or-no question --- */

static int word_in(const char *w, size_t n, const char *const *list)
{
	for (const char *const *p = list; *p; p++)
		if (strlen(*p) == n && strncasecmp(*p, w, n) == 0)
			return 1;
	return 0;
}

int mail_answer(const char *text)
{
	static const char *const YES[] = {"yes", "yep", "yeah", "ok", "okay", "agreed", "agree", "accept", "accepted",
					  "fine", "sure", "confirmed", "confirm", "works", "perfect", NULL};
	static const char *const NO[] = {"no", "not", "don't", "dont", "can't", "cant", "cannot", "won't", "wont",
					 "decline", "declined", "reject", "refuse", "never", "unacceptable", "isn't", "doesn't",
					 "but", "however", "unless", "?", NULL};
	/* the first line that says anything: its words decide, and any doubt is not a yes */
	const char *p = text ? text : "";
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	const char *end = strchr(p, '\n');
	size_t len = end ? (size_t)(end - p) : strlen(p);
	int yes = 0, no = 0, words = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && !isalnum((unsigned char)p[i]) && p[i] != '\'' && p[i] != '?')
			i++;
		size_t s = i;
		if (i < len && p[i] == '?')
			i++;
		else
			while (i < len && (isalnum((unsigned char)p[i]) || p[i] == '\''))
				i++;
		if (i == s)
			continue;
		words++;
		yes |= word_in(p + s, i - s, YES);
		no |= word_in(p + s, i - s, NO);
	}
	if (no) /* "no" is a no; "yes, but ..." is not clear */
		return yes || words > 12 ? 0 : -1;
	return yes && words <= 12 ? 1 : 0;
}
