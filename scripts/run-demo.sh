#!/bin/sh
# `make run`: a demo database (created once, kept in ./demo.db), then the server on localhost.
set -e
cd "$(dirname "$0")/.."
DB=${FRONTLINE_DB:-$PWD/demo.db}
LISTEN=${FRONTLINE_LISTEN:-127.0.0.1:8080}
./frontline init --db "$DB" >/dev/null
./frontline demo --db "$DB"
cat <<MSG

Frontline is running at http://$LISTEN/
Sign in with organization "vendor-co", email "chris@vendor-co.example", password "frontline-demo"
(other people: pat@, dana@, kim@, jo@, taylor@ (supervisor), riley@ (leader), admin@ ...vendor-co.example;
 organizations lee-practice, harbor-financial and northwind hold the other stories).
Stop with Ctrl-C.

MSG
exec ./frontline serve --db "$DB" --listen "$LISTEN"
