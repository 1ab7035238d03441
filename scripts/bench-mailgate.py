#!/usr/bin/python3
"""Mail in: messages per second through `frontline mailgate` into cases, side by side with Request
Tracker's `rt-mailgate` (Debian request-tracker5 with SQLite, its own rt-server on loopback), on
the same corpus: Python's email test messages (Debian libpython3.11-testsuite), each copy with its
own Message-ID.  Both are run the way a mail server runs them: one process per message, one after
the other.  Then mail out: the acknowledgements Frontline queued, sent by `frontline mail-deliver`
to an aiosmtpd sink on loopback, against Python's smtplib sending the same messages to the same
sink (one connection per message, as the worker does).

    /usr/bin/python3 scripts/bench-mailgate.py [BIN] [COPIES]     (BIN: ./frontline, COPIES: 2)

Prints one line per measurement and the ratios.  The machine is shared: compare the ratios of one
run, not absolute numbers across runs.  Without request-tracker5 the RT half is skipped (said so)."""
import email
import os
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./frontline")
COPIES = int(sys.argv[2]) if len(sys.argv) > 2 else 2
CORPUS = "/usr/lib/python3.11/test/test_email/data"
RT_SERVER = "/usr/share/request-tracker5/libexec/rt-server"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def corpus():
    out = []
    files = sorted(f for f in os.listdir(CORPUS) if f.startswith("msg_"))
    for k in range(COPIES):
        for f in files:
            raw = open(os.path.join(CORPUS, f), "rb").read()
            mid = b"<bench-%d-%s@bench.example>" % (k, f.encode())
            raw = re.sub(rb"(?im)^message-id:[^\n]*(\n[ \t][^\n]*)*\n", b"", raw, count=1)
            out.append(b"Message-ID: " + mid + b"\n" + raw)
    return out


def run_frontline(tmp, msgs):
    db = os.path.join(tmp, "fl.db")
    subprocess.run([BIN, "init", "--db", db], check=True, capture_output=True)
    subprocess.run([BIN, "demo", "--db", db], check=True, capture_output=True)
    subprocess.run([BIN, "settings", "update", "--db", db, "--as", "admin@vendor-co.example", "--settings",
                    '{"mail.max_per_sender_hour": 100000}'], check=True, capture_output=True)
    before = int(subprocess.run(["sqlite3", db, "SELECT COUNT(*) FROM mail_in"], capture_output=True, text=True).stdout)
    t0 = time.monotonic()
    bad = 0
    for raw in msgs:
        p = subprocess.run([BIN, "mailgate", "--db", db, "--mailbox", "support@vendor-co.example"], input=raw,
                           capture_output=True)
        bad += p.returncode != 0
    dt = time.monotonic() - t0
    after = int(subprocess.run(["sqlite3", db, "SELECT COUNT(*) FROM mail_in"], capture_output=True, text=True).stdout)
    return db, dt, bad, after - before


