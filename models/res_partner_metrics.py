"""The nightly recompute of the customer metrics and the relationship
category.

Every metric has a pure rule method (``_get_followup_urgency``,
``_get_relationship_category``, ``_get_payment_reliability``,
``_get_suggested_rating``: override points, called by the tests) and a
set-based ``_compute_*_batch()`` method that gathers the inputs for the whole
recordset in a few queries and writes only what changed, one write per
distinct set of values. The nightly cron calls the batch methods on slices
of customers; ``action_recompute_customer_metrics()`` is the public (RPC and
button) entry.
"""

import datetime
import logging

import pytz
from dateutil.relativedelta import relativedelta
from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import float_compare

from .constants import GROUP_USER
from .res_partner_batch import to_date

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

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
        prefetch=False,
    )
    relationship_category_manual = fields.Boolean(
        "Category Set by Hand",
        compute="_compute_relationship_category_manual",
        store=True,
        help="Set when a user picks Lost or Influencer: the nightly computation "
        "leaves the category alone. Picking another category clears it.",
        prefetch=False,
    )

    @api.multi
    @api.depends("relationship_category")
    def _compute_relationship_category_manual(self):
        manual = self._get_manual_relationship_categories()
        for partner in self:
            partner.relationship_category_manual = (
                partner.relationship_category in manual
            )

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
    def _metric_changed(self, current, value, field):
        if current == value:
            return False
        if field.type == "float":
            return float_compare(current or 0.0, value or 0.0, precision_digits=2) != 0
        return (current or False) != (value or False)

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
            last[partner_id] = to_date(confirmed)
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
            invoiced = to_date(invoiced)
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
