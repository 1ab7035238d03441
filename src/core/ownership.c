#include "core/ownership.h"

#include <string.h>

static int is_owner(const struct own_actor *a, const struct own_case *c)
{
	return strcmp(a->person_id, c->owner_id) == 0;
}

static int supervises(const struct own_actor *a)
{
	return role_may(a->role, PERM_MANAGE_CASES);
}

/* The case can go to to_id: it is open, and to_id is another, active person. */
static int may_receive(const struct own_case *c, const char *to_id, int to_active, fl_err *err)
{
	if (!c->open)
		return err_set(err, ERR_RULE, "case_closed", NULL, "the case is resolved; reopen it first");
	if (strcmp(to_id, c->owner_id) == 0)
		return err_set(err, ERR_RULE, "already_owner", "to", "that person already owns the case");
	if (!to_active)
		return err_set(err, ERR_RULE, "person_inactive", "to", "that person is not active");
	return 0;
}

int own_may_offer(const struct own_actor *a, const struct own_case *c, const char *to_id, int to_active, fl_err *err)
{
	if (!is_owner(a, c) && !supervises(a))
		return err_set(err, ERR_FORBIDDEN, "not_owner", NULL,
			       "only the case owner, a supervisor or an admin can offer this case");
	if (may_receive(c, to_id, to_active, err))
		return -1;
	if (c->has_pending_offer)
		return err_set(err, ERR_CONFLICT, "offer_pending", NULL,
			       "the case already has an offer waiting; withdraw it first");
	return 0;
}

int own_may_assign(const struct own_actor *a, const struct own_case *c, const char *to_id, int to_active, fl_err *err)
{
	if (!supervises(a))
		return err_set(err, ERR_FORBIDDEN, "not_supervisor", NULL, "only a supervisor or an admin can assign directly");
	if (may_receive(c, to_id, to_active, err))
		return -1;
	return 0;
}

int own_may_decide(const struct own_actor *a, const struct own_case *c, const struct own_offer *o, fl_err *err)
{
	if (strcmp(a->person_id, o->to_id) != 0)
		return err_set(err, ERR_FORBIDDEN, "not_recipient", NULL, "only the person offered the case can answer the offer");
	if (strcmp(o->status, "pending") != 0)
		return err_set(err, ERR_CONFLICT, "offer_not_pending", NULL, "the offer was already %s", o->status);
	if (!c->open)
		return err_set(err, ERR_CONFLICT, "case_closed", NULL, "the case was resolved meanwhile");
	return 0;
}

int own_may_withdraw(const struct own_actor *a, const struct own_offer *o, fl_err *err)
{
	if (strcmp(a->person_id, o->from_id) != 0 && !supervises(a))
		return err_set(err, ERR_FORBIDDEN, "not_offerer", NULL, "only who made the offer, a supervisor or an admin can withdraw it");
	if (strcmp(o->status, "pending") != 0)
		return err_set(err, ERR_CONFLICT, "offer_not_pending", NULL, "the offer was already %s", o->status);
	return 0;
}

int own_may_resolve(const struct own_actor *a, const struct own_case *c, fl_err *err)
{
	if (!is_owner(a, c) && !supervises(a))
		return err_set(err, ERR_FORBIDDEN, "not_owner", NULL, "only the case owner, a supervisor or an admin can resolve it");
	if (!c->open)
		return err_set(err, ERR_CONFLICT, "case_closed", NULL, "the case is already resolved");
	return 0;
}

int own_may_reopen(const struct own_actor *a, const struct own_case *c, fl_err *err)
{
	(void)a; /* anyone who serves the customer may reopen; the owner stays accountable */
	if (c->open)
		return err_set(err, ERR_CONFLICT, "case_open", NULL, "the case is already open");
	return 0;
}

int own_may_settle_promise(const struct own_actor *a, const struct own_case *c, const char *const *owner_chain,
			   size_t nchain, fl_err *err)
{
	int allowed = is_owner(a, c) || role_may(a->role, PERM_SETTLE_ANY_PROMISE);
	for (size_t i = 0; !allowed && i < nchain; i++)
		allowed = owner_chain[i] && strcmp(a->person_id, owner_chain[i]) == 0;
	if (!allowed)
		return err_set(err, ERR_FORBIDDEN, "not_owner", NULL,
			       "only the case owner, their supervisors or an admin can settle its promises");
	if (!c->open)
		return err_set(err, ERR_RULE, "case_closed", NULL, "the case is resolved; reopen it first");
	return 0;
}
