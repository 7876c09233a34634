import logging

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_override_ids = fields.One2many(
        "customer.credit.override", "order_id", string="Credit Overrides", readonly=True
    )
    credit_hold_warning = fields.Char(
        related="partner_id.commercial_partner_id.credit_hold_warning", readonly=True
    )

    # ------------------------------------------------------------------
    # Commercial terms: quotation defaults from the pricing agreement
    # ------------------------------------------------------------------
    @api.multi
    @api.onchange("partner_id")
    def onchange_partner_id(self):
        result = super(SaleOrder, self).onchange_partner_id()
        if self.partner_id:
            self.update(
                self._get_pricing_agreement_values(
                    self.partner_id, self.company_id, self.pricelist_id
                )
            )
        return result

    @api.model
    def create(self, vals):
        vals = self._prepare_pricing_agreement_vals(vals)
        return super(SaleOrder, self).create(vals)

    @api.model
    def _get_pricing_agreement_values(self, partner, company=None, pricelist=None):
        """Pricelist and payment term of the current pricing agreement of the
        customer (its commercial partner) in ``company``, as sale.order values;
        empty when it has no agreement valid today. ``pricelist`` is the one
        the order would otherwise get (kept when already in the right currency
        and the agreement names none)."""
        agreements = self.env["customer.pricing.agreement"]._get_current_agreements(
            partner, company=company or self.env.user.company_id
        )
        agreement = agreements.get(partner.commercial_partner_id.id)
        if not agreement:
            return {}
        return agreement._prepare_sale_order_values(current_pricelist=pricelist)

    @api.model
    def _prepare_pricing_agreement_vals(self, vals):
        """Complete the values of a new order (RPC or import as well as the web
        client) with the agreement's pricelist and payment term when they are
        not given."""
        if not vals.get("partner_id") or (
            "pricelist_id" in vals and "payment_term_id" in vals
        ):
            return vals
        partner = self.env["res.partner"].browse(vals["partner_id"])
        company = (
            self.env["res.company"].browse(vals.get("company_id"))
            if vals.get("company_id")
            else self.env["res.company"]._company_default_get("sale.order")
        )
        agreement_vals = self._get_pricing_agreement_values(
            partner, company, partner.property_product_pricelist
        )
        missing = {k: v for k, v in agreement_vals.items() if k not in vals}
        return dict(vals, **missing) if missing else vals

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    @api.multi
    def action_confirm(self):
        self._check_credit_hold()
        result = super(SaleOrder, self).action_confirm()
        self._update_customer_since()
        self.mapped("partner_id")._reactivate_inactive_customers()
        return result

    # ------------------------------------------------------------------
    # Financial hold: no order of a held or over-limit customer is confirmed
    # ------------------------------------------------------------------
    @api.multi
    def _action_confirm(self):
        # Core 11.0 reads self.order_line here, which fails for several orders
        # at once; confirming them one by one makes batch confirmation work.
        for order in self:
            super(SaleOrder, order)._action_confirm()
        return True

    @api.multi
    def _check_credit_hold(self):
        """Refuse the confirmation of these orders when their customer is on
        hold, or when they would take its credit past the limit. The orders
        of one commercial partner in one company are checked together, under
        a lock that serialises concurrent confirmations for that partner."""
        for (company, partner), orders in self._group_by_credit_partner().items():
            partner._lock_for_credit_check()
            reasons = partner._credit_hold_reasons(
                company, {partner.id: orders._amount_in_company_currency()}
            )[partner.id]
            # Overrides only matter when there is a reason (saves their reads).
            covered = bool(reasons) and orders._credit_override_covers(reasons)
            if covered:
                reasons = []
            # An automatic hold whose only cause is the approved excess does
            # not block the approved order; a manual hold always does.
            held = partner.customer_status == "hold" and not (
                covered and partner.hold_automatic
            )
            if held or reasons:
                orders._refuse_confirmation(partner, reasons)

    @api.multi
    def _credit_override_covers(self, reasons):
        """True when the only reasons are credit ones and the Credit Manager
        approvals on these orders cover the amount over the limit."""
        overrides = self.sudo().mapped("credit_override_ids")
        return bool(
            overrides
            and reasons
            and all(r["code"] == "credit" for r in reasons)
            and sum(overrides.mapped("amount_over")) >= max(r["over"] for r in reasons)
        )

    @api.onchange("partner_id")
    def _onchange_partner_credit_hold(self):
        partner = self.partner_id.commercial_partner_id
        if partner and (
            partner.customer_status == "hold" or partner.credit_hold_warning
        ):
            return {
                "warning": {
                    "title": _("%s is on financial hold") % partner.name,
                    "message": _("This quotation can be written but not confirmed: %s")
                    % (partner.credit_hold_warning or partner.hold_reason or ""),
                }
            }
        return {}

    @api.multi
    def _group_by_credit_partner(self):
        groups = {}
        for order in self:
            key = (order.company_id, order.partner_id.commercial_partner_id)
            groups[key] = groups.get(key, self.browse()) | order
        return groups

    @api.multi
    def _amount_in_company_currency(self):
        total = 0.0
        for order in self:
            company_currency = order.company_id.currency_id
            total += order.currency_id.with_context(date=order.date_order).compute(
                order.amount_total, company_currency
            )
        return total

    @api.multi
    def _refuse_confirmation(self, partner, reasons):
        """Record the refusal where it survives the rollback, then raise."""
        texts = [r["message"] for r in reasons]
        if partner.customer_status == "hold":
            texts.insert(
                0,
                _("the customer is on financial hold (%s)")
                % (partner.hold_reason or _("no reason recorded")),
            )
        message = _(
            "Order(s) %(orders)s cannot be confirmed for %(customer)s: %(reasons)s."
        ) % {
            "orders": ", ".join(self.mapped("name")),
            "customer": partner.display_name,
            "reasons": "; ".join(texts),
        }
        credit_refused = any(r["code"] == "credit" for r in reasons)
        self._record_refusal(partner, message, credit_refused)
        raise UserError(
            message
            + "\n"
            + _(
                "Quotations can still be edited. A Credit Manager may release the hold "
                "or approve this order over the limit."
            )
        )

    @api.multi
    def _record_refusal(self, partner, message, place_hold):
        """In a transaction of its own (the refusal rolls the current one back):
        a message on the orders, an activity for a Credit Manager and, for a
        credit refusal, the hold. Skipped with a warning when those rows are
        locked or not committed yet."""
        order_ids, partner_id = self.ids, partner.id
        try:
            with self._refusal_cursor() as cr:
                cr.execute("SET LOCAL lock_timeout = '2s'")
                env = api.Environment(cr, SUPERUSER_ID, self.env.context)
                orders = env["sale.order"].browse(order_ids).exists()
                if len(orders) != len(order_ids):
                    return
                for order in orders:
                    order.message_post(body=message)
                orders._schedule_credit_activity(message)
                if place_hold:
                    env["res.partner"].browse(partner_id)._place_hold(message)
        except Exception:  # pylint: disable=broad-except
            # Whatever failed here, the refusal itself must still be raised.
            _logger.warning(
                "Could not record the credit refusal: %s", message, exc_info=True
            )

    @api.model
    def _refusal_cursor(self):
        """Cursor of the autonomous transaction recording a refusal (an
        override point: tests hand in their own)."""
        return self.pool.cursor()

    @api.multi
    def _schedule_credit_activity(self, message):
        credit_group = self.env.ref("customer_management.group_credit_manager")
        manager = (
            credit_group.users.filtered(lambda u: u.id != SUPERUSER_ID)[:1]
            or credit_group.users[:1]
        )
        activity_type = self.env.ref("customer_management.mail_activity_type_credit")
        model_id = self.env["ir.model"]._get_id("sale.order")
        for order in self:
            if self.env["mail.activity"].search_count(
                [
                    ("res_model_id", "=", model_id),
                    ("res_id", "=", order.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ):
                continue
            self.env["mail.activity"].create(
                {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": activity_type.id,
                    "summary": _("Confirmation refused: credit decision needed"),
                    "note": message,
                    "user_id": manager.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )

    @api.multi
    def _update_customer_since(self):
        """First confirmed order: the commercial partners of these orders that
        have no customer-since date get today's date (one write)."""
        self.mapped("partner_id")._fill_customer_since(fields.Date.context_today(self))
