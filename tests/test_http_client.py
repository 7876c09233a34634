"""An integrator's client against a real server: XML-RPC for the customer
life cycle and the credit hold, then an HTTP session that downloads the
reports as PDF files, read back with pdftotext."""

import json
import time
import xmlrpc.client

import requests

from . import http_common
from .common import pdf_to_text

PROFILE = "customer_management.report_customer_profile"
PIPELINE = "customer_management.report_customer_pipeline"
COMMISSION = "customer_management.report_affiliate_commission"
PASSWORD = "Http-client-1"
ACCESS_ERROR = 4  # XML-RPC fault code of an AccessError (odoo.service.wsgi_server)


def pdf_text(content):
    return " ".join(pdf_to_text(content).split())


class TestHttpClient(http_common.HttpServerCase):
    # Threaded server: wkhtmltopdf fetches the report styles from it while it
    # renders the PDF (report.url points at it during the test).
    server_options = ["--workers=0"]
    server_log = "http_client.log"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cleanup = []  # (model, ids) removed in tearDownClass, last first
        cls.old_report_url = cls._call("ir.config_parameter", "get_param", "report.url")
        cls._call("ir.config_parameter", "set_param", "report.url", cls.url)
        try:
            cls.tag = "%d" % (time.time() * 1000)
            cls.users = {}
            for role, groups in (
                ("sales", ["customer_management.group_customer_user"]),
                ("credit", ["customer_management.group_credit_manager"]),
                ("plain", ["base.group_user"]),
            ):
                login = "http_%s_%s" % (role, cls.tag)
                user_id = cls._create(
                    "res.users",
                    {
                        "name": "HTTP %s" % role,
                        "login": login,
                        "email": "%s@example.com" % login,
                        "password": PASSWORD,
                        "groups_id": [(6, 0, [cls._xmlid_to_id(g) for g in groups])],
                    },
                )
                # The user's partner goes after the user (cleanup runs backwards).
                partner = cls._call("res.users", "read", [user_id], ["partner_id"])
                cls.cleanup.insert(-1, ("res.partner", [partner[0]["partner_id"][0]]))
                cls.users[role] = (user_id, login)
            cls.product = cls._create(
                "product.product",
                {
                    "name": "HTTP client item",
                    "type": "service",
                    "invoice_policy": "order",
                    "taxes_id": [(6, 0, [])],
                },
            )
        except Exception:
            cls._cleanup()
            cls._stop_server()
            raise

    @classmethod
    def tearDownClass(cls):
        cls._cleanup()
        super().tearDownClass()

    @classmethod
    def _cleanup(cls):
        try:
            for model, ids in reversed(cls.cleanup):
                if model == "sale.order":
                    cls._call(model, "write", ids, {"state": "cancel"})
                cls._call(model, "unlink", ids)
        finally:
            cls._call(
                "ir.config_parameter",
                "set_param",
                "report.url",
                cls.old_report_url or False,
            )

    @classmethod
    def _create(cls, model, values):
        record_id = cls._call(model, "create", values)
        cls.cleanup.append((model, [record_id]))
        return record_id

    def _as(self, role, model, method, *args, **kwargs):
        user_id, _login = self.users[role]
        return self._call_as(user_id, PASSWORD, model, method, *args, **kwargs)

    def _read(self, model, record_id, fields):
        return self._call(model, "read", [record_id], fields)[0]

    def _order(self, partner_id, amount, role="sales"):
        """A quotation written by the salesperson (who sees only their own)."""
        order_id = self._as(
            role,
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [(6, 0, [])],
                        },
                    )
                ],
            },
        )
        self.cleanup.append(("sale.order", [order_id]))
        return order_id

    def _customer(self, name, **values):
        values.update(name=name, is_company=True, customer=True)
        return self._create("res.partner", values)

    # -------------------------------------------------------------- XML-RPC --
    def test_customer_life_cycle_over_xmlrpc(self):
        small_business = self._xmlid_to_id(
            "customer_management.customer_type_small_business"
        )
        customer = self._customer(
            "HTTP Customer %s" % self.tag,
            customer_type_id=small_business,
            prospect_class="b",
            credit_limit=1000.0,
        )
        values = self._read(
            "res.partner",
            customer,
            ["customer_number", "customer_status", "effort_level", "display_name"],
        )
        self.assertRegex(values["customer_number"], r"^C\d{6}$")
        self.assertIn("[%s]" % values["customer_number"], values["display_name"])
        self.assertEqual(values["customer_status"], "prospect_c")
        self.assertTrue(values["effort_level"])
        # A salesperson moves it forward twice.
        self.assertTrue(
            self._as("sales", "res.partner", "action_status_forward", [customer])
        )
        self.assertTrue(
            self._as("sales", "res.partner", "action_status_forward", [customer])
        )
        self.assertEqual(
            self._read("res.partner", customer, ["customer_status"])["customer_status"],
            "prospect_a",
        )
        # Orders confirmed over RPC count in the credit used.
        orders = [self._order(customer, amount) for amount in (300.0, 250.0)]
        for order in orders:
            self.assertTrue(self._as("sales", "sale.order", "action_confirm", [order]))
        values = self._read(
            "res.partner",
            customer,
            [
                "credit_used",
                "credit_available",
                "confirmed_order_count",
                "customer_since",
                "customer_number",
            ],
        )
        self.assertEqual(values["credit_used"], 550.0)
        self.assertEqual(values["credit_available"], 450.0)
        self.assertEqual(values["confirmed_order_count"], 2)
        self.assertTrue(values["customer_since"])
        # A plain user may neither hold the customer nor change its limit.
        for method, args in (
            ("action_place_hold", ["plain user hold"]),
            ("write", [{"credit_limit": 5000.0}]),
        ):
            with self.assertRaises(xmlrpc.client.Fault) as error:
                self._as("plain", "res.partner", method, [customer], *args)
            self.assertEqual(error.exception.faultCode, ACCESS_ERROR)
        status_before = self._read("res.partner", customer, ["customer_status"])[
            "customer_status"
        ]
        # Neither may a salesperson; a credit manager may, with a reason.
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self._as("sales", "res.partner", "action_place_hold", [customer], "no")
        self.assertEqual(error.exception.faultCode, ACCESS_ERROR)
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self._as("credit", "res.partner", "action_place_hold", [customer], " ")
        self.assertIn("reason is required", error.exception.faultString)
        self.assertTrue(
            self._as(
                "credit", "res.partner", "action_place_hold", [customer], "HTTP check"
            )
        )
        values = self._read(
            "res.partner", customer, ["customer_status", "hold_reason", "hold_date"]
        )
        self.assertEqual(values["customer_status"], "hold")
        self.assertEqual(values["hold_reason"], "HTTP check")
        self.assertTrue(values["hold_date"])
        # On hold, a new order is refused, and stays a quotation.
        refused = self._order(customer, 10.0)
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self._as("sales", "sale.order", "action_confirm", [refused])
        self.assertIn("cannot be confirmed", error.exception.faultString)
        self.assertEqual(
            self._as("sales", "sale.order", "read", [refused], ["state"])[0]["state"],
            "draft",
        )
        self.assertTrue(
            self._as(
                "credit", "res.partner", "action_release_hold", [customer], "HTTP paid"
            )
        )
        values = self._read("res.partner", customer, ["customer_status", "hold_reason"])
        self.assertEqual(values["customer_status"], status_before)
        self.assertFalse(values["hold_reason"])
        self.assertTrue(self._as("sales", "sale.order", "action_confirm", [refused]))

    # ----------------------------------------------------------- HTTP / PDF --
    def _session(self, login, password):
        session = requests.Session()
        response = session.post(
            self.url + "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": self.db, "login": login, "password": password},
            },
            timeout=60,
        )
        response.raise_for_status()
        self.assertTrue(response.json()["result"]["uid"], response.text)
        return session

    def _pdf(self, session, path):
        response = session.get(self.url + path, timeout=300)
        self.assertEqual(response.status_code, 200, response.text[:2000])
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        return pdf_text(response.content)

    def test_reports_download_as_pdf(self):
        customer = self._customer(
            "HTTP Report Customer %s" % self.tag,
            prospect_class="a",
            credit_limit=2000.0,
        )
        self._create(
            "res.partner",
            {
                "name": "Harriet Decider",
                "parent_id": customer,
                "contact_role": "decision_maker",
            },
        )
        self._create(
            "customer.guarantor",
            {
                "partner_id": customer,
                "name": "HTTP Guarantor Ltd",
                "relation": "parent_company",
                "guaranteed_amount": 12345.0,
            },
        )
        self._create(
            "customer.interaction",
            {
                "partner_id": customer,
                "interaction_type": "call",
                "summary": "Called about the HTTP rollout",
                "date": "2024-01-15 10:00:00",
            },
        )
        self._create(
            "customer.sales.forecast",
            {
                "partner_id": customer,
                "date_start": "2024-01-01",
                "date_end": "2099-12-31",
                "amount": 8000.0,
                "probability": 50.0,
            },
        )
        self._as(
            "credit", "res.partner", "action_place_hold", [customer], "HTTP hold test"
        )
        number = self._read("res.partner", customer, ["customer_number"])[
            "customer_number"
        ]
        session = self._session(self.users["sales"][1], PASSWORD)

        text = self._pdf(session, "/report/pdf/%s/%s" % (PROFILE, customer))
        for expected in (
            "HTTP Report Customer %s" % self.tag,
            number,
            "Customer profile",
            "Harriet Decider",
            "Decision maker",
            "HTTP Guarantor Ltd",
            "12,345.00",
            "Called about the HTTP rollout",
            "HTTP hold test",
        ):
            self.assertIn(expected, text)

        text = self._pdf(session, "/report/pdf/%s/%s" % (PIPELINE, customer))
        for expected in (
            "Customer pipeline",
            "1 selected customer(s)",
            "4,000.00",  # 8000 x 50 %
            "Customers on hold: 1",
            "HTTP hold test",
        ):
            self.assertIn(expected, text)

        # The "Pipeline report" menu, as the web client runs it: the server
        # action answers a report action, whose URL the client downloads.
        action_id = self._xmlid_to_id(
            "customer_management.res_partner_action_print_pipeline"
        )
        response = session.post(
            self.url + "/web/action/run",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"action_id": action_id, "context": {}},
            },
            timeout=60,
        )
        action = response.json()["result"]
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], PIPELINE)
        url = "/report/pdf/%s?options=%s&context=%s" % (
            PIPELINE,
            requests.utils.quote(json.dumps(action["data"])),
            requests.utils.quote(json.dumps(action["context"])),
        )
        text = self._pdf(
            session,
            "/report/download?%s"
            % requests.compat.urlencode(
                {"data": json.dumps([url, "qweb-pdf"]), "token": "1"}
            ),
        )
        self.assertIn("all customers", text)
        self.assertIn("HTTP Report Customer %s" % self.tag, text)

        # A plain user gets no PDF.
        plain = self._session(self.users["plain"][1], PASSWORD)
        response = plain.get(
            self.url + "/report/pdf/%s/%s" % (PROFILE, customer), timeout=120
        )
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        self.assertFalse(response.content.startswith(b"%PDF"))

    def test_affiliate_commission_statement_as_pdf(self):
        reports = self._call(
            "ir.actions.report",
            "search_read",
            [("report_name", "=", COMMISSION)],
            ["model"],
        )
        if not reports:
            self.skipTest("%s is not installed yet" % COMMISSION)
        if reports[0]["model"] != "res.partner":
            self.skipTest("%s prints %s records" % (COMMISSION, reports[0]["model"]))
        affiliate = self._create(
            "res.partner",
            {
                "name": "HTTP Affiliate %s" % self.tag,
                "is_company": True,
                "is_affiliate": True,
                "affiliate_commission_rate": 10.0,
            },
        )
        self._customer("HTTP Referred %s" % self.tag, affiliate_id=affiliate)
        session = self._session("admin", "admin")
        text = self._pdf(session, "/report/pdf/%s/%s" % (COMMISSION, affiliate))
        self.assertIn("HTTP Affiliate %s" % self.tag, text)
