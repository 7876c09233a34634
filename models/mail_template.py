"""Invoice e-mails go to the customer's invoice e-mail.

Odoo e-mails partner records. When the customer (commercial partner) of a
customer invoice or credit note has an invoice_email, every template of
account.invoice that addresses the customer (the invoice or the commercial
partner among its recipients, e.g. account.email_template_edi_invoice with
partner_to = the invoice partner) is addressed to the invoice contact instead
(a child contact of type 'invoice' carrying that e-mail, created when
missing: res.partner._get_invoice_email_contact).

Hooking mail.template.generate_recipients covers "Send by e-mail"
(action_invoice_sent: the composer renders the template), RPC callers of
message_post_with_template and template.send_mail alike.
"""
from odoo import api, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.multi
    def generate_recipients(self, results, res_ids):
        results = super(MailTemplate, self).generate_recipients(results, res_ids)
        if self.model != "account.invoice":
            return results
        invoices = (
            self.env["account.invoice"]
            .browse([res_id for res_id in results if res_id])
            .exists()
        )
        for invoice in invoices.filtered(
            lambda inv: inv.type in ("out_invoice", "out_refund")
            and inv.commercial_partner_id.invoice_email
        ):
            values = results[invoice.id]
            partner_ids = list(values.get("partner_ids") or [])
            customer_ids = set((invoice.partner_id | invoice.commercial_partner_id).ids)
            if not customer_ids.intersection(partner_ids):
                continue  # the template is not addressed to the customer
            contact = invoice._get_invoice_email_contact()
            kept = [pid for pid in partner_ids if pid not in customer_ids]
            values["partner_ids"] = [contact.id] + [p for p in kept if p != contact.id]
        return results
