#!/usr/bin/env bash
# `make e2e`: browser tests (e2e/) driving the real Odoo web client in Debian's
# headless chromium through Playwright for Python.
#   1. the usual set-up (tools/dev.sh setup);
#   2. Debian's chromium (Playwright never downloads a browser here);
#   3. a virtualenv of its own on the machine's Python 3 (.odoo-dev/e2e-venv)
#      with e2e/requirements.txt, rebuilt only when that file changes;
#   4. a template database e2e_template (customer_management + demo data, like
#      `make run`'s customer_demo), rebuilt only when the addon changed, copied
#      to a fresh e2e_run (database and filestore) on every run;
#   5. Odoo on a free local port for e2e_run, pytest e2e/, the server stopped
#      whatever happens; exits with pytest's status.
# Extra arguments go to pytest (e.g. `bash tools/e2e.sh -k drag -x`).
# E2E_KEEP_TEMPLATE=1 reuses an existing template even though the module
# changed (quicker while writing tests; `make e2e` normally rebuilds it).
# Screenshots and the printed PDF land in e2e/screenshots/ (git-ignored);
# the server's log in .odoo-dev/log/e2e-odoo.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/.odoo-dev"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PGRUN="$DEV/pgrun"
DBUSER=odoo
TEMPLATE_DB=e2e_template
RUN_DB=e2e_run
E2E_VENV="$DEV/e2e-venv"
E2E_REQS="$ROOT/e2e/requirements.txt"
E2E_PYTHON="${E2E_PYTHON:-/usr/bin/python3}"
CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
TEMPLATE_STAMP="$DEV/e2e_template.stamp"
FILESTORE="$DEV/data/filestore"
ODOO_LOG="$DEV/log/e2e-odoo.log"
# What Odoo 11 logs once the registry is loaded (odoo/modules/loading.py).
READY_LOGGER=odoo.modules.loading
READY_LINE="$READY_LOGGER: Modules loaded\."

log() { printf '\033[1m[e2e]\033[0m %s\n' "$*" >&2; }
die() { printf '[e2e] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=tools/addon_hash.sh
. "$ROOT/tools/addon_hash.sh"

dev() { bash "$ROOT/tools/dev.sh" "$@"; }
psql_db() { "$PGBIN/psql" -h "$PGRUN" -U "$DBUSER" -v ON_ERROR_STOP=1 "$@"; }
db_exists() {
    psql_db -d postgres -tAc "select 1 from pg_database where datname='$1'" | grep -q 1
}
drop_db() {
    PGOPTIONS='-c client_min_messages=warning' psql_db -d postgres -qc "drop database if exists $1"
}

# ------------------------------------------------------------ browser -----
ensure_chromium() {
    [ -x "$CHROMIUM" ] && return 0
    [ "$(id -u)" = 0 ] || die "$CHROMIUM not found: install Debian's chromium \
(sudo apt-get install chromium) or point E2E_CHROMIUM at a Chromium binary"
    log "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    [ -x "$CHROMIUM" ] || die "chromium installed but $CHROMIUM is missing"
}

# --------------------------------------------------------------- venv -----
ensure_e2e_venv() {
    local stamp="$E2E_VENV/.requirements.sha" want
    want="$(sha1sum "$E2E_REQS" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$E2E_VENV/bin/pytest" ]; then
        return 0
    fi
    [ -x "$E2E_PYTHON" ] || die "$E2E_PYTHON not found (Python 3.8+ for Playwright)"
    log "virtualenv $E2E_VENV with Playwright and pytest ($E2E_PYTHON)"
    rm -rf "$E2E_VENV"
    "$E2E_PYTHON" -m venv "$E2E_VENV"
    # Only the Python package: the browser is Debian's chromium, never a download.
    # (pip's notes about this machine's extra, absent, index folders are dropped)
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$E2E_VENV/bin/pip" install -q \
        --disable-pip-version-check -r "$E2E_REQS" 2> >(grep -v 'is ignored: it is neither' >&2)
    echo "$want" > "$stamp"
}

# ----------------------------------------------------------- databases ----
template_hash() {
    # Folders Odoo never loads into a database do not make the template stale.
    printf '%s %s\n' "$(addon_content_hash "$ROOT" tests e2e bench tools doc setup)" \
        "$(sha1sum "$ROOT/requirements.txt" | cut -d' ' -f1)"
}

set_urls() {
    # wkhtmltopdf fetches the report stylesheets from report.url/web.base.url;
    # frozen so that a login does not rewrite it.
    local db="$1" url="$2" key
    for key in web.base.url report.url web.base.url.freeze; do
        local value="$url"
        [ "$key" = web.base.url.freeze ] && value=True
        psql_db -d "$db" -q -v key="$key" -v value="$value" <<'EOF' >/dev/null
update ir_config_parameter set value = :'value' where key = :'key';
insert into ir_config_parameter (key, value, create_date, write_date,
                                 create_uid, write_uid)
select :'key', :'value', now(), now(), 1, 1
 where not exists (select 1 from ir_config_parameter where key = :'key');
EOF
    done
}

