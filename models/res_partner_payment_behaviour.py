"""How the customer pays: the average days late, the number of invoices paid
late and the payment reliability derived from them, computed for a set of
customers at once by the nightly recompute.
"""


from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Payment behaviour over the last 12 months (_compute_payment_behaviour_batch).
    avg_days_late = fields.Float(
        "Average Days Late",
        digits=(16, 1),
        readonly=True,
        copy=False,
        help="Average lateness of the customer invoices of the last 12 months that "
        "are paid or past due: paid ones count the days between the due date and "
        "the last payment reconciled with them, open ones past due the days "
        "until today, those paid on time 0.",
        prefetch=False,
    )
    late_invoice_count = fields.Integer(
        "Late Invoices",
        readonly=True,
        copy=False,
        help="Customer invoices of the last 12 months paid after their due date or "
        "still open past it.",
        prefetch=False,
    )
    payment_reliability = fields.Selection(
        [("good", "Good"), ("watch", "Watch"), ("poor", "Poor")],
        readonly=True,
        copy=False,
        index=True,
        help="Poor: average lateness above 30 days or at least 5 late invoices; watch: "
        "above 7 days or at least 2 late invoices; good otherwise (thresholds in "
        "Settings). Empty when no invoice of the last 12 months is due yet.",
        prefetch=False,
    )

    @api.multi
    def _compute_payment_behaviour_batch(self, today=None):
        """Recompute avg_days_late, late_invoice_count and payment_reliability
        of the commercial entities of ``self`` from their invoices and payments
        (one query whatever the number of partners or invoices)."""
        partners = self._get_metrics_partners()
        if partners:
            partners._write_metrics(partners._get_payment_behaviour_values(today))
        return True

    # Payment behaviour -------------------------------------------------
    @api.model
    def _get_payment_reliability(self, avg_days_late, late_count, settings):
        """Poor when the average lateness exceeds the poor days or the late
        invoices reach the poor count; watch likewise with the watch thresholds;
        good otherwise."""
        if (
            avg_days_late > settings["reliability_poor_days"]
            or late_count >= settings["reliability_poor_count"]
        ):
            return "poor"
        if (
            avg_days_late > settings["reliability_watch_days"]
            or late_count >= settings["reliability_watch_count"]
        ):
            return "watch"
        return "good"

    @api.multi
    def _get_payment_stats(self, today):
        """{commercial partner id: (average days late, late invoices, invoices
        counted)} over the customer invoices of the 12 months ending ``today``
        (one query). A paid invoice's payment date is the latest date of the
        move lines reconciled with its receivable line; it is late by
        max(0, payment date - due date). An open invoice past its due date is
        late by the days until today; open ones not yet due are not counted."""
        date_from, date_to = self._get_metrics_period(today)
        self.env.cr.execute(
            """
            WITH invoice AS (
                SELECT ai.id, ai.commercial_partner_id AS partner_id, ai.state,
                       ai.move_id, ai.account_id,
                       COALESCE(ai.date_due, ai.date_invoice) AS date_due
                  FROM account_invoice ai
                 WHERE ai.commercial_partner_id IN %(ids)s AND ai.type = 'out_invoice'
                   AND ai.state IN ('open', 'paid')
                   AND ai.date_invoice BETWEEN %(date_from)s AND %(date_to)s
            ), paid AS (
                -- max_date of a reconciliation: the later of the two lines'
                -- dates, i.e. the payment's (or the invoice's for a payment
                -- dated before it: 0 days late either way)
                SELECT invoice.id, MAX(apr.max_date) AS paid_date
                  FROM invoice
                  JOIN account_move_line line
                    ON line.move_id = invoice.move_id
                   AND line.account_id = invoice.account_id
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = line.id
                 WHERE invoice.state = 'paid'
                 GROUP BY invoice.id
            ), lateness AS (
                SELECT partner_id,
                       CASE WHEN state = 'paid'
                            THEN GREATEST(COALESCE(paid_date, date_due) - date_due, 0)
                            WHEN date_due < %(today)s::date
                            THEN %(today)s::date - date_due
                       END AS days_late
                  FROM invoice LEFT JOIN paid ON paid.id = invoice.id
            )
            SELECT partner_id, AVG(days_late), COUNT(*) FILTER (WHERE days_late > 0),
                   COUNT(*)
              FROM lateness
             WHERE days_late IS NOT NULL
             GROUP BY partner_id""",
            {
                "ids": tuple(self.ids),
                "today": fields.Date.to_string(today),
                "date_from": fields.Date.to_string(date_from),
                "date_to": fields.Date.to_string(date_to),
            },
        )
        return {
            partner_id: (avg or 0.0, late, counted)
            for partner_id, avg, late, counted in self.env.cr.fetchall()
        }

    @api.multi
    def _get_payment_behaviour_values(self, today=None):
        """{partner id: payment behaviour values} of the commercial partners
        ``self`` (one query)."""
        partners = self
        today = self._get_metrics_today(today)
        settings = self._get_metrics_settings()
        stats = partners._get_payment_stats(today)
        values = {}
        for partner_id in partners.ids:
            avg, late, counted = stats.get(partner_id, (0.0, 0, 0))
            values[partner_id] = {
                "avg_days_late": round(avg, 1),
                "late_invoice_count": late,
                "payment_reliability": counted
                and self._get_payment_reliability(avg, late, settings)
                or False,
            }
        return values
