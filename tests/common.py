import subprocess
import tempfile
from contextlib import contextmanager
from unittest.mock import patch

from odoo import fields
from odoo.tests.common import SavepointCase

from ..models.sale_order import SaleOrder


@contextmanager
def freeze_today(day):
    """Make "today" ``day`` (a date string) for the code under test: the
    user's today (fields.Date.context_today) and the server's
    (fields.Date.today)."""
    with patch.object(fields.Date, "context_today", lambda *a, **k: day), patch.object(
        fields.Date, "today", lambda *a, **k: day
    ):
        yield day


class CustomerCase(SavepointCase):
    """Users of every role and a couple of customers, built once per class."""

    @classmethod
    def setUpClass(cls):
        super(CustomerCase, cls).setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                tracking_disable=False,
                no_reset_password=True,
                mail_create_nosubscribe=True,
            )
        )
        cls.Partner = cls.env["res.partner"]
        cls.company = cls.env.ref("base.main_company")
        cls.plain_user = cls._create_user("plain", ["base.group_user"])
        cls.customer_user = cls._create_user(
            "salesperson", ["customer_management.group_customer_user"]
        )
        cls.credit_manager = cls._create_user(
            "credit", ["customer_management.group_credit_manager"]
        )
        cls.manager = cls._create_user(
            "manager", ["customer_management.group_customer_manager"]
        )
        cls.small_business = cls.env.ref(
            "customer_management.customer_type_small_business"
        )

    @classmethod
    def _create_user(cls, login, group_xmlids, company=None):
        company = company or cls.company
        return cls.env["res.users"].create(
            {
                "name": "Test %s" % login,
                "login": "cm_test_%s" % login,
                "email": "%s@example.com" % login,
                "company_id": company.id,
                "company_ids": [(6, 0, [company.id])],
                "groups_id": [(6, 0, [cls.env.ref(x).id for x in group_xmlids])],
            }
        )

    @classmethod
    def _create_customer(cls, name, **vals):
        values = {"name": name, "is_company": True, "customer": True}
        values.update(vals)
        return cls.Partner.create(values)


def pdf_to_text(content):
    """Text of a PDF (bytes) by ``pdftotext -layout``; each page ends with a
    form feed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        result = subprocess.run(
            ["pdftotext", "-layout", pdf.name, "-"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            check=True,
        )
    return result.stdout.decode("utf-8")


class SharedCursor:
    """Stands in for the autonomous cursor of a credit refusal in tests: the
    refusal's side effects land in the test transaction (inside a savepoint)
    where the test can see them, instead of a second connection that cannot
    see the uncommitted test data."""

    def __init__(self, cr):
        self.cr = cr
        self.savepoint = None

    def __enter__(self):
        self.savepoint = self.cr.savepoint()
        self.savepoint.__enter__()
        return self.cr

    def __exit__(self, exc_type, exc, tb):
        return self.savepoint.__exit__(exc_type, exc, tb)

    @classmethod
    def patch_refusals(cls, case):
        """Make the credit refusals of the test ``case`` use a SharedCursor
        until the test ends (call from setUp)."""
        patcher = patch.object(
            SaleOrder, "_refusal_cursor", lambda order: cls(order.env.cr)
        )
        patcher.start()
        case.addCleanup(patcher.stop)


class SalesCase(CustomerCase):
    """Adds a product, orders, invoices and payments at fixed amounts."""

    @classmethod
    def setUpClass(cls):
        super(SalesCase, cls).setUpClass()
        cls.product = cls.env["product.product"].create(
            {
                "name": "Consulting day",
                "type": "service",
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": [(6, 0, [])],
            }
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )

    @classmethod
    def _order(cls, partner, amount, confirm=False, user=None):
        order = (
            cls.env["sale.order"]
            .sudo(user or cls.env.user)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [(6, 0, [])],
                            },
                        )
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _invoice(cls, partner, amount, date_invoice, date_due=None):
        """A validated customer invoice (through a confirmed order)."""
        order = cls._order(partner, amount, confirm=True)
        invoice = cls.env["account.invoice"].browse(order.action_invoice_create())
        invoice.write({"date_invoice": date_invoice, "payment_term_id": False})
        invoice.action_invoice_open()
        invoice.write({"date_due": date_due or date_invoice})
        return invoice

    def _pay(self, invoice, amount, date=None):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": invoice.commercial_partner_id.id,
                "amount": amount,
                "journal_id": self.bank_journal.id,
                "payment_date": date or invoice.date_invoice,
                "payment_method_id": self.env.ref(
                    "account.account_payment_method_manual_in"
                ).id,
                "invoice_ids": [(6, 0, invoice.ids)],
            }
        )
        payment.post()
        return payment
