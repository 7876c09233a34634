from odoo import api, fields, models


class CustomerDeliveryTeam(models.Model):
    """The team that delivers to a customer (drivers, installers, field
    service), as the sales team is the one that sells to it."""

    _name = "customer.delivery.team"
    _description = "Customer Delivery Team"
    _order = "name"

    @api.model
    def _default_company_id(self):
        return self.env["res.company"]._company_default_get("customer.delivery.team")

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code used in reports and imports.")
    user_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        index=True,
        help="The person customers and salespeople contact about deliveries.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "customer_delivery_team_res_users_rel",
        "team_id",
        "user_id",
        string="Members",
    )
    company_id = fields.Many2one("res.company", index=True, default=_default_company_id)
    active = fields.Boolean(default=True)
    partner_ids = fields.One2many("res.partner", "delivery_team_id", string="Customers")
    partner_count = fields.Integer(
        compute="_compute_partner_count", string="# Customers"
    )

    @api.multi
    def _compute_partner_count(self):
        data = self.env["res.partner"].read_group(
            [("delivery_team_id", "in", self.ids)],
            ["delivery_team_id"],
            ["delivery_team_id"],
        )
        counts = {d["delivery_team_id"][0]: d["delivery_team_id_count"] for d in data}
        for team in self:
            team.partner_count = counts.get(team.id, 0)

    @api.multi
    def action_view_partners(self):
        self.ensure_one()
        action = self.env.ref("customer_management.res_partner_customer_action").read()[
            0
        ]
        action["domain"] = [("delivery_team_id", "=", self.id)]
        action["context"] = {
            "default_delivery_team_id": self.id,
            "default_customer": True,
            "default_is_company": True,
        }
        return action
