#!/usr/bin/env bash
# Regenerate constraints.txt from the venv the suite was run in: every installed distribution
# (runtime, dev and test extras, transitive ones included) pinned to its exact version.
#   scripts/lock.sh            # after: scripts/test.sh passed in ./.venv
# pip, setuptools and ezd itself are left out (pip is upgraded by the scripts, ezd is the checkout).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
{
  echo "# Versions the test suite passed with. Regenerate with scripts/lock.sh; used by"
  echo "# scripts/demo.sh, scripts/test.sh and the Dockerfile (pip install -c constraints.txt ...)."
  .venv/bin/python -m pip freeze --exclude-editable --all \
    | grep -viE '^(pip|setuptools|wheel|ezd)==' | LC_ALL=C sort -f
} > constraints.txt
echo "wrote constraints.txt ($(grep -vc '^#' constraints.txt) pins)" >&2
