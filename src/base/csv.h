#ifndef FL_CSV_H
#define FL_CSV_H
/* Tabular JSON to CSV (RFC 4180): rows is an array of objects; the columns are the keys of the
 * first row, in order.  Nested objects are written as their "name" (or "id") when they have one,
 * else as compact JSON.  Text cells a spreadsheet could run as a formula (csv_formula_like) are
 * quoted and prefixed with ' (OWASP, "CSV Injection").  Returns a new string (caller frees). */
#include <jansson.h>

char *csv_from_rows(json_t *rows);

/* 1 when text starts, after any leading spaces, with one of = + - @ tab or carriage return:
 * the openings spreadsheets treat as a formula. */
int csv_formula_like(const char *s);

#endif
