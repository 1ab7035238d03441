#ifndef FL_COPY_H
#define FL_COPY_H
#include "store/db.h"

/* Copy a whole installation from one database to another (SQLite <-> PostgreSQL, or the same
 * kind).  The target is migrated to the current schema first and must hold no organization.
 * Every table both sides have (except schema_migrations) is copied in creation order - the order
 * the migrations made them, parents before children - inside one transaction on the target, with
 * foreign key checks after the rows (SQLite: PRAGMA defer_foreign_keys; PostgreSQL: the foreign
 * keys are dropped for the load and added again, each checked by one query), so self-references
 * such as people.manager_id need no row order.  Only the columns both sides
 * have and the target can write are copied (PostgreSQL's generated articles.search and
 * case_search.words are computed again).  Values are copied verbatim: events keep their seq,
 * link, prev_hash and hash, org_heads and case_heads their chains' heads and chain_seals the
 * seals' lines, so `audit verify` passes on the copy; then the counters that draw seq and case
 * numbers are set past the copied ones (event_sync_counters).
 *
 * What triggers keep (the case search index, the report rollups, the case and organization
 * versions):
 * - a PostgreSQL target loads the rows with COPY (db_load_*) while its triggers are off and its
 *   foreign keys and the indexes no constraint uses are dropped (ALTER TABLE ... DISABLE TRIGGER,
 *   DROP CONSTRAINT, DROP INDEX, all inside the transaction), and copies the rollups and versions
 *   from the source as they are; then it makes the indexes again (maintenance_work_mem 256MB for
 *   the transaction), runs ANALYZE, adds the foreign keys again, rebuilds the tables only
 *   PostgreSQL has (the case search documents, case_search) in one statement from their view when
 *   the source is SQLite (a PostgreSQL source's are copied) and turns the triggers on again;
 * - a SQLite target inserts row by row with its triggers on, which rebuild them; the knowledge
 *   index (FTS5 articles_fts) is copied between SQLite databases and rebuilt from articles when
 *   the source is PostgreSQL.
 * A copy that fails rolls the target's transaction back: the target holds what it held before
 * (the schema the migrations made, no rows), its triggers, indexes and foreign keys as they were.
 * Returns 0 and *rows (may be NULL) = rows copied; -1 with a message in err. */
int db_copy(db *from, db *to, int64_t *rows, char *err, unsigned long errlen);

#endif
