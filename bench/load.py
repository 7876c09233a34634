"""``make load``: Locust (bench/locustfile.py) against a server with
``--workers=2`` and a cron worker, on the module's seeded database, then the
same mix against stock Odoo (same dependencies, same data, no module).

Usage: load.py <stock template> <ours template> <results.json> <locust command>

LOAD_ROUNDS rounds (default 2), each side once per round, interleaved. For
each side and round: a fresh copy of the template, customers made for the run
over XML-RPC (room under the limit, a tight limit, on hold where the module
is installed) with one confirmed order each but the held ones (the run
measures repeat orders: see first_orders), the locustfile's warm-up
(every operation a few times, unrecorded: see warm_up), LOAD_USERS
simulated users for LOAD_SECONDS (salespeople and a credit manager who runs
the credit-hold review as its scheduled action does), headless, on
loopback; then the orders confirmed past a limit or for a held customer are
counted in SQL. Merges into results.json: load_rps,
load_confirm_per_s, load_confirm_p50_ms / load_confirm_p95_ms (and the
stock side's), load_confirm_p95_ratio, load_errors (failures that are not
the credit rule's refusal, both sides), load_over_limit (module side; the
stock side's count is load_stock_over_limit: nothing stops it there), and
per-operation p50/p95 in load_operations. Each side's figures pool its
rounds' calls (every call timed by the locustfile); the percentiles are
nearest-rank over those times, not Locust's rounded buckets.
"""

import json
import math
import os
import subprocess
import sys
import time

import odoo

from rpc_bench import fresh_copy, log, merge_results, order_values, server_tools

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
USERS = int(os.environ.get("LOAD_USERS", "8"))
# Rounds per side, interleaved and pooled: a p95 of one minute is the 7th
# slowest of some 130 confirmations, and moved by 50 % between runs here.
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "2"))
LOCUSTFILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locustfile.py")
KINDS = {"ok": (12, 100000000.0), "tight": (6, 1000.0), "held": (6, 100000000.0)}


def make_customers(rpc, sales, module, product_id):
    customers = {}
    for kind, (count, limit) in KINDS.items():
        customers[kind] = [
            rpc(
                "res.partner",
                "create",
                {
                    "name": "Load %s %02d" % (kind, number),
                    "is_company": True,
                    "customer": True,
                    "credit_limit": limit,
                },
            )
            for number in range(count)
        ]
    first_orders(sales, customers["ok"] + customers["tight"], product_id)
    if module:
        rpc("res.partner", "action_place_hold", customers["held"], "load test: held")
    return customers


def first_orders(sales, customer_ids, product_id):
    """One confirmed order of 100 per customer before the run, as the
    salesperson, on both sides: the run measures repeat orders of customers
    who already buy, on warm workers. A customer's first order also makes it
    an active customer and starts its customer-since date (a status change
    in the chatter), and every customer here is new, which no real database
    is: without this, those first orders and the workers' first requests
    were most of the module's slowest confirmations. The held customers get
    none (held first, as they would be)."""
    for partner_id in customer_ids:
        order_id = sales(
            "sale.order", "create", order_values(partner_id, product_id, 100.0)
        )
        sales("sale.order", "action_confirm", [order_id])


def setup(server, db, path, module):
    tools = server_tools()
    admin = tools.RpcClient(server.url, db, "admin", "admin")
    sales = tools.RpcClient(server.url, db, "bench_sales", "bench")
    product_id = admin("product.product", "search", [("default_code", "=", "BENCH")])[0]
    cron_id = False
    if module:
        cron_id = admin(
            "ir.model.data",
            "xmlid_to_res_id",
            "customer_management.ir_cron_credit_hold_review",
        )
        # Due now: the cron worker runs it when it next wakes up (it sleeps
        # about a minute between rounds; the credit manager also runs it).
        admin(
            "ir.cron",
            "write",
            [cron_id],
            {"nextcall": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())},
        )
    values = {
        "db": db,
        "module": module,
        "customers": make_customers(admin, sales, module, product_id),
        "product_id": product_id,
        "cron_id": cron_id,
        "pipeline_group_by": "customer_status" if module else "user_id",
        "sales_login": "bench_sales",
        "sales_password": "bench",
        "manager_login": "admin",
        "manager_password": "admin",
    }
    with open(path, "w") as out:
        json.dump(values, out)
    return values


