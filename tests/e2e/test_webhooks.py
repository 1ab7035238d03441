"""Webhooks (issue 17): a real server, a real `frontline webhook-deliver` worker and a receiver on
loopback that checks every Standard Webhooks signature.  Retries after a 500 repeat the same
webhook-id after a back-off; repeated failure disables the subscription and alerts its admin;
private, link-local and (without the operator's setting) loopback targets are refused without a
connection.  The worker runs on a manual clock (--test-clock-start) so back-offs take no time."""
import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
os.environ["FRONTLINE_WEBHOOK_ALLOW"] = "loopback"  # the operator setting the tests need (servers inherit it)
from lib import BIN, Server, check, eq, run_module, skip  # noqa: E402

V = "vendor-co"


class Receiver:
    """An HTTP receiver on loopback: records (headers, body) of every request and answers with the
    next status of `answers` (the last one repeats)."""

    def __init__(self, answers=(200,)):
        self.requests, self.answers = [], list(answers)
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((dict((k.lower(), v) for k, v in self.headers.items()), body))
                status = outer.answers.pop(0) if len(outer.answers) > 1 else outer.answers[0]
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d/hook" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def verify(secret, headers, body):
    """The receiver's check, as in docs/webhooks.md."""
    key = base64.b64decode(secret[len("whsec_"):])
    signed = ("%s.%s." % (headers["webhook-id"], headers["webhook-timestamp"])).encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s.split(",", 1)[1])
               for s in headers["webhook-signature"].split(" ") if s.startswith("v1,"))


def now(s):
    return s.anon().ok("GET", "/api/v1/test/clock")["now"]


def deliver(s, at, *extra):
    out = subprocess.run([BIN, "webhook-deliver", "--db", s.db, "--once", "--test-clock-start", at] + list(extra),
                         capture_output=True, text=True, timeout=120)
    check(out.returncode == 0, "webhook-deliver: %s" % out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])["handled"]


def open_case(client, subject="Phone will not charge"):
    return client.ok("POST", "/api/v1/cases", {"subject": subject, "channel": "phone", "customer_name": "Sam Carter",
                                               "summary": "called about it"})


def test_signed_deliveries_in_order_retried_after_a_500_with_the_same_id():
    with Server(demo=True) as s, Receiver([200]) as rx:
        admin = s.login("admin@" + V + ".example", V)
        hook = admin.ok("POST", "/api/v1/webhooks", {"url": rx.url, "kinds": ["case", "offer"],
                                                     "description": "the test receiver"}, status=201)
        check(hook["secret"].startswith("whsec_"), "the secret is shown once, when made")
        eq(admin.ok("GET", "/api/v1/webhooks/" + hook["id"]).get("secret"), None, "and never again")
        pat = s.login("pat@" + V + ".example", V)
        case = open_case(pat)
        sent = deliver(s, now(s))
        check(sent >= 1, "the worker sends the case's events")
        eq(len(rx.requests), sent, "one request each")
        for h, body in rx.requests:
            check(verify(hook["secret"], h, body), "every signature checks out")
        h, body = rx.requests[0]
        payload = json.loads(body)
        eq(payload["type"], "case.opened", "the first is the case opened")
        eq(payload["data"]["case"]["number"], case["number"], "the case it is about")
        eq(h["webhook-id"], "%s.%d" % (hook["id"], payload["data"]["seq"]), "a stable id")
        seqs = [json.loads(b)["data"]["seq"] for _, b in rx.requests]
        eq(seqs, sorted(seqs), "in the order of the history")

        rx.requests.clear()
        rx.answers = [500, 200]
        pat.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": "kim@" + V + ".example"}, status=201)
        eq(deliver(s, now(s)), 1, "the offer is tried")
        eq(len(rx.requests), 1, "and answered 500")
        eq(deliver(s, now(s)), 0, "the retry waits its back-off")
        s.advance(minutes=1)
        eq(deliver(s, now(s)), 1, "after the back-off it is sent again")
        (h1, b1), (h2, b2) = rx.requests[0], rx.requests[1]
        eq(h2["webhook-id"], h1["webhook-id"], "the retry carries the same webhook-id")
        eq(b2, b1, "and the same body")
        check(verify(hook["secret"], h2, b2), "signed again")
        eq(json.loads(b2)["type"], "case.offered", "the offer event")
        log = admin.ok("GET", "/api/v1/webhooks/%s/deliveries" % hook["id"])["items"]
        eq([(d["outcome"], d["attempt"], d["http_status"]) for d in log[:2]],
           [("delivered", 2, 200), ("failed", 1, 500)], "the delivery log, newest first")
        eq(log[0]["msg_id"], log[1]["msg_id"], "one message, two attempts")
        check(all(d["duration_ms"] >= 0 for d in log), "with response times")
        walked, cursor = [], ""
        for _ in range(len(log) + 1):  # the log by cursor, one a page: the same rows in the same order
            page = admin.ok("GET", "/api/v1/webhooks/%s/deliveries?limit=1%s" % (hook["id"], cursor))
            walked += [d["id"] for d in page["items"]]
            if not page["next"]:
                break
            cursor = "&cursor=" + page["next"]
        eq(walked, [d["id"] for d in log], "the delivery log pages by cursor")
        eq(admin.get("/api/v1/webhooks/%s/deliveries?cursor=bogus" % hook["id"]).status, 400, "a made-up cursor is refused")
        eq(admin.ok("GET", "/api/v1/webhooks/" + hook["id"])["events_behind"] >= 0, True, "the backlog is shown")


