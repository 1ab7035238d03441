/* Demo part of the Cases page (issue 15): saved views people keep, so the page opens on a view of
 * their own (Chris's chats, Taylor's team at risk, Sofia's refunds). */
#include "cli/demo.h"

static void saved(struct demo *d, const char *as, const char *name, const char *view, const char *sort, json_t *filters)
{
	demo_as(d, as);
	json_decref(demo_call(d, "POST", "/api/v1/queue/saved",
			      json_pack("{s:s,s:s,s:s,s:o}", "name", name, "view", view, "sort", sort, "filters", filters)));
}

void demo_queues(struct demo *d)
{
	demo_org(d, "vendor-co");
	saved(d, "chris@vendor-co.example", "My chats", "mine", "updated", json_pack("{s:s}", "channel", "chat"));
	saved(d, "taylor@vendor-co.example", "Customer Care at risk", "at_risk", "due",
	      json_pack("{s:s}", "team", "Customer Care"));
	saved(d, "sandy@vendor-co.example", "Store 12 walk-ins", "team", "due", json_pack("{s:s}", "channel", "store"));
	demo_org(d, "harbor-financial");
	saved(d, "sofia@harbor-financial.example", "Refunds", "open", "created", json_pack("{s:s}", "q", "refund"));
}
