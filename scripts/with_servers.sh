#!/usr/bin/env bash
# Run a command while the bot is up: with_servers.sh CMD [ARGS...]
# Starts both servers on the given ports, waits until the bot answers over
# REST, runs CMD, then stops the servers. Server logs go to build/servers.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_PORT=${RASA_PORT:-5005} ACTIONS_PORT=${ACTIONS_PORT:-5055}
mkdir -p build
scripts/run_servers.sh > build/servers.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
.venv/bin/python scripts/wait_ready.py --url "http://localhost:$RASA_PORT" --timeout 180 \
  || { echo "bot did not come up; last lines of build/servers.log:" >&2; tail -30 build/servers.log >&2; exit 1; }
"$@"
