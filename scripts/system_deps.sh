#!/usr/bin/env bash
# What the tests run for real: PostgreSQL (tracker store) and Redis (lock
# store) on loopback, and Chromium for the web widget's browser tests
# (Playwright drives Debian's /usr/bin/chromium; it cannot download its own),
# with a Japanese font so that screenshots of the Japanese widget and console
# show text instead of empty boxes. Installed from Debian's packages when missing.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/ipafont-gothic ] || missing+=(fonts-ipafont-gothic)
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> system packages present (postgresql, redis-server, chromium, a Japanese font)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "==> missing ${missing[*]}: install them (apt-get install ${missing[*]}) to run the database and browser tests" >&2
  exit 1
fi
echo "==> installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages start their own servers; the tests start private ones instead.
service postgresql stop >/dev/null 2>&1 || true
service redis-server stop >/dev/null 2>&1 || true
