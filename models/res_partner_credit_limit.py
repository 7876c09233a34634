"""The credit limit per company and the credit used against it.

Base Odoo 11 stores ``res.partner.credit_limit`` as one column for all
companies; here it is company-dependent: each company has its own limit, in
its own currency, read and written by the ORM in the current company
(``force_company`` or the user's company). The credit rule reads the limits
of thousands of customers at once straight from ``ir_property``, in the
same order of precedence as ``ir.property.get_multi``.

The column itself stays (the ORM no longer reads or writes it): the
migration and the install copy it into a property for every company; the
uninstall writes each partner's limit back into it (``hooks.py``).

Credit used is open receivables, draft invoices and confirmed orders not
invoiced yet, in the company's currency; ``_read_credit_figures`` reads the
limit, the credit used and the overdue invoices of a set of customers in one
statement, so a confirmation and the review of 100,000 customers share it.
"""

import math

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PARTNER_REF = "res.partner,"

# The limits of partners %(partners)s (res.partner._read_credit_limits): a
# hash join with the limits of the field for a batch (one scan of them), an
# index lookup on res_id for a few partners; EXPLAIN at 10k customers, 10k
# per batch: 13 ms with the column, 26-56 ms here (a LATERAL lookup per
# partner: 76-108 ms). The WITH part heads the statement, so that the credit
# rule can run the SELECT as one part of a larger one.
CREDIT_LIMITS_WITH = """
    WITH field AS (
        SELECT id FROM ir_model_fields
         WHERE model = 'res.partner' AND name = 'credit_limit'
    ), dflt AS (
        SELECT DISTINCT ON (c.id) c.id AS company_id, ip.value_float
          FROM res_company c
          JOIN ir_property ip
            ON ip.company_id = c.id OR ip.company_id IS NULL
         WHERE ip.fields_id = (SELECT id FROM field) AND ip.res_id IS NULL
         ORDER BY c.id, ip.company_id NULLS LAST
    )"""

CREDIT_LIMITS_SELECT = """
    SELECT DISTINCT ON (p.id) p.id, pc.company_id, p.customer_status,
           p.hold_automatic,
           COALESCE(own.value_float, dflt.value_float, 0) AS credit_limit
      FROM res_partner p
     CROSS JOIN LATERAL (
           SELECT COALESCE(%(company)s, p.company_id, %(user_company)s)
                  AS company_id) pc
      LEFT JOIN ir_property own
        ON own.res_id = %(ref)s || p.id
       AND own.fields_id = (SELECT id FROM field)
       AND (own.company_id = pc.company_id OR own.company_id IS NULL)
      LEFT JOIN dflt ON dflt.company_id = pc.company_id
     WHERE p.id IN %(partners)s
     ORDER BY p.id, own.company_id NULLS LAST"""

# Up to this many partners the credit rule reads through the ORM cache (a
# confirmation); beyond, in plain SQL (the hold review's batches).
SMALL_SET = 20

# Rows (kind, commercial partner id, currency id, amount, count, days late) of
# _read_credit_figures. The credit limit, first: its float type is the
# column's (after CREDIT_LIMITS_WITH).
LIMIT_SQL = (
    """
    (SELECT 'limit', l.id, NULL::integer, l.credit_limit, NULL::bigint,
            NULL::integer
       FROM ("""
    + CREDIT_LIMITS_SELECT
    + """) l)"""
)

# Credit used: posted receivables still open, draft
# customer invoices, confirmed orders not invoiced yet (in order currency).
CREDIT_USED_SQL = """
    (SELECT 'receivable', aml.partner_id, NULL::integer,
            SUM(aml.amount_residual), NULL::bigint, NULL::integer
       FROM account_move_line aml
       JOIN account_account acc ON acc.id = aml.account_id
       JOIN account_move am ON am.id = aml.move_id
      WHERE aml.partner_id IN %(partners)s AND aml.company_id = %(company)s
        AND acc.internal_type = 'receivable' AND NOT aml.reconciled
        -- lines with nothing left add nothing: this condition lets the
        -- open-lines index (account_move_line.py) serve the query
        AND aml.amount_residual <> 0
        AND am.state = 'posted'
      GROUP BY aml.partner_id)
    UNION ALL
    (SELECT 'draft', ai.commercial_partner_id, NULL::integer,
            SUM(GREATEST(ai.amount_total_company_signed, 0)), NULL, NULL
       FROM account_invoice ai
      -- drafts count only as exposure: a draft credit note (or a negative
      -- draft invoice) is not money and makes no room
      WHERE ai.commercial_partner_id IN %(partners)s
        AND ai.company_id = %(company)s
        AND ai.state = 'draft' AND ai.type = 'out_invoice'
      GROUP BY ai.commercial_partner_id)
    UNION ALL
    (SELECT 'uninvoiced', p.commercial_partner_id, sol.currency_id,
            SUM(CASE WHEN sol.product_uom_qty > 0
                     THEN sol.price_total
                          * (sol.product_uom_qty - sol.qty_invoiced)
                          / sol.product_uom_qty
                     ELSE 0 END), NULL, NULL
       FROM sale_order_line sol
       JOIN sale_order so ON so.id = sol.order_id
       JOIN res_partner p ON p.id = so.partner_id
      -- the orders through their partners' ids (an index lookup per
      -- contact), not a scan of all the orders for every batch
      -- (EXPLAIN: 148 ms -> 12 ms for 2,000 customers at 100k)
      WHERE so.partner_id = ANY(ARRAY(
                SELECT c.id FROM res_partner c
                 WHERE c.commercial_partner_id IN %(partners)s))
        AND so.company_id = %(company)s
        AND so.state IN ('sale', 'done')
        AND sol.qty_invoiced < sol.product_uom_qty
      GROUP BY p.commercial_partner_id, sol.currency_id)"""

