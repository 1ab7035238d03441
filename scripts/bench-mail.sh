#!/bin/bash
# Mail throughput (BENCHMARKS.md, issue 16): messages per second through `frontline mailgate` into
# cases (one process per message, as a mail server's pipe runs it; every message opens a case and
# queues its acknowledgement), Python's email corpus through the same path, and the outbox's
# throughput from `frontline mail-deliver` to an aiosmtpd sink on loopback.
# BENCH_MAIL_N messages (default 300); FRONTLINE_BIN (default ./frontline, the release build).
set -eu
cd "$(dirname "$0")/.."
export FRONTLINE_BIN=${FRONTLINE_BIN:-$PWD/frontline}
export BENCH_MAIL_N=${BENCH_MAIL_N:-300}
exec /usr/bin/python3 - <<'PY'
import os, socket, subprocess, tempfile, threading, time
from aiosmtpd.controller import Controller

BIN, N = os.environ["FRONTLINE_BIN"], int(os.environ["BENCH_MAIL_N"])
CORPUS = "/usr/lib/python3.11/test/test_email/data"
tmp = tempfile.mkdtemp(prefix="fl-bench-mail-")
db = os.path.join(tmp, "b.db")
run = lambda *a, **kw: subprocess.run([BIN] + list(a), check=True, capture_output=True, **kw)
run("init", "--db", db)
run("demo", "--db", db)
run("mailbox", "add", "--db", db, "--as", "admin@vendor-co.example", "--name", "bench", "--address",
    "bench@vendor-co.example", "--team", "Phone Sales", "--owner", "pat@vendor-co.example", "--location", "Springfield")
run("settings", "update", "--db", db, "--as", "admin@vendor-co.example", "--settings", '{"mail.max_per_sender_hour": 100000}')

def gate(raw):
    subprocess.run([BIN, "mailgate", "--db", db, "--mailbox", "bench@vendor-co.example"], input=raw, check=True,
                   capture_output=True)

msgs = [("From: Customer %d <c%d@example.org>\nTo: bench@vendor-co.example\nSubject: Order %d is late\n"
         "Message-ID: <bench-%d@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=B\n\n"
         "--B\nContent-Type: text/plain; charset=utf-8\n\nMy order %d has not arrived. Where is it?\n\n> quoted\n-- \nsig\n"
         "--B\nContent-Type: text/html\n\n<p>My order %d has not arrived.</p>\n--B--\n" % (i, i, i, i, i, i)).encode()
        for i in range(N)]
t0 = time.time()
for m in msgs:
    gate(m)
t_gate = time.time() - t0
files = sorted(f for f in os.listdir(CORPUS) if f.startswith("msg_")) if os.path.isdir(CORPUS) else []
t0 = time.time()
for f in files:
    with open(os.path.join(CORPUS, f), "rb") as fh:
        subprocess.run([BIN, "mailgate", "--db", db, "--mailbox", "bench@vendor-co.example"], input=fh.read(), capture_output=True)
t_corpus = time.time() - t0

received = []
class H:
    async def handle_DATA(self, server, session, envelope):
        received.append(len(envelope.content))
        return "250 OK"
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
ctl = Controller(H(), hostname="127.0.0.1", port=port)
ctl.start()
t0 = time.time()
p = subprocess.run([BIN, "mail-deliver", "--db", db, "--smtp", "smtp://127.0.0.1:%d" % port, "--once"], capture_output=True, text=True)
t_out = time.time() - t0
ctl.stop()
print("mailgate, new case each (%d messages): %.1f s, %.1f messages/s" % (N, t_gate, N / t_gate))
if files:
    print("mailgate, Python email corpus (%d files): %.1f s, %.1f messages/s" % (len(files), t_corpus, len(files) / t_corpus))
print("outbox to aiosmtpd sink (%d messages, one connection each): %.1f s, %.1f messages/s" % (len(received), t_out, len(received) / t_out))
PY
