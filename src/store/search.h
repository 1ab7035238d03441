#ifndef FL_STORE_SEARCH_H
#define FL_STORE_SEARCH_H
/* Search indexes behind one interface (issue 12 §2, issue 14): each dialect answers with its own
 * index, callers never ask which.
 *
 * Cases: every case has a search document (subject; customer name, email and phone digits; owner
 * name; resolution, contact summaries, notes and requests), kept by triggers of migration 0012 in the
 * same transaction as every write that changes that text.  SQLite indexes the documents with
 * FTS5's trigram tokenizer, PostgreSQL with a pg_trgm GIN index; matches in the head (subject,
 * customer, owner) rank first.  Either way any part of three characters or more of a word, an email or a
 * phone number is found through the index, not by scanning the organization's cases.  Beside it a
 * word index (migration 0032: FTS5 unicode61 / a 'simple' tsvector, with the phone's endings as
 * words) is asked first, for the query's likeliest-rarest word or word start: its posting lists do
 * not grow with the organization; the trigram index answers only when it finds nothing.
 *
 * Knowledge articles: SQLite keeps an FTS5 table in step (search_article_index); PostgreSQL indexes
 * the articles table itself (a generated tsvector column, migrations/pg/0007). */
#include "store/db.h"

#define SEARCH_MAX_TERMS 8
#define SEARCH_TERM_SIZE 64
#define SEARCH_MAX_ARGS 48

/* A ranked subquery and its arguments, to be joined by a caller's query. */
typedef struct search_sql {
	char *sql;                      /* "(SELECT case_id, score ...)"; a lower score ranks first */
	db_arg args[SEARCH_MAX_ARGS];   /* its placeholders' values, in order */
	int n;                          /* how many */
	char *owned[SEARCH_MAX_ARGS];   /* the texts args point to (freed by search_sql_free) */
	int n_owned;
} search_sql;

/* The subquery of org_id's cases matching the search box's text q, each once with its score:
 *   - q that is a case number ("123" or "#123") ranks that case first;
 *   - q that looks like a phone number (mostly digits, four or more) matches by its digits;
 *   - otherwise every word of q (up to SEARCH_MAX_TERMS, a leading '#' dropped) must appear, as
 *     any part of any searchable text, case-insensitively; where a word of the documents starts
 *     with the rarest-looking of them, only those documents are answered (the word index), else
 *     any document holding every word (the trigram index).  Words under three characters narrow
 *     nothing when longer ones are given; alone, they are looked for by a scan of the
 *     organization's documents.
 * Returns 0, or -1 when q holds nothing to search for (then s is empty and needs no free). */
int search_cases(db *d, const char *org_id, const char *q, search_sql *s);
void search_sql_free(search_sql *s);

/* SQLite, just before a write transaction commits (db_commit calls it): rebuild the search
 * documents of the cases the transaction's triggers noted in case_search_dirty (migration 0019),
 * in one statement after the last savepoint, so FTS5 writes one segment per commit and a case
 * opened with its first contact is indexed once.  One cheap statement when nothing was noted;
 * nothing on PostgreSQL or before migration 0019.  Returns DB_OK or the error (the commit must
 * then fail). */
int search_flush(db *d);

/* Merge each case search index into one b-tree (`frontline search-optimize`, run when the desk is
 * quiet): FTS5 adds a segment at every commit and merges them only a few at a time (automerge), so
 * a busy server's index is many segments, each looked up for every word asked; a bulk load as well.
 * SQLite: FTS5's 'optimize' of cases_fts and cases_words (it rewrites them: about half a minute
 * at 1,000,000 cases, the writer waiting); PostgreSQL: the GIN indexes' pending lists flushed
 * (gin_clean_pending_list).  Returns a DB_ code. */
int search_optimize(db *d);

/* Keep article id's index entry in step with its text (SQLite; nothing to do on PostgreSQL);
 * replace = 1 when it had one.  tag_words: the tags separated by spaces.  Returns a DB_ code. */
int search_article_index(db *d, const char *org_id, const char *id, const char *title, const char *body,
			 const char *tag_words, int replace);
/* org_id's articles matching any of terms (words, lower-cased), best first, at most limit.
 * Rows: id, title, tags (as indexed: SQLite the words, PostgreSQL the JSON text), snippet (matches in [brackets]), score (an integer, rank
 * x 1,000,000, higher is better).  Returns a DB_ code and *out to iterate and free. */
int search_articles(db *d, const char *org_id, char terms[][SEARCH_TERM_SIZE], int n, int limit, db_res **out);

#endif
