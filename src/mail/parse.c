/* One mail message, parsed with GMime 3 (mail/parse.h). */
#include "mail/parse.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "mail/text.h"

#define MAX_RCPTS 100
#define MAX_REFS 100
#define MAX_ATTACHMENTS 100
#define HEADER_BLOCK_MAX (256 * 1024)

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void gmime_init(void) { g_mime_init(); }

/* Everything one parse needs while walking the parts. */
struct walk {
	const struct mail_limits *lim;
	struct mail_parsed *out;
	char *text; /* growing body text */
	size_t text_len;
};

static char *dup_clean(const char *s)
{
	return s ? mail_utf8_clean(s, strlen(s)) : xstrdup("");
}

static void set_error(struct mail_parsed *m, const char *code)
{
	if (!m->error)
		m->error = xstrdup(code);
}

/* --- the cheap scan before GMime --- */

static size_t header_end(const char *raw, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (raw[i] == '\n' && raw[i + 1] == '\n')
			return i + 1;
		if (raw[i] == '\n' && raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n')
			return i + 1;
	}
	return len;
}

/* Bytes of the header block holding at most max fields; *fields gets how many there were. */
static size_t header_fields(const char *raw, size_t end, int max, int *fields)
{
	int n = 0;
	size_t cut = end;
	for (size_t i = 0; i < end; i++) {
		int line_start = i == 0 || raw[i - 1] == '\n';
		if (line_start && raw[i] != ' ' && raw[i] != '\t' && raw[i] != '\r' && raw[i] != '\n') {
			if (n == max && cut == end)
				cut = i;
			n++;
		}
	}
	*fields = n;
	return cut;
}

static size_t count_ci(const char *raw, size_t len, const char *needle)
{
	size_t n = 0, l = strlen(needle);
	for (size_t i = 0; i + l <= len; i++)
		if ((raw[i] | 0x20) == needle[0] && strncasecmp(raw + i, needle, l) == 0)
			n++;
	return n;
}

/* --- headers --- */

static void push(char ***arr, size_t *n, size_t cap, char *s)
{
	if (*n >= cap || !*s) {
		free(s);
		return;
	}
	*arr = realloc(*arr, (*n + 1) * sizeof **arr);
	if (!*arr)
		fl_die("out of memory");
	(*arr)[(*n)++] = s;
}

static void add_addresses(InternetAddressList *list, char ***arr, size_t *n)
{
	int len = list ? internet_address_list_length(list) : 0;
	for (int i = 0; i < len; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			push(arr, n, MAX_RCPTS, mail_norm_addr(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia))));
		else if (INTERNET_ADDRESS_IS_GROUP(ia))
			add_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), arr, n);
	}
}

