#!/bin/bash
# The "Directory" benchmark of BENCHMARKS.md: "who can help now" (GET /api/v1/oncall/who) with
# PEOPLE people and ROTAS on-call rotas, REQUESTS sequential requests against the release server,
# with GET /api/v1/org as the baseline (tools/bench_directory.py does the work).
# Environment: PEOPLE=10000 ROTAS=1000 REQUESTS=300
set -eu
cd "$(dirname "$0")/.."
[ -x frontline ] || make -s frontline
exec /usr/bin/python3 tools/bench_directory.py "${PEOPLE:-10000}" "${ROTAS:-1000}" "${REQUESTS:-300}"
