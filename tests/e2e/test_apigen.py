"""tools/apigen turns a service's NAME.api.json (routes, input specs, page lists) into the C its file
includes.  A mistake in the JSON stops the build with the file and the place named, exit status 1
and no output written; a good file gives the C tables, texts escaped.  (That every committed file
gives the tables it replaced is shown by test_api's OpenAPI checks and the CLI's help.)"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from lib import ROOT, check, eq, run_module  # noqa: E402

APIGEN = os.path.join(ROOT, "build/tools/apigen")


def apigen(text):
    """(exit status, stderr, the generated C or None) for one JSON text."""
    subprocess.run(["make", "-s", "-C", ROOT, "build/tools/apigen"], check=True)
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "x.api.json"), os.path.join(d, "x.api.inc")
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        p = subprocess.run([APIGEN, src, out], capture_output=True, text=True)
        gen = open(out, encoding="utf-8").read() if os.path.exists(out) else None
        leftovers = [n for n in os.listdir(d) if n not in ("x.api.json", "x.api.inc")]
        eq(leftovers, [], "no temporary file is left behind")
        return p.returncode, p.stderr, gen


def test_mistakes_stop_the_build():
    cases = [
        ('{"input": "X"}', "top level: must be an array"),
        ('[{"input": "X", "fields": [', "line 1"),
        ('[{"inputs": "X", "fields": []}]', "say what it defines"),
        ('[{"input": "X", "fields": [{"name": "a", "type": "str", "requred": true, "doc": "d"}]}]',
         'definition 1 (input X) fields[0]: unknown key "requred"'),
        ('[{"input": "X", "fields": [{"name": "a", "type": "string", "doc": "d"}]}]', '"type" must be one of'),
        ('[{"input": "X", "fields": [{"name": "a", "type": "str"}]}]', '"doc" is missing'),
        ('[{"input": "X", "fields": [{"name": "a", "type": "int", "max": "1}; int y = {2", "doc": "d"}]}]',
         '"max" must be an integer or a C expression'),
        ('[{"routes": "r", "items": [{"method": "GET", "path": "/x", "fn": "f()", "status": 200, "summary": "s"}]}]',
         '"fn" must be a C identifier'),
        ('[{"routes": "r", "items": [{"method": "FETCH", "path": "/x", "fn": "f", "status": 200, "summary": "s"}]}]',
         '"method" must be'),
        ('[{"values": "V", "items": ["a", 3]}]', "items[1] must be a text"),
        ('[{"list": "L", "name": "l", "cols": "id", "keys": [{"by": "id", "type": "text"}]}]', "how a row becomes an item"),
        ('[{"input": "X", "input": "Y", "fields": []}]', "duplicate object key"),
    ]
    for text, said in cases:
        rc, err, gen = apigen(text)
        eq(rc, 1, "exit status 1 for %s" % text[:60])
        check(said in err and "x.api.json" in err, "%r names the file and says %r" % (err.strip(), said))
        check(gen is None, "nothing written for %s" % text[:60])


def test_tables_from_json():
    rc, err, gen = apigen("""[
  {"values": "KINDS", "items": ["a", "b"]},
  {"input": "IN", "fields": [
    {"name": "q", "type": "str", "required": true, "min": 1, "max": "FL_MAX_NAME", "doc": "say \\"hi\\"\\n??= done"},
    {"name": "k", "type": "enum", "of": "KINDS", "doc": {"c": "KIND_DOC"}},
    {"use": "PAGE_FIELDS"}]},
  {"list": "L", "name": "l", "cols": {"c": "L_COLS"}, "from": ["t", {"c": "JOIN"}], "row": "l_row", "keys": [
    {"by": "at", "type": "int", "desc": true}, {"by": "id", "type": "text"}]},
  {"routes": "x_routes", "items": [
    {"method": "GET", "path": "/api/v1/x", "fn": "x_list", "input": "IN", "status": 200, "summary": "List", "cli": "x list",
     "flags": "R_OWN_TX | R_STANDBY"}]}
]""")
    eq(rc, 0, "a good file is accepted: %s" % err)
    for line in [
        'static const char *const KINDS[] = {"a", "b", NULL};',
        '\t{"q", IN_STR, 1, 1, FL_MAX_NAME, NULL, "say \\"hi\\"\\n?\\?= done"},',
        '\t{"k", IN_ENUM, 0, 0, 0, KINDS, KIND_DOC},',
        "\tPAGE_FIELDS,",
        "\t{NULL, 0, 0, 0, 0, NULL, NULL},",
        'static const struct page_list L = {.name = "l", .cols = L_COLS, .from = "t" JOIN, '
        '.keys = {{"at", DB_T_INT, 1}, {"id", DB_T_TEXT, 0}}, .row = l_row};',
        '\t{"GET", "/api/v1/x", x_list, IN, 200, "List", NULL, "x list", R_OWN_TX | R_STANDBY},',
        "\t{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},",
    ]:
        check(line in (gen or "").split("\n"), "the C has %s" % line)


if __name__ == "__main__":
    run_module(globals())
