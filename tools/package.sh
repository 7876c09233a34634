#!/usr/bin/env bash
# `make package`: the wheel odoo11-addon-customer_management, built the way the
# OCA distributes Odoo 11 add-ons (setuptools-odoo: name, version and
# dependencies from the manifest), into .odoo-dev/package/dist/.
#   1. a CPython 3.7 virtualenv of its own (.odoo-dev/package-venv) with the
#      build tools pinned in setup/requirements.txt, rebuilt when that changes;
#   2. the repository root IS the add-on: its files (tracked or new, not
#      ignored) are staged under .odoo-dev/package/customer_management/
#      odoo/addons/customer_management, without what Odoo never loads
#      (tests, e2e, bench, doc, tools, setup, CI and lint files);
#   3. setup.py bdist_wheel there. Prints the wheel's path on the last line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/.odoo-dev"
MODULE=customer_management
BUILD_VENV="$DEV/package-venv"
REQS="$ROOT/setup/requirements.txt"
STAGE="$DEV/package/$MODULE"
DIST="$DEV/package/dist"
# Top-level entries of the checkout that are not part of the add-on.
EXCLUDE='^(tests|e2e|bench|doc|tools|setup|\.ci)/|^(Makefile|setup\.cfg|\.pylintrc|pytest\.ini|requirements[^/]*\.txt|\.gitignore)$'
PYTHON37="${PYTHON37:-}"

log() { printf '\033[1m[package]\033[0m %s\n' "$*" >&2; }
die() { printf '[package] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=tools/python37.sh
. "$ROOT/tools/python37.sh"

ensure_build_venv() {
    local stamp="$BUILD_VENV/.requirements.sha" want py37
    want="$(sha1sum "$REQS" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
    py37="$(find_python37)"
    log "build virtualenv $BUILD_VENV ($py37)"
    rm -rf "$BUILD_VENV"
    "$py37" -m venv "$BUILD_VENV"
    # (pip's notes about this machine's absent extra index folders are dropped)
    "$BUILD_VENV/bin/pip" install -q --disable-pip-version-check -r "$REQS" \
        2> >(grep -v 'is ignored: it is neither' >&2)
    echo "$want" > "$stamp"
}

stage() {
    rm -rf "$STAGE"
    mkdir -p "$STAGE/odoo/addons/$MODULE"
    cp "$ROOT/setup/$MODULE/setup.py" "$ROOT/setup/$MODULE/MANIFEST.in" "$STAGE/"
    # Tracked and new files alike (a build of the work tree), never ignored
    # ones, nor tracked ones deleted from the work tree.
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
        | grep -zEv "$EXCLUDE" \
        | while IFS= read -r -d '' file; do [ -f "$file" ] && printf '%s\0' "$file"; done \
        | xargs -0 -r cp --parents -t "$STAGE/odoo/addons/$MODULE" --)
}

build() {
    rm -rf "$DIST" "$STAGE/build" "$STAGE"/*.egg-info
    mkdir -p "$DIST"
    # Outside any git repository: setuptools-odoo then takes the version as the
    # manifest says it (no .99.devN suffix from the checkout's history).
    local log="$DEV/package/build.log"
    (cd "$STAGE" && GIT_CEILING_DIRECTORIES="$DEV/package" \
        "$BUILD_VENV/bin/python" setup.py bdist_wheel -d "$DIST" >"$log" 2>&1) \
        || { tail -n 30 "$log" >&2; die "setup.py bdist_wheel failed (log: $log)"; }
    rm -rf "$STAGE/build" "$STAGE"/*.egg-info
}

ensure_build_venv
log "staging the add-on in ${STAGE#"$ROOT"/}"
stage
build
wheel="$(ls "$DIST"/*.whl)"
log "built ${wheel#"$ROOT"/}"
echo "$wheel"
