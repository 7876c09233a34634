"""Early-pay discount in the "Register Payment" wizard of several invoices.

The suggested amount is the residual minus the early-pay discounts still
available on the payment date; with invoices of several customers (multi)
each customer's payment is made of its reduced amount. The payments it
creates are posted through account.payment.post(), which writes the
discount off (see account_payment.py).
"""
from odoo import api, fields, models


class AccountRegisterPayments(models.TransientModel):
    _inherit = "account.register.payments"

    early_discount_note = fields.Char(
        compute="_compute_early_discount_note",
        help="What the early-pay discount of the invoices means for this payment.",
    )

    @api.depends("invoice_ids", "payment_date", "currency_id", "payment_type")
    def _compute_early_discount_note(self):
        for wizard in self:
            invoices = wizard._get_wizard_invoices()
            note = False
            if invoices and wizard.payment_type == "inbound":
                if wizard.multi:
                    notes = [
                        group._get_early_discount_note(
                            wizard.payment_date, group[:1].currency_id
                        )
                        for group in wizard._groupby_invoices_of(invoices)
                    ]
                    note = " ".join(n for n in notes if n) or False
                else:
                    note = invoices._get_early_discount_note(
                        wizard.payment_date,
                        wizard.currency_id or invoices[:1].currency_id,
                    )
            wizard.early_discount_note = note

    @api.multi
    def _get_wizard_invoices(self):
        invoices = self.invoice_ids
        if (
            not invoices
            and self.env.context.get("active_model", "account.invoice")
            == "account.invoice"
        ):
            invoices = self.env["account.invoice"].browse(
                self.env.context.get("active_ids") or []
            )
        return invoices

    @api.model
    def _groupby_invoices_of(self, invoices):
        groups = {}
        for invoice in invoices:
            key = (invoice.commercial_partner_id.id, invoice.type)
            groups.setdefault(key, self.env["account.invoice"])
            groups[key] |= invoice
        return list(groups.values())

    @api.model
    def _get_early_discount_of(self, invoices, payment_date=None):
        """Early-pay discounts the invoices still grant on the payment date (or
        on any date when payment_date is False), 0.0 unless all are customer
        invoices in the payment currency."""
        if not invoices:
            return 0.0
        currency = (
            self.currency_id
            or self.journal_id.currency_id
            or self.journal_id.company_id.currency_id
            or invoices[0].currency_id
        )
        if any(
            inv.type != "out_invoice" or inv.currency_id != currency for inv in invoices
        ):
            return 0.0
        return sum(invoices._get_early_discount_available(payment_date).values())

    @api.model
    def default_get(self, fields_list):
        rec = super(AccountRegisterPayments, self).default_get(fields_list)
        # The suggested amount of the core is computed before the payment date
        # is known: take the discounts of the default payment date.
        if rec.get("payment_date") and "amount" in rec and not rec.get("multi"):
            invoices = self.env["account.invoice"].browse(
                self.env.context.get("active_ids") or []
            )
            rec["amount"] = abs(
                self.with_context(
                    early_discount_payment_date=rec["payment_date"]
                )._compute_payment_amount(invoices)
            )
        return rec

    @api.model
    def _compute_payment_amount(self, invoice_ids):
        total = super(AccountRegisterPayments, self)._compute_payment_amount(
            invoice_ids
        )
        date = (
            self.payment_date
            or self.env.context.get("early_discount_payment_date")
            or fields.Date.context_today(self)
        )
        return total - self._get_early_discount_of(invoice_ids, date)

    @api.onchange("payment_date")
    def _onchange_payment_date_early_discount(self):
        """Same as on account.payment, for the invoices of the wizard: when the
        amount is still a suggestion (all residuals, with or without their
        discounts) it follows the date."""
        invoices = self._get_wizard_invoices()
        if self.multi or not invoices:
            return
        discount = self._get_early_discount_of(invoices)
        if not discount:
            return
        full = abs(
            super(AccountRegisterPayments, self)._compute_payment_amount(invoices)
        )
        currency = self.currency_id or invoices[0].currency_id
        if any(
            currency.compare_amounts(self.amount, suggested) == 0
            for suggested in (full, full - discount)
        ):
            self.update({"amount": abs(self._compute_payment_amount(invoices))})
