/* A fault-injecting SQLite VFS shim for tests (see faultvfs.h).  Each file opened through it
 * wraps a file of the default VFS; the wrapper's methods count reads, writes and syncs and fail
 * the one the control file names. */
#include "store/faultvfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"

#define VFS_NAME "fl-fault"

struct fault_file {
	sqlite3_file base;  /* our methods */
	sqlite3_file *real; /* the default VFS's file, allocated right after this struct */
};

static sqlite3_vfs fault_vfs;
static sqlite3_vfs *real_vfs;
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

#define REAL(f) (((struct fault_file *)(f))->real)

static int f_close(sqlite3_file *f) { return REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK; }
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
static int f_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int f_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int f_check(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int f_fcntl(sqlite3_file *f, int op, void *arg) { return REAL(f)->pMethods->xFileControl(REAL(f), op, arg); }
static int f_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int f_caps(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}
static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void f_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int f_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), off, p); }

static const sqlite3_io_methods fault_io = {
	.iVersion = 3,
	.xClose = f_close,
	.xRead = f_read,
	.xWrite = f_write,
	.xTruncate = f_truncate,
	.xSync = f_sync,
	.xFileSize = f_size,
	.xLock = f_lock,
	.xUnlock = f_unlock,
	.xCheckReservedLock = f_check,
	.xFileControl = f_fcntl,
	.xSectorSize = f_sector,
	.xDeviceCharacteristics = f_caps,
	.xShmMap = f_shm_map,
	.xShmLock = f_shm_lock,
	.xShmBarrier = f_shm_barrier,
	.xShmUnmap = f_shm_unmap,
	.xFetch = f_fetch,
	.xUnfetch = f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct fault_file *ff = (struct fault_file *)f;
	ff->real = (sqlite3_file *)(ff + 1);
	ff->real->pMethods = NULL;
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
	/* SQLite calls xClose only when pMethods is set: set ours whenever the real file has methods */
	f->pMethods = ff->real->pMethods ? &fault_io : NULL;
	return rc;
}
static int v_delete(sqlite3_vfs *vfs, const char *name, int sync) { return real_vfs->xDelete(real_vfs, name, sync); }
static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int v_full(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static void *v_dlopen(sqlite3_vfs *vfs, const char *name) { return real_vfs->xDlOpen(real_vfs, name); }
static void v_dlerror(sqlite3_vfs *vfs, int n, char *msg) { real_vfs->xDlError(real_vfs, n, msg); }
static void (*v_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void) { return real_vfs->xDlSym(real_vfs, h, sym); }
static void v_dlclose(sqlite3_vfs *vfs, void *h) { real_vfs->xDlClose(real_vfs, h); }
static int v_random(sqlite3_vfs *vfs, int n, char *out) { return real_vfs->xRandomness(real_vfs, n, out); }
static int v_sleep(sqlite3_vfs *vfs, int us) { return real_vfs->xSleep(real_vfs, us); }
static int v_time(sqlite3_vfs *vfs, double *out) { return real_vfs->xCurrentTime(real_vfs, out); }
static int v_lasterr(sqlite3_vfs *vfs, int n, char *out) { return real_vfs->xGetLastError(real_vfs, n, out); }
static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out) { return real_vfs->xCurrentTimeInt64(real_vfs, out); }

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int registered;

static void register_vfs(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return;
	fault_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct fault_file) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname,
		.zName = VFS_NAME,
		.xOpen = v_open,
		.xDelete = v_delete,
		.xAccess = v_access,
		.xFullPathname = v_full,
		.xDlOpen = v_dlopen,
		.xDlError = v_dlerror,
		.xDlSym = v_dlsym,
		.xDlClose = v_dlclose,
		.xRandomness = v_random,
		.xSleep = v_sleep,
		.xCurrentTime = v_time,
		.xGetLastError = v_lasterr,
		.xCurrentTimeInt64 = v_time64,
	};
	registered = sqlite3_vfs_register(&fault_vfs, 0) == SQLITE_OK;
}

const char *faultvfs_name(void)
{
	control_path = getenv("FRONTLINE_FAULT_FILE");
	if (!control_path || !*control_path)
		return NULL;
	pthread_once(&once, register_vfs);
	return registered ? VFS_NAME : NULL;
}
