"""Sale confirmation as a client sees it (``make bench``): over XML-RPC,
stock Odoo against the same Odoo with customer_management, on one server.

Usage: rpc_bench.py <stock template> <ours template> <results.json>

The templates are seeded alike by bench/rpc_seed.py. Each run works on fresh
copies (bench_rpc_stock, bench_rpc_ours: confirmations commit). One server
started here (threaded, as ``make run``; no cron thread) serves both. As the
salesperson ``bench_sales``, for the customer with 1 open invoice and the one
with 300 open invoices and 300 orders: RPC_ROUNDS interleaved rounds (each
round confirms one order on each side, which side goes first alternates),
median time of the ``action_confirm`` call each side and their ratio.

Then the server is restarted with the SQL debug log (``odoo.sql_db:DEBUG``:
one line per query, slower, so not while timing) and the queries of one
confirmation are counted from that log on each side and for each customer.

Merges into results.json: confirm_rpc_ours_ms, confirm_rpc_stock_ms,
confirm_rpc_ratio (1 open invoice), the same with ``_300`` (300 open
invoices), confirm_queries_{ours,stock}_{1,300} and confirm_extra_queries
(the larger difference of the two customers).
"""

import importlib.util
import json
import os
import statistics
import sys
import time
from contextlib import closing

import odoo

RPC_ROUNDS = int(os.environ.get("BENCH_RPC_ROUNDS", "40"))
WARM_UP = 3
CUSTOMERS = (("1", "BENCH-SMALL"), ("300", "BENCH-LARGE"))
SIDES = ("stock", "ours")
QUERY_LINE = " odoo.sql_db: query:"


def log(msg):
    print(msg, flush=True)


def server_tools():
    """tests/server_process.py (the tests start their servers with it)."""
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "server_process.py")
    spec = importlib.util.spec_from_file_location("server_process", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fresh_copy(template, dbname):
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.autocommit(True)
        # names from run.sh and this script, not user input
        cr.execute('DROP DATABASE IF EXISTS "%s"' % dbname)
        cr.execute(
            'CREATE DATABASE "%s" TEMPLATE "%s" STRATEGY FILE_COPY' % (dbname, template)
        )


def order_values(partner_id, product_id, price_unit):
    """A quotation of one unit of ``product_id``, without taxes."""
    line = {
        "product_id": product_id,
        "product_uom_qty": 1,
        "price_unit": price_unit,
        "tax_id": [(6, 0, [])],
    }
    return {"partner_id": partner_id, "order_line": [(0, 0, line)]}


def make_orders(rpc, customer, count):
    partner_id = rpc("res.partner", "search", [("name", "=", customer)], limit=1)[0]
    product_id = rpc("product.product", "search", [("default_code", "=", "BENCH")])[0]
    values = order_values(partner_id, product_id, 10.0)
    return [rpc("sale.order", "create", values) for _i in range(count)]


def confirm(rpc, order_id):
    start = time.perf_counter()
    rpc("sale.order", "action_confirm", [order_id])
    return time.perf_counter() - start


def time_confirmations(clients, customer, rounds):
    """{side: [seconds]} of ``rounds`` interleaved confirmations."""
    orders = {
        side: make_orders(rpc, customer, rounds + WARM_UP)
        for side, rpc in clients.items()
    }
    for side, rpc in clients.items():
        for order_id in orders[side][:WARM_UP]:
            confirm(rpc, order_id)
    times = {side: [] for side in clients}
    for number in range(rounds):
        sides = SIDES if number % 2 == 0 else SIDES[::-1]
        for side in sides:
            times[side].append(confirm(clients[side], orders[side][WARM_UP + number]))
    return times


def count_queries(server, clients, customer):
    """{side: queries of one confirmation}, from the server's SQL log."""
    counts = {}
    for side, rpc in clients.items():
        warm, measured = make_orders(rpc, customer, 2)
        confirm(rpc, warm)
        offset = server.log_size()
        confirm(rpc, measured)
        counts[side] = server.log_text(offset).count(QUERY_LINE)
    return counts


def login(server_url, dbs):
    tools = server_tools()
    return {
        side: tools.RpcClient(server_url, db, "bench_sales", "bench")
        for side, db in dbs.items()
    }


def main():
    stock_template, ours_template, output = sys.argv[1:4]
    config = os.environ.get(
        "ODOO_RC",
        os.path.join(os.path.dirname(__file__), "..", ".odoo-dev", "odoo.conf"),
    )
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    tools = server_tools()
    dbs = {"stock": "bench_rpc_stock", "ours": "bench_rpc_ours"}
    fresh_copy(stock_template, dbs["stock"])
    fresh_copy(ours_template, dbs["ours"])
    log_dir = odoo.tools.config["data_dir"]
    results = {}

    server = tools.OdooServer(
        config, dbs.values(), os.path.join(log_dir, "bench_rpc.log")
    ).start()
    try:
        clients = login(server.url, dbs)
        for label, customer in CUSTOMERS:
            times = time_confirmations(clients, customer, RPC_ROUNDS)
            medians = {side: statistics.median(times[side]) * 1000 for side in SIDES}
            suffix = "" if label == "1" else "_" + label
            results["confirm_rpc_ours_ms" + suffix] = round(medians["ours"], 2)
            results["confirm_rpc_stock_ms" + suffix] = round(medians["stock"], 2)
            results["confirm_rpc_ratio" + suffix] = round(
                medians["ours"] / medians["stock"], 3
            )
            log(
                "  confirm over XML-RPC, %s open invoice(s): ours %.1f ms, stock "
                "%.1f ms, ratio %.3f (medians of %d interleaved rounds)"
                % (
                    label,
                    medians["ours"],
                    medians["stock"],
                    medians["ours"] / medians["stock"],
                    RPC_ROUNDS,
                )
            )
    finally:
        server.stop()

    server = tools.OdooServer(
        config,
        dbs.values(),
        os.path.join(log_dir, "bench_rpc_sql.log"),
        options=["--log-handler=odoo.sql_db:DEBUG"],
    ).start()
    try:
        clients = login(server.url, dbs)
        extra = []
        for label, customer in CUSTOMERS:
            counts = count_queries(server, clients, customer)
            for side in SIDES:
                results["confirm_queries_%s_%s" % (side, label)] = counts[side]
            extra.append(counts["ours"] - counts["stock"])
            log(
                "  queries of one confirmation, %s open invoice(s): ours %d, stock %d"
                % (label, counts["ours"], counts["stock"])
            )
        results["confirm_extra_queries"] = max(extra)
    finally:
        server.stop()
    merge_results(output, results)
    return 0


def merge_results(output, results):
    try:
        with open(output) as current:
            merged = json.load(current)
    except (OSError, ValueError):
        merged = {}
    # Keys of older versions of run.py, now named for what they are.
    for key in (
        "confirm_overhead_ratio",
        "confirm_ours_median_ms",
        "confirm_stock_median_ms",
        "confirm_queries_small",
        "confirm_queries_large",
    ):
        merged.pop(key, None)
    merged.update(results)
    with open(output, "w") as out:
        json.dump(merged, out, indent=2, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    sys.exit(main())
