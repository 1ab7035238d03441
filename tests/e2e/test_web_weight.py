"""Page weight (issue 15): the web UI's assets have content-hashed names and are cached for a year
(immutable) while index.html is revalidated; answers are gzipped for clients that accept it (API
JSON and CSV, HTML, JavaScript, CSS), never for those that don't, and a gzipped body inflates to
exactly the plain one."""
import gzip
import json
import os
import re
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

V = "vendor-co"
DANA = "dana@vendor-co.example"


def fetch(srv, path, method="GET", headers=None, body=None):
    """(status, headers with lower-case names, raw body bytes) without inflating anything."""
    data = json.dumps(body).encode() if body is not None else None
    h = dict(headers or {})
    if data is not None:
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(srv.url + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def assets(srv):
    _, _, html = fetch(srv, "/")
    return re.findall(r'(?:src|href)="(/assets/[^"]+)"', html.decode())


def test_assets_have_hashed_names_and_are_immutable():
    with Server() as srv:
        st, h, html = fetch(srv, "/")
        eq(st, 200, "index.html served")
        eq(h.get("cache-control"), "no-cache", "index.html is revalidated on every load")
        names = assets(srv)
        kinds = sorted(set(n.rsplit(".", 1)[1] for n in names))
        eq(kinds, ["css", "js"], "index.html names the script and the style sheet: %r" % names)
        for n in names:
            check(re.fullmatch(r"/assets/(app|chunk)-[A-Z0-9]{8}\.(js|css)", n) is not None, n + " carries a content hash")
            st, h, body = fetch(srv, n)
            eq(st, 200, n + " served")
            eq(h.get("cache-control"), "public, max-age=31536000, immutable", n + " cached for a year")
            check(len(body) > 1000, n + " has its content")
        st, h, _ = fetch(srv, "/cases/case_x")
        eq((st, h.get("cache-control")), (200, "no-cache"), "a page of the application (index.html) is revalidated")
        st, _, _ = fetch(srv, "/assets/app-00000000.js")
        eq(st, 404, "an asset that is not there is a 404, never index.html")
        st, _, _ = fetch(srv, "/app.js")
        eq(st, 404, "the unhashed name is gone")


def test_static_gzip_only_when_accepted():
    with Server() as srv:
        for n in assets(srv) + ["/"]:
            st, plain_h, plain = fetch(srv, n)
            check("content-encoding" not in plain_h, n + " plain without Accept-Encoding")
            for ae in ("gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "*"):
                st, h, z = fetch(srv, n, headers={"Accept-Encoding": ae})
                if len(plain) < 1024:
                    check("content-encoding" not in h, n + " is too small to gzip")
                    continue
                eq(h.get("content-encoding"), "gzip", n + " gzipped for " + ae)
                check(len(z) < len(plain) / 2, n + " at least halves: %d -> %d" % (len(plain), len(z)))
                eq(gzip.decompress(z), plain, n + " inflates to the plain file")
            eq(h.get("vary"), "Accept-Encoding", n + " varies by Accept-Encoding")
            for ae in ("identity", "gzip;q=0", "deflate"):
                st, h, body = fetch(srv, n, headers={"Accept-Encoding": ae})
                check("content-encoding" not in h and body == plain, n + " plain for " + ae)


def test_api_gzip():
    with Server(demo=True) as srv:
        st, h, tok = fetch(srv, "/api/v1/auth/login", "POST", body={"org": V, "email": DANA, "password": "frontline-demo"})
        eq(st, 200, "signed in")
        auth = {"Authorization": "Bearer " + json.loads(tok)["token"]}
        for path in ("/api/v1/openapi.json", "/api/v1/cases?limit=100", "/api/v1/reports/promise-keeping?format=csv"):
            st, plain_h, plain = fetch(srv, path, headers=auth)
            eq(st, 200, path)
            check("content-encoding" not in plain_h, path + " plain without Accept-Encoding")
            st, h, z = fetch(srv, path, headers=dict(auth, **{"Accept-Encoding": "gzip"}))
            eq(st, 200, path + " with gzip")
            eq(h.get("cache-control"), "no-store", path + " is still never cached")
            if len(plain) >= 1024:
                eq(h.get("content-encoding"), "gzip", path + " gzipped")
                eq(gzip.decompress(z), plain, path + " inflates to the plain answer")
            else:
                check("content-encoding" not in h, path + " small: sent as it is")
        st, h, body = fetch(srv, "/healthz", headers={"Accept-Encoding": "gzip"})
        check(st == 200 and "content-encoding" not in h, "a small answer is not gzipped")
        st, h, z = fetch(srv, "/api/v1/cases/case_nope", headers=dict(auth, **{"Accept-Encoding": "gzip"}))
        eq(st, 404, "an error answer keeps its status")
        body = gzip.decompress(z) if h.get("content-encoding") == "gzip" else z
        eq(json.loads(body)["error"]["code"], "case_not_found", "and its JSON error")


def test_post_answer_gzip_and_commits_once():
    with Server(demo=True) as srv:
        st, _, tok = fetch(srv, "/api/v1/auth/login", "POST", body={"org": V, "email": DANA, "password": "frontline-demo"})
        auth = {"Authorization": "Bearer " + json.loads(tok)["token"], "Accept-Encoding": "gzip"}
        st, h, z = fetch(srv, "/api/v1/cases", "POST", headers=auth,
                         body={"subject": "Gzip " + "x" * 200, "channel": "chat", "customer_name": "Zed Zip"})
        eq(st, 201, "created")
        made = json.loads(gzip.decompress(z) if h.get("content-encoding") == "gzip" else z)
        st, h, z = fetch(srv, "/api/v1/cases?q=Zed%20Zip", headers=auth)
        got = json.loads(gzip.decompress(z) if h.get("content-encoding") == "gzip" else z)
        eq([c["id"] for c in got["items"]], [made["id"]], "the case was written once")


run_module(globals())
