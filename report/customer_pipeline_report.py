from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..models.constants import (
    CUSTOMER_STATUS,
    GROUP_USER,
    NO_CLASS,
    PIPELINE,
    PROSPECT_CLASS,
)

FOLLOWUPS_SHOWN = 30
# Funnel geometry (SVG user units = CSS pixels): a label column on the left, the
# bars centred in the bar area, the count right of the bar area.
FUNNEL_LABEL_WIDTH = 150
FUNNEL_BAR_AREA = 420
FUNNEL_COUNT_WIDTH = 70
FUNNEL_BAR_HEIGHT = 26
FUNNEL_GAP = 8
FUNNEL_COLORS = {
    "prospect_c": "#9ecae1",
    "prospect_b": "#6baed6",
    "prospect_a": "#3182bd",
    "negotiation": "#08519c",
    "active": "#31a354",
}


def check_report_access(env, report_title):
    """The customer reports show interactions, guarantors, forecasts and credit:
    only Customer Management users print them (checked on the server, the
    report's groups only hide it from the Print menu)."""
    if not env.user.has_group(GROUP_USER):
        raise AccessError(
            _("Only Customer Management users may print the %s.") % report_title
        )


class ReportCustomerPipeline(models.AbstractModel):
    """Customer pipeline report: customers by status and class (counts and
    expected revenue), the pipeline funnel, follow-ups due and customers on hold.

    Scope: the commercial customers of ``docids``; every customer when there is
    none or when ``data['all_customers']`` is set (the "Pipeline report" menu).
    ``data['date']`` prints the report as of another day than today. Amounts are
    in the currency of the user's company, from that company's records.
    """

    _name = "report.customer_management.report_customer_pipeline"
    _description = "Customer Pipeline Report"

    @api.model
    def get_report_values(self, docids, data=None):
        check_report_access(self.env, _("customer pipeline report"))
        data = data or {}
        today = data.get("date") or fields.Date.context_today(self)
        company = self.env.user.company_id
        partners = self.env["res.partner"]
        if docids and not data.get("all_customers"):
            partners = partners.browse(docids).mapped("commercial_partner_id")
        domain = self._get_scope_domain(partners)
        table = self._get_status_class_table(domain, today, company)
        followup_domain = domain + [("next_followup_date", "<=", today)]
        Partner = self.env["res.partner"]
        return dict(
            table,
            doc_ids=docids,
            doc_model="res.partner",
            docs=partners,
            report_date=today,
            company=company,
            currency=company.currency_id,
            scope_all=not partners,
            funnel=self._get_funnel(table["row_totals"]),
            followups_due_count=Partner.search_count(followup_domain),
            followups_due=Partner.search(
                followup_domain,
                order="next_followup_date, name, id",
                limit=FOLLOWUPS_SHOWN,
            ),
            followups_shown=FOLLOWUPS_SHOWN,
            holds=self._get_holds(domain, today, company),
        )

    @api.model
    def _get_scope_domain(self, partners):
        """Commercial customers: among ``partners`` when given, else all."""
        domain = [
            ("customer", "=", True),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
        ]
        if partners:
            domain = [("id", "in", partners.ids)] + domain
        return domain

    @api.model
    def _get_status_class_table(self, domain, today, company):
        """Counts and expected revenue per (status, class), with totals: one
        read_group on the customers, one on their forecasts still running."""
        statuses = [key for key, _label in CUSTOMER_STATUS]
        classes = [key for key, _label in PROSPECT_CLASS] + [NO_CLASS]
        matrix = {
            status: {cls: {"count": 0, "revenue": 0.0} for cls in classes}
            for status in statuses
        }
        Partner = self.env["res.partner"]
        groups = Partner.read_group(
            domain,
            ["customer_status", "prospect_class"],
            ["customer_status", "prospect_class"],
            lazy=False,
        )
        for group in groups:
            cell = matrix.get(group["customer_status"], {}).get(
                group["prospect_class"] or NO_CLASS
            )
            if cell is not None:
                cell["count"] += group.get("__count", 0)
        revenue = self._get_expected_revenue(domain, today, company)
        for partner in Partner.browse(list(revenue)):
            cell = matrix[partner.customer_status][partner.prospect_class or NO_CLASS]
            cell["revenue"] += revenue[partner.id]
        return dict(self._get_table_totals(matrix), matrix=matrix)

    @api.model
    def _get_table_totals(self, matrix):
        """Row, column and grand totals of the status x class matrix, with the
        labels of its rows and columns."""
        statuses = [key for key, _label in CUSTOMER_STATUS]
        classes = [key for key, _label in PROSPECT_CLASS] + [NO_CLASS]

        def total(cells):
            return {
                "count": sum(cell["count"] for cell in cells),
                "revenue": sum(cell["revenue"] for cell in cells),
            }

        row_totals = {s: total(matrix[s].values()) for s in statuses}
        class_labels = dict(
            [(key, key.upper()) for key, _label in PROSPECT_CLASS]
            + [(NO_CLASS, _("No class"))]
        )
        return {
            "statuses": CUSTOMER_STATUS,
            "classes": [(c, class_labels[c]) for c in classes],
            "class_help": PROSPECT_CLASS,
            "row_totals": row_totals,
            "column_totals": {
                c: total([matrix[s][c] for s in statuses]) for c in classes
            },
            "total": total(row_totals.values()),
        }

    @api.model
    def _get_expected_revenue(self, domain, today, company):
        """{customer id: expected amount of its forecasts of ``company`` not
        ended on ``today``} for the customers of ``domain``: one read_group."""
        forecast_domain = [
            ("date_end", ">=", today),
            ("company_id", "=", company.id),
        ] + [
            (
                ("partner_id.%s" % leaf[0], leaf[1], leaf[2])
                if isinstance(leaf, (list, tuple))
                else leaf
            )
            for leaf in domain
        ]
        return {
            group["partner_id"][0]: group["expected_amount"] or 0.0
            for group in self.env["customer.sales.forecast"].read_group(
                forecast_domain, ["partner_id", "expected_amount"], ["partner_id"]
            )
        }

    @api.model
    def _get_funnel(self, row_totals):
        """Geometry of the funnel chart (one bar per pipeline stage, C-level
        prospect to active customer, width proportional to the count, centred),
        so that the template only places what is computed here."""
        labels = dict(CUSTOMER_STATUS)
        largest = max([row_totals[stage]["count"] for stage in PIPELINE] + [0])
        bars = []
        for index, stage in enumerate(PIPELINE):
            count = row_totals[stage]["count"]
            width = round(FUNNEL_BAR_AREA * count / largest, 1) if largest else 0.0
            y = FUNNEL_GAP + index * (FUNNEL_BAR_HEIGHT + FUNNEL_GAP)
            bars.append(
                {
                    "stage": stage,
                    "label": labels[stage],
                    "count": count,
                    "x": round(FUNNEL_LABEL_WIDTH + (FUNNEL_BAR_AREA - width) / 2, 1),
                    "y": y,
                    "width": width,
                    "height": FUNNEL_BAR_HEIGHT,
                    "text_y": y + FUNNEL_BAR_HEIGHT / 2 + 5,
                    "color": FUNNEL_COLORS[stage],
                }
            )
        return {
            "bars": bars,
            "width": FUNNEL_LABEL_WIDTH + FUNNEL_BAR_AREA + FUNNEL_COUNT_WIDTH,
            "height": FUNNEL_GAP + len(PIPELINE) * (FUNNEL_BAR_HEIGHT + FUNNEL_GAP),
            "label_x": FUNNEL_LABEL_WIDTH - 10,
            "count_x": FUNNEL_LABEL_WIDTH + FUNNEL_BAR_AREA + 10,
            "bar_area": FUNNEL_BAR_AREA,
        }

    @api.model
    def _get_holds(self, domain, today, company):
        """Customers on hold with their credit and overdue amounts (company
        currency), oldest hold first."""
        held = self.env["res.partner"].search(
            domain + [("customer_status", "=", "hold")], order="hold_date, name, id"
        )
        overdue = self._get_overdue_amounts(held, company, today)
        lines = [
            {
                "partner": partner,
                "hold_date": partner.hold_date,
                "reason": partner.hold_reason or "",
                "credit_used": partner.credit_used,
                "credit_limit": partner.credit_limit,
                "overdue": overdue.get(partner.id, 0.0),
            }
            for partner in held
        ]
        return {
            "lines": lines,
            "credit_used": sum(line["credit_used"] for line in lines),
            "overdue": sum(line["overdue"] for line in lines),
        }

    @api.model
    def _get_overdue_amounts(self, partners, company, today):
        """{commercial partner id: residual of its posted customer invoices of
        ``company`` past due on ``today``} in the company currency, one query.
        The due date is the invoice's; without a payment term the customer's
        payment days apply (as in the hold rule, without the grace days)."""
        if not partners.ids:
            return {}
        self.env["account.invoice"].check_access_rights("read")
        self.env.cr.execute(
            """
            SELECT ai.commercial_partner_id, SUM(ai.residual_company_signed)
              FROM account_invoice ai
              JOIN res_partner p ON p.id = ai.commercial_partner_id
             WHERE ai.commercial_partner_id IN %(partners)s
               AND ai.company_id = %(company)s
               AND ai.type = 'out_invoice' AND ai.state = 'open'
               AND CASE WHEN ai.payment_term_id IS NULL
                             AND COALESCE(p.payment_days, 0) > 0
                        THEN ai.date_invoice + p.payment_days
                        ELSE ai.date_due END < %(today)s
             GROUP BY ai.commercial_partner_id""",
            {"partners": tuple(partners.ids), "company": company.id, "today": today},
        )
        return dict(self.env.cr.fetchall())
