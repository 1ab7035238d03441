#ifndef FL_SVC_ROTA_H
#define FL_SVC_ROTA_H
/* On-call rotas (svc/directory/rota.c): the rota resource, and rotas loaded with their layers and
 * overrides for the other on-call parts (who can help, coverage, the calendar). */
#include <stddef.h>

#include "base/limits.h"
#include "base/tz.h"
#include "core/rota.h"
#include "svc/svc.h"

extern const struct route rota_routes[];

#define MAX_LAYERS 3

struct layer_rt {
	char name[16];
	struct rota_layer l;
	char (*members)[ID_SIZE];
	size_t nov, capov;
	struct rota_interval *ov;
	char (*ov_person)[ID_SIZE];
	unsigned char *absent; /* deactivated: members, then overrides (core/rota.h rota_keep_present) */
};

struct rota_rt {
	char id[ID_SIZE], name[FL_MAX_NAME + 1], skill_id[ID_SIZE], skill[FL_MAX_SHORT + 1];
	char location_id[ID_SIZE], location[FL_MAX_NAME + 1], region[FL_MAX_SHORT + 1], tz[FL_MAX_SHORT + 1];
	const tz_zone *z;
	int nlayers;
	struct layer_rt layers[MAX_LAYERS];
};

struct rota_set {
	struct rota_rt *v;
	size_t n;
};

/* Load the rotas matching where (SQL after "WHERE r.org_id = ?", with up to two text arguments
 * arg, arg2 or none), with their overrides that touch [from, to), into set (caller frees with
 * rota_set_free).  Rotas whose time zone is unknown are left out.  Returns 0 or -1 (err set). */
int rota_load_all(svc_ctx *c, const char *where, const char *arg, const char *arg2, int64_t from, int64_t to,
		  struct rota_set *set);
void rota_set_free(struct rota_set *s);
/* The shifts of layer l of rota t in [from, to) that someone present covers (deactivated people
 * cover nothing: their time is a gap).  As rota_shifts: *out is new (caller frees). */
size_t rota_layer_shifts(const struct rota_rt *t, const struct layer_rt *l, int64_t from, int64_t to,
			 struct rota_interval **out);
/* Who covers layer l at `at`, as rota_who_at; 0 (nobody) when that person is deactivated. */
int rota_layer_who_at(const struct rota_rt *t, const struct layer_rt *l, int64_t at, struct rota_interval *shift);
/* The person a rota_at() answer `who` names on layer l ("" when none). */
const char *rota_layer_person(const struct layer_rt *l, int who);
/* The index of a layer name ("primary", ...), or -1. */
int rota_layer_index(const char *name);

#endif
