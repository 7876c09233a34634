"""Server-side guard of the early payment discount account setting.

execute() (the Save button) already refuses users without Administration /
Settings; set_values() is public over RPC and writes the parameters as
superuser, so it checks the rights itself before changing the account.
"""
from odoo import _, api, models
from odoo.exceptions import AccessError


class ResConfigSettings(  # pylint: disable=consider-merging-classes-inherited
    models.TransientModel
):
    _inherit = "res.config.settings"

    @api.multi
    def set_values(self):
        current = self.env["account.payment"]._get_early_discount_account()
        user = self.env.user
        if (
            any(settings.cm_early_discount_account_id != current for settings in self)
            and not user._is_superuser()
            and not user.has_group("base.group_system")
            and not user.has_group("customer_management.group_customer_manager")
        ):
            raise AccessError(
                _(
                    "Only administrators and Customer Management managers can change "
                    "the "
                    "early payment discount account."
                )
            )
        return super(ResConfigSettings, self).set_values()
