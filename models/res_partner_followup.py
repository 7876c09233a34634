"""The follow-up cadence: prospect classes A-E, the days between follow-ups
of each class (settings), the next follow-up date and its urgency, and the
daily cron that schedules one follow-up activity per customer whose
follow-up is due and who has none open.

The next follow-up is computed for a whole set of customers in a few
queries (``_compute_next_followup_batch``); the nightly recompute and the
cron use the same rule.
"""

import datetime
import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import html_escape

from .constants import BATCH_SIZE, PROSPECT_CLASS
from .res_partner_batch import to_date

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    prospect_class = fields.Selection(
        PROSPECT_CLASS,
        string="Class",
        index=True,
        track_visibility="onchange",
        group_expand="_read_group_prospect_class",
        help="A: obvious need, closes within 1 month; B: within 3 months; C: within "
        "6 months; D: potential need, at least 6 months away; E: no need (dead). "
        "The class sets how often the customer is followed up.",
        prefetch=False,
    )
    # Follow-up (A-E classes). next_followup_date and followup_urgency are
    # recomputed when the class or the last follow-up changes, and every night
    # by _compute_next_followup_batch() (the urgency depends on today).
    expected_close_date = fields.Date(
        track_visibility="onchange",
        copy=False,
        help="When the deal is expected to close. Suggested from the class when empty "
        "(A: in 1 month, B: in 3 months, C: in 6 months); edit it freely.",
        prefetch=False,
    )
    last_followup_date = fields.Date(
        "Last Follow-up",
        track_visibility="onchange",
        copy=False,
        help="When the customer was last followed up. The next follow-up is due one "
        "cadence (Settings, per class) after it.",
        prefetch=False,
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
        prefetch=False,
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
        prefetch=False,
    )

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

    @api.model
    def _read_group_prospect_class(self, values, domain, order):
        # Every class column shows in the kanban grouped by class.
        return [key for key, _label in PROSPECT_CLASS]

    @api.multi
    def _compute_next_followup_batch(self, today=None):
        """Recompute next_followup_date and followup_urgency of ``self``: every
        night (the urgency depends on today) and after the follow-up cadence
        settings change. No query per partner; changed partners only are written."""
        self._write_metrics(self._get_next_followup_values_batch(today))
        return True

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

    @api.multi
    def action_open_followup_wizard(self):
        """Log a follow-up (closes the open follow-up activity) and re-classify."""
        self.ensure_one()
        action = self.env.ref("customer_management.customer_followup_wizard_action")
        result = action.read()[0]
        result["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return result

    @api.model
    def _get_followup_cadence(self):
        """Days between follow-ups per prospect class, from the settings."""
        settings = self.env["res.config.settings"]
        return {
            cls: settings.get_customer_management_param("cadence_%s" % cls)
            for cls, _label in PROSPECT_CLASS
        }

    @api.model
    def _get_due_followups(self, today):
        """Rows (partner id, class, next follow-up, last follow-up) of the
        customers whose follow-up is due on ``today`` (a date string) and who
        have no open follow-up activity, in one query."""
        activity_type = self.env.ref("customer_management.mail_activity_type_followup")
        self.env.cr.execute(
            """
            SELECT p.id, p.prospect_class, p.next_followup_date::text,
                   p.last_followup_date::text
              FROM res_partner p
             WHERE p.next_followup_date <= %s
               AND p.prospect_class IS NOT NULL
               AND p.active AND p.customer AND p.commercial_partner_id = p.id
               AND NOT EXISTS (
                   SELECT 1 FROM mail_activity a
                    WHERE a.res_id = p.id AND a.res_model = 'res.partner'
                      AND a.activity_type_id = %s)
             ORDER BY p.next_followup_date, p.id""",
            (today, activity_type.id),
        )
        return self.env.cr.fetchall()

    @api.model
    def _get_followup_texts(self):
        """Class labels, cadence and the translated summary and note of the
        follow-up activities, once per run: _() inspects the call stack and
        costs more per customer than the rest of the cron (9 s at 100k)."""
        return {
            "labels": dict(
                self._fields["prospect_class"]._description_selection(self.env)
            ),
            "cadence": self._get_followup_cadence(),
            "never": _("never"),
            "summary": _("Class %(letter)s follow-up (every %(days)s days)"),
            "summary_daily": _("Class %(letter)s follow-up (every day)"),
            "note": _(
                "%(class)s: followed up every %(days)s days. Last follow-up: "
                "%(last)s; due %(due)s. Use 'Log Follow-up' on the customer to record "
                "it and re-classify."
            ),
            "note_daily": _(
                "%(class)s: followed up every day. Last follow-up: %(last)s; due "
                "%(due)s. Use 'Log Follow-up' on the customer to record it and "
                "re-classify."
            ),
        }

    @api.model
    def _prepare_followup_activity(self, row, texts, user_id):
        """(partner id, user id, summary, note, deadline) of a follow-up
        activity: the summary names the class, the note says why it is due.
        ``texts``: from _get_followup_texts()."""
        partner_id, prospect_class, next_date, last_date = row
        values = {
            "letter": (prospect_class or "").upper(),
            "class": texts["labels"].get(prospect_class, prospect_class),
            "days": texts["cadence"].get(prospect_class) or 0,
            "last": last_date or texts["never"],
            "due": next_date,
        }
        daily = "_daily" if values["days"] == 1 else ""
        note = html_escape(texts["note" + daily] % values)
        return (
            partner_id,
            user_id,
            texts["summary" + daily] % values,
            "<p>%s</p>" % note,
            next_date,
        )

    @api.model
    def _record_followups_done(self, followups, feedback=False):
        """Follow-ups done: ``followups`` is a list of (customer id, summary).
        Record a customer.interaction on each customer and set its last
        follow-up date to today. The channel, summary and details typed in the
        follow-up wizard come in the context (``followup_interaction``);
        nothing else does. The interactions are created as the user, under
        the user's own rights: a context key never widens them."""
        Interaction = self.env["customer.interaction"]
        if not Interaction.check_access_rights("create", raise_exception=False):
            raise AccessError(
                _(
                    "Only %s may mark a customer follow-up done: it records an "
                    "interaction with the customer."
                )
                % self.env.ref("customer_management.group_customer_user")
                .sudo()
                .full_name
            )
        today = fields.Date.context_today(self)
        extra = self._get_followup_interaction_values()
        for partner_id, summary in followups:
            vals = {
                "partner_id": partner_id,
                "interaction_type": "call",
                "channel": "phone",
                "direction": "out",
                "summary": summary or _("Follow-up"),
                "details": feedback or False,
                "user_id": self.env.uid,
            }
            vals.update(extra)
            Interaction.create(vals)
        # the follow-up date is not the user's to refuse: closing it is enough
        self.sudo().browse([partner_id for partner_id, _s in followups]).write(
            {"last_followup_date": today}
        )
        return True

    @api.model
    def _get_followup_interaction_values(self):
        """The values of the follow-up wizard in the context, and only those
        it offers (channel, summary, details)."""
        typed = self.env.context.get("followup_interaction") or {}
        if not isinstance(typed, dict):
            return {}
        return {
            key: typed[key] for key in ("channel", "summary", "details") if key in typed
        }

    @api.multi
    def _get_open_followup_activity(self):
        """The open follow-up activity of this customer (empty if none)."""
        self.ensure_one()
        activity_type = self.env.ref("customer_management.mail_activity_type_followup")
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.commercial_partner_id.id),
                ("activity_type_id", "=", activity_type.id),
            ],
            limit=1,
        )

    # Follow-up -------------------------------------------------------
    @api.model
    def _get_expected_close_date(self, prospect_class, today):
        """Suggested close date for a class (A: 1 month, B: 3, C: 6; else False)."""
        months = {"a": 1, "b": 3, "c": 6}.get(prospect_class)
        return today + relativedelta(months=months) if months else False

    @api.multi
    def _get_followup_base_date(self):
        """Date the next follow-up counts from: the last follow-up, else the
        last status change, else the creation date (in the user's timezone)."""
        self.ensure_one()
        created = None
        if not self.last_followup_date and not self.status_date and self.create_date:
            created = fields.Date.context_today(
                self, fields.Datetime.from_string(self.create_date)
            )
        return self._get_followup_base(
            self.last_followup_date, self.status_date, created
        )

    @api.model
    def _get_followup_base(self, last_followup_date, status_date, created_on):
        """The rule of _get_followup_base_date on plain values (dates or date
        strings; ``created_on``: the local creation date)."""
        return (
            to_date(last_followup_date)
            or to_date(status_date)
            or to_date(created_on)
            or None
        )

    @api.multi
    def _get_next_followup_values(self, cadence, today):
        """Next follow-up date and urgency of one partner, for ``cadence`` (days
        per class) on ``today`` (a date)."""
        self.ensure_one()
        base = self._get_followup_base_date() if self.prospect_class else None
        next_date = self._get_next_followup(self.prospect_class, base, cadence, today)
        return {
            "next_followup_date": fields.Date.to_string(next_date) or False,
            "followup_urgency": self._get_followup_urgency(next_date, today),
        }

    @api.model
    def _get_next_followup(self, prospect_class, base, cadence, today):
        """Next follow-up date (or None) for a class and a base date: the rule
        of _get_next_followup_values on plain values."""
        if not prospect_class:
            return None
        days = cadence.get(prospect_class) or 0
        return (base or today) + datetime.timedelta(days=days)

    @api.model
    def _get_followup_urgency(self, next_date, today):
        """Urgent: due within 7 days or overdue; expedited: within 1 month;
        normal: within 3 months; slow: later; False without a date (dates)."""
        if not next_date:
            return False
        if next_date <= today + relativedelta(days=7):
            return "urgent"
        if next_date <= today + relativedelta(months=1):
            return "expedited"
        if next_date <= today + relativedelta(months=3):
            return "normal"
        return "slow"

    @api.multi
    def _get_next_followup_values_batch(self, today=None):
        """{partner id: next follow-up values} of ``self`` (no query per
        partner: the cadence comes from cached parameters)."""
        cadence = self._get_followup_cadence()
        today = self._get_metrics_today(today)
        ids = [partner_id for partner_id in self.ids if isinstance(partner_id, int)]
        if len(ids) != len(self.ids):  # new records: through the ORM
            return {
                partner.id: partner._get_next_followup_values(cadence, today)
                for partner in self
            }
        if not ids:
            return {}
        # The inputs in one query (no record per customer), the creation
        # date converted to the user's local date by PostgreSQL.
        self.env.cr.execute(
            """
            SELECT id, prospect_class, last_followup_date, status_date,
                   (create_date AT TIME ZONE 'UTC' AT TIME ZONE %s)::date
              FROM res_partner WHERE id IN %s""",
            (self._get_metrics_tz(), tuple(ids)),
        )
        urgency = {}  # per date: the same for the thousands due that day
        values = {}
        for (
            partner_id,
            prospect_class,
            last,
            status_date,
            created,
        ) in self.env.cr.fetchall():
            base = self._get_followup_base(last, status_date, created)
            next_date = self._get_next_followup(prospect_class, base, cadence, today)
            if next_date not in urgency:
                urgency[next_date] = self._get_followup_urgency(next_date, today)
            values[partner_id] = {
                "next_followup_date": fields.Date.to_string(next_date) or False,
                "followup_urgency": urgency[next_date],
            }
        return values

    @api.model
    def _cron_followup_cadence(self, today=None, batch_size=BATCH_SIZE):
        """Daily: a follow-up activity for the salesperson of every customer
        whose next follow-up is due and who has no open one (never a
        duplicate), in committed batches; logs its counts."""
        today = fields.Date.to_string(self._get_metrics_today(today))
        rows = self._get_due_followups(today)
        texts = self._get_followup_texts()
        activity_type = self.env.ref("customer_management.mail_activity_type_followup")
        created = 0
        for batch in self._iter_batches(rows, batch_size):
            users = self._get_activity_fallback_user_ids([row[0] for row in batch])
            created += self._bulk_schedule_activities(
                activity_type,
                [
                    self._prepare_followup_activity(row, texts, users[row[0]])
                    for row in batch
                ],
            )
            self._commit_batch()
        _logger.info("Follow-up cadence: %s follow-ups created", created)
        return created