static void read_from(GMimeMessage *msg, struct mail_parsed *m)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	int len = from ? internet_address_list_length(from) : 0;
	for (int i = 0; i < len; i++) {
		InternetAddress *ia = internet_address_list_get_address(from, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		char *a = mail_norm_addr(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
		m->from_addr = mail_utf8_clean(a, strlen(a));
		free(a);
		m->from_name = dup_clean(internet_address_get_name(ia));
		return;
	}
}

static void read_refs(GMimeMessage *msg, GMimeParserOptions *opts, struct mail_parsed *m)
{
	const char *irt = g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To");
	GMimeReferences *r = irt ? g_mime_references_parse(opts, irt) : NULL;
	m->in_reply_to = mail_norm_id(r && g_mime_references_length(r) > 0 ? g_mime_references_get_message_id(r, 0) : NULL);
	if (r)
		g_mime_references_free(r);
	const char *refs = g_mime_object_get_header(GMIME_OBJECT(msg), "References");
	r = refs ? g_mime_references_parse(opts, refs) : NULL;
	int n = r ? g_mime_references_length(r) : 0;
	for (int i = 0; i < n; i++)
		push(&m->refs, &m->n_refs, MAX_REFS, mail_norm_id(g_mime_references_get_message_id(r, i)));
	if (r)
		g_mime_references_free(r);
}

static int header_is(const char *v, const char *const *words)
{
	while (*v == ' ' || *v == '\t')
		v++;
	for (; *words; words++)
		if (strncasecmp(v, *words, strlen(*words)) == 0)
			return 1;
	return 0;
}

/* "label: value", the header's value cut to max bytes on a character boundary and made valid
 * UTF-8 (a header may carry any bytes). */
static char *labelled(const char *label, const char *v, size_t max)
{
	char *s = xasprintf("%s: %.*s", label, (int)utf8_cut(v, max), v);
	utf8_scrub(s);
	return s;
}

/* RFC 3834 and the conventions older mailers use: why a message was sent by a program. */
static char *auto_reason(GMimeMessage *msg, const struct mail_parsed *m)
{
	GMimeObject *o = GMIME_OBJECT(msg);
	const char *v;
	static const char *const NO[] = {"no", NULL}, *const BULK[] = {"bulk", "junk", "list", NULL};
	if ((v = g_mime_object_get_header(o, "Auto-Submitted")) && !header_is(v, NO))
		return labelled("auto-submitted", v, 40);
	if ((v = g_mime_object_get_header(o, "Precedence")) && header_is(v, BULK))
		return labelled("precedence", v, 20);
	if (g_mime_object_get_header(o, "X-Autoreply") || g_mime_object_get_header(o, "X-Autorespond"))
		return xstrdup("x-autoreply");
	if (g_mime_object_get_header(o, "List-Id"))
		return xstrdup("list-id");
	static const char *const DAEMON[] = {"mailer-daemon@", "postmaster@", NULL};
	if (header_is(m->from_addr, DAEMON))
		return xstrdup("mailer-daemon");
	if ((v = g_mime_object_get_header(o, "Return-Path"))) {
		while (*v == ' ' || *v == '\t')
			v++;
		if (!*v || strncmp(v, "<>", 2) == 0)
			return xstrdup("empty return-path");
	}
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	if (ct && g_mime_content_type_is_type(ct, "multipart", "report"))
		return xstrdup("delivery report");
	return NULL;
}

static void read_headers(GMimeMessage *msg, GMimeParserOptions *opts, struct mail_parsed *m)
{
	m->message_id = mail_norm_id(g_mime_message_get_message_id(msg));
	m->subject = dup_clean(g_mime_message_get_subject(msg));
	read_from(msg, m);
	if (!m->from_addr)
		m->from_addr = xstrdup(""), m->from_name = xstrdup("");
	read_refs(msg, opts, m);
	add_addresses(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), &m->rcpts, &m->n_rcpts);
	add_addresses(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC), &m->rcpts, &m->n_rcpts);
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int count = hl ? g_mime_header_list_get_count(hl) : 0;
	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		if (strcasecmp(name, "Authentication-Results") == 0) {
			push(&m->auth_results, &m->n_auth_results, MAX_RCPTS, dup_clean(g_mime_header_get_value(h)));
			continue;
		}
		if (strcasecmp(name, "Delivered-To") != 0 && strcasecmp(name, "X-Original-To") != 0)
			continue;
		InternetAddressList *l = internet_address_list_parse(opts, g_mime_header_get_value(h));
		add_addresses(l, &m->rcpts, &m->n_rcpts);
		if (l)
			g_object_unref(l);
	}
	GDateTime *d = g_mime_message_get_date(msg);
	m->date_ms = d ? (int64_t)g_date_time_to_unix(d) * 1000 : 0;
	m->auto_reason = auto_reason(msg, m);
}

/* --- the body --- */

static void add_text(struct walk *w, const char *s)
{
	size_t n = strlen(s);
	if (!n)
		return;
	char *t = realloc(w->text, w->text_len + n + 3);
	if (!t)
		fl_die("out of memory");
	w->text = t;
	if (w->text_len) {
		memcpy(w->text + w->text_len, "\n\n", 2);
		w->text_len += 2;
	}
	memcpy(w->text + w->text_len, s, n + 1);
	w->text_len += n;
}

static void add_text_part(struct walk *w, GMimeTextPart *tp, int html)
{
	char *t = g_mime_text_part_get_text(tp);
	if (!t)
		return;
	char *s = html ? mail_html_to_text(t, strlen(t)) : mail_utf8_clean(t, strlen(t));
	g_free(t);
	add_text(w, s);
	free(s);
}

/* A part's decoded content as a new NUL-terminated string (at most max bytes). */
static char *part_text(GMimePart *part, size_t max)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem = g_mime_stream_mem_new();
	if (content)
		g_mime_data_wrapper_write_to_stream(content, mem);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	size_t n = bytes ? bytes->len : 0;
	char *out = mail_utf8_clean(n ? (const char *)bytes->data : "", n < max ? n : max);
	g_object_unref(mem);
	return out;
}

/* The value of field `name` in an RFC 822-style block (first match, to the end of its line). */
static char *field_value(const char *block, const char *name)
{
	size_t l = strlen(name);
	for (const char *p = block; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncasecmp(p, name, l) == 0 && p[l] == ':') {
			const char *v = p + l + 1, *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			char *o = xmalloc(n + 1);
			memcpy(o, v, n);
			o[n] = '\0';
			return o;
		}
	}
	return NULL;
}

