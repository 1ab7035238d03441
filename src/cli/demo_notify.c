/* Demo part for notifications and webhooks (issue 17): Rosa, on call for billing in Chicago, keeps
 * quiet hours that her shifts override; Helen takes offers by email and the rest in an 07:00 digest;
 * vendor-co sends its breaches and broken promises to a chat channel (Slack format). */
#include "cli/demo.h"

void demo_notify(struct demo *d)
{
	demo_org(d, "northwind");
	demo_as(d, "rosa@northwind.example");
	json_decref(demo_call(d, "PATCH", "/api/v1/me/notifications",
			      json_pack("{s:s,s:s,s:s}", "tz", "America/Chicago", "quiet_from", "22:00", "quiet_to", "07:00")));
	demo_as(d, "helen@northwind.example");
	json_decref(
		demo_call(d, "PATCH", "/api/v1/me/notifications",
			  json_pack("{s:s,s:s,s:i,s:{s:s,s:s,s:s}}", "quiet_from", "21:00", "quiet_to", "07:00", "digest_hour", 7,
				    "channels", "offer", "email", "promise_broken", "email", "request_new", "digest")));
	demo_org(d, "vendor-co");
	json_decref(demo_call(d, "POST", "/api/v1/webhooks",
			      json_pack("{s:s,s:[s,s],s:s,s:s}", "url", "https://hooks.example.com/services/vendor-co/ops",
					"kinds", "breach", "promise", "format", "slack", "description",
					"Breaches and promises to the #store-ops channel")));
}
