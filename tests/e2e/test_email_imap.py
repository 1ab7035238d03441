"""Polling an IMAP mailbox (`frontline mail-poll`, issue 16) against a real Dovecot on loopback,
started by the test from its own configuration (and stopped by it): password login and an OAuth2
bearer token (SASL XOAUTH2, checked by Dovecot against a token introspection endpoint this test
serves).  A message is marked (\\Seen) or moved only after it is committed; a poller that fails or
is killed before the commit leaves it on the server to be taken next time, exactly once."""
import http.server
import imaplib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, Server, check, eq, free_port, run_module, skip  # noqa: E402
from test_email import MAILBOX, case_of, msg, setup  # noqa: E402

USER = "sales-imap@vendor-co.example"
PASSWORD = "imap-s3cret"
TOKEN = "ya29.good-token"


class Introspection:
    """RFC 7662 token introspection, as Dovecot's oauth2 passdb asks it: only TOKEN is active."""

    def __init__(self):
        asked = self.asked = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                token = urllib.parse.parse_qs(body).get("token", [""])[0]
                asked.append(token)
                out = json.dumps({"active": "true" if token == TOKEN else "false", "username": USER}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Dovecot:
    """A private Dovecot (own base, state and mail directories) serving IMAP on 127.0.0.1:port for
    one user, by password or (SASL XOAUTH2) by bearer token.  Needs root (Dovecot switches to its
    own users) and the dovecot-imapd package."""

    def __init__(self):
        if not shutil.which("dovecot") or os.geteuid() != 0:
            skip("needs dovecot (dovecot-imapd) and root")
        try:
            pwd.getpwnam("dovecot")
            pwd.getpwnam("dovenull")
        except KeyError:
            skip("the dovecot users are missing")
        self.tmp = tempfile.mkdtemp(prefix="fl-dovecot-")
        os.chmod(self.tmp, 0o755)
        self.port = free_port()
        self.intro = Introspection()
        self.conf = os.path.join(self.tmp, "dovecot.conf")
        self._write_config()
        # no pipes: the daemon's children would hold them open
        with open(os.path.join(self.tmp, "start.log"), "w") as out:
            p = subprocess.run(["dovecot", "-c", self.conf], stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        if p.returncode != 0:
            self.intro.stop()
            raise AssertionError("dovecot did not start: " + open(out.name).read())
        self.url = "imap://127.0.0.1:%d/INBOX" % self.port
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                self.client().logout()
                break
            except OSError:
                time.sleep(0.2)

    def _write_config(self):
        t = self.tmp
        for d in ("run", "state", "mail"):
            os.makedirs(os.path.join(t, d))
        shutil.chown(os.path.join(t, "mail"), "dovecot", "dovecot")
        with open(os.path.join(t, "passwd"), "w") as f:
            f.write("%s:{PLAIN}%s\n" % (USER, PASSWORD))
        with open(os.path.join(t, "oauth2.conf"), "w") as f:
            f.write("introspection_mode = post\nintrospection_url = http://127.0.0.1:%d/introspect\n"
                    "username_attribute = username\nactive_attribute = active\nactive_value = true\n"
                    % self.intro.port)
        with open(self.conf, "w") as f:
            f.write("""base_dir = {t}/run
state_dir = {t}/state
log_path = {t}/log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
mail_location = maildir:{t}/mail/%u
first_valid_uid = 1
mail_uid = dovecot
mail_gid = dovecot
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {t}/passwd
  mechanisms = plain login
}}
passdb {{
  driver = oauth2
  args = {t}/oauth2.conf
  mechanisms = xoauth2
}}
userdb {{
  driver = static
  args = home={t}/mail/%u
}}
""".format(t=t, port=self.port))

    def client(self):
        m = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        m.login(USER, PASSWORD)
        return m

    def append(self, raw, folder="INBOX"):
        m = self.client()
        m.append(folder, None, None, raw.replace("\n", "\r\n").encode() if isinstance(raw, str) else raw)
        m.logout()

    def flags(self, folder="INBOX"):
        """{uid: set of flags} of the folder."""
        m = self.client()
        m.select(folder)
        typ, data = m.uid("FETCH", "1:*", "(FLAGS)")
        out = {}
        for line in data:
            if not line:
                continue
            text = line.decode() if isinstance(line, bytes) else line[0].decode()
            uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
            out[uid] = set(text.split("FLAGS (")[1].split(")")[0].split())
        m.logout()
        return out

    def set_flags(self, uid, flags):
        m = self.client()
        m.select("INBOX")
        m.uid("STORE", str(uid), "+FLAGS", "(%s)" % flags)
        m.logout()

    def log(self):
        path = os.path.join(self.tmp, "log")
        return open(path).read() if os.path.exists(path) else ""

    def stop(self):
        pidfile = os.path.join(self.tmp, "run", "master.pid")
        if os.path.exists(pidfile):
            pid = int(open(pidfile).read().strip())
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.time() + 10
            while time.time() < deadline and os.path.exists("/proc/%d" % pid):
                time.sleep(0.1)
        self.intro.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0]:
            print(self.log()[-1500:])
        self.stop()


def poll(s, dv, *extra, secret=PASSWORD, kind="password", mailbox=MAILBOX):
    f = tempfile.NamedTemporaryFile("w", delete=False, suffix=".secret")
    f.write(secret + "\n")
    f.close()
    try:
        p = subprocess.run([BIN, "mail-poll", "--db", s.db, "--mailbox", mailbox, "--imap", dv.url,
                            "--imap-user", USER, "--imap-%s-file" % kind, f.name, "--once"] + list(extra),
                           capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(f.name)
    try:
        out = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        out = None
    return p.returncode, out, p.stderr


def email_cases(client, q):
    return [c for c in client.ok("GET", "/api/v1/cases?q=" + q)["items"] if c["channel"] == "email"]


def test_password_poll_takes_each_message_once_and_marks_it_after_the_commit():
    with Server(demo=True, test_clock=False) as s, Dovecot() as dv:
        admin, pat = setup(s)
        dv.append(msg(subject="Phones missing", mid="<imap-1@example.com>"))
        dv.append(msg(frm="Lee Wong <lee.wong@example.com>", subject="Wrong charger", mid="<imap-2@example.com>"))
        dv.append(msg(subject="Phones missing", mid="<imap-1@example.com>"))  # delivered twice
        rc, out, err = poll(s, dv)
        eq((rc, out), (0, {"taken": 2, "duplicates": 1, "failed": 0}), "two taken, the copy known: " + err)
        eq(len(email_cases(pat, "missing")), 1, "one case for the message delivered twice")
        eq(len(email_cases(pat, "charger")), 1, "one case for the other")
        for uid, flags in dv.flags().items():
            eq(flags, {"\\Seen"}, "UID %d: marked seen after its commit, no keyword left" % uid)
        rc, out, _ = poll(s, dv)
        eq(out, {"taken": 0, "duplicates": 0, "failed": 0}, "a second poll finds nothing new")
        dv.append(msg(subject="Phones missing", mid="<imap-3@example.com>", body="Any news?\n",
                      headers="In-Reply-To: <imap-1@example.com>\n"))
        rc, out, _ = poll(s, dv)
        eq(out["taken"], 1, "the new message only")
        case = email_cases(pat, "missing")[0]
        eq(len(case_of(pat, case["id"])["touchpoints"]), 2, "the reply threaded onto its case")


def test_failure_or_kill_before_the_commit_leaves_the_message_to_be_taken_once():
    with Server(demo=True, test_clock=False) as s, Dovecot() as dv:
        dv.append(msg(subject="Tablet cracked", mid="<imap-f1@example.com>"))
        rc, out, err = poll(s, dv)  # the mailbox isn't set up yet: nothing can be committed
        eq((rc, out["failed"]), (1, 1), "not committed: a failed poll")
        flags = list(dv.flags().values())
        eq(flags, [{"FrontlinePending"}], "still unread, pending: taken next time")
        admin, pat = setup(s)
        rc, out, err = poll(s, dv)
        eq((rc, out), (0, {"taken": 1, "duplicates": 0, "failed": 0}), "taken once the store can commit: " + err)
        eq(list(dv.flags().values()), [{"\\Seen"}], "marked only now")
        # a poller killed after its fetch (which set \Seen) and before the commit leaves this state
        dv.append(msg(subject="Screen flickers", mid="<imap-f2@example.com>"))
        uid = max(dv.flags())
        dv.set_flags(uid, "\\Seen FrontlinePending")
        rc, out, _ = poll(s, dv)
        eq(out["taken"], 1, "found again by its keyword")
        eq(len(email_cases(pat, "flickers")), 1, "exactly once")
        eq(dv.flags()[uid], {"\\Seen"}, "done")
        # a poller killed after the commit and before the mark: fetched again, a duplicate, then marked
        dv.set_flags(uid, "FrontlinePending")
        rc, out, _ = poll(s, dv)
        eq(out, {"taken": 0, "duplicates": 1, "failed": 0}, "the store knows it")
        eq(len(email_cases(pat, "flickers")), 1, "still once")


def test_bearer_token_xoauth2_and_moving_to_a_folder():
    with Server(demo=True, test_clock=False) as s, Dovecot() as dv:
        admin, pat = setup(s)
        m = dv.client()
        m.create("Frontline")
        m.logout()
        dv.append(msg(subject="Invoice wrong", mid="<imap-m1@example.com>"))
        rc, out, err = poll(s, dv, "--done", "move:Frontline", secret="expired-token", kind="bearer")
        eq(rc, 1, "a refused token: the poll fails")
        check("XOAUTH2" in dv.log() or "xoauth2" in dv.log().lower(), "Dovecot saw an XOAUTH2 login")
        eq(len(dv.flags()), 1, "the message stays")
        rc, out, err = poll(s, dv, "--done", "move:Frontline", secret=TOKEN, kind="bearer")
        eq((rc, out), (0, {"taken": 1, "duplicates": 0, "failed": 0}), "taken with a good token: " + err)
        check(TOKEN in dv.intro.asked, "Dovecot checked the token with the introspection endpoint")
        eq(dv.flags(), {}, "moved out of INBOX after the commit")
        eq(len(dv.flags("Frontline")), 1, "into the folder")
        eq(len(email_cases(pat, "invoice")), 1, "on a case")
        rc, _, _ = poll(s, dv, "--done", "move:Front\"line) x", secret=TOKEN, kind="bearer")
        eq(rc, 2, "a folder name that could carry an IMAP command is refused")


if __name__ == "__main__":
    run_module(globals())
