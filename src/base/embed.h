#ifndef FL_EMBED_H
#define FL_EMBED_H
#include <stddef.h>

/* Files compiled into the binary by tools/embed.c (migrations, API document, web UI).
 * Each data buffer is NUL-terminated; len excludes the NUL. */
struct embed_file {
	const char *name; /* path relative to the source tree, e.g. "migrations/sqlite/0001_ledger.sql" */
	const char *data;
	size_t len;
};

extern const struct embed_file embed_files[]; /* terminated by name == NULL, sorted by name */

/* The embedded file with this exact name, or NULL. */
const struct embed_file *embed_find(const char *name);

#endif
