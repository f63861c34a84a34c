#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need (Debian packages,
# Python packages in ./.venv, the Operaton engine jar), then runs pytest with every service
# required. The test session starts its own PostgreSQL, RabbitMQ, SeaweedFS and Operaton on
# free ports (tests/infra/) and stops them at its end; nothing needs to run beforehand, and what
# runs on the standard ports (scripts/services.sh, other sessions) is never used.
#   scripts/test.sh [pytest args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { echo "[test] $*" >&2; }

need_apt=()
command -v pg_ctlcluster >/dev/null || need_apt+=(postgresql)
command -v rabbitmq-server >/dev/null || need_apt+=(rabbitmq-server)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v mvn >/dev/null || need_apt+=(maven)
command -v npm >/dev/null || need_apt+=(nodejs npm)
command -v xmlsec1 >/dev/null || need_apt+=(xmlsec1 libxmlsec1-dev pkg-config)
command -v docker-compose >/dev/null || need_apt+=(docker-compose)
command -v softhsm2-util >/dev/null || need_apt+=(softhsm2)
# a real IMAP server for the e-mail intake tests (tests/infra/dovecot.py starts a private one)
[[ -x /usr/sbin/dovecot ]] || need_apt+=(dovecot-imapd)
# WeasyPrint (printable registers) renders through the system's Pango
ldconfig -p | grep -q 'libpangoft2-1.0' || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
if ((${#need_apt[@]})); then
  log "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv"
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
log "installing ezd with test dependencies"
.venv/bin/pip install -q -c constraints.txt -e ".[dev,test]"  # the tested versions (scripts/lock.sh)
export PATH="$ROOT/.venv/bin:$PATH"

if [[ "${EZD_LINT:-0}" == 1 ]]; then  # .ci/run: the static checks first, in this venv
  log "static checks"
  bash scripts/lint.sh
fi

# The EU reference validator (DSS) the signature tests compare ezd with: built once with Maven
# (dependencies from Maven Central, ~3 minutes the first time), then cached in
# tools/dss-cli/target/; the tests rebuild it offline only when its sources change.
DSS_JAR=tools/dss-cli/target/dss-cli.jar
if [[ ! -f "$DSS_JAR" ]] || [[ -n "$(find tools/dss-cli/pom.xml tools/dss-cli/src -newer "$DSS_JAR" -type f 2>/dev/null)" ]]; then
  log "building the DSS reference validator (tools/dss-cli)"
  mvn -q -B -f tools/dss-cli/pom.xml package >&2
fi

if [[ ! -f tests/web/node/node_modules/axe-core/axe.min.js ]]; then
  log "installing axe-core for the accessibility test (npm, tests/web/node)"
  npm ci --prefix tests/web/node --no-audit --no-fund --silent
fi

# --- services for the tests (tests/infra/): binaries only, each session starts its own
if [[ ! -f engine/target/ezd-engine.jar ]]; then
  log "building the Operaton engine jar"
  mvn -q -B -f engine/pom.xml package -DskipTests
fi
# Service URLs of the developer's shell (eval "$(scripts/services.sh env)") must not leak into
# the tests: they would point subprocesses at a shared stack.
unset EZD_DATABASE_URL EZD_ENGINE_URL EZD_BROKER_URL EZD_S3_ENDPOINT

export EZD_REQUIRE_SERVICES=1
log "running the test suite"
exec .venv/bin/python -m pytest "$@"
