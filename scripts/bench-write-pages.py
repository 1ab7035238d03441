#!/usr/bin/python3
"""Pages a durable write puts in the SQLite log, by B-tree (issue 14's write path).

Usage: scripts/bench-write-pages.py BIN SEEDED.db [--type create|promise] [--requests N=20] [--parallel K=1]

Serves a copy of SEEDED.db with BIN (migrated to BIN's schema, the log checkpointed empty), sends N
requests of the type (scripts/bench/create.lua's or promise.lua's body) from K clients at once, then
reads the WAL's frame headers: frames per commit, requests per commit, and for every page written the
B-tree it belongs to (`dbstat` on a copy of the file with its log).  K = 1: each request commits alone
(what one create costs); K > 1: the group commit's batches share pages.  Prints a table."""
import json
import os
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "build", "bench", "pages")


def wal_salt(path):
    with open(path, "rb") as f:
        return f.read(24)[16:24]


def wal_frames(path):
    """[(pgno, commit_size)] of the valid frames of the log at path (salts match the header)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 32:
        return []
    page_size = struct.unpack(">I", data[8:12])[0]
    salt = data[16:24]
    out, off = [], 32
    while off + 24 + page_size <= len(data):
        pgno, commit = struct.unpack(">II", data[off:off + 8])
        if data[off + 8:off + 16] != salt:
            break
        out.append((pgno, commit))
        off += 24 + page_size
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(base, method, path, token, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None, method=method,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read() or b"{}")


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    binary, seeded = os.path.realpath(args[0]), os.path.realpath(args[1])
    kind, n, par = "create", 20, 1
    i = 2
    while i < len(args):
        if args[i] == "--type":
            kind = args[i + 1]
        elif args[i] == "--requests":
            n = int(args[i + 1])
        elif args[i] == "--parallel":
            par = int(args[i + 1])
        else:
            sys.exit("unknown argument " + args[i])
        i += 2
    os.makedirs(WORK, exist_ok=True)
    db = os.path.join(WORK, "db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    shutil.copy(seeded, db)
    if os.path.exists(seeded + "-wal"):
        shutil.copy(seeded + "-wal", db + "-wal")
    subprocess.run([binary, "init", "--db", db], check=True, stdout=subprocess.DEVNULL)
    tokens = []
    for g in range(1, 11):
        slug = "bench-%02d" % g
        out = subprocess.run([binary, "token", "create", "--db", db, "--org", slug, "--as", "agent-1@%s.example" % slug,
                              "--name", "pages", "--json"], check=True, capture_output=True, text=True).stdout
        tokens.append(json.loads(out)["token"])
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    log = open(os.path.join(WORK, "server.log"), "w")
    server = subprocess.Popen([binary, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port], stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        opens = []
        if kind == "promise":
            for t in tokens:
                _, page = call(base, "GET", "/api/v1/cases?status=open&limit=20", t, None)
                opens += [(t, c["id"]) for c in page["items"]]
        time.sleep(0.5)
        before = len(wal_frames(db + "-wal")) if os.path.exists(db + "-wal") else 0
        salt = wal_salt(db + "-wal") if before else None
        due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 30 * 86400))
        errors = []

        def client(k):
            for j in range(k, n, par):
                try:
                    if kind == "create":
                        st, _ = call(base, "POST", "/api/v1/cases", tokens[j % len(tokens)],
                                     {"subject": "Pages case %d" % j, "channel": "chat", "customer_name": "Pages Customer %d" % j,
                                      "customer_email": "pages%d@example.com" % j, "summary": "Opened by the page count"})
                    else:
                        t, cid = opens[j % len(opens)]
                        st, _ = call(base, "POST", "/api/v1/cases/%s/promises" % cid, t,
                                     {"what": "We call you back (%d)" % j, "due_at": due, "channel": "phone"})
                    if st != 201:
                        errors.append(st)
                except OSError as e:
                    errors.append(str(e))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(par)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            sys.exit("requests failed: %r" % errors[:5])
        time.sleep(0.3)
        if salt is not None and wal_salt(db + "-wal") != salt:
            sys.exit("the log restarted after a checkpoint: send fewer requests (--requests)")
        frames = wal_frames(db + "-wal")[before:]
        snap = os.path.join(WORK, "snap")
        for suffix in ("", "-wal"):
            shutil.copy(db + suffix, snap + suffix)
    finally:
        server.terminate()
        server.wait()
    if os.path.exists(snap + "-shm"):
        os.remove(snap + "-shm")
    con = sqlite3.connect(snap)
    owner = dict((p, name) for name, p in con.execute("SELECT name, pageno FROM dbstat"))
    con.close()
    commits = sum(1 for _, c in frames if c)
    per_tree, pages = Counter(), 0
    current = set()
    for pgno, c in frames:
        current.add(pgno)
        if c:  # the end of a commit: its distinct pages
            for p in current:
                per_tree[owner.get(p, "page %d (free or new)" % p if p != 1 else "sqlite_schema")] += 1
            pages += len(current)
            current = set()
    print("%s: %d requests, %d clients, %d commits (%.1f requests per commit), %d frames, %d distinct pages per commit"
          % (kind, n, par, commits, n / max(commits, 1), len(frames), pages))
    print("per request: %.1f frames = %.1f KiB of log (%.1f distinct pages)"
          % (len(frames) / n, len(frames) * (4096 + 24) / 1024 / n, pages / n))
    print("| B-tree | pages per request |")
    print("|---|---:|")
    for name, count in per_tree.most_common():
        print("| %s | %.2f |" % (name, count / n))
    print("| B-trees touched | %d |" % len(per_tree))


if __name__ == "__main__":
    main()
