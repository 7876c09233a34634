"""Affiliate commissions: one row per paid customer invoice or credit note of a
customer brought by a sales affiliate (``res.partner.affiliate_id`` of the
invoice's commercial customer), as a read-only SQL view like core's
sale.report, so that a month of commissions for every affiliate is one
aggregate query.

- The commission period is the payment date (``date_paid``): the latest date of
  the payment lines (payments, credit notes, write-offs) reconciled with the
  invoice's receivable line. An invoice counts only once it is fully paid
  (state ``paid``), in the period of its last payment; a partially paid invoice
  does not count yet. When a payment is unreconciled the invoice is open again
  and its row disappears (the view is live, nothing is stored).
- The base is the untaxed amount in company currency (``amount_untaxed_signed``
  of the invoice: negative for a credit note, which reduces the commission).
- The rate is the affiliate's CURRENT ``affiliate_commission_rate``: it is not
  frozen at invoice or payment time, so changing an affiliate's rate changes the
  commissions of past periods too. Print and keep the statement of a period
  before changing a rate.
- The commission is base x rate / 100, rounded to the cent per invoice.
"""

from datetime import timedelta

from odoo import api, fields, models, tools


def previous_month(today):
    """(first day, last day) of the full month before ``today`` (a date
    string), as date strings: the default commission period."""
    first_of_this_month = fields.Date.from_string(today).replace(day=1)
    last = first_of_this_month - timedelta(days=1)
    return fields.Date.to_string(last.replace(day=1)), fields.Date.to_string(last)


class CustomerAffiliateCommission(models.Model):
    _name = "customer.affiliate.commission"
    _description = "Affiliate commission"
    _auto = False
    _rec_name = "invoice_id"
    _order = "date_paid desc, invoice_id desc"

    affiliate_id = fields.Many2one("res.partner", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    invoice_id = fields.Many2one("account.invoice", readonly=True)
    invoice_number = fields.Char(readonly=True)
    invoice_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit Note")],
        string="Type",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_invoice = fields.Date("Invoice Date", readonly=True)
    date_paid = fields.Date(
        "Payment Date",
        readonly=True,
        help="Date of the last payment of the invoice: the commission period.",
    )
    amount_base = fields.Monetary(
        "Untaxed Amount",
        readonly=True,
        help="Untaxed amount of the invoice in company currency (negative for a "
        "credit note).",
    )
    commission_rate = fields.Float(
        "Rate (%)",
        digits=(16, 2),
        readonly=True,
        group_operator="max",
        help="The affiliate's current commission rate.",
    )
    commission_amount = fields.Monetary(
        "Commission",
        readonly=True,
        help="Untaxed amount x rate / 100, rounded to the cent.",
    )

    def _query(self):
        # The receivable line(s) of the invoice are matched either way: an
        # invoice's debit line by the credit lines of payments, a credit note's
        # credit line by the debit lines of payments or invoices. OFFSET 0 keeps
        # the lateral subquery a subquery: the payment date is computed once
        # per invoice, not once per condition on date_paid.
        # Indexes used: res_partner.affiliate_id (the customers of the
        # affiliates), account_invoice_cm_commercial_partner_state_index
        # (models/account_invoice.py: their paid invoices), account_move_line
        # move_id and account_partial_reconcile debit/credit_move_id (the
        # payments of each invoice).
        return """
            SELECT ai.id AS id,
                   customer.affiliate_id AS affiliate_id,
                   ai.commercial_partner_id AS partner_id,
                   ai.id AS invoice_id,
                   ai.number AS invoice_number,
                   ai.type AS invoice_type,
                   ai.company_id AS company_id,
                   company.currency_id AS currency_id,
                   ai.date_invoice AS date_invoice,
                   COALESCE(paid.date_paid, ai.date_invoice) AS date_paid,
                   ai.amount_untaxed_signed AS amount_base,
                   COALESCE(affiliate.affiliate_commission_rate, 0) AS commission_rate,
                   ROUND(ai.amount_untaxed_signed
                         * COALESCE(affiliate.affiliate_commission_rate, 0)
                         / 100.0, 2) AS commission_amount
              FROM account_invoice ai
              JOIN res_partner customer ON customer.id = ai.commercial_partner_id
              JOIN res_partner affiliate ON affiliate.id = customer.affiliate_id
              JOIN res_company company ON company.id = ai.company_id
              LEFT JOIN LATERAL (
                    SELECT GREATEST(
                        (SELECT MAX(payment.date)
                           FROM account_move_line receivable
                           JOIN account_partial_reconcile apr
                             ON apr.debit_move_id = receivable.id
                           JOIN account_move_line payment
                             ON payment.id = apr.credit_move_id
                          WHERE receivable.move_id = ai.move_id
                            AND receivable.account_id = ai.account_id),
                        (SELECT MAX(payment.date)
                           FROM account_move_line receivable
                           JOIN account_partial_reconcile apr
                             ON apr.credit_move_id = receivable.id
                           JOIN account_move_line payment
                             ON payment.id = apr.debit_move_id
                          WHERE receivable.move_id = ai.move_id
                            AND receivable.account_id = ai.account_id)
                    ) AS date_paid
                    OFFSET 0
              ) paid ON TRUE
             WHERE ai.state = 'paid'
               AND ai.type IN ('out_invoice', 'out_refund')
        """

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            "CREATE OR REPLACE VIEW %s AS (%s)" % (self._table, self._query())
        )


class ResPartner(models.Model):  # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

    @api.multi
    def _get_affiliate_commission_due(self, date_from, date_to, company=None):
        """Commission due to each affiliate for the invoices paid between
        ``date_from`` and ``date_to`` (payment dates, both inclusive):
        ``{affiliate id: amount}`` in the currency of ``company`` (default: the
        user's current company, whose rows only are counted).

        For the affiliates in ``self`` (each of them present, 0.0 when nothing
        is due), or for every affiliate with commissions in the period when
        ``self`` is empty. The affiliate's current rate applies (see
        customer.affiliate.commission). One read_group for the whole recordset,
        under the access rights and record rules of the user.
        """
        company = company or self.env.user.company_id
        domain = [
            ("date_paid", ">=", date_from),
            ("date_paid", "<=", date_to),
            ("company_id", "=", company.id),
        ]
        result = {}
        if self:
            domain.append(("affiliate_id", "in", self.ids))
            result = dict.fromkeys(self.ids, 0.0)
        groups = self.env["customer.affiliate.commission"].read_group(
            domain, ["affiliate_id", "commission_amount"], ["affiliate_id"]
        )
        for group in groups:
            result[group["affiliate_id"][0]] = group["commission_amount"] or 0.0
        return result

    @api.multi
    def action_view_affiliate_commissions(self):
        """Commission rows of this affiliate (Commissions smart button)."""
        self.ensure_one()
        action = self.env.ref(
            "customer_management.customer_affiliate_commission_action"
        ).read()[0]
        action["domain"] = [("affiliate_id", "=", self.id)]
        action["context"] = {"search_default_this_year": 1}
        return action
