"""Profile the confirmation of sale orders as the RPC dispatcher runs it
(``odoo.service.model.execute``: a cursor of its own, the method, the
commit), with the module and without, and print where the extra time goes.

Usage: profile_confirm.py <stock db> <ours db> [customer name] [orders]

The databases are copies of the benchmark's (bench/rpc_bench.py leaves
bench_rpc_stock and bench_rpc_ours behind). For each side, ``orders``
(default 30) orders of the customer (default BENCH-SMALL) are confirmed
under cProfile as the salesperson ``bench_sales``, after 3 unprofiled ones.
Prints the top functions by cumulative time on each side, then the functions
whose cumulative time grew most from stock to the module (per confirmation).
"""

import cProfile
import os
import pstats
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

TOP = 30


def make_orders(db, customer, count):
    with api.Environment.manage(), odoo.registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        partner = env["res.partner"].search([("name", "=", customer)], limit=1)
        product = env["product.product"].search([("default_code", "=", "BENCH")])
        user = env["res.users"].search([("login", "=", "bench_sales")])
        line = {"product_id": product.id, "product_uom_qty": 1, "price_unit": 10.0,
                "tax_id": [(6, 0, [])]}
        orders = [
            env["sale.order"].sudo(user).create(
                {"partner_id": partner.id, "order_line": [(0, 0, line)]}
            ).id
            for _i in range(count)
        ]
        return user.id, orders


def profile_side(db, customer, count):
    uid, orders = make_orders(db, customer, count + 3)
    execute = odoo.service.model.execute
    for order_id in orders[:3]:
        execute(db, uid, "sale.order", "action_confirm", [order_id])
    profiler = cProfile.Profile()
    start = time.perf_counter()
    for order_id in orders[3:]:
        profiler.runcall(execute, db, uid, "sale.order", "action_confirm", [order_id])
    elapsed = (time.perf_counter() - start) / count
    return pstats.Stats(profiler), elapsed


def short(func):
    filename, line, name = func
    for marker in ("site-packages/", "customer_management/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            if marker == "customer_management/":
                filename = "customer_management/" + filename
    return "%s:%s(%s)" % (filename, line, name)


def cumulative(stats):
    return {func: row[3] for func, row in stats.stats.items()}


def main():
    stock_db, ours_db = sys.argv[1:3]
    customer = sys.argv[3] if len(sys.argv) > 3 else "BENCH-SMALL"
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    config = os.environ.get(
        "ODOO_RC",
        os.path.join(os.path.dirname(__file__), "..", ".odoo-dev", "odoo.conf"),
    )
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    sides = {}
    for side, db in (("stock", stock_db), ("ours", ours_db)):
        with api.Environment.manage():
            stats, elapsed = profile_side(db, customer, count)
        sides[side] = stats
        print(
            "\n== %s (%s): %.1f ms per confirmation (profiled)"
            % (side, db, elapsed * 1000)
        )
        stats.sort_stats("cumulative").print_stats(TOP)
    stock, ours = cumulative(sides["stock"]), cumulative(sides["ours"])
    grown = sorted(
        ((ours[f] - stock.get(f, 0.0), f) for f in ours), reverse=True
    )[:TOP]
    print("\n== cumulative time grown from stock to the module, ms per confirmation")
    for delta, func in grown:
        print(
            "%8.2f  (stock %7.2f, ours %7.2f)  %s"
            % (delta / count * 1000, stock.get(func, 0.0) / count * 1000,
               ours[func] / count * 1000, short(func))
        )


if __name__ == "__main__":
    main()
