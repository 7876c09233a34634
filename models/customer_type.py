from odoo import api, fields, models


class CustomerType(models.Model):
    """Configurable customer category (individual, group, small business...).

    The effort level says how much sales effort the business spends on the
    customers of this type; the description says what that effort is.
    """

    _name = "customer.type"
    _description = "Customer Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code used in reports and imports.")
    sequence = fields.Integer(default=10)
    effort_level = fields.Selection(
        [("low", "Low"), ("normal", "Normal"), ("high", "High")],
        required=True,
        default="normal",
        help="How much sales and service effort customers of this type receive.",
    )
    description = fields.Text(
        translate=True,
        help="The effort the business spends on customers of this type.",
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    partner_ids = fields.One2many("res.partner", "customer_type_id", string="Customers")
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        ("name_uniq", "unique(name)", "A customer type with this name already exists."),
    ]

    @api.multi
    def _compute_partner_count(self):
        data = self.env["res.partner"].read_group(
            [("customer_type_id", "in", self.ids)],
            ["customer_type_id"],
            ["customer_type_id"],
        )
        counts = {d["customer_type_id"][0]: d["customer_type_id_count"] for d in data}
        for ctype in self:
            ctype.partner_count = counts.get(ctype.id, 0)

    @api.multi
    def action_view_partners(self):
        self.ensure_one()
        action = self.env.ref("customer_management.res_partner_customer_action").read()[
            0
        ]
        action["domain"] = [("customer_type_id", "=", self.id)]
        action["context"] = {
            "default_customer_type_id": self.id,
            "default_customer": True,
        }
        return action
