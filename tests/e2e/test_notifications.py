"""Notifications (issue 17): per-person preferences per alert kind, quiet hours in the person's
time zone that give way to their on-call shift, email at once through the outbox's delivery worker
(`frontline mail-deliver`) into an aiosmtpd sink on loopback, and the daily digest at the local
hour the person picked.  The server runs on the manual clock; the worker on the real clock (the
manual one is in the past, so everything queued is due)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, Server, check, eq, run_module  # noqa: E402
from test_email import Sink  # noqa: E402

N = "northwind"
TWO_AM_CHICAGO = "2026-03-03T08:00:00Z"  # Tuesday 02:00 in Chicago (UTC-6)


def deliver(s, sink):
    out = subprocess.run([BIN, "mail-deliver", "--db", s.db, "--smtp", sink.url, "--once"], capture_output=True, text=True,
                         timeout=120)
    check(out.returncode == 0, "mail-deliver: %s" % out.stderr)


def to(sink, addr, case=None):
    """The mail addr got (about case: its number in the subject or the text; the demo has mail of its own)."""
    return [m for _, rcpts, m in sink.messages if addr in rcpts
            and (case is None or "#%d" % case["number"] in m["Subject"] + m.get_content())]


def night_line(s):
    """Rosa on call around the clock (one member, so every shift is hers)."""
    admin = s.login("admin@" + N + ".example", N)
    admin.ok("POST", "/api/v1/rotas", {"name": "Night line", "skill": "billing", "location": "Chicago",
                                       "layers": [{"layer": "primary", "members": ["rosa@" + N + ".example"],
                                                   "handoff": "00:00", "period_days": 7, "start": "2026-03-01"}]},
             status=201)


def offer(s, to_email, subject):
    ben = s.login("ben@" + N + ".example", N)
    case = ben.ok("POST", "/api/v1/cases", {"subject": subject, "channel": "phone", "customer_name": "Ada Quinn",
                                            "summary": "needs someone tonight"}, status=201)
    ben.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": to_email}, status=201)
    return case


def test_an_offer_at_two_am_reaches_the_on_call_person_by_email_and_a_quiet_person_by_digest():
    with Server(demo=True, start="2026-03-03T06:00:00Z") as s, Sink() as sink:
        night_line(s)
        s.set_clock(TWO_AM_CHICAGO)
        rosa = s.login("rosa@" + N + ".example", N)
        helen = s.login("helen@" + N + ".example", N)
        mine = rosa.ok("PATCH", "/api/v1/me/notifications", {"tz": "America/Chicago", "quiet_from": "22:00", "quiet_to": "07:00"})
        eq((mine["on_call_now"], mine["in_quiet_hours_now"]), (True, True), "Rosa is on call, in her quiet hours")
        eq([k["channel"] for k in mine["kinds"] if k["kind"] == "offer"], ["email"], "offers reach on-call people by email")
        helen.ok("PATCH", "/api/v1/me/notifications", {"tz": "America/Chicago", "quiet_from": "22:00", "quiet_to": "07:00",
                                                       "digest_hour": 8, "channels": {"offer": "email"}})

        for_rosa = offer(s, "rosa@" + N + ".example", "Card charged twice")
        for_helen = offer(s, "helen@" + N + ".example", "Refund stuck")
        deliver(s, sink)
        got = to(sink, "rosa@" + N + ".example", for_rosa)
        eq(len(got), 1, "Rosa's offer arrives by email at 2 a.m.: her shift beats her quiet hours")
        check("#%d" % for_rosa["number"] in got[0]["Subject"], "naming the case: %r" % got[0]["Subject"])
        check("Card charged twice" in got[0].get_content(), "with its subject in the text")
        eq(got[0]["Auto-Submitted"], "auto-replied", "automatic mail, composed by the outbox like customer mail")
        check("Frontline (" in got[0]["From"], "from Frontline for the organization: %r" % got[0]["From"])
        eq(to(sink, "helen@" + N + ".example"), [], "Helen is in her quiet hours and not on call: no email now")
        check(any(a["kind"] == "offer" for a in helen.ok("GET", "/api/v1/alerts")["items"]), "she has it in the app")
        waiting = helen.ok("GET", "/api/v1/me/notifications")
        eq(waiting["digest_waiting"], 1, "it waits for her digest")
        eq(waiting["next_digest_at"], "2026-03-03T14:00:00.000Z", "at 08:00 her time")

        s.set_clock("2026-03-03T13:59:00Z")
        deliver(s, sink)
        eq(to(sink, "helen@" + N + ".example"), [], "not before her digest hour")
        s.set_clock("2026-03-03T14:00:00Z")
        deliver(s, sink)
        digest = to(sink, "helen@" + N + ".example")
        eq(len(digest), 1, "the digest arrives at her hour")
        check("digest" in digest[0]["Subject"], "as a digest: %r" % digest[0]["Subject"])
        check("#%d" % for_helen["number"] in digest[0].get_content(), "listing the offer")
        check("02:00" in digest[0].get_content(), "at its local time")
        eq(helen.ok("GET", "/api/v1/me/notifications")["digest_waiting"], 0, "nothing waits any more")
        s.set_clock("2026-03-04T14:00:00Z")
        deliver(s, sink)
        eq(len(to(sink, "helen@" + N + ".example")), 1, "an empty digest is never sent")


def test_outside_quiet_hours_email_is_at_once_and_app_means_the_app_only():
    with Server(demo=True, start="2026-03-03T15:00:00Z") as s, Sink() as sink:  # 09:00 in Chicago
        helen = s.login("helen@" + N + ".example", N)
        helen.ok("PATCH", "/api/v1/me/notifications", {"quiet_from": "22:00", "quiet_to": "07:00", "channels": {"offer": "email"}})
        invoice = offer(s, "helen@" + N + ".example", "Invoice missing")
        rosa = s.login("rosa@" + N + ".example", N)
        rosa.ok("PATCH", "/api/v1/me/notifications", {"channels": {"offer": "app"}})
        address = offer(s, "rosa@" + N + ".example", "Address change")
        deliver(s, sink)
        eq(len(to(sink, "helen@" + N + ".example", invoice)), 1, "awake hours: the email goes at once")
        eq(to(sink, "rosa@" + N + ".example", address), [], "app only: no email")
        check(any(a["kind"] == "offer" for a in rosa.ok("GET", "/api/v1/alerts")["items"]), "but the alert is there")
        back = rosa.ok("PATCH", "/api/v1/me/notifications", {"channels": {"offer": "default"}})
        eq([(k["channel"], k["chosen"]) for k in back["kinds"] if k["kind"] == "offer"][0][1], False, "back to the default")


def staff_mail(s):
    """(waiting, bounced) staff mail and bounced mail of any kind, from GET /metrics."""
    from test_operations import samples, scrape
    m = samples(scrape(s.url + "/metrics")[2])
    return (m[("frontline_notify_mail_messages", (("status", "waiting"),))],
            m[("frontline_notify_mail_messages", (("status", "bounced"),))],
            m[("frontline_outbox_messages", (("status", "bounced"),))])


def test_staff_mail_shares_the_customer_outbox_its_rules_and_its_worker():
    from test_operations import token_file
    with Server(demo=True, start="2026-03-03T15:00:00Z", extra_args=["--metrics-token-file", token_file()]) as s, \
            Sink(refuse="550 5.1.1 no such user") as refusing, Sink() as sink:
        helen = s.login("helen@" + N + ".example", N)
        helen.ok("PATCH", "/api/v1/me/notifications", {"quiet_from": "", "quiet_to": "", "channels": {"offer": "email"}})
        waiting, bounced, all_bounced = staff_mail(s)
        case = offer(s, "helen@" + N + ".example", "Parcel lost")
        eq(staff_mail(s)[:2], (waiting + 1, bounced), "the notice waits in the outbox")
        deliver(s, refusing)
        now = staff_mail(s)
        eq(now[:2], (0, bounced + waiting + 1), "a permanent refusal bounces it, as it bounces customer mail")
        check(now[2] >= all_bounced + waiting + 1, "and the outbox counts it with the rest: %r" % (now,))
        deliver(s, sink)
        eq(to(sink, "helen@" + N + ".example", case), [], "a bounced notice is not sent again")


def test_bad_preferences_have_stable_codes_and_change_nothing():
    with Server(demo=True) as s:
        rosa = s.login("rosa@" + N + ".example", N)
        before = rosa.ok("GET", "/api/v1/me/notifications")
        for body, code in [({"tz": "Mars/Olympus"}, "unknown_time_zone"),
                           ({"quiet_from": "25:00", "quiet_to": "07:00"}, "invalid_time"),
                           ({"quiet_from": "22:00"}, "required"),
                           ({"channels": {"nope": "email"}}, "unknown_alert_kind"),
                           ({"channels": {"offer": "sms"}}, "invalid_channel"),
                           ({"digest_hour": 24}, "out_of_range"),
                           ({"colour": "red"}, "unknown_field")]:
            r = rosa.patch("/api/v1/me/notifications", body)
            eq((r.status, r.json["error"]["code"]), (400, code), repr(body))
        eq(rosa.ok("GET", "/api/v1/me/notifications"), before, "nothing changed")


def test_me_says_the_time_zone_the_person_reads_times_in():
    """GET /api/v1/me carries the zone (the web UI reads it from there, with no second request):
    the location's until the person chooses one, then theirs, and the location's again when cleared."""
    with Server(demo=True) as s:
        helen = s.login("helen@" + N + ".example", N)
        prefs = helen.ok("GET", "/api/v1/me/notifications")
        me = helen.ok("GET", "/api/v1/me")
        eq((me["tz"], me["tz_chosen"]), (prefs["tz"], False), "the location's zone, not chosen")
        check(me["tz"] != "Europe/Lisbon", "the demo's Helen is not in Lisbon")
        helen.ok("PATCH", "/api/v1/me/notifications", {"tz": "Europe/Lisbon"})
        me = helen.ok("GET", "/api/v1/me")
        eq((me["tz"], me["tz_chosen"]), ("Europe/Lisbon", True), "her own choice")
        r = helen.patch("/api/v1/me/notifications", {"tz": "Mars/Olympus"})
        eq(r.status, 400, "an unknown zone is refused")
        eq(helen.ok("GET", "/api/v1/me")["tz"], "Europe/Lisbon", "and changes nothing")
        helen.ok("PATCH", "/api/v1/me/notifications", {"tz": ""})
        me = helen.ok("GET", "/api/v1/me")
        eq((me["tz"], me["tz_chosen"]), (prefs["tz"], False), "cleared: the location's again")


if __name__ == "__main__":
    run_module(globals())
