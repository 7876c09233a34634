from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from ..models.customer_affiliate_commission import previous_month
from .customer_pipeline_report import check_report_access

ROW_FIELDS = [
    "affiliate_id",
    "partner_id",
    "invoice_number",
    "invoice_type",
    "date_invoice",
    "date_paid",
    "amount_base",
    "commission_amount",
]


class ReportAffiliateCommission(models.AbstractModel):
    """Affiliate commission statement: one page per affiliate of ``docids``
    listing, per customer it brought, the invoices and credit notes paid in the
    period (by payment date, both ends inclusive) with their untaxed amount,
    the rate, the commission and the totals.

    The period comes from ``data['date_from']`` and ``data['date_to']`` (the
    wizard "Commission statement"); printed from the Print menu without data,
    it is the previous full month. Rows are those of the user's current company,
    amounts in its currency; the affiliate's current rate applies (see
    customer.affiliate.commission). All rows come from one search_read.
    """

    _name = "report.customer_management.report_affiliate_commission"
    _description = "Affiliate Commission Statement"

    @api.model
    def get_report_values(self, docids, data=None):
        check_report_access(self.env, _("affiliate commission statement"))
        data = data or {}
        date_from, date_to = self._get_period(data)
        company = self.env.user.company_id
        affiliates = self.env["res.partner"].browse(docids or [])
        self._check_affiliates(affiliates)
        return {
            "doc_ids": affiliates.ids,
            "doc_model": "res.partner",
            "docs": affiliates,
            "date_from": date_from,
            "date_to": date_to,
            "company": company,
            "currency": company.currency_id,
            "statements": self._get_statements(affiliates, date_from, date_to, company),
        }

    @api.model
    def _check_affiliates(self, partners):
        """A statement for a partner who is no affiliate would say 0 %."""
        others = partners.filtered(lambda partner: not partner.is_affiliate)
        if others:
            raise UserError(
                _(
                    "%s is not a sales affiliate: there is no commission statement "
                    "to print. Mark the partner as a sales affiliate first."
                )
                % ", ".join(others.mapped("display_name"))
            )

    @api.model
    def _get_period(self, data):
        """(date_from, date_to) of ``data``, else the previous full month."""
        default_from, default_to = previous_month(fields.Date.context_today(self))
        return data.get("date_from") or default_from, data.get("date_to") or default_to

    @api.model
    def _get_statements(self, affiliates, date_from, date_to, company):
        """{affiliate id: {"customers": [{"name", "rows", "base", "commission"}]
        sorted by customer name, "base", "commission", "count"}} for every
        affiliate of ``affiliates`` (empty statements included)."""
        statements = {
            affiliate.id: {"customers": [], "base": 0.0, "commission": 0.0, "count": 0}
            for affiliate in affiliates
        }
        if not affiliates:
            return statements
        rows = self.env["customer.affiliate.commission"].search_read(
            [
                ("affiliate_id", "in", affiliates.ids),
                ("date_paid", ">=", date_from),
                ("date_paid", "<=", date_to),
                ("company_id", "=", company.id),
            ],
            ROW_FIELDS,
            order="date_paid, invoice_number, id",
        )
        customers = {}
        for row in rows:
            key = (row["affiliate_id"][0], row["partner_id"][0])
            if key not in customers:
                customers[key] = {
                    "name": row["partner_id"][1],
                    "rows": [],
                    "base": 0.0,
                    "commission": 0.0,
                }
            customer = customers[key]
            customer["rows"].append(row)
            customer["base"] += row["amount_base"]
            customer["commission"] += row["commission_amount"]

        def round_amount(amount):
            # The commissions are rounded to the cent per invoice, in SQL.
            return float_round(amount, precision_digits=2)

        for (affiliate_id, _customer_id), customer in sorted(
            customers.items(), key=lambda item: (item[1]["name"] or "").lower()
        ):
            customer["base"] = round_amount(customer["base"])
            customer["commission"] = round_amount(customer["commission"])
            statement = statements[affiliate_id]
            statement["customers"].append(customer)
            statement["base"] = round_amount(statement["base"] + customer["base"])
            statement["commission"] = round_amount(
                statement["commission"] + customer["commission"]
            )
            statement["count"] += len(customer["rows"])
        return statements
