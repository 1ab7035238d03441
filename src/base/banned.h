#ifndef FL_BANNED_H
#define FL_BANNED_H
/* Unbounded or state-keeping C library calls are a compile error (as in git's banned.h).
 * Use instead: snprintf / xasprintf (sprintf, vsprintf), str_copy (strcpy, strncpy, strcat,
 * strncat), strtok_r or a hand-written scanner (strtok), gmtime_r / localtime_r (gmtime,
 * localtime, ctime, asctime), fgets (gets).
 *
 * The Makefile includes this header first in every translation unit (-include base/banned.h),
 * so it includes the system headers that declare these functions before it renames them:
 * later includes of those headers are no-ops, and the macros can't break their declarations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#undef sprintf
#undef vsprintf
#define sprintf(...) BANNED(sprintf)
#define vsprintf(...) BANNED(vsprintf)

#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef ctime_r
#define ctime_r(t, buf) BANNED(ctime_r)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef asctime_r
#define asctime_r(t, buf) BANNED(asctime_r)

#endif
