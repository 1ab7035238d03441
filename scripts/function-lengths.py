#!/usr/bin/env python3
"""Print the C functions longer than N lines (default 80), longest first, and their count.

usage: scripts/function-lengths.py [--max N] [--quiet] [dir-or-file ...]   (default: src)

A function is a definition whose body opens with '{' alone at the start of a line (the style
.clang-format gives every function); its length runs from the line holding its name to its
closing brace, both included.  Braces inside comments, strings and character literals are
skipped.  Exit status 0 always: this reports, it does not judge.
"""
import os
import re
import sys


def strip(text):
    """text with comments, strings and character literals blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(ch + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + ch if j - i >= 2 else text[i:j])
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def functions(path):
    """(name, first line, last line) of each function definition in path."""
    lines = strip(open(path, encoding="utf-8", errors="replace").read()).split("\n")
    found, i = [], 0
    while i < len(lines):
        if lines[i].rstrip() != "{":
            i += 1
            continue
        # the header: back to the line that holds the name and its '('
        k = i - 1
        while k >= 0 and "(" not in lines[k]:
            k -= 1
        head = lines[k] if k >= 0 else ""
        m = re.search(r"([A-Za-z_]\w*)\s*\(", head)
        depth, j = 0, i
        while j < len(lines):
            depth += lines[j].count("{") - lines[j].count("}")
            if depth == 0:
                break
            j += 1
        if m and not head.startswith("#"):
            found.append((m.group(1), k + 1, j + 1))
        i = j + 1
    return found


def main(argv):
    limit, quiet, roots = 80, False, []
    it = iter(argv)
    for a in it:
        if a == "--max":
            limit = int(next(it))
        elif a == "--quiet":
            quiet = True
        else:
            roots.append(a)
    files = []
    for root in roots or ["src"]:
        if os.path.isfile(root):
            files.append(root)
            continue
        for d, _, names in os.walk(root):
            files += [os.path.join(d, x) for x in names if x.endswith(".c")]
    long = []
    for f in sorted(files):
        for name, first, last in functions(f):
            if last - first + 1 > limit:
                long.append((last - first + 1, f, first, name))
    long.sort(key=lambda x: (-x[0], x[1], x[2]))
    if not quiet:
        for n, f, first, name in long:
            print(f"{n:5d}  {f}:{first}  {name}")
    print(f"functions over {limit} lines: {len(long)}")


if __name__ == "__main__":
    main(sys.argv[1:])
