#ifndef FL_FAULTVFS_H
#define FL_FAULTVFS_H
/* A fault-injecting SQLite VFS, for tests only (tests/e2e/test_faults.py).
 *
 * When the environment variable FRONTLINE_FAULT_FILE names a file, every SQLite connection the
 * process opens goes through this VFS, which passes each call to the default VFS except the one
 * the control file asks to fail.  The control file holds one line:
 *
 *     OP N CODE [sticky]
 *
 * OP is read, write or sync (write also covers truncate); N counts the matching operations
 * (1 = the next one) from the moment the file last changed; CODE is ioerr (SQLITE_IOERR_READ /
 * _WRITE / _FSYNC) or full (SQLITE_FULL).  With `sticky` every matching operation from the Nth on
 * fails, as on a full disk, until the file changes again.  An empty or missing file injects
 * nothing.  The file is re-read whenever its modification time or size changes.
 *
 * Without FRONTLINE_FAULT_FILE nothing is registered and SQLite runs as always. */

/* The VFS name to pass to sqlite3_open_v2 (registered on first use), or NULL when fault
 * injection is off. */
const char *faultvfs_name(void);

/* The pure part, unit-tested: parse a control line.  Returns 0 and fills the fields, or -1 when
 * the line is malformed (then nothing is injected). */
enum faultvfs_op { FAULT_NONE, FAULT_READ, FAULT_WRITE, FAULT_SYNC };
struct faultvfs_rule {
	enum faultvfs_op op;
	long long nth;
	int full;   /* 1: SQLITE_FULL, 0: SQLITE_IOERR_* */
	int sticky; /* fail every matching operation from the nth on */
};
int faultvfs_parse(const char *line, struct faultvfs_rule *out);

#endif