ensure_template() {
    local want
    want="$(template_hash)"
    if db_exists "$TEMPLATE_DB" && [ "$(cat "$TEMPLATE_STAMP" 2>/dev/null)" = "$want" ]; then
        log "reusing template database $TEMPLATE_DB"
        return 0
    fi
    if db_exists "$TEMPLATE_DB" && [ -f "$TEMPLATE_STAMP" ] && [ -n "${E2E_KEEP_TEMPLATE:-}" ]; then
        log "the module changed, but E2E_KEEP_TEMPLATE is set: reusing $TEMPLATE_DB as it is"
        return 0
    fi
    log "building template database $TEMPLATE_DB (customer_management + demo data; a few minutes)"
    rm -f "$TEMPLATE_STAMP"
    drop_db "$TEMPLATE_DB"
    rm -rf "${FILESTORE:?}/$TEMPLATE_DB"
    # As `make run` builds customer_demo: the chart of accounts first (the demo
    # invoices need a sales journal), then the module with its demo data.
    dev odoo -d "$TEMPLATE_DB" -i account_invoicing,l10n_generic_coa \
        --stop-after-init --log-level=warn --max-cron-threads=0
    dev odoo -d "$TEMPLATE_DB" -i customer_management \
        --stop-after-init --log-level=warn --max-cron-threads=0
    psql_db -d "$TEMPLATE_DB" -qc "update res_users set password='admin' where login='admin'"
    echo "$want" > "$TEMPLATE_STAMP"
}

fresh_run_db() {
    drop_db "$RUN_DB"
    rm -rf "${FILESTORE:?}/$RUN_DB"
    "$PGBIN/createdb" -h "$PGRUN" -U "$DBUSER" -T "$TEMPLATE_DB" "$RUN_DB"
    # Attachments live in the filestore, next to (not in) the database.
    if [ -d "$FILESTORE/$TEMPLATE_DB" ]; then
        cp -a "$FILESTORE/$TEMPLATE_DB" "$FILESTORE/$RUN_DB"
    fi
}

# -------------------------------------------------------------- server ----
free_port() {
    "$E2E_PYTHON" - <<'EOF'
import socket

while True:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    if port != 8069:
        print(port)
        break
EOF
}

ODOO_PGID=""
stop_server() {
    [ -n "$ODOO_PGID" ] || return 0
    if kill -0 "$ODOO_PGID" 2>/dev/null; then
        log "stopping the e2e Odoo server"
        kill -TERM -- "-$ODOO_PGID" 2>/dev/null || true
        local i
        for i in $(seq 1 50); do
            kill -0 -- "-$ODOO_PGID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL -- "-$ODOO_PGID" 2>/dev/null || true
    fi
    wait "$ODOO_PGID" 2>/dev/null || true
    ODOO_PGID=""
}

start_server() {
    local port="$1" url="http://127.0.0.1:$1" i
    mkdir -p "$(dirname "$ODOO_LOG")"
    : > "$ODOO_LOG"
    log "starting Odoo for $RUN_DB on $url (log: ${ODOO_LOG#"$ROOT"/})"
    # A process group of its own (setsid): the trap stops bash and Odoo together.
    # The loading module's INFO line is logged whatever the log level.
    setsid bash "$ROOT/tools/dev.sh" odoo -d "$RUN_DB" --db-filter="^$RUN_DB\$" \
        --http-port="$port" --http-interface=127.0.0.1 --max-cron-threads=0 \
        --log-handler="$READY_LOGGER:INFO" --logfile="$ODOO_LOG" </dev/null &
    ODOO_PGID=$!
    # No request before the registry is loaded: one that arrives while it
    # preloads makes Odoo 11 import the add-ons in the HTTP thread at the same
    # time as the main thread, and the registry comes out broken.
    for i in $(seq 1 600); do
        server_alive
        if grep -q "$READY_LINE" "$ODOO_LOG"; then
            log "registry loaded after ${i}x0.5 s"
            break
        fi
        [ "$i" = 600 ] && { tail -n 40 "$ODOO_LOG" >&2; die "the registry did not load"; }
        sleep 0.5
    done
    for i in $(seq 1 240); do
        server_alive
        if curl -sf -o /dev/null --max-time 180 "$url/web/login"; then
            log "server up (login page and its assets ready)"
            return 0
        fi
        sleep 0.5
    done
    tail -n 40 "$ODOO_LOG" >&2
    die "the Odoo server did not answer on $url"
}

server_alive() {
    kill -0 "$ODOO_PGID" 2>/dev/null && return 0
    tail -n 40 "$ODOO_LOG" >&2
    die "the Odoo server exited while starting"
}

# ---------------------------------------------------------------- main ----
main() {
    local started=$SECONDS
    log "set-up (tools/dev.sh setup)"
    dev setup
    ensure_chromium
    ensure_e2e_venv
    ensure_template
    log "fresh database $RUN_DB from $TEMPLATE_DB"
    fresh_run_db
    local port url
    port="$(free_port)"
    url="http://127.0.0.1:$port"
    set_urls "$RUN_DB" "$url"
    trap stop_server EXIT
    trap 'exit 130' INT TERM
    start_server "$port"
    mkdir -p "$ROOT/e2e/screenshots"
    log "pytest e2e/ against $url (set-up took $((SECONDS - started)) s)"
    local rc=0
    # Rooted in e2e/ with its own pytest.ini: the checkout's root is the addon
    # package (its __init__.py imports odoo), not something to collect.
    (cd "$ROOT/e2e" && E2E_ODOO_URL="$url" E2E_DB="$RUN_DB" E2E_CHROMIUM="$CHROMIUM" \
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
        "$E2E_VENV/bin/pytest" -c pytest.ini --rootdir=. -v "$@") || rc=$?
    stop_server
    log "done in $((SECONDS - started)) s; screenshots in e2e/screenshots/ (pytest exit $rc)"
    exit "$rc"
}

main "$@"
