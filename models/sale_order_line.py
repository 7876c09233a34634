from odoo import models


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
