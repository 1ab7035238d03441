"""Live pages over HTTP: GET /api/v1/events/stream (Server-Sent Events) — authenticated, scoped to
the organization and to what every colleague may see, resumed from Last-Event-ID; GET
/api/v1/changes behind it; the signed-in person's permissions in /me; alerts read and dismissed one
at a time or all at once.  Waits below are hang detectors (a stream polls about once a second),
never timing assertions."""
import http.client
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

V = "vendor-co"
HANG_S = 60


def who(s, name, org=V, cookie=False):
    return s.login("%s@%s.example" % (name, org), org, cookie=cookie)


class Stream:
    """One event stream, read line by line."""

    def __init__(self, client, last_id=None):
        host, port = client.server.url.split("//")[1].split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=HANG_S)
        h = {"Accept": "text/event-stream"}
        if client.token:
            h["Authorization"] = "Bearer " + client.token
        if client.cookie:
            h["Cookie"] = "fl_session=" + client.cookie
        if last_id is not None:
            h["Last-Event-ID"] = str(last_id)
        self.conn.request("GET", "/api/v1/events/stream", headers=h)
        self.resp = self.conn.getresponse()
        self.last_id = None

    def next_event(self):
        """The next dispatched event as (name, data), keeping the last id seen."""
        name, data = None, []
        while True:
            line = self.resp.fp.readline()
            if not line:
                return None, None
            line = line.decode().rstrip("\n")
            if line == "":
                if data:
                    return name or "message", json.loads("\n".join(data))
                name = None
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "id":
                self.last_id = int(value)
            elif field == "event":
                name = value
            elif field == "data":
                data.append(value)

    def wait_for(self, pred, what):
        deadline = time.monotonic() + HANG_S
        while time.monotonic() < deadline:
            name, data = self.next_event()
            if name is None:
                raise AssertionError("the stream ended before " + what)
            if pred(name, data):
                return data
        raise AssertionError("no " + what)

    def close(self):
        self.conn.close()


def open_case(client, subject):
    return client.ok("POST", "/api/v1/cases", {"subject": subject, "channel": "phone", "customer_name": "Erin Park"})


def test_the_stream_needs_a_session():
    with Server(demo=True) as s:
        r = s.anon().get("/api/v1/events/stream")
        eq(r.status, 401, "no credentials, no stream")
        eq(r.json["error"]["code"], "unauthenticated", "the API's own refusal")
        r = s.anon().request("GET", "/api/v1/events/stream", headers={"Authorization": "Bearer nope"})
        eq(r.status, 401, "a wrong token, no stream")


def test_a_colleague_sees_a_case_change_and_resumes_after_a_drop():
    with Server(demo=True) as s:
        chris, pat = who(s, "chris"), who(s, "pat", cookie=True)
        c = open_case(chris, "Live: phone swap")
        st = Stream(pat)
        eq(st.resp.status, 200, "the stream opens with the session cookie")
        check(st.resp.getheader("Content-Type").startswith("text/event-stream"), "as an event stream")
        hello = st.wait_for(lambda n, d: n == "hello", "hello")
        check(hello["last"] >= 1, "hello says where the history is")
        chris.ok("POST", "/api/v1/cases/%s/notes" % c["id"], {"body": "customer called back"})
        ev = st.wait_for(lambda n, d: n == "case" and d["kind"] == "note.added", "the note event")
        eq(ev["case_id"], c["id"], "which case changed")
        eq(ev["case_number"], c["number"], "with its number")
        check(ev["actor_id"] != "", "and who changed it")
        resume = st.last_id
        st.close()
        # while nobody listens: two more changes; a reconnect with Last-Event-ID gets both
        chris.ok("POST", "/api/v1/cases/%s/notes" % c["id"], {"body": "second"})
        chris.ok("POST", "/api/v1/cases/%s/offers" % c["id"], {"to": "pat@vendor-co.example"})
        st = Stream(pat, last_id=resume)
        kinds = []
        st.wait_for(lambda n, d: n == "case" and (kinds.append(d["kind"]) or d["kind"] == "case.offered"), "the missed events")
        eq(kinds[:2], ["note.added", "case.offered"], "the missed events in order, nothing before the resume point")
        st.close()


