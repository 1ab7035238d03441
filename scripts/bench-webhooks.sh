#!/bin/bash
# Webhook throughput (BENCHMARKS.md, issue 17): deliveries per second from `frontline webhook-deliver`
# to a receiver on loopback, against the same receiver's rate for a plain Python client posting the
# same bodies (a new connection each, as the worker makes), measured in the same run.
# BENCH_WEBHOOK_CASES cases opened (default 300; each gives the subscription 2 events);
# FRONTLINE_BIN (default ./frontline, the release build); FRONTLINE_PG for PostgreSQL.
set -eu
cd "$(dirname "$0")/.."
export FRONTLINE_BIN=${FRONTLINE_BIN:-$PWD/frontline}
export BENCH_WEBHOOK_CASES=${BENCH_WEBHOOK_CASES:-300}
export FRONTLINE_WEBHOOK_ALLOW=loopback
exec /usr/bin/python3 - <<'PY'
import http.client, json, os, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
sys.path.insert(0, "tests/e2e")
from lib import BIN, Server

N = int(os.environ["BENCH_WEBHOOK_CASES"])
got = []

class H(BaseHTTPRequestHandler):
    def do_POST(self):
        got.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass

rx = ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=rx.serve_forever, daemon=True).start()
port = rx.server_address[1]
with Server(demo=True, test_clock=False) as s:
    admin = s.login("admin@vendor-co.example", "vendor-co")
    admin.ok("POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:%d/hook" % port, "kinds": ["case"]}, status=201)
    pat = s.login("pat@vendor-co.example", "vendor-co")
    for i in range(N):
        pat.ok("POST", "/api/v1/cases", {"subject": "Bench case %d" % i, "channel": "phone",
                                         "customer_name": "Bench Customer %d" % i, "summary": "for the webhook bench"},
               status=201)
    t0 = time.time()
    out = subprocess.run([BIN, "webhook-deliver", "--db", s.db, "--once"], capture_output=True, text=True, check=True)
    t_worker = time.time() - t0
    handled = json.loads(out.stdout.strip().splitlines()[-1])["handled"]
bodies = list(got)
got.clear()
t0 = time.time()
for b in bodies:
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/hook", body=b, headers={"Content-Type": "application/json"})
    c.getresponse().read()
    c.close()
t_plain = time.time() - t0
backend = "postgres" if os.environ.get("FRONTLINE_PG") else "sqlite"
print("%s: %d deliveries (%d received) in %.2f s = %.1f/s by webhook-deliver; the same bodies by a plain client "
      "in %.2f s = %.1f/s; ratio %.2f" % (backend, handled, len(bodies), t_worker, handled / t_worker, t_plain,
                                          len(bodies) / t_plain, (handled / t_worker) / (len(bodies) / t_plain)))
PY
