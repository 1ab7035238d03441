"""One scheduler pass over two organizations' due requests and promises.  The pass takes each
organization's timers and breaks its promises in statements of that organization (by their keys,
svc/promises/request_tick.c and breach.c): each request is marked overdue in the same pass, and
escalates after its own organization's request.escalate_after_minutes, not the other's; each
promise is broken."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

START = "2026-03-02T21:00:00Z"
DUE = "2026-03-03T01:00:00.000Z"


def open_case(client, name):
    case = client.ok("POST", "/api/v1/cases", {"subject": "Forms for " + name, "channel": "phone", "customer_name": name,
                                               "customer_phone": "+1 212 555 0177"})
    prom = client.ok("POST", "/api/v1/cases/%s/promises" % case["id"],
                     {"what": "call %s back" % name, "due_at": DUE, "channel": "phone"}, status=201)
    return case, prom


def test_one_pass_marks_and_escalates_each_organization_by_its_own_delay():
    with Server(demo=True, start=START) as s:
        vendor = s.login("admin@vendor-co.example", "vendor-co")
        lee = s.login("admin@lee-practice.example", "lee-practice")
        vendor.ok("PATCH", "/api/v1/org/settings", {"settings": {"request.escalate_after_minutes": 60}})
        lee.ok("PATCH", "/api/v1/org/settings", {"settings": {"request.escalate_after_minutes": 180,
                                                              "request.escalation_contact": "morgan@lee-practice.example"}})
        pat = s.login("pat@vendor-co.example", "vendor-co")
        alex = s.login("alex@lee-practice.example", "lee-practice")
        vcase, vprom = open_case(pat, "Sam Carter")
        lcase, lprom = open_case(alex, "Mr. Jones")
        vreq = pat.ok("POST", "/api/v1/cases/%s/requests" % vcase["id"],
                      {"what": "hold two phones", "due_at": DUE, "to_team": "Store 12"}, status=201)
        lreq = alex.ok("POST", "/api/v1/cases/%s/requests" % lcase["id"],
                       {"what": "sign the forms", "due_at": DUE, "to_person": "lee@lee-practice.example"}, status=201)

        def state(client, req):
            r = client.ok("GET", "/api/v1/requests/" + req["id"])
            return r["overdue"], r["overdue_at"], r["escalated_to"] is not None

        s.set_clock("2026-03-03T01:01:00Z")  # both due a minute ago: one pass
        eq(state(pat, vreq), (True, DUE, False), "the vendor's request is overdue, not yet escalated")
        eq(state(alex, lreq), (True, DUE, False), "the practice's request is overdue in the same pass")
        for client, prom in ((pat, vprom), (alex, lprom)):
            eq(client.ok("GET", "/api/v1/promises/" + prom["id"])["status"], "broken", "each organization's promise broke")

        s.set_clock("2026-03-03T02:01:00Z")  # an hour later: the vendor's delay, not the practice's
        eq(state(pat, vreq)[2], True, "the vendor's request escalated after its 60 minutes")
        eq(state(alex, lreq)[2], False, "the practice's request waits for its own 180 minutes")
        s.set_clock("2026-03-03T04:01:00Z")
        eq(state(alex, lreq)[2], True, "the practice's request escalated after its 180 minutes")
        check(state(pat, vreq)[0] and state(alex, lreq)[0], "both still overdue")


if __name__ == "__main__":
    run_module(globals())
