from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CustomerCreditOverrideWizard(models.TransientModel):
    """Approve one quotation past the credit limit, then confirm it."""

    _name = "customer.credit.override.wizard"
    _description = "Approve an order over the credit limit"

    order_id = fields.Many2one(
        "sale.order",
        required=True,
        readonly=True,
        default=lambda self: self.env.context.get("active_id"),
    )
    currency_id = fields.Many2one(
        related="order_id.company_id.currency_id", readonly=True
    )
    credit_limit = fields.Monetary(compute="_compute_amounts")
    credit_used = fields.Monetary(compute="_compute_amounts")
    amount_over = fields.Monetary(
        compute="_compute_amounts",
        help="How far past the limit this order takes the customer.",
    )
    reason = fields.Text(required=True)

    @api.depends("order_id")
    def _compute_amounts(self):
        for wizard in self:
            order = wizard.order_id
            partner = order.partner_id.commercial_partner_id
            used = partner._get_credit_used(order.company_id).get(partner.id, 0.0)
            # the limit of the order's company, in its currency
            limit = partner.with_context(force_company=order.company_id.id).credit_limit
            wizard.credit_limit = limit
            wizard.credit_used = used
            wizard.amount_over = max(
                0.0, used + order._amount_in_company_currency() - limit
            )

    @api.multi
    def action_approve_and_confirm(self):
        self.ensure_one()
        if self.amount_over <= 0:
            raise UserError(
                _("This order fits in the credit limit: no override needed.")
            )
        self.env["customer.credit.override"].create(
            {
                "order_id": self.order_id.id,
                "amount_over": self.amount_over,
                "reason": self.reason,
            }
        )
        self.order_id.action_confirm()
        return {"type": "ir.actions.act_window_close"}
