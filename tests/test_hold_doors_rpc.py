"""The write, create and copy doors to a confirmed order, tried by a
salesperson over XML-RPC against a real server: refused, the order stays a
quotation and nothing is invoiced."""

import time
import xmlrpc.client

from . import http_common

PASSWORD = "Hold-doors-1"
WARNING = 2  # XML-RPC fault code of a UserError (odoo.service.wsgi_server)
SALES_GROUPS = (
    "sales_team.group_sale_salesman",
    "customer_management.group_customer_user",
)


class TestHoldDoorsRpc(http_common.HttpServerCase):
    server_options = ["--workers=0"]
    server_log = "hold_doors_rpc.log"

    def setUp(self):
        super().setUp()
        self.created = []  # (model, id), removed last first
        self.addCleanup(self._remove_created)
        tag = "%d" % (time.time() * 1000)
        self.salesperson = self._new(
            "res.users",
            name="RPC door salesperson",
            login="rpc_door_%s" % tag,
            email="rpc_door_%s@example.com" % tag,
            password=PASSWORD,
            groups_id=[(6, 0, [self._xmlid_to_id(g) for g in SALES_GROUPS])],
        )
        user = self._call("res.users", "read", [self.salesperson], ["partner_id"])
        self.created.insert(-1, ("res.partner", user[0]["partner_id"][0]))
        self.customer = self._new(
            "res.partner", name="RPC Door Co %s" % tag, is_company=True
        )
        self._call("res.partner", "write", [self.customer], {"credit_limit": 1000.0})
        self.product = self._new(
            "product.product",
            name="RPC door item",
            type="service",
            invoice_policy="order",
            taxes_id=[(6, 0, [])],
        )

    def _new(self, model, **values):
        record_id = self._call(model, "create", values)
        self.created.append((model, record_id))
        return record_id

    def _remove_created(self):
        for model, record_id in reversed(self.created):
            if model == "sale.order":
                self._call(model, "action_cancel", [record_id])
            self._call(model, "unlink", [record_id])

    def _sales(self, model, method, *args, **kwargs):
        return self._call_as(self.salesperson, PASSWORD, model, method, *args, **kwargs)

    def _order_values(self, **extra):
        line = dict(
            product_id=self.product, product_uom_qty=1, price_unit=5000.0, tax_id=[]
        )
        return dict(extra, partner_id=self.customer, order_line=[(0, 0, line)])

    def test_write_create_copy_doors_are_shut(self):
        quotation = self._sales("sale.order", "create", self._order_values())
        self.created.append(("sale.order", quotation))
        doors = {
            "write": ("write", [quotation], {"state": "sale"}),
            "write locked": ("write", [quotation], {"state": "done"}),
            "create": ("create", self._order_values(state="sale")),
            "copy": ("copy", [quotation], {"state": "sale"}),
            "confirm": ("action_confirm", [quotation]),
            "invoice": ("action_invoice_create", [quotation]),
        }
        for name, (method, *args) in doors.items():
            with self.subTest(door=name):
                with self.assertRaises(xmlrpc.client.Fault) as error:
                    created = self._sales("sale.order", method, *args)
                    if method in ("create", "copy"):  # let cleanup remove it
                        self.created.append(("sale.order", created))
                # A business refusal (UserError), not a crash.
                self.assertEqual(error.exception.faultCode, WARNING, name)
        # Nothing slipped through: one quotation, no invoice.
        orders = self._call(
            "sale.order", "search_read", [("partner_id", "=", self.customer)], ["state"]
        )
        self.assertEqual([o["state"] for o in orders], ["draft"])
        self.assertEqual(
            self._call(
                "account.invoice",
                "search_count",
                [("commercial_partner_id", "=", self.customer)],
            ),
            0,
        )
