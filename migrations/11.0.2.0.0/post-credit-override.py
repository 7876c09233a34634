"""11.0.2.0.0: a credit override keeps the order it approved (name, customer,
company) and the order total it approved, so that it survives the order's
deletion and covers that one order and amount only.

Approvals recorded before get those columns from their order, in one
statement: a pending approval stays usable for the order as it stands."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE customer_credit_override o
           SET order_name = COALESCE(o.order_name, so.name),
               partner_id = COALESCE(o.partner_id, c.commercial_partner_id),
               company_id = COALESCE(o.company_id, so.company_id),
               amount_order = COALESCE(o.amount_order, so.amount_total)
          FROM sale_order so
          JOIN res_partner c ON c.id = so.partner_id
         WHERE so.id = o.order_id
           AND (o.order_name IS NULL OR o.partner_id IS NULL
                OR o.company_id IS NULL OR o.amount_order IS NULL)
        """
    )
    _logger.info("Credit overrides: %s filled from their orders", cr.rowcount)
