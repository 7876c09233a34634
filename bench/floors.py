"""The floor of each cron (``make bench``): the plain SQL that finds the same
customers and reads the same inputs, all customers in one statement each (no
batches, no ORM), plus the writes the cron made, as bulk statements: the
same number of partner rows updated, chatter messages and activities
inserted. Timed in a transaction that is rolled back, on the copy the cron
just ran on (warm as the cron was); ``<cron>_floor_ratio_<size>`` is the
cron's time over its floor.

``marks(cr)`` before a cron and ``written(cr, marks)`` after it give the
counts of what the cron wrote.
"""

import datetime
import time

from psycopg2.extras import execute_values

# -- the reads -------------------------------------------------------------
HOLD_CANDIDATES = """
    SELECT array_agg(p.id) FROM res_partner p
     WHERE p.customer AND p.active AND p.commercial_partner_id = p.id
       AND (%s OR p.customer_status = 'hold'
            OR p.id IN (SELECT ai.commercial_partner_id FROM account_invoice ai
                         WHERE ai.state = 'open' AND ai.type = 'out_invoice'))"""
HOLD_READS = (
    # open receivables per partner
    """SELECT aml.partner_id, SUM(aml.amount_residual)
         FROM account_move_line aml
         JOIN account_account acc ON acc.id = aml.account_id
         JOIN account_move am ON am.id = aml.move_id
        WHERE aml.partner_id = ANY(%(ids)s) AND acc.internal_type = 'receivable'
          AND NOT aml.reconciled AND aml.amount_residual <> 0
          AND am.state = 'posted'
        GROUP BY aml.partner_id""",
    # draft invoices
    """SELECT commercial_partner_id, SUM(amount_total_company_signed)
         FROM account_invoice
        WHERE commercial_partner_id = ANY(%(ids)s) AND state = 'draft'
          AND type IN ('out_invoice', 'out_refund')
        GROUP BY commercial_partner_id""",
    # confirmed order lines not invoiced yet
    """SELECT p.commercial_partner_id,
              SUM(sol.price_total * (sol.product_uom_qty - sol.qty_invoiced)
                  / NULLIF(sol.product_uom_qty, 0))
         FROM sale_order_line sol
         JOIN sale_order so ON so.id = sol.order_id
         JOIN res_partner p ON p.id = so.partner_id
        WHERE p.commercial_partner_id = ANY(%(ids)s)
          AND so.state IN ('sale', 'done')
          AND sol.qty_invoiced < sol.product_uom_qty
        GROUP BY p.commercial_partner_id""",
    # overdue invoices
    """SELECT commercial_partner_id, COUNT(*), SUM(residual_company_signed),
              MAX(%(today)s - date_due)
         FROM account_invoice
        WHERE commercial_partner_id = ANY(%(ids)s) AND type = 'out_invoice'
          AND state = 'open' AND date_due < %(today)s
        GROUP BY commercial_partner_id""",
)
CADENCE_READS = (
    """SELECT p.id, p.prospect_class, p.next_followup_date, p.last_followup_date,
              p.user_id
         FROM res_partner p
        WHERE p.next_followup_date <= %(today)s AND p.prospect_class IS NOT NULL
          AND p.active AND p.customer AND p.commercial_partner_id = p.id
          AND NOT EXISTS (SELECT 1 FROM mail_activity a
                           WHERE a.res_id = p.id AND a.res_model = 'res.partner'
                             AND a.activity_type_id = %(followup_type)s
                             -- as before the cron: not its own activities
                             AND a.id <= %(activity_mark)s)""",
)
NIGHTLY_CUSTOMERS = """
    SELECT array_agg(id) FROM res_partner
     WHERE customer AND active AND commercial_partner_id = id"""
