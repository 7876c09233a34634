"""The one fixture base of the in-transaction tests: users of every role,
customers, orders, invoices, payments and a stopped clock, each made one way.

CustomerCase: users, customers, settings, activities, refused operations.
SalesCase: adds a product, a revenue account and a bank journal, and makes
orders, invoices, payments and sales forecasts. freeze_clock: today."""

import subprocess
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests.common import SavepointCase, at_install, post_install

from ..models.sale_order import SaleOrder

EAST = "Pacific/Kiritimati"  # UTC+14: the first timezone in a new day
WEST = "Pacific/Pago_Pago"  # UTC-11: the last one


@contextmanager
def freeze_clock(day=None, *, utc=None):
    """Stop the clock of the code under test, on ``day`` or at ``utc``.

    ``day`` ('YYYY-MM-DD'): today is that day for the server
    (fields.Date.today) and for every user whatever their timezone
    (fields.Date.context_today, even when given a timestamp).

    ``utc`` ('YYYY-MM-DD HH:MM:SS'): the clock stands at that UTC instant;
    fields.Date.context_today converts it to the timezone of the context or
    the user as it converts the real clock, fields.Date.today is its UTC day.
    """
    if (day is None) == (utc is None):
        raise TypeError("freeze_clock() takes either a day or a utc instant")
    if day is not None:
        server_today = day

        def context_today(record, timestamp=None):
            return day

    else:
        server_today = utc[:10]
        instant = fields.Datetime.from_string(utc)
        real_context_today = fields.Date.context_today

        def context_today(record, timestamp=None):
            return real_context_today(record, timestamp or instant)

    with patch.object(
        fields.Date, "context_today", staticmethod(context_today)
    ), patch.object(fields.Date, "today", staticmethod(lambda *a: server_today)):
        yield


def days_from_today(days):
    """The server's today plus ``days`` (negative: in the past), as a string."""
    today = fields.Date.from_string(fields.Date.today())
    return fields.Date.to_string(today + timedelta(days=days))


