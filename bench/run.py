"""Measure the crons on the databases seeded by bench/seed.py (``make bench``).

Usage: run.py <results.json> <label>:<template> [<label>:<template> ...]

For each size, ROUNDS times: a fresh copy of the seeded template (the crons
commit), then the credit-hold review cron, the follow-up cadence cron and the
nightly recompute, each timed from a fresh cursor and environment after a
vacuum of what the cron before wrote, a checkpoint, an OS sync and a read of
the tables they use, each followed by its floor (bench/floors.py: the plain
SQL reading the same inputs and bulk statements writing as much); the median
round is kept, and the median of the rounds' cron/floor ratios.

On the last (largest) copy, an in-process figure kept to profile the
override alone (a client sees more: bench/rpc_bench.py measures that):
``action_confirm`` with the module against the next implementation in the
MRO (the module's override bypassed from this script only) in the same
database, interleaved, median of CONFIRM_ROUNDS each; and the SQL queries of
one confirmation (``cr.sql_log_count``) for a customer with 1 invoice and
with 1,000 invoices.

Merges the numbers into results.json (the cost per 1k customers, the
machine's size); bench/report.py prints them with the targets.
"""

import cProfile
import multiprocessing
import os
import pstats
import statistics
from contextlib import closing
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

import floors
from rpc_bench import merge_results

CONFIRM_ROUNDS = 50
# BENCH_PROFILE=N: profile each cron, print its N top functions.
PROFILE = int(os.environ.get("BENCH_PROFILE", "0"))
# Each cron is timed this many times, each time on a fresh copy; the median
# is kept (single runs vary by +-15 % on a 2-core machine).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def log(msg):
    print(msg, flush=True)


def ram_gb():
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
        return round(kb / 1024.0 / 1024.0, 1)
    except (OSError, ValueError, IndexError):
        return None


def count_customers(registry):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM res_partner WHERE customer AND active "
            "AND commercial_partner_id = id"
        )
        return cr.fetchone()[0]


def timed_cron(registry, label, method, key):
    """(seconds, floor seconds) of one cron method run from a fresh cursor
    (it commits its batches); the floor (bench/floors.py) is timed right
    after it on the same copy, writing as many rows as the cron did."""
    warm_up(registry)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tz": "UTC"})
        partners = env["res.partner"]
        if not hasattr(partners, method):
            log("  %-28s not available (%s missing)" % (label, method))
            return None, None
        before = floors.marks(cr)
        cr.commit()
        profiler = cProfile.Profile() if PROFILE else None
        start = time.time()
        if profiler:
            profiler.runcall(getattr(partners, method))
        else:
            getattr(partners, method)()
        cr.commit()
        elapsed = time.time() - start
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(PROFILE)
            stats.sort_stats("tottime").print_stats(PROFILE)
        counts = floors.written(cr, before)
        cr.commit()
        floor = floors.floor_seconds(cr, key, counts, before)
        log(
            "  %-28s %8.2f s, floor %.2f s (x %.2f; wrote %s)"
            % (label, elapsed, floor, elapsed / floor, counts)
        )
        return elapsed, floor


def hold_counts(registry):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FILTER (WHERE customer_status = 'hold'), "
            "count(*) FILTER (WHERE hold_automatic) FROM res_partner"
        )
        return cr.fetchone()


WARM_TABLES = (
    "res_partner",
    "account_invoice",
    "account_move_line",
    "account_move",
    "sale_order",
    "sale_order_line",
    "mail_activity",
    "customer_interaction",
)


def warm_up(registry):
    """Flush the pages the database copy left dirty (PostgreSQL's and the
    OS's) and read the tables the crons use once: each cron is then timed on
    a warm cache rather than on whatever the copy and the previous cron left
    behind (timing noise of +-20 % on this machine otherwise)."""
    with registry.cursor() as cr:
        # What the cron before wrote is vacuumed now, not by autovacuum in
        # the middle of the next measure (it took a core of two at 100k).
        cr.autocommit(True)
        cr.execute("VACUUM ANALYZE res_partner, mail_activity, mail_message")
        cr.execute("CHECKPOINT")
    # The database copy is written through the OS page cache (fsync is off
    # in the private cluster): flush it now rather than during a measure.
    os.sync()
    with registry.cursor() as cr:
        for table in WARM_TABLES:
            # constant table names, no user input
            query = "SELECT count(*) FROM %s" % table
            cr.execute(query)  # pylint: disable=sql-injection


