"""Credit limits are ir.property records (the field is company-dependent):
only a Credit Manager writes the limit of a commercial partner or the default
one, whatever model the write goes through."""

from odoo import _, api, models
from odoo.exceptions import AccessError

from .constants import GROUP_CREDIT
from .res_partner_credit_limit import PARTNER_REF


class IrProperty(models.Model):
    _inherit = "ir.property"

    @api.model
    def create(self, vals):
        if vals.get("fields_id"):
            field = self.env["ir.model.fields"].sudo().browse(vals["fields_id"])
            if (field.model, field.name) == ("res.partner", "credit_limit"):
                self._check_credit_limit_property(vals.get("res_id"))
        return super(IrProperty, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_credit_limit_properties()
        return super(IrProperty, self).write(vals)

    @api.multi
    def unlink(self):
        self._check_credit_limit_properties()
        return super(IrProperty, self).unlink()

    @api.multi
    def _check_credit_limit_properties(self):
        for prop in self.sudo():
            if (prop.fields_id.model, prop.fields_id.name) == (
                "res.partner",
                "credit_limit",
            ):
                self._check_credit_limit_property(prop.res_id)

    @api.model
    def _check_credit_limit_property(self, res_id):
        """The limits are properties that salespeople (who may write any
        property) could edit directly: only a Credit Manager writes the limit
        of a commercial partner or the default one. A contact's copy (synced
        from its company by the ORM) is never read by the credit rule."""
        user = self.env.user
        if user._is_superuser() or user.has_group(GROUP_CREDIT):
            return
        partner = self.env["res.partner"].sudo()
        if res_id and res_id.startswith(PARTNER_REF):
            partner = partner.browse(int(res_id[len(PARTNER_REF) :])).exists()
        if not res_id or (partner and partner.commercial_partner_id == partner):
            raise AccessError(_("Only a Credit Manager may change a credit limit."))
