from odoo import api, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def init(self):
        # The open receivables per partner counted in credit_used: open lines
        # are a small part of the table (reconciled and income lines are not).
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS account_move_line_cm_open_partner_index"
            " ON account_move_line (partner_id)"
            " WHERE NOT reconciled AND amount_residual <> 0"
        )
        return super(AccountMoveLine, self).init()

    @api.multi
    def reconcile(self, writeoff_acc_id=False, writeoff_journal_id=False):
        result = super(AccountMoveLine, self).reconcile(
            writeoff_acc_id=writeoff_acc_id, writeoff_journal_id=writeoff_journal_id
        )
        # A payment matched with an invoice may cure an automatic financial hold;
        # the invoice states are up to date once the reconciliation is done.
        self.mapped("partner_id").sudo()._release_cured_holds()
        return result