NIGHTLY_READS = (
    # last purchase: orders, then invoices
    """SELECT p.commercial_partner_id, MAX(so.confirmation_date)
         FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
        WHERE so.state IN ('sale', 'done') GROUP BY p.commercial_partner_id""",
    """SELECT commercial_partner_id, MAX(date_invoice) FROM account_invoice
        WHERE type = 'out_invoice' AND state IN ('open', 'paid')
        GROUP BY commercial_partner_id""",
    # payment behaviour: days late of the invoices of 12 months
    """WITH invoice AS (
           SELECT id, commercial_partner_id AS partner_id, state, move_id,
                  account_id, COALESCE(date_due, date_invoice) AS date_due
             FROM account_invoice
            WHERE type = 'out_invoice' AND state IN ('open', 'paid')
              AND date_invoice BETWEEN %(year_ago)s AND %(today)s
       ), paid AS (
           SELECT invoice.id, MAX(apr.max_date) AS paid_date
             FROM invoice
             JOIN account_move_line line ON line.move_id = invoice.move_id
                  AND line.account_id = invoice.account_id
             JOIN account_partial_reconcile apr ON apr.debit_move_id = line.id
            WHERE invoice.state = 'paid' GROUP BY invoice.id
       )
       SELECT partner_id,
              AVG(CASE WHEN state = 'paid'
                       THEN GREATEST(COALESCE(paid_date, date_due) - date_due, 0)
                       WHEN date_due < %(today)s THEN %(today)s - date_due END),
              COUNT(*)
         FROM invoice LEFT JOIN paid ON paid.id = invoice.id
        GROUP BY partner_id""",
    # revenue of 12 months
    """SELECT commercial_partner_id, SUM(amount_untaxed_signed)
         FROM account_invoice
        WHERE type IN ('out_invoice', 'out_refund') AND state IN ('open', 'paid')
          AND date_invoice BETWEEN %(year_ago)s AND %(today)s
        GROUP BY commercial_partner_id""",
    # support load and contact frequency
    """SELECT c.commercial_partner_id,
              COUNT(*) FILTER (WHERE i.state = 'open'
                               AND i.interaction_type IN ('complaint', 'request')),
              COUNT(*), MAX(i.create_date)
         FROM customer_interaction i JOIN res_partner c ON c.id = i.partner_id
        GROUP BY c.commercial_partner_id""",
    # average discount of 12 months
    """SELECT p.commercial_partner_id, AVG(sol.discount)
         FROM sale_order_line sol
         JOIN sale_order so ON so.id = sol.order_id
         JOIN res_partner p ON p.id = so.partner_id
        WHERE so.state IN ('sale', 'done') AND so.confirmation_date >= %(year_ago)s
        GROUP BY p.commercial_partner_id""",
    # the partner columns the rules read
    """SELECT id, customer_status, prospect_class, status_date,
              last_followup_date, relationship_category, create_date
         FROM res_partner WHERE id = ANY(%(ids)s)""",
)


def marks(cr):
    """Where the tables stand before a cron."""
    cr.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM mail_message), "
        "(SELECT COALESCE(MAX(id), 0) FROM mail_activity), "
        "now() AT TIME ZONE 'UTC'"
    )
    return cr.fetchone()


def written(cr, before):
    """{'messages', 'activities', 'partners'} the cron wrote since ``before``
    (partners: rows with a newer write date)."""
    message_id, activity_id, start = before
    cr.execute(
        "SELECT (SELECT COUNT(*) FROM mail_message WHERE id > %s), "
        "(SELECT COUNT(*) FROM mail_activity WHERE id > %s), "
        "(SELECT COUNT(*) FROM res_partner WHERE write_date >= %s)",
        (message_id, activity_id, start),
    )
    return dict(zip(("messages", "activities", "partners"), cr.fetchone()))


