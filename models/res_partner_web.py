"""What the web client asks of res.partner, made to fit the customer form:
its Print/Action menus and the first onchange of a new record."""
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

    @api.multi
    def onchange(self, values, field_name, field_onchange):
        # Odoo 11 re-reads every name of the spec after each field it
        # processes (the first onchange of a new record processes them all:
        # 128 fields x 202 names, 2.5 s for the customer form). Names without
        # an onchange method are only read there (the changed values are
        # found by comparing ``values`` anyway), and the sub-fields of the
        # x2many lists still empty of a new record have nothing to read: both
        # are left out.
        first = not field_name
        field_onchange = {
            name: spec
            for name, spec in field_onchange.items()
            if (spec if "." not in name else not first)
            or ("." in name and not self._is_empty_x2many(values, name))
        }
        return super(ResPartner, self).onchange(values, field_name, field_onchange)

    @api.model
    def _is_empty_x2many(self, values, dotted_name):
        """The x2many field heading ``dotted_name`` has no record in
        ``values`` (the web client's commands)."""
        field = self._fields.get(dotted_name.split(".", 1)[0])
        if not field or field.type not in ("one2many", "many2many"):
            return False
        commands = values.get(field.name) or []
        return all(
            isinstance(command, (list, tuple))
            and (command[0] == 5 or (command[0] == 6 and not command[2]))
            for command in commands
        )
