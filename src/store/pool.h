#ifndef FL_POOL_H
#define FL_POOL_H
/* A fixed set of database connections shared by server threads: a thread takes one for a
 * request and gives it back.  Thread-safe. */
#include "store/db.h"

typedef struct db_pool db_pool;

/* Open n connections to url.  Returns NULL with a message in err on failure. */
db_pool *db_pool_open(const char *url, int n, char *err, unsigned long errlen);
void db_pool_close(db_pool *p);
/* Wait for a free connection. */
db *db_pool_take(db_pool *p);
/* Give it back; a connection left inside a transaction is rolled back first. */
void db_pool_give(db_pool *p, db *d);
/* For the metrics: how many connections, how many are lent out now, and how many takes had to
 * wait for a free one since the pool opened. */
void db_pool_stats(db_pool *p, int *size, int *in_use, uint64_t *waits);

#endif
