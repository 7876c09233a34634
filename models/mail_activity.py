from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.multi
    def action_feedback(self, feedback=False):
        """A customer follow-up marked done (chatter "Done" or the follow-up
        wizard) is recorded as an interaction and moves the customer's last
        follow-up date to today."""
        followup_type = self.env.ref(
            "customer_management.mail_activity_type_followup",
            raise_if_not_found=False,
        )
        followups = self.filtered(
            lambda a: followup_type
            and a.res_model == "res.partner"
            and a.activity_type_id == followup_type
        )
        if followups:
            self.env["res.partner"]._record_followups_done(
                [(activity.res_id, activity.summary) for activity in followups],
                feedback,
            )
        return super(MailActivity, self).action_feedback(feedback)
