from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.customer_interaction import CHANNELS
from ..models.constants import GROUP_USER, PROSPECT_CLASS


class CustomerFollowupWizard(models.TransientModel):
    """Log the outcome of a follow-up and re-classify the customer: closes its
    open follow-up activity (or records the follow-up without one), which
    records an interaction and moves the last follow-up date to today."""

    _name = "customer.followup.wizard"
    _description = "Log a customer follow-up and re-classify"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        default=lambda self: self._default_partner_id(),
    )
    activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Activity",
        readonly=True,
        help="The open follow-up activity this closes, when there is one.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    summary = fields.Char(required=True, default=lambda self: _("Follow-up"))
    details = fields.Text(help="What was said, what was agreed, what comes next.")
    current_class = fields.Selection(
        PROSPECT_CLASS, related="partner_id.prospect_class", readonly=True
    )
    prospect_class = fields.Selection(
        PROSPECT_CLASS,
        string="New Class",
        required=True,
        help="How soon will the customer close now? A: within 1 month, B: 3, C: 6, "
        "D: later, E: no need.",
    )
    expected_close_date = fields.Date()

    @api.model
    def _default_partner_id(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env.context.get("active_id")
        return False

    @api.model
    def default_get(self, fields_list):
        values = super(CustomerFollowupWizard, self).default_get(fields_list)
        partner = self.env["res.partner"].browse(values.get("partner_id"))
        if partner:
            values.update(
                {
                    "activity_id": partner._get_open_followup_activity().id,
                    "prospect_class": partner.prospect_class,
                    "expected_close_date": partner.expected_close_date,
                }
            )
        return values

    @api.onchange("prospect_class")
    def _onchange_prospect_class(self):
        # A new class suggests a new close date; the same class keeps it.
        if self.prospect_class and self.prospect_class != self.current_class:
            close = self.partner_id._get_expected_close_date(
                self.prospect_class, self.partner_id._get_metrics_today()
            )
            self.expected_close_date = close and fields.Date.to_string(close)

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group(GROUP_USER):
            raise AccessError(
                _("Only Customer Management users may log follow-ups and re-classify.")
            )
        if self.activity_id and not self.activity_id.exists():
            raise UserError(_("This follow-up activity was closed meanwhile."))
        interaction = {
            "channel": self.channel,
            "summary": self.summary,
            "details": self.details or False,
        }
        partner = self.partner_id.with_context(followup_interaction=interaction)
        if self.activity_id:
            self.activity_id.with_context(
                followup_interaction=interaction
            ).action_feedback(self.details or False)
        else:
            partner._record_followups_done([(partner.id, self.summary)])
        self.partner_id.write(
            {
                "prospect_class": self.prospect_class,
                "expected_close_date": self.expected_close_date,
            }
        )
        return {"type": "ir.actions.act_window_close"}
