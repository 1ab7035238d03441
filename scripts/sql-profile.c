/* LD_PRELOAD shim for issue 14's profiles: the time SQLite spends in each statement a process runs.
 * Every connection the process opens (sqlite3_open_v2) gets a profile callback
 * (SQLITE_TRACE_PROFILE: a top-level statement's wall time, its triggers' work included); at exit
 * the shim writes one line per distinct statement text to the file SQL_PROFILE names:
 * "calls<TAB>total µs<TAB>steps<TAB>sql" (steps: SQLITE_STMTSTATUS_VM_STEP), most time first.  Not
 * part of the server: it watches a benchmark from outside.  The server must exit normally (SIGTERM).
 * Build: cc -shared -fPIC -O2 -o build/sql-profile.so scripts/sql-profile.c -ldl -lsqlite3 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096 /* distinct statement texts kept (open addressing by the text's address) */

struct slot {
	const char *sql; /* sqlite3_sql(): stable while the statement lives; copied on first sight */
	char *text;
	long long calls, ns, steps;
};

static struct slot slots[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static unsigned long hash(const char *s)
{
	unsigned long h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static int on_profile(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	sqlite3_stmt *st = p;
	const char *sql = sqlite3_sql(st);
	if (!sql)
		return 0;
	long long ns = *(long long *)x, steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
	pthread_mutex_lock(&mu);
	for (unsigned long i = hash(sql) % SLOTS, n = 0; n < SLOTS; i = (i + 1) % SLOTS, n++) {
		struct slot *s = &slots[i];
		if (!s->text) {
			s->text = strdup(sql);
			if (!s->text)
				break;
		} else if (strcmp(s->text, sql) != 0) {
			continue;
		}
		s->calls++;
		s->ns += ns;
		s->steps += steps; /* this run's: the server resets the counter as it releases a statement */
		break;
	}
	pthread_mutex_unlock(&mu);
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return (y->ns > x->ns) - (y->ns < x->ns);
}

static void report(void)
{
	const char *path = getenv("SQL_PROFILE");
	FILE *f = path ? fopen(path, "w") : NULL;
	if (!f)
		return;
	qsort(slots, SLOTS, sizeof slots[0], by_time);
	for (int i = 0; i < SLOTS && slots[i].text; i++)
		fprintf(f, "%lld\t%lld\t%lld\t%s\n", slots[i].calls, slots[i].ns / 1000, slots[i].steps, slots[i].text);
	fclose(f);
}

int sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs)
{
	static int (*real)(const char *, sqlite3 **, int, const char *);
	if (!real)
		real = (int (*)(const char *, sqlite3 **, int, const char *))dlsym(RTLD_NEXT, "sqlite3_open_v2");
	int rc = real(name, db, flags, vfs);
	if (rc == SQLITE_OK && getenv("SQL_PROFILE"))
		sqlite3_trace_v2(*db, SQLITE_TRACE_PROFILE, on_profile, NULL);
	return rc;
}

__attribute__((constructor)) static void init(void)
{
	if (getenv("SQL_PROFILE"))
		atexit(report);
}
