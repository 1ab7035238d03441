#ifndef FL_FILE_H
#define FL_FILE_H
/* Whole small files: read one into memory with a size cap, create one durably without ever
 * replacing an existing file. */
#include <stddef.h>
#include <sys/types.h>

/* Read the file at path (at most max bytes) into a new NUL-terminated buffer *out (caller frees),
 * its length into *len and, when mode is not NULL, its permission bits into *mode.
 * Returns 0, or -1 with errno set (EFBIG when the file is longer than max) and *out NULL. */
int file_read(const char *path, size_t max, char **out, size_t *len, mode_t *mode);

/* Create path, which must not exist, with permission bits mode (not widened by the umask's absence:
 * they are set exactly), write len bytes of data, fsync it and its directory.  On any failure
 * nothing is left behind.  Returns 0, or -1 with errno set (EEXIST when path exists). */
int file_create(const char *path, mode_t mode, const void *data, size_t len);

#endif
