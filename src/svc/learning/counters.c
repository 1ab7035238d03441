/* The learning capability's shared helpers: who a person's manager is, and the daily counts the
 * root-cause report reads (table learning_daily). */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/learning/counters.h"
#include "svc/tick.h"
#include "svc/org/settings.h"

void learning_manager_of(svc_ctx *c, const char *person_id, char id[ID_SIZE])
{
	int rc;
	db_res *r;
	id[0] = '\0';
	char *key = xasprintf("manager/%s/%s", c->actor.org_id, person_id);
	const char *kept = tick_memo(key); /* a pass changes no one's manager */
	if (kept) {
		svc_copy(c, id, ID_SIZE, kept);
	} else if (svc_query(c, "SELECT manager_id FROM people WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id)), &r)) {
		if (db_next(r) == 1 && !db_is_null(r, 0))
			svc_copy(c, id, ID_SIZE, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
		else
			tick_memo_keep(key, id);
	}
	free(key);
	if (!*id) {
		char *contact = setting_str(c, "request.escalation_contact");
		if (contact && strcmp(contact, person_id) != 0)
			svc_copy(c, id, ID_SIZE, contact);
		free(contact);
	}
}

int64_t learning_day(int64_t t)
{
	return (t >= 0 ? t / FL_DAY_MS : (t - FL_DAY_MS + 1) / FL_DAY_MS) * FL_DAY_MS;
}

int learning_bump(svc_ctx *c, int64_t at, const char *kind, const char *label, const char *team_id, int64_t delta)
{
	static const char head[] = "INSERT INTO learning_daily (org_id, day, kind, label, team_id, n)";
	static const char tail[] = " ON CONFLICT (org_id, kind, day, label, team_id) DO UPDATE SET n = learning_daily.n + excluded.n";
	/* a scheduler pass adds up its own and writes them together */
	return tick_add(c, head, tail,
			DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(learning_day(at)), DB_TXT(kind), DB_TXT(label ? label : ""),
				DB_TXT(team_id ? team_id : "")),
			delta);
}

