/* A fault-injecting SQLite VFS shim for tests (see faultvfs.h).  Each file opened through it
 * wraps a file of the default VFS (store/vfsshim.h); its read, write, truncate and sync count
 * the operations and fail the one the control file names. */
#include "store/faultvfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"
#include "store/vfsshim.h"

#define VFS_NAME "fl-fault"

static sqlite3_vfs fault_vfs;
static const char *control_path;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct faultvfs_rule rule;
static long long seen;
static struct timespec control_mtime;
static off_t control_size = -1;

int faultvfs_parse(const char *line, struct faultvfs_rule *out)
{
	char op[16], code[16], extra[16] = "";
	long long nth;
	memset(out, 0, sizeof *out);
	int n = sscanf(line, "%15s %lld %15s %15s", op, &nth, code, extra);
	if (n < 3 || nth < 1 || (n == 4 && strcmp(extra, "sticky") != 0))
		return -1;
	enum faultvfs_op o = strcmp(op, "read") == 0 ? FAULT_READ
			     : strcmp(op, "write") == 0 ? FAULT_WRITE
			     : strcmp(op, "sync") == 0	? FAULT_SYNC
							: FAULT_NONE;
	if (o == FAULT_NONE || (strcmp(code, "ioerr") != 0 && strcmp(code, "full") != 0))
		return -1;
	*out = (struct faultvfs_rule){o, nth, strcmp(code, "full") == 0, n == 4};
	return 0;
}

/* Re-read the control file when it changed (caller holds lock). */
static void reload(void)
{
	struct stat st;
	if (stat(control_path, &st) != 0) {
		st.st_size = -1;
		st.st_mtim = (struct timespec){0, 0};
	}
	if (st.st_size == control_size && st.st_mtim.tv_sec == control_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == control_mtime.tv_nsec)
		return;
	control_size = st.st_size;
	control_mtime = st.st_mtim;
	seen = 0;
	char line[128] = "";
	FILE *f = fopen(control_path, "r");
	if (f) {
		if (!fgets(line, sizeof line, f))
			line[0] = '\0';
		fclose(f);
	}
	if (faultvfs_parse(line, &rule) != 0)
		rule.op = FAULT_NONE;
}

/* SQLITE_OK, or the error to inject for this operation. */
static int inject(enum faultvfs_op op, int ioerr)
{
	int rc = SQLITE_OK;
	pthread_mutex_lock(&lock);
	reload();
	if (rule.op == op) {
		seen++;
		if (seen == rule.nth || (rule.sticky && seen > rule.nth))
			rc = rule.full ? SQLITE_FULL : ioerr;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

#define REAL(f) (((struct vfsshim_file *)(f))->real)

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	int rc = inject(FAULT_READ, SQLITE_IOERR_READ);
	return rc ? rc : REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}
static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	int rc = inject(FAULT_WRITE, SQLITE_IOERR_WRITE);
	return rc ? rc : REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int rc = inject(FAULT_WRITE, SQLITE_IOERR_TRUNCATE);
	return rc ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int f_sync(sqlite3_file *f, int flags)
{
	int rc = inject(FAULT_SYNC, SQLITE_IOERR_FSYNC);
	return rc ? rc : REAL(f)->pMethods->xSync(REAL(f), flags);
}

/* the four above; vfsshim_fill gives the others the pass-through */
static sqlite3_io_methods fault_io = {.xRead = f_read, .xWrite = f_write, .xTruncate = f_truncate, .xSync = f_sync};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	return vfsshim_open(vfs, name, (struct vfsshim_file *)f, flags, out_flags, &fault_io);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int registered;

static void register_vfs(void)
{
	sqlite3_vfs *real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return;
	vfsshim_fill(&fault_io);
	registered = vfsshim_register(&fault_vfs, VFS_NAME, real_vfs, (int)sizeof(struct vfsshim_file), v_open);
}

const char *faultvfs_name(void)
{
	control_path = getenv("FRONTLINE_FAULT_FILE");
	if (!control_path || !*control_path)
		return NULL;
	pthread_once(&once, register_vfs);
	return registered ? VFS_NAME : NULL;
}
