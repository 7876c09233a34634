#!/usr/bin/env bash
# Development tooling behind the Makefile: set-up, run, test, stop, shell.
# Everything generated lives in $DEV (git-ignored); nothing is fetched outside
# the package registries (Debian, PyPI, npm).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/.odoo-dev"
VENV="$DEV/venv"
PY="$VENV/bin/python"
PGDATA="$DEV/pgdata"
PGRUN="$DEV/pgrun"          # unix socket folder: two checkouts never collide
PGPORT=5432                 # only names the socket file; TCP is off
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
DBUSER=odoo
ADDONS="$DEV/addons"        # holds the link customer_management -> checkout
CONF="$DEV/odoo.conf"
ODOO_PORT="${ODOO_PORT:-8069}"
DEMO_DB="${DEMO_DB:-customer_demo}"
TEST_DB="${TEST_DB:-customer_test}"
PYTHON37="${PYTHON37:-}"
APT_PACKAGES="postgresql wkhtmltopdf libldap2-dev libsasl2-dev libpq-dev
  libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev fonts-dejavu-core poppler-utils"

log() { printf '\033[1m[dev]\033[0m %s\n' "$*" >&2; }
die() { printf '[dev] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=tools/python37.sh
. "$(dirname "${BASH_SOURCE[0]}")/python37.sh"
# shellcheck source=tools/addon_hash.sh
. "$(dirname "${BASH_SOURCE[0]}")/addon_hash.sh"

as_pg() {
    # PostgreSQL refuses to run as root: run its server tools as `postgres`.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# --------------------------------------------------------------- set-up ----
ensure_apt() {
    local missing=()
    for p in $APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
            || missing+=("$p")
    done
    [ ${#missing[@]} = 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root or install them)"
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # The Debian package starts a cluster of its own on 5432; ours does not need it.
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha"
    local want
    want="$(sha1sum "$ROOT/requirements.txt" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
    local py37
    py37="$(find_python37)"
    log "virtualenv with Odoo 11.0 ($py37); first time takes a few minutes"
    [ -x "$PY" ] || "$py37" -m venv "$VENV"
    "$PY" -m pip install -q --disable-pip-version-check "pip<24" wheel "setuptools<58"
    "$PY" -m pip install -q --disable-pip-version-check --no-build-isolation -r "$ROOT/requirements.txt"
    echo "$want" > "$stamp"
}

ensure_less() {
    # The web client compiles its stylesheets with lessc 3.0.x.
    [ -x "$DEV/node/node_modules/.bin/lessc" ] && return 0
    command -v npm >/dev/null || die "npm not found: install Debian's npm (or Node.js with npm)"
    log "installing lessc 3.0.4 from the npm registry"
    mkdir -p "$DEV/node"
    (cd "$DEV/node" && npm install --silent --no-audit --no-fund --prefix . \
        less@3.0.4 less-plugin-clean-css@1.5.1 >/dev/null)
}

ensure_pg() {
    mkdir -p "$DEV"
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        log "creating a private PostgreSQL cluster in $PGDATA"
        mkdir -p "$PGDATA" "$PGRUN"
        [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA" "$PGRUN"
        as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 >/dev/null
        cat >> "$PGDATA/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$PGRUN'
port = $PGPORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 100
EOF
    fi
    mkdir -p "$PGRUN"
    [ "$(id -u)" = 0 ] && chown postgres: "$PGRUN"
    if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        log "starting PostgreSQL (socket in $PGRUN)"
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start >/dev/null
    fi
    if ! psql_admin -tAc "select 1 from pg_roles where rolname='$DBUSER'" | grep -q 1; then
        psql_admin -qc "create role $DBUSER login superuser"
    fi
}

psql_admin() { "$PGBIN/psql" -h "$PGRUN" -p "$PGPORT" -U postgres -d postgres "$@"; }
psql_db() { "$PGBIN/psql" -h "$PGRUN" -p "$PGPORT" -U "$DBUSER" "$@"; }

ensure_conf() {
    mkdir -p "$ADDONS" "$DEV/data" "$DEV/log"
    ln -sfn "$ROOT" "$ADDONS/customer_management"
    local core
    core="$("$PY" -c 'import os, odoo.addons.base as b; print(os.path.dirname(os.path.dirname(b.__file__)))')"
    cat > "$CONF" <<EOF
[options]
addons_path = $core,$ADDONS
data_dir = $DEV/data
db_host = $PGRUN
db_port = $PGPORT
db_user = $DBUSER
db_password = False
admin_passwd = admin
http_port = $ODOO_PORT
list_db = True
without_demo = False
max_cron_threads = 1
limit_time_cpu = 600
limit_time_real = 1200
EOF
}

setup() {
    ensure_apt
    ensure_venv
    ensure_less
    ensure_pg
    ensure_conf
}

export_path() { export PATH="$DEV/node/node_modules/.bin:$VENV/bin:$PATH"; }

odoo() { export_path; "$PY" "$ROOT/tools/odoo_bin.py" -c "$CONF" "$@"; }

addon_hash() {
    # Content of the addon's own files: an unchanged module is not upgraded.
    # Tests and tooling are never loaded into a database: editing them does not
    # trigger an upgrade.
    addon_content_hash "$ROOT" tests e2e bench tools
}

db_exists() { psql_admin -tAc "select 1 from pg_database where datname='$1'" | grep -q 1; }

set_base_url() {
    # wkhtmltopdf fetches the report stylesheets from the running server.
    psql_db -d "$1" -qc "update ir_config_parameter set value='http://localhost:$ODOO_PORT'
        where key='web.base.url';
        insert into ir_config_parameter (key, value, create_date, write_date)
        select 'web.base.url.freeze', 'True', now(), now()
        where not exists (select 1 from ir_config_parameter where key='web.base.url.freeze');"
}

# ------------------------------------------------------------- commands ----
cmd_setup() { setup; log "set-up complete"; }

cmd_run() {
    setup
    if ! db_exists "$DEMO_DB"; then
        log "creating $DEMO_DB with customer_management and demo data (a few minutes)"
        # The chart of accounts first: the demo invoices need a sales journal.
        odoo -d "$DEMO_DB" -i account_invoicing,l10n_generic_coa --stop-after-init \
            --log-level=warn
        odoo -d "$DEMO_DB" -i customer_management --stop-after-init --log-level=warn
        psql_db -d "$DEMO_DB" -qc "update res_users set password='admin' where login='admin'"
    elif [ "$(cat "$DEV/demo.stamp" 2>/dev/null)" != "$(addon_hash)" ]; then
        log "the module changed: updating customer_management in $DEMO_DB"
        odoo -d "$DEMO_DB" -u customer_management --stop-after-init --log-level=warn
    fi
    addon_hash > "$DEV/demo.stamp"
    set_base_url "$DEMO_DB"
    log "serving http://localhost:$ODOO_PORT (database $DEMO_DB, admin/admin); Ctrl-C to stop"
    odoo -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$ODOO_PORT" \
        --pidfile="$DEV/odoo.pid" "$@"
}

cmd_test() {
    setup
    log "fresh test database $TEST_DB"
    psql_admin -qc "drop database if exists $TEST_DB" 2>/dev/null
    # A chart of accounts (generic) so tests can post invoices and payments.
    odoo -d "$TEST_DB" -i customer_management,l10n_generic_coa --stop-after-init \
        --log-level=warn --without-demo=all
    export_path
    # Collect through the addons link so that test modules import as
    # odoo.addons.customer_management.tests.* whatever the checkout is called.
    cd "$ADDONS"
    "$VENV/bin/pytest" -p no:cacheprovider --rootdir="$ADDONS/customer_management" \
        --odoo-config="$CONF" --odoo-database="$TEST_DB" \
        "$ADDONS/customer_management/tests" "$@"
}

cmd_stop() {
    if [ -f "$DEV/odoo.pid" ] && kill -0 "$(cat "$DEV/odoo.pid")" 2>/dev/null; then
        kill "$(cat "$DEV/odoo.pid")" && log "Odoo stopped"
    fi
    if [ -f "$PGDATA/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null && log "PostgreSQL stopped"
    fi
}

cmd_shell() {
    setup
    export_path
    # The sub-command must come before the options.
    "$PY" "$ROOT/tools/odoo_bin.py" shell -c "$CONF" -d "$DEMO_DB" --no-http "$@"
}

cmd_odoo() { setup; odoo "$@"; }

cmd_psql() { setup; psql_db -d "${1:-$DEMO_DB}"; }

cmd="${1:-}"; shift || true
case "$cmd" in
    setup|run|test|stop|shell|odoo|psql) "cmd_$cmd" "$@" ;;
    *) die "usage: tools/dev.sh setup|run|test|stop|shell|odoo|psql" ;;
esac
