#ifndef FL_SVC_SETTINGS_H
#define FL_SVC_SETTINGS_H
/* Organization settings: a JSON object in orgs.settings, each key declared once in the SETTINGS
 * table of svc/org/settings.c with its type, range, default and meaning.  Unknown keys and values out
 * of range are refused.  Capabilities read them with the functions below (the default applies
 * when the organization has not set the key). */
#include "svc/svc.h"

extern const struct route settings_routes[];

long long setting_int(svc_ctx *c, const char *key);
/* Text setting (e.g. a person id); returns a new string or NULL when unset.  Caller frees. */
char *setting_str(svc_ctx *c, const char *key);
/* 1 when url is an http:// or https:// address of at most max bytes, with a host, without blanks,
 * control characters, quotes, angle brackets, backslashes, a query or a fragment. */
int setting_url_ok(const char *url, size_t max);

#endif