@at_install(False)
@post_install(True)
class CustomerCase(SavepointCase):
    """Users of every role and a couple of customers, built once per class.

    Under Odoo's runner (--test-enable) every class runs after the whole
    installation, on the database pytest sees: installed in the same command,
    l10n_generic_coa may come after this module, and the invoices need its
    chart of accounts."""

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
    def _create_user(cls, login, group_xmlids, company=None, companies=None):
        """A user working in ``company`` (default: the main one), allowed in
        ``companies`` as well."""
        company = company or cls.company
        companies = (companies or company) | company
        return cls.env["res.users"].create(
            {
                "name": "Test %s" % login,
                "login": "cm_test_%s" % login,
                "email": "%s@example.com" % login,
                "company_id": company.id,
                "company_ids": [(6, 0, companies.ids)],
                "groups_id": [(6, 0, [cls.env.ref(x).id for x in group_xmlids])],
            }
        )

    @classmethod
    def _create_customer(cls, name, **vals):
        values = {"name": name, "is_company": True, "customer": True}
        values.update(vals)
        return cls.Partner.create(values)

    @classmethod
    def _payment_term(cls, name, days, option="day_after_invoice_date"):
        """A payment term paying the whole balance ``days`` after ``option``."""
        line = {"value": "balance", "days": days, "option": option}
        return cls.env["account.payment.term"].create(
            {"name": name, "line_ids": [(0, 0, line)]}
        )

    @classmethod
    def _set_params(cls, **values):
        """Store module settings (ir.config_parameter customer_management.*)."""
        params = cls.env["ir.config_parameter"].sudo()
        for key, value in values.items():
            params.set_param("customer_management.%s" % key, str(value))

    def _activities(self, records, activity_type=None):
        """The activities scheduled on ``records`` (all of one model), only
        those of ``activity_type`` when given."""
        domain = [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        if activity_type:
            domain.append(("activity_type_id", "=", activity_type.id))
        return self.env["mail.activity"].search(domain)

    @contextmanager
    def refused(self, exception=ValidationError):
        """The block raises ``exception``; what it did is rolled back as a real
        request would be (savepoint) and the caches are dropped, so assertions
        after it read what the database holds."""
        with self.assertRaises(exception):
            with self.env.cr.savepoint():
                yield
        self.env.clear()


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
    """Adds a product, a revenue account and a bank journal; makes orders,
    invoices, payments and sales forecasts at fixed amounts, without taxes."""

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
        cls.revenue_account = cls.env["account.account"].search(
            [
                (
                    "user_type_id",
                    "=",
                    cls.env.ref("account.data_account_type_revenue").id,
                ),
                ("company_id", "=", cls.company.id),
            ],
            limit=1,
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )

    @classmethod
    def _order(  # pylint: disable=too-many-arguments
        cls,
        partner,
        amount=100.0,
        *,
        discount=0.0,
        confirm=False,
        confirmation_date=None,
        lock=False,
        user=None,
        pricelist=None,
    ):
        """A sale order of one line of ``amount`` for ``partner``, made by
        ``user`` (default: the test's), in ``pricelist`` when given (core does
        not update the currency of the lines when the pricelist changes
        afterwards). ``confirm``: confirmed; ``lock``: confirmed and locked;
        ``confirmation_date`` (UTC): confirmed, then dated so."""
        values = {
            "partner_id": partner.id,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": 1,
                        "price_unit": amount,
                        "discount": discount,
                        "tax_id": [(6, 0, [])],
                    },
                )
            ],
        }
        if pricelist:
            values["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].sudo(user or cls.env.user).create(values)
        if confirm or lock or confirmation_date:
            order.action_confirm()
            if lock:
                order.action_done()
            if confirmation_date:
                order.write({"confirmation_date": confirmation_date})
        return order

    @classmethod
    def _invoice(  # pylint: disable=too-many-arguments
        cls,
        partner,
        amount,
        date_invoice,
        date_due=None,
        *,
        refund=False,
        validate=True,
        user=None,
    ):
        """A customer invoice (``refund``: a credit note) of one line of
        ``amount`` for ``partner``, made by ``user`` (default: the test's),
        dated ``date_invoice`` and due on ``date_due`` (default: the same day)
        whatever the customer's payment terms; validated unless ``validate``
        is false."""
        invoice_type = "out_refund" if refund else "out_invoice"
        date_due = date_due or date_invoice
        invoice = (
            cls.env["account.invoice"]
            .sudo(user or cls.env.user)
            .with_context(type=invoice_type)
            .create(
                {
                    "partner_id": partner.id,
                    "type": invoice_type,
                    "date_invoice": date_invoice,
                    "date_due": date_due,
                    "payment_term_id": False,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": cls.product.id,
                                "name": cls.product.name,
                                "quantity": 1,
                                "price_unit": amount,
                                "account_id": cls.revenue_account.id,
                                "invoice_line_tax_ids": [(6, 0, [])],
                            },
                        )
                    ],
                }
            )
        )
        if validate:
            cls._validate_invoice(invoice, date_due)
        return invoice

    @classmethod
    def _invoice_order(cls, order, date_invoice, date_due=None):
        """The validated invoice of the confirmed ``order``, dated
        ``date_invoice`` and due on ``date_due`` (default: the same day)."""
        invoice = cls.env["account.invoice"].browse(order.action_invoice_create())
        invoice.write({"date_invoice": date_invoice, "payment_term_id": False})
        cls._validate_invoice(invoice, date_due or date_invoice)
        return invoice

    @classmethod
    def _validate_invoice(cls, invoice, date_due):
        """Validate ``invoice``, then make it due on ``date_due``."""
        invoice.action_invoice_open()
        if invoice.date_due != date_due:
            invoice.write({"date_due": date_due})

    @classmethod
    def _pay(cls, invoices, *, amount=None, date=None, post=True):
        """A payment from the bank journal of ``amount`` (default: what is
        left to pay) on ``invoices`` (a credit note: paid back to the
        customer), dated ``date`` (default: the first invoice's date); posted
        unless ``post`` is false."""
        outbound = invoices[0].type == "out_refund"
        method = "account.account_payment_method_manual_%s" % (
            "out" if outbound else "in"
        )
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "outbound" if outbound else "inbound",
                "partner_type": "customer",
                "partner_id": invoices[0].commercial_partner_id.id,
                "amount": (
                    sum(invoices.mapped("residual")) if amount is None else amount
                ),
                "journal_id": cls.bank_journal.id,
                "payment_date": date or invoices[0].date_invoice,
                "payment_method_id": cls.env.ref(method).id,
                "invoice_ids": [(6, 0, invoices.ids)],
            }
        )
        if post:
            payment.post()
        return payment

    @classmethod
    def _forecast(  # pylint: disable=too-many-arguments
        cls,
        partner,
        amount,
        probability,
        *,
        date_start="2024-01-01",
        date_end="2024-12-31",
    ):
        """A sales forecast of ``amount`` at ``probability`` percent."""
        return cls.env["customer.sales.forecast"].create(
            {
                "partner_id": partner.id,
                "date_start": date_start,
                "date_end": date_end,
                "amount": amount,
                "probability": probability,
            }
        )