def _bulk_writes(cr, ids, counts, uid=1):
    """The cron's writes as bulk statements: ``counts`` partner rows
    updated, messages and activities inserted, on the customers ``ids``."""
    if not ids:
        return
    cr.execute("SELECT id FROM ir_model WHERE model = 'res.partner'")
    model_id = cr.fetchone()[0]
    cr.execute("SELECT id FROM mail_activity_type ORDER BY id LIMIT 1")
    type_id = cr.fetchone()[0]

    def pick(count):
        return [ids[i % len(ids)] for i in range(count)]

    if counts["partners"]:
        execute_values(
            cr,
            "UPDATE res_partner p SET write_date = now() AT TIME ZONE 'UTC', "
            "write_uid = v.uid FROM (VALUES %s) AS v(id, uid) WHERE p.id = v.id",
            [(pid, uid) for pid in pick(counts["partners"])],
            page_size=counts["partners"],
        )
    if counts["messages"]:
        execute_values(
            cr,
            "INSERT INTO mail_message (model, res_id, record_name, body, "
            "message_type, author_id, date, create_uid, write_uid, create_date, "
            "write_date) SELECT 'res.partner', v.res_id, p.display_name, v.body, "
            "'notification', 3, now(), 1, 1, now(), now() FROM (VALUES %s) AS "
            "v(res_id, body) JOIN res_partner p ON p.id = v.res_id",
            [
                (pid, "<p>floor note with a reason and amounts</p>")
                for pid in pick(counts["messages"])
            ],
            page_size=counts["messages"],
        )
    if counts["activities"]:
        execute_values(
            cr,
            "INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, "
            "activity_type_id, user_id, summary, note, date_deadline, create_uid, "
            "write_uid, create_date, write_date) SELECT %d, 'res.partner', "
            "v.res_id, p.display_name, %d, v.uid, v.summary, v.note, "
            "current_date, 1, 1, now(), now() FROM (VALUES %%s) AS "
            "v(res_id, uid, summary, note) JOIN res_partner p ON p.id = v.res_id"
            % (model_id, type_id),
            [
                (pid, uid, "floor activity", "<p>floor note</p>")
                for pid in pick(counts["activities"])
            ],
            page_size=counts["activities"],
        )


def _limit_condition(cr):
    """Partners with a credit limit: a column, or a company-dependent field
    (ir.property) in later versions of the module."""
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = "
        "'res_partner' AND column_name = 'credit_limit'"
    )
    if cr.fetchone():
        return "p.credit_limit > 0"
    return (
        "p.id IN (SELECT split_part(res_id, ',', 2)::int FROM ir_property "
        "WHERE name = 'credit_limit' AND res_id LIKE 'res.partner,%%' "
        "AND value_float > 0)"
    )


def _time_floor(cr, select_ids, reads, params, counts):
    start = time.perf_counter()
    cr.execute(select_ids, params)
    ids = cr.fetchone()[0] or []
    params = dict(params, ids=ids)
    for query in reads:
        cr.execute(query, params)
        cr.fetchall()
    _bulk_writes(cr, ids, counts)
    return time.perf_counter() - start


def floor_seconds(cr, cron, counts, before):
    """Seconds of the floor of ``cron`` ('hold_review', 'cadence',
    'nightly') writing ``counts``; rolled back. ``before``: marks() taken
    before the cron."""
    today = datetime.date.today()
    params = {
        "today": today,
        "year_ago": today - datetime.timedelta(days=365),
        "activity_mark": before[1],
    }
    try:
        if cron == "hold_review":
            candidates = HOLD_CANDIDATES % _limit_condition(cr)
            return _time_floor(cr, candidates, HOLD_READS, params, counts)
        if cron == "cadence":
            cr.execute(
                "SELECT res_id FROM ir_model_data WHERE module = "
                "'customer_management' AND name = 'mail_activity_type_followup'"
            )
            params["followup_type"] = cr.fetchone()[0]
            start = time.perf_counter()
            cr.execute(CADENCE_READS[0], params)
            ids = [row[0] for row in cr.fetchall()]
            _bulk_writes(cr, ids, counts)
            return time.perf_counter() - start
        return _time_floor(cr, NIGHTLY_CUSTOMERS, NIGHTLY_READS, params, counts)
    finally:
        cr.rollback()
