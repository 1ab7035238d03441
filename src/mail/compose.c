/* One outbound message, written by GMime (mail/compose.h). */
#include "mail/compose.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>

#include "base/util.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void gmime_init(void) { g_mime_init(); }

/* A header value on one line. */
static char *one_line(const char *s)
{
	char *o = xstrdup(s ? s : "");
	for (char *p = o; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	return o;
}

/* "a b" -> "<a> <b>" */
static char *bracketed(const char *ids)
{
	char *line = one_line(ids), *out = xstrdup(""), *save = NULL;
	for (char *tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *next = xasprintf("%s%s<%s>", out, *out ? " " : "", tok);
		free(out);
		out = next;
	}
	free(line);
	return out;
}

static void set_header(GMimeMessage *msg, const char *name, const char *value)
{
	char *v = one_line(value);
	g_mime_object_set_header(GMIME_OBJECT(msg), name, v, "utf-8");
	free(v);
}

/* One file as a part: base64, attachment, its name as given (GMime encodes it, RFC 2231). */
static GMimeObject *file_part(const struct mail_file *f)
{
	const char *type = f->content_type && *f->content_type ? f->content_type : "application/octet-stream";
	GMimeContentType *ct = g_mime_content_type_parse(NULL, type);
	GMimePart *part = g_mime_part_new_with_type(g_mime_content_type_get_media_type(ct),
						    g_mime_content_type_get_media_subtype(ct));
	g_object_unref(ct);
	char *name = one_line(f->filename);
	g_mime_part_set_filename(part, name);
	free(name);
	g_mime_object_set_disposition(GMIME_OBJECT(part), GMIME_DISPOSITION_ATTACHMENT);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer((const char *)f->data, f->size);
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, dw);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	g_object_unref(dw);
	g_object_unref(st);
	return GMIME_OBJECT(part);
}

/* The text, alone or followed by the files in multipart/mixed (new reference). */
static GMimeObject *body_of(const struct mail_compose *m)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(tp, m->body ? m->body : "");
	g_mime_part_set_content_encoding(GMIME_PART(tp), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	if (m->n_files == 0)
		return GMIME_OBJECT(tp);
	GMimeMultipart *mp = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_add(mp, GMIME_OBJECT(tp));
	g_object_unref(tp);
	for (size_t i = 0; i < m->n_files; i++) {
		GMimeObject *fp = file_part(&m->files[i]);
		g_mime_multipart_add(mp, fp);
		g_object_unref(fp);
	}
	return GMIME_OBJECT(mp);
}

char *mail_compose(const struct mail_compose *m, size_t *len)
{
	pthread_once(&init_once, gmime_init);
	GMimeMessage *msg = g_mime_message_new(TRUE);
	char *from_name = one_line(m->from_name), *from = one_line(m->from_addr), *to = one_line(m->to_addr);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, *from_name ? from_name : NULL, from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, to);
	if (m->reply_to && *m->reply_to) {
		char *rt = one_line(m->reply_to);
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO, *from_name ? from_name : NULL, rt);
		free(rt);
	}
	free(from_name);
	free(from);
	free(to);
	char *subject = one_line(m->subject);
	g_mime_message_set_subject(msg, subject, "utf-8");
	free(subject);
	char *id = one_line(m->message_id);
	g_mime_message_set_message_id(msg, id);
	free(id);
	if (m->in_reply_to && *m->in_reply_to) {
		char *b = bracketed(m->in_reply_to);
		set_header(msg, "In-Reply-To", b);
		free(b);
	}
	if (m->references && *m->references) {
		char *b = bracketed(m->references);
		set_header(msg, "References", b);
		free(b);
	}
	if (m->auto_submitted)
		set_header(msg, "Auto-Submitted", "auto-replied");
	GDateTime *d = g_date_time_new_from_unix_utc(m->date_ms / 1000);
	g_mime_message_set_date(msg, d);
	g_date_time_unref(d);
	GMimeObject *body = body_of(m);
	g_mime_message_set_mime_part(msg, body);
	g_object_unref(body);
	GMimeFormatOptions *fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	char *s = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
	g_mime_format_options_free(fo);
	g_object_unref(msg);
	char *out = xstrdup(s ? s : "");
	g_free(s);
	*len = strlen(out);
	return out;
}
