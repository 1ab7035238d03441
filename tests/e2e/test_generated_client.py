"""A generated client works (issue 17): openapi-typescript makes TypeScript types from the server's
own /api/v1/openapi.json, tsc --strict compiles tests/api/client-test.ts against them (a path,
parameter or field the document lacks fails the compile), and the compiled script, using
openapi-fetch, opens a case, offers it and has the recipient accept it against this real server
(a server that answers otherwise than the document says fails its checks).  Both backends."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from lib import PASSWORD, Server, check, eq, run_module  # noqa: E402
from test_openapi import npm_tools  # noqa: E402

V = "vendor-co"


def workdir():
    """A directory of its own (suites on both backends run at once): the client's sources and tests/api's node_modules."""
    api = npm_tools()
    d = tempfile.mkdtemp(prefix="fl-client-")
    os.symlink(os.path.join(api, "node_modules"), os.path.join(d, "node_modules"))
    for name in ("client-test.ts", "tsconfig.json", "package.json"):
        shutil.copy(os.path.join(api, name), d)
    os.makedirs(os.path.join(d, "client"))
    return d


def run(cmd, cwd, env=None):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    return r.returncode, (r.stdout + r.stderr)[-4000:]


def test_generated_client_opens_offers_accepts():
    api = workdir()
    with Server(demo=True) as s:
        rc, out = run(["node_modules/.bin/openapi-typescript", s.url + "/api/v1/openapi.json", "-o", "client/api.d.ts"], api)
        eq(rc, 0, "openapi-typescript generated the types: " + out)
        rc, out = run(["node_modules/.bin/tsc", "-p", "tsconfig.json"], api)
        eq(rc, 0, "tsc --strict accepts the client against the generated types: " + out)
        env = dict(os.environ, BASE_URL=s.url, ORG=V, FROM="chris@%s.example" % V, TO="pat@%s.example" % V,
                   PASSWORD=PASSWORD)
        rc, out = run(["node", "client/out/client-test.js"], api, env)
        eq(rc, 0, "the generated client ran: " + out)
        check(out.strip().endswith("passed, 0 failed"), "its checks passed: " + out[-300:])
    shutil.rmtree(api)


def test_a_wrong_document_fails_the_compile():
    """The compile step is a real check: the same client against a document without the accept route fails."""
    api = workdir()
    with Server(demo=True) as s:
        rc, out = run(["node_modules/.bin/openapi-typescript", s.url + "/api/v1/openapi.json", "-o", "client/api.d.ts"], api)
        eq(rc, 0, "types generated: " + out)
        path = os.path.join(api, "client", "api.d.ts")
        with open(path) as f:
            text = f.read()
        check('"/api/v1/offers/{id}/accept"' in text, "the accept route is in the generated types")
        with open(path, "w") as f:
            f.write(text.replace('"/api/v1/offers/{id}/accept"', '"/api/v1/offers/{id}/accept-renamed"'))
        rc, out = run(["node_modules/.bin/tsc", "-p", "tsconfig.json"], api)
        check(rc != 0 and "/api/v1/offers/{id}/accept" in out, "tsc refuses a path the document lacks: " + out[-500:])
    shutil.rmtree(api)


if __name__ == "__main__":
    run_module(globals())
