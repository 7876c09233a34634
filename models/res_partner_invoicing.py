"""How the customer is invoiced: the invoice e-mail and name, the invoice
period end day and the periodic invoicing cron (one invoice per customer for
its invoiceable orders on its period end day, under a periodic agreement);
draft invoices follow the customer's current early-pay terms.
"""

import calendar
import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .constants import EARLY_DISCOUNT_TERMS

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    invoice_email = fields.Char(
        help="Address the invoices are sent to (else the customer's e-mail).",
        prefetch=False,
    )
    invoice_name = fields.Char(
        help="Person or department the invoices are addressed to.", prefetch=False
    )
    invoice_period_end_day = fields.Integer(
        help="Day of the month (1-31) on which the customer's invoice period ends "
        "and periodic invoices are sent; 31 means the last day of the month.",
        prefetch=False,
    )
    last_periodic_invoice_date = fields.Date(
        "Last Periodic Invoicing",
        readonly=True,
        copy=False,
        help="Day the periodic invoicing last ran for this customer (it runs "
        "once per invoice period).",
        prefetch=False,
    )

    @api.constrains("invoice_period_end_day")
    def _check_invoice_period_end_day(self):
        for partner in self:
            day = partner.invoice_period_end_day
            if day and not 1 <= day <= 31:
                raise ValidationError(
                    _(
                        "%(name)s: the invoice period end day must be a day of the "
                        "month "
                        "from 1 to 31 (31: the last day of every month), not %(day)s."
                    )
                    % {"name": partner.name, "day": day}
                )

    @api.multi
    def write(self, vals):
        result = super(ResPartner, self).write(vals)
        if any(name in vals for name in EARLY_DISCOUNT_TERMS):
            # Draft customer invoices show the customer's current terms; posted
            # ones keep the terms copied at validation.
            invoices = (
                self.env["account.invoice"]
                .sudo()
                .search(
                    [
                        ("state", "=", "draft"),
                        ("type", "=", "out_invoice"),
                        (
                            "commercial_partner_id",
                            "in",
                            self.mapped("commercial_partner_id").ids,
                        ),
                    ]
                )
            )
            invoices._refresh_early_discount_terms()
        return result

    @api.model
    def _get_invoice_period_end(self, day, today):
        """This month's invoice period end for ``day`` (empty: the last day;
        a day the month lacks: its last day), as a date."""
        last = calendar.monthrange(today.year, today.month)[1]
        return today.replace(day=min(day or last, last))

    @api.model
    def _get_periodic_invoicing_due(self, today):
        """{company id: [customer ids]} of the customers under a periodic
        agreement (active on ``today``, per company) whose invoice period
        ended this month on or before today and that were not invoiced since
        (one query)."""
        today_str = fields.Date.to_string(today)
        self.env.cr.execute(
            """
            SELECT agreement.partner_id, agreement.company_id,
                   p.invoice_period_end_day, p.last_periodic_invoice_date::text
              FROM (SELECT DISTINCT ON (a.partner_id, a.company_id)
                           a.partner_id, a.company_id, a.invoice_policy
                      FROM customer_pricing_agreement a
                     WHERE a.state = 'active' AND a.date_start <= %s
                       AND (a.date_end IS NULL OR a.date_end >= %s)
                     ORDER BY a.partner_id, a.company_id, a.date_start DESC,
                              a.id DESC) agreement
              JOIN res_partner p ON p.id = agreement.partner_id
             WHERE agreement.invoice_policy = 'periodic' AND p.active
             ORDER BY agreement.company_id, p.id""",
            (today_str, today_str),
        )
        due = {}
        for partner_id, company_id, day, last in self.env.cr.fetchall():
            period_end = fields.Date.to_string(self._get_invoice_period_end(day, today))
            if period_end <= today_str and (not last or last < period_end):
                due.setdefault(company_id, []).append(partner_id)
        return due

    @api.model
    def _get_invoiceable_orders(self, partner_ids, company_id):
        """Confirmed orders with something to invoice of these customers (and
        their contacts) in one company (one search)."""
        return self.env["sale.order"].search(
            [
                ("partner_id.commercial_partner_id", "in", partner_ids),
                ("company_id", "=", company_id),
                ("state", "in", ("sale", "done")),
                ("invoice_status", "=", "to invoice"),
            ],
            order="partner_id, id",
        )

    @api.model
    def _get_invoice_addresses(self, partner_ids):
        """{customer id: its invoice address id}: its first 'invoice' contact,
        else itself (one query)."""
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (parent_id) parent_id, id
              FROM res_partner
             WHERE parent_id IN %s AND type = 'invoice' AND active
             ORDER BY parent_id, id""",
            (tuple(partner_ids),),
        )
        addresses = dict.fromkeys(partner_ids)
        addresses.update(self.env.cr.fetchall())
        return {pid: address or pid for pid, address in addresses.items()}

    @api.model
    def _invoice_orders_per_customer(self, orders):
        """Invoice ``orders`` with one invoice per customer (and currency):
        orders of a customer's contacts are addressed to the customer's
        invoice address first, since core groups by invoice address."""
        customers = orders.mapped("partner_id.commercial_partner_id")
        addresses = self._get_invoice_addresses(customers.ids)
        by_address = {}
        for order in orders:
            address = addresses[order.partner_id.commercial_partner_id.id]
            if order.partner_invoice_id.id != address:
                by_address.setdefault(address, self.env["sale.order"])
                by_address[address] |= order
        for address, to_move in by_address.items():
            to_move.write({"partner_invoice_id": address})
        return orders.action_invoice_create()

    @api.multi
    def _get_invoice_email_contact(self):
        """The contact of type 'invoice' under this commercial partner that
        carries its invoice e-mail, created when missing (name: the invoice
        name, else "Invoicing"). Empty when the partner has no invoice e-mail.

        Odoo sends e-mail to partner records: the invoice e-mail is reached
        through this child contact. An existing invoice address with the same
        e-mail (any case) is reused; when the invoice e-mail changes, a new
        contact is made for the new address and the old one is left as it is.
        """
        self.ensure_one()
        commercial = self.commercial_partner_id
        email = (commercial.invoice_email or "").strip()
        Partner = self.env["res.partner"].sudo()
        if not email:
            return self.env["res.partner"]
        contact = Partner.search(
            [
                ("parent_id", "=", commercial.id),
                ("type", "=", "invoice"),
                ("email", "!=", False),
            ]
        ).filtered(lambda c: c.email.strip().lower() == email.lower())[:1]
        if not contact:
            contact = Partner.create(
                {
                    "parent_id": commercial.id,
                    "type": "invoice",
                    "name": commercial.invoice_name or _("Invoicing"),
                    "email": email,
                    "customer": False,
                    "lang": commercial.lang,
                }
            )
        return self.env["res.partner"].browse(contact.id)

    @api.model
    def _cron_periodic_invoicing(self, today=None, batch_size=500):
        """Daily: on each customer's invoice period end, one invoice per
        customer (and currency), to its invoice address, for all its invoiceable
        confirmed orders, for the customers whose agreement says periodic.
        Per-order customers are untouched. The day is stored per customer, so
        a second run the same day (or after a crash) invoices nothing twice.
        The invoices stay draft unless Settings say to validate them."""
        today = self._get_metrics_today(today)
        validate = self.env["res.config.settings"].get_customer_management_param(
            "periodic_invoice_validate"
        )
        customers = invoices = 0
        for company_id, partner_ids in self._get_periodic_invoicing_due(today).items():
            env_company = self.with_context(
                company_id=company_id, force_company=company_id
            )
            for batch in self._iter_batches(partner_ids, batch_size):
                orders = env_company._get_invoiceable_orders(batch, company_id)
                invoice_ids = (
                    env_company._invoice_orders_per_customer(orders) if orders else []
                )
                if validate and invoice_ids:
                    self.env["account.invoice"].browse(
                        invoice_ids
                    ).action_invoice_open()
                self.browse(batch).with_context(tracking_disable=True).write(
                    {"last_periodic_invoice_date": fields.Date.to_string(today)}
                )
                customers += len(batch)
                invoices += len(invoice_ids)
                self._commit_batch()
        _logger.info(
            "Periodic invoicing: %s customers at their period end, %s invoices "
            "created",
            customers,
            invoices,
        )
        return invoices
