"""Overrides of inherited res.partner methods for the commercial terms.

The fields, computes and constraints of the commercial terms live in
res_partner.py; the overrides of create/write/_commercial_fields are kept in a
class of their own so that they chain (through super()) with the overrides of
res_partner.py and of the other topics instead of replacing them.
"""
from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.tools import single_email_re

from .res_partner import DEFER_PAYMENT_TERM_CHECK

# Commercial fields: kept on the commercial entity and copied to its contacts.
COMMERCIAL_TERMS_FIELDS = [
    "invoice_email", "invoice_name", "payment_days", "early_discount_type",
    "early_discount_value", "early_discount_days", "fiscal_year_end_month",
    "fiscal_year_end_day", "invoice_period_end_day",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _commercial_fields(self):
        return super(ResPartner, self)._commercial_fields() + COMMERCIAL_TERMS_FIELDS

    @api.constrains("invoice_email")
    def _check_invoice_email(self):
        for partner in self.filtered("invoice_email"):
            if not single_email_re.match(partner.invoice_email.strip()):
                raise ValidationError(_(
                    "%(name)s: '%(email)s' is not a valid invoice e-mail address. "
                    "Enter one address such as invoices@example.com.") % {
                        "name": partner.name, "email": partner.invoice_email})

    @api.model
    def create(self, vals):
        if vals.get("service_area_id"):
            area = self.env["customer.service.area"].browse(vals["service_area_id"])
            vals = dict(area._prepare_partner_team_values(), **vals)
        if "property_payment_term_id" not in vals:
            return super(ResPartner, self).create(vals)
        partner = super(ResPartner, self.with_context(
            cm_defer_payment_term_check=DEFER_PAYMENT_TERM_CHECK)).create(vals)
        partner = self.browse(partner.id)
        partner._check_payment_term_days()
        return partner

    @api.multi
    def write(self, vals):
        # The payment term is a property, written after the plain columns: it
        # is compared with the payment days once both are written.
        defer = "property_payment_term_id" in vals
        records = self
        if defer:
            records = self.with_context(
                cm_defer_payment_term_check=DEFER_PAYMENT_TERM_CHECK)
        result = True
        for partners, partner_vals in records._split_by_service_area_teams(vals):
            result = super(ResPartner, partners).write(partner_vals) and result
        if defer:
            self._check_payment_term_days()
        return result

    @api.multi
    def _split_by_service_area_teams(self, vals):
        """[(partners, values)] for a write of ``vals``: when it sets a service
        area, the area's default teams are added for the partners that have
        none and for which ``vals`` does not set one (at most four groups)."""
        if not vals.get("service_area_id"):
            return [(self, vals)]
        area = self.env["customer.service.area"].browse(vals["service_area_id"])
        groups = {}
        for partner in self:
            extra = tuple(sorted(
                (k, v) for k, v in area._prepare_partner_team_values(partner).items()
                if k not in vals))
            groups[extra] = groups.get(extra, self.browse()) | partner
        return [(partners, dict(vals, **dict(extra)))
                for extra, partners in groups.items()]
