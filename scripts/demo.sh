#!/usr/bin/env bash
# Install ezd into ./.venv (first run only) and run the main job on the embedded default:
# SQLite, local object store and SpiffWorkflow in-process under $EZD_HOME (default ./.ezd).
#   scripts/demo.sh [--documents N] [--json]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [[ ! -x .venv/bin/ezd ]]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -c constraints.txt -e .  # the versions the suite passed with
fi
exec .venv/bin/ezd demo "$@"