static char *trim_dup(char *s)
{
	char *p = s ? s : "";
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	char *o = xmalloc(n + 1);
	memcpy(o, p, n);
	o[n] = '\0';
	free(s);
	return o;
}

/* The parts of a delivery report that say what happened, and to which message. */
static int report_part(struct walk *w, GMimePart *part, GMimeContentType *ct)
{
	struct mail_parsed *m = w->out;
	if (!m->dsn_message_id)
		return 0;
	if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(ct, "message", "global-delivery-status")) {
		char *t = part_text(part, 64 * 1024);
		free(m->dsn_action);
		m->dsn_action = trim_dup(field_value(t, "Action"));
		char *st = trim_dup(field_value(t, "Status")), *diag = trim_dup(field_value(t, "Diagnostic-Code"));
		free(m->dsn_diagnostic);
		m->dsn_diagnostic = xasprintf("%s%s%s", st, *st && *diag ? " " : "", diag);
		free(st);
		free(diag);
		free(t);
		return 1;
	}
	if (g_mime_content_type_is_type(ct, "text", "rfc822-headers")) {
		char *t = part_text(part, 256 * 1024), *id = field_value(t, "Message-ID");
		if (id && !*m->dsn_message_id) {
			free(m->dsn_message_id);
			m->dsn_message_id = mail_norm_id(id);
		}
		free(id);
		free(t);
		return 1;
	}
	return 0;
}

static void add_attachment(struct walk *w, GMimePart *part)
{
	struct mail_parsed *m = w->out;
	if (m->n_att >= MAX_ATTACHMENTS)
		return;
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem = g_mime_stream_mem_new();
	if (content)
		g_mime_data_wrapper_write_to_stream(content, mem);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	struct mail_attachment a = {0};
	a.filename = dup_clean(g_mime_part_get_filename(part));
	char *mt = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(GMIME_OBJECT(part)));
	a.content_type = dup_clean(mt);
	g_free(mt);
	a.size = bytes ? bytes->len : 0;
	if (a.size <= w->lim->max_attachment_bytes) {
		a.data = xmalloc(a.size ? a.size : 1);
		if (a.size)
			memcpy(a.data, bytes->data, a.size);
	}
	g_object_unref(mem);
	m->att = realloc(m->att, (m->n_att + 1) * sizeof *m->att);
	if (!m->att)
		fl_die("out of memory");
	m->att[m->n_att++] = a;
}

static void walk(struct walk *w, GMimeObject *obj, int depth);

/* multipart/alternative: the text/plain child when there is one, else the last (richest). */
static void walk_alternative(struct walk *w, GMimeMultipart *mp, int depth)
{
	int n = g_mime_multipart_get_count(mp);
	GMimeObject *pick = NULL;
	for (int i = 0; i < n && !pick; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		GMimeContentType *ct = g_mime_object_get_content_type(c);
		if (ct && g_mime_content_type_is_type(ct, "text", "plain"))
			pick = c;
	}
	w->out->n_parts += n > 0 ? n - 1 : 0;
	if (!pick && n > 0)
		pick = g_mime_multipart_get_part(mp, n - 1);
	if (pick)
		walk(w, pick, depth + 1);
}

static void walk_message(struct walk *w, GMimeMessage *msg, int depth)
{
	if (!msg)
		return;
	InternetAddressList *from = g_mime_message_get_from(msg);
	char *who = from ? internet_address_list_to_string(from, NULL, FALSE) : NULL;
	char *head = xasprintf("---------- Forwarded message ----------\nFrom: %s\nSubject: %s", who ? who : "",
			       g_mime_message_get_subject(msg) ? g_mime_message_get_subject(msg) : "");
	g_free(who);
	struct mail_parsed *m = w->out;
	if (m->dsn_message_id && !*m->dsn_message_id) { /* the returned message of a delivery report */
		free(m->dsn_message_id);
		m->dsn_message_id = mail_norm_id(g_mime_message_get_message_id(msg));
	}
	char *clean = mail_utf8_clean(head, strlen(head));
	add_text(w, clean);
	free(clean);
	free(head);
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	if (body)
		walk(w, body, depth + 1);
}

