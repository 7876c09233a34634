"""Locust scenario of ``make load`` (run by bench/load.py, not by hand).

Simulated salespeople over XML-RPC, as the web client's calls: open the
pipeline (read_group by status, then the first cards of four columns), read
customer forms, create one-line quotations and confirm them, for customers
with room under their limit, customers with a tight limit (refused once it
is used up) and customers on hold. A credit manager reads the held customers
and runs the credit-hold review (the cron's "Run Manually") now and then.

Environment (set by bench/load.py): LOAD_DB, LOAD_SETUP (JSON file: customer
ids per kind, product id, cron id, whether the module is installed),
LOAD_MAX_TASKS (each simulated user stops after that many tasks),
LOAD_SAMPLES (JSON file: every call's name, milliseconds and whether it
failed, written when Locust quits, so that rounds can be pooled and the
percentiles taken exactly rather than from Locust's rounded buckets).

Run as a script (``python locustfile.py <url>``, with LOAD_SETUP), it only
warms the server up: see warm_up.

A confirmation refused by the credit rule is a business outcome: it is
reported as its own request name (``confirm refused``), not as a failure.
Anything else that fails is a failure.
"""

import json
import os
import random
import sys
import threading
import time
import xmlrpc.client

from locust import User, between, events, task
from locust.exception import StopUser

REFUSAL = "cannot be confirmed"
SETUP = {}
SAMPLES = []  # [name, milliseconds, failed] of every call
MAX_TASKS = int(os.environ.get("LOAD_MAX_TASKS", "300"))
# Kanban columns a salesperson's pipeline shows (each a search_read of 40).
PIPELINE_COLUMNS = 4
STOCK_FIELDS = ["name", "user_id", "city", "country_id", "is_company", "email", "phone"]
MODULE_KANBAN_FIELDS = [
    "customer_number",
    "customer_type_id",
    "customer_status",
    "prospect_class",
    "followup_urgency",
]
MODULE_FORM_FIELDS = MODULE_KANBAN_FIELDS + [
    "credit_limit",
    "credit_used",
    "credit_available",
    "credit_hold_warning",
    "hold_reason",
    "relationship_category",
    "next_followup_date",
]


@events.init.add_listener
def _load_setup(environment, **_kwargs):
    with open(os.environ["LOAD_SETUP"]) as setup:
        SETUP.update(json.load(setup))


@events.quitting.add_listener
def _write_samples(environment, **_kwargs):
    if os.environ.get("LOAD_SAMPLES"):
        with open(os.environ["LOAD_SAMPLES"], "w") as samples:
            json.dump(SAMPLES, samples)


class Rpc:
    """execute_kw over XML-RPC, each call reported to Locust under ``name``
    (``user`` None: a warm-up call, neither recorded nor reported)."""

    def __init__(self, user, host, login, password):
        self.user = user
        self.db = SETUP["db"]
        self.password = password
        common = xmlrpc.client.ServerProxy(host + "/xmlrpc/2/common")
        self.uid = common.authenticate(self.db, login, password, {})
        self.proxy = xmlrpc.client.ServerProxy(host + "/xmlrpc/2/object")

    def call(self, name, model, method, *args, **kwargs):
        """The result; raises what the server raised (after reporting it)."""
        start = time.perf_counter()
        exception, result, request_name = None, None, name
        try:
            result = self.proxy.execute_kw(
                self.db, self.uid, self.password, model, method, list(args), kwargs
            )
        except xmlrpc.client.Fault as fault:
            if REFUSAL in fault.faultString:
                request_name = name + " refused"
            else:
                exception = fault
        except Exception as error:  # pylint: disable=broad-except
            exception = error
        milliseconds = (time.perf_counter() - start) * 1000
        if self.user is not None:
            self.report(request_name, milliseconds, exception)
        if exception is not None:
            raise exception
        return result

    def report(self, request_name, milliseconds, exception):
        SAMPLES.append([request_name, milliseconds, exception is not None])
        self.user.environment.events.request.fire(
            request_type="xmlrpc",
            name=request_name,
            response_time=milliseconds,
            response_length=0,
            exception=exception,
            context={},
        )


