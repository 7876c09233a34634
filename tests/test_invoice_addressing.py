import re

from .test_early_discount import INVOICED_ON, EarlyDiscountCase


def _text(html):
    """The visible text of the HTML, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ").replace("&nbsp;", " ")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ([).,])", r"\1", re.sub(r"\( ", "(", text))


class TestInvoiceAddressing(EarlyDiscountCase):
    """The printed invoice is addressed to invoice_name and shows the early-pay
    terms; the invoice e-mail goes to invoice_email."""

    @classmethod
    def setUpClass(cls):
        super(TestInvoiceAddressing, cls).setUpClass()
        cls.customer.write(
            {
                "email": "main@earlybird.example.com",
                "invoice_email": "payables@earlybird.example.com",
                "invoice_name": "Accounts Payable Dept",
            }
        )
        cls.plain_customer.write({"email": "info@noterms.example.com"})
        cls.template = cls.env.ref("account.email_template_edi_invoice")

    def _html(self, invoice):
        report = self.env.ref("account.account_invoices")
        html, report_format = report.render_qweb_html(invoice.ids)
        self.assertEqual(report_format, "html")
        return _text(html.decode("utf-8"))

    def _invoice_contacts(self, partner):
        return self.Partner.search(
            [("parent_id", "=", partner.id), ("type", "=", "invoice")]
        )

    # ---------------------------------------------------------------- PDF ----
    def test_pdf_shows_invoice_name_and_discount_terms(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        text = self._html(invoice)
        self.assertIn("Attn: Accounts Payable Dept", text)
        self.assertIn(
            "Early payment discount: Pay $ 980.00 on or before 03/11/2018 "
            "($ 20.00 discount, 2 %). After that date the full amount of "
            "$ 1,000.00 is due.",
            text,
        )

    def test_pdf_without_terms_has_neither(self):
        invoice = self._invoice(self.plain_customer, 1000.0, INVOICED_ON)
        text = self._html(invoice)
        self.assertNotIn("Attn:", text)
        self.assertNotIn("Early payment discount", text)

    def test_pdf_of_fixed_amount_terms(self):
        invoice = self._invoice(self.fixed_customer, 400.0, INVOICED_ON)
        text = self._html(invoice)
        self.assertIn("Pay $ 375.00 on or before 03/06/2018 ($ 25.00 discount).", text)

    def test_pdf_of_draft_invoice_without_date(self):
        invoice = self._invoice(self.customer, 1000.0, False, validate=False)
        text = self._html(invoice)
        self.assertIn("Pay $ 980.00 within 10 days of the invoice date", text)

    # ------------------------------------------------------------- e-mail ----
    def test_send_by_email_goes_to_the_invoice_email(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        action = invoice.action_invoice_sent()
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        composer.write(
            composer.onchange_template_id(
                composer.template_id.id, "comment", "account.invoice", invoice.id
            )["value"]
        )
        self.assertEqual(
            composer.partner_ids.mapped("email"), ["payables@earlybird.example.com"]
        )
        contact = composer.partner_ids
        self.assertEqual(contact.parent_id, self.customer)
        self.assertEqual(contact.type, "invoice")
        self.assertEqual(contact.name, "Accounts Payable Dept")
        composer.send_mail()
        message = invoice.message_ids.filtered(lambda m: m.message_type == "comment")[
            :1
        ]
        self.assertEqual(message.partner_ids, contact)
        recipients = (
            self.env["mail.notification"]
            .search([("mail_message_id", "=", message.id)])
            .mapped("res_partner_id")
        )
        self.assertIn(contact, recipients)
        # The customer's main e-mail does not get the invoice through following.
        self.assertNotIn(self.customer, recipients)
        self.assertIn(contact, invoice.message_partner_ids)
        self.assertNotIn(self.customer, invoice.message_partner_ids)
        self.assertTrue(invoice.sent)

    def test_message_post_with_template_over_rpc(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        invoice.message_post_with_template(self.template.id)
        message = invoice.message_ids[:1]
        self.assertEqual(
            message.partner_ids.mapped("email"), ["payables@earlybird.example.com"]
        )
        # A second e-mail reuses the same contact.
        invoice.message_post_with_template(self.template.id)
        self.assertEqual(len(self._invoice_contacts(self.customer)), 1)

    def test_existing_invoice_address_is_reused(self):
        existing = self.Partner.create(
            {
                "name": "Payables Desk",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "PAYABLES@earlybird.example.com",
            }
        )
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        invoice.message_post_with_template(self.template.id)
        self.assertEqual(invoice.message_ids[:1].partner_ids, existing)
        self.assertEqual(self._invoice_contacts(self.customer), existing)

    def test_customer_without_invoice_email_gets_it_as_usual(self):
        invoice = self._invoice(self.plain_customer, 1000.0, INVOICED_ON)
        invoice.message_post_with_template(self.template.id)
        self.assertEqual(invoice.message_ids[:1].partner_ids, self.plain_customer)
        self.assertFalse(self._invoice_contacts(self.plain_customer))
        self.assertIn(self.plain_customer, invoice.message_partner_ids)

    def test_invoice_of_a_contact_goes_to_the_company_invoice_email(self):
        buyer = self.Partner.create(
            {
                "name": "Bea Buyer",
                "parent_id": self.customer.id,
                "email": "bea@earlybird.example.com",
            }
        )
        invoice = self._invoice(buyer, 100.0, INVOICED_ON)
        invoice.message_post_with_template(self.template.id)
        self.assertEqual(
            invoice.message_ids[:1].partner_ids.mapped("email"),
            ["payables@earlybird.example.com"],
        )
