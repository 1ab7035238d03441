/* The log's frames gathered (see walbuf.h).  Each file opened through the shim wraps a file of
 * the VFS below (store/vfsshim.h).  A connection's main database file and its log know each other
 * (`peer`, set when SQLite opens the log: sqlite3_database_file_object), so the main file's
 * wal-index calls can write or drop the log's buffer and the log can read the connection's switch
 * and counters kept on the main file. */
#include "store/walbuf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/faultvfs.h"
#include "store/vfsshim.h"

#define VFS_NAME "fl-walbuf"

struct wb_file {
	struct vfsshim_file shim; /* our methods, the file of the VFS below */
	struct wb_file *peer;	  /* main file: its open log; log: its connection's main file */
	int is_wal;
	int gather;		     /* main file: walbuf_enable() accepted the connection */
	struct walbuf_counts counts; /* main file */
	/* the log's buffer: len bytes from file offset off */
	unsigned char *buf;
	size_t len, cap;
	sqlite3_int64 off;
};

static sqlite3_vfs wb_vfs;
static sqlite3_io_methods wb_io; /* defined with the methods, below */

#define WB(f)	((struct wb_file *)(f))
#define REAL(f) (WB(f)->shim.real)

static int gathering(const struct wb_file *w) { return w->is_wal && w->peer && w->peer->gather; }

/* Write the buffer to the file below, in pieces of WALBUF_PIECE bytes.  On failure the bytes not
 * written stay (see walbuf.h). */
static int flush(struct wb_file *w)
{
	size_t done = 0;
	int rc = SQLITE_OK;
	while (done < w->len && rc == SQLITE_OK) {
		size_t n = w->len - done < WALBUF_PIECE ? w->len - done : WALBUF_PIECE;
		rc = REAL(w)->pMethods->xWrite(REAL(w), w->buf + done, (int)n, w->off + (sqlite3_int64)done);
		if (rc == SQLITE_OK) {
			done += n;
			if (w->peer)
				w->peer->counts.flushes++;
		}
	}
	if (w->peer)
		w->peer->counts.flushed_bytes += (long long)done;
	if (done && done < w->len)
		memmove(w->buf, w->buf + done, w->len - done);
	w->len -= done;
	w->off += (sqlite3_int64)done;
	return rc;
}

static void append(struct wb_file *w, const void *data, size_t n, sqlite3_int64 off)
{
	if (!w->len)
		w->off = off;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 64 * 1024;
		while (cap < w->len + n)
			cap *= 2;
		w->buf = xrealloc(w->buf, cap);
		w->cap = cap;
	}
	memcpy(w->buf + w->len, data, n);
	w->len += n;
	w->peer->counts.gathered++;
}

static int w_write(sqlite3_file *f, const void *data, int n, sqlite3_int64 off)
{
	struct wb_file *w = WB(f);
	if (w->is_wal && w->peer)
		w->peer->counts.writes++;
	if (!gathering(w) && !w->len)
		return REAL(w)->pMethods->xWrite(REAL(w), data, n, off);
	int rc = SQLITE_OK;
	if (w->len && (off != w->off + (sqlite3_int64)w->len || w->len + (size_t)n > WALBUF_CAP))
		rc = flush(w);
	if (rc != SQLITE_OK)
		return rc;
	if (!gathering(w) || (size_t)n > WALBUF_CAP)
		return REAL(w)->pMethods->xWrite(REAL(w), data, n, off);
	append(w, data, (size_t)n, off);
	return SQLITE_OK;
}

static int w_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	int rc = flush(WB(f));
	return rc ? rc : REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}
