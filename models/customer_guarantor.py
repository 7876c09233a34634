import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .number_checks import check_finite_numbers

RELATIONS = [
    ("director", "Director"),
    ("parent_company", "Parent company"),
    ("family", "Family"),
    ("other", "Other"),
]
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


class CustomerGuarantor(models.Model):
    """Who stands surety for a customer: the person or company to contact when
    the customer cannot pay its invoices (suggested when it goes on hold).

    The guarantor is either a partner of the database (``guarantor_partner_id``)
    or just a name with a phone and an e-mail. Only Credit Managers create, edit
    or delete guarantors (access rights); sales users read them.
    """

    _name = "customer.guarantor"
    _description = "Customer Guarantor"
    _order = "partner_id, sequence, id"

    @api.model
    def _default_company_id(self):
        return self.env["res.company"]._company_default_get("customer.guarantor")

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer whose debts are guaranteed.",
    )
    sequence = fields.Integer(default=10)
    guarantor_partner_id = fields.Many2one(
        "res.partner",
        string="Guarantor Partner",
        index=True,
        ondelete="restrict",
        help="The guarantor when it is a contact or company of the database; "
        "otherwise fill in the name.",
    )
    name = fields.Char(
        help="Name of the guarantor when it is not a partner of the database."
    )
    relation = fields.Selection(
        RELATIONS, default="other", help="How the guarantor is related to the customer."
    )
    phone = fields.Char()
    email = fields.Char()
    guaranteed_amount = fields.Monetary(
        currency_field="currency_id", help="Amount the guarantor answers for."
    )
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True, store=True
    )
    valid_until = fields.Date(help="Last day of the guarantee; empty: no end.")
    notes = fields.Text()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=_default_company_id
    )
    active = fields.Boolean(default=True)

    @api.multi
    def name_get(self):
        return [
            (g.id, g.name or g.guarantor_partner_id.name or _("Guarantor"))
            for g in self
        ]

    @api.constrains("guarantor_partner_id", "name")
    def _check_identity(self):
        for guarantor in self:
            person = guarantor.guarantor_partner_id
            if not person and not (guarantor.name or "").strip():
                raise ValidationError(
                    _(
                        "A guarantor of %(customer)s needs a name: choose a guarantor "
                        "partner or type the guarantor's name."
                    )
                    % {"customer": guarantor.partner_id.name}
                )
            if person and person.commercial_partner_id == guarantor.partner_id:
                raise ValidationError(
                    _(
                        "%(guarantor)s cannot guarantee its own customer %(customer)s: "
                        "choose a person or company outside the customer."
                    )
                    % {"guarantor": person.name, "customer": guarantor.partner_id.name}
                )

    @api.constrains("email")
    def _check_email(self):
        for guarantor in self.filtered("email"):
            if not EMAIL_RE.match(guarantor.email.strip()):
                raise ValidationError(
                    _(
                        "'%(email)s' is not a valid e-mail address for guarantor "
                        "%(guarantor)s. Enter one address like name@example.com."
                    )
                    % {"email": guarantor.email, "guarantor": guarantor.display_name}
                )

    @api.constrains("guaranteed_amount")
    def _check_guaranteed_amount(self):
        for guarantor in self:
            if guarantor.guaranteed_amount < 0:
                raise ValidationError(
                    _(
                        "The guaranteed amount of %(guarantor)s cannot be negative "
                        "(%(amount)s). Enter the amount guaranteed, or 0."
                    )
                    % {
                        "guarantor": guarantor.display_name,
                        "amount": guarantor.guaranteed_amount,
                    }
                )

    @api.onchange("guarantor_partner_id")
    def _onchange_guarantor_partner_id(self):
        partner = self.guarantor_partner_id
        if partner:
            self.phone = partner.phone or partner.mobile or self.phone
            self.email = partner.email or self.email

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        # Guarantors belong to the commercial customer, not to one of its contacts.
        self.partner_id = self.partner_id.commercial_partner_id

    @api.model
    def _prepare_partner_vals(self, vals):
        """Keep guarantors on the commercial customer; trim the e-mail."""
        values = dict(vals)
        if values.get("partner_id"):
            values["partner_id"] = (
                self.env["res.partner"]
                .browse(values["partner_id"])
                .commercial_partner_id.id
            )
        if values.get("email"):
            values["email"] = values["email"].strip()
        return values

    @api.model
    def _check_guarantor_rights(self):
        """Guarantors decide whom a held customer's debt is claimed from: only
        Credit Managers add, change or remove them (the access rights say so
        too; this says who may, whatever the client)."""
        group = "customer_management.group_credit_manager"
        if not self.env.user.has_group(group):
            raise AccessError(
                _("Only %s may add, change or remove the guarantors of a customer.")
                % self.env.ref(group).sudo().full_name
            )

    @api.model
    def create(self, vals):
        self._check_guarantor_rights()
        check_finite_numbers(self, vals)
        return super(CustomerGuarantor, self).create(self._prepare_partner_vals(vals))

    @api.multi
    def write(self, vals):
        self._check_guarantor_rights()
        check_finite_numbers(self, vals)
        return super(CustomerGuarantor, self).write(self._prepare_partner_vals(vals))

    @api.multi
    def unlink(self):
        self._check_guarantor_rights()
        return super(CustomerGuarantor, self).unlink()

    @api.multi
    def _is_valid_on(self, date):
        """Guarantors of ``self`` whose guarantee still runs on ``date``."""
        return self.filtered(
            lambda g: g.active and (not g.valid_until or g.valid_until >= date)
        )
