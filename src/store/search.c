#include "store/search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* What the search box's text asks for. */
struct case_query {
	char terms[SEARCH_MAX_TERMS][SEARCH_TERM_SIZE];  /* words of three characters or more: the index's */
	int n;
	char shorts[SEARCH_MAX_TERMS][SEARCH_TERM_SIZE]; /* shorter words: filters on what the index found */
	int n_short;                                     /* (n + n_short <= SEARCH_MAX_TERMS) */
	char whole[SEARCH_MAX_TERMS * SEARCH_TERM_SIZE]; /* every word, in order, one space apart */
	long long number;                                /* a case number, or -1 */
};

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* "#123" or "123" (up to 15 digits) -> 123; anything else -> -1. */
static long long case_number_of(const char *q)
{
	while (is_space(*q))
		q++;
	if (*q == '#')
		q++;
	size_t n = strspn(q, "0123456789");
	const char *rest = q + n;
	while (is_space(*rest))
		rest++;
	return n > 0 && n <= 15 && !*rest ? strtoll(q, NULL, 10) : -1;
}

/* Mostly digits and at least four of them (as the customers list decides): the digits, else "". */
static void phone_digits_of(const char *q, char *out, size_t size)
{
	size_t n = 0, len = strlen(q);
	for (const char *p = q; *p && n + 1 < size; p++)
		if (*p >= '0' && *p <= '9')
			out[n++] = *p;
	out[n] = '\0';
	if (n < 4 || n * 2 < len)
		out[0] = '\0';
}

static void add_term(struct case_query *cq, const char *word, size_t len)
{
	char w[SEARCH_TERM_SIZE];
	if (len >= sizeof w)
		len = sizeof w - 1; /* a longer word narrows as well by its start */
	while (len > 0 && ((unsigned char)word[len] & 0xC0) == 0x80)
		len--; /* never cut a UTF-8 character */
	memcpy(w, word, len);
	w[len] = '\0';
	if (cq->n + cq->n_short >= SEARCH_MAX_TERMS)
		return;
	memcpy(utf8_chars(w) >= 3 ? cq->terms[cq->n++] : cq->shorts[cq->n_short++], w, len + 1);
	size_t at = strlen(cq->whole); /* fits: at most SEARCH_MAX_TERMS words shorter than SEARCH_TERM_SIZE */
	snprintf(cq->whole + at, sizeof cq->whole - at, "%s%s", at ? " " : "", w);
}

static void parse_case_query(const char *q, struct case_query *cq)
{
	memset(cq, 0, sizeof *cq);
	cq->number = case_number_of(q);
	char digits[SEARCH_TERM_SIZE];
	phone_digits_of(q, digits, sizeof digits);
	if (digits[0]) {
		add_term(cq, digits, strlen(digits));
		return;
	}
	for (const char *p = q; *p;) {
		while (is_space(*p))
			p++;
		if (*p == '#')
			p++;
		size_t len = 0;
		while (p[len] && !is_space(p[len]))
			len++;
		if (len)
			add_term(cq, p, len);
		p += len;
	}
}

static const char *own(search_sql *s, char *text)
{
	s->owned[s->n_owned++] = text;
	return text;
}

static void arg_text(search_sql *s, char *owned_text) { s->args[s->n++] = DB_TXT(own(s, owned_text)); }
static void arg_borrowed(search_sql *s, const char *text) { s->args[s->n++] = DB_TXT(text); }

