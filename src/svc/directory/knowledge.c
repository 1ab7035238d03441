/* Knowledge articles: how-to-serve pages with titles, bodies, tags and revisions (every edit
 * keeps the previous text), full-text search with ranking, and links from cases. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/search.h"
#include "svc/directory/knowledge.h"
#include "svc/ledger/case.h"
#include "svc/page.h"

#define MAX_TAGS 20
#define MAX_TERMS SEARCH_MAX_TERMS

/* Tags: an array of short texts; *json_text and *words (space-separated) are new strings. */
static int tags_of(svc_ctx *c, json_t *tags, char **json_text, char **words)
{
	json_t *norm = json_array();
	size_t i;
	json_t *t;
	if (tags && (!json_is_array(tags) || json_array_size(tags) > MAX_TAGS)) {
		json_decref(norm);
		return err_set(&c->err, ERR_INVALID, "invalid_tags", "tags", "tags are a list of at most 20 short words");
	}
	char *w = xstrdup("");
	json_array_foreach(tags, i, t)
	{
		const char *s = json_string_value(t);
		if (!s || !*s || strlen(s) > 40 || in_text_ok(s, 40, "tags", &c->err)) {
			json_decref(norm);
			free(w);
			if (!c->err.code[0])
				err_set(&c->err, ERR_INVALID, "invalid_tags", "tags", "tags are a list of at most 20 short words");
			return -1;
		}
		json_array_append_new(norm, json_string(s));
		char *nw = xasprintf("%s%s%s", w, *w ? " " : "", s);
		free(w);
		w = nw;
	}
	*json_text = json_dumps(norm, JSON_COMPACT);
	*words = w;
	json_decref(norm);
	return 0;
}

