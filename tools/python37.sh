# Sourced by tools/dev.sh and tools/lint.sh: where CPython 3.7 is.
# Needs a `die` function from the caller.

find_python37() {
    if [ -n "${PYTHON37:-}" ]; then echo "$PYTHON37"; return; fi
    local c
    for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.7*/bin/python3.7 \
             /root/.pyenv/versions/3.7*/bin/python3.7 "$(command -v python3.7 || true)"; do
        [ -x "$c" ] && { echo "$c"; return; }
    done
    die "CPython 3.7 not found. Install it (e.g. 'pyenv install 3.7.16') or set PYTHON37=/path/to/python3.7"
}
