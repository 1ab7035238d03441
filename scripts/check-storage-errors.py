#!/usr/bin/python3
"""Count the places where a storage error can still be dropped (issue 12 section 3); exit 1 if any.

  rows:  a db_next() whose result is neither kept in rc (and checked) nor followed by a checked
         db_res_close() on the same result - a read error would look like "no more rows";
  kind:  svc_db_err(c, DB_ERROR) - the code the storage call returned must be passed on instead.

Usage: scripts/check-storage-errors.py [src]   (prints each finding, the two counts, and
"N passed, N failed" for scripts/run-tests.sh)"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else 'src'
rows = kind = 0
for d, _, names in os.walk(root):
    for name in sorted(names):
        if not name.endswith('.c') or name in ('db.c', 'db_sqlite.c', 'db_pg.c'):
            continue
        path = os.path.join(d, name)
        lines = open(path, encoding='utf-8').read().split('\n')
        for i, t in enumerate(lines):
            if re.search(r'svc_db_err\([^,]+, DB_ERROR\)', t):
                kind += 1
                print(f'{path}:{i + 1}: kind: {t.strip()}')
            m = re.search(r'db_next\(\*?(\w+)\)', t)
            # kept whole in a variable (rc = db_next(r); found = db_next(r), ...) and checked by the caller
            if not m or re.search(r'\b\w+ = db_next\(\*?\w+\)\s*[,;)]', t):
                continue
            var = m.group(1)
            ok = False
            for u in lines[i + 1:i + 80]:
                if re.search(r'(db_res_close\(|svc_close\(c, )\*?%s\)' % var, u):
                    ok = True
                    break
                if re.search(r'db_res_discard\(\*?%s\)' % var, u) or u == '}':
                    break
            # "!= 1" followed by dying or returning an error also checks it
            if not ok and re.search(r'db_next\(\*?%s\) != 1\)' % var, t):
                nxt = ' '.join(lines[i:i + 3])
                ok = 'fl_die' in nxt or 'return -1' in nxt or 'return svc_db_err' in nxt
            if not ok:
                rows += 1
                print(f'{path}:{i + 1}: rows: {t.strip()}')
print(f'db_next results that can swallow an error: {rows}')
print(f'svc_db_err(c, DB_ERROR) sites: {kind}')
failed = (rows > 0) + (kind > 0)
print(f'{2 - failed} passed, {failed} failed')
sys.exit(1 if failed else 0)
