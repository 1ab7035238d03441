#ifndef FL_CSV_H
#define FL_CSV_H
/* Tabular JSON to CSV (RFC 4180): rows is an array of objects; the columns are the keys of the
 * first row, in order.  Nested objects are written as their "name" (or "id") when they have one,
 * else as compact JSON.  Cells that start with = + - @ are prefixed with ' so spreadsheets do not
 * run them as formulas.  Returns a new string (caller frees). */
#include <jansson.h>

char *csv_from_rows(json_t *rows);

#endif
