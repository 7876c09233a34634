#!/usr/bin/env bash
# Build (or reuse) the two seeded templates of the client-side benchmarks
# (bench/rpc_bench.py, bench/load.py) and print their names, stock first:
# stock Odoo with the module's dependencies, and the same plus the module,
# seeded alike by bench/rpc_seed.py and analyzed. The stock template depends
# on the seed script and this one; the module's on the addon's files too.
# Logs go to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/.odoo-dev"
PY="$DEV/venv/bin/python"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
psql_db() { "$PGBIN/psql" -h "$DEV/pgrun" -p 5432 -U odoo -d postgres -qAt "$@"; }
db_exists() { [ "$(psql_db -c "select 1 from pg_database where datname='$1'")" = 1 ]; }
copy_db() {
    psql_db -c "drop database if exists $2" \
        -c "create database $2 template $1 strategy file_copy"
}
odoo() { bash "$ROOT/tools/dev.sh" odoo "$@" >&2; }

cd "$ROOT"
# shellcheck source=tools/addon_hash.sh
. "$ROOT/tools/addon_hash.sh"
# Stock gets exactly the module's dependencies (read from the manifest) plus
# the chart of accounts, so the two databases differ by the module alone.
STOCK_DEPS="$(python3 -c "import ast; m = ast.literal_eval(open('__manifest__.py').read()); \
print(','.join(m['depends'] + ['l10n_generic_coa']))")"
# The templates depend on the seed and on how this script builds them.
STOCK_HASH="$(cat bench/rpc_seed.py bench/rpc_templates.sh | sha1sum | cut -c1-10)"
OURS_HASH="$( (echo "$STOCK_HASH"; addon_content_hash "$ROOT" tests e2e bench tools) \
    | sha1sum | cut -c1-10)"
# The installed base depends on the dependencies only (Odoo is pinned).
RPC_BASE="bench_rpc_base_$(echo "$STOCK_DEPS" | sha1sum | cut -c1-10)"
RPC_STOCK="bench_rpc_stock_$STOCK_HASH"
RPC_OURS="bench_rpc_ours_$OURS_HASH"
for db in $(psql_db -c "select datname from pg_database where datname like 'bench_rpc_%' \
        and datname not in ('$RPC_BASE', '$RPC_STOCK', '$RPC_OURS')"); do
    log "dropping stale template $db"
    psql_db -c "drop database $db"
done
if ! db_exists "$RPC_BASE"; then
    log "installing $STOCK_DEPS (no demo) in $RPC_BASE"
    psql_db -c "drop database if exists ${RPC_BASE}_tmp"
    odoo -d "${RPC_BASE}_tmp" -i "$STOCK_DEPS" --without-demo=all \
        --stop-after-init --log-level=warn
    psql_db -c "alter database ${RPC_BASE}_tmp rename to $RPC_BASE"
fi
if ! db_exists "$RPC_STOCK"; then
    log "seeding $RPC_STOCK"
    copy_db "$RPC_BASE" "${RPC_STOCK}_tmp"
    "$PY" bench/rpc_seed.py "${RPC_STOCK}_tmp" >&2
    # Planner statistics, as autovacuum keeps them in production: without
    # them the credit queries over the 300 invoices take other plans.
    psql_db -d "${RPC_STOCK}_tmp" -c "VACUUM ANALYZE"
    psql_db -c "alter database ${RPC_STOCK}_tmp rename to $RPC_STOCK"
fi
if ! db_exists "$RPC_OURS"; then
    # The module installed on a copy of the seeded stock database: the same
    # rows on both sides, and no second seeding when the module changes.
    log "installing customer_management on a copy of $RPC_STOCK: $RPC_OURS"
    copy_db "$RPC_STOCK" "${RPC_OURS}_tmp"
    odoo -d "${RPC_OURS}_tmp" -i customer_management --without-demo=all \
        --stop-after-init --log-level=warn
    # The salesperson is a Customer Management user too.
    psql_db -d "${RPC_OURS}_tmp" -c "insert into res_groups_users_rel (gid, uid)
        select d.res_id, u.id from ir_model_data d, res_users u
         where d.module = 'customer_management' and d.name = 'group_customer_user'
           and u.login = 'bench_sales' on conflict do nothing"
    psql_db -d "${RPC_OURS}_tmp" -c "VACUUM ANALYZE"
    psql_db -c "alter database ${RPC_OURS}_tmp rename to $RPC_OURS"
fi
rm -rf "$DEV/data/filestore/"bench_rpc_*_tmp
echo "$RPC_STOCK $RPC_OURS"
