from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError


class CustomerCreditOverride(models.Model):
    """A Credit Manager's approval to confirm one specific order past the
    customer's credit limit. Checked on the server at confirmation."""

    _name = "customer.credit.override"
    _description = "Credit Limit Override"
    _order = "date desc, id desc"
    _rec_name = "order_id"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="order_id.partner_id.commercial_partner_id",
        store=True,
        readonly=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    amount_over = fields.Monetary(
        required=True,
        readonly=True,
        help="How far past the credit limit this order may take the customer.",
    )
    reason = fields.Text(required=True, readonly=True)
    approver_id = fields.Many2one(
        "res.users", required=True, readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    _sql_constraints = [
        (
            "amount_over_positive",
            "CHECK(amount_over > 0)",
            "The amount over the limit must be positive.",
        ),
    ]

    @api.constrains("reason")
    def _check_reason(self):
        for override in self:
            if not (override.reason or "").strip():
                raise ValidationError(_("An override needs a reason."))

    @api.model
    def create(self, vals):
        if not self.env.user.has_group("customer_management.group_credit_manager"):
            raise AccessError(
                _(
                    "Only a Credit Manager may approve an order over the "
                    "credit limit."
                )
            )
        vals = dict(vals, approver_id=self.env.uid)
        override = super(CustomerCreditOverride, self).create(vals)
        override.order_id.message_post(
            body=_(
                "Approved past the credit limit by %(user)s for %(over).2f over. "
                "Reason: %(reason)s"
            )
            % {
                "user": self.env.user.name,
                "over": override.amount_over,
                "reason": override.reason,
            }
        )
        return override
