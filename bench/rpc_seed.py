"""Seed the database of the client-side benchmarks (``make bench``, ``make load``).

Usage: rpc_seed.py <database>

Run on stock Odoo (the module's dependencies from the manifest,
l10n_generic_coa, no demo); bench/rpc_templates.sh then installs
customer_management on a copy of the result, so both sides hold the same
rows. The data is made through the ORM:

- a service product ``BENCH`` without taxes;
- a salesperson ``bench_sales`` (password ``bench``), Sales / User: All
  Documents (and Customer Management / User where the module is installed);
- ``BENCH-SMALL``: 1 open invoice; ``BENCH-LARGE``: ``LARGE_INVOICES`` open
  invoices and as many confirmed orders not invoiced; both with a credit
  limit far above what they use, and the invoices due in ``DUE_DAYS`` (the
  credit rule runs to its end and lets the order through, also when the
  templates are reused days later);
- ``OTHER_CUSTOMERS`` plain customers, so the partner table is not tiny.
"""

import datetime
import os
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

LARGE_INVOICES = 300
OTHER_CUSTOMERS = 200
CREDIT_LIMIT = 100000000.0
# Due far ahead: invoices due on the day they were seeded were overdue the
# next day, and the module refused every confirmation of the bench.
DUE_DAYS = 3650


def log(msg):
    print(msg, flush=True)


def no_taxes():
    return [(6, 0, [])]


def seed_user(env):
    groups = [env.ref("sales_team.group_sale_salesman_all_leads").id]
    user_group = env.ref("customer_management.group_customer_user", False)
    if user_group:
        groups.append(user_group.id)
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Bench Salesperson",
                "login": "bench_sales",
                "password": "bench",
                "email": "bench_sales@example.com",
                "groups_id": [(6, 0, groups)],
            }
        )
    )


def seed_invoices(env, partner, product, count):
    account = product.property_account_income_id or (
        product.categ_id.property_account_income_categ_id
    )
    invoices = env["account.invoice"]
    due = odoo.fields.Date.to_string(
        datetime.date.today() + datetime.timedelta(days=DUE_DAYS)
    )
    for _i in range(count):
        invoices |= invoices.create(
            {
                "partner_id": partner.id,
                "type": "out_invoice",
                "date_due": due,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "name": product.name,
                            "quantity": 1,
                            "price_unit": 10.0,
                            "account_id": account.id,
                            "invoice_line_tax_ids": no_taxes(),
                        },
                    )
                ],
            }
        )
    invoices.action_invoice_open()
    return invoices


def seed_orders(env, partner, product, count):
    """Confirmed orders, not invoiced: the state is set in SQL, the same on
    both sides (this seed must not depend on the module's confirmation)."""
    orders = env["sale.order"]
    for _i in range(count):
        orders |= orders.create(
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
                            "tax_id": no_taxes(),
                        },
                    )
                ],
            }
        )
    if orders:
        env.cr.execute(
            "UPDATE sale_order SET state = 'sale', confirmation_date = now() "
            "WHERE id IN %s",
            (tuple(orders.ids),),
        )
        orders.invalidate_cache()
    return orders


def main():
    dbname = sys.argv[1]
    config = os.environ.get(
        "ODOO_RC",
        os.path.join(os.path.dirname(__file__), "..", ".odoo-dev", "odoo.conf"),
    )
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    start = time.time()
    registry = odoo.registry(dbname)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        product = env["product.product"].create(
            {
                "name": "Bench service",
                "default_code": "BENCH",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 10.0,
                "taxes_id": no_taxes(),
            }
        )
        seed_user(env)
        Partner = env["res.partner"]
        for i in range(OTHER_CUSTOMERS):
            Partner.create({"name": "Bench Other %05d" % i, "is_company": True})
        for name, invoices, orders in (
            ("BENCH-SMALL", 1, 0),
            ("BENCH-LARGE", LARGE_INVOICES, LARGE_INVOICES),
        ):
            partner = Partner.create(
                {"name": name, "is_company": True, "customer": True}
            )
            # credit_limit apart: the module gives it write rules of its own
            partner.write({"credit_limit": CREDIT_LIMIT})
            seed_invoices(env, partner, product, invoices)
            seed_orders(env, partner, product, orders)
            log("  %s: %d open invoices, %d orders" % (name, invoices, orders))
    log("seeded %s in %.1f s" % (dbname, time.time() - start))


if __name__ == "__main__":
    main()
