from odoo import SUPERUSER_ID, api

from .models.res_partner_credit_limit import (
    copy_credit_limit_column_to_properties,
    copy_credit_limit_properties_to_column,
)


def post_init_hook(cr, registry):
    """Number the customers that existed before the module was installed and
    mark those that already bought (and still have the default status) as
    active, in two set-based statements."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    sequence = env.ref("customer_management.seq_customer_number")
    cr.execute(
        """
        WITH todo AS (
            SELECT id FROM res_partner
             WHERE customer AND active AND customer_number IS NULL
               AND commercial_partner_id = id
             ORDER BY id
        ), numbered AS (
            SELECT id, nextval(%s) AS n FROM todo
        )
        UPDATE res_partner p
           SET customer_number = %s || lpad(numbered.n::text, %s, '0')
          FROM numbered
         WHERE p.id = numbered.id
        """,
        ("ir_sequence_%03d" % sequence.id, sequence.prefix or "", sequence.padding),
    )
    cr.execute(
        """
        UPDATE res_partner p
           SET customer_status = 'active', status_date = CURRENT_DATE
         WHERE p.customer AND p.commercial_partner_id = p.id
           AND p.customer_status = 'prospect_c'
           AND EXISTS (SELECT 1 FROM sale_order so
                        WHERE so.partner_id IN (SELECT id FROM res_partner c
                                                 WHERE c.commercial_partner_id = p.id)
                          AND so.state IN ('sale', 'done'))
        """
    )
    # display_name is stored and now carries the number.
    partners = env["res.partner"].search([("customer_number", "!=", False)])
    partners._compute_display_name()
    # The limits set before the install apply in every company.
    copy_credit_limit_column_to_properties(cr)


def uninstall_hook(cr, registry):
    """The credit limit becomes base's plain column again: give it each
    partner's limit (its own company's)."""
    copy_credit_limit_properties_to_column(cr)
