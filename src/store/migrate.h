#ifndef FL_MIGRATE_H
#define FL_MIGRATE_H
#include "store/db.h"

/* Apply the numbered migrations compiled into the binary (migrations/<dialect>/NNNN_name.sql)
 * that the database does not have yet, each in its own transaction.
 * Returns 0 and *applied (may be NULL) = how many ran; -1 with a message in err when the
 * database is from a newer Frontline (its version is above ours) or a migration fails. */
int migrate_up(db *d, int *applied, int *version, char *err, unsigned long errlen);

/* Highest migration number this binary knows for the database's dialect. */
int migrate_latest(db *d);

/* Current version of the database (0 if none); -1 on error. */
int migrate_current(db *d);

#endif
