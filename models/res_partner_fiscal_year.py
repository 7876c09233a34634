"""The customer's fiscal year end and the reminders around it: a "budget
before year end" activity N days before the fiscal year ends and a "new
deals" one when the new fiscal year starts. The reminder dates stored on the
customer make a rerun of the cron after a crash do only what is left.
"""

import calendar
import datetime
import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html_escape

from .constants import BATCH_SIZE

_logger = logging.getLogger(__name__)

# The new-fiscal-year reminder is still created this many days after the start
# when the cron could not run on the day itself.
FISCAL_START_WINDOW = 30


class ResPartner(models.Model):
    _inherit = "res.partner"

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
        prefetch=False,
    )
    fiscal_year_end_day = fields.Integer(
        help="Day of the month on which the customer's fiscal year ends (29 "
        "February is accepted: the last day of February is used).",
        prefetch=False,
    )
    fiscal_year_reminder_date = fields.Date(
        "Budget Reminder For",
        readonly=True,
        copy=False,
        help="Fiscal year end of the last 'budget before year end' reminder: one "
        "reminder per fiscal year.",
        prefetch=False,
    )
    fiscal_year_start_reminder_date = fields.Date(
        "New-Year Reminder For",
        readonly=True,
        copy=False,
        help="Start of the fiscal year of the last 'new deals' reminder.",
        prefetch=False,
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

    @api.model
    def _get_fiscal_year_end(self, month, day, year):
        """The fiscal year end in ``year`` (a date): 29 February is the 28th
        in years without it."""
        month = int(month)
        return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))

    @api.model
    def _get_fiscal_year_reminders(self, row, today, days):
        """(budget fiscal year end or None, new fiscal year start or None) due
        on ``today`` for one row (id, month, day, budget done for, start done
        for): the budget reminder from ``days`` before the year end to the
        year end, the new-year one in the first days of the new year; each
        once per fiscal year."""
        _pid, month, day, budget_done, start_done = row
        budget = start = None
        for year in (today.year - 1, today.year, today.year + 1):
            end = self._get_fiscal_year_end(month, day, year)
            if end - datetime.timedelta(days=days) <= today <= end:
                if fields.Date.to_string(end) != budget_done:
                    budget = end
            new_start = end + datetime.timedelta(days=1)
            if (
                new_start
                <= today
                < new_start + datetime.timedelta(days=FISCAL_START_WINDOW)
            ):
                if fields.Date.to_string(new_start) != start_done:
                    start = new_start
        return budget, start

    @api.model
    def _get_fiscal_year_texts(self, kind):
        """(summary, note) templates of one kind of reminder, translated once
        per run rather than per customer."""
        if kind == "budget":
            return (
                _("Budget may be spent before year end (%s)"),
                _(
                    "The customer's fiscal year ends on %s: unspent budget is often "
                    "spent before then. Propose what it still needs."
                ),
            )
        return (
            _("New fiscal year: new deals (from %s)"),
            _(
                "The customer's new fiscal year started on %s, with a new budget: "
                "time to propose new deals."
            ),
        )

    @api.model
    def _prepare_fiscal_year_activity(self, texts, row, user_id, today):
        """Activity values of one reminder; ``row``: (partner id, date string),
        ``texts``: from _get_fiscal_year_texts()."""
        partner_id, date = row
        summary, note = texts
        return (
            partner_id,
            user_id,
            summary % date,
            "<p>%s</p>" % html_escape(note % date),
            fields.Date.to_string(today),
        )

    @api.model
    def _create_fiscal_year_reminders(self, rows, kind, today, batch_size):
        """Activities for ``rows`` (partner id, date) of one ``kind`` (budget
        or start), and the date stored on the customers: one write per
        distinct date and batch."""
        xmlid = "customer_management.mail_activity_type_fiscal_%s" % kind
        activity_type = self.env.ref(xmlid)
        field = {
            "budget": "fiscal_year_reminder_date",
            "start": "fiscal_year_start_reminder_date",
        }[kind]
        texts = self._get_fiscal_year_texts(kind)
        for batch in self._iter_batches(rows, batch_size):
            users = self._get_activity_fallback_user_ids([pid for pid, _d in batch])
            self._bulk_schedule_activities(
                activity_type,
                [
                    self._prepare_fiscal_year_activity(
                        texts, (pid, fields.Date.to_string(date)), users[pid], today
                    )
                    for pid, date in batch
                ],
            )
            by_date = {}
            for pid, date in batch:
                by_date.setdefault(fields.Date.to_string(date), []).append(pid)
            for date, ids in by_date.items():
                self.browse(ids).with_context(tracking_disable=True).write(
                    {field: date}
                )
            self._commit_batch()
        return len(rows)

    @api.model
    def _cron_fiscal_year_reminder(self, today=None, batch_size=BATCH_SIZE):
        """Daily: "budget may be spent before year end" activities the
        reminder days (Settings) before each customer's fiscal year end, and
        "new deals" activities when its new fiscal year starts. Customers
        without a fiscal year end are skipped; the fiscal year each reminder
        was for is stored, so none is created twice."""
        settings = self.env["res.config.settings"]
        days = settings.get_customer_management_param("fiscal_year_reminder_days")
        today = self._get_metrics_today(today)
        self.env.cr.execute(
            """
            SELECT p.id, p.fiscal_year_end_month, p.fiscal_year_end_day,
                   p.fiscal_year_reminder_date::text,
                   p.fiscal_year_start_reminder_date::text
              FROM res_partner p
             WHERE p.fiscal_year_end_month IS NOT NULL
               AND p.fiscal_year_end_day > 0
               AND p.active AND p.customer AND p.commercial_partner_id = p.id
             ORDER BY p.id"""
        )
        budget_rows, start_rows = [], []
        for row in self.env.cr.fetchall():
            budget, start = self._get_fiscal_year_reminders(row, today, days)
            if budget:
                budget_rows.append((row[0], budget))
            if start:
                start_rows.append((row[0], start))
        budget_count = self._create_fiscal_year_reminders(
            budget_rows, "budget", today, batch_size
        )
        start_count = self._create_fiscal_year_reminders(
            start_rows, "start", today, batch_size
        )
        _logger.info(
            "Fiscal-year reminders: %s before year end, %s for a new year",
            budget_count,
            start_count,
        )
        return budget_count, start_count
