#ifndef FL_ID_H
#define FL_ID_H
#include <stddef.h>
#include <stdint.h>

/* Object ids: "<prefix>_" + 26 Crockford base32 characters (48-bit time in ms, 80 random bits),
 * so ids sort by creation time, never repeat and reveal nothing about other organizations.
 * Ids are chosen by the program, not the database, so both backends and copies agree. */
#define ID_SIZE 40

void id_new(char out[ID_SIZE], const char *prefix, int64_t now_ms);
/* 1 if s looks like an id with this prefix (cheap syntax check before any query). */
int id_valid(const char *s, const char *prefix);

#endif
