#!/bin/bash
# A throwaway PostgreSQL cluster for tests and benchmarks (Debian's postgresql package).
#
#   scripts/pg-cluster.sh available     exit 0 when initdb and pg_ctl are installed
#   eval "$(scripts/pg-cluster.sh start)"   initdb in a temporary directory, start on loopback
#                                       on a free port; prints PG_URL=... (TCP), PG_SOCKET_URL=...
#                                       (the Unix socket) and PG_DIR=... (exported)
#   scripts/pg-cluster.sh stop [DIR]    stop the cluster and remove its directory (default $PG_DIR)
#   scripts/pg-cluster.sh restart [DIR] restart it (fast shutdown: open connections are cut)
#   eval "$(scripts/pg-cluster.sh standby PRIMARY_URL)"   a streaming hot standby of the cluster at
#                                       PRIMARY_URL (pg_basebackup -R), on its own free port; prints
#                                       STANDBY_URL=... and STANDBY_DIR=... (stop it with `stop DIR`)
#
# The cluster runs as the unprivileged `postgres` user (initdb refuses root), listens on
# 127.0.0.1 only, trusts local connections (it holds nothing but test data), uses the C locale
# (byte order, as SQLite) and, unless PG_FSYNC=on, fsync=off (tests kill frontline processes,
# never PostgreSQL; the benchmark sets PG_FSYNC=on so both backends make every commit durable).
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
RUN_AS=${PG_RUN_AS:-postgres}

as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$RUN_AS" -- "$@"
	else
		"$@"
	fi
}

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A new directory under /tmp (prefix given) that the server's user owns; sets dir and port.
new_dir() {
	dir=$(mktemp -d "/tmp/$1.XXXXXX")
	chmod 755 "$dir"
	[ "$(id -u)" -eq 0 ] && chown "$RUN_AS": "$dir"
	port=$(free_port)
}

# log command...: run as the server's user, output to log; on failure show the log and stop.
run_logged() {
	local log=$1
	shift
	as_user "$@" >"$log" 2>&1 || {
		cat "$log" >&2
		exit 1
	}
}

case "${1:-}" in
available)
	[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] && command -v psql >/dev/null &&
		{ [ "$(id -u)" -ne 0 ] || id "$RUN_AS" >/dev/null 2>&1; }
	;;
start)
	new_dir fl-pg
	run_logged "$dir/initdb.log" "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C
	fsync=off
	[ "${PG_FSYNC:-off}" = on ] && fsync=on
	cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 128MB
fsync = $fsync
synchronous_commit = on
full_page_writes = $fsync
log_min_messages = warning
EOF
	as_user "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
		cat "$dir/server.log" >&2
		exit 1
	}
	echo "PG_URL=postgres://postgres@127.0.0.1:$port"
	# the same cluster over its Unix socket (faster on one machine): the host is the socket directory
	echo "PG_SOCKET_URL=postgres://postgres@$(echo "$dir" | sed 's|/|%2F|g'):$port"
	echo "PG_DIR=$dir"
	echo "export PG_URL PG_SOCKET_URL PG_DIR"
	;;
stop)
	dir=${2:-${PG_DIR:-}}
	if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
		echo "pg-cluster: no cluster directory (give it or set PG_DIR)" >&2
		exit 1
	fi
	as_user "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
	rm -rf "$dir"
	;;
restart)
	dir=${2:-${PG_DIR:-}}
	[ -n "$dir" ] && [ -d "$dir/data" ] || { echo "pg-cluster: no cluster directory (give it or set PG_DIR)" >&2; exit 1; }
	as_user "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
	;;
standby)
	primary=${2:?usage: scripts/pg-cluster.sh standby PRIMARY_URL}
	new_dir fl-pg-standby
	run_logged "$dir/basebackup.log" "$PGBIN/pg_basebackup" -d "$primary" -D "$dir/data" -R -X stream -c fast
	# the copied configuration names the primary's port and socket directory: the last setting wins
	cat >>"$dir/data/postgresql.conf" <<EOF
port = $port
unix_socket_directories = '$dir'
hot_standby = on
EOF
	as_user "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
		cat "$dir/server.log" >&2
		exit 1
	}
	echo "STANDBY_URL=postgres://postgres@127.0.0.1:$port"
	echo "STANDBY_DIR=$dir"
	echo "export STANDBY_URL STANDBY_DIR"
	;;
*)
	echo "usage: scripts/pg-cluster.sh available|start|stop|restart [DIR]|standby PRIMARY_URL" >&2
	exit 2
	;;
esac
