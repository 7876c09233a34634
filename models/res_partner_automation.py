"""Pipeline automation of res.partner: the scheduled actions of SPEC section 4
other than the credit-hold review and the nightly recompute.

- ``_cron_followup_cadence``: one follow-up activity per customer whose next
  follow-up is due and who has none open;
- ``_cron_inactivity``: active customers without a confirmed order for N days
  become inactive, with an "approach this customer" activity; a confirmed
  order brings them back (``_reactivate_inactive_customers``);
- ``_cron_fiscal_year_reminder``: a "budget before year end" activity N days
  before the customer's fiscal year end, a "new deals" one when its new
  fiscal year starts;
- ``_cron_periodic_invoicing``: one invoice per customer for its invoiceable
  orders on its invoice period end day, under a periodic agreement.

Every cron selects its customers with one SQL statement, works in batches
committed one by one, and records what it did on the customers (an open
activity, a stored date), so a rerun after a crash only does what is left.
Activities and chatter notes are inserted in bulk (one statement per batch):
mail.activity's create() subscribes and notifies per record, which at 100,000
customers costs minutes. Each cron takes ``today`` (a date or date string)
so tests can freeze the day.
"""

import calendar
import datetime
import logging

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import html_escape

_logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# The new-fiscal-year reminder is still created this many days after the start
# when the cron could not run on the day itself.
FISCAL_START_WINDOW = 30


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    fiscal_year_reminder_date = fields.Date(
        "Budget Reminder For",
        readonly=True,
        copy=False,
        help="Fiscal year end of the last 'budget before year end' reminder: one "
        "reminder per fiscal year.",
    )
    fiscal_year_start_reminder_date = fields.Date(
        "New-Year Reminder For",
        readonly=True,
        copy=False,
        help="Start of the fiscal year of the last 'new deals' reminder.",
    )
    last_periodic_invoice_date = fields.Date(
        "Last Periodic Invoicing",
        readonly=True,
        copy=False,
        help="Day the periodic invoicing last ran for this customer (it runs "
        "once per invoice period).",
    )

    # ------------------------------------------------------------------
    # Bulk activities and notes
    # ------------------------------------------------------------------
    @api.model
    def _get_activity_fallback_user_ids(self, partner_ids):
        """{partner id: user id} of who acts for each customer: its salesperson
        when an active internal user, else its sales team's leader when active,
        else the administrator (one query)."""
        if not partner_ids:
            return {}
        admin_id = self.env.ref("base.user_root").id
        self.env.cr.execute(
            """
            SELECT p.id,
                   COALESCE(
                       CASE WHEN salesman.active AND NOT salesman.share
                            THEN salesman.id END,
                       CASE WHEN leader.active AND NOT leader.share
                            THEN leader.id END,
                       %s)
              FROM res_partner p
              LEFT JOIN res_users salesman ON salesman.id = p.user_id
              LEFT JOIN crm_team team ON team.id = p.team_id
              LEFT JOIN res_users leader ON leader.id = team.user_id
             WHERE p.id IN %s""",
            (admin_id, tuple(partner_ids)),
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _bulk_schedule_activities(self, activity_type, rows):
        """Create one activity of ``activity_type`` per row (partner id, user
        id, summary, note html, deadline date string) in one INSERT, then the
        partners' stored next deadline in one UPDATE; the users whose activity
        is due today or earlier get one bus notification each (their activity
        counter refreshes). Returns the number of activities created."""
        if not rows:
            return 0
        execute_values(
            self.env.cr,
            """
            INSERT INTO mail_activity
                   (res_model_id, res_model, res_id, res_name, activity_type_id,
                    user_id, summary, note, date_deadline,
                    create_uid, write_uid, create_date, write_date)
            SELECT %(model_id)s, 'res.partner', v.res_id, p.display_name,
                   %(type_id)s, v.user_id, v.summary, v.note, v.deadline::date,
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM (VALUES %%s) AS v(res_id, user_id, summary, note, deadline)
              JOIN res_partner p ON p.id = v.res_id"""
            % {
                "model_id": int(self.env["ir.model"]._get_id("res.partner")),
                "type_id": int(activity_type.id),
                "uid": int(self.env.uid),
            },
            rows,
            page_size=len(rows),
        )
        self.env["mail.activity"].invalidate_cache()
        self._store_activity_deadlines(list({row[0] for row in rows}))
        today = fields.Date.context_today(self)
        due_users = self.env["res.users"].browse(
            {row[1] for row in rows if row[4] <= today}
        )
        self.env["bus.bus"].sendmany(
            [
                [
                    (self.env.cr.dbname, "res.partner", user.partner_id.id),
                    {"type": "activity_updated", "activity_created": True},
                ]
                for user in due_users
            ]
        )
        return len(rows)

    @api.model
    def _store_activity_deadlines(self, partner_ids):
        """Store the next activity deadline of the partners (the earliest of
        their activities: the related field core's create() recomputes, which
        "Late activities" and the activity views search), in one UPDATE; rows
        already right are left alone (the hold wrote its own)."""
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET activity_date_deadline = a.deadline
              FROM (SELECT res_id, MIN(date_deadline) AS deadline
                      FROM mail_activity
                     WHERE res_model = 'res.partner' AND res_id = ANY(%s)
                     GROUP BY res_id) a
             WHERE p.id = a.res_id
               AND p.activity_date_deadline IS DISTINCT FROM a.deadline""",
            (partner_ids,),
        )
        self.browse(partner_ids).invalidate_cache(
            ["activity_ids", "activity_date_deadline"]
        )

    @api.model
    def _bulk_post_notes(self, rows):
        """Post one internal note per row (partner id, html body) on the
        customers' chatter in one INSERT, authored by the current user."""
        if not rows:
            return 0
        execute_values(
            self.env.cr,
            """
            INSERT INTO mail_message
                   (model, res_id, record_name, body, message_type, subtype_id,
                    author_id, date, create_uid, write_uid, create_date, write_date)
            SELECT 'res.partner', v.res_id, p.display_name, v.body, 'notification',
                   %(subtype_id)s, %(author_id)s, now() AT TIME ZONE 'UTC',
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM (VALUES %%s) AS v(res_id, body)
              JOIN res_partner p ON p.id = v.res_id"""
            % {
                "subtype_id": int(self.env.ref("mail.mt_note").id),
                "author_id": int(self.env.user.partner_id.id),
                "uid": int(self.env.uid),
            },
            rows,
            page_size=len(rows),
        )
        self.env["mail.message"].invalidate_cache()
        return len(rows)

    @api.model
    def _iter_batches(self, ids, batch_size=BATCH_SIZE):
        for start in range(0, len(ids), batch_size):
            yield ids[start : start + batch_size]

    # ------------------------------------------------------------------
    # Follow-up cadence
    # ------------------------------------------------------------------
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
            key: typed[key]
            for key in ("channel", "summary", "details")
            if key in typed
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

    @api.multi
    def action_open_followup_wizard(self):
        """Log a follow-up (closes the open follow-up activity) and re-classify."""
        self.ensure_one()
        action = self.env.ref("customer_management.customer_followup_wizard_action")
        result = action.read()[0]
        result["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return result

    # ------------------------------------------------------------------
    # Inactivity
    # ------------------------------------------------------------------
    @api.model
    def _get_inactive_candidates(self, cutoff):
        """Ids of the active customers whose last confirmed order (any
        company), activation and customer-since date are all before
        ``cutoff`` (a date string), in one query."""
        self.env.cr.execute(
            """
            SELECT p.id
              FROM res_partner p
              LEFT JOIN (
                    SELECT c.commercial_partner_id AS partner_id,
                           MAX(so.confirmation_date)::date AS last_order
                      FROM sale_order so
                      JOIN res_partner c ON c.id = so.partner_id
                     WHERE so.state IN ('sale', 'done')
                     GROUP BY c.commercial_partner_id) o ON o.partner_id = p.id
             WHERE p.customer_status = 'active'
               AND p.active AND p.customer AND p.commercial_partner_id = p.id
               AND COALESCE(GREATEST(o.last_order, p.status_date, p.customer_since),
                            p.create_date::date) < %s
             ORDER BY p.id""",
            (cutoff,),
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _cron_inactivity(self, today=None, batch_size=BATCH_SIZE):
        """Daily: active customers without a confirmed order for the
        inactivity days (Settings) become inactive, with a note in the chatter
        and an "approach this customer" activity. Does nothing when the
        setting is off (businesses that sell durable goods)."""
        settings = self.env["res.config.settings"]
        if not settings.get_customer_management_param("inactivity_enabled"):
            _logger.info("Inactivity: turned off in the settings")
            return 0
        days = settings.get_customer_management_param("inactivity_days")
        today = self._get_metrics_today(today)
        cutoff = fields.Date.to_string(today - datetime.timedelta(days=days))
        partner_ids = self._get_inactive_candidates(cutoff)
        activity_type = self.env.ref("customer_management.mail_activity_type_inactive")
        note = html_escape(
            _("No confirmed order for %s days: status set to Inactive.") % days
        )
        summary = _("Approach this customer: what changed?")
        activity_note = "<p>%s</p>" % html_escape(
            _(
                "No order for %s days. Call the customer: did its needs change, "
                "does it buy elsewhere, what would bring it back?"
            )
            % days
        )
        deadline = fields.Date.to_string(today)
        for batch in self._iter_batches(partner_ids, batch_size):
            partners = self.browse(batch)
            partners.with_context(tracking_disable=True)._set_customer_status(
                "inactive"
            )
            self._bulk_post_notes([(pid, "<p>%s</p>" % note) for pid in batch])
            users = self._get_activity_fallback_user_ids(batch)
            self._bulk_schedule_activities(
                activity_type,
                [(pid, users[pid], summary, activity_note, deadline) for pid in batch],
            )
            self._commit_batch()
            partners.invalidate_cache()
        _logger.info(
            "Inactivity: %s customers set inactive (no order for %s days)",
            len(partner_ids),
            days,
        )
        return len(partner_ids)

    @api.multi
    def _reactivate_inactive_customers(self):
        """A confirmed order brings an inactive customer back to active."""
        inactive = self.mapped("commercial_partner_id").filtered(
            lambda p: p.customer_status == "inactive"
        )
        inactive.sudo()._set_customer_status("active")
        return inactive

    # ------------------------------------------------------------------
    # Fiscal-year reminders
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # Periodic invoicing
    # ------------------------------------------------------------------
    @api.model
    def _get_invoice_period_end(self, day, today):
        """This month's invoice period end for ``day`` (empty: the last day;
        a day the month lacks: its last day), as a date."""
        last = calendar.monthrange(today.year, today.month)[1]
        return today.replace(day=min(day or last, last))

    @api.model
    def _get_periodic_invoicing_due(self, today):
        """{company id: [customer ids]} of the customers under a periodic
        agreement (active on ``today``, per company) whose invoice period
        ended this month on or before today and that were not invoiced since
        (one query)."""
        today_str = fields.Date.to_string(today)
        self.env.cr.execute(
            """
            SELECT agreement.partner_id, agreement.company_id,
                   p.invoice_period_end_day, p.last_periodic_invoice_date::text
              FROM (SELECT DISTINCT ON (a.partner_id, a.company_id)
                           a.partner_id, a.company_id, a.invoice_policy
                      FROM customer_pricing_agreement a
                     WHERE a.state = 'active' AND a.date_start <= %s
                       AND (a.date_end IS NULL OR a.date_end >= %s)
                     ORDER BY a.partner_id, a.company_id, a.date_start DESC,
                              a.id DESC) agreement
              JOIN res_partner p ON p.id = agreement.partner_id
             WHERE agreement.invoice_policy = 'periodic' AND p.active
             ORDER BY agreement.company_id, p.id""",
            (today_str, today_str),
        )
        due = {}
        for partner_id, company_id, day, last in self.env.cr.fetchall():
            period_end = fields.Date.to_string(self._get_invoice_period_end(day, today))
            if period_end <= today_str and (not last or last < period_end):
                due.setdefault(company_id, []).append(partner_id)
        return due

    @api.model
    def _get_invoiceable_orders(self, partner_ids, company_id):
        """Confirmed orders with something to invoice of these customers (and
        their contacts) in one company (one search)."""
        return self.env["sale.order"].search(
            [
                ("partner_id.commercial_partner_id", "in", partner_ids),
                ("company_id", "=", company_id),
                ("state", "in", ("sale", "done")),
                ("invoice_status", "=", "to invoice"),
            ],
            order="partner_id, id",
        )

    @api.model
    def _get_invoice_addresses(self, partner_ids):
        """{customer id: its invoice address id}: its first 'invoice' contact,
        else itself (one query)."""
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (parent_id) parent_id, id
              FROM res_partner
             WHERE parent_id IN %s AND type = 'invoice' AND active
             ORDER BY parent_id, id""",
            (tuple(partner_ids),),
        )
        addresses = dict.fromkeys(partner_ids)
        addresses.update(self.env.cr.fetchall())
        return {pid: address or pid for pid, address in addresses.items()}

    @api.model
    def _invoice_orders_per_customer(self, orders):
        """Invoice ``orders`` with one invoice per customer (and currency):
        orders of a customer's contacts are addressed to the customer's
        invoice address first, since core groups by invoice address."""
        customers = orders.mapped("partner_id.commercial_partner_id")
        addresses = self._get_invoice_addresses(customers.ids)
        by_address = {}
        for order in orders:
            address = addresses[order.partner_id.commercial_partner_id.id]
            if order.partner_invoice_id.id != address:
                by_address.setdefault(address, self.env["sale.order"])
                by_address[address] |= order
        for address, to_move in by_address.items():
            to_move.write({"partner_invoice_id": address})
        return orders.action_invoice_create()

    @api.model
    def _cron_periodic_invoicing(self, today=None, batch_size=500):
        """Daily: on each customer's invoice period end, one invoice per
        customer (and currency), to its invoice address, for all its invoiceable
        confirmed orders, for the customers whose agreement says periodic.
        Per-order customers are untouched. The day is stored per customer, so
        a second run the same day (or after a crash) invoices nothing twice.
        The invoices stay draft unless Settings say to validate them."""
        today = self._get_metrics_today(today)
        validate = self.env["res.config.settings"].get_customer_management_param(
            "periodic_invoice_validate"
        )
        customers = invoices = 0
        for company_id, partner_ids in self._get_periodic_invoicing_due(today).items():
            env_company = self.with_context(
                company_id=company_id, force_company=company_id
            )
            for batch in self._iter_batches(partner_ids, batch_size):
                orders = env_company._get_invoiceable_orders(batch, company_id)
                invoice_ids = (
                    env_company._invoice_orders_per_customer(orders) if orders else []
                )
                if validate and invoice_ids:
                    self.env["account.invoice"].browse(
                        invoice_ids
                    ).action_invoice_open()
                self.browse(batch).with_context(tracking_disable=True).write(
                    {"last_periodic_invoice_date": fields.Date.to_string(today)}
                )
                customers += len(batch)
                invoices += len(invoice_ids)
                self._commit_batch()
        _logger.info(
            "Periodic invoicing: %s customers at their period end, %s invoices "
            "created",
            customers,
            invoices,
        )
        return invoices
