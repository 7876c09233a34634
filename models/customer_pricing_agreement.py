from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

AGREEMENT_STATES = [("draft", "Draft"), ("active", "Active"), ("expired", "Expired")]
INVOICE_POLICIES = [
    ("per_order", "Per order"),
    ("periodic", "Periodic (on the invoice period end)"),
]


class CustomerPricingAgreement(models.Model):
    """The pricing agreement signed with a customer: the currency it pays in,
    its pay schedule (payment term), its pricelist and how it is invoiced.

    A customer has at most one active agreement for any given day; that one is
    the customer's current agreement (``res.partner.pricing_agreement_id``) and
    new quotations take their pricelist, currency and payment term from it.
    """

    _name = "customer.pricing.agreement"
    _description = "Customer Pricing Agreement"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"

    @api.model
    def _default_company_id(self):
        return self.env["res.company"]._company_default_get(
            "customer.pricing.agreement"
        )

    @api.model
    def _default_currency_id(self):
        return self._default_company_id().currency_id

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        index=True,
        default=lambda self: _("New"),
        track_visibility="onchange",
        help="Reference of the agreement; a number is given from the sequence "
        "when it is left empty.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        track_visibility="onchange",
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer (company or individual) the agreement was signed with. "
        "An agreement entered on a contact person is kept on its company.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=_default_currency_id,
        track_visibility="onchange",
        help="Currency the customer pays in.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Pay Schedule",
        track_visibility="onchange",
        help="Payment term put on the customer's quotations and invoices.",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        track_visibility="onchange",
        help="Pricelist put on the customer's quotations. Its currency must be the "
        "agreement's currency.",
    )
    date_signed = fields.Date(track_visibility="onchange")
    date_start = fields.Date(
        string="Valid From",
        required=True,
        default=fields.Date.context_today,
        index=True,
        track_visibility="onchange",
    )
    date_end = fields.Date(
        string="Valid Until",
        index=True,
        track_visibility="onchange",
        help="Last day the agreement applies. Empty: no end. After this day the "
        "agreement no longer applies and is marked expired.",
    )
    state = fields.Selection(
        AGREEMENT_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        track_visibility="onchange",
        help="Only active agreements apply to quotations; an active agreement whose "
        "end date has passed becomes expired.",
    )
    invoice_policy = fields.Selection(
        INVOICE_POLICIES,
        required=True,
        default="per_order",
        track_visibility="onchange",
        help="Per order: each order is invoiced on its own. Periodic: the orders "
        "are invoiced together on the customer's invoice period end day.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=_default_company_id
    )
    notes = fields.Text()

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_end and agreement.date_end < agreement.date_start:
                raise ValidationError(
                    _(
                        "Pricing agreement %(name)s ends (%(end)s) before it starts "
                        "(%(start)s). Set the end date on or after the start date, or "
                        "leave it empty."
                    )
                    % {
                        "name": agreement.name,
                        "end": agreement.date_end,
                        "start": agreement.date_start,
                    }
                )

    @api.constrains("pricelist_id", "currency_id")
    def _check_pricelist_currency(self):
        for agreement in self.filtered("pricelist_id"):
            if agreement.pricelist_id.currency_id != agreement.currency_id:
                raise ValidationError(
                    _(
                        "The pricelist %(pricelist)s of agreement %(name)s is in "
                        "%(pricelist_currency)s but the agreement is in %(currency)s. "
                        "Choose a pricelist in %(currency)s or change the currency."
                    )
                    % {
                        "pricelist": agreement.pricelist_id.name,
                        "name": agreement.name,
                        "pricelist_currency": agreement.pricelist_id.currency_id.name,
                        "currency": agreement.currency_id.name,
                    }
                )

    @api.constrains("state", "partner_id", "date_start", "date_end", "company_id")
    def _check_overlap(self):
        for agreement in self.filtered(lambda a: a.state == "active"):
            other = agreement._get_overlapping_agreements()[:1]
            if other:
                raise ValidationError(
                    _(
                        "%(customer)s already has the active pricing agreement "
                        "%(other)s "
                        "from %(other_start)s to %(other_end)s, which overlaps "
                        "%(name)s "
                        "(%(start)s to %(end)s). A customer has at most one active "
                        "agreement at a time: end or set the other one to draft first."
                    )
                    % {
                        "customer": agreement.partner_id.name,
                        "other": other.name,
                        "other_start": other.date_start,
                        "other_end": other.date_end or _("no end"),
                        "name": agreement.name,
                        "start": agreement.date_start,
                        "end": agreement.date_end or _("no end"),
                    }
                )

    @api.onchange("pricelist_id")
    def _onchange_pricelist_id(self):
        if self.pricelist_id:
            self.currency_id = self.pricelist_id.currency_id

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and self.partner_id.commercial_partner_id != self.partner_id:
            self.partner_id = self.partner_id.commercial_partner_id

    @api.model
    def create(self, vals):
        vals = self._prepare_commercial_partner_vals(vals)
        if not vals.get("name") or vals["name"] == _("New"):
            sequence = self.env.ref("customer_management.seq_pricing_agreement").sudo()
            vals["name"] = sequence.next_by_id() or _("New")
        return super(CustomerPricingAgreement, self).create(vals)

    @api.multi
    def write(self, vals):
        return super(CustomerPricingAgreement, self).write(
            self._prepare_commercial_partner_vals(vals)
        )

    @api.multi
    def action_activate(self):
        """Make the agreements the customers' active ones (refused once ended)."""
        today = fields.Date.context_today(self)
        ended = self.filtered(lambda a: a.date_end and a.date_end < today)
        if ended:
            raise UserError(
                _(
                    "Pricing agreement %(name)s ended on %(end)s and cannot be "
                    "activated. "
                    "Extend its end date first."
                )
                % {"name": ended[0].name, "end": ended[0].date_end}
            )
        self.filtered(lambda a: a.state != "active").write({"state": "active"})
        return True

    @api.multi
    def action_set_draft(self):
        self.filtered(lambda a: a.state != "draft").write({"state": "draft"})
        return True

    @api.model
    def _prepare_commercial_partner_vals(self, vals):
        """Agreements belong to the commercial entity: a contact person given as
        partner is replaced by its company."""
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            commercial = partner.commercial_partner_id
            if commercial and commercial != partner:
                vals = dict(vals, partner_id=commercial.id)
        return vals

    @api.multi
    def _get_overlapping_agreements(self):
        """Other active agreements of the same customer and company whose
        validity period overlaps this one's (all companies are looked at, so
        that a user who cannot see the other one still gets a clear error)."""
        self.ensure_one()
        domain = [
            ("id", "!=", self.id),
            ("partner_id", "=", self.partner_id.id),
            ("state", "=", "active"),
            ("company_id", "=", self.company_id.id),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", self.date_start),
        ]
        if self.date_end:
            domain.append(("date_start", "<=", self.date_end))
        return self.sudo().search(domain)

    @api.model
    def _get_current_agreements(self, partners=None, date=None, company=None):
        """The agreement that applies on ``date`` (default: today) to each
        commercial partner of ``partners`` (default: every customer) in
        ``company`` (default: the user's company):
        {commercial_partner_id: agreement}.

        Applies: state active, started on or before ``date``, not ended before
        it (an agreement past its end date no longer applies even before the
        daily expiry marks it expired). One search whatever the number of
        partners. Override point for other ways of picking an agreement.
        """
        # every new quotation asks: res.partner's today skips reading the
        # user's time zone through res.users (see _user_today)
        date = date or self.env["res.partner"]._user_today()
        domain = [
            ("state", "=", "active"),
            ("date_start", "<=", date),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", date),
            ("company_id", "=", (company or self.env.user.company_id).id),
        ]
        if partners is not None:
            # new records (onchange) have no agreement yet: their NewIds are falsy
            commercial_ids = {
                pid for pid in partners.mapped("commercial_partner_id").ids if pid
            }
            if not commercial_ids:
                return {}
            domain.append(("partner_id", "in", list(commercial_ids)))
        agreements = self.sudo().search(domain, order="date_start desc, id desc")
        result = {}
        for agreement in agreements:
            result.setdefault(agreement.partner_id.id, agreement.sudo(self.env.uid))
        return result

    @api.multi
    def _get_sale_pricelist(self):
        """Pricelist for a quotation under this agreement: its own pricelist, else
        the first pricelist of the company in the agreement's currency (empty
        when there is none: the customer's pricelist is then kept)."""
        self.ensure_one()
        if self.pricelist_id:
            return self.pricelist_id
        return self.env["product.pricelist"].search(
            [
                ("currency_id", "=", self.currency_id.id),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", self.company_id.id),
            ],
            limit=1,
        )

    @api.multi
    def _prepare_sale_order_values(self, current_pricelist=None):
        """Values a quotation takes from this agreement: pricelist (hence the
        currency) and payment term. Fields the agreement leaves empty are not
        in the result. ``current_pricelist`` (the customer's) is kept when it is
        already in the agreement's currency and the agreement names none."""
        self.ensure_one()
        values = {}
        if self.pricelist_id:
            values["pricelist_id"] = self.pricelist_id.id
        elif not current_pricelist or current_pricelist.currency_id != self.currency_id:
            pricelist = self._get_sale_pricelist()
            if pricelist:
                values["pricelist_id"] = pricelist.id
        if self.payment_term_id:
            values["payment_term_id"] = self.payment_term_id.id
        return values

    @api.model
    def _expire_agreements(self, date=None):
        """Mark expired every active agreement whose end date is before ``date``
        (default today). One search and one write; entry point of the daily
        scheduled action. Returns the expired agreements."""
        date = date or fields.Date.context_today(self)
        agreements = self.sudo().search(
            [
                ("state", "=", "active"),
                ("date_end", "!=", False),
                ("date_end", "<", date),
            ]
        )
        if agreements:
            agreements.write({"state": "expired"})
        return agreements
