"""Early-pay discount and invoice addressing on customer invoices.

The discount terms of the customer (commercial partner: early_discount_type,
early_discount_value, early_discount_days) are copied onto the invoice:
draft customer invoices follow the customer's current terms (on create, on a
change of customer and when the customer's terms change), and the terms are
copied one last time when the invoice is validated (action_invoice_open);
from then on a change of the customer's terms leaves the invoice alone.
The deadline, the discount and the reduced amount are stored computes of the
invoice's own terms, its date and its total.
"""
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, format_date, formatLang

from .constants import EARLY_DISCOUNT_TERMS
from .number_checks import check_finite_numbers


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    def init(self):
        # Core indexes neither the invoices per customer nor per state: the
        # credit rule (overdue, draft), the hold review's candidates, the
        # nightly recompute and the commission view scanned the whole table
        # for each batch (see bench/ and README "Performance").
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS"
            " account_invoice_cm_commercial_partner_state_index"
            " ON account_invoice (commercial_partner_id, state, type)"
        )
        return super(AccountInvoice, self).init()

    early_discount_type = fields.Selection(
        [("percent", "Percentage"), ("amount", "Fixed amount")],
        string="Early-Pay Discount Type",
        readonly=True,
        copy=False,
        help="Copied from the customer when the invoice is validated; draft "
        "invoices follow the customer's current terms.",
    )
    early_discount_value = fields.Float(
        string="Early-Pay Discount",
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Percentage of the invoice total, or fixed amount (company currency, "
        "converted at the invoice date), deducted when paid within the "
        "early-pay days.",
    )
    early_discount_days = fields.Integer(
        string="Early-Pay Days",
        readonly=True,
        copy=False,
        help="Days after the invoice date within which the discount applies.",
    )
    early_discount_date = fields.Date(
        string="Early-Pay Deadline",
        compute="_compute_early_discount",
        store=True,
        help="Last day (included) on which a payment of the reduced amount "
        "settles the invoice.",
    )
    early_discount_amount = fields.Monetary(
        string="Early-Pay Discount Amount",
        compute="_compute_early_discount",
        store=True,
        currency_field="currency_id",
        help="Discount granted for a payment within the early-pay days: the "
        "percentage of the total, or the fixed amount capped at the total.",
    )
    amount_after_early_discount = fields.Monetary(
        string="Amount if Paid Early",
        compute="_compute_early_discount",
        store=True,
        currency_field="currency_id",
        help="Total minus the early-pay discount: what the customer pays on or "
        "before the early-pay deadline.",
    )

    @api.depends(
        "type",
        "early_discount_type",
        "early_discount_value",
        "early_discount_days",
        "date_invoice",
        "amount_total",
        "currency_id",
        "company_id",
    )
    def _compute_early_discount(self):
        for invoice in self:
            discount = invoice._get_early_discount_amount()
            invoice.early_discount_amount = discount
            invoice.amount_after_early_discount = invoice.amount_total - discount
            date = False
            if discount and invoice.date_invoice:
                date = fields.Date.to_string(
                    fields.Date.from_string(invoice.date_invoice)
                    + timedelta(days=invoice.early_discount_days or 0)
                )
            invoice.early_discount_date = date

    @api.multi
    def _get_early_discount_amount(self):
        """Discount of this invoice in its currency (0.0 when none): the
        percentage of amount_total, or the fixed amount (company currency,
        converted at the invoice date) capped at amount_total; rounded in the
        invoice currency. Override point for other discount rules."""
        self.ensure_one()
        value = self.early_discount_value
        if self.type != "out_invoice" or not self.early_discount_type or value <= 0:
            return 0.0
        currency = self.currency_id or self.company_id.currency_id
        if self.early_discount_type == "percent":
            amount = self.amount_total * value / 100.0
        else:
            company_currency = self.company_id.currency_id
            amount = value
            if company_currency and currency != company_currency:
                amount = company_currency.with_context(
                    date=self.date_invoice or fields.Date.context_today(self)
                ).compute(value, currency, round=False)
            amount = min(amount, self.amount_total)
        return currency.round(amount) if currency else amount

    @api.constrains(
        "early_discount_type", "early_discount_value", "early_discount_days"
    )
    def _check_early_discount_terms(self):
        for invoice in self:
            value, days = invoice.early_discount_value, invoice.early_discount_days
            if (
                value < 0
                or days < 0
                or (invoice.early_discount_type == "percent" and value >= 100)
            ):
                raise ValidationError(
                    _(
                        "%(invoice)s: an early-pay discount of %(value)s for %(days)s "
                        "days is not possible: the discount is a percentage from 0 to "
                        "less than 100 or a positive amount, the days 0 or more."
                    )
                    % {
                        "invoice": invoice.number or invoice.display_name,
                        "value": value,
                        "days": days,
                    }
                )

    @api.onchange("partner_id")
    def _onchange_partner_id_early_discount(self):
        if self.state in (False, "draft"):
            self.update(
                self._prepare_early_discount_terms(
                    self.partner_id.commercial_partner_id, self.type
                )
            )

    @api.model
    def _prepare_early_discount_terms(self, commercial_partner, invoice_type):
        """Values of the discount terms an invoice of this type for this
        customer takes: the customer's terms for customer invoices, none
        otherwise."""
        if invoice_type != "out_invoice" or not commercial_partner:
            return {
                "early_discount_type": False,
                "early_discount_value": 0.0,
                "early_discount_days": 0,
            }
        return {
            "early_discount_type": commercial_partner.early_discount_type or False,
            "early_discount_value": commercial_partner.early_discount_value or 0.0,
            "early_discount_days": commercial_partner.early_discount_days or 0,
        }

    @api.multi
    def _check_early_discount_frozen(self, vals):
        """The discount terms of a validated invoice are the ones the customer
        was granted then: nobody changes them afterwards (the payment
        write-off honours them). Values equal to the current ones pass."""
        check_finite_numbers(self, vals)
        terms = {k: vals[k] for k in EARLY_DISCOUNT_TERMS if k in vals}
        if not terms:
            return
        if not self:
            frozen = vals.get("state", "draft") != "draft" and any(terms.values())
            names = _("a validated invoice")
        else:
            frozen = self.filtered(
                lambda inv: inv.state != "draft"
                and self._prepare_frozen_terms(inv, terms)
                != self._prepare_frozen_terms(terms, terms)
            )
            names = ", ".join(inv.number or inv.display_name or "" for inv in frozen)
        if frozen:
            raise UserError(
                _(
                    "The early-pay discount of %s was fixed when the invoice was "
                    "validated: nobody can change it afterwards. Cancel the "
                    "invoice and reset it to draft to give other terms."
                )
                % names
            )

    @api.model
    def _prepare_frozen_terms(self, source, terms):
        return (
            source["early_discount_type"] or False
            if "early_discount_type" in terms
            else None,
            round(float(source["early_discount_value"] or 0.0), 2)
            if "early_discount_value" in terms
            else None,
            int(source["early_discount_days"] or 0)
            if "early_discount_days" in terms
            else None,
        )

    @api.model
    def create(self, vals):
        self._check_early_discount_frozen(vals)
        if vals.get("partner_id") and not any(k in vals for k in EARLY_DISCOUNT_TERMS):
            invoice_type = vals.get("type", self.env.context.get("type", "out_invoice"))
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals = dict(
                vals,
                **self._prepare_early_discount_terms(
                    partner.commercial_partner_id, invoice_type
                ),
            )
        return super(AccountInvoice, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_early_discount_frozen(vals)
        result = super(AccountInvoice, self).write(vals)
        if ("partner_id" in vals or "type" in vals) and not any(
            k in vals for k in EARLY_DISCOUNT_TERMS
        ):
            self._refresh_early_discount_terms()
        return result

    @api.multi
    def _refresh_early_discount_terms(self):
        """Copy the current terms of their customers onto the draft invoices of
        self; posted invoices keep theirs. One write per distinct set of terms."""
        groups = defaultdict(self.browse)
        for invoice in self.filtered(lambda inv: inv.state == "draft"):
            terms = self._prepare_early_discount_terms(
                invoice.commercial_partner_id, invoice.type
            )
            current = {name: invoice[name] for name in EARLY_DISCOUNT_TERMS}
            if current != terms:
                groups[tuple(sorted(terms.items()))] |= invoice
        for terms, invoices in groups.items():
            invoices.write(dict(terms))
        return True

    @api.multi
    def action_invoice_open(self):
        # The customer's terms at validation are the ones of the invoice.
        self.filtered(lambda inv: inv.state == "draft")._refresh_early_discount_terms()
        return super(AccountInvoice, self).action_invoice_open()

    @api.multi
    def invoice_validate(self):
        """Customers with an invoice e-mail: the invoice contact follows the
        invoice instead of the customer contact Odoo subscribes, so that the
        messages of the invoice (the invoice e-mail included) reach the
        invoice address and not the customer's main e-mail."""
        followers = {inv.id: inv.message_partner_ids for inv in self}
        result = super(AccountInvoice, self).invoice_validate()
        for invoice in self.filtered(
            lambda inv: inv.type in ("out_invoice", "out_refund")
            and inv.commercial_partner_id.invoice_email
        ):
            contact = invoice._get_invoice_email_contact()
            if not contact:
                continue
            if contact not in invoice.message_partner_ids:
                invoice.message_subscribe(contact.ids)
            if (
                invoice.partner_id != contact
                and invoice.partner_id not in followers[invoice.id]
            ):
                invoice.message_unsubscribe(invoice.partner_id.ids)
        return result

    @api.multi
    def _get_invoice_email_contact(self):
        """The contact invoices are e-mailed to when the customer has an invoice
        e-mail (see res.partner._get_invoice_email_contact), else empty."""
        self.ensure_one()
        if self.type not in ("out_invoice", "out_refund"):
            return self.env["res.partner"]
        return self.commercial_partner_id._get_invoice_email_contact()

    @api.multi
    def _get_invoice_attention(self):
        """Whom the printed invoice is addressed to (the customer's invoice
        name), or False."""
        self.ensure_one()
        if self.type not in ("out_invoice", "out_refund"):
            return False
        name = self.commercial_partner_id.invoice_name
        if not name or name == self.partner_id.name:
            return False
        return name

    @api.multi
    def _get_early_discount_available(self, payment_date=None):
        """{invoice id: discount} of the invoices of self that a payment made on
        payment_date may still settle with their early-pay discount: open
        customer invoices with a discount, payment_date on or before the
        deadline (any date when payment_date is None), and a residual larger
        than the discount (a partial payment made before keeps the discount:
        the reduced remaining amount is residual - discount)."""
        available = {}
        for invoice in self:
            discount = invoice.early_discount_amount
            if (
                invoice.type != "out_invoice"
                or invoice.state != "open"
                or discount <= 0
                or not invoice.early_discount_date
            ):
                continue
            if payment_date and payment_date > invoice.early_discount_date:
                continue
            if (
                float_compare(
                    invoice.residual,
                    discount,
                    precision_rounding=invoice.currency_id.rounding,
                )
                <= 0
            ):
                continue
            available[invoice.id] = discount
        return available

    @api.multi
    def _get_early_discount_note(self, payment_date, currency):
        """One sentence for the payment wizards about the early-pay discount of
        the invoices of self paid on payment_date in currency, or False."""
        invoices = self.filtered(lambda inv: inv.type == "out_invoice")
        if not invoices or any(inv.currency_id != currency for inv in invoices):
            return False
        payment_date = payment_date or fields.Date.context_today(self)
        in_window = invoices._get_early_discount_available(payment_date)
        if in_window:
            discount = sum(in_window.values())
            reduced = sum(invoices.mapped("residual")) - discount
            deadline = min(self.browse(list(in_window)).mapped("early_discount_date"))
            note = _(
                "Early payment discount: %(reduced)s paid by %(deadline)s "
                "settles the invoice (%(discount)s discount written off)."
            ) % {
                "reduced": formatLang(self.env, reduced, currency_obj=currency),
                "deadline": format_date(self.env, deadline),
                "discount": formatLang(self.env, discount, currency_obj=currency),
            }
            account = self.env["account.payment"]._get_early_discount_account()
            if not account:
                note += " " + _(
                    "No early payment discount account is set in the "
                    "Customers settings: ask an administrator to set "
                    "one before validating."
                )
            return note
        expired = invoices.filtered(
            lambda inv: inv.id in invoices._get_early_discount_available()
        )
        if expired:
            return _(
                "The early payment discount expired on %(deadline)s: the full "
                "amount is due."
            ) % {
                "deadline": format_date(
                    self.env, max(expired.mapped("early_discount_date"))
                )
            }
        return False