def test_two_workers_send_each_event_once_and_in_order():
    with Server(demo=True) as s, Receiver([200]) as rx:
        admin = s.login("admin@" + V + ".example", V)
        admin.ok("POST", "/api/v1/webhooks", {"url": rx.url, "kinds": ["case"]}, status=201)
        pat = s.login("pat@" + V + ".example", V)
        for i in range(8):
            open_case(pat, "Order %d late" % i)
        at = now(s)
        procs = [subprocess.Popen([BIN, "webhook-deliver", "--db", s.db, "--once", "--test-clock-start", at],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        handled = 0
        for p in procs:
            out, err = p.communicate(timeout=120)
            check(p.returncode == 0, "worker: %s" % err)
            handled += json.loads(out.strip().splitlines()[-1])["handled"]
        ids = [h["webhook-id"] for h, _ in rx.requests]
        eq(len(ids), len(set(ids)), "no event was sent twice (one attempt at a time: the lease)")
        eq(handled, len(ids), "the two workers together handled each once")
        seqs = [json.loads(b)["data"]["seq"] for _, b in rx.requests]
        eq(seqs, sorted(seqs), "in the order of the history")
        check(len(seqs) >= 16, "every case's events: %d" % len(seqs))


def wait_delivered(admin, hook_id, rx, at_least):
    """Until the subscription has no event behind and the receiver has at_least requests (at most
    two minutes: a bound on a wait, not a timing check)."""
    import time
    for _ in range(1200):
        if admin.ok("GET", "/api/v1/webhooks/" + hook_id)["events_behind"] == 0 and len(rx.requests) >= at_least:
            return
        time.sleep(0.1)
    check(False, "the events were not delivered: %d requests" % len(rx.requests))


def test_the_server_delivers_by_itself_one_attempt_at_a_time_beside_the_command():
    with Server(demo=True, test_clock=False) as s, Receiver([200]) as rx:
        admin = s.login("admin@" + V + ".example", V)
        hook = admin.ok("POST", "/api/v1/webhooks", {"url": rx.url, "kinds": ["case"]}, status=201)
        pat = s.login("pat@" + V + ".example", V)
        open_case(pat, "Delivered by the server")
        wait_delivered(admin, hook["id"], rx, 1)
        eq(json.loads(rx.requests[0][1])["type"], "case.opened", "the server's own worker sent it, no command ran")
        for i in range(6):
            open_case(pat, "Order %d late" % i)
        cmd = subprocess.run([BIN, "webhook-deliver", "--db", s.db, "--once"], capture_output=True, text=True,
                             timeout=120)
        eq(cmd.returncode, 0, "the command still works beside the server: %s" % cmd.stderr)
        wait_delivered(admin, hook["id"], rx, 7)
        ids = [h["webhook-id"] for h, _ in rx.requests]
        eq(len(ids), len(set(ids)), "each event once, whichever worker took it")
        seqs = [json.loads(b)["data"]["seq"] for _, b in rx.requests]
        eq(seqs, sorted(seqs), "in the order of the history")
        check(all(verify(hook["secret"], h, b) for h, b in rx.requests), "all signed")
        log = admin.ok("GET", "/api/v1/webhooks/%s/deliveries" % hook["id"])["items"]
        eq(sorted(d["attempt"] for d in log), [1] * len(log), "one attempt each")
    with Server(demo=True, test_clock=False, extra_args=["--webhook-worker", "off"]) as s:
        import time
        for _ in range(200):  # the line comes once the server listens, maybe after its first answer
            with open(s.log.name, "rb") as f:
                if b'"webhook_worker":"off"' in f.read():
                    break
            time.sleep(0.05)
        with open(s.log.name, "rb") as f:
            check(b'"webhook_worker":"off"' in f.read(), "the operator may leave delivery to the command alone")
        bad = subprocess.run([BIN, "serve", "--db", s.db, "--webhook-worker", "maybe"], capture_output=True, text=True,
                             timeout=60)
        eq((bad.returncode, "webhook worker must be on or off" in bad.stderr), (2, True), "a clear refusal")


def test_repeated_failure_disables_the_subscription_and_alerts_its_admin():
    with Server(demo=True) as s, Receiver([500]) as rx:
        admin = s.login("admin@" + V + ".example", V)
        hook = admin.ok("POST", "/api/v1/webhooks", {"url": rx.url, "kinds": ["case"]}, status=201)
        open_case(s.login("pat@" + V + ".example", V))
        for _ in range(8):
            eq(deliver(s, now(s)), 1, "an attempt")
            s.advance(hours=1)  # beyond the back-off (at most 32 minutes by the 7th failure)
        eq(len(rx.requests), 8, "eight attempts reached the receiver")
        admin = s.login("admin@" + V + ".example", V)
        got = admin.ok("GET", "/api/v1/webhooks/" + hook["id"])
        eq(got["status"], "disabled", "then the subscription is disabled")
        check("8 failed attempts" in got["disabled_reason"], "saying why: %r" % got["disabled_reason"])
        eq(deliver(s, now(s)), 0, "a disabled subscription gets nothing")
        eq(len({h["webhook-id"] for h, _ in rx.requests}), 1, "all eight were the first event, in order")
        alerts = admin.ok("GET", "/api/v1/alerts")["items"]
        check(any(a["kind"] == "webhook_disabled" for a in alerts), "its admin is alerted")
        admin.ok("PATCH", "/api/v1/webhooks/" + hook["id"], {"status": "active"})
        rx.answers = [200]
        check(deliver(s, now(s)) >= 1, "enabled again, the waiting event goes out at once")
        eq(admin.ok("GET", "/api/v1/webhooks/" + hook["id"])["failed_attempts"], 0, "and the failures are forgotten")


def test_ssrf_targets_are_refused_without_a_connection():
    with Server(demo=True) as s, Receiver([200]) as rx:
        admin = s.login("admin@" + V + ".example", V)
        before = [w["id"] for w in admin.ok("GET", "/api/v1/webhooks")["items"]]  # the demo's own
        for url in ("https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/hook", "https://[fe80::1]/hook",
                    "https://192.168.1.5/", "https://0.0.0.0/"):
            r = admin.post("/api/v1/webhooks", {"url": url, "kinds": ["breach"]})
            eq((r.status, r.json["error"]["code"]), (422, "webhook_target_refused"), url)
        eq([w["id"] for w in admin.ok("GET", "/api/v1/webhooks")["items"]], before, "nothing was made")
        # allowed when it was made, refused where the worker runs without the operator's setting:
        # checked on the resolved address, before any connection
        hook = admin.ok("POST", "/api/v1/webhooks", {"url": rx.url.replace("127.0.0.1", "localhost"), "kinds": ["case"]},
                        status=201)
        open_case(s.login("pat@" + V + ".example", V))
        check(deliver(s, now(s), "--allow", "") >= 1, "the attempt is handled")
        eq(rx.requests, [], "the receiver saw no connection")
        log = admin.ok("GET", "/api/v1/webhooks/%s/deliveries" % hook["id"])["items"]
        eq(log[0]["outcome"], "refused", "the log says refused")
        check("loopback" in log[0]["error"], "and why: %r" % log[0]["error"])


def test_a_name_that_resolves_to_loopback_is_refused_at_delivery():
    """The class of a name is known only once resolved: the worker resolves it itself, refuses it,
    and never connects (no DNS answer later can change what was checked: the address is pinned)."""
    name = socket.gethostname()
    try:
        addr = socket.gethostbyname(name)
    except OSError:
        addr = ""
    if not addr.startswith("127.") or name == "localhost":
        skip("this machine's name does not resolve to loopback")
    with Server(demo=True) as s, Receiver([200]) as rx:
        admin = s.login("admin@" + V + ".example", V)
        hook = admin.ok("POST", "/api/v1/webhooks", {"url": rx.url.replace("127.0.0.1", name), "kinds": ["case"]},
                        status=201)
        open_case(s.login("pat@" + V + ".example", V))
        check(deliver(s, now(s), "--allow", "private") >= 1, "the attempt is handled")
        eq(rx.requests, [], "no connection was made")
        log = admin.ok("GET", "/api/v1/webhooks/%s/deliveries" % hook["id"])["items"]
        eq(log[0]["outcome"], "refused", "refused")
        check(name in log[0]["error"] and "loopback" in log[0]["error"], "naming the name and its class: %r" % log[0]["error"])
        check(deliver(s, now(s)) == 0, "a refused attempt waits its back-off like any failure")
        s.advance(minutes=1)
        check(deliver(s, now(s)) >= 1, "with the operator's setting the same name is delivered")
        eq(len(rx.requests) >= 1, True, "and received")


def test_bad_input_has_stable_codes_and_changes_nothing():
    with Server(demo=True) as s:
        admin = s.login("admin@" + V + ".example", V)
        before = [w["id"] for w in admin.ok("GET", "/api/v1/webhooks")["items"]]  # the demo's own
        cases = [
            ({"url": "ftp://example.com/x", "kinds": ["case"]}, 400, "invalid_url"),
            ({"url": "https://user:pw@example.com/x", "kinds": ["case"]}, 400, "invalid_url"),
            ({"url": "not a url", "kinds": ["case"]}, 400, "invalid_url"),
            ({"url": "https://example.com/x", "kinds": ["nope"]}, 400, "unknown_event_kind"),
            ({"url": "https://example.com/x", "kinds": []}, 400, "required"),
            ({"url": "https://example.com/x", "kinds": ["case", "case"]}, 400, "duplicate_event_kind"),
            ({"url": "https://example.com/x", "kinds": ["case"], "format": "irc"}, 400, "invalid_value"),
            ({"url": "https://example.com/x", "kinds": ["case"], "extra": 1}, 400, "unknown_field"),
        ]
        for body, status, code in cases:
            r = admin.post("/api/v1/webhooks", body)
            eq((r.status, r.json["error"]["code"]), (status, code), json.dumps(body))
        pat = s.login("pat@" + V + ".example", V)
        r = pat.post("/api/v1/webhooks", {"url": "https://example.com/x", "kinds": ["case"]})
        eq((r.status, r.json["error"]["code"]), (403, "role_required"), "admins only")
        eq([w["id"] for w in admin.ok("GET", "/api/v1/webhooks")["items"]], before, "nothing was made")
        r = admin.get("/api/v1/webhooks/whk_00000000000000000000000000")
        eq((r.status, r.json["error"]["code"]), (404, "webhook_not_found"), "unknown id")
        hook = admin.ok("POST", "/api/v1/webhooks", {"url": "https://example.com/x", "kinds": ["case"]}, status=201)
        r = admin.patch("/api/v1/webhooks/" + hook["id"], {"url": "https://10.0.0.1/"})
        eq((r.status, r.json["error"]["code"]), (422, "webhook_target_refused"), "a change is checked too")
        eq(admin.ok("GET", "/api/v1/webhooks/" + hook["id"])["url"], "https://example.com/x", "and changes nothing")


def test_chat_templates_post_slack_and_teams_messages():
    with Server(demo=True) as s, Receiver([200]) as rx:
        admin = s.login("admin@" + V + ".example", V)
        admin.ok("POST", "/api/v1/webhooks", {"url": rx.url + "/slack", "kinds": ["case"], "format": "slack"}, status=201)
        admin.ok("POST", "/api/v1/webhooks", {"url": rx.url + "/teams", "kinds": ["case"], "format": "teams"}, status=201)
        case = open_case(s.login("pat@" + V + ".example", V), "Screen cracked")
        deliver(s, now(s))
        bodies = [json.loads(b) for _, b in rx.requests]
        slack = [b for b in bodies if "@type" not in b]
        teams = [b for b in bodies if "@type" in b]
        eq(len(slack), len(teams), "each gets every event")
        bodies = [slack[0], teams[0]]
        eq(sorted(bodies[0].keys()), ["text"], "Slack: a text message")
        check("#%d" % case["number"] in bodies[0]["text"] and "Screen cracked" in bodies[0]["text"],
              "naming the case: %r" % bodies[0]["text"])
        eq(bodies[1]["@type"], "MessageCard", "Teams: a message card")


if __name__ == "__main__":
    run_module(globals())