# Invoices overdue by more than the grace days: the due date is the
# invoice's; without a payment term, the customer's payment days apply.
OVERDUE_SQL = """
    (SELECT 'overdue', ai.commercial_partner_id, NULL::integer,
            SUM(ai.residual_company_signed), COUNT(*),
            MAX(%(today)s - due.date_due)
       FROM account_invoice ai
       JOIN res_partner p ON p.id = ai.commercial_partner_id
      CROSS JOIN LATERAL (
            SELECT CASE WHEN ai.payment_term_id IS NULL
                             AND COALESCE(p.payment_days, 0) > 0
                        THEN ai.date_invoice + p.payment_days
                        ELSE ai.date_due END AS date_due) due
      WHERE ai.commercial_partner_id IN %(partners)s
        -- the same restriction on p: else PostgreSQL hashes all the
        -- partners for every batch (EXPLAIN: 201 ms -> 7 ms at 100k)
        AND p.id IN %(partners)s
        AND ai.company_id = %(company)s
        AND ai.type = 'out_invoice' AND ai.state = 'open'
        AND due.date_due < %(today)s - %(grace)s
      GROUP BY ai.commercial_partner_id)"""


def copy_credit_limit_column_to_properties(cr):
    """Give every company a credit-limit property equal to the column value of
    every partner with a limit that has none for that company yet: one
    INSERT ... SELECT, idempotent. Every company, not only the partner's own:
    the single limit used to apply to the orders of all companies, and a
    company without a property would read "no limit"."""
    cr.execute(
        """
        INSERT INTO ir_property (name, res_id, company_id, fields_id, type,
                                 value_float, create_uid, write_uid,
                                 create_date, write_date)
        SELECT 'credit_limit', %(ref)s || p.id, c.id, f.id, 'float',
               p.credit_limit, 1, 1, now() AT TIME ZONE 'UTC',
               now() AT TIME ZONE 'UTC'
          FROM res_partner p
         CROSS JOIN res_company c
          JOIN ir_model_fields f
            ON f.model = 'res.partner' AND f.name = 'credit_limit'
         WHERE p.credit_limit IS NOT NULL AND p.credit_limit <> 0
           AND NOT EXISTS (
               SELECT 1 FROM ir_property ip
                WHERE ip.fields_id = f.id AND ip.company_id = c.id
                  AND ip.res_id = %(ref)s || p.id)""",
        {"ref": PARTNER_REF},
    )
    return cr.rowcount


