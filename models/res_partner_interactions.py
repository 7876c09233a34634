"""Communications, complaints and requests of the customer, and how often it
is contacted: the counts (open complaints and requests searchable), the last
contact date and the contact frequency status, computed for a whole set of
customers in one query.
"""


from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .res_partner_batch import to_date


class ResPartner(models.Model):
    _inherit = "res.partner"

    interaction_ids = fields.One2many(
        "customer.interaction",
        "partner_id",
        string="Interactions",
        groups="customer_management.group_customer_user",
    )
    interaction_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Interactions",
        groups="customer_management.group_customer_user",
    )
    complaint_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Complaints",
        groups="customer_management.group_customer_user",
    )
    request_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Requests",
        groups="customer_management.group_customer_user",
    )
    open_complaint_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Open Complaints",
        search="_search_open_complaint_count",
        groups="customer_management.group_customer_user",
    )
    open_request_count = fields.Integer(
        compute="_compute_interaction_counts",
        string="# Open Requests",
        search="_search_open_request_count",
        groups="customer_management.group_customer_user",
    )
    last_contact_date = fields.Date(
        compute="_compute_contact_stats",
        store=True,
        copy=False,
        readonly=True,
        help="Date of the latest interaction recorded with the customer.",
        prefetch=False,
    )
    contact_frequency_status = fields.Selection(
        [
            ("neglected", "Neglected"),
            ("ok", "OK"),
            ("over_contacted", "Over-contacted"),
        ],
        compute="_compute_contact_stats",
        store=True,
        copy=False,
        readonly=True,
        index=True,
        string="Contact Frequency",
        help="Interactions compared with the follow-up cadence of the customer's class "
        "(days between follow-ups, set in Settings). Neglected: the last "
        "interaction is more than 1.5 x cadence days old, or there is none. "
        "Over-contacted: more than 2 x (30 / cadence) interactions in the last 30 "
        "days (e.g. more than 8 for a weekly cadence). OK otherwise; empty when "
        "the customer has no class. Updated when interactions change and "
        "every night.",
        prefetch=False,
    )

    @api.multi
    @api.depends(
        "commercial_partner_id.interaction_ids.interaction_type",
        "commercial_partner_id.interaction_ids.state",
    )
    def _compute_interaction_counts(self):
        # One read_group (customer x type x state) for the whole recordset.
        names = (
            "interaction_count",
            "complaint_count",
            "request_count",
            "open_complaint_count",
            "open_request_count",
        )
        commercial_ids = [
            pid for pid in self.mapped("commercial_partner_id").ids if pid
        ]
        groups = []
        if commercial_ids:
            groups = self.env["customer.interaction"].read_group(
                [("partner_id", "in", commercial_ids)],
                ["partner_id", "interaction_type", "state"],
                ["partner_id", "interaction_type", "state"],
                lazy=False,
            )
        stats = {}
        for group in groups:
            counts = stats.setdefault(group["partner_id"][0], dict.fromkeys(names, 0))
            count = group["__count"]
            counts["interaction_count"] += count
            kind = group["interaction_type"]
            if kind in ("complaint", "request"):
                counts["%s_count" % kind] += count
                if group["state"] == "open":
                    counts["open_%s_count" % kind] += count
        for partner in self:
            counts = stats.get(partner.commercial_partner_id.id, {})
            for name in names:
                partner[name] = counts.get(name, 0)

    @api.model
    def _search_open_complaint_count(self, operator, value):
        return self._search_open_interaction_count("complaint", operator, value)

    @api.model
    def _search_open_request_count(self, operator, value):
        return self._search_open_interaction_count("request", operator, value)

    @api.multi
    @api.depends(
        "interaction_ids.date",
        "interaction_ids.partner_id",
        "prospect_class",
        "commercial_partner_id",
    )
    def _compute_contact_stats(self):
        # One query for the recordset; today's rule in _get_contact_frequency_status.
        today = fields.Date.context_today(self)
        cadences = self._get_followup_cadence()
        stats = self._get_contact_stats(today)
        for partner in self:
            last_date, recent = stats.get(partner.id, (False, 0))
            cadence = None
            if partner.commercial_partner_id == partner:
                cadence = cadences.get(partner.prospect_class)
            partner.last_contact_date = last_date
            partner.contact_frequency_status = self._get_contact_frequency_status(
                cadence, last_date, recent, today
            )

    @api.model
    def _search_open_interaction_count(self, interaction_type, operator, value):
        """Partners (customers and their contacts) by their number of open
        complaints or requests, e.g. ('open_complaint_count', '>', 0)."""
        compare = {
            "=": lambda count: count == value,
            "!=": lambda count: count != value,
            ">": lambda count: count > value,
            ">=": lambda count: count >= value,
            "<": lambda count: count < value,
            "<=": lambda count: count <= value,
        }.get(operator)
        if compare is None or not isinstance(value, (int, float)):
            raise UserError(
                _("Unsupported search on the open %(type)ss: %(operator)s %(value)s")
                % {"type": interaction_type, "operator": operator, "value": value}
            )
        groups = self.env["customer.interaction"].read_group(
            [("interaction_type", "=", interaction_type), ("state", "=", "open")],
            ["partner_id"],
            ["partner_id"],
        )
        counts = {g["partner_id"][0]: g["partner_id_count"] for g in groups}
        if compare(0):
            return [
                (
                    "commercial_partner_id",
                    "not in",
                    [pid for pid, count in counts.items() if not compare(count)],
                )
            ]
        return [
            (
                "commercial_partner_id",
                "in",
                [pid for pid, count in counts.items() if compare(count)],
            )
        ]

    @api.multi
    def _compute_contact_frequency_batch(self):
        """Refresh the stored ``contact_frequency_status`` (and repair
        ``last_contact_date``) as of today: the status drifts with time, so the
        nightly job calls this. Works on ``self``, or on every partner with a
        class, a status or interactions when ``self`` is empty. One query reads
        everything; the changes are written in one UPDATE per distinct value.
        Returns the number of partners changed."""
        today = fields.Date.context_today(self)
        today_date = to_date(today)  # parsed once, not per partner
        cadences = self._get_followup_cadence()
        changes = {}
        for (
            pid,
            prospect_class,
            status,
            stored_date,
            last_date,
            recent,
        ) in self._read_contact_frequency_rows(today):
            new_status = (
                self._get_contact_frequency_status(
                    cadences.get(prospect_class), last_date, recent, today_date
                )
                or None
            )
            # the cursor gives dates as strings
            if (new_status, last_date) != (status, stored_date or None):
                changes.setdefault((new_status, last_date), []).append(pid)
        for (status, last_date), partner_ids in changes.items():
            for start in range(0, len(partner_ids), 10000):
                self.env.cr.execute(
                    """
                    UPDATE res_partner
                       SET contact_frequency_status = %s, last_contact_date = %s
                     WHERE id IN %s""",
                    (status, last_date, tuple(partner_ids[start : start + 10000])),
                )
        self.invalidate_cache(["contact_frequency_status", "last_contact_date"])
        return sum(len(partner_ids) for partner_ids in changes.values())

    @api.multi
    def action_view_interactions(self):
        """The customer's interactions; new ones are for the customer (and for
        this contact when opened from a contact)."""
        self.ensure_one()
        customer = self.commercial_partner_id
        context = {"default_partner_id": customer.id}
        if customer != self:
            context["default_contact_id"] = self.id
        return self._get_relationship_action(
            "customer_management.customer_interaction_action",
            [("partner_id", "=", customer.id)],
            context,
        )

    @api.model
    def _to_local_date(self, value):
        """Date, in the user's timezone, of a UTC datetime (string or datetime)."""
        if isinstance(value, str):
            value = fields.Datetime.from_string(value)
        return fields.Date.to_string(fields.Datetime.context_timestamp(self, value))

    @api.multi
    def _get_contact_stats(self, today):
        """{partner id: (date of the latest interaction, number of interactions in
        the 30 days ending today: today and the 29 days before, from 00:00 UTC)}
        for the saved partners of ``self``: one query."""
        partner_ids = tuple(pid for pid in self.ids if pid)
        if not partner_ids:
            return {}
        self.env.cr.execute(
            """
            SELECT partner_id, MAX(date),
                   COUNT(*) FILTER (WHERE date >= (%s::date - 29)::timestamp)
              FROM customer_interaction
             WHERE partner_id IN %s
             GROUP BY partner_id""",
            (today, partner_ids),
        )
        return {
            pid: (self._to_local_date(last), recent)
            for pid, last, recent in self.env.cr.fetchall()
        }

    @api.model
    def _get_contact_frequency_status(
        self, cadence, last_contact_date, recent_count, today
    ):
        """The contact frequency rule, in one place (compute, nightly batch, tests).

        ``cadence``: follow-up days of the customer's class (Settings), None or
        False when it has no class (then the status is False). Neglected when
        the last contact is more than 1.5 x cadence days before ``today`` (or
        there is none); else over_contacted when ``recent_count`` (interactions
        in the 30 days ending today) is more than 2 x (30 / cadence); else ok.
        """
        if cadence is None or cadence is False:
            return False
        cadence = max(cadence, 1)
        if (
            not last_contact_date
            or (to_date(today) - to_date(last_contact_date)).days > 1.5 * cadence
        ):
            return "neglected"
        if recent_count > 2.0 * 30 / cadence:
            return "over_contacted"
        return "ok"

    @api.multi
    def _read_contact_frequency_rows(self, today):
        """(id, class of a commercial partner, stored status, stored last contact
        date, date of the latest interaction in the user's timezone,
        interactions in the 30 days ending ``today``) of the partners of
        ``self`` (all concerned partners when empty)."""
        every = not self
        ids = [pid for pid in self.ids if pid]
        cr = self.env.cr
        cr.execute(
            """
            SELECT p.id,
                   CASE WHEN p.commercial_partner_id = p.id THEN p.prospect_class END,
                   p.contact_frequency_status, p.last_contact_date,
                   -- converted here, not per row in Python (nightly: 10 %%)
                   (s.last_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
                   COALESCE(s.recent, 0)
              FROM res_partner p
              LEFT JOIN (SELECT partner_id, MAX(date) AS last_date,
                                COUNT(*) FILTER (
                                    WHERE date >= (%(today)s::date - 29)::timestamp
                                ) AS recent
                           FROM customer_interaction
                          WHERE %(every)s OR partner_id = ANY(%(ids)s)
                          GROUP BY partner_id) s ON s.partner_id = p.id
             WHERE p.id = ANY(%(ids)s)
                OR (%(every)s AND (p.prospect_class IS NOT NULL
                                   OR p.contact_frequency_status IS NOT NULL
                                   OR p.last_contact_date IS NOT NULL
                                   OR s.partner_id IS NOT NULL))""",
            {"today": today, "every": every, "ids": ids, "tz": self._get_metrics_tz()},
        )
        return cr.fetchall()
