"""Early-pay discount on customer payments.

A posted customer payment (Register Payment of the invoice form, the
account.register.payments wizard, or an account.payment created and posted
over RPC) whose amount is the reduced amount of its invoices on its payment
date (residual minus the early-pay discounts still available, see
account.invoice._get_early_discount_available) settles them: the difference
is written off to the discount account of the settings with the label "Early
payment discount". The rule is applied in post(), on the server; the wizard
only pre-fills the reduced amount and the write-off.
"""
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountPayment(models.Model):
    _inherit = "account.payment"

    early_discount_note = fields.Char(
        compute="_compute_early_discount_note",
        help="What the early-pay discount of the invoices means for this payment.",
    )

    @api.depends("invoice_ids", "payment_date", "currency_id", "payment_type", "state")
    def _compute_early_discount_note(self):
        for payment in self:
            note = False
            if (
                payment.invoice_ids
                and payment.payment_type == "inbound"
                and payment.state in (False, "draft")
            ):
                note = payment.invoice_ids._get_early_discount_note(
                    payment.payment_date, payment.currency_id
                )
            payment.early_discount_note = note

    @api.model
    def _get_early_discount_account(self):
        """The account early-pay discounts are written off to (setting
        cm_early_discount_account_id), or an empty recordset."""
        account_id = self.env["res.config.settings"].get_customer_management_param(
            "early_discount_account_id"
        )
        Account = self.env["account.account"]
        return Account.browse(account_id).exists() if account_id else Account

    @api.model
    def _prepare_early_discount_writeoff(self, account=None):
        """Values that make a payment settle its invoices with the difference
        written off as early payment discount (empty without an account)."""
        account = account if account is not None else self._get_early_discount_account()
        if not account:
            return {}
        return {
            "payment_difference_handling": "reconcile",
            "writeoff_account_id": account.id,
            "writeoff_label": _("Early payment discount"),
        }

    @api.multi
    def _get_early_discount(self):
        """Early-pay discount (payment currency) this payment settles: the sum
        of the discounts still available on the payment date when the amount
        is exactly the reduced amount of its invoices, else 0.0. Only inbound
        customer payments of customer invoices in the payment currency."""
        self.ensure_one()
        invoices = self.invoice_ids
        currency = self.currency_id
        if (
            not invoices
            or not currency
            or self.payment_type != "inbound"
            or self.partner_type != "customer"
            or any(
                inv.type != "out_invoice" or inv.currency_id != currency
                for inv in invoices
            )
        ):
            return 0.0
        available = invoices._get_early_discount_available(
            self.payment_date or fields.Date.context_today(self)
        )
        if not available:
            return 0.0
        discount = sum(available.values())
        reduced = sum(invoices.mapped("residual")) - discount
        if currency.compare_amounts(self.amount, reduced) != 0:
            return 0.0
        return discount

    @api.model
    def default_get(self, fields_list):
        rec = super(AccountPayment, self).default_get(fields_list)
        # Only when the amount is a default (the wizard), never over an amount
        # given by the caller.
        if "amount" not in fields_list or not rec.get("invoice_ids"):
            return rec
        commands = self.resolve_2many_commands(
            "invoice_ids", rec["invoice_ids"], ["id"]
        )
        invoices = self.env["account.invoice"].browse([c["id"] for c in commands])
        if len(invoices) != 1 or invoices.type != "out_invoice":
            return rec
        if rec.get("currency_id") and rec["currency_id"] != invoices.currency_id.id:
            return rec
        available = invoices._get_early_discount_available(
            rec.get("payment_date") or fields.Date.context_today(self)
        )
        if available:
            rec["amount"] = invoices.residual - available[invoices.id]
            rec.update(self._prepare_early_discount_writeoff())
        return rec

    @api.onchange("payment_date")
    def _onchange_payment_date_early_discount(self):
        """Moving the payment date across the deadline switches a suggested
        amount (full or reduced) to the one of the new date; an amount typed
        by the user is left alone."""
        invoice = self.invoice_ids
        if len(invoice) != 1 or invoice.currency_id != self.currency_id:
            return
        discount = invoice._get_early_discount_available().get(invoice.id)
        if not discount:
            return
        full, reduced = invoice.residual, invoice.residual - discount
        if any(
            self.currency_id.compare_amounts(self.amount, suggested) == 0
            for suggested in (full, reduced)
        ):
            in_window = invoice._get_early_discount_available(self.payment_date)
            self.update({"amount": reduced if in_window else full})

    @api.onchange("amount", "payment_date", "currency_id")
    def _onchange_early_discount_writeoff(self):
        if not self.invoice_ids:
            return
        account = self._get_early_discount_account()
        if self._get_early_discount():
            self.update(self._prepare_early_discount_writeoff(account))
        elif (
            account
            and self.payment_difference_handling == "reconcile"
            and self.writeoff_account_id == account
            and self.writeoff_label == _("Early payment discount")
        ):
            # A pre-filled early-pay write-off that no longer applies.
            self.update(
                {
                    "payment_difference_handling": "open",
                    "writeoff_account_id": False,
                    "writeoff_label": _("Write-Off"),
                }
            )

    @api.multi
    def post(self):
        for payment in self.filtered(lambda p: p.state == "draft"):
            payment._apply_early_discount_writeoff()
        return super(AccountPayment, self).post()

    @api.multi
    def _apply_early_discount_writeoff(self):
        """Make the payment settle its invoices when it pays the reduced amount
        within the early-pay window. A write-off the user chose on another
        account is kept."""
        self.ensure_one()
        if not self._get_early_discount():
            return False
        account = self._get_early_discount_account()
        if (
            self.payment_difference_handling == "reconcile"
            and self.writeoff_account_id
            and self.writeoff_account_id != account
        ):
            return False
        if not account:
            raise UserError(
                _(
                    "Payment of %(amount)s %(currency)s for %(invoices)s: this is the "
                    "amount reduced by the early payment discount, but no early "
                    "payment "
                    "discount account is set. Ask an administrator to choose one in "
                    "Settings > Customers > Early payment discount, or register the "
                    "full amount."
                )
                % {
                    "amount": self.amount,
                    "currency": self.currency_id.name,
                    "invoices": ", ".join(
                        self.invoice_ids.mapped(lambda i: i.number or i.name or "")
                    ),
                }
            )
        if account.company_id != self.company_id:
            raise UserError(
                _(
                    "The early payment discount account %(account)s belongs to "
                    "%(account_company)s, not to %(company)s of this payment. Choose "
                    "an "
                    "account of %(company)s in Settings > Customers."
                )
                % {
                    "account": account.display_name,
                    "account_company": account.company_id.name,
                    "company": self.company_id.name,
                }
            )
        return self.write(self._prepare_early_discount_writeoff(account))
