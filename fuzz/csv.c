/* CSV export (base/csv.c) of any rows a list or report can hold.
 *
 * Input: JSON text, the `items` array.  The CSV must read back (RFC 4180, parsed here independently)
 * as the table csv.h promises: a header of the first row's keys, then one record per row with each
 * cell's text; and a text cell a spreadsheet would run as a formula (OWASP: = + - @ tab CR, also
 * after leading spaces) must come out prefixed with ' . */
#include "base/csv.h"

#include "fuzz.h"

struct reader {
	const char *p;
};

/* The next field of the current record (new string); *last says it ended the record. */
static char *next_field(struct reader *r, int *last)
{
	size_t cap = strlen(r->p) + 1, n = 0;
	char *out = xmalloc(cap);
	if (*r->p == '"') {
		r->p++;
		for (;;) {
			FUZZ_ASSERT(*r->p); /* a quoted field is closed */
			if (*r->p == '"' && r->p[1] == '"') {
				out[n++] = '"';
				r->p += 2;
			} else if (*r->p == '"') {
				r->p++;
				break;
			} else {
				out[n++] = *r->p++;
			}
		}
	} else {
		while (*r->p && *r->p != ',' && *r->p != '\r' && *r->p != '\n') {
			FUZZ_ASSERT(*r->p != '"'); /* a quote only in a quoted field */
			out[n++] = *r->p++;
		}
	}
	out[n] = '\0';
	if (*r->p == ',') {
		r->p++;
		*last = 0;
	} else {
		FUZZ_ASSERT(r->p[0] == '\r' && r->p[1] == '\n'); /* records end with CRLF */
		r->p += 2;
		*last = 1;
	}
	return out;
}

static int formula_like(const char *s)
{
	while (*s == ' ')
		s++;
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

/* The text csv.h says a cell holds. */
static char *cell_text(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (!v || json_is_null(v))
		return xstrdup("");
	json_t *name = json_object_get(v, "name"), *id = json_object_get(v, "id");
	if (json_is_string(name))
		return xstrdup(json_string_value(name));
	if (json_is_string(id))
		return xstrdup(json_string_value(id));
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	FUZZ_ASSERT(s);
	return s;
}

static void expect_cell(struct reader *r, json_t *v, int want_last)
{
	int last;
	char *got = next_field(r, &last), *want = cell_text(v);
	FUZZ_ASSERT(last == want_last);
	if (!json_is_number(v) && formula_like(want)) {
		FUZZ_ASSERT(got[0] == '\'');
		FUZZ_ASSERT(strcmp(got + 1, want) == 0);
	} else {
		FUZZ_ASSERT(strcmp(got, want) == 0);
	}
	free(got);
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *rows = json_loadb((const char *)data, size, 0, NULL);
	char *csv = csv_from_rows(rows);
	FUZZ_ASSERT(csv);
	json_t *first = json_array_get(rows, 0);
	if (!json_is_object(first) || json_object_size(first) == 0) {
		FUZZ_ASSERT(json_is_object(first) || !*csv); /* no columns: no table */
		free(csv);
		json_decref(rows);
		return 0;
	}
	struct reader r = {csv};
	size_t ncols = json_object_size(first), i = 0;
	const char *key;
	json_t *v;
	json_object_foreach(first, key, v)
	{
		json_t *k = json_string(key);
		expect_cell(&r, k, ++i == ncols);
		json_decref(k);
	}
	size_t n;
	json_t *row;
	json_array_foreach(rows, n, row)
	{
		i = 0;
		json_object_foreach(first, key, v)
		{
			expect_cell(&r, json_object_get(row, key), ++i == ncols);
		}
	}
	FUZZ_ASSERT(*r.p == '\0');
	free(csv);
	json_decref(rows);
	return 0;
}
