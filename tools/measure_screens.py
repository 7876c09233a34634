"""Server side of the slow screens of the web client, call by call as the
web client makes them: SQL queries and milliseconds per screen.

    bash tools/dev.sh odoo shell -d <db> --no-http < tools/measure_screens.py

Runs as the demo salesperson when it has the app (else admin), each screen three
times (the first run warms the caches: the median of the runs is printed),
and rolls everything back but the compiled report stylesheets (lessc on the
PATH) and what a refused confirmation records in its own transaction.
"""
import statistics
import time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError


def measure(env, label, call, runs=3):
    cr = env.cr
    timings, queries = [], []
    for _run in range(runs):
        cr.execute("SAVEPOINT measure")
        env.clear()
        start_count, start = cr.sql_log_count, time.time()
        try:
            call()
        except UserError:
            pass
        timings.append((time.time() - start) * 1000)
        queries.append(cr.sql_log_count - start_count)
        cr.execute("ROLLBACK TO SAVEPOINT measure")
    print(
        "%-34s %5d queries %7.0f ms (runs: %s)"
        % (
            label,
            statistics.median(queries),
            statistics.median(timings),
            ", ".join("%.0f" % t for t in timings),
        )
    )


def load_form(model, context=None):
    """The form view as the web client loads it (once per action)."""
    model = model.with_context(**(context or {}))
    return model.load_views([[False, "form"]], {"toolbar": True})["fields_views"][
        "form"
    ]


def new_record(model, form, context=None):
    """default_get and the first onchange: what each "Create" costs."""
    model = model.with_context(**(context or {}))
    names = list(form["fields"])
    values = model.default_get(names)
    spec = model._onchange_spec(form)
    model.onchange(dict(dict.fromkeys(names, False), **values), [], spec)


def form_open(model, context=None):
    """load_views, default_get, onchange: what opening a new form costs."""
    new_record(model, load_form(model, context), context)


def main(env):
    admin_env = api.Environment(env.cr, SUPERUSER_ID, {})
    demo = admin_env.ref("base.user_demo", raise_if_not_found=False)
    if demo and not demo.has_group("customer_management.group_customer_user"):
        demo = None  # a demo salesperson without the app: measure as admin
    credit = admin_env.ref(
        "customer_management.user_credit_manager_demo", raise_if_not_found=False
    )
    sales_env = api.Environment(env.cr, demo.id if demo else SUPERUSER_ID, {})
    credit_env = api.Environment(env.cr, credit.id if credit else SUPERUSER_ID, {})
    partners = sales_env["res.partner"]
    customer = partners.search(
        [
            ("customer", "=", True),
            ("parent_id", "=", False),
            ("prospect_class", "!=", False),
            ("customer_status", "!=", "hold"),
        ],
        limit=1,
    )
    held_order = admin_env["sale.order"].search(
        [
            ("partner_id.commercial_partner_id.customer_status", "=", "hold"),
            ("state", "in", ("draft", "sent")),
        ],
        limit=1,
    )
    print(
        "as %s; customer %s; held order %s"
        % (sales_env.user.login, customer.display_name, held_order.name)
    )
    form_fields = list(
        partners.load_views([[False, "form"]], {})["fields_views"]["form"]["fields"]
    )

    def followup():
        action = customer.action_open_followup_wizard()
        form_open(sales_env[action["res_model"]], context=action.get("context"))

    def pipeline_report():
        report = sales_env.ref("customer_management.action_report_customer_pipeline")
        report.render_qweb_html([], data={"all_customers": True})

    # The report's stylesheet bundle is compiled (lessc) and stored once,
    # committed: every later rendering reuses it, like a running server's.
    pipeline_report()
    env.cr.commit()
    new_customer = {"default_customer": True, "default_is_company": True}
    form = load_form(partners, new_customer)
    measure(env, "new customer form", lambda: form_open(partners, new_customer))
    measure(env, "  its view (load_views)", lambda: load_form(partners, new_customer))
    measure(
        env,
        "  default_get + onchange",
        lambda: new_record(partners, form, new_customer),
    )
    measure(env, "open a customer (read)", lambda: customer.read(form_fields))
    measure(env, "Log follow-up (wizard)", followup)
    measure(env, "Pipeline report (HTML)", pipeline_report)
    if held_order:
        measure(
            env,
            "refused Confirm",
            lambda: held_order.with_env(credit_env).action_confirm(),
        )
    measure(env, "Settings", lambda: form_open(admin_env["res.config.settings"]))
    env.cr.rollback()


main(env)  # noqa: F821 (the odoo shell's environment)
