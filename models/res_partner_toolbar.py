from odoo import api, models

# Offered in the Print and Action menus of the Affiliates only (their action
# sets default_is_affiliate): a customer has no commission statement.
AFFILIATE_ACTIONS = (
    "customer_management.action_report_affiliate_commission",
    "customer_management.customer_affiliate_commission_wizard_action",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def fields_view_get(
        self, view_id=None, view_type="form", toolbar=False, submenu=False
    ):
        result = super(ResPartner, self).fields_view_get(
            view_id=view_id, view_type=view_type, toolbar=toolbar, submenu=submenu
        )
        if toolbar and not self.env.context.get("default_is_affiliate"):
            hidden = {
                action.id
                for action in (
                    self.env.ref(xmlid, raise_if_not_found=False)
                    for xmlid in AFFILIATE_ACTIONS
                )
                if action
            }
            for key, actions in result.get("toolbar", {}).items():
                result["toolbar"][key] = [a for a in actions if a["id"] not in hidden]
        return result
