#ifndef FL_BASE_JSONTEXT_H
#define FL_BASE_JSONTEXT_H
/* Compact JSON text of a value, byte for byte what json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)
 * gives, in one growing buffer: jansson's dump checks every object and array for cycles through a
 * hash table keyed by a printed pointer and writes each token through a callback, which was a
 * third of rendering a 50-row list.  Returns a new NUL-terminated text (*len its length) or NULL
 * (a tree deeper than JSONTEXT_MAX_DEPTH, or a real jansson could not print). */
#include <jansson.h>
#include <stddef.h>

#define JSONTEXT_MAX_DEPTH 256

char *json_text(const json_t *v, size_t *len);

#endif
