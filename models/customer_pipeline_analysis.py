"""Pipeline analysis: one row per customer (commercial entity) with where it
stands (status, class, type, area, team) and what it should bring, for the
pivot and graph views of Customers > Analysis. A read-only SQL view, like
core's sale.report, so grouping 100,000 customers is one aggregate query.

Amounts are in company currency (orders converted with the rate of their
date, as sale.report does):
- expected_revenue: forecast x probability of the forecasts not yet ended;
- forecast_year: forecast x probability of the forecasts starting this year;
- actual_year: untaxed amount of the orders confirmed this year.
"""

from odoo import api, fields, models, tools

from .constants import CUSTOMER_STATUS, NO_CLASS, PROSPECT_CLASS

SELECTIONS = ["customer_status", "prospect_class"]
# Group order of the pivot and graph: the pipeline's, then A to E, no class.
ORDER = {
    "customer_status": {key: i for i, (key, _label) in enumerate(CUSTOMER_STATUS)},
    "prospect_class": {
        key: i for i, (key, _label) in enumerate(PROSPECT_CLASS + [(NO_CLASS, "")])
    },
}


class CustomerPipelineAnalysis(models.Model):
    _name = "customer.pipeline.analysis"
    _description = "Customer pipeline analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_status = fields.Selection(CUSTOMER_STATUS, readonly=True)
    prospect_class = fields.Selection(
        PROSPECT_CLASS + [(NO_CLASS, "No class")], string="Class", readonly=True
    )
    customer_type_id = fields.Many2one("customer.type", readonly=True)
    service_area_id = fields.Many2one("customer.service.area", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    next_followup_date = fields.Date("Next Follow-up", readonly=True)
    expected_close_date = fields.Date(readonly=True)
    # The web client's own "Count" is the measure: this one is for RPC.
    customer_count = fields.Integer(
        "# Customers", readonly=True, groups="base.group_no_one"
    )
    expected_revenue = fields.Float(
        readonly=True,
        help="Forecast amount x probability of the customer's forecasts whose "
        "period has not ended.",
    )
    forecast_year = fields.Float(
        "Forecast This Year",
        readonly=True,
        help="Forecast amount x probability of the forecasts starting this year.",
    )
    actual_year = fields.Float(
        "Sales This Year",
        readonly=True,
        help="Untaxed amount of the orders confirmed this year.",
    )

    def _query(self):
        return """
            WITH currency_rate AS (%s),
            forecast AS (
                SELECT f.partner_id,
                       SUM(f.expected_amount)
                           FILTER (WHERE f.date_end >= CURRENT_DATE) AS expected,
                       SUM(f.expected_amount)
                           FILTER (WHERE date_trunc('year', f.date_start)
                                         = date_trunc('year', CURRENT_DATE)) AS year
                  FROM customer_sales_forecast f
                 GROUP BY f.partner_id
            ),
            actual AS (
                SELECT c.commercial_partner_id AS partner_id,
                       SUM(so.amount_untaxed / COALESCE(cr.rate, 1.0)) AS year
                  FROM sale_order so
                  JOIN res_partner c ON c.id = so.partner_id
                  JOIN product_pricelist pl ON pl.id = so.pricelist_id
                  LEFT JOIN currency_rate cr
                         ON cr.currency_id = pl.currency_id
                        AND cr.company_id = so.company_id
                        AND cr.date_start <= so.confirmation_date
                        AND (cr.date_end IS NULL OR cr.date_end > so.confirmation_date)
                 WHERE so.state IN ('sale', 'done')
                   AND so.confirmation_date >= date_trunc('year', CURRENT_DATE)
                 GROUP BY c.commercial_partner_id
            )
            SELECT p.id AS id, p.id AS partner_id, p.customer_status,
                   COALESCE(p.prospect_class, '%s') AS prospect_class,
                   p.customer_type_id, p.service_area_id,
                   p.user_id, p.team_id, p.country_id, p.company_id,
                   p.next_followup_date, p.expected_close_date,
                   1 AS customer_count,
                   COALESCE(forecast.expected, 0.0) AS expected_revenue,
                   COALESCE(forecast.year, 0.0) AS forecast_year,
                   COALESCE(actual.year, 0.0) AS actual_year
              FROM res_partner p
              LEFT JOIN forecast ON forecast.partner_id = p.id
              LEFT JOIN actual ON actual.partner_id = p.id
             WHERE p.customer AND p.active AND p.commercial_partner_id = p.id
        """ % (
            self.env["res.currency"]._select_companies_rates(),
            NO_CLASS,
        )

    @api.model
    def read_group(  # pylint: disable=too-many-arguments,redefined-outer-name
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        groups = super(CustomerPipelineAnalysis, self).read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        if isinstance(groupby, str):
            groupby = [groupby]
        names = [name.split(":")[0] for name in groupby or []]
        if not lazy and not orderby and names == SELECTIONS:
            groups = self._fill_status_class_grid(groups, domain, fields)
        if not orderby and names and all(n in ORDER for n in names):
            groups.sort(key=lambda g: self._selection_key(g, names))
        return groups

    @api.model
    def _selection_key(self, group, names):
        """Pipeline order (statuses), then A to E and no class last."""
        return tuple(ORDER[name].get(group[name], 99) for name in names)

    @api.model
    def _fill_status_class_grid(self, groups, domain, field_names):
        """Status x class groups of the graph: every class found under some
        status gets a (zero) group under every status, so that the legend
        lists the classes in their order whatever the first status holds."""
        statuses = {g["customer_status"] for g in groups}
        classes = {g["prospect_class"] for g in groups}
        found = {(g["customer_status"], g["prospect_class"]) for g in groups}
        names = [name.split(":")[0] for name in field_names]
        measures = [n for n in names if n in self._fields and n not in SELECTIONS]
        for status in statuses:
            for klass in classes - {k for s, k in found if s == status}:
                group = dict.fromkeys(measures, 0)
                group.update(
                    {
                        "customer_status": status,
                        "prospect_class": klass,
                        "__count": 0,
                        "__domain": list(domain or [])
                        + [
                            ("customer_status", "=", status),
                            ("prospect_class", "=", klass),
                        ],
                    }
                )
                groups.append(group)
        return groups

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            "CREATE OR REPLACE VIEW %s AS (%s)" % (self._table, self._query())
        )
