from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class CustomerCreditOverride(models.Model):
    """A Credit Manager's approval to confirm one specific order past the
    customer's credit limit (or an automatic hold), checked on the server at
    confirmation. An audit record: never changed nor deleted; it outlives
    its order (which keeps its name here)."""

    _name = "customer.credit.override"
    _description = "Credit Limit Override"
    _order = "date desc, id desc"
    _rec_name = "order_name"

    order_id = fields.Many2one(
        "sale.order", ondelete="set null", index=True, readonly=True
    )
    order_name = fields.Char(string="Order", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    amount_order = fields.Monetary(
        string="Approved Order Total",
        readonly=True,
        help="The order total (company currency) this approval covers at most.",
    )
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
            "CHECK(amount_over >= 0)",
            "The amount over the limit cannot be negative.",
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
        order = self.env["sale.order"].browse(vals.get("order_id")).exists()
        if not order or order.state not in ("draft", "sent", "sale"):
            raise UserError(_("An approval is given for one open order."))
        # What the approval is about comes from the order, not the caller.
        vals = dict(
            vals,
            approver_id=self.env.uid,
            date=fields.Datetime.now(),
            order_name=order.name,
            partner_id=order.partner_id.commercial_partner_id.id,
            company_id=order.company_id.id,
            amount_order=vals.get("amount_order")
            or order._amount_in_company_currency(),
        )
        override = super(CustomerCreditOverride, self).create(vals)
        order.message_post(
            body=_(
                "Approved past the credit limit by %(user)s for %(over).2f over "
                "(order total up to %(total).2f). Reason: %(reason)s"
            )
            % {
                "user": self.env.user.name,
                "over": override.amount_over,
                "total": override.amount_order,
                "reason": override.reason,
            }
        )
        return override

    @api.multi
    def write(self, vals):
        if self:
            raise AccessError(_("A credit approval cannot be changed."))
        return super(CustomerCreditOverride, self).write(vals)

    @api.multi
    def unlink(self):
        if self:
            raise AccessError(_("A credit approval cannot be deleted."))
        return super(CustomerCreditOverride, self).unlink()
