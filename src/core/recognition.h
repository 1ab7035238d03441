#ifndef FL_RECOGNITION_H
#define FL_RECOGNITION_H
/* Recognition of accountable acts, read from the record (docs/recognition.md).  Pure rules: each
 * function gets plain facts about one event and says whether it is an ownership act, and whose.
 * No storage, no clock: the service (svc/recognition/acts.c) gathers the facts when the event is
 * written and records what these rules recognise.
 *
 * The acts, and the person each one credits:
 *   routed_outside   took a customer in and routed the case to someone in another team, or did so
 *                    from a role that does not serve customers (S4: Omar at the trade show);
 *                    credits the person who took the case in and offered it on;
 *   on_call_takeover accepted a case handed over from another team while on call (S8: Rosa's
 *                    weekend intake); credits the one who accepted;
 *   follow_up        checked on a request one asked for (or that one's case needs) before it was
 *                    due (S5: Jo's call to Dispatch); credits the one who followed up;
 *   rescue           a promise kept after it had become at risk; credits whoever completed a
 *                    request blocking it after it became at risk (S8: Dana), else whoever kept it;
 *   put_right        resolved a case whose breach was attributed to another team (S1's store);
 *   issue_fixed      raised a system issue that its owner then fixed; credits who raised it;
 *   cosign_adopted   co-signed an exception that a review later adopted as policy. */
#include <stdint.h>

#include "core/roles.h"

enum rec_kind {
	REC_ROUTED_OUTSIDE,
	REC_ON_CALL_TAKEOVER,
	REC_FOLLOW_UP,
	REC_RESCUE,
	REC_PUT_RIGHT,
	REC_ISSUE_FIXED,
	REC_COSIGN_ADOPTED,
	REC_KIND_COUNT
};

/* "routed_outside" ...; "?" outside the enum. */
const char *rec_kind_name(enum rec_kind k);
/* A sentence for people: "Took a customer in and routed them outside their own team or role". */
const char *rec_kind_label(enum rec_kind k);
/* 0 and *out for a name above, -1 otherwise. */
int rec_kind_parse(const char *s, enum rec_kind *out);

/* Whether a role serves customers as its work (frontline and supervisors). */
int rec_customer_facing(enum role r);

/* An accepted offer.  Team ids may be "" (no team). */
struct rec_handover {
	const char *intake_id;   /* who took the case in */
	const char *from_id;     /* who offered it */
	enum role from_role;
	const char *from_team;
	const char *to_id;       /* who accepted */
	const char *to_team;
	int to_on_call;          /* the one who accepted was on call at that moment */
};
/* 1 when the offerer took the case in and handed it outside their team (a different team, or no
 * team on one side), or took it in from a role that does not serve customers; never to oneself. */
int rec_routed_outside(const struct rec_handover *h);
/* 1 when the one who accepted was on call and the case came from another team (or from nobody's). */
int rec_on_call_takeover(const struct rec_handover *h);

/* A follow-up on a request. */
struct rec_follow_up {
	const char *actor_id;
	const char *asked_by;   /* who made the request */
	const char *case_owner; /* who owns the case it serves */
	const char *status;     /* open, accepted, deferred, done, declined */
	int64_t due_at;
	int64_t overdue_at;     /* 0 when the scheduler has not marked it overdue */
	int64_t now;
};
/* 1 when the one following up asked for the request or owns its case, the request is still
 * outstanding, and it is not yet due (a follow-up after it went overdue is not an act). */
int rec_follow_up(const struct rec_follow_up *f);

/* 1 when a promise was kept (kept != 0) after it had become at risk (at_risk_at > 0). */
int rec_rescue(int kept, int64_t at_risk_at);
/* 1 when a request blocking the promise, completed at done_at, was completed once the promise was
 * at risk: its holder is the one who rescued it. */
int rec_rescued_by_request(int64_t at_risk_at, int64_t done_at);

/* A breach on a case being resolved: who or which team held it up. */
struct rec_breach_hold {
	const char *person_id; /* "" when a team held it */
	const char *team_id;   /* the holding team, or the holding person's team; "" unknown */
};
/* 1 when the resolver put right what another team held up: the breach was held by a team that is
 * not the resolver's, and not by the resolver personally. */
int rec_put_right(const char *resolver_id, const char *resolver_team, const struct rec_breach_hold *h);

/* 1 when the issue was fixed by someone other than the one who raised it. */
int rec_issue_fixed(int fixed, const char *raised_by, const char *fixed_by);
/* 1 when a review's verdict adopts the exception as policy ("adopt"). */
int rec_cosign_adopted(const char *verdict);

/* Thanks from one colleague to another: 0 when allowed, else the stable error code
 * ("thanks_to_self", "thanks_limit": given_today already reached limit_per_day). */
const char *rec_thanks_refusal(const char *from_id, const char *to_id, int64_t given_today, int64_t limit_per_day);

/* The scorecard's measures, each with what it counts and what it deliberately does not. */
struct rec_measure {
	const char *key;
	const char *label;
	const char *explains;
};
extern const struct rec_measure REC_MEASURES[];
extern const int REC_MEASURE_COUNT;
/* What a scorecard deliberately leaves out, and why (one sentence each, NULL-terminated). */
extern const char *const REC_NOT_COUNTED[];

#endif
