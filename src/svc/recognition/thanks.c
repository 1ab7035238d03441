/* Thanks for a case (svc/recognition/thanks.h). */
#include "svc/recognition/thanks.h"

#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/recognition.h"
#include "svc/directory/people.h"
#include "svc/org/alert.h"
#include "svc/org/settings.h"
#include "svc/recognition/scorecard.h"
#include "svc/page.h"

#define THANKS_MAX_TEXT 500

static json_t *thanks_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:o,s:o,s:{s:s,s:I,s:s},s:s,s:o}", "id", db_text(r, 0), "from", svc_person_brief(c, db_text(r, 1)),
			 "to", svc_person_brief(c, db_text(r, 2)), "case", "id", db_text(r, 3), "number", (json_int_t)db_int(r, 4),
			 "subject", db_text(r, 5), "text", db_text(r, 6), "at", svc_time(db_int(r, 7)));
}

#define THANKS_COLS                                                                                    \
	"SELECT t.id, t.from_id, t.to_id, t.case_id, k.number, k.subject, t.text, t.at FROM thanks t " \
	"JOIN cases k ON k.org_id = t.org_id AND k.id = t.case_id "

static int thanks_give(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char to[ID_SIZE], case_id[ID_SIZE], team[ID_SIZE] = "", id[ID_SIZE];
	int64_t number, given = 0;
	int rc, active, found;
	enum role role;
	db_res *r;
	if (svc_require(c, PERM_AUTHOR) || svc_person_ref(c, in_str(in, "to"), "to", to) ||
	    svc_load_one(c, "case_not_found", NULL, "no such case", &r, "SELECT id, number FROM cases WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]))))
		return -1;
	svc_copy(c, case_id, sizeof case_id, db_text(r, 0));
	number = db_int(r, 1);
	db_res_discard(r);
	if (people_role(c, to, &role, team, &active))
		return -1;
	if (!active)
		return err_set(&c->err, ERR_RULE, "person_inactive", "to", "that person is no longer active");
	if ((rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM thanks WHERE org_id = ? AND from_id = ? AND at > ? AND at <= ?",
				DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_INT(c->now - FL_DAY_MS), DB_INT(c->now)),
				&given,
				&found)) != DB_OK)
		return svc_db_err(c, rc);
	const char *no = rec_thanks_refusal(c->actor.person_id, to, given, setting_int(c, "recognition.thanks_per_day"));
	if (no)
		return err_set(&c->err, ERR_RULE, no, "to",
			       strcmp(no, "thanks_to_self") == 0 ? "thanks are for a colleague, not for oneself"
								 : "you have given today's thanks: keep them for what stands out");
	id_new(id, "thx", c->now);
	if ((rc = db_exec(c->db, "INSERT INTO thanks (org_id, id, from_id, to_id, case_id, text, at) VALUES (?,?,?,?,?,?,?)",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(c->actor.person_id), DB_TXT(to), DB_TXT(case_id),
				  DB_TXT(in_str(in, "text")), DB_INT(c->now)),
			  NULL)) != DB_OK)
		return svc_db_err(c, rc);
	if (scorecard_add(c, to, team, "thanks", 1) ||
	    svc_event(c, "thanks.given", "thanks", id, case_id, json_pack("{s:s,s:s}", "to", to, "text", in_str(in, "text"))) ||
	    alert_add(c, to, "thanks", case_id, "thanks", id, "%s thanked you for #%lld: %s", c->actor.name, (long long)number,
		      in_str(in, "text")))
		return -1;
	*out = svc_one_row(c, THANKS_COLS "WHERE t.org_id = ? AND t.id = ?", id, thanks_row);
	return *out ? 0 : -1;
}

static const struct page_list THANKS; /* in thanks.api.json */

/* Thanks a person received (default: yours), or those you gave (given=true), newest first. */
static int thanks_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char person[ID_SIZE];
	int64_t from, to;
	int given = in_bool(in, "given", 0), rc;
	const char *ref = in_str(in, "person");
	if (!ref)
		STR_COPY(person, c->actor.person_id);
	else if (svc_person_ref(c, ref, "person", person))
		return -1;
	if (given && strcmp(person, c->actor.person_id) != 0)
		return err_set(&c->err, ERR_FORBIDDEN, "not_in_reporting_line", "person", "only you see the thanks you gave");
	if (scorecard_may_see(c, person, "person", "only the colleague and the managers above them see their thanks"))
		return -1;
	if (scorecard_period(c, in, 365, &from, &to))
		return -1;
	if ((rc = page_run(c, &THANKS, in,
			   given ? "t.org_id = ? AND t.from_id = ? AND t.at >= ? AND t.at < ?"
				 : "t.org_id = ? AND t.to_id = ? AND t.at >= ? AND t.at < ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person), DB_INT(from), DB_INT(to)), out)))
		return rc;
	json_object_set_new(*out, "person", svc_person_brief(c, person));
	json_object_set_new(*out, "given", json_boolean(given));
	return 0;
}

#include "svc/recognition/thanks.api.inc"
