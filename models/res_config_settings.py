from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PARAM_PREFIX = "customer_management."


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Follow-up cadence per prospect class, in days (A daily ... E yearly).
    cm_cadence_a = fields.Integer("Class A follow-up (days)")
    cm_cadence_b = fields.Integer("Class B follow-up (days)")
    cm_cadence_c = fields.Integer("Class C follow-up (days)")
    cm_cadence_d = fields.Integer("Class D follow-up (days)")
    cm_cadence_e = fields.Integer("Class E follow-up (days)")
    # Automation (the scheduled actions of the crons)
    cm_inactivity_enabled = fields.Boolean(
        "Set customers inactive",
        help="Customers without a confirmed order for the inactivity days become "
        "Inactive, with an activity to approach them. Turn off when you sell "
        "durable goods bought once every few years.",
    )
    cm_inactivity_days = fields.Integer(
        "Inactive after (days without an order)",
    )
    cm_fiscal_year_reminder_days = fields.Integer(
        "Budget reminder (days before the fiscal year end)",
        help="A 'budget may be spent before year end' activity is created this many "
        "days before each customer's fiscal year end.",
    )
    cm_periodic_invoice_validate = fields.Boolean(
        "Validate periodic invoices",
        help="Invoices created at the customers' invoice period end are validated "
        "at once; otherwise they stay draft for review.",
    )
    # Invoicing: early payment discounts are written off to this account.
    cm_early_discount_account_id = fields.Many2one(
        "account.account",
        string="Early payment discount account",
        domain="[('deprecated', '=', False), ('company_id', '=', company_id)]",
        help="Account the early payment discount is written off to when a customer "
        "pays the reduced amount of an invoice within the early-pay days "
        "(usually an expense account such as 'Cash discounts granted').",
    )
    # Financial hold
    cm_hold_grace_days = fields.Integer(
        "Grace days",
        help="An invoice puts its customer on hold when it is overdue "
        "by more than this many days.",
    )
    cm_stalled_quotation_days = fields.Integer(
        "Stalled quotation days",
        help="A quotation never confirmed counts as stalled after this many days "
        "(or once its validity date has passed).",
    )
    cm_hold_release_mode = fields.Selection(
        [
            ("cure", "As soon as the cause is cured (partial payment under the limit)"),
            ("full", "Only when every open invoice is paid in full"),
        ],
        string="Automatic release",
    )
    # Customer metrics: relationship category, payment behaviour, key-account rating.
    cm_active_paying_days = fields.Integer(
        "Active paying: bought within (days)",
        help="A customer whose last purchase is at most this many days old is 'Active "
        "paying'.",
    )
    cm_non_active_days = fields.Integer(
        "Non-active: no purchase for (days)",
        help="A customer who bought before but not for this many days is 'Non-active'; "
        "in between it is 'Active occasional'.",
    )
    cm_rating_threshold_a = fields.Float(
        "Rating A: 12-month revenue from",
        help="Untaxed revenue of the last 12 months (invoices minus credit notes, "
        "company currency) from which the suggested rating is A.",
    )
    cm_rating_threshold_b = fields.Float(
        "Rating B: 12-month revenue from",
        help="Revenue from which the suggested rating is B (below it: C).",
    )
    cm_rating_support_load = fields.Integer(
        "Downgrade from open complaints + requests",
        help="The suggested rating drops one grade when the customer has at least this "
        "many open complaints and requests.",
    )
    cm_rating_discount = fields.Float(
        "Downgrade above average discount (%)",
        help="The suggested rating drops one grade when the average discount of the "
        "customer's order lines over 12 months exceeds this percentage.",
    )
    cm_reliability_watch_days = fields.Integer(
        "Watch: average days late above",
        help="Payment reliability is 'Watch' when the average lateness exceeds this.",
    )
    cm_reliability_watch_count = fields.Integer(
        "Watch: late invoices from",
        help="... or when at least this many invoices of the last 12 months were late.",
    )
    cm_reliability_poor_days = fields.Integer(
        "Poor: average days late above",
        help="Payment reliability is 'Poor' when the average lateness exceeds this.",
    )
    cm_reliability_poor_count = fields.Integer(
        "Poor: late invoices from",
        help="... or when at least this many invoices of the last 12 months were late.",
    )
    # (validated in res_config_settings_metrics.py)

    @api.constrains("cm_inactivity_days", "cm_fiscal_year_reminder_days")
    def _check_cm_automation_settings(self):
        for settings in self:
            if settings.cm_inactivity_enabled and settings.cm_inactivity_days < 1:
                raise ValidationError(
                    _(
                        "'Inactive after' must be at least 1 day (not %s), or turn "
                        "off 'Set customers inactive'."
                    )
                    % settings.cm_inactivity_days
                )
            if not 0 <= settings.cm_fiscal_year_reminder_days <= 365:
                raise ValidationError(
                    _(
                        "The budget reminder comes 0 to 365 days before the fiscal "
                        "year end, not %s."
                    )
                    % settings.cm_fiscal_year_reminder_days
                )

    @api.model
    def _customer_management_params(self):
        """(settings field, ir.config_parameter key suffix, default) of every
        setting of the module. Extend through super() to add settings."""
        return [
            ("cm_cadence_a", "cadence_a", 1),
            ("cm_cadence_b", "cadence_b", 7),
            ("cm_cadence_c", "cadence_c", 15),
            ("cm_cadence_d", "cadence_d", 30),
            ("cm_cadence_e", "cadence_e", 365),
            ("cm_inactivity_enabled", "inactivity_enabled", True),
            ("cm_inactivity_days", "inactivity_days", 365),
            ("cm_fiscal_year_reminder_days", "fiscal_year_reminder_days", 30),
            ("cm_periodic_invoice_validate", "periodic_invoice_validate", False),
            # Many2one: stored as the id; 0 when not set (browse it, check it exists).
            ("cm_early_discount_account_id", "early_discount_account_id", 0),
            ("cm_hold_grace_days", "hold_grace_days", 0),
            ("cm_hold_release_mode", "hold_release_mode", "cure"),
            ("cm_stalled_quotation_days", "stalled_quotation_days", 30),
            ("cm_active_paying_days", "active_paying_days", 90),
            ("cm_non_active_days", "non_active_days", 365),
            ("cm_rating_threshold_a", "rating_threshold_a", 100000.0),
            ("cm_rating_threshold_b", "rating_threshold_b", 20000.0),
            ("cm_rating_support_load", "rating_support_load", 3),
            ("cm_rating_discount", "rating_discount", 10.0),
            ("cm_reliability_watch_days", "reliability_watch_days", 7),
            ("cm_reliability_watch_count", "reliability_watch_count", 2),
            ("cm_reliability_poor_days", "reliability_poor_days", 30),
            ("cm_reliability_poor_count", "reliability_poor_count", 5),
        ]

    @api.model
    def get_customer_management_param(self, key):
        """Value of one setting, typed like its default (int, float, bool, str)."""
        default = {k: d for _f, k, d in self._customer_management_params()}[key]
        raw = self.env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + key)
        if raw in (None, False, ""):
            return default
        if isinstance(default, bool):
            return raw in ("True", "1", "true")
        return type(default)(raw) if default is not None else raw

    @api.model
    def get_values(self):
        res = super(ResConfigSettings, self).get_values()
        for field_name, key, _default in self._customer_management_params():
            res[field_name] = self.get_customer_management_param(key)
        return res

    @api.multi
    def set_values(self):
        super(ResConfigSettings, self).set_values()
        old_cadence = self.env["res.partner"]._get_followup_cadence()
        params = self.env["ir.config_parameter"].sudo()
        for field_name, key, default in self._customer_management_params():
            value = self[field_name]
            if isinstance(value, models.BaseModel):
                value = value.id or ""
            elif isinstance(default, bool):
                value = str(bool(value))  # "False" must not fall back to the default
            elif value is False:
                value = ""
            params.set_param(PARAM_PREFIX + key, value)
        self._recompute_followups_if_cadence_changed(old_cadence)

    @api.multi
    def _recompute_followups_if_cadence_changed(self, old_cadence):
        partners = self.env["res.partner"]
        if partners._get_followup_cadence() != old_cadence:
            partners.sudo().search(
                [("prospect_class", "!=", False)]
            )._compute_next_followup_batch()
