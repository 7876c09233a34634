"""Where one confirmation's queries and time go, stock Odoo against ours.

Usage: profile_confirm.py <stock db> <ours db> [customer] [rounds]

Both databases are seeded by bench/rpc_seed.py (``make bench`` leaves copies
named bench_rpc_stock / bench_rpc_ours). In-process, as the salesperson
``bench_sales``: confirms ``rounds`` one-line orders of ``customer`` on each
side (rolled back), then one more with every query recorded together with the
innermost frame of the module (or "core") that issued it. Prints the queries
per side, the difference per issuing frame, and the median time per side.
Profiling aid only: the figure the README reports is bench/rpc_bench.py's.
"""

import collections
import re
import statistics
import sys
import time
import traceback

import odoo
from odoo import api

MODULE_DIR = "/customer_management/"


def issuer():
    """Innermost frame of the module in the current stack, else 'core'."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        if MODULE_DIR in frame.filename and "/bench/" not in frame.filename:
            name = frame.filename.split(MODULE_DIR, 1)[1]
            return "%s:%s %s" % (name, frame.lineno, frame.name)
    return "core"


def normalize(query):
    """The query without its column list: ours reads more columns of the same
    tables, which is not an extra query."""
    if isinstance(query, bytes):
        query = query.decode()
    text = re.sub(r"\s+", " ", query)
    columns = r'^SELECT "(\w+)"\."id" as "id",.*? FROM '
    return re.sub(columns, r"SELECT \1.* FROM ", text)


class Recorder:
    def __init__(self):
        self.rows = None
        self._execute = odoo.sql_db.Cursor.execute

    def __enter__(self):
        self.rows = []
        recorder = self

        def execute(cr, query, params=None, log_exceptions=None):
            recorder.rows.append((issuer(), normalize(query)[:160]))
            return recorder._execute(cr, query, params, log_exceptions)

        odoo.sql_db.Cursor.execute = execute
        return self

    def __exit__(self, *exc):
        odoo.sql_db.Cursor.execute = self._execute


def make_order(env, customer):
    partner = env["res.partner"].search([("name", "=", customer)], limit=1)
    product = env["product.product"].search([("default_code", "=", "BENCH")])
    line = {
        "product_id": product.id,
        "product_uom_qty": 1,
        "price_unit": 10.0,
        "tax_id": [(6, 0, [])],
    }
    return env["sale.order"].create(
        {"partner_id": partner.id, "order_line": [(0, 0, line)]}
    )


def confirm_fresh(dbname, customer, recorder=None, commit=False):
    """Seconds of one confirmation in a fresh transaction (rolled back unless
    ``commit``: the first one makes the customer a buying customer)."""
    registry = odoo.registry(dbname)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        uid = env["res.users"].search([("login", "=", "bench_sales")]).id
        env = api.Environment(cr, uid, {"lang": "en_US", "tz": "UTC"})
        order = make_order(env, customer)
        env.cache.invalidate()  # as a new request: nothing cached
        order = env["sale.order"].browse(order.id)
        start = time.perf_counter()
        if recorder:
            with recorder:
                order.action_confirm()
        else:
            order.action_confirm()
        seconds = time.perf_counter() - start
        assert order.state == "sale", order.state
        if commit:
            cr.commit()
        else:
            cr.rollback()
    return seconds


def main():
    stock, ours = sys.argv[1:3]
    customer = sys.argv[3] if len(sys.argv) > 3 else "BENCH-SMALL"
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    odoo.tools.config.parse_config(["-c", ".odoo-dev/odoo.conf"])
    times = {stock: [], ours: []}
    for dbname in (stock, ours):
        confirm_fresh(dbname, customer, commit=True)
    for _i in range(rounds):
        for dbname in (stock, ours):
            times[dbname].append(confirm_fresh(dbname, customer))
    recorded = {}
    for dbname in (stock, ours):
        recorder = Recorder()
        confirm_fresh(dbname, customer, recorder)
        recorded[dbname] = recorder.rows
    for dbname in (stock, ours):
        median = 1000 * statistics.median(times[dbname])
        count = len(recorded[dbname])
        print("%s: %d queries, median %.1f ms" % (dbname, count, median))
    ratio = statistics.median(times[ours]) / statistics.median(times[stock])
    print("ratio %.3f" % ratio)
    stock_q = collections.Counter(q for _w, q in recorded[stock])
    ours_q = collections.Counter(q for _w, q in recorded[ours])
    print("\n-- queries of ours not in stock (count, issuer, query):")
    extra = ours_q - stock_q
    for who, query in recorded[ours]:
        if extra[query] > 0:
            extra[query] -= 1
            print("  %-60s %s" % (who, query[:110]))
    print("\n-- queries of stock not in ours:")
    for query, count in (stock_q - ours_q).items():
        print("  %d x %s" % (count, query[:140]))


if __name__ == "__main__":
    main()
