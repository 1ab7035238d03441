#include "core/review_rules.h"

#include <ctype.h>
#include <string.h>

const char *const REVIEW_CATEGORIES[] = {
	"system_tools", "process", "policy", "resources_staffing", "training", "coordination_handoff",
	"incentives_compensation", "vendor", REVIEW_INDIVIDUAL, NULL,
};

int review_category_valid(const char *category)
{
	if (!category)
		return 0;
	for (const char *const *c = REVIEW_CATEGORIES; *c; c++)
		if (strcmp(*c, category) == 0)
			return 1;
	return 0;
}

static size_t nonspace(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			n++;
	return n;
}

int review_check_cause(const char *category, const char *evidence, const char *reason, fl_err *err)
{
	if (!review_category_valid(category))
		return err_set(err, ERR_INVALID, "unknown_category", "category",
			       "category must be one of system_tools, process, policy, resources_staffing, training, "
			       "coordination_handoff, incentives_compensation, vendor, individual");
	if (nonspace(evidence) == 0)
		return err_set(err, ERR_INVALID, "evidence_required", "evidence", "a cause needs evidence");
	if (strcmp(category, REVIEW_INDIVIDUAL) == 0 && nonspace(reason) < REVIEW_MIN_INDIVIDUAL_REASON)
		return err_set(err, ERR_RULE, "individual_needs_reason", "reason",
			       "an individual cause needs a written reason (at least %d characters) that the system causes "
			       "were considered and do not explain it",
			       REVIEW_MIN_INDIVIDUAL_REASON);
	return 0;
}

int review_may_read(enum role role, const char *actor_id, const char *owner_id, const char *case_owner_id)
{
	return role_may(role, PERM_READ_ANY_REVIEW) || strcmp(actor_id, owner_id) == 0 || strcmp(actor_id, case_owner_id) == 0;
}

int review_may_edit(enum role role, const char *actor_id, const char *owner_id, fl_err *err)
{
	if (role_may(role, PERM_EDIT_ANY_REVIEW) || strcmp(actor_id, owner_id) == 0)
		return 0;
	return err_set(err, ERR_FORBIDDEN, "not_review_owner", NULL,
		       "only the review's owner, a leader or an admin can change a review");
}

int review_may_close(int open, int n_causes, fl_err *err)
{
	if (!open)
		return err_set(err, ERR_CONFLICT, "review_closed", NULL, "the review is already closed");
	if (n_causes < 1)
		return err_set(err, ERR_RULE, "causes_required", NULL, "name at least one cause before closing the review");
	return 0;
}

size_t review_channel_path(const char *const *channels, size_t n, const char **path, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < max; i++) {
		if (!channels[i] || !*channels[i])
			continue;
		if (k > 0 && strcmp(path[k - 1], channels[i]) == 0)
			continue;
		path[k++] = channels[i];
	}
	return k;
}

void review_action_times(int64_t created_at, int64_t due_at, int64_t remind_before_ms, int64_t escalate_after_ms,
			 int64_t *remind_at, int64_t *escalate_at)
{
	int64_t r = due_at - remind_before_ms;
	*remind_at = r < created_at ? created_at : r;
	*escalate_at = due_at + escalate_after_ms;
}

long long survey_min_group(long long setting)
{
	return setting < SURVEY_MIN_GROUP_FLOOR ? SURVEY_MIN_GROUP_FLOOR : setting;
}

int survey_group_visible(long long respondents, int viewer_in_group, long long min_setting)
{
	long long others = respondents - (viewer_in_group ? 1 : 0);
	return others >= survey_min_group(min_setting);
}

long long survey_published(long long responses, int closed, long long min_setting)
{
	long long step = survey_min_group(min_setting) + 1;
	if (closed)
		return responses;
	long long steps = responses / step;
	return steps > 1 ? (steps - 1) * step : 0;
}

int survey_rating_ok(long long rating)
{
	return rating >= 1 && rating <= 5;
}

int issue_owner_ok(enum role owner_role, int owner_active, fl_err *err)
{
	if (!role_may(owner_role, PERM_OWN_SYSTEM_ISSUE))
		return err_set(err, ERR_RULE, "owner_not_leader", "owner",
			       "a system issue is owned by a leader (role leader), not by %s staff", role_name(owner_role));
	if (!owner_active)
		return err_set(err, ERR_RULE, "person_inactive", "owner", "that person is not active");
	return 0;
}

int coaching_may_write(enum role coach_role, const char *coach_id, const char *employee_id, int in_line, fl_err *err)
{
	if (!role_may(coach_role, PERM_WRITE_COACHING_NOTE))
		return err_set(err, ERR_FORBIDDEN, "role_required", NULL, "only supervisors and leaders record coaching notes");
	if (strcmp(coach_id, employee_id) == 0)
		return err_set(err, ERR_RULE, "self_coaching", "employee", "a coaching note is about someone else");
	if (!in_line)
		return err_set(err, ERR_FORBIDDEN, "not_in_reporting_line", "employee",
			       "you can coach only people who report to you (directly or through your reports)");
	return 0;
}

int coaching_may_read(const char *actor_id, const char *supervisor_id, const char *employee_id)
{
	return strcmp(actor_id, supervisor_id) == 0 || strcmp(actor_id, employee_id) == 0;
}

int coaching_may_read_under_hold(enum role actor_role, int hold_active, fl_err *err)
{
	if (!role_may(actor_role, PERM_READ_NOTES_UNDER_HOLD))
		return err_set(err, ERR_FORBIDDEN, "role_required", NULL, "only admins open coaching notes under a legal hold");
	if (!hold_active)
		return err_set(err, ERR_FORBIDDEN, "no_legal_hold", NULL, "there is no active legal hold on these people");
	return 0;
}
