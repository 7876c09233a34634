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
    """Leave core as it was: what Odoo does not remove with the module's
    records and columns. The stored display names lose the customer number
    (the exact tag _name_with_number added), the indexes on core tables and the
    settings' parameters go; in set-based statements."""
    cr.execute(
        """
        UPDATE res_partner
           SET display_name = replace(display_name, ' [' || customer_number || ']', '')
         WHERE customer_number IS NOT NULL
           AND display_name LIKE '%[' || customer_number || ']%'
        """
    )
    # The fields that the module's models inherit from mixins (mail.thread,
    # mail.activity.mixin) are named by the mixin's module: Odoo removes the
    # fields with the models but would leave those names behind.
    own_models = tuple(
        name
        for name, model in registry.items()
        if model._original_module == "customer_management"
    )
    if own_models:
        cr.execute(
            """
            DELETE FROM ir_model_data d
             USING ir_model_fields f
             WHERE d.model = 'ir.model.fields' AND d.res_id = f.id
               AND d.module <> 'customer_management' AND f.model IN %s
            """,
            (own_models,),
        )
    # Credit limits kept per company (ir.property) go back into core's column.
    copy_credit_limit_properties_to_column(cr)
    # the indexes the models' init() create in core tables
    cr.execute(
        "DROP INDEX IF EXISTS account_invoice_cm_commercial_partner_state_index, "
        "account_move_line_cm_open_partner_index, sale_order_line_cm_to_invoice_index"
    )
    cr.execute(
        "DELETE FROM ir_config_parameter WHERE key LIKE 'customer\\_management.%'"
    )