static void walk(struct walk *w, GMimeObject *obj, int depth)
{
	struct mail_parsed *m = w->out;
	if (m->error)
		return;
	m->n_parts++;
	if (depth > m->depth)
		m->depth = depth;
	if (m->n_parts > w->lim->max_parts)
		return set_error(m, "too_many_parts");
	if (depth > w->lim->max_depth)
		return set_error(m, "too_deep");
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	if (GMIME_IS_MESSAGE_PART(obj))
		return walk_message(w, g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj)), depth);
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative"))
			return walk_alternative(w, mp, depth);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n && !m->error; i++)
			walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	GMimePart *part = GMIME_PART(obj);
	const char *fn = g_mime_part_get_filename(part);
	int attached = g_mime_part_is_attachment(part) || (fn && *fn);
	if (!attached && GMIME_IS_TEXT_PART(obj) && ct && g_mime_content_type_is_type(ct, "text", "plain"))
		return add_text_part(w, GMIME_TEXT_PART(obj), 0);
	if (!attached && GMIME_IS_TEXT_PART(obj) && ct && g_mime_content_type_is_type(ct, "text", "html"))
		return add_text_part(w, GMIME_TEXT_PART(obj), 1);
	if (ct && report_part(w, part, ct))
		return;
	add_attachment(w, part);
}

/* --- the whole --- */

static GMimeMessage *construct(const char *raw, size_t len, GMimeParserOptions *opts)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
	g_object_unref(parser);
	return msg;
}

/* Why the body must not be parsed (before GMime sees it), or NULL; *head_len gets the bytes of
 * the header block to read instead. */
static const char *prescan(const char *raw, size_t len, const struct mail_limits *lim, struct mail_parsed *m,
			   size_t *head_len)
{
	size_t end = header_end(raw, len);
	if (end > HEADER_BLOCK_MAX)
		end = HEADER_BLOCK_MAX;
	*head_len = header_fields(raw, end, lim->max_headers, &m->n_headers);
	if (m->n_headers > lim->max_headers)
		return "too_many_headers";
	if (len > lim->max_bytes)
		return "too_large";
	/* every part of a multipart is behind a boundary=, every nested message says so: more of
	 * them than parts allowed means GMime would build (and recurse over) too much */
	size_t structures = count_ci(raw, len, "boundary=") + count_ci(raw, len, "message/rfc822");
	if (structures > (size_t)lim->max_parts)
		return "too_many_parts";
	return NULL;
}

int mail_parse(const char *raw, size_t len, const struct mail_limits *lim, struct mail_parsed *out)
{
	memset(out, 0, sizeof *out);
	pthread_once(&init_once, gmime_init);
	GMimeParserOptions *opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	static const char *fallback[] = {"utf-8", "windows-1252", NULL};
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	size_t head_len = len;
	const char *stub = prescan(raw, len, lim, out, &head_len);
	char *head = NULL;
	if (stub) {
		head = xmalloc(head_len + 2);
		memcpy(head, raw, head_len);
		memcpy(head + head_len, "\n\n", 2);
	}
	GMimeMessage *msg = stub ? construct(head, head_len + 2, opts) : construct(raw, len, opts);
	free(head);
	int rc = 0;
	if (!msg) {
		out->message_id = xstrdup("");
		out->in_reply_to = xstrdup("");
		out->from_addr = xstrdup("");
		out->from_name = xstrdup("");
		out->subject = xstrdup("");
		set_error(out, stub ? stub : "not_a_message");
		rc = -1;
	} else {
		read_headers(msg, opts, out);
		if (stub) {
			set_error(out, stub);
		} else {
			struct walk w = {lim, out, NULL, 0};
			GMimeObject *body = g_mime_message_get_mime_part(msg);
			GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;
			if (ct && g_mime_content_type_is_type(ct, "multipart", "report")) {
				out->dsn_message_id = xstrdup("");
				out->dsn_action = xstrdup("");
				out->dsn_diagnostic = xstrdup("");
			}
			if (body)
				walk(&w, body, 0);
			if (out->error) { /* a stub keeps no half of a body */
				free(w.text);
				w.text = NULL;
			}
			out->text = w.text;
		}
		g_object_unref(msg);
	}
	if (!out->text)
		out->text = xstrdup("");
	g_mime_parser_options_free(opts);
	return rc;
}

static void free_list(char **a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

void mail_parsed_release(struct mail_parsed *m)
{
	free(m->message_id);
	free(m->in_reply_to);
	free_list(m->refs, m->n_refs);
	free(m->from_addr);
	free(m->from_name);
	free_list(m->rcpts, m->n_rcpts);
	free(m->subject);
	free(m->auto_reason);
	free_list(m->auth_results, m->n_auth_results);
	free(m->text);
	free(m->dsn_message_id);
	free(m->dsn_action);
	free(m->dsn_diagnostic);
	for (size_t i = 0; i < m->n_att; i++) {
		free(m->att[i].filename);
		free(m->att[i].content_type);
		free(m->att[i].data);
	}
	free(m->att);
	free(m->error);
	memset(m, 0, sizeof *m);
}
