#include "core/roles.h"

#include <string.h>

static const char *const NAMES[] = {"frontline", "support", "supervisor", "leader", "admin", "system"};

int role_parse(const char *s, enum role *out)
{
	for (int i = 0; i <= ROLE_ADMIN; i++) {
		if (s && strcmp(s, NAMES[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

const char *role_name(enum role r)
{
	return (unsigned)r <= ROLE_SYSTEM ? NAMES[r] : "?";
}

int role_customer_facing(enum role r)
{
	return r == ROLE_FRONTLINE || r == ROLE_SUPERVISOR;
}

int role_manages(enum role r)
{
	return r == ROLE_SUPERVISOR || r == ROLE_LEADER || r == ROLE_ADMIN;
}
