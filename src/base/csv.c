#include "base/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

int csv_formula_like(const char *s)
{
	while (*s == ' ')
		s++;
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

static void cell(FILE *f, json_t *v)
{
	char *own = NULL;
	const char *s;
	if (json_is_string(v)) {
		s = json_string_value(v);
	} else if (json_is_null(v) || !v) {
		s = "";
	} else if (json_is_object(v) && (json_is_string(json_object_get(v, "name")) || json_is_string(json_object_get(v, "id")))) {
		s = json_string_value(json_is_string(json_object_get(v, "name")) ? json_object_get(v, "name") : json_object_get(v, "id"));
	} else {
		s = own = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	}
	int formula = !json_is_number(v) && csv_formula_like(s);
	int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
	free(own);
}

char *csv_from_rows(json_t *rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		fl_die("out of memory");
	json_t *first = json_array_get(rows, 0);
	if (json_is_object(first)) {
		const char *key;
		json_t *v;
		int i = 0;
		json_object_foreach(first, key, v)
		{
			json_t *name = json_string(key); /* a column name is quoted and guarded like a cell */
			if (i++)
				fputc(',', f);
			cell(f, name);
			json_decref(name);
		}
		fputs("\r\n", f);
		size_t n;
		json_t *row;
		json_array_foreach(rows, n, row)
		{
			i = 0;
			json_object_foreach(first, key, v)
			{
				if (i++)
					fputc(',', f);
				cell(f, json_object_get(row, key));
			}
			fputs("\r\n", f);
		}
	}
	fclose(f);
	return buf;
}
