#ifndef FL_COPY_H
#define FL_COPY_H
#include "store/db.h"

/* Copy a whole installation from one database to another (SQLite <-> PostgreSQL, or the same
 * kind).  The target is migrated to the current schema first and must hold no organization.
 * Every table both sides have (except schema_migrations) is copied in creation order - the order
 * the migrations made them, parents before children - inside one transaction on the target, with
 * foreign key checks deferred to commit (SQLite: PRAGMA defer_foreign_keys; PostgreSQL: the
 * foreign keys are made DEFERRABLE for the transaction and restored before commit), so
 * self-references such as people.manager_id need no row order.  Only the columns both sides
 * have and the target can write are copied (PostgreSQL's generated articles.search is computed
 * again); SQLite's FTS5 table is copied between SQLite databases and rebuilt from articles when
 * the source is PostgreSQL.  Values are copied verbatim:
 * events keep their seq, link, prev_hash and hash, org_heads and case_heads their chains' heads and
 * chain_seals the seals' lines, so `audit verify` passes on the copy; then the counters that draw
 * seq and case numbers are set past the copied ones (event_sync_counters).
 * Returns 0 and *rows (may be NULL) = rows copied; -1 with a message in err. */
int db_copy(db *from, db *to, int64_t *rows, char *err, unsigned long errlen);

#endif