# ------------------------------------------------------------- confirmation
def stock_action_confirm(orders):
    """Stock Odoo's action_confirm for ``orders``: the implementation after
    the module's override in the MRO (only this script does this)."""
    from odoo.addons.customer_management.models.sale_order import (
        STATE_CHANGES,
        SaleOrder,
    )

    # Marked as the module's own confirm marks them: its write guard lets
    # only marked orders move to sale.
    with STATE_CHANGES.mark(orders):
        return super(SaleOrder, orders).action_confirm()


def make_orders(registry, partner_name, count):
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tz": "UTC"})
        partner = env["res.partner"].search([("name", "=", partner_name)], limit=1)
        product = env["product.product"].search(
            [("default_code", "=", "BENCH")], limit=1
        )
        ids = []
        for _i in range(count):
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "price_unit": 10.0,
                            },
                        )
                    ],
                }
            )
            ids.append(order.id)
        cr.commit()
        return ids


def confirm_one(registry, order_id, stock=False):
    """(seconds, queries) of confirming one order from a fresh environment,
    committed."""
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tz": "UTC"})
        order = env["sale.order"].browse(order_id)
        queries = cr.sql_log_count
        start = time.perf_counter()
        if stock:
            stock_action_confirm(order)
        else:
            order.action_confirm()
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        cr.commit()
        return elapsed, queries


def confirm_benchmark(registry):
    ours_ids = make_orders(registry, "BENCH-SMALL", CONFIRM_ROUNDS + 3)
    stock_ids = make_orders(registry, "BENCH-SMALL", CONFIRM_ROUNDS + 3)
    # Warm-up (first confirmation fills customer_since, caches, ...).
    for order_id in ours_ids[:3]:
        confirm_one(registry, order_id)
    for order_id in stock_ids[:3]:
        confirm_one(registry, order_id, stock=True)
    ours, stock = [], []
    for i, (our_id, stock_id) in enumerate(zip(ours_ids[3:], stock_ids[3:])):
        # Alternate which one goes first.
        pairs = [(our_id, False), (stock_id, True)]
        for order_id, is_stock in pairs if i % 2 == 0 else reversed(pairs):
            seconds, _q = confirm_one(registry, order_id, stock=is_stock)
            (stock if is_stock else ours).append(seconds)
    ours_median = statistics.median(ours)
    stock_median = statistics.median(stock)
    log(
        "  confirm: ours median %.2f ms, stock median %.2f ms (%d each)"
        % (ours_median * 1000, stock_median * 1000, len(ours))
    )
    queries = {}
    for label, name in (("small", "BENCH-SMALL"), ("large", "BENCH-LARGE")):
        order_ids = make_orders(registry, name, 2)
        confirm_one(registry, order_ids[0])  # warm-up
        queries[label] = confirm_one(registry, order_ids[1])[1]
        log("  confirm queries %-5s (%s): %d" % (label, name, queries[label]))
    return {
        "confirm_inprocess_override_ms": round(ours_median * 1000, 3),
        "confirm_inprocess_next_ms": round(stock_median * 1000, 3),
        "confirm_inprocess_override_ratio": round(ours_median / stock_median, 3),
        "confirm_inprocess_queries_1": queries["small"],
        "confirm_inprocess_queries_1000": queries["large"],
    }


# -------------------------------------------------------------------- main
def fresh_copy(template, dbname):
    """``dbname``: a new copy of the seeded ``template`` (a file copy)."""
    odoo.modules.registry.Registry.delete(dbname)
    odoo.sql_db.close_db(dbname)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.autocommit(True)
        # identifiers from run.sh (bench_tpl_<label>_<hash>), not user input
        cr.execute('DROP DATABASE IF EXISTS "%s"' % dbname)
        cr.execute(
            'CREATE DATABASE "%s" TEMPLATE "%s" STRATEGY FILE_COPY' % (dbname, template)
        )
    return odoo.registry(dbname)


