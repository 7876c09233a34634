"""Parallel XML-RPC confirmations against a real prefork server
(--workers=2 on loopback) never take a customer past its credit limit."""

import os
import socket
import subprocess
import sys
import time
import unittest
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor

import odoo
from odoo.tests.common import get_db_name

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUESTS = 16
ORDER_AMOUNT = 100.0
LIMIT = 750.0


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestRpcStress(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.port = _free_port()
        cls.url = "http://127.0.0.1:%s" % cls.port
        cmd = [
            sys.executable,
            os.path.join(ROOT, "tools", "odoo_bin.py"),
            "-c",
            odoo.tools.config.rcfile,
            "-d",
            cls.db,
            "--db-filter=^%s$" % cls.db,
            "--http-interface=127.0.0.1",
            "--http-port=%s" % cls.port,
            "--longpolling-port=%s" % _free_port(),
            "--workers=2",
            "--max-cron-threads=0",
            "--log-level=warn",
        ]
        # Kept open for the server's lifetime; closed in tearDownClass.
        log_path = os.path.join(odoo.tools.config["data_dir"], "stress.log")
        # pylint: disable=consider-using-with
        cls.log = open(log_path, "w", encoding="utf-8")
        cls.server = subprocess.Popen(cmd, stdout=cls.log, stderr=subprocess.STDOUT)
        # pylint: enable=consider-using-with
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                xmlrpc.client.ServerProxy(cls.url + "/xmlrpc/2/common").version()
                break
            except OSError:
                time.sleep(0.5)
        else:
            cls.server.kill()
            raise RuntimeError("the Odoo server did not start")
        common = xmlrpc.client.ServerProxy(cls.url + "/xmlrpc/2/common")
        cls.uid = common.authenticate(cls.db, "admin", "admin", {})

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(30)
        cls.log.close()
        super().tearDownClass()

    def _call(self, model, method, *args):
        proxy = xmlrpc.client.ServerProxy(
            self.url + "/xmlrpc/2/object", allow_none=False
        )
        return proxy.execute_kw(self.db, self.uid, "admin", model, method, list(args))

    def _confirm(self, order_id):
        try:
            self._call("sale.order", "action_confirm", [order_id])
            return "confirmed"
        except xmlrpc.client.Fault as fault:
            return (
                "refused"
                if "cannot be confirmed" in fault.faultString
                else fault.faultString
            )

    def test_parallel_confirmations_stay_within_the_limit(self):
        product = self._call(
            "product.product",
            "create",
            {
                "name": "Stress item",
                "type": "service",
                "invoice_policy": "order",
                "taxes_id": [(6, 0, [])],
            },
        )
        customer = self._call(
            "res.partner",
            "create",
            {"name": "Stress Customer", "is_company": True, "credit_limit": LIMIT},
        )
        orders = [
            self._call(
                "sale.order",
                "create",
                {
                    "partner_id": customer,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": product,
                                "product_uom_qty": 1,
                                "price_unit": ORDER_AMOUNT,
                                "tax_id": [(6, 0, [])],
                            },
                        )
                    ],
                },
            )
            for _i in range(REQUESTS)
        ]
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                outcomes = list(pool.map(self._confirm, orders))
            confirmed = self._call(
                "sale.order",
                "search_read",
                [("id", "in", orders), ("state", "=", "sale")],
                ["amount_total"],
            )
            total = sum(order["amount_total"] for order in confirmed)
            # The figures the issue asks for; shown with pytest -s.
            print(  # pylint: disable=print-used
                "\nstress: %s requests, %s confirmed, %s refused, confirmed sum %.2f "
                "vs limit %.2f"
                % (
                    REQUESTS,
                    outcomes.count("confirmed"),
                    outcomes.count("refused"),
                    total,
                    LIMIT,
                )
            )
            self.assertEqual(set(outcomes) - {"confirmed", "refused"}, set(), outcomes)
            self.assertLessEqual(total, LIMIT)
            self.assertEqual(len(confirmed), outcomes.count("confirmed"))
            self.assertEqual(len(confirmed), int(LIMIT // ORDER_AMOUNT))
        finally:
            self._call("sale.order", "write", orders, {"state": "cancel"})
            self._call("sale.order", "unlink", orders)
            self._call("res.partner", "unlink", [customer])
            self._call("product.product", "unlink", [product])

    def test_bad_input_over_rpc_is_refused_and_nothing_written(self):
        bad_values = [
            {"invoice_email": "not an e-mail"},
            {"early_discount_type": "percent", "early_discount_value": 120.0},
            {"fiscal_year_end_month": "4", "fiscal_year_end_day": 31},
            {"credit_limit": -5.0},
        ]
        for values in bad_values:
            name = "RPC Bad Input %s" % sorted(values)[0]
            with self.assertRaises(xmlrpc.client.Fault) as error:
                self._call(
                    "res.partner", "create", dict(values, name=name, is_company=True)
                )
            self.assertIn("ValidationError", error.exception.faultString, values)
            self.assertEqual(
                self._call("res.partner", "search_count", [("name", "=", name)]), 0
            )
