from odoo import api, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.multi
    def reconcile(self, writeoff_acc_id=False, writeoff_journal_id=False):
        result = super(AccountMoveLine, self).reconcile(
            writeoff_acc_id=writeoff_acc_id, writeoff_journal_id=writeoff_journal_id)
        # A payment matched with an invoice may cure an automatic financial hold;
        # the invoice states are up to date once the reconciliation is done.
        self.mapped("partner_id").sudo()._release_cured_holds()
        return result
