#!/usr/bin/env bash
# Train models/rengo.tar.gz when anything that shapes the model changed.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/rengo.tar.gz
STAMP=models/.fingerprint
fingerprint=$(cat config.yml domain.yml requirements/lock.txt \
  $(find data bot/nlu -type f \( -name '*.yml' -o -name '*.py' \) | sort) | sha256sum | cut -d' ' -f1)
if [ -f "$MODEL" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$fingerprint" ]; then
  echo "==> model up to date ($MODEL)"
  exit 0
fi
echo "==> training the model (config, domain or data changed; about 45 minutes on 2 cores)"
mkdir -p models
start=$(date +%s)
.venv/bin/rasa train --fixed-model-name rengo --out models --quiet
echo "$fingerprint" > "$STAMP"
echo "==> trained in $(( $(date +%s) - start )) s: $MODEL"
