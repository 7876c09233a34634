from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CustomerServiceArea(models.Model):
    """The area a customer operates in, with the sales team and the delivery
    team that normally serve it. Choosing the area on a customer fills those
    teams when the customer has none yet."""

    _name = "customer.service.area"
    _description = "Customer Service Area"
    _order = "sequence, name"

    @api.model
    def _default_company_id(self):
        return self.env["res.company"]._company_default_get("customer.service.area")

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code, unique per company.")
    sequence = fields.Integer(default=10)
    country_ids = fields.Many2many(
        "res.country",
        "customer_service_area_res_country_rel",
        "area_id",
        "country_id",
        string="Countries",
    )
    state_ids = fields.Many2many(
        "res.country.state",
        "customer_service_area_res_country_state_rel",
        "area_id",
        "state_id",
        string="States",
        help="Leave empty to cover the whole of the countries above.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Default Sales Team",
        help="Sales team given to customers of this area that have none.",
    )
    delivery_team_id = fields.Many2one(
        "customer.delivery.team",
        string="Default Delivery Team",
        help="Delivery team given to customers of this area that have none.",
    )
    company_id = fields.Many2one("res.company", index=True, default=_default_company_id)
    active = fields.Boolean(default=True)
    partner_ids = fields.One2many("res.partner", "service_area_id", string="Customers")
    partner_count = fields.Integer(
        compute="_compute_partner_count", string="# Customers"
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a service area must be unique per company.",
        ),
    ]

    @api.multi
    def _compute_partner_count(self):
        data = self.env["res.partner"].read_group(
            [("service_area_id", "in", self.ids)],
            ["service_area_id"],
            ["service_area_id"],
        )
        counts = {d["service_area_id"][0]: d["service_area_id_count"] for d in data}
        for area in self:
            area.partner_count = counts.get(area.id, 0)

    @api.constrains("code", "company_id")
    def _check_code(self):
        # The SQL constraint covers one company; an area shared by all
        # companies (no company) must not reuse a code either.
        for area in self.filtered("code"):
            domain = [("id", "!=", area.id), ("code", "=", area.code)]
            if area.company_id:
                domain += [
                    "|",
                    ("company_id", "=", area.company_id.id),
                    ("company_id", "=", False),
                ]
            if self.sudo().with_context(active_test=False).search_count(domain):
                raise ValidationError(
                    _("The service area code %s is already used. Choose another code.")
                    % area.code
                )

    @api.constrains("country_ids", "state_ids")
    def _check_states(self):
        for area in self.filtered(lambda a: a.country_ids and a.state_ids):
            foreign = area.state_ids.filtered(
                lambda s, countries=area.country_ids: s.country_id not in countries
            )
            if foreign:
                raise ValidationError(
                    _(
                        "Service area %(name)s lists the states %(states)s outside its "
                        "countries. Add their countries or remove them."
                    )
                    % {"name": area.name, "states": ", ".join(foreign.mapped("name"))}
                )

    @api.multi
    def action_view_partners(self):
        self.ensure_one()
        action = self.env.ref("customer_management.res_partner_customer_action").read()[
            0
        ]
        action["domain"] = [("service_area_id", "=", self.id)]
        action["context"] = {
            "default_service_area_id": self.id,
            "default_customer": True,
            "default_is_company": True,
        }
        return action

    @api.multi
    def _prepare_partner_team_values(self, partner=None):
        """Teams a customer of this area gets: the area's defaults for the teams
        ``partner`` (if given) does not have yet."""
        self.ensure_one()
        values = {}
        for field_name in ("team_id", "delivery_team_id"):
            if self[field_name] and not (partner and partner[field_name]):
                values[field_name] = self[field_name].id
        return values
