/* Demo part of story S3 (harbor-financial): the fee-refund policy, Ana Rivera's $120 in fees
 * from a bank error, Mia's exception co-signed by Noah (approved and applied), one exception
 * nobody co-signed (expired), and Grace's "adopt" review with its policy change proposal. */
#include "cli/demo.h"

#include <string.h>

#define TZ "America/Los_Angeles"
#define POLICY "Frontline may refund fees up to $50"

static char *id_of(json_t *o)
{
	static char buf[64];
	const char *s = json_string_value(json_object_get(o, "id"));
	snprintf(buf, sizeof buf, "%s", s ? s : "");
	json_decref(o);
	return buf;
}

void demo_exceptions(struct demo *d)
{
	demo_org(d, "harbor-financial");
	demo_at_as(d, 6, "09:00", TZ, "grace@harbor-financial.example");
	json_decref(demo_call(d, "POST", "/api/v1/policies",
			      json_pack("{s:s,s:s,s:s,s:s,s:{s:i}}", "name", POLICY, "kind", "limit", "owner",
					"grace@harbor-financial.example", "text",
					"Member representatives may refund fees up to $50 per case without approval.", "limits",
					"max_refund", 50)));

	/* an exception nobody co-signed: it expires after the 24-hour window */
	demo_at_as(d, 5, "16:30", TZ, "mia@harbor-financial.example");
	char other[64];
	snprintf(other, sizeof other, "%s",
		 id_of(demo_call(d, "POST", "/api/v1/cases",
				 json_pack("{s:s,s:s,s:s,s:s,s:s}", "subject", "Overdraft fees after a delayed payroll deposit",
					   "channel", "phone", "customer_name", "Tom Becker", "customer_email",
					   "tom.becker@example.com", "summary", "Tom was charged $85 in overdraft fees"))));
	demo_remember(d, "harbor-financial/case:becker", other);
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:i,s:s,s:s}", "policy", POLICY, "kind", "refund", "amount", 85, "description",
					 "Refund all $85 of overdraft fees", "reasoning",
					 "The payroll deposit was late because of the employer, but Tom has been a member for 20 years"),
			       "/api/v1/cases/%s/exceptions", other));
	demo_at(d, 4, "17:00", TZ);
	demo_tick(d);

	/* Ana Rivera: $120 in fees caused by our posting error */
	demo_at_as(d, 3, "10:05", TZ, "mia@harbor-financial.example");
	char case_id[64];
	snprintf(case_id, sizeof case_id, "%s",
		 id_of(demo_call(d, "POST", "/api/v1/cases",
				 json_pack("{s:s,s:s,s:s,s:s}", "subject", "$120 in fees from our posting error", "channel", "phone",
					   "customer_id", demo_id(d, "harbor-financial/customer:rivera"), "summary",
					   "A deposit we posted two days late triggered four $30 overdraft fees"))));
	demo_remember(d, "harbor-financial/case:rivera", case_id);
	demo_at(d, 3, "10:12", TZ);
	char exc[64];
	snprintf(exc, sizeof exc, "%s",
		 id_of(demo_callf(d, "POST",
				  json_pack("{s:s,s:s,s:s,s:i,s:s,s:s}", "policy", POLICY, "limit", "max_refund", "kind", "refund",
					    "amount", 120, "description", "Refund all four overdraft fees ($120)", "reasoning",
					    "The fees exist only because we posted her deposit late; refunding $50 would charge her "
					    "$70 for our mistake"),
				  "/api/v1/cases/%s/exceptions", case_id)));
	demo_remember(d, "harbor-financial/exception:rivera", exc);

	/* Noah agrees: approved and applied at that moment */
	demo_at_as(d, 3, "10:31", TZ, "noah@harbor-financial.example");
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "Our error, our cost. Agreed."),
			       "/api/v1/exceptions/%s/cosign", exc));
	demo_as(d, "mia@harbor-financial.example");
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "channel", "phone", "direction", "outbound", "summary",
					 "Told Ana all $120 is refunded today"),
			       "/api/v1/cases/%s/touchpoints", case_id));

	/* Grace reviews it a day later: adopt */
	demo_at_as(d, 1, "14:00", TZ, "grace@harbor-financial.example");
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "verdict", "adopt", "reasoning",
					 "Customers should never pay for our mistakes; the $50 cap is for goodwill refunds",
					 "proposal", "Fees caused by our error are refunded in full"),
			       "/api/v1/exceptions/%s/review", exc));
}
