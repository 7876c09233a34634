from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.customer_affiliate_commission import previous_month


class CustomerAffiliateCommissionWizard(models.TransientModel):
    """Prints the affiliate commission statement for a period: of the
    affiliates selected in the Affiliates list or form (or of the commission
    rows selected), else of every affiliate with commissions in the period."""

    _name = "customer.affiliate.commission.wizard"
    _description = "Print affiliate commission statements"

    def _default_date_from(self):
        return previous_month(fields.Date.context_today(self))[0]

    def _default_date_to(self):
        return previous_month(fields.Date.context_today(self))[1]

    def _default_affiliate_ids(self):
        context = self.env.context
        active_ids = context.get("active_ids") or []
        model = context.get("active_model")
        if model == "res.partner":
            return self.env["res.partner"].browse(active_ids).filtered("is_affiliate")
        if model == "customer.affiliate.commission":
            rows = self.env["customer.affiliate.commission"].browse(active_ids)
            return rows.mapped("affiliate_id")
        return self.env["res.partner"]

    date_from = fields.Date(
        "From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        "To", required=True, default=lambda self: self._default_date_to()
    )
    affiliate_ids = fields.Many2many(
        "res.partner",
        string="Affiliates",
        domain=[("is_affiliate", "=", True)],
        default=lambda self: self._default_affiliate_ids(),
        help="Leave empty to print every affiliate with commissions in the period.",
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise ValidationError(
                    _(
                        "The period ends (%(to)s) before it starts (%(from)s). "
                        "Choose an end date on or after the start date."
                    )
                    % {"from": wizard.date_from, "to": wizard.date_to}
                )

    @api.multi
    def action_print(self):
        """The statement PDF of the affiliates for the period."""
        self.ensure_one()
        affiliates = self.affiliate_ids
        if not affiliates:
            due = self.env["res.partner"]._get_affiliate_commission_due(
                self.date_from, self.date_to
            )
            affiliates = self.env["res.partner"].browse(sorted(due))
            if not affiliates:
                raise UserError(
                    _(
                        "No affiliate has commissions for invoices paid between "
                        "%(from)s and %(to)s. Choose another period or select "
                        "the affiliates to print."
                    )
                    % {"from": self.date_from, "to": self.date_to}
                )
        return self.env.ref(
            "customer_management.action_report_affiliate_commission"
        ).report_action(
            affiliates,
            data={"date_from": self.date_from, "date_to": self.date_to},
        )
