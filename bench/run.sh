#!/usr/bin/env bash
# `make bench`: seed the benchmark databases (or reuse the seeded templates),
# then measure the crons and the sale confirmation against their time targets
# (bench/report.py).
#
# Seeded databases are kept as templates named after a hash of the seed
# script and of the addon's files (bench_tpl_<size>_<hash>): a second run
# with the same code reuses them. bench/run.py measures on fresh copies
# (bench_10k, bench_100k), one per round, because the crons commit.
#
# Then the client-side measures (bench/rpc_templates.sh builds their two
# seeded databases, stock Odoo and the same with the module): confirmation
# over XML-RPC (bench/rpc_bench.py), two servers on one database
# (bench/two_servers.py). bench/report.py prints the table and the targets.
#
# Environment: BENCH_SIZES (default "10k:10000 100k:100000"),
# BENCH_ROUNDS (default 3), BENCH_PARTS (default "crons rpc two_servers"),
# BENCH_RPC_ROUNDS (default 40), BENCH_PROFILE=N (profile each cron, print
# its N top functions), BENCH_INPROCESS=0 (skip the in-process confirmation
# figure), BENCH_KEEP_TEMPLATES=0 to drop the
# templates at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEV="$ROOT/.odoo-dev"
PY="$DEV/venv/bin/python"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
SIZES="${BENCH_SIZES:-10k:10000 100k:100000}"
PARTS="${BENCH_PARTS:-crons rpc two_servers}"
START=$(date +%s)

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

cd "$ROOT"
bash tools/dev.sh setup
psql_db() { "$PGBIN/psql" -h "$DEV/pgrun" -p 5432 -U odoo -d postgres -qAt "$@"; }
db_exists() { [ "$(psql_db -c "select 1 from pg_database where datname='$1'")" = 1 ]; }
copy_db() {  # copy_db <template> <new>: a file copy (fast for big databases)
    psql_db -c "drop database if exists $2" \
        -c "create database $2 template $1 strategy file_copy"
}

# Hash of what the seeded data depends on: the seed script and the addon
# (tests, e2e, bench and tools are never loaded into a database).
# shellcheck source=tools/addon_hash.sh
. "$ROOT/tools/addon_hash.sh"
HASH="$( (sha1sum bench/seed.py; addon_content_hash "$ROOT" tests e2e bench tools) \
    | sha1sum | cut -c1-10)"
log "seed/addon hash $HASH"

# Templates of another hash are stale.
for db in $(psql_db -c "select datname from pg_database where datname like 'bench_tpl_%' \
        and datname not like '%_$HASH'"); do
    log "dropping stale template $db"
    psql_db -c "drop database $db"
done

BASE="bench_tpl_base_$HASH"
seed_cron_templates() {
    for spec in $SIZES; do
        label="${spec%%:*}"; customers="${spec##*:}"
        tpl="bench_tpl_${label}_$HASH"
        if ! db_exists "$tpl"; then
            if ! db_exists "$BASE"; then
                log "installing customer_management + l10n_generic_coa (no demo) in $BASE"
                psql_db -c "drop database if exists ${BASE}_tmp"
                bash tools/dev.sh odoo -d "${BASE}_tmp" -i customer_management,l10n_generic_coa \
                    --without-demo=all --stop-after-init --log-level=warn
                psql_db -c "alter database ${BASE}_tmp rename to $BASE"
                # Only the web assets were stored there; no benchmark reads them.
                rm -rf "$DEV/data/filestore/${BASE}_tmp"
            fi
            log "seeding $customers customers into $tpl"
            copy_db "$BASE" "${tpl}_tmp"
            "$PY" bench/seed.py "${tpl}_tmp" "$customers"
            psql_db -c "alter database ${tpl}_tmp rename to $tpl"
        else
            log "reusing the seeded template $tpl"
        fi
    done
}

measure() {
    local part
    for part in $PARTS; do
        case "$part" in
        crons)
            seed_cron_templates
            log "crons and their floors on fresh copies of the seeded templates"
            local args=()
            for spec in $SIZES; do
                args+=("${spec%%:*}:bench_tpl_${spec%%:*}_$HASH")
            done
            "$PY" bench/run.py bench/results.json "${args[@]}" ;;
        rpc)
            # shellcheck disable=SC2046
            set -- $(bash bench/rpc_templates.sh)
            log "confirmation over XML-RPC: stock ($1) vs the module ($2)"
            "$PY" bench/rpc_bench.py "$1" "$2" bench/results.json ;;
        two_servers)
            # shellcheck disable=SC2046
            set -- $(bash bench/rpc_templates.sh)
            log "two servers (--workers=2 each) on one database"
            "$PY" bench/two_servers.py "$2" bench/results.json ;;
        *) log "unknown part $part"; exit 2 ;;
        esac
    done
    "$PY" bench/report.py bench/results.json
}
measure 2>&1 | tee "bench/results.$(date +%Y%m%d-%H%M%S).log"

if [ "${BENCH_KEEP_TEMPLATES:-1}" = 0 ]; then
    for db in $(psql_db -c "select datname from pg_database where datname like 'bench_tpl_%' \
            or datname like 'bench_rpc_%'"); do
        psql_db -c "drop database $db"
    done
fi
log "make bench done in $(( $(date +%s) - START )) s"
