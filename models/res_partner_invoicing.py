"""res.partner side of the invoicing topic: the invoice e-mail contact and
keeping draft invoices on the customer's current early-pay terms.

Kept in a class of its own (like res_partner_commercial_terms.py) so that the
write override chains with the others through super().
"""
from odoo import _, api, models

EARLY_DISCOUNT_TERMS = ("early_discount_type", "early_discount_value",
                        "early_discount_days")


# A class of its own, like res_partner_commercial_terms.py: res_partner.py has
# no marker for this topic.
class ResPartner(models.Model):  # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

    @api.multi
    def write(self, vals):
        result = super(ResPartner, self).write(vals)
        if any(name in vals for name in EARLY_DISCOUNT_TERMS):
            # Draft customer invoices show the customer's current terms; posted
            # ones keep the terms copied at validation.
            invoices = self.env["account.invoice"].sudo().search([
                ("state", "=", "draft"), ("type", "=", "out_invoice"),
                ("commercial_partner_id", "in",
                 self.mapped("commercial_partner_id").ids)])
            invoices._refresh_early_discount_terms()
        return result

    @api.multi
    def _get_invoice_email_contact(self):
        """The contact of type 'invoice' under this commercial partner that
        carries its invoice e-mail, created when missing (name: the invoice
        name, else "Invoicing"). Empty when the partner has no invoice e-mail.

        Odoo sends e-mail to partner records: the invoice e-mail is reached
        through this child contact. An existing invoice address with the same
        e-mail (any case) is reused; when the invoice e-mail changes, a new
        contact is made for the new address and the old one is left as it is.
        """
        self.ensure_one()
        commercial = self.commercial_partner_id
        email = (commercial.invoice_email or "").strip()
        Partner = self.env["res.partner"].sudo()
        if not email:
            return self.env["res.partner"]
        contact = Partner.search([
            ("parent_id", "=", commercial.id), ("type", "=", "invoice"),
            ("email", "!=", False)]).filtered(
                lambda c: c.email.strip().lower() == email.lower())[:1]
        if not contact:
            contact = Partner.create({
                "parent_id": commercial.id,
                "type": "invoice",
                "name": commercial.invoice_name or _("Invoicing"),
                "email": email,
                "customer": False,
                "lang": commercial.lang,
            })
        return self.env["res.partner"].browse(contact.id)