# The operations, shared by the simulated users and the warm-up.
def open_pipeline(rpc):
    group_by = SETUP["pipeline_group_by"]
    domain = [("customer", "=", True), ("is_company", "=", True)]
    groups = rpc.call(
        "pipeline read_group",
        "res.partner",
        "read_group",
        domain,
        [group_by],
        [group_by],
        lazy=True,
    )
    fields = STOCK_FIELDS + (MODULE_KANBAN_FIELDS if SETUP["module"] else [])
    # As many column reads on both sides: stock's grouping (by salesperson)
    # gives fewer columns, so it pages through them instead.
    for column in range(PIPELINE_COLUMNS if groups else 0):
        rpc.call(
            "pipeline column search_read",
            "res.partner",
            "search_read",
            groups[column % len(groups)]["__domain"],
            fields,
            limit=40,
            offset=40 * (column // len(groups)),
        )


def read_customer_form(rpc):
    customers = SETUP["customers"]
    partner_id = random.choice(customers["ok"] + customers["held"])
    fields = STOCK_FIELDS + (MODULE_FORM_FIELDS if SETUP["module"] else [])
    rpc.call("customer form read", "res.partner", "read", [partner_id], fields)


def quote_and_confirm(rpc, kind=None):
    kind = kind or random.choices(["ok", "tight", "held"], weights=[70, 15, 15])[0]
    partner_id = random.choice(SETUP["customers"][kind])
    line = {
        "product_id": SETUP["product_id"],
        "product_uom_qty": random.randint(1, 3),
        "price_unit": 100.0,
        "tax_id": [(6, 0, [])],
    }
    order_id = rpc.call(
        "quotation create",
        "sale.order",
        "create",
        {"partner_id": partner_id, "order_line": [(0, 0, line)]},
    )
    rpc.call("confirm", "sale.order", "action_confirm", [order_id])


def read_held_customers(rpc):
    if SETUP["module"]:
        domain = [("customer_status", "=", "hold")]
        fields = ["name", "hold_reason", "credit_limit"]
    else:
        domain = [("customer", "=", True), ("credit_limit", ">", 0)]
        fields = ["name", "credit_limit"]
    rpc.call(
        "held customers search_read",
        "res.partner",
        "search_read",
        domain,
        fields,
        limit=80,
    )


def run_credit_hold_review(rpc):
    """The credit-hold review, as its scheduled action runs it."""
    rpc.call(
        "credit-hold review (cron)",
        "ir.cron",
        "method_direct_trigger",
        [SETUP["cron_id"]],
    )


class CountedUser(User):
    abstract = True
    tasks_done = 0

    def counted(self):
        self.tasks_done += 1
        if self.tasks_done > MAX_TASKS:
            raise StopUser()


class Salesperson(CountedUser):
    weight = 6
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.rpc = Rpc(self, self.host, SETUP["sales_login"], SETUP["sales_password"])

    @task(3)
    def open_pipeline(self):
        self.counted()
        open_pipeline(self.rpc)

    @task(3)
    def read_customer_form(self):
        self.counted()
        read_customer_form(self.rpc)

    @task(4)
    def quote_and_confirm(self):
        self.counted()
        quote_and_confirm(self.rpc)


class CreditManager(CountedUser):
    weight = 1
    wait_time = between(2, 4)

    def on_start(self):
        self.rpc = Rpc(
            self, self.host, SETUP["manager_login"], SETUP["manager_password"]
        )
        self.last_review = 0.0

    @task
    def review(self):
        self.counted()
        read_held_customers(self.rpc)
        if SETUP.get("cron_id") and time.time() - self.last_review > 15:
            self.last_review = time.time()
            run_credit_hold_review(self.rpc)


def warm_up(host, threads=4, repeats=3):
    """Every operation of the mix, ``repeats`` times in each of ``threads``
    concurrent sessions, unrecorded: so that the run meets warm workers, as
    a server in use is. Confirmations only for customers with room (the
    tight limits stay for the run) and, refused on the module's side, for
    held ones."""

    errors = []

    def session():
        try:
            calls()
        except Exception as error:  # pylint: disable=broad-except
            errors.append(error)

    def calls():
        sales = Rpc(None, host, SETUP["sales_login"], SETUP["sales_password"])
        manager = Rpc(None, host, SETUP["manager_login"], SETUP["manager_password"])
        for _repeat in range(repeats):
            open_pipeline(sales)
            read_customer_form(sales)
            quote_and_confirm(sales, "ok")
            quote_and_confirm(sales, "held")
            read_held_customers(manager)
            if SETUP.get("cron_id"):
                run_credit_hold_review(manager)

    workers = [threading.Thread(target=session) for _thread in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise SystemExit("warm-up failed: %r" % errors[0])


if __name__ == "__main__":
    # python locustfile.py <host>: the warm-up alone (bench/load.py runs it
    # before Locust, with Locust's Python)
    with open(os.environ["LOAD_SETUP"]) as setup_file:
        SETUP.update(json.load(setup_file))
    warm_up(sys.argv[1])
