#!/usr/bin/env bash
# The static checks CI runs before the suite, in the venv scripts/test.sh installed:
# ruff (lint and format), mypy (strict where pyproject says) and the import-linter contracts.
#   scripts/lint.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN=.venv/bin
log() { echo "[lint] $*" >&2; }
log "ruff check";          "$BIN/ruff" check .
log "ruff format --check"; "$BIN/ruff" format --check .
log "mypy";                "$BIN/mypy"
log "lint-imports";        "$BIN/lint-imports"