/* '%' || term || '%' for LIKE, with LIKE's own characters escaped by '\'. */
static char *like_pattern(const char *term)
{
	size_t len = strlen(term);
	char *out = xmalloc(2 * len + 3), *o = out;
	*o++ = '%';
	for (const char *p = term; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

/* The terms joined by sep; fts = 1 quotes each as an FTS5 string (no FTS syntax from users). */
static char *join_terms(const char terms[][SEARCH_TERM_SIZE], int n, const char *sep, int fts)
{
	size_t size = 1;
	for (int i = 0; i < n; i++)
		size += 2 * strlen(terms[i]) + 2 + strlen(sep);
	char *out = xmalloc(size), *o = out;
	for (int i = 0; i < n; i++) {
		if (i)
			o = stpcpy(o, sep);
		if (fts)
			*o++ = '"';
		for (const char *p = terms[i]; *p; p++) {
			if (fts && *p == '"')
				*o++ = '"';
			*o++ = *p;
		}
		if (fts)
			*o++ = '"';
	}
	*o = '\0';
	return out;
}

static int is_ascii(const char *t)
{
	for (; *t; t++)
		if ((unsigned char)*t >= 0x80)
			return 0;
	return 1;
}

/* How rare a trigram is likely to be: letters are common, digits less, punctuation least (an
 * email's '@', a phone's digits).  No statistics are kept: FTS5's own vocabulary counts a trigram's
 * documents by reading its whole doclist, the very cost this avoids. */
static int rarity(const char *t)
{
	int r = 0;
	for (int k = 0; k < 3; k++)
		r += t[k] >= '0' && t[k] <= '9' ? 2 : (t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z') ? 0 : 3;
	return r;
}

/* Up to three of the ASCII words' likely rarest trigrams, apart from one another (so each narrows
 * on its own), into picks; how many (0 when the words are letters only).  Both indexes keep one
 * posting list per trigram: asking for a word whose trigrams are common ("customer", an email's
 * domain, a phone's country code) reads lists that grow with the organization, asking for its
 * rarest trigrams and checking the word whole on what they found does not. */
#define PICKS 3
static int pick_trigrams(const struct case_query *cq, char picks[PICKS][SEARCH_TERM_SIZE])
{
	int term[PICKS], pos[PICKS], n = 0;
	for (; n < PICKS; n++) {
		int best = 0;
		for (int i = 0; i < cq->n; i++) {
			if (!is_ascii(cq->terms[i]))
				continue;
			for (int at = 0; cq->terms[i][at] && cq->terms[i][at + 1] && cq->terms[i][at + 2]; at++) {
				const char *p = cq->terms[i] + at;
				char t[4] = {p[0], p[1], p[2], '\0'};
				int r = rarity(t), apart = 1;
				for (int k = 0; k < n; k++)
					apart &= strcmp(picks[k], t) && (term[k] != i || abs(pos[k] - at) >= 2);
				/* ties go to the later trigram: a number's last digits vary most */
				if (r > 0 && apart && r >= best) {
					best = r;
					STR_COPY(picks[n], t);
					term[n] = i;
					pos[n] = at;
				}
			}
		}
		if (!best)
			break;
	}
	return n;
}

/* What the FTS5 index is asked: the picked trigrams and the non-ASCII words as phrases
 * (*verify = 1: the caller checks every ASCII word whole on what they found), or, for words of
 * letters only, every word as a phrase (*verify = 0). */
static char *fts_query(const struct case_query *cq, int *verify)
{
	char picked[SEARCH_MAX_TERMS + PICKS][SEARCH_TERM_SIZE];
	int n = pick_trigrams(cq, picked);
	*verify = n > 0;
	if (!n)
		return join_terms(cq->terms, cq->n, " ", 1);
	for (int i = 0; i < cq->n; i++)
		if (!is_ascii(cq->terms[i]))
			STR_COPY(picked[n++], cq->terms[i]);
	return join_terms((const char(*)[SEARCH_TERM_SIZE])picked, n, " ", 1);
}

/* score: how many of the words the head (subject, customer, owner) of table holds, the whole
 * query counting twice (bm25 would weigh each word by counting every document holding it, which
 * grows with the organization; this reads only the matches).  Lower ranks first. */
static char *head_score(const struct case_query *cq, const char *table, search_sql *s)
{
	char *score = xasprintf("2 * (instr(lower(%s.head), lower(?)) > 0)", table);
	arg_text(s, xstrdup(cq->whole)); /* cq does not outlive search_cases: the texts are copied */
	for (int i = 0; i < cq->n; i++) {
		char *next = xasprintf("%s + (instr(lower(%s.head), lower(?)) > 0)", score, table);
		free(score);
		score = next;
		arg_text(s, xstrdup(cq->terms[i]));
	}
	return score;
}

/* SQLite: FTS5 trigram MATCH, ranked by head_score. */
static char *text_branch_sqlite(const struct case_query *cq, const char *org_id, search_sql *s)
{
	if (cq->n) {
		int verify;
		char *match = fts_query(cq, &verify);
		char *score = head_score(cq, "cases_fts", s);
		arg_text(s, match);
		arg_borrowed(s, org_id);
		/* CROSS JOIN: the index first, then each match's key (never an index query per key) */
		char *sql = xasprintf("SELECT k.case_id, -(%s) AS score FROM cases_fts CROSS JOIN case_search_keys k "
				      "ON k.rid = cases_fts.rowid WHERE cases_fts MATCH ? AND k.org_id = ?",
				      score);
		free(score);
		for (int i = 0; verify && i < cq->n; i++) {
			if (!is_ascii(cq->terms[i]))
				continue;
			char *next = xasprintf("%s AND instr(lower(cases_fts.head || ' ' || cases_fts.body), lower(?)) > 0", sql);
			free(sql);
			sql = next;
			arg_text(s, xstrdup(cq->terms[i]));
		}
		for (int i = 0; i < cq->n_short; i++) {
			char *next = xasprintf("%s AND (cases_fts.head || ' ' || cases_fts.body) LIKE ? ESCAPE '\\'", sql);
			free(sql);
			sql = next;
			arg_text(s, like_pattern(cq->shorts[i]));
		}
		return sql;
	}
	arg_borrowed(s, org_id);
	arg_text(s, like_pattern(cq->shorts[0]));
	arg_text(s, like_pattern(cq->shorts[0]));
	return xstrdup("SELECT k.case_id, 0.0 AS score FROM case_search_keys k CROSS JOIN cases_fts "
		       "ON cases_fts.rowid = k.rid WHERE k.org_id = ? "
		       "AND (cases_fts.head LIKE ? ESCAPE '\\' OR cases_fts.body LIKE ? ESCAPE '\\')");
}

/* One more condition on the PostgreSQL document: ILIKE '%text%', through the pg_trgm index
 * (written as the indexed expression) or not (written otherwise: a pattern without trigrams, or one
 * only to check, would make the index read more). */
static char *and_ilike(char *sql, search_sql *s, const char *text, int indexed)
{
	arg_text(s, like_pattern(text));
	char *next = xasprintf("%s AND %s ILIKE ? ESCAPE '\\'", sql, indexed ? "(head || ' ' || body)" : "(body || ' ' || head)");
	free(sql);
	return next;
}

/* PostgreSQL: ILIKE through the pg_trgm index (the picked trigrams and the non-ASCII words, or
 * every word when they are letters only), each ASCII word checked whole, the short words on what
 * was found; word_similarity ranks (head twice). */
static char *text_branch_pg(const struct case_query *cq, const char *org_id, search_sql *s)
{
	char *words = xstrdup(cq->whole);
	arg_text(s, words);
	arg_borrowed(s, words);
	arg_borrowed(s, org_id);
	char *sql = xstrdup("SELECT case_id, -(2 * word_similarity(?, head) + word_similarity(?, body)) AS score "
			    "FROM case_search WHERE org_id = ?");
	char picks[PICKS][SEARCH_TERM_SIZE];
	int np = pick_trigrams(cq, picks);
	for (int k = 0; k < np; k++)
		sql = and_ilike(sql, s, picks[k], 1);
	for (int i = 0; i < cq->n; i++)
		sql = and_ilike(sql, s, cq->terms[i], !np || !is_ascii(cq->terms[i]));
	for (int i = 0; i < cq->n_short; i++)
		sql = and_ilike(sql, s, cq->shorts[i], 0);
	return sql;
}

/* The one word of the query the word index is asked for (migration 0032): the piece of a word
 * likely to be rarest, lower-cased into out, with *prefix = 1 when the document's word may go on
 * past it (the last piece of a query word) and 0 when it must end there (a piece followed by '@',
 * '.', '-'...).  Pieces are the word index's words: runs of ASCII letters and digits.  Digits are
 * rarer than letters (a number names one customer, "customer" every one), longer pieces rarer than
 * shorter, a whole word rarer than a start.  Returns 0 when no word index can answer: a word with
 * any non-ASCII character (the tokenizer's idea of a letter there is Unicode's, not ours), or no
 * piece at all. */
static int pick_word(const struct case_query *cq, char *out, size_t size, int *prefix)
{
	int best = -1;
	for (int i = 0; i < cq->n + cq->n_short; i++) {
		const char *w = i < cq->n ? cq->terms[i] : cq->shorts[i - cq->n];
		if (!is_ascii(w))
			return 0;
		for (const char *p = w; *p;) {
			size_t len = 0;
			int digits = 0;
			while (p[len] && isalnum((unsigned char)p[len]))
				digits += isdigit((unsigned char)p[len++]) != 0;
			int exact = len && p[len] != '\0';
			int rank = 2 * (int)len + (digits ? 20 : 0) + (exact ? 4 : 0);
			if (len && len < size && rank > best) {
				best = rank;
				for (size_t k = 0; k < len; k++)
					out[k] = (char)tolower((unsigned char)p[k]);
				out[len] = '\0';
				*prefix = !exact;
			}
			p += len ? len : 1;
		}
	}
	return best >= 0;
}

/* SQLite: the word index asked for the picked word (a start of a word: "word"*), every word of the
 * query checked whole on what it found; NULL when no word can be picked. */
static char *word_branch_sqlite(const struct case_query *cq, const char *org_id, search_sql *s)
{
	char word[SEARCH_TERM_SIZE];
	int prefix;
	if (!pick_word(cq, word, sizeof word, &prefix))
		return NULL;
	char *score = head_score(cq, "cases_words", s);
	arg_text(s, xasprintf("\"%s\"%s", word, prefix ? "*" : "")); /* letters and digits only: no quoting */
	arg_borrowed(s, org_id);
	char *sql = xasprintf("SELECT k.case_id, -(%s) AS score FROM cases_words CROSS JOIN case_search_keys k "
			      "ON k.rid = cases_words.rowid WHERE cases_words MATCH ? AND k.org_id = ?",
			      score);
	free(score);
	for (int i = 0; i < cq->n + cq->n_short; i++) {
		char *next = xasprintf("%s AND instr(lower(cases_words.head || ' ' || cases_words.body), lower(?)) > 0", sql);
		free(sql);
		sql = next;
		arg_text(s, xstrdup(i < cq->n ? cq->terms[i] : cq->shorts[i - cq->n]));
	}
	return sql;
}

/* PostgreSQL: the same through the tsvector of migration 0032 (case_search.words: the document's
 * runs of letters and digits and the phone's endings, 'simple' configuration), each word checked
 * whole with ILIKE on what it found; NULL when no word can be picked. */
static char *word_branch_pg(const struct case_query *cq, const char *org_id, search_sql *s)
{
	char word[SEARCH_TERM_SIZE];
	int prefix;
	if (!pick_word(cq, word, sizeof word, &prefix))
		return NULL;
	char *words = xstrdup(cq->whole);
	arg_text(s, words);
	arg_borrowed(s, words);
	arg_borrowed(s, org_id);
	arg_text(s, xasprintf("%s%s", word, prefix ? ":*" : "")); /* letters and digits only: no quoting */
	char *sql = xstrdup("SELECT case_id, -(2 * word_similarity(?, head) + word_similarity(?, body)) AS score "
			    "FROM case_search WHERE org_id = ? AND words @@ to_tsquery('simple', ?)");
	for (int i = 0; i < cq->n + cq->n_short; i++)
		sql = and_ilike(sql, s, i < cq->n ? cq->terms[i] : cq->shorts[i - cq->n], 0);
	return sql;
}

int search_cases(db *d, const char *org_id, const char *q, search_sql *s)
{
	struct case_query cq;
	memset(s, 0, sizeof *s);
	parse_case_query(q ? q : "", &cq);
	int text = cq.n > 0 || (cq.n_short > 0 && cq.number < 0);
	if (!text && cq.number < 0)
		return -1;
	int pg = db_dialect(d) == DB_POSTGRES;
	char *words = NULL, *branch = NULL;
	if (text) {
		words = pg ? word_branch_pg(&cq, org_id, s) : word_branch_sqlite(&cq, org_id, s);
		branch = pg ? text_branch_pg(&cq, org_id, s) : text_branch_sqlite(&cq, org_id, s);
	}
	if (words) {
		/* the trigram index only when the word index found nothing in the organization: a LIMIT
		 * of 0 stops that branch before it reads the index (a condition in its WHERE would be
		 * tested on every row it read) */
		char *both = xasprintf("SELECT case_id, score FROM w UNION ALL SELECT * FROM (%s LIMIT CASE WHEN EXISTS "
				       "(SELECT 1 FROM w) THEN 0 ELSE %s END) t",
				       branch, pg ? "NULL" : "-1");
		free(branch);
		branch = both;
	}
	if (cq.number >= 0) {
		/* the case with that number ranks above every text match */
		arg_borrowed(s, org_id);
		s->args[s->n++] = DB_INT(cq.number);
	}
	char *with = words ? xasprintf("WITH w AS (%s) ", words) : xstrdup("");
	s->sql = xasprintf("(%sSELECT case_id, MIN(score) AS score FROM (%s%s%s) hits GROUP BY case_id)", with,
			   branch ? branch : "", branch && cq.number >= 0 ? " UNION ALL " : "",
			   cq.number >= 0 ? "SELECT id AS case_id, -1000000.0 AS score FROM cases WHERE org_id = ? AND number = ?"
					  : "");
	free(with);
	free(words);
	free(branch);
	return 0;
}

void search_sql_free(search_sql *s)
{
	free(s->sql);
	for (int i = 0; i < s->n_owned; i++)
		free(s->owned[i]);
	memset(s, 0, sizeof *s);
}

int search_article_index(db *d, const char *org_id, const char *id, const char *title, const char *body, const char *tag_words,
			 int replace)
{
	if (db_dialect(d) == DB_POSTGRES)
		return DB_OK; /* the articles table's generated tsvector column is its own index */
	int rc = DB_OK;
	if (replace)
		rc = db_exec(d, "DELETE FROM articles_fts WHERE org_id = ? AND article_id = ?",
			     DB_ARGS(DB_TXT(org_id), DB_TXT(id)), NULL);
	if (rc == DB_OK)
		rc = db_exec(d, "INSERT INTO articles_fts (title, body, tags, org_id, article_id) VALUES (?,?,?,?,?)",
			     DB_ARGS(DB_TXT(title), DB_TXT(body), DB_TXT(tag_words), DB_TXT(org_id), DB_TXT(id)), NULL);
	return rc;
}

int search_articles(db *d, const char *org_id, char terms[][SEARCH_TERM_SIZE], int n, int limit, db_res **out)
{
	int rc;
	if (db_dialect(d) == DB_POSTGRES) {
		/* the generated tsvector column (migrations/pg/0007) with ts_rank; the terms are joined with
		 * "or" for websearch_to_tsquery, which never fails on user text */
		char *words = join_terms((const char(*)[SEARCH_TERM_SIZE])terms, n, " or ", 0);
		rc = db_query(d,
			      "SELECT a.id, a.title, a.tags, ts_headline('english', a.body, q, 'StartSel=[, StopSel=], MaxWords=12, "
			      "MinWords=4'), CAST(ts_rank(a.search, q) * 1000000 AS BIGINT) AS score "
			      "FROM articles a, websearch_to_tsquery('english', ?) q "
			      "WHERE a.org_id = ? AND a.search @@ q ORDER BY score DESC, a.title LIMIT ?",
			      DB_ARGS(DB_TXT(words), DB_TXT(org_id), DB_INT(limit)), out);
		free(words);
		return rc;
	}
	/* every term quoted (no FTS syntax from users), any term may match; bm25 ranks documents with
	 * more of the terms, and title and tag hits, first */
	char *match = join_terms((const char(*)[SEARCH_TERM_SIZE])terms, n, " OR ", 1);
	rc = db_query(d,
		      "SELECT article_id, title, tags, snippet(articles_fts, 1, '[', ']', '...', 12), "
		      "CAST(-bm25(articles_fts, 10.0, 1.0, 5.0) * 1000000 AS INTEGER) AS score FROM articles_fts "
		      "WHERE articles_fts MATCH ? AND org_id = ? ORDER BY score DESC LIMIT ?",
		      DB_ARGS(DB_TXT(match), DB_TXT(org_id), DB_INT(limit)), out);
	free(match);
	return rc;
}

/* The word index's part of search_flush, after cases_fts holds the new documents (migration 0032's
 * view reads them there); nothing before that migration. */
static int words_flush(db *d)
{
	int rc = db_exec(d, "DELETE FROM cases_words WHERE rowid IN (SELECT rid FROM case_search_dirty)", DB_NOARGS, NULL);
	if (rc != DB_OK) {
		int64_t tables = -1;
		if (db_scalar_int(d, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'cases_words'", DB_NOARGS, &tables, NULL) ==
			    DB_OK &&
		    tables == 0)
			return DB_OK;
		return rc;
	}
	return db_exec(d,
		       "INSERT INTO cases_words (rowid, head, body, phones) SELECT w.rid, w.head, w.body, w.phones "
		       "FROM case_search_dirty x CROSS JOIN case_words_docs w ON w.rid = x.rid",
		       DB_NOARGS, NULL);
}

int search_flush(db *d)
{
	if (db_dialect(d) != DB_SQLITE)
		return DB_OK;
	int64_t rid = 0, tables = 0;
	int found = 0;
	int rc = db_scalar_int(d, "SELECT rid FROM case_search_dirty LIMIT 1", DB_NOARGS, &rid, &found);
	if (rc != DB_OK) { /* before migration 0019 there is nothing to flush; any other error stands */
		if (db_scalar_int(d, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'case_search_dirty'", DB_NOARGS, &tables,
				  NULL) == DB_OK &&
		    tables == 0)
			return DB_OK;
		return rc;
	}
	if (!found)
		return DB_OK;
	if ((rc = db_exec(d, "DELETE FROM cases_fts WHERE rowid IN (SELECT rid FROM case_search_dirty)", DB_NOARGS, NULL)) !=
		    DB_OK ||
	    (rc = db_exec(d,
			  "INSERT INTO cases_fts (rowid, head, body) SELECT s.rid, s.head, s.body FROM case_search_dirty x "
			  "CROSS JOIN case_search_docs s ON s.rid = x.rid",
			  DB_NOARGS, NULL)) != DB_OK ||
	    (rc = words_flush(d)) != DB_OK)
		return rc;
	return db_exec(d, "DELETE FROM case_search_dirty", DB_NOARGS, NULL);
}

int search_optimize(db *d)
{
	if (db_dialect(d) == DB_POSTGRES)
		return db_exec(d,
			       "SELECT gin_clean_pending_list(i::regclass) FROM (VALUES ('case_search_text'), ('case_search_words')) v(i)",
			       DB_NOARGS, NULL);
	int rc = db_begin(d, 1);
	if (rc == DB_OK && (rc = db_exec(d, "INSERT INTO cases_fts (cases_fts) VALUES ('optimize')", DB_NOARGS, NULL)) == DB_OK)
		rc = db_exec(d, "INSERT INTO cases_words (cases_words) VALUES ('optimize')", DB_NOARGS, NULL);
	if (rc != DB_OK) {
		db_rollback(d);
		return rc;
	}
	return db_commit(d);
}
