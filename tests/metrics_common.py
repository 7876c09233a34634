import contextlib
from unittest import mock

from odoo import fields

from .common import CustomerCase


@contextlib.contextmanager
def frozen_now(utc_datetime):
    """Make fields.Date.context_today() answer as at the UTC instant
    ``utc_datetime`` ('YYYY-MM-DD HH:MM:SS'), still converted to the timezone of
    the context or the user: the real method runs, only the clock is fixed."""
    original = fields.Date.context_today
    instant = fields.Datetime.from_string(utc_datetime)

    def context_today(record, timestamp=None):
        return original(record, timestamp or instant)

    with mock.patch.object(fields.Date, "context_today", staticmethod(context_today)):
        yield


class MetricsCase(CustomerCase):
    """CustomerCase with real invoices, payments and orders at fixed dates."""

    @classmethod
    def setUpClass(cls):
        super(MetricsCase, cls).setUpClass()
        cls.product = cls.env["product.product"].create({
            "name": "Metrics widget", "type": "service", "list_price": 100.0,
            "invoice_policy": "order", "taxes_id": [(6, 0, [])]})
        cls.revenue_account = cls.env["account.account"].search([
            ("user_type_id", "=", cls.env.ref("account.data_account_type_revenue").id),
            ("company_id", "=", cls.company.id)], limit=1)
        cls.bank_journal = cls.env["account.journal"].search([
            ("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)

    @classmethod
    def _invoice(cls, partner, amount, date_invoice,  # pylint: disable=R0913
                 date_due=None,
                 invoice_type="out_invoice", validate=True):
        """A customer invoice (or credit note) without taxes, validated."""
        invoice = cls.env["account.invoice"].with_context(type=invoice_type).create({
            "partner_id": partner.id,
            "type": invoice_type,
            "account_id":
                partner.commercial_partner_id.property_account_receivable_id.id,
            "date_invoice": date_invoice,
            "date_due": date_due or date_invoice,
            "invoice_line_ids": [(0, 0, {
                "product_id": cls.product.id, "name": "Widget", "quantity": 1,
                "price_unit": amount, "account_id": cls.revenue_account.id,
                "invoice_line_tax_ids": [(6, 0, [])]})],
        })
        if validate:
            invoice.action_invoice_open()
        return invoice

    @classmethod
    def _pay(cls, invoice, date, amount=None):
        """Register (and reconcile) a payment of ``invoice`` dated ``date``."""
        invoice.pay_and_reconcile(cls.bank_journal, amount, date)
        return invoice

    @classmethod
    def _order(cls, partner, confirmation_date,  # pylint: disable=R0913
               price=100.0, discount=0.0, confirm=True):
        """A sale order, confirmed, whose confirmation date is then set to
        ``confirmation_date`` (UTC)."""
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 1,
                                   "price_unit": price, "discount": discount,
                                   "tax_id": [(6, 0, [])]})],
        })
        if confirm:
            order.action_confirm()
            order.write({"confirmation_date": confirmation_date})
        return order

    @classmethod
    def _set_params(cls, **values):
        params = cls.env["ir.config_parameter"].sudo()
        for key, value in values.items():
            params.set_param("customer_management.%s" % key, str(value))
