"""Plumbing shared by the crons that touch many customers: batches, commits
between them, bulk activities and chatter notes.

Every cron selects its customers with one SQL statement, works in batches
committed one by one, and records what it did on the customers (an open
activity, a stored date), so a rerun after a crash only does what is left.
Activities and chatter notes are inserted in bulk (one statement per batch):
mail.activity's create() subscribes and notifies per record, which at
100,000 customers costs minutes.
"""

import datetime
import threading

from psycopg2.extras import execute_values

from odoo import api, fields, models

from .constants import BATCH_SIZE


def to_date(value):
    """A date from a 'YYYY-MM-DD' string (what the ORM and the cursor give),
    several times faster than fields.Date.from_string for the nightly's
    hundreds of thousands of dates."""
    if not value:
        return None
    if not isinstance(value, str):
        return value  # already a date
    return datetime.date(int(value[:4]), int(value[5:7]), int(value[8:10]))


class ResPartner(models.Model):
    _inherit = "res.partner"

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

    @api.model
    def _commit_batch(self):
        # Never commit inside tests (one rolled-back transaction) nor while
        # modules load (a cron called from demo data is part of the install).
        if self.pool.ready and not getattr(threading.currentThread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit
