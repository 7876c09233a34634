"""The financial hold: its state on the customer, the rule that places it
and the daily review that places and releases it.

A customer (commercial partner) may not get a sale order confirmed while it
has invoices overdue by more than the grace days or while its credit used is
at or past its credit limit. The rule is set-based: a constant number of
queries for any number of customers and invoices, so that the same code
serves one confirmation and the review of 100,000 customers. Placing and
releasing a hold by hand is a Credit Manager's act, with a reason.
"""

import logging

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html_escape
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.res.res_lang import intersperse

from .constants import GROUP_CREDIT
from .res_partner_credit_limit import PARTNER_REF, SMALL_SET

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    hold_reason = fields.Text(
        readonly=True,
        copy=False,
        track_visibility="onchange",
        help="Why the customer is on financial hold.",
        prefetch=False,
    )
    hold_date = fields.Date(readonly=True, copy=False, prefetch=False)
    hold_automatic = fields.Boolean(
        readonly=True,
        copy=False,
        help="Placed by the credit rules (released automatically once the cause "
        "is cured); a hold placed by a Credit Manager is released by hand.",
    )
    credit_hold_warning = fields.Char(
        compute="_compute_credit",
        help="What currently prevents orders from being confirmed.",
    )
    credit_override_ids = fields.One2many(
        "customer.credit.override",
        "partner_id",
        string="Credit Overrides",
        readonly=True,
    )

    @api.multi
    def _set_credit_hold_warning(self, company, figures, used, commercial):
        """credit_hold_warning, computed with the credit fields
        (_compute_credit) from their figures: limits, used and overdue of the
        commercial partners of ``self`` in ``company``; ``commercial``:
        {partner id: its commercial partner's id}."""
        reasons = self._credit_hold_reasons(company, used=used, figures=figures)
        for partner in self:
            texts = [r["message"] for r in reasons.get(commercial[partner.id], [])]
            partner.credit_hold_warning = "; ".join(texts) if texts else False

    @api.model
    def _check_credit_manager(self):
        if not self.env.user.has_group(GROUP_CREDIT):
            raise AccessError(
                _("Only a Credit Manager may place or release a financial hold.")
            )

    @api.model
    def _check_hold_reason(self, reason):
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(
                _("A reason is required to place or release a financial hold.")
            )
        return reason.strip()

    @api.multi
    def action_place_hold(self, reason):
        """Put the commercial customers of ``self`` on financial hold (Credit
        Manager only; ``reason`` is mandatory). Returns True for RPC."""
        self._check_credit_manager()
        reason = self._check_hold_reason(reason)
        self.mapped("commercial_partner_id")._place_hold(reason, automatic=False)
        return True

    @api.multi
    def action_release_hold(self, reason):
        """Release the financial hold and return to the status held before
        (Credit Manager only; ``reason`` is mandatory). Returns True for RPC."""
        self._check_credit_manager()
        reason = self._check_hold_reason(reason)
        self.mapped("commercial_partner_id")._release_hold(reason)
        return True

    @api.multi
    def _credit_hold_reasons(  # pylint: disable=too-many-arguments
        self, company=None, extra_amounts=None, limits=None, used=None, figures=None
    ):
        """The financial-hold rule, in one place, for the commercial partners
        of ``self``: {commercial_partner_id: [reason, ...]}, an empty list when
        the partner may buy. Each reason is a dict with ``code`` ('overdue' or
        'credit'), a translated ``message`` and its amounts.

        ``extra_amounts`` ({commercial_partner_id: amount}, company currency)
        are orders about to be confirmed: then the credit reason means "would
        go past the limit"; without them it means "limit used up".
        ``limits`` ({partner id: credit limit}): when the caller has read
        them for commercial partners ``self`` (the hold review), they are not
        looked up again; ``used`` ({partner id: credit used}) likewise;
        ``figures``: _read_credit_figures(overdue=True, used=used is None)
        for at least these partners.
        A constant number of queries whatever the number of partners/invoices.
        """
        company = company or self.env.user.company_id
        extra_amounts = extra_amounts or {}
        if limits is not None:
            partner_ids = list(limits)
        else:
            partner_ids = self._get_commercial_partner_ids()
        reasons = {partner_id: [] for partner_id in partner_ids}
        if not partner_ids:
            return reasons
        if figures is None:
            figures = self._read_credit_figures(
                company, partner_ids, used=used is None, overdue=True
            )
        partners = self.browse(partner_ids)
        for partner_id, reason in partners._overdue_hold_reasons(company, figures):
            if partner_id in reasons:
                reasons[partner_id].append(reason)
        if used is None:
            used = self._get_credit_used_of(company, partner_ids, figures)
        limits = dict(self._get_credit_limits(partner_ids, limits, company))
        currency = self._company_currency(company)
        over_ids = self._get_over_limit_ids(
            limits.items(), used, extra_amounts, currency
        )
        texts = self._credit_reason_templates(currency) if over_ids else None
        for partner_id in over_ids:
            reasons[partner_id].append(
                self._credit_reason(
                    limits[partner_id],
                    used.get(partner_id, 0.0),
                    extra_amounts.get(partner_id, 0.0),
                    texts,
                )
            )
        return reasons

    @api.multi
    def _get_commercial_partner_ids(self, small_set=SMALL_SET):
        """Ids of the commercial partners of ``self``, in one query without
        building records (the credit rule runs on thousands of customers).
        Up to ``small_set`` partners, through the ORM cache instead."""
        ids = [partner_id for partner_id in self.ids if isinstance(partner_id, int)]
        if len(ids) != len(self.ids) or len(ids) <= small_set:
            # new records (onchange) or a few partners (a confirmation: their
            # commercial partner is usually in the cache): ask the ORM
            return list(set(self.mapped("commercial_partner_id").ids))
        self.env.cr.execute(
            "SELECT DISTINCT COALESCE(commercial_partner_id, id) FROM res_partner "
            "WHERE id IN %s",
            (tuple(ids),),
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _credit_reason(self, limit, used, extra, texts):
        """The credit reason of a partner with ``limit`` in the company
        checked; ``texts``: from _credit_reason_templates() (translated once
        per call of the rule: translating per customer costs more than the
        rest of the rule)."""
        amounts = {
            "limit": limit,
            "used": used,
            "order": extra,
            "over": used + extra - limit,
        }
        fmt = {
            k: "%s %s" % (texts["symbol"], "{:,.2f}".format(v))
            for k, v in amounts.items()
        }
        message = texts["exceeded" if extra else "used_up"] % fmt
        return dict(amounts, code="credit", message=message)

    @api.model
    def _credit_reason_templates(self, currency):
        return {
            "exceeded": _(
                "credit limit %(limit)s would be exceeded: %(used)s already "
                "used plus this order's %(order)s is %(over)s over"
            ),
            "used_up": _("credit limit %(limit)s used up: %(used)s used"),
            "symbol": currency.symbol or currency.name,
        }

    @api.multi
    def _overdue_hold_reasons(self, company, figures=None):
        """[(partner_id, reason)] for customers with invoices overdue by
        more than the grace days (see OVERDUE_SQL); ``figures``: from
        _read_credit_figures(overdue=True) when the caller read them."""
        if figures is None:
            figures = self._read_credit_figures(
                company, self.ids, used=False, overdue=True
            )
        rows = figures["overdue"]
        if not rows:
            return []
        grace = self.env["res.config.settings"].get_customer_management_param(
            "hold_grace_days"
        )
        currency = company.currency_id
        symbol = currency.symbol or currency.name
        # Translated once, not per customer (_() inspects the call stack).
        template = _(
            "%(count)s invoice(s) overdue for %(amount)s, up to %(days)s "
            "days late (grace %(grace)s days)"
        )
        result = []
        for partner_id, count, amount, days in rows:
            message = template % {
                "count": count,
                "days": days,
                "grace": grace,
                "amount": "%s %s" % (symbol, "{:,.2f}".format(amount)),
            }
            result.append(
                (
                    partner_id,
                    {
                        "code": "overdue",
                        "message": message,
                        "count": count,
                        "amount": amount,
                        "days": days,
                    },
                )
            )
        return result

    @api.model
    def _refusal_places_hold(self, reasons, company):
        """Whether a refused confirmation with ``reasons`` holds the customer:
        an overdue invoice, or credit used already at the limit. An order
        that only would go past the limit is refused without a hold."""
        currency = company.currency_id
        return any(
            r["code"] != "credit"
            or currency.compare_amounts(r["used"], r["limit"]) >= 0
            for r in reasons
        )

    @api.multi
    def _place_hold(self, reason, automatic=True):
        """Hold the commercial partners of ``self`` that are not held yet;
        remember their status, log the reason and amounts, and ask their
        salesperson to contact the guarantors."""
        return self._place_holds({partner.id: reason for partner in self}, automatic)

    @api.multi
    def _place_holds(self, reasons, automatic=True, used=None):
        """Hold the partners of ``self`` that are not held yet, each with its
        own reason (``reasons``: {partner id: text}). Set-based, for a first
        review that holds thousands of customers: one UPDATE for all (no field
        tracking: the chatter note records the hold with its reason, amounts
        and user), the next follow-up recomputed in batch (it counts from the
        status date), the chatter notes and activities inserted in bulk; a
        constant number of queries whatever the number of partners.
        ``used``: the credit used per partner, when the caller has it."""
        if not self:
            return self
        today = fields.Date.context_today(self)
        execute_values(
            self.env.cr,
            """
            UPDATE res_partner p
               SET status_before_hold = p.customer_status, customer_status = 'hold',
                   status_date = v.today::date, hold_reason = v.reason,
                   hold_date = v.today::date, hold_automatic = v.automatic,
                   -- the hold activity (due today) scheduled below comes
                   -- first unless one is already due: the stored deadline
                   -- mail.activity's create() would write (same row version)
                   activity_date_deadline
                       = LEAST(p.activity_date_deadline, v.today::date),
                   write_uid = v.uid, write_date = (now() AT TIME ZONE 'UTC')
              FROM (VALUES %s) AS v(id, reason, today, automatic, uid)
             WHERE p.id = v.id AND p.customer_status != 'hold'
         RETURNING p.id""",
            [
                (partner_id, reasons[partner_id], today, bool(automatic), self.env.uid)
                for partner_id in self.ids
            ],
            page_size=len(self),
        )
        partners = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not partners:
            return partners
        partners._hold_status_written()
        user = self.env.user.name if not automatic else _("the credit rules")
        partners._post_hold_notes(
            _(
                "<b>Placed on financial hold</b> by %(user)s.<br/>"
                "Reason: %(reason)s<br/>"
            ),
            user,
            reasons,
            used,
        )
        partners._schedule_hold_activity()
        return partners

    @api.multi
    def _hold_status_written(self):
        """After the status and hold columns of ``self`` were written in SQL:
        drop them from the cache and recompute what depends on the status
        date (next follow-up and urgency), as an ORM write would."""
        self.invalidate_cache(
            [
                "customer_status",
                "status_date",
                "status_before_hold",
                "hold_reason",
                "hold_date",
                "hold_automatic",
                "write_uid",
                "write_date",
            ],
            self.ids,
        )
        # The status date only counts for customers never followed up (see
        # _get_followup_base_date): only they can get another next follow-up.
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE id IN %s "
            "AND last_followup_date IS NULL AND prospect_class IS NOT NULL",
            (tuple(self.ids),),
        )
        never_followed = self.browse([row[0] for row in self.env.cr.fetchall()])
        never_followed._compute_next_followup_batch()

    @api.multi
    def _post_hold_notes(self, title, user, reasons, used=None):
        """One chatter note per partner of ``self`` (inserted in one statement):
        ``title`` % {user, reason} followed by the credit limit and the credit
        used in the company each partner's credit counts in (``used``, else
        computed: one set of queries per company)."""
        # self: commercial partners (the held or released ones)
        rows = self._read_credit_limits(self.ids)
        limits = {row[0]: row[4] for row in rows}
        if used is None:
            used = {}
            for company_id in {row[1] for row in rows}:
                used.update(
                    self._get_credit_used_of(
                        self.env["res.company"].browse(company_id),
                        [row[0] for row in rows if row[1] == company_id],
                    )
                )
        line = _("Credit limit %(limit)s, credit used %(used)s.")
        user = html_escape(user)
        # each amount in the currency of the company the credit counts in
        company_ids = {row[0]: row[1] for row in rows}
        formatters = {
            company.id: self._amount_formatter(company.currency_id)
            for company in self.env["res.company"].browse(set(company_ids.values()))
        }

        def money(partner_id, amount):
            return formatters[company_ids[partner_id]](amount)

        self._bulk_post_notes(
            [
                (
                    partner_id,
                    title % {"user": user, "reason": html_escape(reasons[partner_id])}
                    + line
                    % {
                        "limit": money(partner_id, limits[partner_id]),
                        "used": money(partner_id, used.get(partner_id, 0.0)),
                    },
                )
                for partner_id in self.ids
            ]
        )

    @api.model
    def _amount_formatter(self, currency):
        """A function amount -> text, written as formatLang(env, amount,
        currency_obj=currency) writes it, with the language read and its
        grouping evaluated once: formatLang does both on every call, seconds
        for the thousands of notes of a review."""
        lang = self.env["res.lang"]._lang_get(
            self.env.context.get("lang")
            or self.env.user.company_id.partner_id.lang
            or "en_US"
        )
        grouping, thousands_sep, decimal_point = lang._data_get(False)
        grouping = safe_eval(grouping)
        pattern = "%%.%sf" % currency.decimal_places
        symbol, position = currency.symbol, currency.position

        def money(amount):
            parts = (pattern % amount).split(".")
            parts[0] = intersperse(parts[0], grouping, thousands_sep)[0]
            text = decimal_point.join(parts)
            if symbol and position == "after":
                return "%s %s" % (text, symbol)
            if symbol and position == "before":
                return "%s %s" % (symbol, text)
            return text

        return money

    @api.multi
    def _release_hold(self, reason, used=None):
        """Release the held partners of ``self``: back to the status they had
        before the hold, with a chatter note (reason, amounts, user). One
        UPDATE and one bulk insert whatever the number of partners."""
        if not self:
            return self
        self.env.cr.execute(
            """
            UPDATE res_partner
               SET customer_status = COALESCE(status_before_hold, 'active'),
                   status_date = %s, status_before_hold = NULL, hold_reason = NULL,
                   hold_date = NULL, hold_automatic = false,
                   write_uid = %s, write_date = (now() AT TIME ZONE 'UTC')
             WHERE id IN %s AND customer_status = 'hold'
         RETURNING id""",
            (fields.Date.context_today(self), self.env.uid, tuple(self.ids)),
        )
        partners = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not partners:
            return partners
        partners._hold_status_written()
        partners._post_hold_notes(
            _(
                "<b>Financial hold released</b> by %(user)s.<br/>"
                "Reason: %(reason)s<br/>"
            ),
            self.env.user.name,
            dict.fromkeys(partners.ids, reason),
            used,
        )
        return partners

    @api.multi
    def _schedule_hold_activity(self):
        """One activity per held customer for its salesperson: call the
        guarantors (named in the note) to get the customer to pay."""
        if not self:
            return
        activity_type = self.env.ref("customer_management.mail_activity_type_hold")
        today = fields.Date.context_today(self)
        names = {}
        # Most customers have no guarantor: ask the rule only when some have.
        self.env.cr.execute(
            "SELECT 1 FROM customer_guarantor WHERE partner_id IN %s LIMIT 1",
            (tuple(self.ids),),
        )
        guarantors = (
            self._get_guarantors_to_contact()
            if self.env.cr.fetchone()
            else self.env["customer.guarantor"]
        )
        for guarantor in guarantors:
            names.setdefault(guarantor.partner_id.id, []).append(
                guarantor.display_name or ""
            )
        summary = _("On financial hold: get the customer to pay")
        held_note = _("Customer placed on financial hold: %s.")
        guarantor_note = _("Guarantors to contact: %s.")
        self.env.cr.execute(
            "SELECT id, hold_reason, user_id FROM res_partner WHERE id IN %s",
            (tuple(self.ids),),
        )
        rows = []
        for partner_id, hold_reason, user_id in self.env.cr.fetchall():
            note = held_note % (hold_reason or "")
            if names.get(partner_id):
                note += " " + guarantor_note % ", ".join(names[partner_id])
            rows.append(
                (
                    partner_id,
                    user_id or self.env.uid,
                    summary,
                    "<p>%s</p>" % html_escape(note),
                    today,
                )
            )
        # One INSERT for all (mail.activity's create() notifies per record).
        self.sudo()._bulk_schedule_activities(activity_type, rows)
        # The stored "next activity deadline" of the partners was set with
        # the hold itself (_place_holds: one row version per partner).
        self.invalidate_cache(["activity_date_deadline", "activity_ids"], self.ids)

    @api.multi
    def _lock_for_credit_check(self):
        """Serialise credit checks per commercial partner, across workers: the
        upsert waits for a concurrent check to finish, then fails with a
        serialization error (retried by Odoo with a fresh snapshot) when that
        check committed. See customer.credit.lock."""
        for partner_id in sorted(self.mapped("commercial_partner_id").ids):
            self.env.cr.execute(
                """
                INSERT INTO customer_credit_lock (partner_id, check_count)
                VALUES (%s, 1)
                ON CONFLICT (partner_id)
                DO UPDATE SET check_count = customer_credit_lock.check_count + 1""",
                (partner_id,),
            )

    @api.multi
    def _release_cured_holds(self, reasons=None, used=None):
        """Release the automatic holds among ``self`` whose cause is cured:
        no reason left (and, in 'full' mode, no open invoice left).
        ``reasons``: the result of _credit_hold_reasons when the caller has
        it, ``used``: the credit used it was computed from."""
        held = self.mapped("commercial_partner_id").filtered(
            lambda p: p.customer_status == "hold" and p.hold_automatic
        )
        if not held:
            return held
        settings = self.env["res.config.settings"]
        full = settings.get_customer_management_param("hold_release_mode") == "full"
        cured = held.browse()
        for company, partners in held._group_by_credit_company().items():
            company_reasons = (
                reasons
                if reasons is not None
                else partners._credit_hold_reasons(company)
            )
            open_ids = partners._partners_with_open_invoices(company) if full else set()
            cured |= partners.filtered(
                lambda p, r=company_reasons, o=open_ids: not r[p.id] and p.id not in o
            )
        cured._release_hold(_("cause cured (payment received)"), used)
        return cured

    @api.multi
    def _partners_with_open_invoices(self, company):
        self.env.cr.execute(
            """
            SELECT DISTINCT commercial_partner_id FROM account_invoice
             WHERE commercial_partner_id IN %s AND company_id = %s
               AND type = 'out_invoice' AND state = 'open'""",
            (tuple(self.ids), company.id),
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.multi
    def _review_credit_holds(self):
        """Hold the commercial partners of ``self`` that the rule refuses,
        release their automatic holds whose cause is cured: (placed, released).
        Status, hold flag and company of all come from one query; records
        are only built for the customers that change."""
        if not self:
            return 0, 0
        state, limits = self._read_review_state()
        reasons, used = {}, {}
        for company_id, company_limits in limits.items():
            # self: commercial partners (the review's candidates), their
            # limits read above and their credit used computed once for the
            # rule and the chatter notes of the holds and releases
            company = self.env["res.company"].browse(company_id)
            used.update(self._get_credit_used_of(company, list(company_limits)))
            reasons.update(
                self.browse(list(company_limits))._credit_hold_reasons(
                    company, limits=company_limits, used=used
                )
            )
        hold_reasons = {
            partner_id: "; ".join(x["message"] for x in reasons[partner_id])
            for partner_id, (_company, status, _auto) in state.items()
            if reasons.get(partner_id) and status != "hold"
        }
        # All the new holds at once (bulk notes and activities).
        to_hold = self.browse(list(hold_reasons))._place_holds(hold_reasons, used=used)
        # The reasons just computed serve the release too: no second round.
        held = self.browse(
            [
                partner_id
                for partner_id, (_company, status, automatic) in state.items()
                if status == "hold" and automatic and partner_id not in hold_reasons
            ]
        )
        released = held._release_cured_holds(reasons, used)
        return len(to_hold), len(released)

    @api.multi
    def _read_review_state(self):
        """({partner id: (company id, status, automatic hold)}, {company id:
        {partner id: credit limit}}) of ``self`` in one query; the company is
        the one credit counts in (the user's for a shared partner), the limit
        that company's."""
        state, limits = {}, {}
        for (
            partner_id,
            company_id,
            status,
            automatic,
            limit,
        ) in self._read_credit_limits(self.ids):
            state[partner_id] = (company_id, status, automatic)
            limits.setdefault(company_id, {})[partner_id] = limit
        return state, limits

    @api.multi
    def _group_by_credit_company(self):
        """{company: partners}: credit counts in the partner's company, or in
        the user's company for a partner shared by all companies."""
        ids = {}
        for partner in self:
            company = partner.company_id or self.env.user.company_id
            ids.setdefault(company, []).append(partner.id)
        return {
            company: self.browse(partner_ids) for company, partner_ids in ids.items()
        }

    @api.model
    def _cron_review_credit_holds(self, batch_size=10000):
        """Daily review: hold every customer the rule refuses, release the
        automatic holds whose cause is cured. Set-based per batch of
        customers, committed per batch (restartable: a rerun only does what
        is left), logs its counts."""
        self.env.cr.execute(
            """
            SELECT p.id FROM res_partner p
             WHERE p.customer AND p.active AND p.commercial_partner_id = p.id
               AND (p.customer_status = 'hold'
                    OR p.id IN (SELECT ai.commercial_partner_id
                                  FROM account_invoice ai
                                 WHERE ai.state = 'open'
                                   AND ai.type = 'out_invoice')
                    -- a limit in any company (the review reads the one of
                    -- the company checked), or a default limit for all
                    OR %(ref)s || p.id IN (
                           SELECT ip.res_id FROM ir_property ip
                             JOIN ir_model_fields f ON f.id = ip.fields_id
                            WHERE f.model = 'res.partner'
                              AND f.name = 'credit_limit'
                              AND ip.res_id IS NOT NULL AND ip.value_float > 0)
                    OR EXISTS (
                           SELECT 1 FROM ir_property ip
                             JOIN ir_model_fields f ON f.id = ip.fields_id
                            WHERE f.model = 'res.partner'
                              AND f.name = 'credit_limit'
                              AND ip.res_id IS NULL AND ip.value_float > 0))
             ORDER BY p.id""",
            {"ref": PARTNER_REF},
        )
        candidate_ids = [row[0] for row in self.env.cr.fetchall()]
        placed = released = 0
        # Read only the fields the rule uses (not the ~150 columns of
        # res.partner for every customer of the batch).
        partners = self.with_context(prefetch_fields=False)
        for start in range(0, len(candidate_ids), batch_size):
            batch = partners.browse(candidate_ids[start : start + batch_size])
            placed_now, released_now = batch._review_credit_holds()
            placed += placed_now
            released += released_now
            self._commit_batch()
            batch.invalidate_cache()
        _logger.info(
            "Credit-hold review: %s customers checked, %s placed on hold, "
            "%s released",
            len(candidate_ids),
            placed,
            released,
        )
        return True
