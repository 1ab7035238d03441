/* Roles and the permission table (core/roles.c).  The table is printed and compared with the one
 * below, so a change in who may do what is a visible change to this file. */
#include <stdio.h>

#include "core/roles.h"
#include "harness.h"

static const char EXPECTED[] =
	"permission             frontline support supervisor leader admin system\n"
	"manage_cases           .         .       x          .      x     x\n"
	"propose_exception      x         .       x          .      .     .\n"
	"cosign_exception       x         .       x          .      .     .\n"
	"review_exception       .         .       x          x      .     x\n"
	"author                 x         x       x          x      x     .\n"
	"manage_people          .         .       .          .      x     x\n"
	"manage_org             .         .       .          .      x     x\n"
	"edit_settings          .         .       .          .      x     x\n"
	"edit_templates         .         .       .          .      x     x\n"
	"manage_legal_holds     .         .       .          .      x     x\n"
	"read_notes_under_hold  .         .       .          .      x     .\n"
	"revoke_any_token       .         .       .          .      x     .\n"
	"read_audit             .         .       .          x      x     x\n"
	"manage_policies        .         .       .          x      x     x\n"
	"schedule_survey        .         .       .          x      x     x\n"
	"answer_survey          x         x       x          .      .     .\n"
	"see_all_surveys        .         .       x          x      x     x\n"
	"read_survey_report     .         .       x          x      x     x\n"
	"read_people_reports    .         .       x          x      x     x\n"
	"read_any_review        .         .       x          x      x     x\n"
	"edit_any_review        .         .       .          x      x     x\n"
	"request_on_any_case    .         .       x          .      x     x\n"
	"settle_any_promise     .         .       .          .      x     x\n"
	"answer_any_request     .         .       .          .      .     x\n"
	"manage_skills          .         .       x          .      x     x\n"
	"manage_rotas           .         .       x          .      x     x\n"
	"write_coaching_note    .         .       x          x      .     .\n"
	"own_system_issue       .         .       .          x      .     .\n"
	"reassign_system_issue  .         .       .          x      x     x\n"
	"merge_customers        x         .       x          .      x     .\n"
	"email_urgent_alerts    .         .       x          x      x     .\n";

/* The table as text: one line per permission, one column per role (x = may). */
static void render(char *buf, size_t n)
{
	size_t k = 0;
	k += (size_t)snprintf(buf + k, n - k, "%-22s", "permission");
	for (int r = ROLE_FRONTLINE; r <= ROLE_SYSTEM; r++)
		k += (size_t)snprintf(buf + k, n - k, " %s", role_name((enum role)r));
	k += (size_t)snprintf(buf + k, n - k, "\n");
	for (int p = 0; p < PERM_COUNT && k < n; p++) {
		k += (size_t)snprintf(buf + k, n - k, "%-22s", perm_name((enum perm)p));
		for (int r = ROLE_FRONTLINE; r <= ROLE_SYSTEM && k < n; r++) {
			const char *name = role_name((enum role)r);
			int w = (int)strlen(name);
			k += (size_t)snprintf(buf + k, n - k, " %-*s", r == ROLE_SYSTEM ? 0 : w,
					      role_may((enum role)r, (enum perm)p) ? "x" : ".");
		}
		if (k < n)
			k += (size_t)snprintf(buf + k, n - k, "\n");
	}
}

TEST(table_is_pinned)
{
	char got[8192];
	render(got, sizeof got);
	printf("%s", got);
	CHECK_STR(got, EXPECTED);
}

TEST(every_permission_is_named)
{
	for (int p = 0; p < PERM_COUNT; p++) {
		CHECK(perm_name((enum perm)p) != NULL);
		CHECK(strcmp(perm_name((enum perm)p), "?") != 0);
	}
	CHECK_STR(perm_name(PERM_COUNT), "?");
	CHECK_STR(perm_name((enum perm)-1), "?");
}

TEST(outside_the_enums_nobody_may)
{
	CHECK(!role_may((enum role)(ROLE_SYSTEM + 1), PERM_AUTHOR));
	CHECK(!role_may((enum role)-1, PERM_AUTHOR));
	CHECK(!role_may(ROLE_ADMIN, PERM_COUNT));
	CHECK(!role_may(ROLE_SYSTEM, (enum perm)-1));
}

TEST(parse_and_name)
{
	enum role r = ROLE_SYSTEM;
	const char *names[] = {"frontline", "support", "supervisor", "leader", "admin"};
	for (int i = 0; i < 5; i++) {
		CHECK(role_parse(names[i], &r) == 0);
		CHECK(r == (enum role)i);
		CHECK_STR(role_name(r), names[i]);
	}
	CHECK(role_parse("system", &r) == -1); /* nobody signs in as the system */
	CHECK(role_parse("Admin", &r) == -1);
	CHECK(role_parse(NULL, &r) == -1);
	CHECK_STR(role_name(ROLE_SYSTEM), "system");
	CHECK_STR(role_name((enum role)42), "?");
}

int main(void)
{
	RUN(table_is_pinned);
	RUN(every_permission_is_named);
	RUN(outside_the_enums_nobody_may);
	RUN(parse_and_name);
	DONE();
}