def run_rt(tmp, msgs):
    if not shutil.which("rt-mailgate-5") or not os.path.exists(RT_SERVER):
        return None, "request-tracker5 is not installed"
    d = os.path.join(tmp, "rt")
    os.makedirs(os.path.join(d, "site.d"))
    port = free_port()
    with open(os.path.join(d, "site.pm"), "w") as f:
        f.write("Set($DatabaseType, 'SQLite');\nSet($DatabaseName, '%s/rt.db');\nSet($rtname, 'bench.example');\n"
                "Set($Organization, 'bench.example');\nSet($WebDomain, '127.0.0.1');\nSet($WebPort, %d);\n"
                "Set($WebPath, '');\nSet($WebBaseURL, 'http://127.0.0.1:%d');\nSet($MailCommand, 'testfile');\n"
                "Set($LogToSTDERR, 'error');\nSet($LogToSyslog, undef);\nSet($LogToFile, undef);\n1;\n" % (d, port, port))
    with open(os.path.join(d, "acl.pl"), "w") as f:
        f.write("@ACL = (\n" + "".join(
            "  { GroupDomain => 'SystemInternal', GroupType => 'Everyone', Right => '%s', Queue => 'General' },\n" % r
            for r in ("CreateTicket", "ReplyToTicket", "CommentOnTicket")) + ");\n1;\n")
    env = dict(os.environ, RT_SITE_CONFIG=os.path.join(d, "site.pm"), RT_SITE_CONFIG_DIR=os.path.join(d, "site.d"))
    for args in (["--action", "init", "--skip-create"], ["--action", "insert", "--datafile", os.path.join(d, "acl.pl")]):
        subprocess.run(["/usr/sbin/rt-setup-database-5"] + args, env=env, check=True, capture_output=True)
    server = subprocess.Popen([RT_SERVER, "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(d, "server.log"), "w"), start_new_session=True)
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        url = "http://127.0.0.1:%d/" % port
        # one message first, so the server has loaded everything before the clock starts
        subprocess.run(["rt-mailgate-5", "--queue", "General", "--action", "correspond", "--url", url],
                       input=b"From: warm@example.com\nSubject: warm up\n\nhello\n", capture_output=True)
        t0 = time.monotonic()
        bad = 0
        for raw in msgs:
            p = subprocess.run(["rt-mailgate-5", "--queue", "General", "--action", "correspond", "--url", url],
                               input=raw, capture_output=True)
            bad += p.returncode != 0
        dt = time.monotonic() - t0
        tickets = subprocess.run(["sqlite3", os.path.join(d, "rt.db"), "SELECT COUNT(*) FROM Tickets"],
                                 capture_output=True, text=True).stdout.strip()
        return (dt, bad, tickets), None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


class Sink:
    def __init__(self):
        from aiosmtpd.controller import Controller
        self.count = 0
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.count += 1
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


def run_outbox(db):
    queued = int(subprocess.run(["sqlite3", db, "SELECT COUNT(*) FROM mail_out WHERE status = 'queued'"],
                                capture_output=True, text=True).stdout.strip())
    sink = Sink()
    t0 = time.monotonic()
    subprocess.run([BIN, "mail-deliver", "--db", db, "--smtp", "smtp://127.0.0.1:%d" % sink.port, "--once"],
                   capture_output=True)
    dt_fl = time.monotonic() - t0
    sent_fl = sink.count
    # the same number of messages of the same size, composed by Python and sent by smtplib
    msgs = []
    sizes = subprocess.run(["sqlite3", db, "SELECT length(body) FROM mail_out"], capture_output=True, text=True).stdout.split()
    for n in sizes[:queued]:
        msgs.append("From: support@vendor-co.example\r\nTo: customer@example.com\r\nSubject: Re: bench\r\n\r\n"
                    + "x" * int(n) + "\r\n")
    sink.count = 0
    t0 = time.monotonic()
    for m in msgs:
        with smtplib.SMTP("127.0.0.1", sink.port) as s:
            s.sendmail("support@vendor-co.example", ["customer@example.com"], m)
    dt_py = time.monotonic() - t0
    sink.controller.stop()
    return queued, sent_fl, dt_fl, len(msgs), dt_py


def main():
    msgs = corpus()
    tmp = tempfile.mkdtemp(prefix="fl-bench-mail-")
    try:
        db, dt, bad, cases = run_frontline(tmp, msgs)
        fl_rate = len(msgs) / dt
        print("frontline mailgate: %d messages in %.1f s = %.1f msg/s (%d failed, %d recorded)" % (len(msgs), dt, fl_rate, bad, cases))
        rt, why = run_rt(tmp, msgs)
        if rt:
            rdt, rbad, tickets = rt
            print("rt-mailgate (RT 5, SQLite, rt-server): %d messages in %.1f s = %.1f msg/s (%d failed, %s tickets)"
                  % (len(msgs), rdt, len(msgs) / rdt, rbad, tickets))
            print("ratio frontline / rt: %.1fx" % (fl_rate / (len(msgs) / rdt)))
        else:
            print("rt-mailgate: skipped (%s)" % why)
        queued, sent, dt_fl, n_py, dt_py = run_outbox(db)
        print("frontline mail-deliver: %d of %d queued sent in %.2f s = %.1f msg/s" % (sent, queued, dt_fl, sent / dt_fl))
        print("python smtplib, same count and sizes: %d in %.2f s = %.1f msg/s" % (n_py, dt_py, n_py / dt_py))
        print("ratio mail-deliver / smtplib: %.2fx" % ((sent / dt_fl) / (n_py / dt_py)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
