#!/usr/bin/env bash
# `make lint`: black (the one code style), flake8, pylint with the pylint-odoo plugin, and an XML
# well-formedness check, from a virtualenv of their own ($LINT_VENV, git-ignored
# under .odoo-dev, apart from Odoo's). Every step runs even when one before it
# failed; the exit code is non-zero when any of them failed.
#   tools/lint.sh                  all steps
#   tools/lint.sh flake8 xml       only these (black, flake8, pylint, xml)
#   tools/lint.sh format           rewrite the files in black's style (make format)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/.odoo-dev"
LINT_VENV="$DEV/lint-venv"
LPY="$LINT_VENV/bin/python"
REQS="$ROOT/requirements-lint.txt"
ADDONS="$DEV/addons"        # holds the link customer_management -> checkout
MODULE=customer_management
PYTHON37="${PYTHON37:-}"

log() { printf '\033[1m[lint]\033[0m %s\n' "$*"; }
die() { printf '[lint] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=tools/python37.sh
. "$(dirname "${BASH_SOURCE[0]}")/python37.sh"

ensure_lint_venv() {
    # Rebuilt from scratch whenever requirements-lint.txt changes, so that a
    # package dropped from it does not linger; a few seconds from PyPI.
    local stamp="$LINT_VENV/.requirements.sha"
    local want
    want="$(sha1sum "$REQS" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$LPY" ]; then
        return 0
    fi
    local py37
    py37="$(find_python37)"
    log "creating the lint virtualenv $LINT_VENV ($py37)"
    rm -rf "$LINT_VENV"
    mkdir -p "$DEV"
    "$py37" -m venv "$LINT_VENV"
    "$LPY" -m pip install -q --disable-pip-version-check "pip<24"
    "$LPY" -m pip install -q --disable-pip-version-check -r "$REQS"
    echo "$want" > "$stamp"
}

ensure_addon_link() {
    # pylint-odoo takes the addon's technical name from its folder's name,
    # which the checkout's own folder need not have.
    mkdir -p "$ADDONS"
    ln -sfn "$ROOT" "$ADDONS/$MODULE"
}

# ---------------------------------------------------------------- steps ----
step_black() {
    # The style of pyproject.toml; `make format` applies it.
    (cd "$ROOT" && "$LINT_VENV/bin/black" --check --diff --quiet .)
}

step_flake8() {
    (cd "$ROOT" && "$LINT_VENV/bin/flake8" --config "$ROOT/setup.cfg" .)
}

step_pylint() {
    # The addon is named by its module name, found through PYTHONPATH in the
    # link folder, from a folder of its own: given as a path, pylint would
    # resolve the link and name the package after the checkout's folder.
    # Reported paths are made relative to the repo root again.
    mkdir -p "$DEV/lint-cwd"
    local prefix rc
    prefix="$(printf '%s' "$ADDONS/$MODULE/" | sed 's/[][\.*^$|]/\\&/g')"
    set +e
    (cd "$DEV/lint-cwd" && PYTHONPATH="$ADDONS" "$LINT_VENV/bin/pylint" \
        --rcfile="$ROOT/.pylintrc" "$MODULE") | sed "s|^$prefix||"
    rc=${PIPESTATUS[0]}
    set -e
    return "$rc"
}

step_xml() {
    (cd "$ROOT" && "$LPY" - <<'EOF'
import os
import sys

from lxml import etree

SKIP = {".git", ".odoo-dev", "__pycache__", "node_modules", ".pytest_cache"}
# No DTD or entity is fetched or expanded: only the file itself is read.
parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
files = bad = 0
for top, dirs, names in os.walk("."):
    dirs[:] = sorted(d for d in dirs if d not in SKIP)
    for name in sorted(names):
        if not name.lower().endswith(".xml"):
            continue
        path = os.path.relpath(os.path.join(top, name))
        files += 1
        try:
            etree.parse(path, parser)
        except etree.XMLSyntaxError as exc:
            bad += 1
            for err in exc.error_log or [exc]:
                line = getattr(err, "line", None) or getattr(exc, "lineno", 0)
                col = getattr(err, "column", None) or 0
                msg = getattr(err, "message", None) or str(exc)
                print("%s:%s:%s: %s" % (path, line, col, msg))
print("%d XML file(s) checked, %d not well-formed" % (files, bad))
sys.exit(1 if bad else 0)
EOF
    )
}

# ----------------------------------------------------------------- main ----
ALL_STEPS=(black flake8 pylint xml)
steps=("$@")
if [ "${steps[*]:-}" = format ]; then
    ensure_lint_venv
    (cd "$ROOT" && "$LINT_VENV/bin/black" .)
    exit 0
fi
[ ${#steps[@]} = 0 ] && steps=("${ALL_STEPS[@]}")
for s in "${steps[@]}"; do
    case " ${ALL_STEPS[*]} " in
        *" $s "*) ;;
        *) die "unknown step '$s' (steps: ${ALL_STEPS[*]})" ;;
    esac
done

ensure_lint_venv
ensure_addon_link

declare -A result
failed=0
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for s in "${steps[@]}"; do
    log "---- $s"
    rc=0
    "step_$s" 2>&1 | tee "$out" || rc=$?
    # Every tool reports one problem a line as path:line:column: message.
    n="$(grep -cE '^[^[:space:]]+:[0-9]+:[0-9]+: ' "$out" || true)"
    if [ "$rc" = 0 ]; then
        result[$s]="passed"
    else
        result[$s]="FAILED: $n problem(s) (exit $rc)"
        failed=1
    fi
    log "$s: ${result[$s]}"
done

log "---- summary"
for s in "${steps[@]}"; do
    printf '[lint] %-7s %s\n' "$s" "${result[$s]}"
done
if [ "$failed" != 0 ]; then
    log "lint FAILED"
    exit 1
fi
log "lint passed"
