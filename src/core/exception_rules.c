#include "core/exception_rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

int exc_may_propose(enum role role, fl_err *err)
{
	if (!role_may(role, PERM_PROPOSE_EXCEPTION))
		return err_set(err, ERR_FORBIDDEN, "not_customer_facing", NULL,
			       "only customer-facing employees (frontline, supervisors) propose exceptions");
	return 0;
}

int exc_role_may_cosign(enum role role, int supervisors_count)
{
	if (!role_may(role, PERM_COSIGN_EXCEPTION))
		return 0;
	return role != ROLE_SUPERVISOR || supervisors_count != 0;
}

static int is_expired(const struct exc_state *e, int64_t now)
{
	return strcmp(e->status, "expired") == 0 || (strcmp(e->status, "proposed") == 0 && now >= e->expires_at);
}

/* Refusals shared by co-sign, withdraw and edit for an exception that is no longer open. */
static int closed_err(const struct exc_state *e, int64_t now, const char *doing, fl_err *err)
{
	if (strcmp(e->status, "approved") == 0)
		return err_set(err, ERR_CONFLICT, doing ? "exception_immutable" : "exception_approved", NULL,
			       doing ? "the exception is approved and can't be %s; propose a new one"
				     : "the exception is already approved%s",
			       doing ? doing : "");
	if (strcmp(e->status, "withdrawn") == 0)
		return err_set(err, ERR_CONFLICT, "exception_withdrawn", NULL, "the proposer withdrew this exception");
	if (is_expired(e, now))
		return err_set(err, ERR_RULE, "exception_expired", NULL, "the exception expired before it was co-signed");
	if (strcmp(e->status, "proposed") != 0)
		return err_set(err, ERR_CONFLICT, "exception_closed", NULL, "the exception is %s", e->status);
	return 0;
}

int exc_may_cosign(const struct exc_state *e, const struct exc_person *p, const struct exc_rules *r, int64_t now,
		   fl_err *err)
{
	if (closed_err(e, now, NULL, err))
		return -1;
	if (strcmp(p->person_id, e->proposer_id) == 0)
		return err_set(err, ERR_RULE, "self_cosign", NULL, "the proposer can't co-sign their own exception");
	for (size_t i = 0; i < e->nsigners; i++)
		if (strcmp(e->signers[i], p->person_id) == 0)
			return err_set(err, ERR_CONFLICT, "already_signed", NULL, "you already co-signed this exception");
	if (!exc_role_may_cosign(p->role, r->supervisors_count)) {
		if (p->role == ROLE_SUPERVISOR)
			return err_set(err, ERR_FORBIDDEN, "supervisors_not_counted", NULL,
				       "in this organization supervisors don't co-sign exceptions");
		return err_set(err, ERR_FORBIDDEN, "not_customer_facing", NULL,
			       "only customer-facing employees co-sign exceptions (your role: %s)", role_name(p->role));
	}
	return 0;
}

int exc_approved_with(int signatures, int needed)
{
	return signatures >= (needed < 1 ? 1 : needed);
}

int exc_may_withdraw(const struct exc_state *e, const char *person_id, int64_t now, fl_err *err)
{
	if (strcmp(person_id, e->proposer_id) != 0)
		return err_set(err, ERR_FORBIDDEN, "not_proposer", NULL, "only the proposer can withdraw an exception");
	return closed_err(e, now, "withdrawn", err);
}

int exc_may_edit(const struct exc_state *e, const char *person_id, int64_t now, fl_err *err)
{
	if (closed_err(e, now, "edited", err))
		return -1;
	if (strcmp(person_id, e->proposer_id) != 0)
		return err_set(err, ERR_FORBIDDEN, "not_proposer", NULL, "only the proposer can edit an exception");
	if (e->signatures > 0)
		return err_set(err, ERR_CONFLICT, "exception_signed", NULL,
			       "someone already co-signed what they read; withdraw and propose again");
	return 0;
}

int exc_may_review(const struct exc_state *e, const struct exc_person *p, int reviewed, fl_err *err)
{
	if (!role_may(p->role, PERM_REVIEW_EXCEPTION))
		return err_set(err, ERR_FORBIDDEN, "not_reviewer", NULL, "supervisors and leaders review exceptions");
	if (strcmp(e->status, "approved") != 0)
		return err_set(err, ERR_RULE, "not_approved", NULL, "only approved exceptions are reviewed");
	if (reviewed)
		return err_set(err, ERR_CONFLICT, "already_reviewed", NULL, "this exception already has a verdict");
	if (strcmp(p->person_id, e->proposer_id) == 0)
		return err_set(err, ERR_RULE, "own_exception", NULL, "you can't review an exception you proposed");
	for (size_t i = 0; i < e->nsigners; i++)
		if (strcmp(e->signers[i], p->person_id) == 0)
			return err_set(err, ERR_RULE, "own_exception", NULL, "you can't review an exception you co-signed");
	return 0;
}

const char *exc_limit_key(const char *kind)
{
	static const char *const MAP[][2] = {
		{"refund", "max_refund"},
		{"credit", "max_credit"},
		{"fee_waiver", "max_fee_waiver"},
		{"replacement", "max_replacement"},
	};
	for (size_t i = 0; kind && i < sizeof MAP / sizeof MAP[0]; i++)
		if (strcmp(kind, MAP[i][0]) == 0)
			return MAP[i][1];
	return NULL;
}

static int in_list(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) && s && strcmp(json_string_value(v), s) == 0) return 1;
	return 0;
}

static int over_cap(json_t *limits, const char *key, int has_amount, int64_t total_cents, struct exc_breach *b)
{
	json_t *cap = key ? json_object_get(limits, key) : NULL;
	if (!has_amount || !json_is_number(cap))
		return 0;
	int64_t cents = (int64_t)llround(json_number_value(cap) * 100.0);
	if (total_cents <= cents)
		return 0;
	if (str_copy(b->limit, sizeof b->limit, key))
		fl_die("limit key longer than %zu bytes: %s", sizeof b->limit - 1, key); /* keys are constants */
	b->cap_cents = cents;
	b->total_cents = total_cents;
	return 1;
}

int exc_check_limits(json_t *limits, const struct exc_resolution *r, struct exc_breach *b)
{
	memset(b, 0, sizeof *b);
	if (!json_is_object(limits))
		return 0;
	json_t *kinds = json_object_get(limits, "kinds");
	if (json_is_array(kinds) && !in_list(kinds, r->kind)) {
		STR_COPY(b->limit, "kinds");
		return 1;
	}
	json_t *channels = json_object_get(limits, "channels");
	if (r->channel && json_is_array(channels) && !in_list(channels, r->channel)) {
		STR_COPY(b->limit, "channels");
		return 1;
	}
	if (over_cap(limits, exc_limit_key(r->kind), r->has_amount, r->case_kind_cents + r->amount_cents, b))
		return 1;
	return over_cap(limits, "max_amount", r->has_amount, r->case_amount_cents + r->amount_cents, b);
}

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t exc_quarter_start(int64_t ms)
{
	int64_t day = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t y;
	int m;
	civil_from_days(day, &y, &m);
	int qm = (m - 1) / 3 * 3 + 1;
	return days_from_civil(y, qm, 1) * 86400000;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t exc_median(int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp64);
	if (n % 2)
		return v[n / 2];
	int64_t a = v[n / 2 - 1], b = v[n / 2];
	return a + (b - a) / 2;
}
