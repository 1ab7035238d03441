/* The pass-through part of a VFS shim (see vfsshim.h). */
#include "store/vfsshim.h"

#define REAL(f)	 (((struct vfsshim_file *)(f))->real)
#define BELOW(v) ((sqlite3_vfs *)(v)->pAppData)

static int p_close(sqlite3_file *f) { return REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK; }
static int p_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off) { return REAL(f)->pMethods->xRead(REAL(f), buf, n, off); }
static int p_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}
static int p_truncate(sqlite3_file *f, sqlite3_int64 size) { return REAL(f)->pMethods->xTruncate(REAL(f), size); }
static int p_sync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int p_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int p_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int p_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int p_check(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int p_fcntl(sqlite3_file *f, int op, void *arg) { return REAL(f)->pMethods->xFileControl(REAL(f), op, arg); }
static int p_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int p_caps(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int p_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}
static int p_shm_lock(sqlite3_file *f, int off, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags); }
static void p_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int p_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int p_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int p_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), off, p); }

static const sqlite3_io_methods pass_io = {
	.iVersion = 3,
	.xClose = p_close,
	.xRead = p_read,
	.xWrite = p_write,
	.xTruncate = p_truncate,
	.xSync = p_sync,
	.xFileSize = p_size,
	.xLock = p_lock,
	.xUnlock = p_unlock,
	.xCheckReservedLock = p_check,
	.xFileControl = p_fcntl,
	.xSectorSize = p_sector,
	.xDeviceCharacteristics = p_caps,
	.xShmMap = p_shm_map,
	.xShmLock = p_shm_lock,
	.xShmBarrier = p_shm_barrier,
	.xShmUnmap = p_shm_unmap,
	.xFetch = p_fetch,
	.xUnfetch = p_unfetch,
};

int vfsshim_open(sqlite3_vfs *shim, const char *name, struct vfsshim_file *f, int flags, int *out_flags,
		 const sqlite3_io_methods *io)
{
	sqlite3_vfs *below = BELOW(shim);
	f->real = (sqlite3_file *)((char *)f + shim->szOsFile - below->szOsFile);
	f->real->pMethods = NULL;
	int rc = below->xOpen(below, name, f->real, flags, out_flags);
	f->base.pMethods = f->real->pMethods ? io : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync) { return BELOW(v)->xDelete(BELOW(v), name, sync); }
static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	return BELOW(v)->xAccess(BELOW(v), name, flags, out);
}
static int v_full(sqlite3_vfs *v, const char *name, int n, char *out) { return BELOW(v)->xFullPathname(BELOW(v), name, n, out); }
static void *v_dlopen(sqlite3_vfs *v, const char *name) { return BELOW(v)->xDlOpen(BELOW(v), name); }
static void v_dlerror(sqlite3_vfs *v, int n, char *msg) { BELOW(v)->xDlError(BELOW(v), n, msg); }
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void) { return BELOW(v)->xDlSym(BELOW(v), h, sym); }
static void v_dlclose(sqlite3_vfs *v, void *h) { BELOW(v)->xDlClose(BELOW(v), h); }
static int v_random(sqlite3_vfs *v, int n, char *out) { return BELOW(v)->xRandomness(BELOW(v), n, out); }
static int v_sleep(sqlite3_vfs *v, int us) { return BELOW(v)->xSleep(BELOW(v), us); }
static int v_time(sqlite3_vfs *v, double *out) { return BELOW(v)->xCurrentTime(BELOW(v), out); }
static int v_lasterr(sqlite3_vfs *v, int n, char *out) { return BELOW(v)->xGetLastError(BELOW(v), n, out); }
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out) { return BELOW(v)->xCurrentTimeInt64(BELOW(v), out); }

int vfsshim_register(sqlite3_vfs *out, const char *name, sqlite3_vfs *below, int file_size,
		     int (*open)(sqlite3_vfs *, const char *, sqlite3_file *, int, int *))
{
	*out = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = file_size + below->szOsFile,
		.mxPathname = below->mxPathname,
		.zName = name,
		.pAppData = below,
		.xOpen = open,
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
	return sqlite3_vfs_register(out, 0) == SQLITE_OK;
}

#define FILL(m)                            \
	do {                               \
		if (!io->m)                \
			io->m = pass_io.m; \
	} while (0)

void vfsshim_fill(sqlite3_io_methods *io)
{
	io->iVersion = pass_io.iVersion;
	FILL(xClose);
	FILL(xRead);
	FILL(xWrite);
	FILL(xTruncate);
	FILL(xSync);
	FILL(xFileSize);
	FILL(xLock);
	FILL(xUnlock);
	FILL(xCheckReservedLock);
	FILL(xFileControl);
	FILL(xSectorSize);
	FILL(xDeviceCharacteristics);
	FILL(xShmMap);
	FILL(xShmLock);
	FILL(xShmBarrier);
	FILL(xShmUnmap);
	FILL(xFetch);
	FILL(xUnfetch);
}
