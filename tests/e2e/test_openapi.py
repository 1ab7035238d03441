"""The API document (/api/v1/openapi.json) passes standard tools (issue 17): swagger-parser's
validate() and Spectral's spectral:oas ruleset with 0 errors and 0 warnings (unused component
schemas aside).  Every operation has a
stable, unique operationId, a tag, a summary and a description; errors are shared responses
(#/components/responses/...).  The document is built from the route tables (src/http/openapi.c).
The npm tools live in tests/api (package.json, installed with npm ci on first use).
SQLITE_ONLY: the document does not depend on the backend."""
import fcntl
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

API = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api")


def npm_tools():
    """tests/api's node_modules, installed from its package-lock.json when missing (once: suites
    running at the same time wait for the first)."""
    with open(os.path.join(API, "package.json")) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(os.path.join(API, "node_modules")):
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=API, check=True, stdout=subprocess.DEVNULL)
    return API


def document(s):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        raw = s.anon().get("/api/v1/openapi.json")
        eq(raw.status, 200, "the document is served")
        f.write(raw.raw)
        return f.name, raw.json


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            yield method, path, op


def test_swagger_parser_validates():
    for test_clock in (False, True):  # with and without the /api/v1/test/... routes
        with Server(test_clock=test_clock) as s:
            name, _ = document(s)
            r = subprocess.run(["node", "validate.mjs", name], cwd=npm_tools(), capture_output=True, text=True)
            os.unlink(name)
            eq(r.returncode, 0, "swagger-parser validate() (test routes: %s): %s" % (test_clock, r.stdout[-3000:]))
            check(r.stdout.startswith("valid: OpenAPI 3.0.3"), "it says valid: %s" % r.stdout[:200])


def test_spectral_oas_no_errors_no_warnings():
    with Server() as s:
        name, _ = document(s)
        out = name + ".spectral.json"
        subprocess.run(["node_modules/.bin/spectral", "lint", "-r", ".spectral.yaml", "-f", "json", "-o", out, name],
                       cwd=npm_tools(), capture_output=True, text=True)
        with open(out) as f:
            results = json.load(f)
        os.unlink(name)
        os.unlink(out)
        errors = [r for r in results if r["severity"] == 0]
        # an unused component schema is another capability's to tidy, not a client's problem
        warnings = [r for r in results if r["severity"] == 1 and r["code"] != "oas3-unused-component"]
        eq([(r["code"], r["message"], r["path"][:5]) for r in errors[:10]], [], "spectral:oas errors")
        eq([(r["code"], r["message"], r["path"][:5]) for r in warnings[:10]], [], "spectral:oas warnings")


def test_every_operation_is_described():
    with Server() as s:
        name, doc = document(s)
        os.unlink(name)
    seen = {}
    tags = {t["name"] for t in doc["tags"]}
    for method, path, op in operations(doc):
        where = "%s %s" % (method.upper(), path)
        oid = op.get("operationId", "")
        check(oid and oid not in seen, "%s: a unique operationId (%r, also %s)" % (where, oid, seen.get(oid)))
        seen[oid] = where
        eq(len(op.get("tags", [])), 1, "%s: one tag" % where)
        check(op["tags"][0] in tags, "%s: its tag is listed" % where)
        check(op.get("summary"), "%s: a summary" % where)
        check(len(op.get("description", "")) > len(op.get("summary", "")), "%s: a description" % where)
        for status, resp in op["responses"].items():
            if status[0] in "45":
                check(set(resp) == {"$ref"} and resp["$ref"].startswith("#/components/responses/"),
                      "%s %s: errors are shared responses" % (where, status))
        if method != "get":
            check({"$ref": "#/components/parameters/IdempotencyKey"} in op.get("parameters", []),
                  "%s: takes Idempotency-Key" % where)
    # stable: the names clients are generated with (a rename breaks them; change this list on purpose)
    for oid, where in [("caseOpen", "POST /api/v1/cases"), ("caseOffer", "POST /api/v1/cases/{id}/offers"),
                       ("offerAccept", "POST /api/v1/offers/{id}/accept"), ("caseList", "GET /api/v1/cases"),
                       ("postAuthLogin", "POST /api/v1/auth/login")]:
        eq(seen.get(oid), where, "operationId %s" % oid)
    for name, resp in doc["components"]["responses"].items():
        check(resp["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"},
              "shared response %s is an Error" % name)


if __name__ == "__main__":
    run_module(globals())
