/* LD_PRELOAD shim for scripts/index-usage.py: appends the text of every SQL statement a process
 * prepares through SQLite (sqlite3_prepare_v2/v3) to the file SQL_LOG names, one statement per
 * record, each ended by a NUL byte.  Not part of the server: it watches a test run from outside.
 * Build: cc -shared -fPIC -O2 -o build/sql-log.so scripts/sql-log.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void note(const char *sql, int n)
{
	const char *path = getenv("SQL_LOG");
	if (!path || !sql)
		return;
	size_t len = n < 0 ? strlen(sql) : strnlen(sql, (size_t)n);
	pthread_mutex_lock(&mu);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		if (write(fd, sql, len) < 0 || write(fd, "", 1) < 0) {
			/* a lost record only narrows the report */
		}
		close(fd);
	}
	pthread_mutex_unlock(&mu);
}

int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags, sqlite3_stmt **st, const char **tail)
{
	static int (*real)(sqlite3 *, const char *, int, unsigned, sqlite3_stmt **, const char **);
	if (!real)
		real = (int (*)(sqlite3 *, const char *, int, unsigned, sqlite3_stmt **, const char **))dlsym(RTLD_NEXT,
														   "sqlite3_prepare_v3");
	note(sql, n);
	return real(db, sql, n, flags, st, tail);
}

int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail)
{
	static int (*real)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
	if (!real)
		real = (int (*)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **))dlsym(RTLD_NEXT, "sqlite3_prepare_v2");
	note(sql, n);
	return real(db, sql, n, st, tail);
}
