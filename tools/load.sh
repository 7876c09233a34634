#!/usr/bin/env bash
# `make load`: Locust against --workers=2 servers, the module's database then
# stock Odoo's (bench/load.py), results merged into bench/results.json.
# Locust lives in a virtualenv of its own on the machine's python3 (not in
# the Odoo venv: Odoo 11 needs CPython 3.7, Locust a recent Python).
# Environment: LOAD_SECONDS (default 60), LOAD_USERS (default 8), LOAD_ROUNDS
# (default 2: each side that many times, interleaved, pooled).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/.odoo-dev"
LOCUST_VENV="$DEV/locust-venv"
LOCUST_VERSION=2.47.0

log() { printf '\033[1m[load]\033[0m %s\n' "$*" >&2; }

cd "$ROOT"
bash tools/dev.sh setup
if [ "$("$LOCUST_VENV/bin/locust" --version 2>/dev/null | awk '{print $2}')" != "$LOCUST_VERSION" ]; then
    log "installing Locust $LOCUST_VERSION into $LOCUST_VENV"
    python3 -m venv "$LOCUST_VENV"
    "$LOCUST_VENV/bin/pip" install -q --disable-pip-version-check "locust==$LOCUST_VERSION"
fi
# shellcheck disable=SC2046
set -- $(bash bench/rpc_templates.sh)
{
    "$DEV/venv/bin/python" bench/load.py "$1" "$2" bench/results.json \
        "$LOCUST_VENV/bin/locust"
    "$DEV/venv/bin/python" bench/report.py bench/results.json
} 2>&1 | tee "bench/load.$(date +%Y%m%d-%H%M%S).log"
