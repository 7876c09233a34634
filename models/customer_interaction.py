from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .number_checks import check_finite_numbers

INTERACTION_TYPES = [
    ("communication", "Communication"),
    ("complaint", "Complaint"),
    ("request", "Request"),
    ("meeting", "Meeting"),
    ("call", "Call"),
    ("email", "E-mail"),
    ("note", "Note"),
]
# Interactions that stay open until somebody handles them; the others are a
# record of something that happened and are created done.
FOLLOWED_TYPES = ("complaint", "request")
CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("visit", "Visit"),
    ("web", "Web"),
    ("letter", "Letter"),
    ("other", "Other"),
]
DIRECTIONS = [("in", "Incoming"), ("out", "Outgoing")]
STATES = [("open", "Open"), ("done", "Done")]
# Clocks of browsers and servers differ a little: an interaction dated up to
# this much after the server's "now" is still accepted as "now".
FUTURE_TOLERANCE = timedelta(minutes=5)


class CustomerInteraction(models.Model):
    """One contact with a customer: a call, an e-mail, a meeting, a complaint, a
    request, ... with what was said and offered, and by whom.

    Complaints and requests stay open until they are handled (Mark done); the
    other types are a record of something that happened and are created done.
    An interaction always belongs to the commercial customer (``partner_id``);
    the person spoken to, when it is one of the customer's contacts, is kept in
    ``contact_id``.
    """

    _name = "customer.interaction"
    _description = "Customer Interaction"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _rec_name = "summary"

    @api.model
    def _default_company_id(self):
        return self.env["res.company"]._company_default_get("customer.interaction")

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        track_visibility="onchange",
        help="The customer. When one of its contacts is chosen, the interaction is "
        "kept on the customer and the person goes to Contact.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        index=True,
        ondelete="set null",
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
        help="The person at the customer this interaction was with.",
    )
    date = fields.Datetime(
        required=True,
        index=True,
        default=fields.Datetime.now,
        track_visibility="onchange",
        help="When it happened (not in the future).",
    )
    interaction_type = fields.Selection(
        INTERACTION_TYPES,
        string="Type",
        required=True,
        default="call",
        index=True,
        track_visibility="onchange",
        help="Complaints and requests stay open until marked done; the other types "
        "are recorded as done.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    direction = fields.Selection(
        DIRECTIONS,
        required=True,
        default="out",
        help="Incoming: the customer contacted us. Outgoing: we contacted the "
        "customer.",
    )
    summary = fields.Char(required=True, track_visibility="onchange")
    details = fields.Html()
    offer_made = fields.Text(help="What was offered to the customer, and why.")
    offer_amount = fields.Monetary(
        currency_field="currency_id", help="Amount of the offer made, if any."
    )
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True, store=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        index=True,
        track_visibility="onchange",
        default=lambda self: self.env.user,
    )
    state = fields.Selection(
        STATES,
        required=True,
        default="open",
        index=True,
        copy=False,
        track_visibility="onchange",
        help="Complaints and requests are open until handled; other types are done.",
    )
    date_done = fields.Datetime(string="Done on", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=_default_company_id
    )

    @api.constrains("date")
    def _check_date(self):
        now = fields.Datetime.from_string(fields.Datetime.now())
        for interaction in self:
            if fields.Datetime.from_string(interaction.date) > now + FUTURE_TOLERANCE:
                raise ValidationError(
                    _(
                        "The interaction '%(summary)s' is dated %(date)s, which is in "
                        "the "
                        "future. Record interactions once they have happened (plan "
                        "future "
                        "ones as activities)."
                    )
                    % {"summary": interaction.summary, "date": interaction.date}
                )

    @api.constrains("partner_id", "contact_id")
    def _check_contact(self):
        for interaction in self.filtered("contact_id"):
            customer = interaction.partner_id
            if interaction.contact_id.commercial_partner_id != customer:
                raise ValidationError(
                    _(
                        "%(contact)s is not a contact of %(customer)s. Choose one of "
                        "the "
                        "customer's contacts, or leave Contact empty."
                    )
                    % {
                        "contact": interaction.contact_id.name,
                        "customer": customer.name,
                    }
                )

    @api.constrains("state", "interaction_type")
    def _check_state(self):
        for interaction in self.filtered(lambda i: i.state == "open"):
            if interaction.interaction_type not in FOLLOWED_TYPES:
                raise ValidationError(
                    _(
                        "Only complaints and requests can be open; '%(summary)s' is a "
                        "%(type)s, which is recorded as done."
                    )
                    % {
                        "summary": interaction.summary,
                        "type": dict(INTERACTION_TYPES)[interaction.interaction_type],
                    }
                )

    @api.constrains("offer_amount")
    def _check_offer_amount(self):
        for interaction in self:
            if interaction.offer_amount < 0:
                raise ValidationError(
                    _(
                        "The offer amount of '%(summary)s' cannot be negative "
                        "(%(amount)s). Enter the amount offered, or 0."
                    )
                    % {
                        "summary": interaction.summary,
                        "amount": interaction.offer_amount,
                    }
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if partner and partner.commercial_partner_id != partner:
            self.contact_id = partner
            self.partner_id = partner.commercial_partner_id
        elif self.contact_id and self.contact_id.commercial_partner_id != partner:
            self.contact_id = False

    @api.model
    def _prepare_partner_vals(self, vals):
        """A contact chosen as customer becomes the contact of its commercial
        partner, so that every interaction counts on the customer."""
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            commercial = partner.commercial_partner_id
            if commercial != partner:
                vals = dict(vals, partner_id=commercial.id)
                if not vals.get("contact_id"):
                    vals["contact_id"] = partner.id
        return vals

    @api.model
    def create(self, vals):
        check_finite_numbers(self, vals)
        vals = self._prepare_partner_vals(vals)
        interaction_type = vals.get("interaction_type") or self.default_get(
            ["interaction_type"]
        ).get("interaction_type")
        if interaction_type not in FOLLOWED_TYPES:
            vals = dict(vals, state="done")
        if vals.get("state") == "done" and not vals.get("date_done"):
            vals = dict(vals, date_done=vals.get("date") or fields.Datetime.now())
        return super(CustomerInteraction, self).create(vals)

    @api.multi
    def write(self, vals):
        check_finite_numbers(self, vals)
        vals = self._prepare_partner_vals(vals)
        new_type = vals.get("interaction_type")
        if new_type and new_type not in FOLLOWED_TYPES and "state" not in vals:
            # A complaint re-typed as a call (say) is no longer something to handle.
            vals = dict(vals, state="done")
        if vals.get("state") == "done" and "date_done" not in vals:
            closing = self.filtered(lambda i: i.state != "done")
            if closing:
                super(CustomerInteraction, closing).write(
                    {"date_done": fields.Datetime.now()}
                )
        elif vals.get("state") == "open":
            vals = dict(vals, date_done=False)
        return super(CustomerInteraction, self).write(vals)

    @api.multi
    def action_mark_done(self):
        """Close open complaints and requests."""
        self.filtered(lambda i: i.state == "open").write({"state": "done"})
        return True

    @api.multi
    def action_reopen(self):
        """Reopen complaints and requests (the other types cannot be open)."""
        others = self.filtered(lambda i: i.interaction_type not in FOLLOWED_TYPES)
        if others:
            raise UserError(
                _("Only complaints and requests can be reopened: %s")
                % ", ".join(others.mapped("summary"))
            )
        self.filtered(lambda i: i.state == "done").write({"state": "open"})
        return True
