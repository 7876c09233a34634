"""Who the customer is: its number, its type and the fax line.

A commercial partner marked as customer gets the next number of the
customer number sequence once, the first time it becomes one; the number is
unique per company (and across companies for shared partners) and shown in
the display name, so that two customers with the same name are told apart
and name_search finds a customer by number.
"""


from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_number = fields.Char(
        readonly=True,
        copy=False,
        index=True,
        help="Assigned from the customer number sequence when the partner first "
        "becomes a customer (a commercial entity marked as customer).",
    )
    customer_type_id = fields.Many2one(
        "customer.type",
        string="Customer Type",
        index=True,
        track_visibility="onchange",
        ondelete="restrict",
        prefetch=False,
    )
    effort_level = fields.Selection(
        related="customer_type_id.effort_level", readonly=True
    )
    fax = fields.Char(prefetch=False)
    _sql_constraints = [
        (
            "customer_number_company_uniq",
            "unique(customer_number, company_id)",
            "The customer number must be unique per company.",
        ),
    ]

    @api.depends("customer_number")
    def _compute_display_name(self):
        # The number is part of the display name so that two customers with the
        # same name are told apart, and name_search finds customers by number.
        return super(ResPartner, self)._compute_display_name()

    @api.constrains("customer_number", "company_id")
    def _check_customer_number(self):
        # The SQL constraint covers one company; a partner shared by all
        # companies (no company) must not reuse a number either.
        for partner in self.filtered("customer_number"):
            domain = [
                ("id", "!=", partner.id),
                ("customer_number", "=", partner.customer_number),
            ]
            if partner.company_id:
                domain += [
                    "|",
                    ("company_id", "=", partner.company_id.id),
                    ("company_id", "=", False),
                ]
            if self.sudo().with_context(active_test=False).search_count(domain):
                raise ValidationError(
                    _(
                        "Customer number %s is already used by another customer. "
                        "Leave it empty to get the next free number."
                    )
                    % partner.customer_number
                )

    @api.multi
    def name_get(self):
        result = super(ResPartner, self).name_get()
        numbers = {p.id: p.customer_number for p in self if p.customer_number}
        if not numbers or self.env.context.get("no_customer_number"):
            return result
        named = []
        for partner_id, name in result:
            number = numbers.get(partner_id)
            if number:
                named.append(
                    (
                        partner_id,
                        self._name_with_number(
                            name, self.browse(partner_id).name or "", number
                        ),
                    )
                )
            else:
                named.append((partner_id, name))
        return named

    @api.model
    def create(self, vals):
        # who may set what: _check_field_rights (res_partner_rights.py)
        partner = super(ResPartner, self).create(vals)
        partner._assign_customer_number()
        return partner

    @api.multi
    def write(self, vals):
        result = super(ResPartner, self).write(vals)
        if {"customer", "parent_id", "is_company"} & set(vals):
            self._assign_customer_number()
        return result

    @api.model
    def _name_with_number(self, name, partner_name, number):
        """Put the number right after the partner's own name, else at the end of
        the first line (names prefixed by a company, addresses below)."""
        tag = " [%s]" % number
        if partner_name and name.startswith(partner_name):
            cut = len(partner_name)
        else:
            cut = name.find("\n") if "\n" in name else len(name)
        return name[:cut] + tag + name[cut:]

    @api.multi
    def _assign_customer_number(self):
        """Number the commercial customers of ``self`` that have no number yet."""
        todo = self.filtered(
            lambda p: p.customer
            and not p.customer_number
            and p.commercial_partner_id == p
        )
        if not todo:
            return
        sequence = self.env.ref("customer_management.seq_customer_number").sudo()
        for partner in todo:
            super(ResPartner, partner).write({"customer_number": sequence.next_by_id()})
