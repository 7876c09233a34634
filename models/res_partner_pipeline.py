"""What the pipeline kanban shows on its cards and column headers, cheap for a
whole column: the expected revenue is stored (summed per column by
read_group), the hold amounts and the logo flag are computed for the records
of a column at once, in a constant number of queries."""

import base64
import hashlib

from odoo import _, api, fields, models, tools
from odoo.modules.module import get_module_resource

# Odoo 11 stores one of these images on a partner created without one.
DEFAULT_IMAGES = ("company_image.png", "money.png", "truck.png")
_default_image_checksums = None


def default_image_checksums():
    """Checksums of the small images Odoo 11 derives from its default partner
    images (computed once per process)."""
    global _default_image_checksums  # pylint: disable=global-statement
    if _default_image_checksums is None:
        checksums = set()
        for name in DEFAULT_IMAGES:
            with open(get_module_resource("base", "static/src/img", name), "rb") as img:
                # as _get_default_image() makes it, then create() its small size
                image = tools.image_resize_image_big(base64.b64encode(img.read()))
            small = tools.image_resize_image_small(image)
            checksums.add(hashlib.sha1(base64.b64decode(small)).hexdigest())
        _default_image_checksums = checksums
    return _default_image_checksums


class ResPartner(models.Model):
    _inherit = "res.partner"

    expected_revenue = fields.Monetary(
        compute="_compute_expected_revenue",
        store=True,
        currency_field="currency_id",
        help="Forecast amount x probability of the customer's forecasts whose "
        "period has not ended (as in the pipeline analysis). Refreshed when a "
        "forecast changes and every night.",
        prefetch=False,
    )
    hold_overdue_amount = fields.Monetary(
        compute="_compute_hold_amounts",
        currency_field="hold_currency_id",
        help="For a customer on hold: its invoices overdue past the grace days.",
    )
    hold_over_limit_amount = fields.Monetary(
        compute="_compute_hold_amounts",
        currency_field="hold_currency_id",
        help="For a customer on hold: how far its credit used is past its limit.",
    )
    hold_currency_id = fields.Many2one("res.currency", compute="_compute_hold_amounts")
    has_logo = fields.Boolean(
        compute="_compute_has_logo",
        help="The partner has an image of its own (not one of Odoo's placeholders).",
    )

    @api.model_cr_context
    def _auto_init(self):
        # The new column is filled in one statement, not computed and written
        # record by record for every partner.
        cr = self.env.cr
        if not tools.column_exists(cr, self._table, "expected_revenue"):
            tools.create_column(cr, self._table, "expected_revenue", "numeric")
            if tools.table_exists(cr, "customer_sales_forecast"):
                self._refresh_expected_revenue()
        return super(ResPartner, self)._auto_init()

    @api.multi
    @api.depends("sales_forecast_ids.expected_amount", "sales_forecast_ids.date_end")
    def _compute_expected_revenue(self):
        ids = [partner_id for partner_id in self.ids if isinstance(partner_id, int)]
        totals = {}
        if ids:
            groups = (
                self.env["customer.sales.forecast"]
                .sudo()
                .read_group(
                    [
                        ("partner_id", "in", ids),
                        ("date_end", ">=", fields.Date.context_today(self)),
                    ],
                    ["partner_id", "expected_amount"],
                    ["partner_id"],
                )
            )
            totals = {g["partner_id"][0]: g["expected_amount"] for g in groups}
        for partner in self:
            partner.expected_revenue = totals.get(partner.id, 0.0)

    @api.model
    def _refresh_expected_revenue(self):
        """Every night: forecasts whose period ended no longer count. One
        statement; only the partners whose amount changes are written."""
        self.env.cr.execute(
            """
            WITH current AS (
                SELECT partner_id, SUM(expected_amount) AS total
                  FROM customer_sales_forecast
                 WHERE date_end >= %s
                 GROUP BY partner_id
            ), todo AS (
                SELECT id FROM res_partner WHERE expected_revenue <> 0
                 UNION
                SELECT partner_id FROM customer_sales_forecast
            )
            UPDATE res_partner p
               SET expected_revenue = COALESCE(current.total, 0.0)
              FROM todo LEFT JOIN current ON current.partner_id = todo.id
             WHERE p.id = todo.id
               AND p.expected_revenue IS DISTINCT FROM COALESCE(current.total, 0.0)
            """,
            (fields.Date.context_today(self),),
        )
        self.invalidate_cache(["expected_revenue"])

    @api.model
    def _cron_nightly_recompute(self, batch_size=2000):
        result = super(ResPartner, self)._cron_nightly_recompute(batch_size=batch_size)
        self._refresh_expected_revenue()
        return result

    @api.multi
    def _compute_hold_amounts(self):
        # The held customers of the recordset through the credit rule at once.
        company = self.env.user.company_id
        held = self.filtered(
            lambda p: p.customer_status == "hold" and isinstance(p.id, int)
        )
        reasons = held._credit_hold_reasons(company) if held else {}
        for partner in self:
            found = {
                reason["code"]: reason
                for reason in reasons.get(partner.commercial_partner_id.id, [])
            }
            partner.hold_currency_id = company.currency_id
            partner.hold_overdue_amount = found.get("overdue", {}).get("amount", 0.0)
            partner.hold_over_limit_amount = found.get("credit", {}).get("over", 0.0)

    @api.multi
    def _compute_has_logo(self):
        ids = tuple(pid for pid in self.ids if isinstance(pid, int))
        checksums = {}
        if ids:
            self.env.cr.execute(
                """
                SELECT res_id, checksum FROM ir_attachment
                 WHERE res_model = 'res.partner' AND res_field = 'image_small'
                   AND res_id IN %s""",
                (ids,),
            )
            checksums = dict(self.env.cr.fetchall())
        defaults = default_image_checksums()
        for partner in self:
            checksum = checksums.get(partner.id)
            partner.has_logo = bool(checksum) and checksum not in defaults

    @api.model
    def fields_view_get(
        self, view_id=None, view_type="form", toolbar=False, submenu=False
    ):
        """Kanban columns grouped by class: the customers without a class get
        a column titled "No class" (the web client titles it with the raw
        value, false, unless the selection names it)."""
        result = super(ResPartner, self).fields_view_get(
            view_id=view_id, view_type=view_type, toolbar=toolbar, submenu=submenu
        )
        field = result.get("fields", {}).get("prospect_class")
        if view_type == "kanban" and field and field.get("selection"):
            if not any(key is False for key, _label in field["selection"]):
                field["selection"] = [(False, _("No class"))] + list(field["selection"])
        return result

    @api.model
    def read_progress_bar(self, domain, group_by, progress_bar):
        """The kanban's progress bars grouped by a selection field: Odoo 11's
        web client looks each column's counts up by the column's title (the
        label) while this method keys them by value, so every bar stayed
        empty; keyed by label here, as the kanban titles its columns."""
        data = super(ResPartner, self).read_progress_bar(domain, group_by, progress_bar)
        name = group_by.partition(":")[0]
        if self._fields[name].type != "selection":
            return data
        labels = dict(self.fields_get([name], ["selection"])[name]["selection"])
        if name == "prospect_class":
            labels[False] = _("No class")
        return {labels.get(key, key): counts for key, counts in data.items()}
