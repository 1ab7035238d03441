#!/bin/sh
# Install the Debian packages Frontline needs to build, run and test, if any are missing.
set -e
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev
      libgmime-3.0-dev libcurl4-openssl-dev zlib1g-dev postfix dovecot-imapd python3-aiosmtpd libpython3.11-testsuite
      postgresql libical-dev python3 python3-jsonschema sqlite3 wrk curl nodejs npm chromium ca-certificates tzdata
      clang libclang-rt-14-dev libsystemd-dev prometheus"
missing=""
for p in $PKGS; do
	# Node.js from elsewhere (e.g. NodeSource's nodejs, which bundles npm and conflicts with
	# Debian's npm package) is fine: what the tests need is the commands.
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq $missing >/dev/null
