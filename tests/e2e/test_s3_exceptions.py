"""S3 - two to agree: out-of-policy exceptions co-signed by a customer-facing peer, approved and applied
at the last signature, expired when nobody co-signs, reviewed into policy.  Over real HTTP on the manual
clock, with every refusal, the concurrent co-sign, and bad input that must change nothing."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

H = "harbor-financial"
POLICY = "Frontline may refund fees up to $50"
START = "2030-01-07T17:00:00Z"  # a Monday, 09:00 in Los Angeles; after the demo's own story times


def mail(user):
    return "%s@%s.example" % (user, H)


def people(s, *users):
    return [s.login(mail(u), H) for u in users]


def open_case(client, subject="$120 in fees from our posting error"):
    return client.ok("POST", "/api/v1/cases", {"subject": subject, "channel": "phone", "customer_name": "Ana Rivera",
                                               "customer_email": "ana.rivera@example.com",
                                               "summary": "four $30 overdraft fees after we posted her deposit late"})


def propose(client, case_id, amount=120, **extra):
    body = {"policy": POLICY, "kind": "refund", "amount": amount, "description": "Refund all $%d in fees" % amount,
            "reasoning": "the fees exist only because we posted her deposit late"}
    body.update(extra)
    return client.request("POST", "/api/v1/cases/%s/exceptions" % case_id, body)


def code(r):
    return (r.json or {}).get("error", {}).get("code")


def refused(r, status, err_code, what):
    eq((r.status, code(r)), (status, err_code), what)


def test_s3_story():
    with Server(demo=True, start=START) as s:
        mia, noah, priya, sofia, grace = people(s, "mia", "noah", "priya", "sofia", "grace")
        case = open_case(mia)
        cid = case["id"]

        # an action over the policy's limit is refused, naming the policy and the limit; nothing is applied
        r = mia.request("POST", "/api/v1/cases/%s/actions" % cid,
                        {"kind": "refund", "amount": 120, "policy": POLICY, "description": "refund the fees"})
        refused(r, 422, "exception_required", "a $120 refund needs an exception")
        eq(r.json["error"].get("field"), "max_refund", "the error names the limit")
        check(POLICY in r.json["error"]["message"], "the error names the policy: %r" % r.json["error"]["message"])
        eq(mia.ok("GET", "/api/v1/cases/%s/actions" % cid)["items"], [], "the refused action left nothing behind")

        # within the limit it is applied and records the policy version
        act = mia.ok("POST", "/api/v1/cases/%s/actions" % cid,
                     {"kind": "fee_waiver", "amount_cents": 3000, "policy": POLICY, "description": "waive next month's fee"},
                     status=201)
        eq((act["policy"]["name"], act["policy"]["version"], act["amount_cents"]), (POLICY, 1, 3000),
           "a case action records the policy version it was judged under")

        # 1. Mia proposes
        r = propose(mia, cid, limit="max_refund")
        eq(r.status, 201, "Mia proposes the exception")
        exc = r.json
        eid = exc["id"]
        eq((exc["status"], exc["needed"], exc["limit"], exc["limit_value"], exc["amount_cents"]),
           ("proposed", 1, "max_refund", 50, 12000), "the proposal names the limit it departs from")
        eq(exc["expires_at"], "2030-01-08T17:00:00.000Z", "it expires after the organization's 24-hour window")

        # 2. refusals: self, back office, supervisor (not counted here), leader
        refused(mia.post("/api/v1/exceptions/%s/cosign" % eid), 422, "self_cosign", "Mia can't co-sign her own")
        refused(priya.post("/api/v1/exceptions/%s/cosign" % eid), 403, "not_customer_facing",
                "Priya (back office) can't co-sign")
        refused(sofia.post("/api/v1/exceptions/%s/cosign" % eid), 403, "supervisors_not_counted",
                "a supervisor doesn't count unless the organization says so")
        refused(grace.post("/api/v1/exceptions/%s/cosign" % eid), 403, "not_customer_facing", "a leader can't co-sign")
        eq(mia.ok("GET", "/api/v1/exceptions/" + eid)["signatures"], [], "refused signatures left nothing")

        # my day: waiting for Noah's co-signature, not Mia's or Priya's
        s.advance(minutes=19)
        ids = lambda c: [x["id"] for x in c.ok("GET", "/api/v1/exceptions?waiting_for_me=true")["items"]]
        check(eid in ids(noah), "the exception waits for Noah's co-signature")
        check(eid not in ids(mia), "not for the proposer")
        eq(ids(priya), [], "nothing waits for back office")

        # Noah co-signs: approved and applied in the same transaction
        done = noah.ok("POST", "/api/v1/exceptions/%s/cosign" % eid, {"note": "our error, our cost"})
        eq(done["status"], "approved", "approved at the last required signature")
        eq(done["approved_at"], "2030-01-07T17:19:00.000Z", "approval time is the clock's")
        eq((done["action"]["exception_id"], done["action"]["amount_cents"], done["action"]["policy"]["version"]),
           (eid, 12000, 1), "the resolution is applied as a case action linked to the exception")
        eq([x["person"]["name"] for x in done["signatures"]], ["Noah Silva"], "Noah's signature is recorded")
        check(eid not in ids(noah), "nothing waits for Noah any more")

        # signing again, editing and withdrawing after approval are refused
        refused(noah.post("/api/v1/exceptions/%s/cosign" % eid), 409, "exception_approved", "no second approval")
        refused(mia.patch("/api/v1/exceptions/" + eid, {"description": "refund $200"}), 409, "exception_immutable",
                "an approved exception can't be edited")
        refused(mia.post("/api/v1/exceptions/%s/withdraw" % eid), 409, "exception_immutable",
                "an approved exception can't be withdrawn")
        again = mia.ok("GET", "/api/v1/exceptions/" + eid)
        eq((again["description"], again["amount_cents"]), ("Refund all $120 in fees", 12000), "unchanged after refusals")

        # the case shows it
        view = mia.ok("GET", "/api/v1/cases/" + cid)
        eq([(e["id"], e["status"]) for e in view["exceptions"]], [(eid, "approved")], "the case shows the exception")
        applied = [a for a in view["actions"] if a["exception_id"] == eid]
        eq(len(applied), 1, "the case shows exactly one application")
        kinds = [e["kind"] for e in view["history"]]
        for k in ("exception.proposed", "exception.cosigned", "exception.approved", "case.action_applied"):
            eq(kinds.count(k), 2 if k == "case.action_applied" else 1, "history has %s" % k)

        # 4. review: queue with its group, refusals, adopt with a policy change proposal
        queue = grace.ok("GET", "/api/v1/exception-reviews")
        item = [x for x in queue["items"] if x["id"] == eid]
        eq(len(item), 1, "the approved exception waits for review")
        eq(item[0]["group"]["this_quarter"], 1, "its group counts this quarter's approvals")
        check("departed from the same limit" in item[0]["group"]["summary"], "group summary: %r" % item[0]["group"])
        refused(noah.post("/api/v1/exceptions/%s/review" % eid, {"verdict": "one_off", "reasoning": "x"}), 403,
                "not_reviewer", "frontline doesn't review")
        refused(grace.post("/api/v1/exceptions/%s/review" % eid, {"verdict": "adopt", "reasoning": "x"}), 400,
                "required", "adopt needs the policy change")
        rv = grace.ok("POST", "/api/v1/exceptions/%s/review" % eid,
                      {"verdict": "adopt", "reasoning": "customers never pay for our mistakes",
                       "proposal": "Fees caused by our error are refunded in full"})
        eq((rv["review"]["verdict"], rv["review"]["by"]["name"]), ("adopt", "Grace Owens"), "Grace adopts")
        prop = rv["proposal"]
        eq((prop["status"], [x["id"] for x in prop["exceptions"]]), ("open", [eid]),
           "the policy change proposal is linked to the exception behind it")
        refused(grace.post("/api/v1/exceptions/%s/review" % eid, {"verdict": "one_off", "reasoning": "x"}), 409,
                "already_reviewed", "one verdict per exception")
        check(eid not in [x["id"] for x in grace.ok("GET", "/api/v1/exception-reviews")["items"]], "the queue is empty")

        # accepting the proposal makes a new policy version; the action keeps the version it was judged under
        refused(noah.post("/api/v1/policy-proposals/%s/accept" % prop["id"]), 403, "role_required",
                "frontline can't change policy")
        acc = grace.ok("POST", "/api/v1/policy-proposals/%s/accept" % prop["id"], {})
        eq((acc["status"], acc["new_version"]), ("accepted", 2), "accepted into version 2")
        pol = grace.ok("GET", "/api/v1/policies/" + prop["policy"]["id"])
        eq(pol["version"], 2, "the catalogue has the new version")
        check("refunded in full" in pol["text"], "the new text carries the change")
        eq([v["version"] for v in pol["versions"]], [1, 2], "old versions stay readable")
        eq(mia.ok("GET", "/api/v1/exceptions/" + eid)["action"]["policy"]["version"], 1, "the action keeps version 1")
        refused(grace.post("/api/v1/policy-proposals/%s/accept" % prop["id"]), 409, "proposal_decided", "accepted once")

        # the report, limited to this story's time range (the demo's own exceptions are outside it)
        rep = grace.ok("GET", "/api/v1/reports/exceptions?from=2030-01-07T00:00:00Z&to=2030-01-08T00:00:00Z")
        t = rep["totals"]
        eq((t["proposed"], t["cosigned"], t["expired"], t["withdrawn"], t["median_minutes_to_cosign"], t["adopted"],
            t["adopted_into_policy"], t["review_backlog"]), (1, 1, 0, 0, 19, 1, 1, 0), "report totals")
        eq([(p["policy"], p["proposed"]) for p in rep["by_policy"]], [(POLICY, 1)], "by policy")
        eq([(p["team"], p["cosigned"]) for p in rep["by_team"]], [("Member Services", 1)], "by team")
        empty = grace.ok("GET", "/api/v1/reports/exceptions?from=2031-01-01T00:00:00Z&to=2031-02-01T00:00:00Z")
        eq(empty["totals"]["proposed"], 0, "the time range filters")
        csv = grace.request("GET", "/api/v1/reports/exceptions?from=2030-01-07T00:00:00Z&format=csv")
        eq(csv.status, 200, "CSV report")
        lines = csv.raw.strip().splitlines()
        check(lines[0].startswith("policy,team,proposed,cosigned") and len(lines) == 2, "CSV rows: %r" % lines)


def test_expiry_and_signing_after_it():
    with Server(demo=True, start=START) as s:
        mia, noah, grace = people(s, "mia", "noah", "grace")
        cid = open_case(mia)["id"]
        eid = propose(mia, cid, amount=85).json["id"]
        s.advance(hours=24, minutes=-1)
        mia = people(s, "mia")[0]
        eq(mia.ok("GET", "/api/v1/exceptions/" + eid)["status"], "proposed", "still open a minute before the window ends")
        s.advance(minutes=2)  # a scheduler pass runs
        mia, noah, grace = people(s, "mia", "noah", "grace")  # sessions don't outlive a day
        exc = mia.ok("GET", "/api/v1/exceptions/" + eid)
        eq((exc["status"], exc["closed_at"]), ("expired", "2030-01-08T17:00:00.000Z"), "expired at the end of the window")
        s.advance(minutes=30)
        s.advance(minutes=30)
        hist = mia.ok("GET", "/api/v1/cases/%s/history" % cid)["items"]
        eq([e["kind"] for e in hist].count("exception.expired"), 1, "expired exactly once across scheduler passes")
        refused(noah.post("/api/v1/exceptions/%s/cosign" % eid), 422, "exception_expired", "signing after expiry")
        refused(mia.post("/api/v1/exceptions/%s/withdraw" % eid), 422, "exception_expired", "withdrawing after expiry")
        refused(mia.patch("/api/v1/exceptions/" + eid, {"reasoning": "x"}), 422, "exception_expired", "editing after expiry")
        eq(mia.ok("GET", "/api/v1/cases/%s/actions" % cid)["items"], [], "nothing was applied")
        rep = grace.ok("GET", "/api/v1/reports/exceptions?from=2030-01-07T00:00:00Z")
        eq((rep["totals"]["proposed"], rep["totals"]["expired"], rep["totals"]["cosigned"]), (1, 1, 0), "report counts it")
        expired = grace.ok("GET", "/api/v1/exceptions?status=expired")["items"]
        check(eid in [x["id"] for x in expired], "listed as expired")


def test_withdraw_and_edit_before_signing():
    with Server(demo=True, start=START) as s:
        mia, noah = people(s, "mia", "noah")
        cid = open_case(mia)["id"]
        eid = propose(mia, cid).json["id"]
        refused(noah.patch("/api/v1/exceptions/" + eid, {"amount": 100}), 403, "not_proposer", "only the proposer edits")
        refused(noah.post("/api/v1/exceptions/%s/withdraw" % eid), 403, "not_proposer", "only the proposer withdraws")
        ed = mia.ok("PATCH", "/api/v1/exceptions/" + eid, {"amount": 110, "description": "Refund $110"})
        eq((ed["amount_cents"], ed["description"]), (11000, "Refund $110"), "edited before anyone signed")
        wd = mia.ok("POST", "/api/v1/exceptions/%s/withdraw" % eid, {"reason": "the customer found a better fix"})
        eq((wd["status"], wd["close_reason"]), ("withdrawn", "the customer found a better fix"), "withdrawn")
        refused(noah.post("/api/v1/exceptions/%s/cosign" % eid), 409, "exception_withdrawn", "no signing a withdrawn one")
        eq(mia.ok("GET", "/api/v1/cases/%s/actions" % cid)["items"], [], "nothing applied")


def test_two_cosigners_double_signature_and_supervisors():
    with Server(demo=True, start=START) as s:
        admin, mia, noah, sofia, grace = people(s, "admin", "mia", "noah", "sofia", "grace")
        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"exception.cosigners": 2, "exception.supervisors_count": 1}})
        cid = open_case(mia)["id"]
        eid = propose(mia, cid).json["id"]
        one = noah.ok("POST", "/api/v1/exceptions/%s/cosign" % eid)
        eq((one["status"], one["signature_count"], one["action"]), ("proposed", 1, None), "one of two signatures")
        refused(noah.post("/api/v1/exceptions/%s/cosign" % eid), 409, "already_signed", "nobody signs twice")
        refused(mia.patch("/api/v1/exceptions/" + eid, {"amount": 200}), 409, "exception_signed",
                "no edits once someone co-signed")
        two = sofia.ok("POST", "/api/v1/exceptions/%s/cosign" % eid)
        eq((two["status"], two["signature_count"]), ("approved", 2), "approved at the second signature")
        check(two["action"] is not None, "and applied")
        eq(len([a for a in mia.ok("GET", "/api/v1/cases/%s/actions" % cid)["items"] if a["exception_id"] == eid]), 1,
           "applied once")
        refused(sofia.post("/api/v1/exceptions/%s/review" % eid, {"verdict": "one_off", "reasoning": "x"}), 422,
                "own_exception", "a co-signer doesn't review")
        refused(grace.post("/api/v1/exceptions/%s/review" % eid, {"verdict": "coach", "reasoning": "x"}), 400,
                "required", "coach needs a note")
        rv = grace.ok("POST", "/api/v1/exceptions/%s/review" % eid,
                      {"verdict": "coach", "reasoning": "right call", "note": "check the posting log first next time"})
        eq((rv["review"]["verdict"], rv["review"]["coach_note"]), ("coach", "check the posting log first next time"),
           "coach verdict with its note")


def test_concurrent_cosign_one_approval():
    with Server(demo=True, start=START, threads=8) as s:
        admin, mia = people(s, "admin", "mia")
        signers = []
        for i in range(6):
            admin.ok("POST", "/api/v1/people", {"name": "Rep %d" % i, "email": mail("rep%d" % i), "role": "frontline",
                                                "team": "Member Services", "password": "frontline-demo"})
            signers.append(s.login(mail("rep%d" % i), H))
        cid = open_case(mia)["id"]
        for round_ in range(4):
            eid = propose(mia, cid, amount=60 + round_).json["id"]
            barrier = threading.Barrier(len(signers))
            results = [None] * len(signers)

            def sign(i):
                barrier.wait()
                results[i] = signers[i].request("POST", "/api/v1/exceptions/%s/cosign" % eid, {})

            threads = [threading.Thread(target=sign, args=(i,)) for i in range(len(signers))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            statuses = sorted(r.status for r in results)
            eq(statuses.count(200), 1, "round %d: exactly one co-signature wins (%r)" % (round_, statuses))
            losers = {code(r) for r in results if r.status != 200}
            check(losers <= {"exception_approved", "exception_changed"}, "losers get a clear conflict: %r" % losers)
            exc = mia.ok("GET", "/api/v1/exceptions/" + eid)
            eq((exc["status"], exc["signature_count"], len(exc["signatures"])), ("approved", 1, 1), "one approval")
            acts = [a for a in mia.ok("GET", "/api/v1/cases/%s/actions" % cid)["items"] if a["exception_id"] == eid]
            eq(len(acts), 1, "round %d: exactly one application" % round_)
            hist = mia.ok("GET", "/api/v1/cases/%s/history" % cid)["items"]
            eq(len([e for e in hist if e["kind"] == "exception.approved" and e["entity_id"] == eid]), 1, "one approval event")


def test_bad_input_changes_nothing():
    with Server(demo=True, start=START) as s:
        mia, noah, priya = people(s, "mia", "noah", "priya")
        chris = s.login("chris@vendor-co.example", "vendor-co")
        cid = open_case(mia)["id"]
        eid = propose(mia, cid).json["id"]
        before = (len(mia.ok("GET", "/api/v1/cases/%s/history" % cid)["items"]),
                  mia.ok("GET", "/api/v1/cases/%s/exceptions" % cid)["items"])
        base = {"policy": POLICY, "kind": "refund", "amount": 120, "description": "d", "reasoning": "r"}
        bad = [
            (dict(base, amount="120"), 400, "wrong_type"),
            (dict(base, colour="blue"), 400, "unknown_field"),
            ({k: v for k, v in base.items() if k != "reasoning"}, 400, "required"),
            (dict(base, kind="cash"), 400, "invalid_value"),
            (dict(base, amount_cents=12000), 400, "amount_twice"),
            (dict(base, amount=12.345), 400, "amount_precision"),
            (dict(base, amount=-5), 400, "out_of_range"),
            ({k: v for k, v in base.items() if k != "amount"}, 400, "required"),
            (dict(base, policy="No such policy"), 404, "policy_not_found"),
            (dict(base, limit="max_bogus"), 422, "unknown_limit"),
            (dict(base, amount=30), 422, "within_policy"),
        ]
        for body, status, err in bad:
            r = mia.request("POST", "/api/v1/cases/%s/exceptions" % cid, body)
            eq((r.status, code(r)), (status, err), "bad proposal %r" % (body,))
        refused(priya.post("/api/v1/cases/%s/exceptions" % cid, base), 403, "not_customer_facing",
                "back office doesn't propose")
        refused(mia.post("/api/v1/exceptions/%s/cosign" % eid, {"note": 5}), 400, "wrong_type", "note must be text")
        refused(noah.post("/api/v1/exceptions/%s/cosign" % eid, {"extra": 1}), 400, "unknown_field", "unknown field")
        refused(mia.patch("/api/v1/exceptions/" + eid, {"status": "approved"}), 400, "unknown_field",
                "status can't be set by editing")
        # another organization's ids look unknown
        refused(chris.post("/api/v1/exceptions/%s/cosign" % eid), 404, "exception_not_found", "other org's exception")
        refused(chris.get("/api/v1/exceptions/" + eid), 404, "exception_not_found", "other org can't read it")
        sofia_other = s.login("dana@vendor-co.example", "vendor-co")
        refused(sofia_other.post("/api/v1/cases/%s/exceptions" % cid, base), 404, "case_not_found", "other org's case")
        refused(noah.post("/api/v1/exceptions/exc_00000000000000000000000000/cosign"), 404, "exception_not_found",
                "unknown id")
        refused(noah.post("/api/v1/exceptions/nonsense/cosign"), 404, "exception_not_found", "malformed id")
        after = (len(mia.ok("GET", "/api/v1/cases/%s/history" % cid)["items"]),
                 mia.ok("GET", "/api/v1/cases/%s/exceptions" % cid)["items"])
        eq(after, before, "bad input changed nothing")
        eq(mia.ok("GET", "/api/v1/exceptions/" + eid)["status"], "proposed", "still proposed")


def test_similar_exceptions_grouped_and_adopted_together():
    with Server(demo=True, start=START) as s:
        mia, noah, grace = people(s, "mia", "noah", "grace")
        other_policy = grace.ok("POST", "/api/v1/policies", {"name": "Credits up to $20", "kind": "limit",
                                                             "owner": mail("grace"), "text": "credits up to $20",
                                                             "limits": {"max_credit": 20}}, status=201)
        cid = open_case(mia)["id"]
        ids = []
        for amount in (70, 90, 110):
            eid = propose(mia, cid, amount=amount).json["id"]
            noah.ok("POST", "/api/v1/exceptions/%s/cosign" % eid)
            ids.append(eid)
        credit = mia.ok("POST", "/api/v1/cases/%s/exceptions" % cid,
                        {"policy": other_policy["id"], "kind": "credit", "amount": 40, "description": "credit $40",
                         "reasoning": "two outages this month"}, status=201)
        noah.ok("POST", "/api/v1/exceptions/%s/cosign" % credit["id"])
        queue = grace.ok("GET", "/api/v1/exception-reviews")
        groups = {(g["policy"]["name"], g["kind"]): g for g in queue["groups"]}
        eq(groups[(POLICY, "refund")]["this_quarter"], 3, "three refunds departed from the same limit")
        check(groups[(POLICY, "refund")]["summary"].startswith("3 exceptions this quarter departed from the same limit"),
              "summary: %r" % groups[(POLICY, "refund")]["summary"])
        eq(groups[("Credits up to $20", "credit")]["this_quarter"], 1, "the credit is its own group")
        proposals_before = grace.ok("GET", "/api/v1/policy-proposals")["items"]
        # an exception of another policy can't join the verdict; the whole review is refused
        r = grace.post("/api/v1/exceptions/%s/review" % ids[0], {"verdict": "adopt", "reasoning": "r", "proposal": "p",
                                                                 "also": [ids[1], credit["id"]]})
        refused(r, 422, "other_policy", "only the same policy joins a verdict")
        eq([mia.ok("GET", "/api/v1/exceptions/" + i)["review_status"] for i in ids], ["pending"] * 3,
           "the refused review changed nothing")
        eq(grace.ok("GET", "/api/v1/policy-proposals")["items"], proposals_before, "and opened no proposal")
        rv = grace.ok("POST", "/api/v1/exceptions/%s/review" % ids[0],
                      {"verdict": "adopt", "reasoning": "a pattern, not a one-off",
                       "proposal": "Fees caused by our error are refunded in full", "also": ids[1:]})
        eq(sorted(x["id"] for x in rv["proposal"]["exceptions"]), sorted(ids), "the proposal links all three")
        eq([mia.ok("GET", "/api/v1/exceptions/" + i)["review"]["verdict"] for i in ids], ["adopt"] * 3, "all adopted")
        # a later review can join the open proposal
        eid = propose(mia, cid, amount=130).json["id"]
        noah.ok("POST", "/api/v1/exceptions/%s/cosign" % eid)
        j = grace.ok("POST", "/api/v1/exceptions/%s/review" % eid, {"verdict": "adopt", "reasoning": "same again",
                                                                     "proposal_id": rv["proposal"]["id"]})
        eq(len(j["proposal"]["exceptions"]), 4, "joined the open proposal")
        refused(grace.post("/api/v1/exceptions/%s/review" % credit["id"],
                           {"verdict": "adopt", "reasoning": "r", "proposal_id": rv["proposal"]["id"]}),
                422, "proposal_other_policy", "a proposal changes one policy")
        refused(grace.post("/api/v1/exceptions/%s/review" % credit["id"], {"verdict": "one_off", "reasoning": "r",
                                                                           "proposal": "p"}),
                400, "proposal_needs_adopt", "only adopt opens a proposal")
        one = grace.ok("POST", "/api/v1/exceptions/%s/review" % credit["id"], {"verdict": "one_off", "reasoning": "outages"})
        eq(one["review"]["verdict"], "one_off", "kept as a one-off")
        rej = grace.ok("POST", "/api/v1/policy-proposals/%s/reject" % rv["proposal"]["id"], {"reason": "not yet"})
        eq(rej["status"], "rejected", "a proposal can be rejected")
        eq(grace.ok("GET", "/api/v1/reports/exceptions?from=2030-01-01T00:00:00Z")["totals"]["adopted"], 4, "report: adopted")


if __name__ == "__main__":
    run_module(globals())