def warm_up(locust, url, setup_path):
    """The locustfile's warm-up (every operation a few times, unrecorded), in
    Locust's Python: the run starts on warm workers, as a server in use is.
    Without it the first calls of each worker (cold caches, the first
    credit-hold review: 220-560 ms against 12-42 ms after) were a large part
    of a one-minute run's slowest calls, on both sides."""
    subprocess.run(
        [os.path.join(os.path.dirname(locust), "python"), LOCUSTFILE, url],
        env=dict(os.environ, LOAD_SETUP=setup_path),
        check=True,
        timeout=300,
    )


def run_locust(locust, url, setup_path, prefix):
    """[[request name, milliseconds, failed]] of every call of the run."""
    samples_path = prefix + "_samples.json"
    if os.path.exists(samples_path):
        os.remove(samples_path)
    env = dict(os.environ, LOAD_SETUP=setup_path, LOAD_SAMPLES=samples_path)
    command = [
        locust,
        "-f",
        LOCUSTFILE,
        "--headless",
        "--users=%d" % USERS,
        "--spawn-rate=%d" % USERS,
        "--run-time=%ds" % SECONDS,
        "--stop-timeout=30",
        "--host=%s" % url,
        "--csv=%s" % prefix,
        "--only-summary",
        "--loglevel=WARNING",
    ]
    # Locust exits 1 when a request failed: the failures are read from
    # its statistics below.
    # Its own summary goes to a log: the numbers are read from its CSV.
    with open(prefix + ".log", "w") as output:
        subprocess.run(
            command,
            env=env,
            check=False,
            timeout=SECONDS + 120,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    with open(samples_path) as samples:
        return json.load(samples)


def over_limit(db, values):
    """Orders confirmed past their customer's limit (in confirmation order)
    or for a customer held before the run, counted in SQL."""
    registry = odoo.registry(db)
    limits = {
        partner_id: KINDS[kind][1]
        for kind, ids in values["customers"].items()
        for partner_id in ids
    }
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT partner_id, SUM(amount_total) OVER (
                       PARTITION BY partner_id ORDER BY confirmation_date, id)
              FROM sale_order
             WHERE state IN ('sale', 'done') AND partner_id IN %s""",
            (tuple(limits),),
        )
        rows = cr.fetchall()
    held = set(values["customers"]["held"]) if values["module"] else set()
    return sum(
        1
        for partner_id, running in rows
        if partner_id in held or running > limits[partner_id] + 0.005
    )


def percentile(values, share):
    """Nearest-rank percentile of ``values``, in ms to 0.1."""
    values = sorted(values)
    if not values:
        return 0.0
    return round(values[max(0, math.ceil(share * len(values)) - 1)], 1)


def side_results(runs):
    """One side's figures, its rounds pooled: ``runs`` is [{"samples":
    [[name, ms, failed]], "over_limit": count}]."""
    seconds = SECONDS * len(runs)
    calls = {}
    for run in runs:
        for name, milliseconds, failed in run["samples"]:
            calls.setdefault(name, []).append((milliseconds, failed))
    operations = {
        name: {
            "count": len(rows),
            "p50_ms": percentile([ms for ms, _failed in rows], 0.50),
            "p95_ms": percentile([ms for ms, _failed in rows], 0.95),
            "failures": sum(1 for _ms, failed in rows if failed),
        }
        for name, rows in calls.items()
    }
    confirm = operations.get("confirm") or {"count": 0, "p50_ms": 0, "p95_ms": 0}
    return {
        "rps": round(sum(op["count"] for op in operations.values()) / seconds, 2),
        "confirm_per_s": round(confirm["count"] / seconds, 2),
        "confirm_p50_ms": confirm["p50_ms"],
        "confirm_p95_ms": confirm["p95_ms"],
        "failures": sum(op["failures"] for op in operations.values()),
        "over_limit": sum(run["over_limit"] for run in runs),
        "operations": operations,
    }


def log_side(side, result):
    log(
        "  %s: %.1f requests/s, %.2f confirmations/s, confirm p50 %.0f ms p95 %.0f "
        "ms, %d failures, %d orders past a limit or held"
        % (
            side,
            result["rps"],
            result["confirm_per_s"],
            result["confirm_p50_ms"],
            result["confirm_p95_ms"],
            result["failures"],
            result["over_limit"],
        )
    )
    for name, op in sorted(result["operations"].items()):
        log(
            "    %-32s %6d  p50 %6.0f ms  p95 %6.0f ms  failures %d"
            % (name, op["count"], op["p50_ms"], op["p95_ms"], op["failures"])
        )


def run_side(side, template, locust, config):
    """One run of one side on a fresh copy of its template: {"samples",
    "over_limit"}."""
    tools = server_tools()
    db = "bench_load_%s" % side
    fresh_copy(template, db)
    data_dir = odoo.tools.config["data_dir"]
    server = tools.OdooServer(
        config,
        [db],
        os.path.join(data_dir, "bench_load_%s.log" % side),
        # the cron worker too (the credit manager also runs the review)
        ["--workers=2", "--max-cron-threads=1"],
    ).start()
    try:
        setup_path = os.path.join(data_dir, "bench_load_%s.json" % side)
        values = setup(server, db, setup_path, side == "ours")
        warm_up(locust, server.url, setup_path)
        samples = run_locust(
            locust, server.url, setup_path, os.path.join(data_dir, "load_%s" % side)
        )
    finally:
        server.stop()
    run = {"samples": samples, "over_limit": over_limit(db, values)}
    # the next round drops this database: let go of its connections
    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)
    log_side(side, side_results([run]))
    return run


def main():
    stock_template, ours_template, output, locust = sys.argv[1:5]
    config = os.environ.get(
        "ODOO_RC",
        os.path.join(os.path.dirname(__file__), "..", ".odoo-dev", "odoo.conf"),
    )
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    log(
        "load: %d users for %d s per side and round, %d rounds, --workers=2"
        % (USERS, SECONDS, ROUNDS)
    )
    runs = {"ours": [], "stock": []}
    # interleaved, so that a slower minute of the machine hits both sides
    for _round in range(ROUNDS):
        runs["ours"].append(run_side("ours", ours_template, locust, config))
        runs["stock"].append(run_side("stock", stock_template, locust, config))
    ours, stock = side_results(runs["ours"]), side_results(runs["stock"])
    log("pooled, %d rounds:" % ROUNDS)
    log_side("ours", ours)
    log_side("stock", stock)
    ratio = (
        round(ours["confirm_p95_ms"] / stock["confirm_p95_ms"], 3)
        if stock["confirm_p95_ms"]
        else None
    )
    results = {
        "load_seconds": SECONDS,
        "load_rounds": ROUNDS,
        "load_users": USERS,
        "load_rps": ours["rps"],
        "load_confirm_per_s": ours["confirm_per_s"],
        "load_confirm_p50_ms": ours["confirm_p50_ms"],
        "load_confirm_p95_ms": ours["confirm_p95_ms"],
        "load_stock_rps": stock["rps"],
        "load_stock_confirm_p50_ms": stock["confirm_p50_ms"],
        "load_stock_confirm_p95_ms": stock["confirm_p95_ms"],
        "load_confirm_p95_ratio": ratio,
        "load_errors": ours["failures"] + stock["failures"],
        "load_over_limit": ours["over_limit"],
        "load_stock_over_limit": stock["over_limit"],
        "load_operations": {"ours": ours["operations"], "stock": stock["operations"]},
    }
    log("  p95 confirmation ours/stock: %s" % ratio)
    merge_results(output, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
