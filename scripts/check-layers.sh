#!/bin/bash
# The layer check: which part of src/ may include which (docs/DEVELOPING.md, "Layers").
#   core   includes only base;
#   store  never includes svc, http or cli;
#   svc    never includes http or cli;
#   svc    has no include cycles between its modules (a module is a .c with its .h: a.c including
#          b.h while b.c includes a.h is a cycle, and so is a longer ring).
# Reads the #include "..." lines of src/; prints one line per check and "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
exec /usr/bin/python3 - "$@" <<'EOF'
import os, re, sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

def edges(top):
    """(module, included module) for every #include "x/y.h" in the .c and .h files under top."""
    out = []
    for root, _, files in os.walk(top):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            mod = os.path.splitext(os.path.relpath(path, "src"))[0]
            with open(path, encoding="utf-8") as fh:
                for inc in INCLUDE.findall(fh.read()):
                    out.append((mod, os.path.splitext(inc)[0], path))
    return out

def layer_rule(name, top, allowed=None, banned=()):
    """Files under src/top may include only the layers in allowed (when given), never those in banned."""
    bad = []
    for mod, inc, path in edges(os.path.join("src", top)):
        layer = inc.split("/")[0]
        if layer == top or os.path.dirname(inc) == "":
            continue
        if (allowed is not None and layer not in allowed) or layer in banned:
            bad.append(f"{path} includes {inc}.h")
    return name, bad

def cycles(top):
    """Strongly connected components (Tarjan) of more than one module in the include graph of src/top."""
    graph = {}
    for mod, inc, _ in edges(os.path.join("src", top)):
        if inc.startswith(top + "/") and inc != mod:
            graph.setdefault(mod, set()).add(inc)
            graph.setdefault(inc, set())
    index, low, stack, on, comps = {}, {}, [], set(), []
    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)
    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    bad = []
    for comp in comps:
        members = set(comp)
        links = sorted(f"{a} -> {b}" for a in members for b in graph[a] if b in members)
        bad.append("cycle: " + ", ".join(sorted(members)) + "\n      " + "\n      ".join(links))
    return "svc has no include cycles", bad

checks = [
    layer_rule("core includes only base", "core", allowed={"base"}),
    layer_rule("store never includes svc, http or cli", "store", banned={"svc", "http", "cli"}),
    layer_rule("svc never includes http or cli", "svc", banned={"http", "cli"}),
    cycles("svc"),
]
passed = failed = 0
for name, bad in checks:
    if bad:
        failed += 1
        print(f"FAIL {name}")
        for b in bad:
            print(f"    {b}")
    else:
        passed += 1
        print(f"ok   {name}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
