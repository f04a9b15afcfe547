#!/usr/bin/env bash
# Start the action server, the Rasa server and the web widget's demo page;
# stop them all on Ctrl-C.
#   RASA_PORT (5005), ACTIONS_PORT (5055), TRACKER_STORE_URL, LOCK_STORE_URL:
#   see bot/endpoints.py. WEB_PORT (8000, or "off"): the demo page with the
#   widget (bot/widget). CREDENTIALS (credentials.yml): which channels Rasa
#   opens. LINE_*: see docs/line.md. CONSOLE_PORT (8080, or "off"): the staff
#   console (bot/console, docs/console.md).
set -euo pipefail
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WEB_PORT=${WEB_PORT:-8000}
CONSOLE_PORT=${CONSOLE_PORT:-8080}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://localhost:$ACTIONS_PORT/webhook}
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
ENDPOINTS=build/endpoints-$RASA_PORT.yml
.venv/bin/python -m bot.endpoints "$ENDPOINTS"

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
.venv/bin/rasa run --model models/rengo.tar.gz --port "$RASA_PORT" \
  --credentials "${CREDENTIALS:-credentials.yml}" --endpoints "$ENDPOINTS" --cors "*" &
pids+=($!)
if [ "$WEB_PORT" != off ]; then
  .venv/bin/python -m bot.widget.server --port "$WEB_PORT" --socket-url "http://localhost:$RASA_PORT" &
  pids+=($!)
  echo "==> web widget demo page: http://localhost:$WEB_PORT/"
fi
if [ "$CONSOLE_PORT" != off ]; then
  # The console reads the same tracker store as Rasa (TRACKER_STORE_URL).
  .venv/bin/python -m bot.console serve --port "$CONSOLE_PORT" &
  pids+=($!)
  if [ -z "$(.venv/bin/python -m bot.console users list 2>/dev/null)" ]; then
    echo "==> no staff account yet: create one with"
    echo "    .venv/bin/python -m bot.console users add NAME --role admin"
  fi
fi
echo "==> starting: REST http://localhost:$RASA_PORT/webhooks/rest/webhook, actions on :$ACTIONS_PORT (Ctrl-C stops them all)"
wait -n "${pids[@]}"
