import logging

from odoo import _, models
from odoo.tools import float_compare

from .sale_order import ONLINE_PAYMENT, PREPAID, CreditRefusal

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _confirm_so(self):
        """Confirm the paid order through the credit rule without ever losing
        the payment: an order paid in full uses no credit; a refusal leaves
        the transaction done and the order a quotation, with the reason on
        the order and an activity for a Credit Manager."""
        self.ensure_one()
        order = self.sale_order_id
        if (
            not order
            or order.state not in ("draft", "sent")
            or self.state not in ("done", "authorized")
        ):
            return super(PaymentTransaction, self)._confirm_so()
        prepaid = order if self._pays_in_full(order) else order.browse()
        try:
            with self.env.cr.savepoint(), ONLINE_PAYMENT.mark(order), PREPAID.mark(
                prepaid
            ):
                return super(PaymentTransaction, self)._confirm_so()
        except CreditRefusal as refusal:
            self._keep_refused_payment(order, refusal)
            return "pay_sale_tx_confirm"

    def _pays_in_full(self, order):
        currency = order.currency_id
        return (
            self.state == "done"
            and self.currency_id == currency
            and float_compare(
                self.amount, order.amount_total, precision_rounding=currency.rounding
            )
            >= 0
        )

    def _keep_refused_payment(self, order, refusal):
        _logger.warning(
            "Payment %s done but order %s refused: %s",
            self.reference,
            order.name,
            refusal.message,
        )
        order = order.sudo()
        order._write_refusal(refusal.partner_id, refusal.message, refusal.place_hold)
        order.message_post(
            body=_(
                "Online payment %(reference)s of %(amount).2f %(currency)s received; "
                "the order was not confirmed: a Credit Manager must approve it "
                "or refund the customer."
            )
            % {
                "reference": self.reference,
                "amount": self.amount,
                "currency": self.currency_id.name,
            }
        )
