from odoo import _, api, models


class MailTrackingValue(models.Model):
    _inherit = "mail.tracking.value"

    @api.multi
    def get_display_value(self, type):  # pylint: disable=redefined-builtin
        """Yes/No for a tracked boolean: the chatter of Odoo 11 shows the raw
        JSON value ("Sales Affiliate: true")."""
        values = super(MailTrackingValue, self).get_display_value(type)
        if not any(record.field_type == "boolean" for record in self):
            return values  # _() costs a stack inspection: only when needed
        yes, no = _("Yes"), _("No")
        return [
            (yes if value else no) if record.field_type == "boolean" else value
            for record, value in zip(self, values)
        ]
