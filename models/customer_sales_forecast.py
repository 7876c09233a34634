from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .number_checks import check_finite_numbers


class CustomerSalesForecast(models.Model):
    """What we expect to sell to a customer over a period, compared with what it
    actually ordered.

    ``expected_amount`` = amount x probability. ``actual_amount`` is the untaxed
    amount of the confirmed sale orders (states sale and done) of the customer
    and of its contacts, confirmed within the period, in the forecast's company,
    converted to the company currency.
    """

    _name = "customer.sales.forecast"
    _description = "Customer Sales Forecast"
    _order = "date_start desc, partner_id, id"

    @api.model
    def _default_company_id(self):
        return self.env["res.company"]._company_default_get("customer.sales.forecast")

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    name = fields.Char(string="Description", help="What is expected to be sold.")
    date_start = fields.Date(string="Period Start", required=True, index=True)
    date_end = fields.Date(string="Period End", required=True, index=True)
    amount = fields.Monetary(
        string="Forecast Amount",
        currency_field="currency_id",
        required=True,
        default=0.0,
        help="Untaxed amount the customer may order in the period.",
    )
    probability = fields.Float(
        string="Probability (%)",
        digits=(16, 2),
        required=True,
        default=100.0,
        help="Chance, in percent, that the forecast amount is ordered.",
    )
    expected_amount = fields.Monetary(
        compute="_compute_expected_amount",
        store=True,
        currency_field="currency_id",
        help="Forecast amount x probability / 100.",
    )
    actual_amount = fields.Monetary(
        compute="_compute_actual_amount",
        currency_field="currency_id",
        help="Untaxed amount of the customer's confirmed sale orders (its own and its "
        "contacts') confirmed within the period, in the company currency.",
    )
    variance = fields.Monetary(
        compute="_compute_actual_amount",
        currency_field="currency_id",
        help="Actual minus expected amount: negative when sales are behind forecast.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=_default_company_id
    )
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True, store=True
    )

    @api.depends("amount", "probability")
    def _compute_expected_amount(self):
        for forecast in self:
            forecast.expected_amount = forecast.amount * forecast.probability / 100.0

    @api.depends(
        "partner_id", "date_start", "date_end", "company_id", "expected_amount"
    )
    def _compute_actual_amount(self):
        actuals = self._get_actual_amounts()
        for forecast in self:
            forecast.actual_amount = actuals.get(forecast.id, 0.0)
            forecast.variance = forecast.actual_amount - forecast.expected_amount

    @api.multi
    def _get_actual_amounts(self):
        """{forecast id: untaxed amount of the confirmed orders in its period}, in
        each forecast's company currency: one query for the whole recordset."""
        forecast_ids = tuple(fid for fid in self.ids if fid)
        if not forecast_ids:
            return {}
        self.env.cr.execute(
            """
            SELECT f.id, pl.currency_id, SUM(so.amount_untaxed)
              FROM customer_sales_forecast f
              JOIN res_partner p ON p.commercial_partner_id = f.partner_id
              JOIN sale_order so ON so.partner_id = p.id
              JOIN product_pricelist pl ON pl.id = so.pricelist_id
             WHERE f.id IN %s
               AND so.state IN ('sale', 'done')
               AND so.company_id = f.company_id
               AND so.confirmation_date >= f.date_start::timestamp
               AND so.confirmation_date < (f.date_end + 1)::timestamp
             GROUP BY f.id, pl.currency_id""",
            (forecast_ids,),
        )
        rows = self.env.cr.fetchall()
        actuals = {}
        by_id = {f.id: f for f in self}  # reads prefetch the whole recordset
        Currency = self.env["res.currency"]
        today = fields.Date.context_today(self)
        for forecast_id, currency_id, amount in rows:
            forecast = by_id[forecast_id]
            target = forecast.currency_id
            if currency_id != target.id:
                rate_date = min(forecast.date_end, today)
                amount = (
                    Currency.browse(currency_id)
                    .with_context(date=rate_date)
                    .compute(amount, target)
                )
            actuals[forecast_id] = actuals.get(forecast_id, 0.0) + (amount or 0.0)
        return actuals

    @api.multi
    def name_get(self):
        return [
            (f.id, "%s: %s - %s" % (f.partner_id.name, f.date_start, f.date_end))
            for f in self
        ]

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for forecast in self:
            if forecast.date_end < forecast.date_start:
                raise ValidationError(
                    _(
                        "The sales forecast of %(customer)s ends (%(end)s) before it "
                        "starts (%(start)s). Set the period end on or after the period "
                        "start."
                    )
                    % {
                        "customer": forecast.partner_id.name,
                        "end": forecast.date_end,
                        "start": forecast.date_start,
                    }
                )

    @api.constrains("amount", "probability")
    def _check_amounts(self):
        for forecast in self:
            if forecast.amount < 0:
                raise ValidationError(
                    _(
                        "The forecast amount for %(customer)s cannot be negative "
                        "(%(amount)s). Enter the amount expected to be ordered, or 0."
                    )
                    % {"customer": forecast.partner_id.name, "amount": forecast.amount}
                )
            if not 0 <= forecast.probability <= 100:
                raise ValidationError(
                    _(
                        "The probability of the forecast for %(customer)s must be "
                        "between "
                        "0 and 100 percent (not %(probability)s)."
                    )
                    % {
                        "customer": forecast.partner_id.name,
                        "probability": forecast.probability,
                    }
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        # Forecasts belong to the commercial customer: its contacts' orders count.
        commercial = self.partner_id.commercial_partner_id
        if commercial != self.partner_id:
            self.partner_id = commercial

    @api.model
    def _commercial_vals(self, vals):
        if not vals.get("partner_id"):
            return vals
        partner = self.env["res.partner"].browse(vals["partner_id"])
        return dict(vals, partner_id=partner.commercial_partner_id.id)

    @api.model
    def create(self, vals):
        check_finite_numbers(self, vals)
        return super(CustomerSalesForecast, self).create(self._commercial_vals(vals))

    @api.multi
    def write(self, vals):
        check_finite_numbers(self, vals)
        return super(CustomerSalesForecast, self).write(self._commercial_vals(vals))
