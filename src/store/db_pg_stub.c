/* Placeholder until the PostgreSQL backend lands (issue 9): refuses postgres:// URLs clearly. */
#include <stdio.h>

#include "store/db.h"

int db_pg_open(const char *conninfo, db **out, char *err, unsigned long errlen)
{
	(void)conninfo;
	(void)out;
	snprintf(err, errlen, "PostgreSQL backend not built into this binary");
	return DB_ERROR;
}
