"""Where one confirmation's queries and time go, stock Odoo against ours.

Usage: profile_confirm.py <stock db> <ours db> [customer] [rounds] [top]

Both databases are seeded by bench/rpc_seed.py (``make bench`` leaves copies
named bench_rpc_stock / bench_rpc_ours). In-process, as the salesperson
``bench_sales``: confirms ``rounds`` one-line orders of ``customer`` on each
side (rolled back), then one more with every query recorded together with the
innermost frame of the module (or "core") that issued it. Prints the queries
per side, the difference per issuing frame, and the median time per side.
Then ``rounds`` more per side with the SQL timed (median ms per statement
kind: where the extra SQL goes, and how much of the extra time is SQL at
all), and ``rounds`` more under cProfile: the ``top`` functions (default 15)
whose own time per confirmation grew most from stock to ours, and the
module's functions by their inclusive time. The sides are interleaved.
Profiling aid only: the figure the README reports is bench/rpc_bench.py's.
"""

import collections
import cProfile
import pstats
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
    """Every query run inside the ``with`` block, as (issuing frame,
    normalized query) in ``rows``; subclasses keep other things (record)."""

    def __init__(self):
        self._execute = odoo.sql_db.Cursor.execute
        self.reset()

    def reset(self):
        self.rows = []

    def record(self, query, _milliseconds):
        self.rows.append((issuer(), normalize(query)[:160]))

    def __enter__(self):
        self.reset()
        recorder = self

        def execute(cr, query, params=None, log_exceptions=None):
            start = time.perf_counter()
            try:
                return recorder._execute(cr, query, params, log_exceptions)
            finally:
                recorder.record(query, 1000 * (time.perf_counter() - start))

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


def confirm_fresh(dbname, customer, recorder=None, commit=False, profiler=None):
    """Seconds of one confirmation in a fresh transaction (rolled back unless
    ``commit``: the first one makes the customer a buying customer), under
    ``profiler`` (a cProfile.Profile) if given."""
    registry = odoo.registry(dbname)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        uid = env["res.users"].search([("login", "=", "bench_sales")]).id
        env = api.Environment(cr, uid, {"lang": "en_US", "tz": "UTC"})
        order = make_order(env, customer)
        env.cache.invalidate()  # as a new request: nothing cached
        order = env["sale.order"].browse(order.id)
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        if recorder:
            with recorder:
                order.action_confirm()
        else:
            order.action_confirm()
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - start
        assert order.state == "sale", order.state
        if commit:
            cr.commit()
        else:
            cr.rollback()
    return seconds


class SqlTimer(Recorder):
    """Milliseconds of SQL per statement kind (the module's two credit
    statements by name, others by their first table), summed in ``totals``."""

    def reset(self):
        self.totals = collections.Counter()

    def record(self, query, milliseconds):
        self.totals[kind(query)] += milliseconds


def kind(query):
    text = normalize(query)
    for start, name in (("WITH facts AS", "facts"), ("WITH field AS", "figures")):
        if start in text:
            return "module: credit %s statement" % name
    match = re.search(r'(FROM|INTO|UPDATE) "?(\w+)', text)
    return "%s %s" % match.groups() if match else text[:30]


def sql_by_kind(stock, ours, customer, rounds):
    """Median SQL ms per statement kind and in all, per side (interleaved
    rounds), and the median wall time under the timer."""
    rows = {stock: [], ours: []}
    for _i in range(rounds):
        for dbname in (stock, ours):
            timer = SqlTimer()
            seconds = confirm_fresh(dbname, customer, recorder=timer)
            totals = dict(timer.totals, WALL=1000 * seconds)
            totals["SQL"] = sum(timer.totals.values())
            rows[dbname].append(totals)
    kinds = set().union(*(row for side in rows.values() for row in side))
    return {
        name: tuple(
            statistics.median(row.get(name, 0.0) for row in rows[dbname])
            for dbname in (stock, ours)
        )
        for name in kinds
    }


def print_growth(before, after, name):
    print("  %+7.2f  %6.2f -> %6.2f  %s" % (after - before, before, after, name))


def print_sql(medians, top):
    print("\n-- SQL ms per confirmation (medians), stock -> ours:")
    for name in ("WALL", "SQL"):
        print_growth(*medians.pop(name), name)
    growth = sorted(medians.items(), key=lambda item: item[1][0] - item[1][1])
    for name, (before, after) in growth[:top]:
        print_growth(before, after, name)


def profile_sides(stock, ours, customer, rounds):
    """{dbname: {(file, line, function): (own s, inclusive s)}} per
    confirmation, over ``rounds`` rolled-back confirmations per side under
    cProfile, the sides interleaved."""
    profilers = {stock: cProfile.Profile(), ours: cProfile.Profile()}
    for _i in range(rounds):
        for dbname, profiler in profilers.items():
            confirm_fresh(dbname, customer, profiler=profiler)
    result = {}
    for dbname, profiler in profilers.items():
        stats = pstats.Stats(profiler).stats
        result[dbname] = {
            key: (own / rounds, inclusive / rounds)
            for key, (_calls, _prim, own, inclusive, _callers) in stats.items()
        }
    return result


def label(key):
    filename, line, function = key
    for marker in (MODULE_DIR, "/odoo/", "/site-packages/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return "%s:%s %s" % (filename, line, function)


def print_profile(stock, ours, top):
    """Where the extra time of a confirmation goes, under the profiler (which
    slows both sides alike, so read the ms as relative)."""
    print("\n-- own time per confirmation, largest growth stock -> ours (ms):")
    growth = sorted((ours[key][0] - stock.get(key, (0.0, 0.0))[0], key) for key in ours)
    for _delta, key in reversed(growth[-top:]):
        before = stock.get(key, (0.0,))[0]
        print_growth(1000 * before, 1000 * ours[key][0], label(key))
    total = sum(own for own, _inclusive in ours.values()) - sum(
        own for own, _inclusive in stock.values()
    )
    print("  total own time: %+.2f ms per confirmation" % (1000 * total))
    print("\n-- the module's functions by inclusive time per confirmation (ms):")
    module = sorted(
        (
            (inclusive, key)
            for key, (_own, inclusive) in ours.items()
            if MODULE_DIR in key[0] and "/bench/" not in key[0]
        ),
        reverse=True,
    )
    for inclusive, key in module[:top]:
        print("  %7.2f  %s" % (1000 * inclusive, label(key)))


def main():
    stock, ours = sys.argv[1:3]
    customer = sys.argv[3] if len(sys.argv) > 3 else "BENCH-SMALL"
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 15
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
    print_sql(sql_by_kind(stock, ours, customer, rounds), top)
    profiles = profile_sides(stock, ours, customer, rounds)
    print_profile(profiles[stock], profiles[ours], top)


if __name__ == "__main__":
    main()
