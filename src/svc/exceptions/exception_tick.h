#ifndef FL_SVC_EXCEPTION_TICK_H
#define FL_SVC_EXCEPTION_TICK_H
/* What happens to exceptions without a request (svc/exceptions/exception_tick.c); registered in
 * svc/registry.c. */
#include "svc/svc.h"

int exception_tick(svc_ctx *c, json_t *summary);                       /* expires exceptions past their window */
int exception_tick_due(svc_ctx *c, int64_t until, int64_t *next);        /* when the next one expires */
int exception_resolve_hook(svc_ctx *c, const char *case_id, json_t *in); /* withdraws those still proposed */

#endif
