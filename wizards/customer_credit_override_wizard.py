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
    refusal = fields.Char(
        related="order_id.credit_refusal",
        readonly=True,
        help="Why the order is refused without an approval.",
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
            wizard.amount_over = wizard._get_amount_over(order)

    @api.model
    def _get_amount_over(self, order):
        """How far the order takes past their limit the commercial partners
        whose credit it uses (customer and invoice address), at most."""
        amount = order._amount_in_company_currency()
        # the limits of the order's company
        partners = order._credit_partners().with_context(
            force_company=order.company_id.id
        )
        used = partners._get_credit_used(order.company_id)
        return max(
            [0.0]
            + [
                used.get(p.id, 0.0) + amount - p.credit_limit
                for p in partners
                if p.credit_limit > 0
            ]
        )

    @api.multi
    def action_approve_and_confirm(self):
        self.ensure_one()
        order = self.order_id
        if order.credit_refusal_manual_hold:
            raise UserError(
                _(
                    "A Credit Manager put this customer on hold by hand: release "
                    "the hold first."
                )
            )
        if not order.credit_refusal:
            raise UserError(
                _("The credit rules let this order through: no approval needed.")
            )
        self.env["customer.credit.override"].create(
            {
                "order_id": order.id,
                "amount_over": self.amount_over,
                "reason": self.reason,
            }
        )
        order.action_confirm()
        return {"type": "ir.actions.act_window_close"}