def copy_credit_limit_properties_to_column(cr):
    """Before the uninstall: the column becomes the field again, so it gets
    each partner's limit in its own company (a partner shared by all
    companies: the main company's, the first one), then the properties of the
    field go (they would linger unread and come back stale on a reinstall)."""
    cr.execute(
        """
        WITH limits AS (
            SELECT p.id, (
                   SELECT ip.value_float FROM ir_property ip
                    WHERE ip.fields_id = f.id
                      AND (ip.res_id = %(ref)s || p.id OR ip.res_id IS NULL)
                      AND (ip.company_id = COALESCE(p.company_id, main.id)
                           OR ip.company_id IS NULL)
                    ORDER BY ip.res_id NULLS LAST, ip.company_id NULLS LAST
                    LIMIT 1) AS value
              FROM res_partner p, ir_model_fields f,
                   (SELECT MIN(id) AS id FROM res_company) main
             WHERE f.model = 'res.partner' AND f.name = 'credit_limit'
        )
        -- partners without any limit keep the column as core left it
        UPDATE res_partner p SET credit_limit = limits.value
          FROM limits
         WHERE limits.id = p.id AND limits.value IS NOT NULL""",
        {"ref": PARTNER_REF},
    )
    cr.execute(
        """
        DELETE FROM ir_property WHERE fields_id IN (
            SELECT id FROM ir_model_fields
             WHERE model = 'res.partner' AND name = 'credit_limit')"""
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Credit, in the current company's currency (see _get_credit_used).
    credit_used = fields.Monetary(
        compute="_compute_credit",
        currency_field="credit_currency_id",
        groups="base.group_user",
        help="Open receivables and draft invoices plus confirmed orders not yet "
        "invoiced, for the current company.",
    )
    credit_available = fields.Monetary(
        compute="_compute_credit",
        currency_field="credit_currency_id",
        help="Credit limit minus credit used (empty when no limit is set).",
    )
    credit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit", string="Credit Currency"
    )
    credit_limit = fields.Float(
        company_dependent=True,
        help="Credit limit of the customer in the current company, in that "
        "company's currency (0: no limit). Each company has its own: switch "
        "company to see or set another one's.",
    )

    @api.multi
    def _compute_credit(self):
        # the company the credit_limit field reads (force_company or the user's)
        company = (
            self.env["res.company"].sudo().browse(self.env.context.get("force_company"))
            or self.env.user.company_id
        )
        # their commercial partners alone when not in hand: a form has not
        # read the rest of the customer's row, and needs none of it
        partners = self
        if not all("commercial_partner_id" in partner._cache for partner in self):
            partners = self.with_context(prefetch_fields=False)
        commercial = {
            partner.id: partner.commercial_partner_id.id for partner in partners
        }
        ids = [pid for pid in set(commercial.values()) if isinstance(pid, int)]
        # the limits, the credit used and the overdue invoices in one
        # statement: a customer form reads these fields on every opening
        figures = self._read_credit_figures(company, ids, limits=True, overdue=True)
        used = self._get_credit_used_of(company, ids, figures)
        # a limit that is not a finite number (stored before the checks)
        # gives no available credit: its rounding would raise
        limits = {
            pid: limit
            for pid, limit in self._get_credit_limits(ids, figures["limits"], company)
            if math.isfinite(limit)
        }
        for partner in self:
            commercial_id = commercial[partner.id]
            partner.credit_currency_id = company.currency_id
            partner.credit_used = used.get(commercial_id, 0.0)
            partner.credit_available = (
                limits[commercial_id] - partner.credit_used
                if commercial_id in limits
                else 0.0
            )
        # the hold warning weighs the same figures (res_partner_credit_hold.py)
        self._set_credit_hold_warning(company, figures, used, commercial)

    @api.constrains("credit_limit")
    def _check_credit_limit(self):
        for partner in self:
            if partner.credit_limit < 0:
                raise ValidationError(
                    _(
                        "The credit limit of %(name)s cannot be negative "
                        "(%(limit)s). Enter 0 for no limit."
                    )
                    % {"name": partner.name, "limit": partner.credit_limit}
                )

    @api.multi
    def _get_credit_used(self, company):
        """Credit used per commercial partner of ``self`` in ``company``, in the
        company currency: {commercial_partner_id: amount}.

        Three set-based queries whatever the number of partners, invoices or
        orders: posted receivables still open, draft customer invoices, and the
        not yet invoiced part of confirmed orders (converted per currency).
        """
        return self._get_credit_used_of(company, self._get_commercial_partner_ids())

    @api.model
    def _get_credit_used_of(self, company, partner_ids, figures=None):
        """_get_credit_used for the given commercial partner ids (callers that
        have them already save a query per batch); ``figures``: from
        _read_credit_figures when the caller read them already."""
        partner_ids = tuple(partner_ids)
        if not partner_ids:
            return {}
        if figures is None:
            figures = self._read_credit_figures(company, partner_ids)
        company_currency = self._company_currency(company)
        used = dict.fromkeys(partner_ids, 0.0)
        for partner_id, currency_id, amount in figures["used"]:
            if partner_id not in used:
                continue  # figures read for more partners
            if currency_id and currency_id != company_currency.id:
                amount = (
                    self.env["res.currency"]
                    .browse(currency_id)
                    .with_context(date=fields.Date.context_today(self))
                    .compute(amount, company_currency)
                )
            used[partner_id] += amount or 0.0
        return used

    @api.model
    def _company_currency(self, company):
        """The currency of ``company``, reading that one column rather than the
        company's and the currency's whole rows: the rule needs its id and
        rounding only, and a confirmation reads both rows again later. The
        company's record rule is not evaluated for it: the company is the
        order's or the user's own. The confirmation's credit check has it in
        the cache already (sale.order._lock_and_cache_credit_facts)."""
        company = company.sudo(self.env.uid)
        if "currency_id" in company._cache:
            return company.currency_id
        currency = company.sudo().with_context(prefetch_fields=False).currency_id
        return currency.sudo(self.env.uid)

    @api.model
    def _user_today(self):
        """fields.Date.context_today(self), the user's time zone read from its
        partner: the time zone of res.users is an inherited related field
        whose first read in a request sorts all of pytz's zones (a few ms on
        every confirmation). Odoo runs in UTC: no zone means UTC, as there."""
        tz = self._context.get("tz") or self._user_tz() or "UTC"
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.model
    def _user_tz(self):
        """The user's time zone: from the cache when the user's partner is
        there (a confirmation caches it), else that one column (a form:
        not the partner's whole row, only for its zone)."""
        user = self.env.user
        if "partner_id" in user._cache and "tz" in user.partner_id._cache:
            return user.partner_id.tz
        self.env.cr.execute(
            "SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id"
            " WHERE u.id = %s",
            (user.id,),
        )
        row = self.env.cr.fetchone()
        return row and row[0]

    @api.model
    def _read_credit_figures(  # pylint: disable=too-many-arguments
        self, company, partner_ids, used=True, overdue=False, limits=False
    ):
        """What the credit rule weighs, for commercial partners ``partner_ids``
        in ``company``, in ONE statement whatever their number: {"used":
        [(partner id, currency id or None, amount)], "overdue": [(partner id,
        count, amount, days late)], "limits": {partner id: credit limit}}.
        ``used``: the credit used (posted receivables still open, draft
        customer invoices, the part of confirmed orders not invoiced yet, per
        order currency); ``overdue``: invoices overdue by more than the grace
        days; ``limits``: the limits in ``company``. One statement rather than
        one per figure: a confirmation waits for each round trip."""
        parts = (
            ([LIMIT_SQL] if limits else [])
            + ([CREDIT_USED_SQL] if used else [])
            + ([OVERDUE_SQL] if overdue else [])
        )
        figures = {"used": [], "overdue": [], "limits": {}}
        if not partner_ids or not parts:
            return figures
        params = self._credit_limits_params(partner_ids, company)
        if overdue:  # only they depend on the day (and the user's time zone)
            params.update(
                today=fields.Date.from_string(self._user_today()),
                grace=self.env["res.config.settings"].get_customer_management_param(
                    "hold_grace_days"
                ),
            )
        self.env.cr.execute(
            (CREDIT_LIMITS_WITH if limits else "") + " UNION ALL ".join(parts), params
        )
        for (
            kind,
            partner_id,
            currency_id,
            amount,
            count,
            days,
        ) in self.env.cr.fetchall():
            if kind == "limit":
                figures["limits"][partner_id] = amount
            elif kind == "overdue":
                figures["overdue"].append((partner_id, count, amount, days))
            else:
                figures["used"].append((partner_id, currency_id, amount))
        return figures

    @api.model
    def _get_credit_limits(self, partner_ids, limits=None, company=None):
        """[(partner id, credit limit)] of the partners with a limit in
        ``company`` (in its currency), in one query whatever their number;
        ``limits`` ({partner id: limit}) when the caller has read them."""
        if limits is None:
            limits = {
                row[0]: row[4] for row in self._read_credit_limits(partner_ids, company)
            }
        return [(pid, limit) for pid, limit in limits.items() if limit > 0]

    @api.model
    def _get_over_limit_ids(self, limits, used, extra_amounts, currency):
        """Ids of the partners whose credit used plus their ``extra_amounts``
        goes past their limit (reaches it, without an extra amount)."""
        over_ids = []
        for partner_id, limit in limits:
            extra = extra_amounts.get(partner_id, 0.0)
            total = used.get(partner_id, 0.0) + extra
            if total < limit - currency.rounding:
                continue  # clearly under the limit: no rounding to compare
            over = currency.compare_amounts(total, limit)
            if over > 0 or (not extra and over == 0):
                over_ids.append(partner_id)
        return over_ids

    @api.model
    def _read_credit_limits(self, partner_ids, company=None):
        """[(partner id, company id, customer status, automatic hold, credit
        limit)] for ``partner_ids`` in one query, whatever their number. The
        limit is the one of ``company``, or without it of the company the
        partner's credit counts in (its own, else the user's). Precedence of
        ir.property.get_multi: the partner's property for the company, then
        its property for all companies, then the company's default, then the
        default of all companies."""
        if not partner_ids:
            return []
        self.env.cr.execute(
            CREDIT_LIMITS_WITH + CREDIT_LIMITS_SELECT,
            self._credit_limits_params(partner_ids, company),
        )
        return self.env.cr.fetchall()

    @api.model
    def _credit_limits_params(self, partner_ids, company=None):
        """Parameters of CREDIT_LIMITS_WITH + CREDIT_LIMITS_SELECT; the user's
        company only counts without ``company`` (and reading it costs a
        confirmation a read of the user)."""
        return {
            "company": company.id if company else None,
            "user_company": None if company else self.env.user.company_id.id,
            "ref": PARTNER_REF,
            "partners": tuple(partner_ids),
        }
