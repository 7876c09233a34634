from odoo import fields, models


class CustomerCreditLock(models.Model):
    """One row per commercial partner, updated by every credit check.

    Odoo transactions run in REPEATABLE READ: a second confirmation that waits
    for the first would still check against its older snapshot. Updating this
    row makes it fail with a serialization error instead, which Odoo's RPC
    layer retries with a fresh snapshot, where the first order is counted.
    A row of its own (not the partner's) so that the refusal can still put
    the partner on hold from a second transaction.
    """

    _name = "customer.credit.lock"
    _description = "Credit Check Lock"
    _log_access = False

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    check_count = fields.Integer(default=0)

    _sql_constraints = [
        ("partner_uniq", "unique(partner_id)", "One lock row per partner."),
    ]
