"""The terms the customer buys on: pricing agreements, delivery team and
service area, payment days and payment term, and the early-pay discount.

The terms are commercial fields: set on the commercial entity, copied to
its contacts. The payment term must not allow more days than the payment
days; a create or write that sets both checks them once, at the end.
"""


from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import single_email_re

# Context value that defers the payment term check to the end of a create or
# write: an object, which no RPC client can send to skip the check.
DEFER_PAYMENT_TERM_CHECK = object()

# Commercial fields: kept on the commercial entity and copied to its contacts.
COMMERCIAL_TERMS_FIELDS = [
    "invoice_email",
    "invoice_name",
    "payment_days",
    "early_discount_type",
    "early_discount_value",
    "early_discount_days",
    "fiscal_year_end_month",
    "fiscal_year_end_day",
    "invoice_period_end_day",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    pricing_agreement_ids = fields.One2many(
        "customer.pricing.agreement", "partner_id", string="Pricing Agreements"
    )
    pricing_agreement_count = fields.Integer(
        compute="_compute_pricing_agreement_count", string="# Pricing Agreements"
    )
    pricing_agreement_id = fields.Many2one(
        "customer.pricing.agreement",
        string="Current Pricing Agreement",
        compute="_compute_pricing_agreement_id",
        search="_search_pricing_agreement_id",
        help="The active agreement of the customer (or of its company) valid today "
        "in the current company: new quotations take its pricelist, currency "
        "and payment term.",
    )
    agreement_invoice_policy = fields.Selection(
        related="pricing_agreement_id.invoice_policy",
        string="Invoicing Policy",
        readonly=True,
        search="_search_agreement_invoice_policy",
    )
    delivery_team_id = fields.Many2one(
        "customer.delivery.team",
        string="Delivery Team",
        index=True,
        ondelete="set null",
        track_visibility="onchange",
        prefetch=False,
    )
    service_area_id = fields.Many2one(
        "customer.service.area",
        string="Service Area",
        index=True,
        ondelete="set null",
        track_visibility="onchange",
        help="Area the customer operates in. Choosing it fills the sales team and "
        "the delivery team from the area's defaults when they are empty.",
        prefetch=False,
    )
    payment_days = fields.Integer(
        help="Days after the invoice date within which the customer must pay "
        "(0: not agreed). Must match the longest line of the payment term.",
        prefetch=False,
    )
    early_discount_type = fields.Selection(
        [("percent", "Percentage"), ("amount", "Fixed amount")],
        string="Early-Pay Discount Type",
        help="Discount for paying within the early-pay days: a percentage of the "
        "invoice or a fixed amount.",
        prefetch=False,
    )
    early_discount_value = fields.Float(
        string="Early-Pay Discount",
        digits=(16, 2),
        help="Percentage (0 to less than 100) or amount deducted when the customer "
        "pays within the early-pay days.",
    )
    early_discount_days = fields.Integer(
        string="Early-Pay Days",
        help="Days after the invoice date within which the discount applies; not "
        "more than the payment days.",
        prefetch=False,
    )

    @api.multi
    @api.depends(
        "commercial_partner_id.pricing_agreement_ids.state",
        "commercial_partner_id.pricing_agreement_ids.date_start",
        "commercial_partner_id.pricing_agreement_ids.date_end",
    )
    def _compute_pricing_agreement_id(self):
        # One search for the whole recordset (contacts show their company's).
        current = self.env["customer.pricing.agreement"]._get_current_agreements(self)
        Agreement = self.env["customer.pricing.agreement"]
        for partner in self:
            partner.pricing_agreement_id = current.get(
                partner.commercial_partner_id.id, Agreement
            )

    @api.model
    def _search_pricing_agreement_id(self, operator, value):
        """Customers by current agreement (today, current company):
        ('pricing_agreement_id', '!=', False) finds those with one, '=' False
        those without; ids or a reference find those whose current one matches."""
        current = self.env["customer.pricing.agreement"]._get_current_agreements()
        if isinstance(value, str):
            matching = (
                self.env["customer.pricing.agreement"]
                .sudo()
                .search(
                    [
                        ("id", "in", [a.id for a in current.values()]),
                        ("name", operator, value),
                    ]
                )
            )
            return [
                (
                    "commercial_partner_id",
                    "in",
                    [p for p, a in current.items() if a in matching],
                )
            ]
        if not value and operator in ("=", "!="):
            return [
                (
                    "commercial_partner_id",
                    "in" if operator == "!=" else "not in",
                    list(current),
                )
            ]
        wanted = set(value) if isinstance(value, (list, tuple)) else {value}
        return [
            (
                "commercial_partner_id",
                "not in" if operator in ("!=", "not in") else "in",
                [p for p, a in current.items() if a.id in wanted],
            )
        ]

    @api.model
    def _search_agreement_invoice_policy(self, operator, value):
        """Customers by the invoicing policy of their current agreement."""
        current = self.env["customer.pricing.agreement"]._get_current_agreements()
        wanted = set(value) if isinstance(value, (list, tuple)) else {value}
        partner_ids = [p for p, a in current.items() if a.invoice_policy in wanted]
        return [
            (
                "commercial_partner_id",
                "not in" if operator in ("!=", "not in") else "in",
                partner_ids,
            )
        ]

    @api.multi
    def _compute_pricing_agreement_count(self):
        data = self.env["customer.pricing.agreement"].read_group(
            [("partner_id", "in", self.mapped("commercial_partner_id").ids)],
            ["partner_id"],
            ["partner_id"],
        )
        counts = {d["partner_id"][0]: d["partner_id_count"] for d in data}
        for partner in self:
            partner.pricing_agreement_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    @api.constrains(
        "payment_days",
        "early_discount_type",
        "early_discount_value",
        "early_discount_days",
    )
    def _check_early_discount(self):
        for partner in self:
            values = {
                "name": partner.name,
                "days": partner.early_discount_days,
                "payment_days": partner.payment_days,
                "value": partner.early_discount_value,
            }
            if partner.payment_days < 0 or partner.early_discount_days < 0:
                raise ValidationError(
                    _(
                        "%(name)s: payment days (%(payment_days)s) and early-pay days "
                        "(%(days)s) cannot be negative. Enter 0 when nothing is agreed."
                    )
                    % values
                )
            kind, value = partner.early_discount_type, partner.early_discount_value
            if value and not kind:
                raise ValidationError(
                    _(
                        "%(name)s: choose whether the early-pay discount of %(value)s "
                        "is "
                        "a percentage or a fixed amount."
                    )
                    % values
                )
            if kind == "percent" and not 0 <= value < 100:
                raise ValidationError(
                    _(
                        "%(name)s: an early-pay discount of %(value)s %% is not "
                        "possible. "
                        "Enter a percentage from 0 to less than 100."
                    )
                    % values
                )
            if kind == "amount" and value < 0:
                raise ValidationError(
                    _(
                        "%(name)s: the early-pay discount amount cannot be negative "
                        "(%(value)s)."
                    )
                    % values
                )
            if values["payment_days"] and values["days"] > values["payment_days"]:
                raise ValidationError(
                    _(
                        "%(name)s: the early-pay discount applies for %(days)s days "
                        "but "
                        "the invoice is due after %(payment_days)s payment days. The "
                        "early-pay days cannot be more than the payment days."
                    )
                    % values
                )

    @api.constrains("payment_days", "property_payment_term_id")
    def _check_payment_term_days(self):
        # The payment term is a property, written after the plain columns of the
        # same create/write: create and write below defer the check until both
        # are written.
        if self.env.context.get("cm_defer_payment_term_check") is (
            DEFER_PAYMENT_TERM_CHECK
        ):
            return
        for partner in self:
            term = partner.property_payment_term_id
            if not term or not partner.payment_days:
                continue
            shortest, longest = self._get_payment_term_delay(term)
            if not shortest <= partner.payment_days <= longest:
                delay = (
                    _("%s days") % longest
                    if shortest == longest
                    else _("%(shortest)s to %(longest)s days")
                    % {"shortest": shortest, "longest": longest}
                )
                raise ValidationError(
                    _(
                        "%(name)s: the payment term %(term)s gives %(delay)s to pay "
                        "but "
                        "the payment days are %(days)s. Choose a payment term of "
                        "%(days)s "
                        "days or change the payment days."
                    )
                    % {
                        "name": partner.name,
                        "term": term.name,
                        "delay": delay,
                        "days": partner.payment_days,
                    }
                )

    @api.onchange("service_area_id")
    def _onchange_service_area_id(self):
        if self.service_area_id:
            self.update(self.service_area_id._prepare_partner_team_values(self))

    @api.constrains("invoice_email")
    def _check_invoice_email(self):
        for partner in self.filtered("invoice_email"):
            if not single_email_re.match(partner.invoice_email.strip()):
                raise ValidationError(
                    _(
                        "%(name)s: '%(email)s' is not a valid invoice e-mail address. "
                        "Enter one address such as invoices@example.com."
                    )
                    % {"name": partner.name, "email": partner.invoice_email}
                )

    @api.model
    def _commercial_fields(self):
        return super(ResPartner, self)._commercial_fields() + COMMERCIAL_TERMS_FIELDS

    @api.model
    def create(self, vals):
        if vals.get("service_area_id"):
            area = self.env["customer.service.area"].browse(vals["service_area_id"])
            vals = dict(area._prepare_partner_team_values(), **vals)
        if "property_payment_term_id" not in vals:
            return super(ResPartner, self).create(vals)
        partner = super(
            ResPartner,
            self.with_context(cm_defer_payment_term_check=DEFER_PAYMENT_TERM_CHECK),
        ).create(vals)
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
                cm_defer_payment_term_check=DEFER_PAYMENT_TERM_CHECK
            )
        result = True
        for partners, partner_vals in records._split_by_service_area_teams(vals):
            result = super(ResPartner, partners).write(partner_vals) and result
        if defer:
            self._check_payment_term_days()
        return result

    @api.multi
    def action_view_pricing_agreements(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env.ref(
            "customer_management.customer_pricing_agreement_action"
        ).read()[0]
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    @api.model
    def _get_payment_term_delay(self, term):
        """(shortest, longest) number of days from the invoice date to the last
        due date of ``term`` (end-of-month options depend on the invoice date)."""
        shortest = longest = 0
        for line in term.line_ids:
            low, high = {
                "day_after_invoice_date": (line.days, line.days),
                "fix_day_following_month": (line.days, line.days + 30),
                "last_day_following_month": (28, 61),
                "last_day_current_month": (0, 30),
            }.get(line.option, (line.days, line.days))
            shortest, longest = max(shortest, low), max(longest, high)
        return shortest, longest

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
            extra = tuple(
                sorted(
                    (k, v)
                    for k, v in area._prepare_partner_team_values(partner).items()
                    if k not in vals
                )
            )
            groups[extra] = groups.get(extra, self.browse()) | partner
        return [
            (partners, dict(vals, **dict(extra))) for extra, partners in groups.items()
        ]
