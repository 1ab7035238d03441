#ifndef FL_VFSSHIM_H
#define FL_VFSSHIM_H
/* What the SQLite VFS shims (faultvfs.c, walbuf.c) share: a file that wraps a file of the VFS
 * below it, and methods that pass every call down unchanged, so a shim writes only the methods it
 * changes. */
#include <sqlite3.h>

/* The head of a shim's file struct.  The VFS's szOsFile is the shim's struct plus the file of the
 * VFS below, which vfsshim_open places right after it. */
struct vfsshim_file {
	sqlite3_file base;  /* the shim's methods */
	sqlite3_file *real; /* the file of the VFS below */
};

/* Fill *out as a VFS named name (not copied) over below (kept in pAppData) and register it (not
 * as the default): its files are file_size bytes (a struct that starts with struct vfsshim_file)
 * and opened by open; every other method passes to below.  Returns 1 when registered, else 0. */
int vfsshim_register(sqlite3_vfs *out, const char *name, sqlite3_vfs *below, int file_size,
		     int (*open)(sqlite3_vfs *, const char *, sqlite3_file *, int, int *));

/* Give every method io leaves NULL the pass-through one (a shim names only the methods it changes). */
void vfsshim_fill(sqlite3_io_methods *io);

/* Open name through the VFS below shim into f's real file; f gets io as its methods whenever the
 * real file has methods (SQLite calls xClose only then), else none.  Returns the below VFS's code. */
int vfsshim_open(sqlite3_vfs *shim, const char *name, struct vfsshim_file *f, int flags, int *out_flags,
		 const sqlite3_io_methods *io);

#endif
