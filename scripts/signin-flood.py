"""Measure: a flood of valid sign-ins for DURATION seconds from CLIENTS threads, with /healthz latency
sampled meanwhile (issue 13 item 3).  usage: /usr/bin/python3 scripts/signin-flood.py BIN [DURATION] [CLIENTS]"""
import json, os, socket, statistics, subprocess, sys, tempfile, threading, time, http.client

BIN = sys.argv[1]
DUR = float(sys.argv[2]) if len(sys.argv) > 2 else 20
CLIENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 16
tmp = tempfile.mkdtemp()
db = os.path.join(tmp, "f.db")
subprocess.run([BIN, "init", "--db", db], check=True, capture_output=True)
subprocess.run([BIN, "demo", "--db", db], check=True, capture_output=True)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
log = open(os.path.join(tmp, "log"), "w")
p = subprocess.Popen([BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port, "--threads", "8"], stderr=log)
time.sleep(1.5)
stop = time.time() + DUR
counts = {}
lock = threading.Lock()
body = json.dumps({"org": "vendor-co", "email": "chris@vendor-co.example", "password": "frontline-demo"})

def flood():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.time() < stop:
        try:
            c.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
            r = c.getresponse(); r.read()
            with lock:
                counts[r.status] = counts.get(r.status, 0) + 1
        except Exception as e:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

ts = [threading.Thread(target=flood) for _ in range(CLIENTS)]
for t in ts: t.start()
lat = []
time.sleep(0.5)
while time.time() < stop:
    t0 = time.time()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/healthz"); c.getresponse().read(); c.close()
    lat.append((time.time() - t0) * 1000)
    time.sleep(0.05)
for t in ts: t.join()
p.terminate(); p.wait()
lat.sort()
print("bin=%s clients=%d dur=%ss sign-ins by status=%s healthz n=%d median=%.1fms p95=%.1fms max=%.1fms" % (
    os.path.basename(BIN), CLIENTS, DUR, counts, len(lat), statistics.median(lat), lat[int(len(lat) * .95)], lat[-1]))
