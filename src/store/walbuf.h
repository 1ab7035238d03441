#ifndef FL_WALBUF_H
#define FL_WALBUF_H
/* The log's frames gathered: a SQLite VFS shim that writes a commit's WAL frames in few writes.
 *
 * SQLite writes each WAL frame with two calls (its 24-byte header, then the page), so a commit
 * of 400 pages is 800 pwrite calls before its fsync; on a paravirtualized VM each is a costly
 * exit.  Through this shim the appends to a connection's `-wal` file are copied into one buffer
 * and written with one write of the VFS below per WALBUF_PIECE bytes when SQLite syncs the log
 * (the commit's xSync).
 * Durability is unchanged: SQLite's commit is its xSync on the log, the shim writes the buffer
 * first and syncs after, and a commit returns only when both did.
 *
 * What is gathered, and when it is written:
 * - Only the `-wal` file (opened with SQLITE_OPEN_WAL), and only on a connection that
 *   walbuf_enable() accepted.  Every other file, and every call not named below, passes
 *   straight to the VFS below.
 * - Contiguous appends are buffered: a write at the buffer's end joins it; an empty buffer starts
 *   at any offset.  A write anywhere else (SQLite overwriting a frame it spilled earlier in the
 *   transaction, or rewriting checksums) first writes the buffer, then goes through itself.
 * - The buffer is written before xSync, xRead (so the connection reads what it wrote), xFileSize,
 *   xTruncate, xFileControl, xFetch and xClose of the log, and when it would pass WALBUF_CAP
 *   bytes (then a larger write goes straight through).
 * - A write of the buffer that fails is reported by the call that needed it (xSync's error
 *   fails the commit, so nothing is acknowledged) and the bytes stay buffered: SQLite may roll a
 *   statement back and go on with the transaction, whose earlier frames must still reach the
 *   file.  They are dropped only when the connection gives up the log's write lock (below).
 *
 * Why other connections never see a frame that is not in the file: they read frames only up to
 * the last commit the wal-index publishes, and SQLite publishes a commit after the log's sync.
 * So this is only correct when every commit syncs: `synchronous` FULL or EXTRA in WAL mode
 * (NORMAL and OFF commit without a sync; then the wal-index would name frames still in a
 * buffer).  Hence gathering is off until walbuf_enable() has read `PRAGMA synchronous` (2 or 3)
 * and `PRAGMA journal_mode` (wal) on that connection, and any later `PRAGMA synchronous = ...`
 * on it turns gathering off again (after writing the buffer).  Two more guards, on the main
 * database file through which SQLite reaches the wal-index:
 * - before each xShmBarrier (SQLite calls it between the two copies of the wal-index header it
 *   publishes) a non-empty buffer is written, so the index never names a buffered frame even if
 *   a commit did not sync; under FULL the buffer is empty there and nothing happens;
 * - when the connection releases the log's write lock (xShmLock unlocking slot 0), whatever is
 *   still buffered belongs to a transaction that rolled back or whose commit failed: it is
 *   dropped, so a later flush can never overwrite frames another connection wrote meanwhile.
 * walbuf_enable() also requires SQLITE_IOCAP_POWERSAFE_OVERWRITE (without it SQLite pads a
 * commit to a sector and writes the last frame's tail after the sync).
 *
 * It stacks with the fault-injecting VFS (faultvfs.h): when fault injection is on, the VFS below
 * is the fault VFS, so its `write N` counts the shim's writes and a write fault reaches the
 * commit as the xSync error. */
#include <sqlite3.h>

/* The most a log's buffer holds: 8 MiB (about 2,000 frames of 4 KiB pages). */
#define WALBUF_CAP (8u << 20)
/* The most one write to the VFS below carries: SQLite's unix VFS takes at most 128 KiB - 1 bytes a
 * call (it masks a larger count with 0x1ffff), so the buffer goes down in pieces of 124 KiB: a
 * commit of 400 frames (1.6 MiB) is 14 write calls instead of SQLite's 800. */
#define WALBUF_PIECE (124u << 10)

/* The VFS name to pass to sqlite3_open_v2: the shim over the fault VFS when faultvfs_name()
 * is on at the first call, over the default VFS otherwise (registered once, not as default).
 * NULL when it cannot be registered (then open with faultvfs_name()). */
const char *walbuf_vfs_name(void);

/* Turn gathering on for h's log.  Returns 0 when on, -1 (and leaves it off) when h's main file
 * is not opened through walbuf_vfs_name(), `PRAGMA synchronous` is below FULL, the journal mode is
 * not WAL (an in-memory database), the device lacks POWERSAFE_OVERWRITE, or the environment has
 * FRONTLINE_WAL_GATHER=0 (a switch for measuring without it).  Call it after setting the
 * pragmas, on the thread that owns h. */
int walbuf_enable(sqlite3 *h);

/* What the shim did on h's connection since it was opened (tests and benchmarks). */
struct walbuf_counts {
	long long writes;	 /* xWrite calls SQLite made on the log */
	long long gathered;	 /* of them, copied into the buffer */
	long long flushes;	 /* writes of the buffer to the VFS below */
	long long flushed_bytes; /* bytes those writes carried */
	long long dropped;	 /* buffers dropped at the write lock's release (rolled back) */
};

/* Fill out with h's counts; 0, or -1 when h's main file is not the shim's. */
int walbuf_counts(sqlite3 *h, struct walbuf_counts *out);

#endif
