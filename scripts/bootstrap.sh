#!/usr/bin/env bash
# Create .venv and install the locked dependencies when they changed.
#
# Rasa 3.6.21 declares Requires-Python <3.11; on 3.11 its environment markers
# would drop the numpy/scipy/scikit-learn/dask pins. requirements/lock.txt is
# the fully resolved set (made by scripts/lock_requirements.sh), installed with
# --no-deps so every install is identical and pip never re-resolves.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
LOCK=requirements/lock.txt
STAMP=$VENV/.lock.sha256

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating virtualenv $VENV ($($PYTHON --version))"
  "$PYTHON" -m venv "$VENV"
fi

want=$(sha256sum "$LOCK" | cut -d' ' -f1)
have=$(cat "$STAMP" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  echo "==> installing locked dependencies ($(grep -c '==' "$LOCK") packages; a few minutes on a fresh machine)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pip==24.3.1"
  "$VENV/bin/python" -m pip install --progress-bar off --disable-pip-version-check \
    --no-deps --ignore-requires-python -r "$LOCK"
  echo "$want" > "$STAMP"
else
  echo "==> dependencies up to date"
fi
