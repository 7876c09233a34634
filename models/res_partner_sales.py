"""The customer's sale orders as the form shows them: quotations, confirmed
orders and stalled quotations (counts and smart buttons), and the date the
customer started buying (its first confirmed order).
"""

from datetime import timedelta

from odoo import _, api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    quotation_count = fields.Integer(
        compute="_compute_sale_counts", help="Open quotations (draft or sent)."
    )
    confirmed_order_count = fields.Integer(
        compute="_compute_sale_counts", help="Confirmed sale orders."
    )
    stalled_quotation_count = fields.Integer(
        compute="_compute_sale_counts",
        help="Quotations never confirmed whose validity passed or that are older "
        "than the stalled-quotation days of the settings.",
    )
    customer_since = fields.Date(
        copy=False,
        track_visibility="onchange",
        help="Date of the first confirmed sale order, filled on confirmation when "
        "empty. May be set by hand to an earlier date (a customer from before "
        "Odoo); a later confirmation never changes it.",
    )

    @api.multi
    def _compute_customer_since_batch(self):
        """Fill the empty customer-since dates of the commercial partners of
        ``self`` (of every partner when ``self`` is empty) with the date of
        their first confirmed order, in one SQL statement. Dates typed by hand
        are kept. Returns the partners that were filled."""
        partner_ids = self.mapped("commercial_partner_id").ids
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET customer_since = first.first_date,
                   write_uid = %s, write_date = (now() AT TIME ZONE 'UTC')
              FROM (SELECT c.commercial_partner_id AS partner_id,
                           MIN(so.confirmation_date)::date AS first_date
                      FROM sale_order so
                      JOIN res_partner c ON c.id = so.partner_id
                     WHERE so.state IN ('sale', 'done')
                       AND so.confirmation_date IS NOT NULL
                       AND (%s OR c.commercial_partner_id = ANY(%s))
                     GROUP BY c.commercial_partner_id) first
             WHERE p.id = first.partner_id AND p.customer_since IS NULL
         RETURNING p.id""",
            (self.env.uid, not partner_ids, partner_ids or [0]),
        )
        filled = self.browse([row[0] for row in self.env.cr.fetchall()])
        filled.invalidate_cache(["customer_since"], filled.ids)
        return filled

    @api.multi
    def _compute_sale_counts(self):
        """Quotations, confirmed orders and stalled quotations of each
        commercial partner and its contacts, in the user's companies: one query."""
        partners = self.mapped("commercial_partner_id")
        counts = {}
        if partners.ids:
            days = self.env["res.config.settings"].get_customer_management_param(
                "stalled_quotation_days"
            )
            self.env.cr.execute(
                """
                SELECT p.commercial_partner_id,
                       COUNT(*) FILTER (WHERE so.state IN ('draft', 'sent')),
                       COUNT(*) FILTER (WHERE so.state IN ('sale', 'done')),
                       COUNT(*) FILTER (WHERE so.state IN ('draft', 'sent') AND (
                           so.validity_date < %(today)s
                           OR so.date_order < %(today)s::date - %(days)s))
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id IN %(partners)s
                   AND so.company_id IN %(companies)s
                 GROUP BY p.commercial_partner_id""",
                {
                    "today": fields.Date.context_today(self),
                    "days": days,
                    "partners": tuple(partners.ids),
                    "companies": tuple(self.env.user.company_ids.ids),
                },
            )
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            quotations, orders, stalled = counts.get(
                partner.commercial_partner_id.id, (0, 0, 0)
            )
            partner.quotation_count = quotations
            partner.confirmed_order_count = orders
            partner.stalled_quotation_count = stalled

    @api.multi
    def action_view_quotations(self):
        return self._sale_order_action(
            [("state", "in", ("draft", "sent"))], _("Quotations")
        )

    @api.multi
    def action_view_confirmed_orders(self):
        return self._sale_order_action(
            [("state", "in", ("sale", "done"))], _("Sales Orders")
        )

    @api.multi
    def action_view_stalled_quotations(self):
        days = self.env["res.config.settings"].get_customer_management_param(
            "stalled_quotation_days"
        )
        today = fields.Date.from_string(fields.Date.context_today(self))
        limit = fields.Date.to_string(today - timedelta(days=days))
        return self._sale_order_action(
            [
                ("state", "in", ("draft", "sent")),
                "|",
                ("validity_date", "<", fields.Date.to_string(today)),
                ("date_order", "<", limit),
            ],
            _("Stalled quotations"),
        )

    @api.multi
    def _fill_customer_since(self, date):
        """Set ``date`` as customer-since date of the commercial partners of
        ``self`` that have none (one write). Called on order confirmation."""
        partners = self.mapped("commercial_partner_id").filtered(
            lambda p: not p.customer_since
        )
        if partners:
            partners.sudo().write({"customer_since": date})
        return partners

    @api.multi
    def _sale_order_action(self, domain, name):
        self.ensure_one()
        action = self.env.ref("sale.action_orders").read()[0]
        action.update(
            name=name,
            display_name=name,  # the breadcrumb shows display_name
            context={"default_partner_id": self.id},
            domain=[("partner_id", "child_of", self.commercial_partner_id.id)] + domain,
        )
        return action
