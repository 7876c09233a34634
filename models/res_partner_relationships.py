"""The customer's relationships: the referring parent customer, the sales
affiliate and its commission rate, contact roles, guarantors, the sales
strategy and the sales forecasts, with their counts and smart buttons.
"""


from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .constants import GROUP_CREDIT


class ResPartner(models.Model):
    _inherit = "res.partner"

    parent_customer_id = fields.Many2one(
        "res.partner",
        string="Referred By",
        index=True,
        ondelete="set null",
        track_visibility="onchange",
        domain="[('customer', '=', True)]",
        help="The customer who referred this one (referral programs).",
        prefetch=False,
    )
    referral_ids = fields.One2many(
        "res.partner",
        "parent_customer_id",
        string="Referrals",
        help="Customers this one referred to us.",
    )
    referral_count = fields.Integer(
        compute="_compute_referral_count", string="# Referrals"
    )
    is_affiliate = fields.Boolean(
        string="Sales Affiliate",
        index=True,
        track_visibility="onchange",
        help="Brings customers to us in return for a commission.",
        prefetch=False,
    )
    affiliate_commission_rate = fields.Float(
        string="Commission Rate (%)",
        digits=(16, 2),
        track_visibility="onchange",
        help="Commission of the affiliate, in percent (0 to 100) of the paid invoices "
        "of the customers it brought.",
    )
    affiliate_id = fields.Many2one(
        "res.partner",
        string="Affiliate",
        index=True,
        ondelete="set null",
        track_visibility="onchange",
        domain="[('is_affiliate', '=', True)]",
        help="The sales affiliate who brought this customer (paid a commission).",
        prefetch=False,
    )
    affiliate_customer_ids = fields.One2many(
        "res.partner",
        "affiliate_id",
        string="Customers Brought",
        help="Customers this affiliate brought.",
    )
    affiliate_customer_count = fields.Integer(
        compute="_compute_affiliate_customer_count", string="# Customers Brought"
    )
    contact_role = fields.Selection(
        [
            ("decision_maker", "Decision maker"),
            ("buyer", "Buyer"),
            ("accounts_payable", "Accounts payable"),
            ("technical", "Technical"),
            ("other", "Other"),
        ],
        help="Role of this person in the customer's buying: who decides, who orders, "
        "who pays, who judges the technical side.",
        prefetch=False,
    )
    guarantor_ids = fields.One2many(
        "customer.guarantor",
        "partner_id",
        string="Guarantors",
        groups="customer_management.group_customer_user",
    )
    guarantor_count = fields.Integer(
        compute="_compute_guarantor_count",
        string="# Guarantors",
        groups="customer_management.group_customer_user",
    )
    can_edit_guarantors = fields.Boolean(
        compute="_compute_can_edit_guarantors",
        help="Technical: the current user is a Credit Manager, who alone may add, "
        "change or remove guarantors (the access rights enforce it).",
    )
    sales_strategy = fields.Html(
        help="How we sell to this customer: needs, decision makers, products to "
        "offer, objections, timing.",
        prefetch=False,
    )
    sales_forecast_ids = fields.One2many(
        "customer.sales.forecast",
        "partner_id",
        string="Sales Forecasts",
        groups="customer_management.group_customer_user",
    )
    sales_forecast_count = fields.Integer(
        compute="_compute_sales_forecast_count",
        string="# Forecasts",
        groups="customer_management.group_customer_user",
    )

    @api.multi
    @api.depends("referral_ids")
    def _compute_referral_count(self):
        counts = self._count_related("res.partner", "parent_customer_id", self.ids)
        for partner in self:
            partner.referral_count = counts.get(partner.id, 0)

    @api.multi
    @api.depends("affiliate_customer_ids")
    def _compute_affiliate_customer_count(self):
        counts = self._count_related("res.partner", "affiliate_id", self.ids)
        for partner in self:
            partner.affiliate_customer_count = counts.get(partner.id, 0)

    @api.multi
    @api.depends("commercial_partner_id.guarantor_ids")
    def _compute_guarantor_count(self):
        # Guarantors, forecasts and interactions live on the commercial partner:
        # a contact shows its company's.
        counts = self._count_related(
            "customer.guarantor", "partner_id", self.mapped("commercial_partner_id").ids
        )
        for partner in self:
            partner.guarantor_count = counts.get(partner.commercial_partner_id.id, 0)

    @api.multi
    def _compute_can_edit_guarantors(self):
        editable = self.env.user.has_group(GROUP_CREDIT)
        for partner in self:
            partner.can_edit_guarantors = editable

    @api.multi
    @api.depends("commercial_partner_id.sales_forecast_ids")
    def _compute_sales_forecast_count(self):
        counts = self._count_related(
            "customer.sales.forecast",
            "partner_id",
            self.mapped("commercial_partner_id").ids,
        )
        for partner in self:
            partner.sales_forecast_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    @api.constrains("parent_customer_id")
    def _check_parent_customer_id(self):
        for partner in self.filtered("parent_customer_id"):
            referrer = partner.parent_customer_id
            names = {"partner": partner.name, "referrer": referrer.name}
            if referrer.commercial_partner_id == partner.commercial_partner_id:
                raise ValidationError(
                    _(
                        "%(partner)s cannot be referred by itself (%(referrer)s). "
                        "Choose "
                        "another customer as 'Referred By', or leave it empty."
                    )
                    % names
                )
            if not partner._check_recursion(parent="parent_customer_id"):
                raise ValidationError(
                    _(
                        "%(partner)s cannot be referred by %(referrer)s: %(referrer)s "
                        "was "
                        "itself referred, directly or through other customers, by "
                        "%(partner)s. A referral chain cannot loop."
                    )
                    % names
                )

    @api.constrains("affiliate_id", "is_affiliate")
    def _check_affiliate(self):
        for partner in self.filtered("affiliate_id"):
            affiliate = partner.affiliate_id
            names = {"partner": partner.name, "affiliate": affiliate.name}
            if affiliate.commercial_partner_id == partner.commercial_partner_id:
                raise ValidationError(
                    _(
                        "%(partner)s cannot be its own affiliate. Choose the affiliate "
                        "who "
                        "brought the customer, or leave it empty."
                    )
                    % names
                )
            if not affiliate.is_affiliate:
                raise ValidationError(
                    _(
                        "%(affiliate)s is not a sales affiliate, so it cannot be the "
                        "affiliate of %(partner)s. Tick 'Sales Affiliate' on "
                        "%(affiliate)s "
                        "first, or choose an affiliate."
                    )
                    % names
                )
        former = self.filtered(lambda p: not p.is_affiliate and p.id)
        if former:
            brought = self.with_context(active_test=False).search(
                [("affiliate_id", "in", former.ids)]
            )
            if brought:
                raise ValidationError(
                    _(
                        "%(affiliates)s still brought customers (%(customers)s): it "
                        "stays "
                        "a sales affiliate until they are given another affiliate or "
                        "none."
                    )
                    % {
                        "affiliates": ", ".join(brought.mapped("affiliate_id.name")),
                        "customers": ", ".join(brought.mapped("name")),
                    }
                )

    @api.constrains("affiliate_commission_rate")
    def _check_affiliate_commission_rate(self):
        for partner in self:
            if not 0 <= partner.affiliate_commission_rate <= 100:
                raise ValidationError(
                    _(
                        "The commission rate of %(partner)s must be a percentage "
                        "between 0 "
                        "and 100 (not %(rate)s)."
                    )
                    % {
                        "partner": partner.name,
                        "rate": partner.affiliate_commission_rate,
                    }
                )

    @api.multi
    def action_view_guarantors(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        return self._get_relationship_action(
            "customer_management.customer_guarantor_action",
            [("partner_id", "=", customer.id)],
            {"default_partner_id": customer.id},
        )

    @api.multi
    def action_view_sales_forecasts(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        return self._get_relationship_action(
            "customer_management.customer_sales_forecast_action",
            [("partner_id", "=", customer.id)],
            {"default_partner_id": customer.id},
        )

    @api.multi
    def action_view_referrals(self):
        """Customers referred by this one; new ones are referred by it."""
        self.ensure_one()
        action = self._get_relationship_action(
            "customer_management.res_partner_customer_action",
            [("parent_customer_id", "=", self.id)],
            {
                "default_parent_customer_id": self.id,
                "default_customer": True,
                "default_is_company": True,
            },
        )
        action["name"] = _("Referrals")
        return action

    @api.multi
    def action_view_affiliate_customers(self):
        """Customers brought by this affiliate."""
        self.ensure_one()
        action = self._get_relationship_action(
            "customer_management.res_partner_customer_action",
            [("affiliate_id", "=", self.id)],
            {
                "default_affiliate_id": self.id,
                "default_customer": True,
                "default_is_company": True,
            },
        )
        action["name"] = _("Customers Brought")
        return action

    @api.multi
    def _get_guarantors_to_contact(self):
        """Active guarantors of the commercial customers of ``self`` whose guarantee
        still runs today: whom to call when a customer cannot pay (hold)."""
        today = fields.Date.context_today(self)
        return self.env["customer.guarantor"].search(
            [
                ("partner_id", "in", self.mapped("commercial_partner_id").ids),
                "|",
                ("valid_until", "=", False),
                ("valid_until", ">=", today),
            ]
        )

    @api.multi
    def _get_relationship_action(self, xmlid, domain, context):
        action = self.env.ref(xmlid).read()[0]
        action.update(domain=domain, context=context)
        return action
