"""The credit limit per company (a company-dependent field, as ir.property).

Base Odoo 11 stores ``res.partner.credit_limit`` as one column for all
companies; here it becomes company-dependent: each company has its own limit,
in its own currency, read and written by the ORM in the current company
(``force_company`` or the user's company). The credit rule reads the limits
of thousands of customers at once straight from ``ir_property``, in the same
order of precedence as ``ir.property.get_multi``.

The column itself stays (the ORM no longer reads or writes it): the
migration and the install copy it into a property for every company; the
uninstall writes each partner's limit back into it (``hooks.py``).
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

GROUP_CREDIT = "customer_management.group_credit_manager"
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
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_limit = fields.Float(
        company_dependent=True,
        help="Credit limit of the customer in the current company, in that "
        "company's currency (0: no limit). Each company has its own: switch "
        "company to see or set another one's.",
    )

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
        """Parameters of CREDIT_LIMITS_WITH + CREDIT_LIMITS_SELECT."""
        return {
            "company": company.id if company else None,
            "user_company": self.env.user.company_id.id,
            "ref": PARTNER_REF,
            "partners": tuple(partner_ids),
        }


class IrProperty(models.Model):
    _inherit = "ir.property"

    @api.model
    def create(self, vals):
        if vals.get("fields_id"):
            field = self.env["ir.model.fields"].sudo().browse(vals["fields_id"])
            if (field.model, field.name) == ("res.partner", "credit_limit"):
                self._check_credit_limit_property(vals.get("res_id"))
        return super(IrProperty, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_credit_limit_properties()
        return super(IrProperty, self).write(vals)

    @api.multi
    def unlink(self):
        self._check_credit_limit_properties()
        return super(IrProperty, self).unlink()

    @api.multi
    def _check_credit_limit_properties(self):
        for prop in self.sudo():
            if (prop.fields_id.model, prop.fields_id.name) == (
                "res.partner",
                "credit_limit",
            ):
                self._check_credit_limit_property(prop.res_id)

    @api.model
    def _check_credit_limit_property(self, res_id):
        """The limits are properties that salespeople (who may write any
        property) could edit directly: only a Credit Manager writes the limit
        of a commercial partner or the default one. A contact's copy (synced
        from its company by the ORM) is never read by the credit rule."""
        user = self.env.user
        if user._is_superuser() or user.has_group(GROUP_CREDIT):
            return
        partner = self.env["res.partner"].sudo()
        if res_id and res_id.startswith(PARTNER_REF):
            partner = partner.browse(int(res_id[len(PARTNER_REF) :])).exists()
        if not res_id or (partner and partner.commercial_partner_id == partner):
            raise AccessError(_("Only a Credit Manager may change a credit limit."))