/* Keep the article's search index entry in step (store/search.c). */
static int fts_sync(svc_ctx *c, const char *id, const char *title, const char *body, const char *tag_words, int replace)
{
	int rc = search_article_index(c->db, c->actor.org_id, id, title, body, tag_words, replace);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int article_view(svc_ctx *c, const char *id, json_t **out)
{
	int rc;
	db_res *r;
	if (svc_load_one(c, "article_not_found", "id", "no such article", &r,
			 "SELECT id, title, body, tags, version, author_id, created_at, updated_at FROM articles "
			 "WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id))))
		return -1;
	json_t *o = NULL;
	json_t *tags = json_loads(db_text(r, 3), 0, NULL);
	o = json_pack("{s:s,s:s,s:s,s:o,s:I,s:o,s:o,s:o}", "id", db_text(r, 0), "title", db_text(r, 1), "body", db_text(r, 2),
		      "tags", tags ? tags : json_array(), "version", (json_int_t)db_int(r, 4), "author",
		      svc_person_brief(c, db_text(r, 5)), "created_at", svc_col_time(r, 6), "updated_at", svc_col_time(r, 7));
	db_res_discard(r);
	int64_t links = 0;
	rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM case_articles WHERE org_id = ? AND article_id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &links, NULL);
	if (rc != DB_OK) {
		json_decref(o);
		return svc_db_err(c, rc);
	}
	json_object_set_new(o, "linked_cases", json_integer(links));
	*out = o;
	return 0;
}

static int revision_add(svc_ctx *c, const char *id, int64_t version, const char *title, const char *body, const char *tags)
{
	int rc = db_exec(c->db,
			 "INSERT INTO article_revisions (org_id, article_id, version, title, body, tags, changed_by, created_at) "
			 "VALUES (?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_INT(version), DB_TXT(title), DB_TXT(body), DB_TXT(tags),
				 DB_TXT(c->actor.person_id), DB_INT(c->now)),
			 NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int art_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE], *tags, *words;
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "an article needs a person as its author");
	if (tags_of(c, json_object_get(in, "tags"), &tags, &words))
		return -1;
	const char *title = in_str(in, "title"), *body = in_str(in, "body");
	id_new(id, "art", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO articles (org_id, id, title, body, tags, version, author_id, created_at, updated_at) "
			 "VALUES (?,?,?,?,?,1,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(title), DB_TXT(body), DB_TXT(tags),
				 DB_TXT(c->actor.person_id), DB_INT(c->now), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		rc = svc_db_err(c, rc);
	else if (revision_add(c, id, 1, title, body, tags) || fts_sync(c, id, title, body, words, 0) ||
		 svc_event(c, "article.created", "article", id, NULL,
			   json_pack("{s:s,s:s,s:s}", "title", title, "body", body, "tags", tags)))
		rc = -1;
	free(tags);
	free(words);
	return rc ? -1 : article_view(c, id, out);
}

static int art_patch(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	db_res *r;
	char *title = NULL, *body = NULL, *tags = NULL, *words = NULL;
	int64_t version = 0;
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "an edit needs a person");
	if (svc_load_one(c, "article_not_found", "id", "no such article", &r,
			 "SELECT title, body, tags, version FROM articles WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]))))
		return -1;
	title = xstrdup(in_str(in, "title") ? in_str(in, "title") : db_text(r, 0));
	body = xstrdup(in_str(in, "body") ? in_str(in, "body") : db_text(r, 1));
	version = db_int(r, 3);
	if (!json_object_get(in, "tags")) {
		json_t *old = json_loads(db_text(r, 2), 0, NULL);
		json_object_set_new(in, "tags", old ? old : json_array());
	}
	db_res_discard(r);
	rc = tags_of(c, json_object_get(in, "tags"), &tags, &words);
	if (rc == 0) {
		int64_t n = 0;
		/* the version guard makes a concurrent edit lose cleanly */
		rc = db_exec(c->db,
			     "UPDATE articles SET title = ?, body = ?, tags = ?, version = ?, updated_at = ? "
			     "WHERE org_id = ? AND id = ? AND version = ?",
			     DB_ARGS(DB_TXT(title), DB_TXT(body), DB_TXT(tags), DB_INT(version + 1), DB_INT(c->now),
				     DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_INT(version)),
			     &n);
		if (rc != DB_OK)
			rc = svc_db_err(c, rc);
		else if (n != 1)
			rc = err_set(&c->err, ERR_CONFLICT, "article_changed", NULL, "the article was edited meanwhile; reload it");
		else if (revision_add(c, p[0], version + 1, title, body, tags) || fts_sync(c, p[0], title, body, words, 1) ||
			 svc_event(c, "article.revised", "article", p[0], NULL,
				   json_pack("{s:I,s:s,s:s,s:s,s:s}", "version", (json_int_t)(version + 1), "title", title, "body", body,
					     "tags", tags, "note", in_str(in, "note") ? in_str(in, "note") : "")))
			rc = -1;
	}
	free(title);
	free(body);
	free(tags);
	free(words);
	return rc ? -1 : article_view(c, p[0], out);
}

static int art_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out) { return article_view(c, p[0], out); }

static json_t *article_brief_row(svc_ctx *c, db_res *r)
{
	json_t *tags = json_loads(db_text(r, 2), 0, NULL);
	return json_pack("{s:s,s:s,s:o,s:I,s:o}", "id", db_text(r, 0), "title", db_text(r, 1), "tags", tags ? tags : json_array(),
			 "version", (json_int_t)db_int(r, 3), "updated_at", svc_col_time(r, 4));
}

static const struct page_list ARTICLES; /* in knowledge.api.json */

/* A LIKE pattern for one tag inside the stored JSON array ('["a","b"]'), '!' escaping. */
static char *tag_pattern(const char *tag)
{
	json_t *js = json_string(tag);
	char *quoted = json_dumps(js, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(js);
	size_t n = strlen(quoted);
	char *pat = xmalloc(2 * n + 3), *o = pat;
	*o++ = '%';
	for (const char *s = quoted; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '!')
			*o++ = '!';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	free(quoted);
	return pat;
}

static int art_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *tag = in_str(in, "tag");
	char *pat = tag ? tag_pattern(tag) : NULL;
	int rc = page_run(c, &ARTICLES, in, "org_id = ? AND (? IS NULL OR lower(tags) LIKE lower(?) ESCAPE '!')",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(pat), DB_TXT(pat)), out);
	free(pat);
	return rc;
}

static int art_revisions(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	json_t *a;
	if (article_view(c, p[0], &a))
		return -1;
	json_decref(a);
	db_res *r;
	if ((rc = db_query(c->db,
			   "SELECT version, title, body, tags, changed_by, created_at FROM article_revisions WHERE org_id = ? AND article_id = ? "
			   "ORDER BY version DESC",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), &r)) != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array();
	while (db_next(r) == 1) {
		json_t *tags = json_loads(db_text(r, 3), 0, NULL);
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:o,s:o,s:o}", "version", (json_int_t)db_int(r, 0), "title",
						       db_text(r, 1), "body", db_text(r, 2), "tags", tags ? tags : json_array(),
						       "by", svc_person_brief(c, db_text(r, 4)), "at", svc_col_time(r, 5)));
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(items);
		return svc_db_err(c, rc);
	}
	*out = json_pack("{s:s,s:o}", "article_id", p[0], "items", items);
	return 0;
}

