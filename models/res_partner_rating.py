"""The key-account rating (set by hand) and the suggested rating (from the
revenue of the last twelve months, the support load and the average
discount), and whether the two differ.
"""


from odoo import api, fields, models
from odoo.tools import float_compare


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Key-account rating: manual (Customer Management users) + suggestion.
    account_rating = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        "Key-account Rating",
        track_visibility="onchange",
        index=True,
        copy=False,
        help="Key-account rating given by the sales team (A: key account); only "
        "Customer Management users change it. Compare with the suggested rating.",
        prefetch=False,
    )
    suggested_rating = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        readonly=True,
        copy=False,
        index=True,
        help="From the untaxed revenue of the last 12 months (customer invoices minus "
        "credit notes, company currency): A from 100,000, B from 20,000, else C; "
        "then one grade lower (A to B, B to C) when the customer has 3 or more "
        "open complaints and requests, or when the average discount of its order "
        "lines over 12 months exceeds 10 %. Thresholds in Settings.",
        prefetch=False,
    )
    rating_differs = fields.Boolean(
        compute="_compute_rating_differs",
        store=True,
        index=True,
        help="The key-account rating and the suggested rating are both set and differ.",
        prefetch=False,
    )

    @api.multi
    @api.depends("account_rating", "suggested_rating")
    def _compute_rating_differs(self):
        for partner in self:
            partner.rating_differs = self._get_rating_differs(
                partner.account_rating, partner.suggested_rating
            )

    @api.multi
    def _compute_suggested_rating_batch(self, today=None):
        """Recompute suggested_rating of the commercial entities of ``self``
        (three queries and one read_group whatever the number of partners)."""
        partners = self._get_metrics_partners()
        if partners:
            partners._write_metrics(partners._get_suggested_rating_values(today))
        return True

    @api.model
    def _get_rating_differs(self, account_rating, suggested_rating):
        """The key-account rating and the suggested rating are both set and
        differ (rule of the stored rating_differs)."""
        return bool(
            account_rating and suggested_rating and account_rating != suggested_rating
        )

    # Key-account rating ------------------------------------------------
    @api.model
    def _get_suggested_rating(self, revenue, support_load, avg_discount, settings):
        """A from threshold A, B from threshold B, else C; one grade lower (A to
        B, B to C) when the open complaints + requests reach the support-load
        setting or the average discount exceeds the discount setting."""
        if revenue >= settings["rating_threshold_a"]:
            rating = "a"
        elif revenue >= settings["rating_threshold_b"]:
            rating = "b"
        else:
            rating = "c"
        if (
            support_load >= settings["rating_support_load"]
            or float_compare(
                avg_discount, settings["rating_discount"], precision_digits=2
            )
            > 0
        ):
            rating = {"a": "b", "b": "c"}.get(rating, rating)
        return rating

    @api.multi
    def _get_revenue_12m(self, today):
        """{commercial partner id: untaxed revenue} of the 12 months ending
        ``today``: validated customer invoices minus credit notes, all companies,
        converted to the current company's currency (one query)."""
        date_from, date_to = self._get_metrics_period(today)
        self.env.cr.execute(
            """
            SELECT ai.commercial_partner_id, company.currency_id,
                   SUM(ai.amount_untaxed_signed)
              FROM account_invoice ai
              JOIN res_company company ON company.id = ai.company_id
             WHERE ai.commercial_partner_id IN %s
               AND ai.type IN ('out_invoice', 'out_refund')
               AND ai.state IN ('open', 'paid')
               AND ai.date_invoice BETWEEN %s AND %s
             GROUP BY ai.commercial_partner_id, company.currency_id""",
            (
                tuple(self.ids),
                fields.Date.to_string(date_from),
                fields.Date.to_string(date_to),
            ),
        )
        rows = self.env.cr.fetchall()
        target = self.env.user.company_id.currency_id
        Currency = self.env["res.currency"].with_context(
            date=fields.Date.to_string(today)
        )
        rates = {target.id: 1.0}  # one rate per currency, not per row
        revenue = {}
        for partner_id, currency_id, amount in rows:
            if currency_id not in rates:
                rates[currency_id] = Currency._get_conversion_rate(
                    Currency.browse(currency_id), target
                )
            amount = (amount or 0.0) * rates[currency_id]
            revenue[partner_id] = revenue.get(partner_id, 0.0) + amount
        return revenue

    @api.multi
    def _get_support_load(self):
        """{commercial partner id: open complaints + open requests} (one
        query on customer.interaction, when that model is installed; the
        metrics are computed as superuser, so no record rule applies)."""
        if "customer.interaction" not in self.env or not self.ids:
            return {}
        self.env.cr.execute(
            """
            SELECT c.commercial_partner_id, COUNT(*)
              FROM customer_interaction i
              JOIN res_partner c ON c.id = i.partner_id
             WHERE i.partner_id = ANY(ARRAY(
                       SELECT p.id FROM res_partner p
                        WHERE p.commercial_partner_id IN %s))
               AND i.interaction_type IN ('complaint', 'request')
               AND i.state = 'open'
             GROUP BY c.commercial_partner_id""",
            (tuple(self.ids),),
        )
        return dict(self.env.cr.fetchall())

    @api.multi
    def _get_average_discount(self, today):
        """{commercial partner id: average discount (%) of the lines of its
        orders confirmed in the 12 months ending ``today``} (one query)."""
        date_from, date_to = self._get_metrics_period(today)
        start, end = self._get_metrics_utc_bounds(date_from, date_to)
        self.env.cr.execute(
            """
            SELECT p.commercial_partner_id, AVG(sol.discount)
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.partner_id = ANY(ARRAY(
                       SELECT c.id FROM res_partner c
                        WHERE c.commercial_partner_id IN %s))
               AND so.state IN ('sale', 'done')
               AND so.confirmation_date >= %s AND so.confirmation_date < %s
             GROUP BY p.commercial_partner_id""",
            (tuple(self.ids), start, end),
        )
        return {partner_id: avg or 0.0 for partner_id, avg in self.env.cr.fetchall()}

    @api.multi
    def _get_suggested_rating_values(self, today=None):
        """{partner id: {suggested_rating}} of the commercial partners ``self``
        (three queries and one read_group)."""
        partners = self
        today = self._get_metrics_today(today)
        settings = self._get_metrics_settings()
        revenue = partners._get_revenue_12m(today)
        load = partners._get_support_load()
        discount = partners._get_average_discount(today)
        values = {}
        for partner_id in partners.ids:
            rating = self._get_suggested_rating(
                revenue.get(partner_id, 0.0),
                load.get(partner_id, 0),
                discount.get(partner_id, 0.0),
                settings,
            )
            values[partner_id] = {"suggested_rating": rating}
        return values
