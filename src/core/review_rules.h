#ifndef FL_REVIEW_RULES_H
#define FL_REVIEW_RULES_H
/* The rules of learning from failure: failure-review causes, closing a review, the channels a
 * case crossed, survey confidentiality, system-issue owners and coaching-note access.  Pure
 * functions: no storage, no clock.  Each check returns 0 when allowed, or -1 with err filled
 * (stable codes documented in docs/learning.md). */
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/roles.h"

/* The systemic taxonomy, most systemic first; "individual" is last on purpose.  NULL-terminated. */
extern const char *const REVIEW_CATEGORIES[];
#define REVIEW_INDIVIDUAL "individual"
/* A reason for an "individual" cause must show the system causes were considered: at least this
 * many non-space characters. */
#define REVIEW_MIN_INDIVIDUAL_REASON 20

int review_category_valid(const char *category);

/* A cause needs a known category and evidence (non-blank).  "individual" also needs a written
 * reason (reason_text) of at least REVIEW_MIN_INDIVIDUAL_REASON non-space characters saying why
 * the system causes (system/tools, process, policy, ...) do not explain the failure.
 * Codes: unknown_category (400), evidence_required (400), individual_needs_reason (422). */
int review_check_cause(const char *category, const char *evidence, const char *reason, fl_err *err);

/* Who may read a failure review: a role holding PERM_READ_ANY_REVIEW (supervisors, leaders,
 * admins, the system), the review's owner and the owner of the case.  Returns 1 or 0. */
int review_may_read(enum role role, const char *actor_id, const char *owner_id, const char *case_owner_id);
/* Who may change a review (causes, actions, facts, closing): a role holding PERM_EDIT_ANY_REVIEW
 * (leaders, admins, the system) and the review's owner.  Code: not_review_owner (403). */
int review_may_edit(enum role role, const char *actor_id, const char *owner_id, fl_err *err);

/* Closing: the review must be open and name at least one cause.
 * Codes: review_closed (409), causes_required (422). */
int review_may_close(int open, int n_causes, fl_err *err);

/* The channels a case crossed: touchpoint channels in time order with repeats collapsed
 * ("chat","chat","phone","store" -> "chat","phone","store").  Writes at most max pointers (borrowed
 * from channels) into path and returns how many.  Boundaries are consecutive pairs of path. */
size_t review_channel_path(const char *const *channels, size_t n, const char **path, size_t max);

/* Action timing, like requests: remind `remind_before_ms` before due (never before created_at),
 * escalate `escalate_after_ms` after due. */
void review_action_times(int64_t created_at, int64_t due_at, int64_t remind_before_ms, int64_t escalate_after_ms,
			 int64_t *remind_at, int64_t *escalate_at);

/* Survey confidentiality: the smallest group a report shows is the organization's setting, but
 * never below 2, so no report is ever one person's answers. */
#define SURVEY_MIN_GROUP_FLOOR 2
long long survey_min_group(long long setting);
/* Is a team's group shown to this viewer?  respondents counts the team's respondents; when the
 * viewer is one of them (viewer_in_group) they are not counted, so a supervisor who answered can't
 * subtract their own answers to read one colleague's. */
int survey_group_visible(long long respondents, int viewer_in_group, long long min_setting);
/* How many of a team's `responses` (the first ones, in answer order) a report publishes, so that
 * nobody is identified by differencing two reports.  Numbers move in steps of s = the smallest
 * group + 1 (so a respondent reading the report still faces at least the smallest group of
 * others in any step): while the survey is open, every complete step but the last; when it is
 * closed, all of them (then the last change is the held-back step plus the rest: at least s).
 * Every change between two reports of one survey is therefore at least s responses. */
long long survey_published(long long responses, int closed, long long min_setting);
/* Survey ratings are 1..5. */
int survey_rating_ok(long long rating);

/* A system issue's owner must hold PERM_OWN_SYSTEM_ISSUE (a leader) and be active.
 * Codes: owner_not_leader (422), person_inactive (422). */
int issue_owner_ok(enum role owner_role, int owner_active, fl_err *err);

/* Coaching notes.  Writing: the coach must be a supervisor or leader and the employee's manager
 * (direct, or higher up the reporting line: in_line), and not coach themself.
 * Codes: role_required (403), self_coaching (422), not_in_reporting_line (403). */
int coaching_may_write(enum role coach_role, const char *coach_id, const char *employee_id, int in_line, fl_err *err);
/* Reading: only the two people of the note. */
int coaching_may_read(const char *actor_id, const char *supervisor_id, const char *employee_id);
/* Reading under a legal hold: an admin, while a hold on the supervisor or the employee is active.
 * Codes: role_required (403), no_legal_hold (403). */
int coaching_may_read_under_hold(enum role actor_role, int hold_active, fl_err *err);

#endif
