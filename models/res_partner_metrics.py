"""Classification, follow-up and customer metrics of res.partner: the rules
and the set-based batch computations behind relationship_category, payment
behaviour (avg_days_late, late_invoice_count, payment_reliability),
suggested_rating, next_followup_date and followup_urgency, and the public
action_recompute_customer_metrics().

The fields and the @api.depends computes live in res_partner.py (markers of
this topic); the methods are kept in a class of their own, like
res_partner_commercial_terms.py, so that the check_field_access_rights
override chains with the others through super().

Every metric has a pure rule method (_get_followup_urgency,
_get_relationship_category, _get_payment_reliability, _get_suggested_rating:
override points, called by the tests) and a set-based _compute_*_batch()
method that gathers the inputs for the whole recordset in a few queries and
writes only what changed, one write per distinct set of values. The nightly
cron calls the batch methods on slices of customers;
action_recompute_customer_metrics() is the public (RPC and button) entry.
"""

import datetime
import logging

import pytz
from dateutil.relativedelta import relativedelta
from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import float_compare

GROUP_USER = "customer_management.group_customer_user"

_logger = logging.getLogger(__name__)


def _to_date(value):
    """A date from a 'YYYY-MM-DD' string (what the ORM and the cursor give),
    several times faster than fields.Date.from_string for the nightly's
    hundreds of thousands of dates."""
    if not value:
        return None
    if not isinstance(value, str):
        return value  # already a date
    return datetime.date(int(value[:4]), int(value[5:7]), int(value[8:10]))


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_manual_relationship_categories(self):
        """Categories only a user can set; the computation never overwrites them."""
        return ("lost", "influencer")

    @api.model
    def _get_metrics_today(self, today=None):
        """``today`` (a date or a date string) or else today in the user's
        timezone (context ``tz``, else the user's), as a date."""
        if today and not isinstance(today, str):
            return today
        return fields.Date.from_string(today or fields.Date.context_today(self))

    @api.model
    def _get_metrics_period(self, today):
        """First and last day (dates) of the 12 months ending on ``today``."""
        return today - relativedelta(months=12) + relativedelta(days=1), today

    @api.model
    def _get_metrics_utc_bounds(self, date_from, date_to):
        """UTC datetime strings of the start of ``date_from`` and of the day after
        ``date_to`` in the user's timezone, to select datetimes by local date."""
        tz = pytz.timezone(self._get_metrics_tz())

        def start_of(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return fields.Datetime.to_string(local.astimezone(pytz.utc))

        return start_of(date_from), start_of(date_to + datetime.timedelta(days=1))

    @api.model
    def _get_metrics_settings(self):
        """The settings of the metrics, read once per batch."""
        get = self.env["res.config.settings"].get_customer_management_param
        return {
            key: get(key)
            for key in (
                "active_paying_days",
                "non_active_days",
                "rating_threshold_a",
                "rating_threshold_b",
                "rating_support_load",
                "rating_discount",
                "reliability_watch_days",
                "reliability_watch_count",
                "reliability_poor_days",
                "reliability_poor_count",
            )
        }

    @api.model
    def _get_metrics_domain(self):
        """The customers whose metrics are kept: commercial entities marked customer."""
        return [
            ("customer", "=", True),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
        ]

    @api.multi
    def _get_metrics_partners(self):
        """The commercial entities of ``self``: metrics live on them (one
        query, no record per contact)."""
        return self.browse(self._get_commercial_partner_ids(small_set=0))

    @api.multi
    def _write_metrics(self, values):
        """Store computed metrics. ``values`` maps partner ids to dicts of field
        values. The current values are read in one query; only the partners
        whose values changed are written, in one UPDATE per set of field
        names (one row version per partner, not one per metric and value),
        without chatter tracking. The stored fields that depend on the
        metrics (relationship_category_manual, rating_differs) are written in
        the same UPDATE, from their rules."""
        if not values:
            return True
        for fnames, rows in self._get_changed_metrics(values).items():
            self._update_metric_columns(fnames, rows)
        return True

    @api.model
    def _get_changed_metrics(self, values):
        """{field names: [(partner id, values)]} of the partners of ``values``
        whose stored values differ, the dependent stored fields added (one
        query reads the current values)."""
        names = {name for vals in values.values() for name in vals}
        if "relationship_category" in names:
            names.add("relationship_category_manual")
        if "suggested_rating" in names:
            names |= {"rating_differs", "account_rating"}
        columns = sorted(names)
        # column names of fields of this model, not user input
        self.env.cr.execute(
            "SELECT id, %s FROM res_partner WHERE id IN %%s"
            % ", ".join('"%s"' % name for name in columns),
            (tuple(values),),
        )
        current = {
            row[0]: dict(zip(columns, row[1:])) for row in self.env.cr.fetchall()
        }
        manual = self._get_manual_relationship_categories()
        groups = {}
        for partner_id, vals in values.items():
            stored = current.get(partner_id)
            if stored is None:
                continue
            new = dict(vals)
            if "relationship_category" in new:
                new["relationship_category_manual"] = (
                    new["relationship_category"] in manual
                )
            if "suggested_rating" in new:
                new["rating_differs"] = self._get_rating_differs(
                    stored["account_rating"], new["suggested_rating"]
                )
            if any(
                self._metric_changed(stored[name], value, self._fields[name])
                for name, value in new.items()
            ):
                groups.setdefault(tuple(sorted(new)), []).append((partner_id, new))
        return groups

    @api.model
    def _update_metric_columns(self, fnames, rows):
        """One UPDATE of the columns ``fnames`` for ``rows`` (partner id,
        values), then the cache of those fields dropped."""
        fields_ = [self._fields[name] for name in fnames]
        execute_values(
            self.env.cr,
            """
            UPDATE res_partner p SET %s, write_uid = %d,
                   write_date = (now() AT TIME ZONE 'UTC')
              FROM (VALUES %%s) AS v(id, %s) WHERE p.id = v.id"""
            % (
                ", ".join('"%s" = v."%s"' % (name, name) for name in fnames),
                self.env.uid,
                ", ".join('"%s"' % name for name in fnames),
            ),
            [
                [partner_id]
                + [self._metric_to_column(new[field.name], field) for field in fields_]
                for partner_id, new in rows
            ],
            template="(%%s, %s)"
            % ", ".join("%%s::%s" % field.column_type[1] for field in fields_),
            page_size=1000,
        )
        ids = [row[0] for row in rows]
        self.browse(ids).invalidate_cache(
            list(fnames) + ["write_uid", "write_date"], ids
        )

    @api.model
    def _metric_to_column(self, value, field):
        if field.type == "boolean":
            return bool(value)
        return None if value is False else value

    @api.model
    def _get_rating_differs(self, account_rating, suggested_rating):
        """The key-account rating and the suggested rating are both set and
        differ (rule of the stored rating_differs)."""
        return bool(
            account_rating and suggested_rating and account_rating != suggested_rating
        )

    @api.model
    def _metric_changed(self, current, value, field):
        if current == value:
            return False
        if field.type == "float":
            return float_compare(current or 0.0, value or 0.0, precision_digits=2) != 0
        return (current or False) != (value or False)

    # (who may change the key-account rating: res_partner_rights.py)

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
            _to_date(last_followup_date)
            or _to_date(status_date)
            or _to_date(created_on)
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
    def _compute_next_followup_batch(self, today=None):
        """Recompute next_followup_date and followup_urgency of ``self``: every
        night (the urgency depends on today) and after the follow-up cadence
        settings change. No query per partner; changed partners only are written."""
        self._write_metrics(self._get_next_followup_values_batch(today))
        return True

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
    def _get_metrics_tz(self):
        """Name of the timezone of the context or the user (else UTC)."""
        tz_name = self.env.context.get("tz") or self.env.user.tz
        return tz_name if tz_name in pytz.all_timezones_set else "UTC"

    # Relationship category ---------------------------------------------
    @api.model
    def _get_relationship_category(  # pylint: disable=too-many-arguments
        self, internal, last_purchase, referrer, today, settings
    ):
        """The category rule, in one place: internal first, then by the age of
        the last purchase (<= active-paying days: active paying, >= non-active
        days: non-active, in between: active occasional), then referrer, else
        undefined. ``last_purchase`` and ``today`` are dates."""
        if internal:
            return "internal"
        if last_purchase:
            age = (today - last_purchase).days
            if age <= settings["active_paying_days"]:
                return "active_paying"
            if age < settings["non_active_days"]:
                return "active_occasional"
            return "non_active"
        if referrer:
            return "referrer"
        return "undefined"

    @api.multi
    def _get_last_purchase_dates(self):
        """{partner id: date of the last purchase} for the commercial partners
        ``self``: the latest confirmed sale order (confirmation date in the
        user's timezone) or validated customer invoice, all companies."""
        cr = self.env.cr
        ids = tuple(self.ids)
        last = {}
        # The local date of the confirmation, converted by PostgreSQL (as
        # fields.Date.context_today would, without a conversion per row).
        tz_name = self._get_metrics_tz()
        cr.execute(
            """
            SELECT p.commercial_partner_id,
                   (MAX(so.confirmation_date) AT TIME ZONE 'UTC'
                        AT TIME ZONE %s)::date
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.partner_id = ANY(ARRAY(
                       SELECT c.id FROM res_partner c
                        WHERE c.commercial_partner_id IN %s))
               AND so.state IN ('sale', 'done')
               AND so.confirmation_date IS NOT NULL
             GROUP BY p.commercial_partner_id""",
            (tz_name, ids),
        )
        for partner_id, confirmed in cr.fetchall():
            last[partner_id] = _to_date(confirmed)
        cr.execute(
            """
            SELECT ai.commercial_partner_id, MAX(ai.date_invoice)
              FROM account_invoice ai
             WHERE ai.commercial_partner_id IN %s AND ai.type = 'out_invoice'
               AND ai.state IN ('open', 'paid') AND ai.date_invoice IS NOT NULL
             GROUP BY ai.commercial_partner_id""",
            (ids,),
        )
        for partner_id, invoiced in cr.fetchall():
            invoiced = _to_date(invoiced)
            last[partner_id] = max(last.get(partner_id, invoiced), invoiced)
        return last

    @api.multi
    def _get_internal_partner_ids(self):
        """Ids in ``self`` of internal partners: the commercial entity of an
        internal user (current or archived: former employees count) or, with
        the HR app, of an employee's private address."""
        # All the internal ones (users and employees are few), then those of
        # self: restricting the join to self made PostgreSQL scan the
        # partners for every batch (1.4 s of the nightly at 100k customers).
        cr = self.env.cr
        cr.execute(
            """
            SELECT DISTINCT p.commercial_partner_id
              FROM res_users u
              JOIN res_partner p ON p.id = u.partner_id
             WHERE u.share IS NOT TRUE"""
        )
        internal = {row[0] for row in cr.fetchall()}
        employees = self.env.get("hr.employee")  # the HR app is optional
        if employees is not None and "address_home_id" in employees._fields:
            cr.execute(
                """
                SELECT DISTINCT p.commercial_partner_id
                  FROM hr_employee e
                  JOIN res_partner p ON p.id = e.address_home_id"""
            )
            internal.update(row[0] for row in cr.fetchall())
        return internal & set(self.ids)

    @api.multi
    def _get_referrer_partner_ids(self):
        """Ids in ``self`` of partners that referred another (active) customer
        (``parent_customer_id``, when the referral field is installed)."""
        field = self._fields.get("parent_customer_id")
        if not field or not field.store:
            return set()
        self.env.cr.execute(
            """
            SELECT DISTINCT referrer.commercial_partner_id
              FROM res_partner referred
              JOIN res_partner referrer ON referrer.id = referred.parent_customer_id
             WHERE referrer.commercial_partner_id IN %s AND referred.active
               AND referred.commercial_partner_id != referrer.commercial_partner_id""",
            (tuple(self.ids),),
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.multi
    def _compute_relationship_category_batch(self, today=None):
        """Recompute the relationship category of the commercial entities of
        ``self``; categories set by hand (lost, influencer) are kept. Four
        queries whatever the number of partners."""
        partners = self._get_metrics_partners()
        if partners:
            partners._write_metrics(partners._get_relationship_category_values(today))
        return True

    @api.multi
    def _get_relationship_category_values(self, today=None):
        """{partner id: {relationship_category}} of the commercial partners
        ``self`` whose category is not set by hand (four queries)."""
        partners = self
        today = self._get_metrics_today(today)
        settings = self._get_metrics_settings()
        last_purchase = partners._get_last_purchase_dates()
        internal = partners._get_internal_partner_ids()
        referrers = partners._get_referrer_partner_ids()
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE id IN %s "
            "AND relationship_category_manual",
            (tuple(partners.ids),),
        )
        manual = {row[0] for row in self.env.cr.fetchall()}
        values = {}
        for partner_id in partners.ids:
            if partner_id in manual:
                continue
            category = self._get_relationship_category(
                partner_id in internal,
                last_purchase.get(partner_id),
                partner_id in referrers,
                today,
                settings,
            )
            values[partner_id] = {"relationship_category": category}
        return values

    # Payment behaviour -------------------------------------------------
    @api.model
    def _get_payment_reliability(self, avg_days_late, late_count, settings):
        """Poor when the average lateness exceeds the poor days or the late
        invoices reach the poor count; watch likewise with the watch thresholds;
        good otherwise."""
        if (
            avg_days_late > settings["reliability_poor_days"]
            or late_count >= settings["reliability_poor_count"]
        ):
            return "poor"
        if (
            avg_days_late > settings["reliability_watch_days"]
            or late_count >= settings["reliability_watch_count"]
        ):
            return "watch"
        return "good"

    @api.multi
    def _get_payment_stats(self, today):
        """{commercial partner id: (average days late, late invoices, invoices
        counted)} over the customer invoices of the 12 months ending ``today``
        (one query). A paid invoice's payment date is the latest date of the
        move lines reconciled with its receivable line; it is late by
        max(0, payment date - due date). An open invoice past its due date is
        late by the days until today; open ones not yet due are not counted."""
        date_from, date_to = self._get_metrics_period(today)
        self.env.cr.execute(
            """
            WITH invoice AS (
                SELECT ai.id, ai.commercial_partner_id AS partner_id, ai.state,
                       ai.move_id, ai.account_id,
                       COALESCE(ai.date_due, ai.date_invoice) AS date_due
                  FROM account_invoice ai
                 WHERE ai.commercial_partner_id IN %(ids)s AND ai.type = 'out_invoice'
                   AND ai.state IN ('open', 'paid')
                   AND ai.date_invoice BETWEEN %(date_from)s AND %(date_to)s
            ), paid AS (
                -- max_date of a reconciliation: the later of the two lines'
                -- dates, i.e. the payment's (or the invoice's for a payment
                -- dated before it: 0 days late either way)
                SELECT invoice.id, MAX(apr.max_date) AS paid_date
                  FROM invoice
                  JOIN account_move_line line
                    ON line.move_id = invoice.move_id
                   AND line.account_id = invoice.account_id
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = line.id
                 WHERE invoice.state = 'paid'
                 GROUP BY invoice.id
            ), lateness AS (
                SELECT partner_id,
                       CASE WHEN state = 'paid'
                            THEN GREATEST(COALESCE(paid_date, date_due) - date_due, 0)
                            WHEN date_due < %(today)s::date
                            THEN %(today)s::date - date_due
                       END AS days_late
                  FROM invoice LEFT JOIN paid ON paid.id = invoice.id
            )
            SELECT partner_id, AVG(days_late), COUNT(*) FILTER (WHERE days_late > 0),
                   COUNT(*)
              FROM lateness
             WHERE days_late IS NOT NULL
             GROUP BY partner_id""",
            {
                "ids": tuple(self.ids),
                "today": fields.Date.to_string(today),
                "date_from": fields.Date.to_string(date_from),
                "date_to": fields.Date.to_string(date_to),
            },
        )
        return {
            partner_id: (avg or 0.0, late, counted)
            for partner_id, avg, late, counted in self.env.cr.fetchall()
        }

    @api.multi
    def _compute_payment_behaviour_batch(self, today=None):
        """Recompute avg_days_late, late_invoice_count and payment_reliability
        of the commercial entities of ``self`` from their invoices and payments
        (one query whatever the number of partners or invoices)."""
        partners = self._get_metrics_partners()
        if partners:
            partners._write_metrics(partners._get_payment_behaviour_values(today))
        return True

    @api.multi
    def _get_payment_behaviour_values(self, today=None):
        """{partner id: payment behaviour values} of the commercial partners
        ``self`` (one query)."""
        partners = self
        today = self._get_metrics_today(today)
        settings = self._get_metrics_settings()
        stats = partners._get_payment_stats(today)
        values = {}
        for partner_id in partners.ids:
            avg, late, counted = stats.get(partner_id, (0.0, 0, 0))
            values[partner_id] = {
                "avg_days_late": round(avg, 1),
                "late_invoice_count": late,
                "payment_reliability": counted
                and self._get_payment_reliability(avg, late, settings)
                or False,
            }
        return values

    # Key-account rating ------------------------------------------------
    @api.model
    def _get_suggested_rating(self, revenue, support_load, avg_discount, settings):
        """A from threshold A, B from threshold B, else C; one grade lower (A to
        B, B to C) when the open complaints + requests reach the support-load
        setting or the average discount exceeds the discount setting."""
        if revenue >= settings["rating_threshold_a"]:
            rating = "a"
        elif revenue >= settings["rating_threshold_b"]:
            rating = "b"
        else:
            rating = "c"
        if (
            support_load >= settings["rating_support_load"]
            or float_compare(
                avg_discount, settings["rating_discount"], precision_digits=2
            )
            > 0
        ):
            rating = {"a": "b", "b": "c"}.get(rating, rating)
        return rating

    @api.multi
    def _get_revenue_12m(self, today):
        """{commercial partner id: untaxed revenue} of the 12 months ending
        ``today``: validated customer invoices minus credit notes, all companies,
        converted to the current company's currency (one query)."""
        date_from, date_to = self._get_metrics_period(today)
        self.env.cr.execute(
            """
            SELECT ai.commercial_partner_id, company.currency_id,
                   SUM(ai.amount_untaxed_signed)
              FROM account_invoice ai
              JOIN res_company company ON company.id = ai.company_id
             WHERE ai.commercial_partner_id IN %s
               AND ai.type IN ('out_invoice', 'out_refund')
               AND ai.state IN ('open', 'paid')
               AND ai.date_invoice BETWEEN %s AND %s
             GROUP BY ai.commercial_partner_id, company.currency_id""",
            (
                tuple(self.ids),
                fields.Date.to_string(date_from),
                fields.Date.to_string(date_to),
            ),
        )
        rows = self.env.cr.fetchall()
        target = self.env.user.company_id.currency_id
        Currency = self.env["res.currency"].with_context(
            date=fields.Date.to_string(today)
        )
        rates = {target.id: 1.0}  # one rate per currency, not per row
        revenue = {}
        for partner_id, currency_id, amount in rows:
            if currency_id not in rates:
                rates[currency_id] = Currency._get_conversion_rate(
                    Currency.browse(currency_id), target
                )
            amount = (amount or 0.0) * rates[currency_id]
            revenue[partner_id] = revenue.get(partner_id, 0.0) + amount
        return revenue

    @api.multi
    def _get_support_load(self):
        """{commercial partner id: open complaints + open requests} (one
        query on customer.interaction, when that model is installed; the
        metrics are computed as superuser, so no record rule applies)."""
        if "customer.interaction" not in self.env or not self.ids:
            return {}
        self.env.cr.execute(
            """
            SELECT c.commercial_partner_id, COUNT(*)
              FROM customer_interaction i
              JOIN res_partner c ON c.id = i.partner_id
             WHERE i.partner_id = ANY(ARRAY(
                       SELECT p.id FROM res_partner p
                        WHERE p.commercial_partner_id IN %s))
               AND i.interaction_type IN ('complaint', 'request')
               AND i.state = 'open'
             GROUP BY c.commercial_partner_id""",
            (tuple(self.ids),),
        )
        return dict(self.env.cr.fetchall())

    @api.multi
    def _get_average_discount(self, today):
        """{commercial partner id: average discount (%) of the lines of its
        orders confirmed in the 12 months ending ``today``} (one query)."""
        date_from, date_to = self._get_metrics_period(today)
        start, end = self._get_metrics_utc_bounds(date_from, date_to)
        self.env.cr.execute(
            """
            SELECT p.commercial_partner_id, AVG(sol.discount)
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.partner_id = ANY(ARRAY(
                       SELECT c.id FROM res_partner c
                        WHERE c.commercial_partner_id IN %s))
               AND so.state IN ('sale', 'done')
               AND so.confirmation_date >= %s AND so.confirmation_date < %s
             GROUP BY p.commercial_partner_id""",
            (tuple(self.ids), start, end),
        )
        return {partner_id: avg or 0.0 for partner_id, avg in self.env.cr.fetchall()}

    @api.multi
    def _compute_suggested_rating_batch(self, today=None):
        """Recompute suggested_rating of the commercial entities of ``self``
        (three queries and one read_group whatever the number of partners)."""
        partners = self._get_metrics_partners()
        if partners:
            partners._write_metrics(partners._get_suggested_rating_values(today))
        return True

    @api.multi
    def _get_suggested_rating_values(self, today=None):
        """{partner id: {suggested_rating}} of the commercial partners ``self``
        (three queries and one read_group)."""
        partners = self
        today = self._get_metrics_today(today)
        settings = self._get_metrics_settings()
        revenue = partners._get_revenue_12m(today)
        load = partners._get_support_load()
        discount = partners._get_average_discount(today)
        values = {}
        for partner_id in partners.ids:
            rating = self._get_suggested_rating(
                revenue.get(partner_id, 0.0),
                load.get(partner_id, 0),
                discount.get(partner_id, 0.0),
                settings,
            )
            values[partner_id] = {"suggested_rating": rating}
        return values

    @api.multi
    def action_recompute_customer_metrics(self):
        """Recompute relationship category, payment behaviour, suggested rating,
        next follow-up and urgency of the commercial entities of ``self``, or
        of every customer when called on an empty recordset (RPC model method).
        Customer Management users only. Returns True."""
        if not self.env.user.has_group(GROUP_USER):
            raise AccessError(
                _("Only Customer Management users may recompute customer metrics.")
            )
        partners = self or self.search(self._get_metrics_domain())
        # Computed as superuser (invoices, interactions of all teams) but in the
        # caller's timezone.
        tz = self.env.context.get("tz") or self.env.user.tz
        partners = partners.sudo().with_context(tz=tz or "UTC")._get_metrics_partners()
        partners._recompute_metrics(partners._get_metrics_today())
        return True

    @api.multi
    def _recompute_metrics(self, today):
        """Relationship category, payment behaviour, suggested rating, next
        follow-up and urgency of the commercial entities of ``self``, all
        written at once (one row version per changed customer)."""
        partners = self._get_metrics_partners()
        if not partners:
            return True
        values = {}
        for part in (
            partners._get_relationship_category_values(today),
            partners._get_payment_behaviour_values(today),
            partners._get_suggested_rating_values(today),
            partners._get_next_followup_values_batch(today),
        ):
            for partner_id, vals in part.items():
                values.setdefault(partner_id, {}).update(vals)
        partners._write_metrics(values)
        return True

    @api.model
    def _cron_nightly_recompute(self, batch_size=2000):
        """Nightly: the metrics that drift with time (category, payment
        behaviour, suggested rating, next follow-up and urgency, contact
        frequency) for every customer, in batches committed one by one (a
        rerun after a crash redoes only unchanged-value checks), then the
        customer-since dates and the expiry of pricing agreements."""
        partner_ids = self.search(self._get_metrics_domain()).ids
        today = self._get_metrics_today()
        # Only the fields the rules read are fetched (not the ~150 columns of
        # res.partner for every customer of the batch).
        partners = self.sudo().with_context(prefetch_fields=False)
        for start in range(0, len(partner_ids), batch_size):
            batch = partners.browse(partner_ids[start : start + batch_size])
            batch._recompute_metrics(today)
            batch._compute_contact_frequency_batch()
            self._commit_batch()
            batch.invalidate_cache()
        filled = self.sudo().browse()._compute_customer_since_batch()
        expired = self.env["customer.pricing.agreement"].sudo()._expire_agreements()
        _logger.info(
            "Nightly recompute: %s customers in %s batches, %s customer-since "
            "dates filled, %s agreements expired",
            len(partner_ids),
            -(-len(partner_ids) // batch_size),
            len(filled),
            len(expired),
        )
        return True
