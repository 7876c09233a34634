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

GROUP_USER = "customer_management.group_customer_user"
GROUP_CREDIT = "customer_management.group_credit_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_number = fields.Char(
        readonly=True, copy=False, index=True,
        help="Assigned from the customer number sequence when the partner first "
             "becomes a customer (a commercial entity marked as customer).")
    customer_type_id = fields.Many2one(
        "customer.type", string="Customer Type", index=True,
        track_visibility="onchange", ondelete="restrict")
    effort_level = fields.Selection(related="customer_type_id.effort_level", readonly=True)
    customer_status = fields.Selection(
        CUSTOMER_STATUS, string="Customer Status", default="prospect_c", required=True,
        index=True, copy=False, track_visibility="onchange",
        group_expand="_read_group_customer_status",
        help="C/B/A-level prospect: wants to buy (C unsure what or from whom, "
             "B has a vague idea, A is ready to buy); then negotiation, active "
             "customer, financial hold (no order confirmed until it pays) or inactive.")
    status_date = fields.Date(
        readonly=True, copy=False, help="Date of the last change of the customer status.")
    status_before_hold = fields.Selection(
        CUSTOMER_STATUS, readonly=True, copy=False,
        help="Status to return to when the financial hold is released.")
    prospect_class = fields.Selection(
        PROSPECT_CLASS, string="Class", index=True, track_visibility="onchange",
        help="A: obvious need, closes within 1 month; B: within 3 months; C: within "
             "6 months; D: potential need, at least 6 months away; E: no need (dead). "
             "The class sets how often the customer is followed up.")
    # Credit, in the current company's currency (see _get_credit_used).
    credit_used = fields.Monetary(
        compute="_compute_credit", currency_field="credit_currency_id",
        groups="base.group_user",
        help="Open receivables and draft invoices plus confirmed orders not yet "
             "invoiced, for the current company.")
    credit_available = fields.Monetary(
        compute="_compute_credit", currency_field="credit_currency_id",
        help="Credit limit minus credit used (empty when no limit is set).")
    credit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit", string="Credit Currency")
    # [fields: commercial terms]
    # [fields: relationships and history]
    # [fields: classification, follow-up and metrics]

    _sql_constraints = [
        ("customer_number_company_uniq", "unique(customer_number, company_id)",
         "The customer number must be unique per company."),
    ]

    @api.depends("customer_number")
    def _compute_display_name(self):
        # The number is part of the display name so that two customers with the
        # same name are told apart, and name_search finds customers by number.
        return super(ResPartner, self)._compute_display_name()

    @api.multi
    def _compute_credit(self):
        company = self.env.user.company_id
        used = self._get_credit_used(company)
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.credit_currency_id = company.currency_id
            partner.credit_used = used.get(commercial.id, 0.0)
            partner.credit_available = (
                commercial.credit_limit - partner.credit_used if commercial.credit_limit else 0.0)

    # [computes: commercial terms]
    # [computes: relationships and history]
    # [computes: classification, follow-up and metrics]

    @api.model
    def _read_group_customer_status(self, values, domain, order):
        # Every pipeline column shows in the kanban, even when empty.
        return [key for key, _label in CUSTOMER_STATUS]

    @api.constrains("customer_number", "company_id")
    def _check_customer_number(self):
        # The SQL constraint covers one company; a partner shared by all
        # companies (no company) must not reuse a number either.
        for partner in self.filtered("customer_number"):
            domain = [("id", "!=", partner.id),
                      ("customer_number", "=", partner.customer_number)]
            if partner.company_id:
                domain += ["|", ("company_id", "=", partner.company_id.id),
                           ("company_id", "=", False)]
            if self.sudo().with_context(active_test=False).search_count(domain):
                raise ValidationError(_(
                    "Customer number %s is already used by another customer. "
                    "Leave it empty to get the next free number.") % partner.customer_number)

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
                named.append((partner_id, self._name_with_number(
                    name, self.browse(partner_id).name or "", number)))
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

    @api.model
    def create(self, vals):
        if "customer_status" in vals:
            self._check_customer_status_rights()
            if vals["customer_status"] == "hold":
                raise UserError(_("A customer goes on financial hold only through "
                                  "'Place on hold' (Credit Manager)."))
            vals = dict(vals, status_date=fields.Date.context_today(self))
        partner = super(ResPartner, self).create(vals)
        partner._assign_customer_number()
        return partner

    @api.multi
    def write(self, vals):
        if "customer_status" in vals:
            self._check_customer_status_change(vals["customer_status"])
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
        todo = self.filtered(lambda p: p.customer and not p.customer_number
                             and p.commercial_partner_id == p)
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
        return {cls: settings.get_customer_management_param("cadence_%s" % cls)
                for cls, _label in PROSPECT_CLASS}

    # ------------------------------------------------------------------
    # Credit
    # ------------------------------------------------------------------
    @api.multi
    def _get_credit_used(self, company):
        """Credit used per commercial partner of ``self`` in ``company``, in the
        company currency: {commercial_partner_id: amount}.

        Three set-based queries whatever the number of partners, invoices or
        orders: posted receivables still open, draft customer invoices, and the
        not yet invoiced part of confirmed orders (converted per currency).
        """
        partner_ids = tuple(set(self.mapped("commercial_partner_id").ids))
        if not partner_ids:
            return {}
        cr = self.env.cr
        used = dict.fromkeys(partner_ids, 0.0)
        cr.execute("""
            SELECT aml.partner_id, SUM(aml.amount_residual)
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE aml.partner_id IN %s AND aml.company_id = %s
               AND acc.internal_type = 'receivable' AND NOT aml.reconciled
               AND am.state = 'posted'
             GROUP BY aml.partner_id""", (partner_ids, company.id))
        for partner_id, amount in cr.fetchall():
            used[partner_id] += amount or 0.0
        cr.execute("""
            SELECT ai.commercial_partner_id, SUM(ai.amount_total_company_signed)
              FROM account_invoice ai
             WHERE ai.commercial_partner_id IN %s AND ai.company_id = %s
               AND ai.state = 'draft' AND ai.type IN ('out_invoice', 'out_refund')
             GROUP BY ai.commercial_partner_id""", (partner_ids, company.id))
        for partner_id, amount in cr.fetchall():
            used[partner_id] += amount or 0.0
        cr.execute("""
            SELECT p.commercial_partner_id, so.currency_id,
                   SUM(CASE WHEN sol.product_uom_qty > 0
                            THEN sol.price_total * (sol.product_uom_qty - sol.qty_invoiced)
                                 / sol.product_uom_qty
                            ELSE 0 END)
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE p.commercial_partner_id IN %s AND so.company_id = %s
               AND so.state IN ('sale', 'done') AND sol.qty_invoiced < sol.product_uom_qty
             GROUP BY p.commercial_partner_id, so.currency_id""", (partner_ids, company.id))
        Currency = self.env["res.currency"]
        for partner_id, currency_id, amount in cr.fetchall():
            if currency_id != company.currency_id.id:
                amount = Currency.browse(currency_id).with_context(
                    date=fields.Date.context_today(self)).compute(amount, company.currency_id)
            used[partner_id] += amount or 0.0
        return used

    # [methods: commercial terms]
    # [methods: relationships and history]
    # [methods: classification, follow-up and metrics]

    # ------------------------------------------------------------------
    # Status lifecycle
    # ------------------------------------------------------------------
    @api.model
    def _prepare_status_vals(self, status):
        return {"customer_status": status, "status_date": fields.Date.context_today(self)}

    @api.model
    def _check_customer_status_rights(self):
        if not self.env.user.has_group(GROUP_USER):
            raise AccessError(_("Only Customer Management users may change the status "
                                "of a customer."))

    @api.multi
    def _check_customer_status_change(self, new_status):
        """Refuse status changes that only the hold/release actions may make."""
        self._check_customer_status_rights()
        changing = self.filtered(lambda p: p.customer_status != new_status)
        if new_status == "hold" and changing:
            raise UserError(_(
                "%s cannot be moved to Financial hold by hand: a Credit Manager uses "
                "'Place on hold' with a reason.") % ", ".join(changing.mapped("name")))
        held = changing.filtered(lambda p: p.customer_status == "hold")
        if held:
            raise UserError(_(
                "%s is on financial hold: only a release by a Credit Manager (with a "
                "reason) or a payment that cures the hold can change its status.")
                % ", ".join(held.mapped("name")))

    @api.multi
    def _set_customer_status(self, status):
        """Write the status without the manual-change checks (hold/release)."""
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
                raise UserError(_("%s cannot move %s from status '%s'.") % (
                    partner.name, _("forward") if step > 0 else _("back"),
                    dict(CUSTOMER_STATUS)[status]))
            partner.write({"customer_status": target})
        return True

    @api.multi
    def action_status_forward(self):
        """Move the customer one step forward in the pipeline (inactive: back to active)."""
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
            raise AccessError(_("Only a Credit Manager may place or release a "
                                "financial hold."))

    @api.model
    def _check_hold_reason(self, reason):
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(_("A reason is required to place or release a financial hold."))
        return reason.strip()

    @api.multi
    def action_place_hold(self, reason):
        """Put the commercial customers of ``self`` on financial hold (Credit Manager)."""
        self._check_credit_manager()
        reason = self._check_hold_reason(reason)
        partners = self.mapped("commercial_partner_id").filtered(
            lambda p: p.customer_status != "hold")
        for status in set(partners.mapped("customer_status")):
            group = partners.filtered(lambda p, s=status: p.customer_status == s)
            super(ResPartner, group).write({"status_before_hold": status})
        partners._set_customer_status("hold")
        for partner in partners:
            partner.message_post(body=_("Placed on financial hold by %s. Reason: %s") % (
                self.env.user.name, reason))
        return True

    @api.multi
    def action_release_hold(self, reason):
        """Release the financial hold and return to the status held before."""
        self._check_credit_manager()
        reason = self._check_hold_reason(reason)
        partners = self.mapped("commercial_partner_id").filtered(
            lambda p: p.customer_status == "hold")
        for partner in partners:
            partner._set_customer_status(partner.status_before_hold or "active")
            partner.message_post(body=_("Financial hold released by %s. Reason: %s") % (
                self.env.user.name, reason))
        super(ResPartner, partners).write({"status_before_hold": False})
        return True