def measure_round(registry):
    """{cron key: seconds} of the three crons on one fresh copy, in the
    order they run at night."""
    before = hold_counts(registry)
    times = {}
    times["hold_review"], times["hold_review_floor"] = timed_cron(
        registry, "credit-hold review", "_cron_review_credit_holds", "hold_review"
    )
    after = hold_counts(registry)
    log("    customers on hold: %d before, %d after" % (before[0], after[0]))
    times["cadence"], times["cadence_floor"] = timed_cron(
        registry, "follow-up cadence", "_cron_followup_cadence", "cadence"
    )
    times["nightly"], times["nightly_floor"] = timed_cron(
        registry, "nightly recompute", "_cron_nightly_recompute", "nightly"
    )
    return times


def measure_crons(template, dbname, suffix):
    """Median of ROUNDS rounds, each on a fresh copy of ``template`` (the
    crons commit: a second run on the same data would find nothing to do)."""
    registry = fresh_copy(template, dbname)
    customers = count_customers(registry)
    log("%s: %d customers, %d rounds" % (dbname, customers, ROUNDS))
    result = {"customers_%s" % suffix: customers}
    with registry.cursor() as cr:
        cr.execute(
            "SELECT value FROM ir_config_parameter WHERE key = "
            "'bench.nightly_backfill_s'"
        )
        row = cr.fetchone()
        result["nightly_backfill_s_%s" % suffix] = float(row[0]) if row else None
    rounds = []
    for number in range(ROUNDS):
        if number:
            registry = fresh_copy(template, dbname)
        log("  round %d" % (number + 1))
        rounds.append(measure_round(registry))
    for key in ("hold_review", "cadence", "nightly"):
        ratios = [
            times[key] / times[key + "_floor"]
            for times in rounds
            if times[key] is not None and times[key + "_floor"]
        ]
        if ratios:
            # The ratio of each round (cron and floor ran on the same copy,
            # one after the other): less sensitive to the machine's load.
            result["%s_floor_ratio_%s" % (key, suffix)] = round(
                statistics.median(ratios), 2
            )
    for key in rounds[0]:
        values = [times[key] for times in rounds]
        if None in values:
            result["%s_s_%s" % (key, suffix)] = None
            continue
        result["%s_s_%s" % (key, suffix)] = statistics.median(values)
        log(
            "  %s: median %.2f s of %s"
            % (key, statistics.median(values), ", ".join("%.2f" % v for v in values))
        )
    return registry, result


def per_1k(results, key, suffix):
    value = results.get("%s_s_%s" % (key, suffix))
    customers = results.get("customers_%s" % suffix)
    if value is None or not customers:
        return None
    return round(value / customers * 1000, 4)


def main():
    output = sys.argv[1]
    sizes = [arg.split(":", 1) for arg in sys.argv[2:]]
    config = os.environ.get(
        "ODOO_RC",
        os.path.join(os.path.dirname(__file__), "..", ".odoo-dev", "odoo.conf"),
    )
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    results = {}
    registry = None
    for suffix, template in sizes:
        registry, part = measure_crons(template, "bench_%s" % suffix, suffix)
        results.update(part)
        for key in ("hold_review", "cadence", "nightly"):
            results["%s_s_per_1k_%s" % (key, suffix)] = per_1k(results, key, suffix)
    # On the largest copy: the module's override against the next
    # implementation in the same process and database (not what a client
    # sees: bench/rpc_bench.py measures that); kept to profile the override.
    if os.environ.get("BENCH_INPROCESS", "1") != "0":
        results.update(confirm_benchmark(registry))
    for key, value in list(results.items()):
        if isinstance(value, float) and "ratio" not in key and "ms" not in key:
            results[key] = round(value, 3)
    results.update(
        {
            "cpu_count": multiprocessing.cpu_count(),
            "ram_gb": ram_gb(),
            "date": time.strftime("%Y-%m-%d"),
        }
    )
    merge_results(output, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
