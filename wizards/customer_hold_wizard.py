from odoo import api, fields, models


class CustomerHoldWizard(models.TransientModel):
    """Asks a Credit Manager for the mandatory reason of a hold or release."""

    _name = "customer.hold.wizard"
    _description = "Place or release a financial hold"

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            return [(6, 0, self.env.context.get("active_ids", []))]
        return []

    partner_ids = fields.Many2many(
        "res.partner", string="Customers", required=True, default=_default_partner_ids
    )
    mode = fields.Selection(
        [("place", "Place on hold"), ("release", "Release hold")],
        required=True,
        default=lambda self: self.env.context.get("hold_mode", "place"),
    )
    reason = fields.Text(required=True)

    @api.multi
    def action_apply(self):
        self.ensure_one()
        if self.mode == "place":
            self.partner_ids.action_place_hold(self.reason)
        else:
            self.partner_ids.action_release_hold(self.reason)
        return {"type": "ir.actions.act_window_close"}