/* The words of a query (letters and digits, UTF-8 kept), lower-cased; at most MAX_TERMS. */
static int query_terms(const char *q, char terms[MAX_TERMS][SEARCH_TERM_SIZE])
{
	int n = 0;
	size_t len = 0;
	char cur[64];
	for (const char *p = q;; p++) {
		unsigned char ch = (unsigned char)*p;
		int word = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch >= 0x80;
		if (word && len < sizeof cur - 1) {
			cur[len++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		} else if (!word && len) {
			cur[len] = '\0';
			if (n < MAX_TERMS && str_copy(terms[n], SEARCH_TERM_SIZE, cur) == 0)
				n++; /* a term longer than the index takes is no term */
			len = 0;
		}
		if (!ch)
			break;
	}
	return n;
}

/* kb_search's error path: drop the half-filled *items. */
static int search_fail(svc_ctx *c, int rc, json_t **items)
{
	json_decref(*items);
	*items = NULL;
	return svc_db_err(c, rc);
}

int kb_search(svc_ctx *c, const char *query, int limit, json_t **items)
{
	char terms[MAX_TERMS][SEARCH_TERM_SIZE];
	int n = query_terms(query, terms);
	*items = json_array();
	if (n == 0)
		return 0;
	db_res *r;
	int rc = search_articles(c->db, c->actor.org_id, terms, n, limit, &r);
	if (rc != DB_OK)
		return search_fail(c, rc, items);
	while (db_next(r) == 1)
		json_array_append_new(*items, json_pack("{s:s,s:s,s:s,s:s,s:f}", "id", db_text(r, 0), "title", db_text(r, 1), "tags",
							db_text(r, 2), "snippet", db_text(r, 3), "rank", (double)db_int(r, 4) / 1000000.0));
	if ((rc = db_res_close(r)) != DB_OK)
		return search_fail(c, rc, items);
	return 0;
}

static int art_search(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *items;
	if (kb_search(c, in_str(in, "q"), (int)in_int(in, "limit", 10), &items))
		return -1;
	*out = json_pack("{s:s,s:o}", "q", in_str(in, "q"), "items", items);
	return 0;
}

static json_t *case_article_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "title", db_text(r, 1), "linked_by", db_text(r, 2), "at",
			 svc_col_time(r, 3));
}

static json_t *case_articles(svc_ctx *c, const char *case_id)
{
	return svc_rows(c,
			"SELECT a.id, a.title, ca.linked_by, ca.created_at FROM case_articles ca JOIN articles a ON a.org_id = ca.org_id "
			"AND a.id = ca.article_id WHERE ca.org_id = ? AND ca.case_id = ? ORDER BY ca.created_at, a.id",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), case_article_row);
}

int kb_case_view(svc_ctx *c, const char *case_id, json_t *view)
{
	json_object_set_new(view, "articles", case_articles(c, case_id));
	return 0;
}

static int case_link(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	json_t *a;
	if (case_load(c, p[0], &row) || article_view(c, in_str(in, "article"), &a))
		return -1;
	json_decref(a);
	int rc = db_exec(c->db,
			 "INSERT INTO case_articles (org_id, case_id, article_id, linked_by, created_at) VALUES (?,?,?,?,?) "
			 "ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row.id), DB_TXT(in_str(in, "article")), DB_TXT(c->actor.person_id),
				 DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "case.article_linked", "article", in_str(in, "article"), row.id,
		      json_pack("{s:s}", "article_id", in_str(in, "article"))))
		return -1;
	*out = json_pack("{s:s,s:o}", "case_id", row.id, "items", case_articles(c, row.id));
	return 0;
}

static int case_links(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	if (case_load(c, p[0], &row))
		return -1;
	*out = json_pack("{s:s,s:o}", "case_id", row.id, "items", case_articles(c, row.id));
	return 0;
}

#include "svc/directory/knowledge.api.inc"
