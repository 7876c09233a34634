from datetime import date as calendar_date, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

CUSTOMER_STATUS = [
    ("prospect_c", "C-level prospect"),
    ("prospect_b", "B-level prospect"),
    ("prospect_a", "A-level prospect"),
    ("negotiation", "Negotiation"),
    ("active", "Active customer"),
    ("hold", "Financial hold"),
    ("inactive", "Inactive"),
]
PROSPECT_CLASS = [
    ("a", "A - closes within 1 month"),
    ("b", "B - closes within 3 months"),
    ("c", "C - closes within 6 months"),
    ("d", "D - potential, 6+ months away"),
    ("e", "E - no need (dead)"),
]
# The sales pipeline, in the order the forward/back buttons walk it.
PIPELINE = ["prospect_c", "prospect_b", "prospect_a", "negotiation", "active"]
# Context value that defers the payment term check to the end of a create or
# write: an object, which no RPC client can send to skip the check.
DEFER_PAYMENT_TERM_CHECK = object()

GROUP_USER = "customer_management.group_customer_user"
GROUP_CREDIT = "customer_management.group_credit_manager"


def _as_date(value):
    """A date from a date or a 'YYYY-MM-DD' string (no strptime: the nightly
    job compares dates for every customer)."""
    if isinstance(value, str):
        return calendar_date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    return value


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
    )
    effort_level = fields.Selection(
        related="customer_type_id.effort_level", readonly=True
    )
    customer_status = fields.Selection(
        CUSTOMER_STATUS,
        default="prospect_c",
        required=True,
        index=True,
        copy=False,
        track_visibility="onchange",
        group_expand="_read_group_customer_status",
        help="C/B/A-level prospect: wants to buy (C unsure what or from whom, "
        "B has a vague idea, A is ready to buy); then negotiation, active "
        "customer, financial hold (no order confirmed until it pays) or inactive.",
    )
    status_date = fields.Date(
        readonly=True,
        copy=False,
        help="Date of the last change of the customer status.",
    )
    status_before_hold = fields.Selection(
        CUSTOMER_STATUS,
        readonly=True,
        copy=False,
        help="Status to return to when the financial hold is released.",
    )
    prospect_class = fields.Selection(
        PROSPECT_CLASS,
        string="Class",
        index=True,
        track_visibility="onchange",
        group_expand="_read_group_prospect_class",
        help="A: obvious need, closes within 1 month; B: within 3 months; C: within "
        "6 months; D: potential need, at least 6 months away; E: no need (dead). "
        "The class sets how often the customer is followed up.",
    )
    # Credit, in the current company's currency (see _get_credit_used).
    credit_used = fields.Monetary(
        compute="_compute_credit",
        currency_field="credit_currency_id",
        groups="base.group_user",
        help="Open receivables and draft invoices plus confirmed orders not yet "
        "invoiced, for the current company.",
    )
    credit_available = fields.Monetary(
        compute="_compute_credit",
        currency_field="credit_currency_id",
        help="Credit limit minus credit used (empty when no limit is set).",
    )
    credit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit", string="Credit Currency"
    )
    hold_reason = fields.Text(
        readonly=True,
        copy=False,
        track_visibility="onchange",
        help="Why the customer is on financial hold.",
    )
    hold_date = fields.Date(readonly=True, copy=False)
    hold_automatic = fields.Boolean(
        readonly=True,
        copy=False,
        help="Placed by the credit rules (released automatically once the cause "
        "is cured); a hold placed by a Credit Manager is released by hand.",
    )
    credit_hold_warning = fields.Char(
        compute="_compute_credit_hold_warning",
        help="What currently prevents orders from being confirmed.",
    )
    quotation_count = fields.Integer(
        compute="_compute_sale_counts", help="Open quotations (draft or sent)."
    )
    confirmed_order_count = fields.Integer(
        compute="_compute_sale_counts", help="Confirmed sale orders."
    )
    stalled_quotation_count = fields.Integer(
        compute="_compute_sale_counts",
        help="Quotations never confirmed whose validity passed or that are older "
        "than the stalled-quotation days of the settings.",
    )
    credit_override_ids = fields.One2many(
        "customer.credit.override",
        "partner_id",
        string="Credit Overrides",
        readonly=True,
    )
    # [fields: commercial terms]
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
    customer_since = fields.Date(
        copy=False,
        track_visibility="onchange",
        help="Date of the first confirmed sale order, filled on confirmation when "
        "empty. May be set by hand to an earlier date (a customer from before "
        "Odoo); a later confirmation never changes it.",
    )
    delivery_team_id = fields.Many2one(
        "customer.delivery.team",
        string="Delivery Team",
        index=True,
        ondelete="set null",
        track_visibility="onchange",
    )
    service_area_id = fields.Many2one(
        "customer.service.area",
        string="Service Area",
        index=True,
        ondelete="set null",
        track_visibility="onchange",
        help="Area the customer operates in. Choosing it fills the sales team and "
        "the delivery team from the area's defaults when they are empty.",
    )
    invoice_email = fields.Char(
        help="Address the invoices are sent to (else the customer's e-mail)."
    )
    invoice_name = fields.Char(
        help="Person or department the invoices are addressed to."
    )
    payment_days = fields.Integer(
        help="Days after the invoice date within which the customer must pay "
        "(0: not agreed). Must match the longest line of the payment term."
    )
    early_discount_type = fields.Selection(
        [("percent", "Percentage"), ("amount", "Fixed amount")],
        string="Early-Pay Discount Type",
        help="Discount for paying within the early-pay days: a percentage of the "
        "invoice or a fixed amount.",
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
    )
    fiscal_year_end_month = fields.Selection(
        [
            ("1", "January"),
            ("2", "February"),
            ("3", "March"),
            ("4", "April"),
            ("5", "May"),
            ("6", "June"),
            ("7", "July"),
            ("8", "August"),
            ("9", "September"),
            ("10", "October"),
            ("11", "November"),
            ("12", "December"),
        ],
        help="Month in which the customer's fiscal year ends (budgets are spent "
        "before it, new deals looked for after it).",
    )
    fiscal_year_end_day = fields.Integer(
        help="Day of the month on which the customer's fiscal year ends (29 "
        "February is accepted: the last day of February is used)."
    )
    invoice_period_end_day = fields.Integer(
        help="Day of the month (1-31) on which the customer's invoice period ends "
        "and periodic invoices are sent; 31 means the last day of the month."
    )
    fax = fields.Char()
    # [fields: relationships and history]
    parent_customer_id = fields.Many2one(
        "res.partner",
        string="Referred By",
        index=True,
        ondelete="set null",
        track_visibility="onchange",
        domain="[('customer', '=', True)]",
        help="The customer who referred this one (referral programs).",
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
        "offer, objections, timing."
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
    interaction_ids = fields.One2many(
        "customer.interaction",
        "partner_id",
        string="Interactions",
        groups="customer_management.group_customer_user",
    )
    interaction_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Interactions",
        groups="customer_management.group_customer_user",
    )
    complaint_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Complaints",
        groups="customer_management.group_customer_user",
    )
    request_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Requests",
        groups="customer_management.group_customer_user",
    )
    open_complaint_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Open Complaints",
        search="_search_open_complaint_count",
        groups="customer_management.group_customer_user",
    )
    open_request_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Open Requests",
        search="_search_open_request_count",
        groups="customer_management.group_customer_user",
    )
    last_contact_date = fields.Date(
        compute="_compute_contact_stats",
        store=True,
        copy=False,
        readonly=True,
        help="Date of the latest interaction recorded with the customer.",
    )
    contact_frequency_status = fields.Selection(
        [
            ("neglected", "Neglected"),
            ("ok", "OK"),
            ("over_contacted", "Over-contacted"),
        ],
        compute="_compute_contact_stats",
        store=True,
        copy=False,
        readonly=True,
        index=True,
        string="Contact Frequency",
        help="Interactions compared with the follow-up cadence of the customer's class "
        "(days between follow-ups, set in Settings). Neglected: the last "
        "interaction is more than 1.5 x cadence days old, or there is none. "
        "Over-contacted: more than 2 x (30 / cadence) interactions in the last 30 "
        "days (e.g. more than 8 for a weekly cadence). OK otherwise; empty when "
        "the customer has no class. Updated when interactions change and "
        "every night.",
    )
    # [fields: classification, follow-up and metrics]
    # Follow-up (A-E classes). next_followup_date and followup_urgency are
    # recomputed when the class or the last follow-up changes, and every night
    # by _compute_next_followup_batch() (the urgency depends on today).
    expected_close_date = fields.Date(
        track_visibility="onchange",
        copy=False,
        help="When the deal is expected to close. Suggested from the class when empty "
        "(A: in 1 month, B: in 3 months, C: in 6 months); edit it freely.",
    )
    last_followup_date = fields.Date(
        "Last Follow-up",
        track_visibility="onchange",
        copy=False,
        help="When the customer was last followed up. The next follow-up is due one "
        "cadence (Settings, per class) after it.",
    )
    next_followup_date = fields.Date(
        "Next Follow-up",
        compute="_compute_next_followup",
        store=True,
        index=True,
        copy=False,
        help="Last follow-up (when never followed up: the last status change, else "
        "the creation date) plus the follow-up cadence of the class. Empty "
        "without a class.",
    )
    followup_urgency = fields.Selection(
        [
            ("urgent", "Urgent"),
            ("expedited", "Expedited"),
            ("normal", "Normal"),
            ("slow", "Slow"),
        ],
        string="Follow-up Urgency",
        compute="_compute_next_followup",
        store=True,
        index=True,
        copy=False,
        help="Urgent: next follow-up overdue or within 7 days; expedited: within 1 "
        "month; normal: within 3 months; slow: later. Refreshed every night.",
    )
    # Relationship category: computed nightly (_compute_relationship_category_batch);
    # "lost" and "influencer" cannot be derived, a user sets them and they stay.
    relationship_category = fields.Selection(
        [
            ("active_paying", "Active paying"),
            ("active_occasional", "Active occasional"),
            ("non_active", "Non-active"),
            ("lost", "Lost"),
            ("referrer", "Referrer"),
            ("influencer", "Influencer"),
            ("internal", "Internal"),
            ("undefined", "Undefined"),
        ],
        default="undefined",
        index=True,
        copy=False,
        help="Active paying: bought within the last 90 days (Settings); active "
        "occasional: bought before, within 365 days (Settings); non-active: no "
        "purchase for 365 days; referrer: referred customers but never bought; "
        "internal: partner of an internal user (current or former) or employee; "
        "undefined: none of these. A purchase is a confirmed sale order or a "
        "validated customer invoice. Lost (buys elsewhere) and influencer "
        "(centre of influence) are set by hand and never overwritten. "
        "Recomputed every night.",
    )
    relationship_category_manual = fields.Boolean(
        "Category Set by Hand",
        compute="_compute_relationship_category_manual",
        store=True,
        help="Set when a user picks Lost or Influencer: the nightly computation "
        "leaves the category alone. Picking another category clears it.",
    )
    # Payment behaviour over the last 12 months (_compute_payment_behaviour_batch).
    avg_days_late = fields.Float(
        "Average Days Late",
        digits=(16, 1),
        readonly=True,
        copy=False,
        help="Average lateness of the customer invoices of the last 12 months that "
        "are paid or past due: paid ones count the days between the due date and "
        "the last payment reconciled with them, open ones past due the days "
        "until today, those paid on time 0.",
    )
    late_invoice_count = fields.Integer(
        "Late Invoices",
        readonly=True,
        copy=False,
        help="Customer invoices of the last 12 months paid after their due date or "
        "still open past it.",
    )
    payment_reliability = fields.Selection(
        [("good", "Good"), ("watch", "Watch"), ("poor", "Poor")],
        readonly=True,
        copy=False,
        index=True,
        help="Poor: average lateness above 30 days or at least 5 late invoices; watch: "
        "above 7 days or at least 2 late invoices; good otherwise (thresholds in "
        "Settings). Empty when no invoice of the last 12 months is due yet.",
    )
    # Key-account rating: manual (Customer Management users) + suggestion.
    account_rating = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        "Key-account Rating",
        track_visibility="onchange",
        index=True,
        copy=False,
        help="Key-account rating given by the sales team (A: key account); only "
        "Customer Management users change it. Compare with the suggested rating.",
    )
    suggested_rating = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        readonly=True,
        copy=False,
        index=True,
        help="From the untaxed revenue of the last 12 months (customer invoices minus "
        "credit notes, company currency): A from 100,000, B from 20,000, else C; "
        "then one grade lower (A to B, B to C) when the customer has 3 or more "
        "open complaints and requests, or when the average discount of its order "
        "lines over 12 months exceeds 10 %. Thresholds in Settings.",
    )
    rating_differs = fields.Boolean(
        compute="_compute_rating_differs",
        store=True,
        index=True,
        help="The key-account rating and the suggested rating are both set and differ.",
    )

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

    @api.multi
    def _compute_credit(self):
        # the company the credit_limit field reads (force_company or the user's)
        company = (
            self.env["res.company"].sudo().browse(self.env.context.get("force_company"))
            or self.env.user.company_id
        )
        used = self._get_credit_used(company)
        ids = [pid for pid in used if isinstance(pid, int)]  # not onchange's
        limits = dict(self._get_credit_limits(ids, company=company))
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.credit_currency_id = company.currency_id
            partner.credit_used = used.get(commercial.id, 0.0)
            partner.credit_available = (
                limits[commercial.id] - partner.credit_used
                if commercial.id in limits
                else 0.0
            )

    # [computes: commercial terms]
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

    # [computes: relationships and history]
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

    @api.multi
    @api.depends(
        "commercial_partner_id.interaction_ids.interaction_type",
        "commercial_partner_id.interaction_ids.state",
    )
    def _compute_interaction_counts(self):
        # One read_group (customer x type x state) for the whole recordset.
        names = (
            "interaction_count",
            "complaint_count",
            "request_count",
            "open_complaint_count",
            "open_request_count",
        )
        commercial_ids = [
            pid for pid in self.mapped("commercial_partner_id").ids if pid
        ]
        groups = []
        if commercial_ids:
            groups = self.env["customer.interaction"].read_group(
                [("partner_id", "in", commercial_ids)],
                ["partner_id", "interaction_type", "state"],
                ["partner_id", "interaction_type", "state"],
                lazy=False,
            )
        stats = {}
        for group in groups:
            counts = stats.setdefault(group["partner_id"][0], dict.fromkeys(names, 0))
            count = group["__count"]
            counts["interaction_count"] += count
            kind = group["interaction_type"]
            if kind in ("complaint", "request"):
                counts["%s_count" % kind] += count
                if group["state"] == "open":
                    counts["open_%s_count" % kind] += count
        for partner in self:
            counts = stats.get(partner.commercial_partner_id.id, {})
            for name in names:
                partner[name] = counts.get(name, 0)

    @api.model
    def _search_open_complaint_count(self, operator, value):
        return self._search_open_interaction_count("complaint", operator, value)

    @api.model
    def _search_open_request_count(self, operator, value):
        return self._search_open_interaction_count("request", operator, value)

    @api.multi
    @api.depends(
        "interaction_ids.date",
        "interaction_ids.partner_id",
        "prospect_class",
        "commercial_partner_id",
    )
    def _compute_contact_stats(self):
        # One query for the recordset; today's rule in _get_contact_frequency_status.
        today = fields.Date.context_today(self)
        cadences = self._get_followup_cadence()
        stats = self._get_contact_stats(today)
        for partner in self:
            last_date, recent = stats.get(partner.id, (False, 0))
            cadence = None
            if partner.commercial_partner_id == partner:
                cadence = cadences.get(partner.prospect_class)
            partner.last_contact_date = last_date
            partner.contact_frequency_status = self._get_contact_frequency_status(
                cadence, last_date, recent, today
            )

    # [computes: classification, follow-up and metrics]
    @api.multi
    @api.depends("prospect_class", "last_followup_date", "status_date", "create_date")
    def _compute_next_followup(self):
        # No query per record: the cadence comes from cached parameters.
        cadence = self._get_followup_cadence()
        today = self._get_metrics_today()
        for partner in self:
            values = partner._get_next_followup_values(cadence, today)
            partner.next_followup_date = values["next_followup_date"]
            partner.followup_urgency = values["followup_urgency"]

    @api.multi
    @api.depends("relationship_category")
    def _compute_relationship_category_manual(self):
        manual = self._get_manual_relationship_categories()
        for partner in self:
            partner.relationship_category_manual = (
                partner.relationship_category in manual
            )

    @api.multi
    @api.depends("account_rating", "suggested_rating")
    def _compute_rating_differs(self):
        for partner in self:
            partner.rating_differs = self._get_rating_differs(
                partner.account_rating, partner.suggested_rating
            )

    @api.onchange("prospect_class")
    def _onchange_prospect_class_expected_close(self):
        """Suggest the close date from the class (A: 1 month, B: 3, C: 6) when
        it is still empty; the user may change it."""
        if self.prospect_class and not self.expected_close_date:
            close = self._get_expected_close_date(
                self.prospect_class, self._get_metrics_today()
            )
            if close:
                self.expected_close_date = fields.Date.to_string(close)

    @api.model
    def _read_group_customer_status(self, values, domain, order):
        # Every pipeline column shows in the kanban, even when empty.
        return [key for key, _label in CUSTOMER_STATUS]

    @api.model
    def _read_group_prospect_class(self, values, domain, order):
        # Every class column shows in the kanban grouped by class.
        return [key for key, _label in PROSPECT_CLASS]

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
    def _name_with_number(self, name, partner_name, number):
        """Put the number right after the partner's own name, else at the end of
        the first line (names prefixed by a company, addresses below)."""
        tag = " [%s]" % number
        if partner_name and name.startswith(partner_name):
            cut = len(partner_name)
        else:
            cut = name.find("\n") if "\n" in name else len(name)
        return name[:cut] + tag + name[cut:]

    @api.constrains("credit_limit")
    def _check_credit_limit(self):
        for partner in self:
            if partner.credit_limit < 0:
                raise ValidationError(
                    _(
                        "The credit limit of %(name)s cannot be negative "
                        "(%(limit)s). Enter 0 for no limit."
                    )
                    % {"name": partner.name, "limit": partner.credit_limit}
                )

    @api.model
    def create(self, vals):
        # who may set what: _check_field_rights (res_partner_rights.py)
        if "customer_status" in vals:
            vals = dict(vals, status_date=fields.Date.context_today(self))
        partner = super(ResPartner, self).create(vals)
        partner._assign_customer_number()
        return partner

    @api.multi
    def write(self, vals):
        if "customer_status" in vals:
            vals = dict(vals, **self._prepare_status_vals(vals["customer_status"]))
        result = super(ResPartner, self).write(vals)
        if {"customer", "parent_id", "is_company"} & set(vals):
            self._assign_customer_number()
        return result

    # ------------------------------------------------------------------
    # Customer number
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # Follow-up cadence
    # ------------------------------------------------------------------
    @api.model
    def _get_followup_cadence(self):
        """Days between follow-ups per prospect class, from the settings."""
        settings = self.env["res.config.settings"]
        return {
            cls: settings.get_customer_management_param("cadence_%s" % cls)
            for cls, _label in PROSPECT_CLASS
        }

    # ------------------------------------------------------------------
    # Credit
    # ------------------------------------------------------------------
    # [methods: commercial terms]
    # (create/write/_commercial_fields overrides and the invoice e-mail check
    # are in res_partner_commercial_terms.py, so that they chain with the
    # overrides above instead of replacing them.)
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

    @api.constrains("fiscal_year_end_month", "fiscal_year_end_day")
    def _check_fiscal_year_end(self):
        # 29 February is accepted (leap years); the reminder uses 28 otherwise.
        month_days = {
            1: 31,
            2: 29,
            3: 31,
            4: 30,
            5: 31,
            6: 30,
            7: 31,
            8: 31,
            9: 30,
            10: 31,
            11: 30,
            12: 31,
        }
        months = dict(
            self._fields["fiscal_year_end_month"]._description_selection(self.env)
        )
        for partner in self:
            month, day = partner.fiscal_year_end_month, partner.fiscal_year_end_day
            if not month and not day:
                continue
            if not month or not day:
                raise ValidationError(
                    _(
                        "%s: the fiscal year end needs both a month and a day (or "
                        "neither)."
                    )
                    % partner.name
                )
            if not 1 <= day <= month_days[int(month)]:
                raise ValidationError(
                    _(
                        "%(name)s: %(day)s %(month)s is not a possible fiscal year "
                        "end: "
                        "%(month)s has %(count)s days."
                    )
                    % {
                        "name": partner.name,
                        "day": day,
                        "month": months[month],
                        "count": month_days[int(month)],
                    }
                )

    @api.constrains("invoice_period_end_day")
    def _check_invoice_period_end_day(self):
        for partner in self:
            day = partner.invoice_period_end_day
            if day and not 1 <= day <= 31:
                raise ValidationError(
                    _(
                        "%(name)s: the invoice period end day must be a day of the "
                        "month "
                        "from 1 to 31 (31: the last day of every month), not %(day)s."
                    )
                    % {"name": partner.name, "day": day}
                )

    @api.constrains("payment_days", "property_payment_term_id")
    def _check_payment_term_days(self):
        # The payment term is a property, written after the plain columns of the
        # same create/write: res_partner_commercial_terms.py defers the check
        # until both are written.
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

    @api.onchange("service_area_id")
    def _onchange_service_area_id(self):
        if self.service_area_id:
            self.update(self.service_area_id._prepare_partner_team_values(self))

    @api.multi
    def _fill_customer_since(self, date):
        """Set ``date`` as customer-since date of the commercial partners of
        ``self`` that have none (one write). Called on order confirmation."""
        partners = self.mapped("commercial_partner_id").filtered(
            lambda p: not p.customer_since
        )
        if partners:
            partners.sudo().write({"customer_since": date})
        return partners

    @api.multi
    def _compute_customer_since_batch(self):
        """Fill the empty customer-since dates of the commercial partners of
        ``self`` (of every partner when ``self`` is empty) with the date of
        their first confirmed order, in one SQL statement. Dates typed by hand
        are kept. Returns the partners that were filled."""
        partner_ids = self.mapped("commercial_partner_id").ids
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET customer_since = first.first_date,
                   write_uid = %s, write_date = (now() AT TIME ZONE 'UTC')
              FROM (SELECT c.commercial_partner_id AS partner_id,
                           MIN(so.confirmation_date)::date AS first_date
                      FROM sale_order so
                      JOIN res_partner c ON c.id = so.partner_id
                     WHERE so.state IN ('sale', 'done')
                       AND so.confirmation_date IS NOT NULL
                       AND (%s OR c.commercial_partner_id = ANY(%s))
                     GROUP BY c.commercial_partner_id) first
             WHERE p.id = first.partner_id AND p.customer_since IS NULL
         RETURNING p.id""",
            (self.env.uid, not partner_ids, partner_ids or [0]),
        )
        filled = self.browse([row[0] for row in self.env.cr.fetchall()])
        filled.invalidate_cache(["customer_since"], filled.ids)
        return filled

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

    # [methods: relationships and history]
    # ------------------------------------------------------------------
    # Referrals, affiliates, guarantors, forecasts and interactions
    # ------------------------------------------------------------------
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

    # Affiliate commissions: _get_affiliate_commission_due() and the
    # customer.affiliate.commission view are in customer_affiliate_commission.py.

    @api.model
    def _count_related(self, model, field_name, ids, domain=None):
        """{id: number of ``model`` records whose ``field_name`` is id}, for the
        saved ids among ``ids``: one read_group."""
        ids = [pid for pid in ids if pid]
        if not ids:
            return {}
        groups = self.env[model].read_group(
            [(field_name, "in", ids)] + (domain or []), [field_name], [field_name]
        )
        return {g[field_name][0]: g["%s_count" % field_name] for g in groups}

    @api.model
    def _search_open_interaction_count(self, interaction_type, operator, value):
        """Partners (customers and their contacts) by their number of open
        complaints or requests, e.g. ('open_complaint_count', '>', 0)."""
        compare = {
            "=": lambda count: count == value,
            "!=": lambda count: count != value,
            ">": lambda count: count > value,
            ">=": lambda count: count >= value,
            "<": lambda count: count < value,
            "<=": lambda count: count <= value,
        }.get(operator)
        if compare is None or not isinstance(value, (int, float)):
            raise UserError(
                _("Unsupported search on the open %(type)ss: %(operator)s %(value)s")
                % {"type": interaction_type, "operator": operator, "value": value}
            )
        groups = self.env["customer.interaction"].read_group(
            [("interaction_type", "=", interaction_type), ("state", "=", "open")],
            ["partner_id"],
            ["partner_id"],
        )
        counts = {g["partner_id"][0]: g["partner_id_count"] for g in groups}
        if compare(0):
            return [
                (
                    "commercial_partner_id",
                    "not in",
                    [pid for pid, count in counts.items() if not compare(count)],
                )
            ]
        return [
            (
                "commercial_partner_id",
                "in",
                [pid for pid, count in counts.items() if compare(count)],
            )
        ]

    @api.model
    def _to_local_date(self, value):
        """Date, in the user's timezone, of a UTC datetime (string or datetime)."""
        if isinstance(value, str):
            value = fields.Datetime.from_string(value)
        return fields.Date.to_string(fields.Datetime.context_timestamp(self, value))

    @api.multi
    def _get_contact_stats(self, today):
        """{partner id: (date of the latest interaction, number of interactions in
        the 30 days ending today: today and the 29 days before, from 00:00 UTC)}
        for the saved partners of ``self``: one query."""
        partner_ids = tuple(pid for pid in self.ids if pid)
        if not partner_ids:
            return {}
        self.env.cr.execute(
            """
            SELECT partner_id, MAX(date),
                   COUNT(*) FILTER (WHERE date >= (%s::date - 29)::timestamp)
              FROM customer_interaction
             WHERE partner_id IN %s
             GROUP BY partner_id""",
            (today, partner_ids),
        )
        return {
            pid: (self._to_local_date(last), recent)
            for pid, last, recent in self.env.cr.fetchall()
        }

    @api.model
    def _get_contact_frequency_status(
        self, cadence, last_contact_date, recent_count, today
    ):
        """The contact frequency rule, in one place (compute, nightly batch, tests).

        ``cadence``: follow-up days of the customer's class (Settings), None or
        False when it has no class (then the status is False). Neglected when
        the last contact is more than 1.5 x cadence days before ``today`` (or
        there is none); else over_contacted when ``recent_count`` (interactions
        in the 30 days ending today) is more than 2 x (30 / cadence); else ok.
        """
        if cadence is None or cadence is False:
            return False
        cadence = max(cadence, 1)
        if (
            not last_contact_date
            or (_as_date(today) - _as_date(last_contact_date)).days > 1.5 * cadence
        ):
            return "neglected"
        if recent_count > 2.0 * 30 / cadence:
            return "over_contacted"
        return "ok"

    @api.multi
    def _compute_contact_frequency_batch(self):
        """Refresh the stored ``contact_frequency_status`` (and repair
        ``last_contact_date``) as of today: the status drifts with time, so the
        nightly job calls this. Works on ``self``, or on every partner with a
        class, a status or interactions when ``self`` is empty. One query reads
        everything; the changes are written in one UPDATE per distinct value.
        Returns the number of partners changed."""
        today = fields.Date.context_today(self)
        today_date = _as_date(today)  # parsed once, not per partner
        cadences = self._get_followup_cadence()
        changes = {}
        for (
            pid,
            prospect_class,
            status,
            stored_date,
            last_date,
            recent,
        ) in self._read_contact_frequency_rows(today):
            new_status = (
                self._get_contact_frequency_status(
                    cadences.get(prospect_class), last_date, recent, today_date
                )
                or None
            )
            # the cursor gives dates as strings
            if (new_status, last_date) != (status, stored_date or None):
                changes.setdefault((new_status, last_date), []).append(pid)
        for (status, last_date), partner_ids in changes.items():
            for start in range(0, len(partner_ids), 10000):
                self.env.cr.execute(
                    """
                    UPDATE res_partner
                       SET contact_frequency_status = %s, last_contact_date = %s
                     WHERE id IN %s""",
                    (status, last_date, tuple(partner_ids[start : start + 10000])),
                )
        self.invalidate_cache(["contact_frequency_status", "last_contact_date"])
        return sum(len(partner_ids) for partner_ids in changes.values())

    @api.multi
    def _read_contact_frequency_rows(self, today):
        """(id, class of a commercial partner, stored status, stored last contact
        date, date of the latest interaction in the user's timezone,
        interactions in the 30 days ending ``today``) of the partners of
        ``self`` (all concerned partners when empty)."""
        every = not self
        ids = [pid for pid in self.ids if pid]
        cr = self.env.cr
        cr.execute(
            """
            SELECT p.id,
                   CASE WHEN p.commercial_partner_id = p.id THEN p.prospect_class END,
                   p.contact_frequency_status, p.last_contact_date,
                   -- converted here, not per row in Python (nightly: 10 %%)
                   (s.last_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
                   COALESCE(s.recent, 0)
              FROM res_partner p
              LEFT JOIN (SELECT partner_id, MAX(date) AS last_date,
                                COUNT(*) FILTER (
                                    WHERE date >= (%(today)s::date - 29)::timestamp
                                ) AS recent
                           FROM customer_interaction
                          WHERE %(every)s OR partner_id = ANY(%(ids)s)
                          GROUP BY partner_id) s ON s.partner_id = p.id
             WHERE p.id = ANY(%(ids)s)
                OR (%(every)s AND (p.prospect_class IS NOT NULL
                                   OR p.contact_frequency_status IS NOT NULL
                                   OR p.last_contact_date IS NOT NULL
                                   OR s.partner_id IS NOT NULL))""",
            {"today": today, "every": every, "ids": ids, "tz": self._get_metrics_tz()},
        )
        return cr.fetchall()

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

    @api.multi
    def action_view_interactions(self):
        """The customer's interactions; new ones are for the customer (and for
        this contact when opened from a contact)."""
        self.ensure_one()
        customer = self.commercial_partner_id
        context = {"default_partner_id": customer.id}
        if customer != self:
            context["default_contact_id"] = self.id
        return self._get_relationship_action(
            "customer_management.customer_interaction_action",
            [("partner_id", "=", customer.id)],
            context,
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

    # [methods: classification, follow-up and metrics]
    # (rules, batch computations and action_recompute_customer_metrics() of this
    # topic: models/res_partner_metrics.py)

    # ------------------------------------------------------------------
    # Status lifecycle
    # ------------------------------------------------------------------
    @api.model
    def _prepare_status_vals(self, status):
        return {
            "customer_status": status,
            "status_date": fields.Date.context_today(self),
        }

    @api.multi
    def _set_customer_status(self, status):
        """Write the status without the manual-change checks (hold/release)."""
        if not self:
            # write() on no record still costs ~15 ms (tracking, mail thread):
            # every confirmation calls this for the (usually no) inactive ones
            return True
        vals = self._prepare_status_vals(status)
        return super(ResPartner, self).write(vals)

    @api.multi
    def _step_status(self, step):
        for partner in self:
            status = partner.customer_status
            if status in ("hold", "inactive") or status not in PIPELINE:
                target = "active" if status == "inactive" and step > 0 else None
            else:
                index = PIPELINE.index(status) + step
                target = PIPELINE[index] if 0 <= index < len(PIPELINE) else None
            if not target:
                raise UserError(
                    _("%(name)s cannot move %(direction)s from status '%(status)s'.")
                    % {
                        "name": partner.name,
                        "direction": _("forward") if step > 0 else _("back"),
                        "status": dict(CUSTOMER_STATUS)[status],
                    }
                )
            partner.write({"customer_status": target})
        return True

    @api.multi
    def action_status_forward(self):
        """Move the customer one step forward in the pipeline (inactive: back to
        active)."""
        return self._step_status(1)

    @api.multi
    def action_status_back(self):
        """Move the customer one step back in the pipeline."""
        return self._step_status(-1)

    @api.multi
    def action_set_inactive(self):
        self.write({"customer_status": "inactive"})
        return True

    # ------------------------------------------------------------------
    # Financial hold (placing and releasing; the rules come with the hold review)
    # ------------------------------------------------------------------
    @api.model
    def _check_credit_manager(self):
        if not self.env.user.has_group(GROUP_CREDIT):
            raise AccessError(
                _("Only a Credit Manager may place or release a financial hold.")
            )

    @api.model
    def _check_hold_reason(self, reason):
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(
                _("A reason is required to place or release a financial hold.")
            )
        return reason.strip()

    @api.multi
    def action_place_hold(self, reason):
        """Put the commercial customers of ``self`` on financial hold (Credit
        Manager only; ``reason`` is mandatory). Returns True for RPC."""
        self._check_credit_manager()
        reason = self._check_hold_reason(reason)
        self.mapped("commercial_partner_id")._place_hold(reason, automatic=False)
        return True

    @api.multi
    def action_release_hold(self, reason):
        """Release the financial hold and return to the status held before
        (Credit Manager only; ``reason`` is mandatory). Returns True for RPC."""
        self._check_credit_manager()
        reason = self._check_hold_reason(reason)
        self.mapped("commercial_partner_id")._release_hold(reason)
        return True

    @api.multi
    def _compute_sale_counts(self):
        """Quotations, confirmed orders and stalled quotations of each
        commercial partner and its contacts, in the user's companies: one query."""
        partners = self.mapped("commercial_partner_id")
        counts = {}
        if partners.ids:
            days = self.env["res.config.settings"].get_customer_management_param(
                "stalled_quotation_days"
            )
            self.env.cr.execute(
                """
                SELECT p.commercial_partner_id,
                       COUNT(*) FILTER (WHERE so.state IN ('draft', 'sent')),
                       COUNT(*) FILTER (WHERE so.state IN ('sale', 'done')),
                       COUNT(*) FILTER (WHERE so.state IN ('draft', 'sent') AND (
                           so.validity_date < %(today)s
                           OR so.date_order < %(today)s::date - %(days)s))
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id IN %(partners)s
                   AND so.company_id IN %(companies)s
                 GROUP BY p.commercial_partner_id""",
                {
                    "today": fields.Date.context_today(self),
                    "days": days,
                    "partners": tuple(partners.ids),
                    "companies": tuple(self.env.user.company_ids.ids),
                },
            )
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            quotations, orders, stalled = counts.get(
                partner.commercial_partner_id.id, (0, 0, 0)
            )
            partner.quotation_count = quotations
            partner.confirmed_order_count = orders
            partner.stalled_quotation_count = stalled

    @api.multi
    def _sale_order_action(self, domain, name):
        self.ensure_one()
        action = self.env.ref("sale.action_orders").read()[0]
        action.update(
            name=name,
            display_name=name,  # the breadcrumb shows display_name
            context={"default_partner_id": self.id},
            domain=[("partner_id", "child_of", self.commercial_partner_id.id)] + domain,
        )
        return action

    @api.multi
    def action_view_quotations(self):
        return self._sale_order_action(
            [("state", "in", ("draft", "sent"))], _("Quotations")
        )

    @api.multi
    def action_view_confirmed_orders(self):
        return self._sale_order_action(
            [("state", "in", ("sale", "done"))], _("Sales Orders")
        )

    @api.multi
    def action_view_stalled_quotations(self):
        days = self.env["res.config.settings"].get_customer_management_param(
            "stalled_quotation_days"
        )
        today = fields.Date.from_string(fields.Date.context_today(self))
        limit = fields.Date.to_string(today - timedelta(days=days))
        return self._sale_order_action(
            [
                ("state", "in", ("draft", "sent")),
                "|",
                ("validity_date", "<", fields.Date.to_string(today)),
                ("date_order", "<", limit),
            ],
            _("Stalled quotations"),
        )

    @api.multi
    def _compute_credit_hold_warning(self):
        reasons = self._credit_hold_reasons()
        for partner in self:
            texts = [
                r["message"] for r in reasons.get(partner.commercial_partner_id.id, [])
            ]
            partner.credit_hold_warning = "; ".join(texts) if texts else False
