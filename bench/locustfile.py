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

A confirmation refused by the credit rule is a business outcome: it is
reported as its own request name (``confirm refused``), not as a failure.
Anything else that fails is a failure.
"""

import json
import os
import random
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
    """execute_kw over XML-RPC, each call reported to Locust under ``name``."""

    def __init__(self, user, login, password):
        self.user = user
        self.host = user.host
        self.db = SETUP["db"]
        self.password = password
        common = xmlrpc.client.ServerProxy(self.host + "/xmlrpc/2/common")
        self.uid = common.authenticate(self.db, login, password, {})
        self.proxy = xmlrpc.client.ServerProxy(self.host + "/xmlrpc/2/object")

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
        SAMPLES.append([request_name, milliseconds, exception is not None])
        self.user.environment.events.request.fire(
            request_type="xmlrpc",
            name=request_name,
            response_time=milliseconds,
            response_length=0,
            exception=exception,
            context={},
        )
        if exception is not None:
            raise exception
        return result


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
        self.rpc = Rpc(self, SETUP["sales_login"], SETUP["sales_password"])

    def kanban_fields(self):
        return STOCK_FIELDS + (MODULE_KANBAN_FIELDS if SETUP["module"] else [])

    @task(3)
    def open_pipeline(self):
        self.counted()
        group_by = SETUP["pipeline_group_by"]
        domain = [("customer", "=", True), ("is_company", "=", True)]
        groups = self.rpc.call(
            "pipeline read_group",
            "res.partner",
            "read_group",
            domain,
            [group_by],
            [group_by],
            lazy=True,
        )
        # As many column reads on both sides: stock's grouping (by
        # salesperson) gives fewer columns, so it pages through them instead.
        for column in range(PIPELINE_COLUMNS if groups else 0):
            self.rpc.call(
                "pipeline column search_read",
                "res.partner",
                "search_read",
                groups[column % len(groups)]["__domain"],
                self.kanban_fields(),
                limit=40,
                offset=40 * (column // len(groups)),
            )

    @task(3)
    def read_customer_form(self):
        self.counted()
        customers = SETUP["customers"]
        partner_id = random.choice(customers["ok"] + customers["held"])
        fields = STOCK_FIELDS + (MODULE_FORM_FIELDS if SETUP["module"] else [])
        self.rpc.call("customer form read", "res.partner", "read", [partner_id], fields)

    @task(4)
    def quote_and_confirm(self):
        self.counted()
        kind = random.choices(["ok", "tight", "held"], weights=[70, 15, 15])[0]
        partner_id = random.choice(SETUP["customers"][kind])
        line = {
            "product_id": SETUP["product_id"],
            "product_uom_qty": random.randint(1, 3),
            "price_unit": 100.0,
            "tax_id": [(6, 0, [])],
        }
        order_id = self.rpc.call(
            "quotation create",
            "sale.order",
            "create",
            {"partner_id": partner_id, "order_line": [(0, 0, line)]},
        )
        self.rpc.call("confirm", "sale.order", "action_confirm", [order_id])


class CreditManager(CountedUser):
    weight = 1
    wait_time = between(2, 4)

    def on_start(self):
        self.rpc = Rpc(self, SETUP["manager_login"], SETUP["manager_password"])
        self.last_review = 0.0

    @task
    def review(self):
        self.counted()
        if SETUP["module"]:
            self.rpc.call(
                "held customers search_read",
                "res.partner",
                "search_read",
                [("customer_status", "=", "hold")],
                ["name", "hold_reason", "credit_limit"],
                limit=80,
            )
        else:
            self.rpc.call(
                "held customers search_read",
                "res.partner",
                "search_read",
                [("customer", "=", True), ("credit_limit", ">", 0)],
                ["name", "credit_limit"],
                limit=80,
            )
        # The credit-hold review, as its scheduled action runs it.
        if SETUP.get("cron_id") and time.time() - self.last_review > 15:
            self.last_review = time.time()
            self.rpc.call(
                "credit-hold review (cron)",
                "ir.cron",
                "method_direct_trigger",
                [SETUP["cron_id"]],
            )