static int w_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int rc = flush(WB(f));
	return rc ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int w_sync(sqlite3_file *f, int flags)
{
	int rc = flush(WB(f));
	return rc ? rc : REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int w_size(sqlite3_file *f, sqlite3_int64 *size)
{
	int rc = flush(WB(f));
	return rc ? rc : REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int w_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	int rc = flush(WB(f));
	return rc ? rc : REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

/* SQLITE_FCNTL_PRAGMA reaches the main file before SQLite runs a pragma: a new `synchronous`
 * turns gathering off (walbuf_enable() decides again, never a guess here). */
static int w_fcntl(sqlite3_file *f, int op, void *arg)
{
	struct wb_file *w = WB(f);
	int rc = flush(w);
	if (rc != SQLITE_OK)
		return rc;
	if (op == SQLITE_FCNTL_PRAGMA && !w->is_wal) {
		char **a = arg;
		if (a[1] && a[2] && sqlite3_stricmp(a[1], "synchronous") == 0) {
			if (w->peer && (rc = flush(w->peer)) != SQLITE_OK)
				return rc;
			w->gather = 0;
		}
	}
	return REAL(w)->pMethods->xFileControl(REAL(w), op, arg);
}

static int w_close(sqlite3_file *f)
{
	struct wb_file *w = WB(f);
	int rc = flush(w);
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
	if (w->peer && w->peer->peer == w)
		w->peer->peer = NULL;
	w->peer = NULL;
	int rc2 = REAL(w)->pMethods ? REAL(w)->pMethods->xClose(REAL(w)) : SQLITE_OK;
	return rc ? rc : rc2;
}

/* The main file's wal-index calls: write the log's buffer before SQLite publishes a header, drop
 * it when the connection gives up the write lock (slot 0). */
static void w_shm_barrier(sqlite3_file *f)
{
	struct wb_file *w = WB(f);
	if (w->peer && w->peer->len)
		(void)flush(w->peer); /* under FULL never reached: xSync wrote it (walbuf.h) */
	REAL(w)->pMethods->xShmBarrier(REAL(w));
}
static int w_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	struct wb_file *w = WB(f);
	if ((flags & SQLITE_SHM_UNLOCK) && off == 0 && w->peer && w->peer->len) {
		w->peer->len = 0;
		w->counts.dropped++;
	}
	return REAL(w)->pMethods->xShmLock(REAL(w), off, n, flags);
}

/* these; vfsshim_fill gives the others the pass-through */
static sqlite3_io_methods wb_io = {
	.xClose = w_close,
	.xRead = w_read,
	.xWrite = w_write,
	.xTruncate = w_truncate,
	.xSync = w_sync,
	.xFileSize = w_size,
	.xFileControl = w_fcntl,
	.xShmLock = w_shm_lock,
	.xShmBarrier = w_shm_barrier,
	.xFetch = w_fetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct wb_file *w = WB(f);
	memset(w, 0, sizeof *w);
	int rc = vfsshim_open(vfs, name, &w->shim, flags, out_flags, &wb_io);
	if (rc == SQLITE_OK && f->pMethods && (flags & SQLITE_OPEN_WAL) && name) {
		sqlite3_file *dbf = sqlite3_database_file_object(name);
		if (dbf && dbf->pMethods == &wb_io) {
			w->is_wal = 1;
			w->peer = WB(dbf);
			WB(dbf)->peer = w;
		}
	}
	return rc;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int registered;

static void register_vfs(void)
{
	sqlite3_vfs *below = sqlite3_vfs_find(faultvfs_name()); /* NULL: the default VFS */
	if (!below || below->iVersion < 2)
		return;
	vfsshim_fill(&wb_io);
	registered = vfsshim_register(&wb_vfs, VFS_NAME, below, (int)sizeof(struct wb_file), v_open);
}

const char *walbuf_vfs_name(void)
{
	pthread_once(&once, register_vfs);
	return registered ? VFS_NAME : NULL;
}

/* h's main file when it is the shim's, else NULL. */
static struct wb_file *main_file(sqlite3 *h)
{
	sqlite3_file *f = NULL;
	if (sqlite3_file_control(h, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f || f->pMethods != &wb_io)
		return NULL;
	return WB(f);
}

/* The first column of a one-row pragma as text into out ("" when none). */
static void pragma_text(sqlite3 *h, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt *st = NULL;
	out[0] = '\0';
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (t && str_copy(out, outlen, (const char *)t) != 0)
			out[0] = '\0';
	}
	sqlite3_finalize(st);
}

int walbuf_enable(sqlite3 *h)
{
	const char *sw = getenv("FRONTLINE_WAL_GATHER");
	struct wb_file *m = main_file(h);
	if (!m || (sw && strcmp(sw, "0") == 0))
		return -1;
	char sync[16], mode[16];
	pragma_text(h, "PRAGMA synchronous", sync, sizeof sync);
	pragma_text(h, "PRAGMA journal_mode", mode, sizeof mode);
	if ((strcmp(sync, "2") != 0 && strcmp(sync, "3") != 0) || sqlite3_stricmp(mode, "wal") != 0)
		return -1;
	if (!(REAL(m)->pMethods->xDeviceCharacteristics(REAL(m)) & SQLITE_IOCAP_POWERSAFE_OVERWRITE))
		return -1;
	m->gather = 1;
	return 0;
}

int walbuf_counts(sqlite3 *h, struct walbuf_counts *out)
{
	struct wb_file *m = main_file(h);
	if (!m)
		return -1;
	*out = m->counts;
	return 0;
}