def test_the_stream_keeps_to_the_organization_and_to_what_everyone_may_see():
    with Server(demo=True) as s:
        chris, taylor = who(s, "chris"), who(s, "taylor")
        mia = who(s, "mia", org="harbor-financial")
        c = open_case(chris, "Live: private coaching")
        st_other = Stream(mia)
        st_other.wait_for(lambda n, d: n == "hello", "hello")
        st = Stream(chris)
        st.wait_for(lambda n, d: n == "hello", "hello")
        taylor.ok("POST", "/api/v1/coaching-notes", {"employee": "chris@vendor-co.example", "summary": "kind words",
                                                     "cases": [c["id"]]})
        chris.ok("POST", "/api/v1/cases/%s/notes" % c["id"], {"body": "marker"})
        seen = []
        st.wait_for(lambda n, d: n == "case" and (seen.append(d["kind"]) or d["kind"] == "note.added"), "the marker note")
        check(not any(k.startswith("coaching") for k in seen), "no coaching event on the stream: %r" % seen)
        # the other organization's stream heard nothing of it: its next event is a keep-alive-free alerts/none
        changes = mia.ok("GET", "/api/v1/changes?after=0")
        check(all(it["case_id"] != c["id"] for it in changes["items"]), "another organization's changes hold none of ours")
        st.close()
        st_other.close()


def test_changes_starts_from_now_without_a_cursor():
    with Server(demo=True) as s:
        pat = who(s, "pat")
        r = pat.ok("GET", "/api/v1/changes")
        eq(r["items"], [], "no cursor: nothing old")
        check(r["last"] >= 1 and "unread" in r["alerts"], "the point to ask after, and my alert count")
        eq(pat.get("/api/v1/changes?after=-1").status, 400, "a negative cursor is refused")


def test_alerts_count_in_the_stream_and_read_and_dismiss():
    with Server(demo=True) as s:
        riley, pat = who(s, "riley"), who(s, "pat")
        first = riley.ok("GET", "/api/v1/alerts")
        check(first["unread"] >= 1, "the demo leaves Riley alerts")
        st = Stream(riley)
        st.wait_for(lambda n, d: n == "alerts" and d["unread"] == first["unread"], "the unread count")
        one = first["items"][0]
        r = riley.ok("POST", "/api/v1/alerts/%s/dismiss" % one["id"])
        eq(r["changed"], 1, "one dismissed")
        after = riley.ok("GET", "/api/v1/alerts")
        check(all(a["id"] != one["id"] for a in after["items"]), "a dismissed alert leaves the list")
        eq(riley.post("/api/v1/alerts/%s/dismiss" % one["id"]).status, 404, "dismissing twice: not found")
        eq(pat.post("/api/v1/alerts/%s/dismiss" % after["items"][0]["id"]).status if after["items"] else 404, 404,
           "someone else's alert looks unknown")
        r = riley.ok("POST", "/api/v1/alerts/read-all")
        eq(r["unread"], 0, "all read")
        st.wait_for(lambda n, d: n == "alerts" and d["unread"] == 0, "the count falling to 0 live")
        check(all(a["read"] for a in riley.ok("GET", "/api/v1/alerts")["items"]), "every alert read")
        r = riley.ok("POST", "/api/v1/alerts/dismiss-all")
        eq(riley.ok("GET", "/api/v1/alerts")["items"], [], "all dismissed")
        eq(riley.ok("POST", "/api/v1/alerts/dismiss-all")["changed"], 0, "again: nothing to change")
        st.close()


def test_me_lists_my_permissions_from_the_table():
    with Server(demo=True) as s:
        pat = who(s, "pat").ok("GET", "/api/v1/me")
        check("propose_exception" in pat["permissions"], "frontline may propose exceptions")
        check("manage_rotas" not in pat["permissions"] and "manage_people" not in pat["permissions"],
              "but not manage rotas or people")
        taylor = who(s, "taylor").ok("GET", "/api/v1/me")
        check("manage_rotas" in taylor["permissions"] and "manage_cases" in taylor["permissions"],
              "a supervisor manages rotas and cases")


def test_shutdown_ends_open_streams():
    s = Server(demo=True)
    s.start()
    try:
        pat = who(s, "pat")
        streams = [Stream(pat) for _ in range(3)]
        for st in streams:
            st.wait_for(lambda n, d: n == "hello", "hello")
        check(s.anon().get("/healthz").status == 200, "other requests are answered while streams idle")
    finally:
        s.stop(signal.SIGTERM)
    eq(s.proc.returncode, 0, "a clean exit with streams open (no suspended connection left behind)")
    for st in streams:
        name, _ = st.next_event()
        eq(name, None, "the stream ended with the server")


if __name__ == "__main__":
    run_module(globals())
