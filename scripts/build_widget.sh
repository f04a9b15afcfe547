#!/usr/bin/env bash
# Build the web chat widget: bot/widget/dist/rengo-chat.js.
#   npm ci        when package.json or package-lock.json changed (stamp in node_modules/)
#   npm run build when those or src/ or build.mjs changed (stamp in dist/)
# and nothing at all when everything is current.
set -euo pipefail
cd "$(dirname "$0")/../bot/widget"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "build_widget.sh: the web widget needs Node.js 18 or newer with npm" >&2
  echo "  (Debian: apt-get install nodejs npm, or https://nodejs.org/)" >&2
  exit 1
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  echo "build_widget.sh: Node.js $(node --version) is too old; the widget needs 18 or newer" >&2
  exit 1
fi

hash_of() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

deps_stamp=node_modules/.rengo-deps.sha256
deps_hash=$(hash_of package.json package-lock.json)
if [[ ! -f $deps_stamp || $(<"$deps_stamp") != "$deps_hash" ]]; then
  echo "==> widget: npm ci"
  npm ci --no-audit --no-fund
  echo "$deps_hash" >"$deps_stamp"
fi

build_stamp=dist/.build.sha256
build_hash=$(hash_of package.json package-lock.json build.mjs $(find src -type f | LC_ALL=C sort))
if [[ ! -f dist/rengo-chat.js || ! -f $build_stamp || $(<"$build_stamp") != "$build_hash" ]]; then
  echo "==> widget: npm run build"
  npm run build --silent
  echo "$build_hash" >"$build_stamp"
fi
