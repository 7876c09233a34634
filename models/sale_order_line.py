from odoo import api, models

from .sale_order import check_computed_write, without_computed

# Line fields whose change can raise the total of its order (order_id: a
# line moved onto a confirmed order).
AMOUNT_FIELDS = (
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
    "order_id",
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def init(self):
        # The lines not fully invoiced yet: the confirmed, not invoiced part
        # of credit_used, read on every confirmation and hold review.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_line_cm_to_invoice_index"
            " ON sale_order_line (order_id) WHERE qty_invoiced < product_uom_qty"
        )
        return super(SaleOrderLine, self).init()

    @api.model
    def create(self, values):
        # A new line on a confirmed order is growth: the credit rule checks it.
        order = self.env["sale.order"].browse(values.get("order_id"))
        before = order._credit_snapshot()
        line = super(SaleOrderLine, self).create(without_computed(self, values))
        if before:
            order._check_credit_growth(before)
        return line

    @api.multi
    def write(self, values):
        check_computed_write(self, values)
        if not set(values) & set(AMOUNT_FIELDS):
            return super(SaleOrderLine, self).write(values)
        orders = self.mapped("order_id")
        if values.get("order_id"):
            orders |= orders.browse(values["order_id"])
        before = orders._credit_snapshot()
        result = super(SaleOrderLine, self).write(values)
        if before:
            orders._check_credit_growth(before)
        return result
