from odoo.exceptions import AccessError, UserError

from .common import SalesCase

PARAM = "customer_management.early_discount_account_id"
INVOICED_ON = "2018-03-01"


class EarlyDiscountCase(SalesCase):
    """Customers with early-pay terms and a discount account in the settings;
    their invoices are dated INVOICED_ON."""

    @classmethod
    def setUpClass(cls):
        super(EarlyDiscountCase, cls).setUpClass()
        cls.Invoice = cls.env["account.invoice"]
        cls.Payment = cls.env["account.payment"]
        cls.currency = cls.company.currency_id
        cls.discount_account = cls.env["account.account"].create(
            {
                "code": "CM4999",
                "name": "Cash discounts granted",
                "user_type_id": cls.env.ref("account.data_account_type_expenses").id,
                "company_id": cls.company.id,
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param(PARAM, cls.discount_account.id)
        cls.inbound_manual = cls.env.ref("account.account_payment_method_manual_in")
        # 2 % within 10 days, net 30.
        cls.customer = cls._create_customer(
            "Early Bird Ltd",
            payment_days=30,
            early_discount_type="percent",
            early_discount_value=2.0,
            early_discount_days=10,
        )
        # 25.00 off within 5 days.
        cls.fixed_customer = cls._create_customer(
            "Fixed Discount Ltd",
            payment_days=30,
            early_discount_type="amount",
            early_discount_value=25.0,
            early_discount_days=5,
        )
        cls.plain_customer = cls._create_customer("No Terms Ltd")

    def _discount_lines(self, payment):
        return payment.move_line_ids.filtered(
            lambda line: line.account_id == self.discount_account
        )


class TestInvoiceTerms(EarlyDiscountCase):
    def test_percent_terms_and_amounts(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        self.assertEqual(invoice.early_discount_type, "percent")
        self.assertEqual(invoice.early_discount_value, 2.0)
        self.assertEqual(invoice.early_discount_date, "2018-03-11")
        self.assertEqual(invoice.early_discount_amount, 20.0)
        self.assertEqual(invoice.amount_after_early_discount, 980.0)

    def test_percent_is_rounded_in_the_currency(self):
        partner = self._create_customer(
            "Odd Percent",
            early_discount_type="percent",
            early_discount_value=2.5,
            early_discount_days=10,
        )
        invoice = self._invoice(partner, 333.33, INVOICED_ON)
        self.assertEqual(invoice.early_discount_amount, 8.33)
        self.assertAlmostEqual(invoice.amount_after_early_discount, 325.0)

    def test_fixed_amount_and_cap(self):
        invoice = self._invoice(self.fixed_customer, 1000.0, INVOICED_ON)
        self.assertEqual(invoice.early_discount_amount, 25.0)
        self.assertEqual(invoice.amount_after_early_discount, 975.0)
        self.assertEqual(invoice.early_discount_date, "2018-03-06")
        small = self._invoice(self.fixed_customer, 10.0, INVOICED_ON)
        self.assertEqual(small.early_discount_amount, 10.0)
        self.assertEqual(small.amount_after_early_discount, 0.0)

    def test_no_terms_no_discount(self):
        invoice = self._invoice(self.plain_customer, 1000.0, INVOICED_ON)
        self.assertFalse(invoice.early_discount_type)
        self.assertEqual(invoice.early_discount_amount, 0.0)
        self.assertFalse(invoice.early_discount_date)
        self.assertEqual(invoice.amount_after_early_discount, 1000.0)

    def test_contact_invoice_takes_the_company_terms(self):
        contact = self.Partner.create(
            {"name": "Bill Buyer", "parent_id": self.customer.id}
        )
        invoice = self._invoice(contact, 500.0, INVOICED_ON)
        self.assertEqual(invoice.early_discount_amount, 10.0)

    def test_draft_follows_partner_posted_keeps_its_terms(self):
        draft = self._invoice(self.customer, 1000.0, INVOICED_ON, validate=False)
        posted = self._invoice(self.customer, 1000.0, INVOICED_ON)
        self.assertEqual(draft.early_discount_amount, 20.0)
        self.customer.write({"early_discount_value": 3.0, "early_discount_days": 7})
        self.assertEqual(draft.early_discount_value, 3.0)
        self.assertEqual(draft.early_discount_amount, 30.0)
        self.assertEqual(draft.early_discount_date, "2018-03-08")
        self.assertEqual(posted.early_discount_value, 2.0)
        self.assertEqual(posted.early_discount_amount, 20.0)
        self.assertEqual(posted.early_discount_date, "2018-03-11")
        # The terms at validation are the ones of the invoice.
        draft.action_invoice_open()
        self.customer.write({"early_discount_type": False, "early_discount_value": 0.0})
        self.assertEqual(draft.early_discount_amount, 30.0)
        self.assertEqual(draft.amount_after_early_discount, 970.0)

    def test_draft_changing_customer_takes_the_new_terms(self):
        draft = self._invoice(self.customer, 1000.0, INVOICED_ON, validate=False)
        draft.write({"partner_id": self.fixed_customer.id})
        self.assertEqual(draft.early_discount_type, "amount")
        self.assertEqual(draft.early_discount_amount, 25.0)
        draft.write({"partner_id": self.plain_customer.id})
        self.assertEqual(draft.early_discount_amount, 0.0)

    def test_onchange_partner_shows_terms(self):
        invoice = self.Invoice.new(
            {"type": "out_invoice", "partner_id": self.customer.id}
        )
        invoice._onchange_partner_id_early_discount()
        self.assertEqual(invoice.early_discount_type, "percent")
        self.assertEqual(invoice.early_discount_days, 10)

    def test_credit_notes_and_vendor_bills_have_no_discount(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        refund = invoice.refund(date_invoice="2018-03-02")
        self.assertEqual(refund.early_discount_amount, 0.0)
        bill = self.Invoice.create(
            {
                "partner_id": self.customer.id,
                "type": "in_invoice",
                "date_invoice": "2018-03-01",
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Service",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "account_id": self.discount_account.id,
                        },
                    )
                ],
            }
        )
        self.assertFalse(bill.early_discount_type)
        self.assertEqual(bill.early_discount_amount, 0.0)


class TestEarlyPayment(EarlyDiscountCase):
    def test_reduced_payment_inside_window_settles(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        payment = self._pay(invoice, amount=980.0, date="2018-03-05")
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(invoice.residual, 0.0)
        writeoff = self._discount_lines(payment)
        self.assertEqual(len(writeoff), 1)
        self.assertEqual(writeoff.debit, 20.0)
        self.assertEqual(writeoff.credit, 0.0)
        self.assertEqual(writeoff.name, "Early payment discount")

    def test_deadline_day_counts_as_inside(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        payment = self._pay(invoice, amount=980.0, date="2018-03-11")
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(self._discount_lines(payment).debit, 20.0)

    def test_after_deadline_full_amount_is_due(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        payment = self._pay(invoice, amount=980.0, date="2018-03-12")
        self.assertEqual(invoice.state, "open")
        self.assertEqual(invoice.residual, 20.0)
        self.assertFalse(self._discount_lines(payment))
        self._pay(invoice, amount=20.0, date="2018-03-20")
        self.assertEqual(invoice.state, "paid")

    def test_fixed_amount_discount(self):
        invoice = self._invoice(self.fixed_customer, 1000.0, INVOICED_ON)
        payment = self._pay(invoice, amount=975.0, date="2018-03-06")
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(self._discount_lines(payment).debit, 25.0)
        late = self._invoice(self.fixed_customer, 1000.0, INVOICED_ON)
        self._pay(late, amount=975.0, date="2018-03-07")
        self.assertEqual(late.state, "open")
        self.assertEqual(late.residual, 25.0)

    def test_full_amount_inside_window_writes_nothing_off(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        payment = self._pay(invoice, amount=1000.0, date="2018-03-02")
        self.assertEqual(invoice.state, "paid")
        self.assertFalse(self._discount_lines(payment))

    def test_other_amount_stays_open(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        payment = self._pay(invoice, amount=990.0, date="2018-03-02")
        self.assertEqual(invoice.state, "open")
        self.assertEqual(invoice.residual, 10.0)
        self.assertFalse(self._discount_lines(payment))

    def test_partial_payment_then_reduced_remainder(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        self._pay(invoice, amount=500.0, date="2018-03-02")
        self.assertEqual(invoice.residual, 500.0)
        payment = self._pay(invoice, amount=480.0, date="2018-03-09")
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(self._discount_lines(payment).debit, 20.0)

    def test_no_discount_terms_normal_behaviour(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM, "")
        invoice = self._invoice(self.plain_customer, 1000.0, INVOICED_ON)
        payment = self._pay(invoice, amount=980.0, date="2018-03-02")
        self.assertEqual(invoice.state, "open")
        self.assertEqual(invoice.residual, 20.0)
        self.assertEqual(payment.state, "posted")

    def test_missing_discount_account_is_a_clear_error(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM, "")
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        payment = self._pay(invoice, amount=980.0, date="2018-03-05", post=False)
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            payment.post()
        self.assertIn("no early payment discount account is set", str(caught.exception))
        self.assertEqual(payment.state, "draft")
        self.assertFalse(payment.move_line_ids)
        self.assertEqual(invoice.state, "open")
        self.assertEqual(invoice.residual, 1000.0)
        # The full amount is still accepted without the setting.
        self._pay(invoice, amount=1000.0, date="2018-03-05")
        self.assertEqual(invoice.state, "paid")

    def test_deleted_discount_account_is_a_clear_error(self):
        account = self.env["account.account"].create(
            {
                "code": "CM4998",
                "name": "Short-lived",
                "user_type_id": self.env.ref("account.data_account_type_expenses").id,
            }
        )
        self.env["ir.config_parameter"].sudo().set_param(PARAM, account.id)
        account.unlink()
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self._pay(invoice, amount=980.0, date="2018-03-05")
        self.assertEqual(invoice.state, "open")

    def test_register_payment_of_the_invoice_form(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        Wizard = self.Payment.with_context(
            default_invoice_ids=[(4, invoice.id, None)],
            default_payment_date="2018-03-04",
        )
        defaults = Wizard.default_get(list(self.Payment._fields))
        self.assertEqual(defaults["amount"], 980.0)
        self.assertEqual(defaults["payment_difference_handling"], "reconcile")
        self.assertEqual(defaults["writeoff_account_id"], self.discount_account.id)
        payment = Wizard.create(
            {
                "journal_id": self.bank_journal.id,
                "payment_method_id": self.inbound_manual.id,
            }
        )
        self.assertIn("980.00", payment.early_discount_note)
        self.assertIn("03/11/2018", payment.early_discount_note)
        payment.action_validate_invoice_payment()
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(self._discount_lines(payment).debit, 20.0)

    def test_register_payment_after_deadline_suggests_full_amount(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        Wizard = self.Payment.with_context(
            default_invoice_ids=[(4, invoice.id, None)],
            default_payment_date="2018-03-12",
        )
        defaults = Wizard.default_get(list(self.Payment._fields))
        self.assertEqual(defaults["amount"], 1000.0)
        self.assertEqual(defaults.get("payment_difference_handling", "open"), "open")
        payment = Wizard.create(
            {
                "journal_id": self.bank_journal.id,
                "payment_method_id": self.inbound_manual.id,
            }
        )
        self.assertIn("expired on 03/11/2018", payment.early_discount_note)

    def test_register_payment_onchanges(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        payment = self.Payment.new(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "invoice_ids": [(6, 0, invoice.ids)],
                "amount": 980.0,
                "currency_id": self.currency.id,
                "payment_date": "2018-03-04",
                "journal_id": self.bank_journal.id,
            }
        )
        payment._onchange_early_discount_writeoff()
        self.assertEqual(payment.payment_difference_handling, "reconcile")
        self.assertEqual(payment.writeoff_account_id, self.discount_account)
        # A partial payment typed by the user must not write anything off.
        payment.amount = 300.0
        payment._onchange_early_discount_writeoff()
        self.assertEqual(payment.payment_difference_handling, "open")
        # Moving the date past the deadline switches the suggested amount.
        payment.amount = 980.0
        payment.payment_date = "2018-03-12"
        payment._onchange_payment_date_early_discount()
        self.assertEqual(payment.amount, 1000.0)
        payment.payment_date = "2018-03-05"
        payment._onchange_payment_date_early_discount()
        self.assertEqual(payment.amount, 980.0)

    def test_register_payments_of_several_invoices(self):
        first = self._invoice(self.customer, 1000.0, INVOICED_ON)
        second = self._invoice(self.customer, 500.0, "2018-03-03")
        late = self._invoice(self.customer, 200.0, "2018-02-01")
        invoices = first | second | late
        Wizard = self.env["account.register.payments"].with_context(
            active_model="account.invoice",
            active_ids=invoices.ids,
            default_payment_date="2018-03-10",
        )
        wizard = Wizard.create(
            {
                "journal_id": self.bank_journal.id,
                "payment_method_id": self.inbound_manual.id,
            }
        )
        # 1000 - 20 + 500 - 10 + 200 (its window closed on 2018-02-11)
        self.assertEqual(wizard.amount, 1670.0)
        self.assertIn("1,670.00", wizard.early_discount_note)
        wizard.create_payments()
        self.assertEqual(invoices.mapped("state"), ["paid"] * 3)
        payment = first.payment_ids
        self.assertEqual(self._discount_lines(payment).debit, 30.0)

    def test_register_payments_date_moves_the_suggested_amount(self):
        invoices = self._invoice(self.customer, 1000.0, INVOICED_ON) | self._invoice(
            self.customer, 500.0, INVOICED_ON
        )
        wizard = (
            self.env["account.register.payments"]
            .with_context(
                active_model="account.invoice",
                active_ids=invoices.ids,
                default_payment_date="2018-03-05",
            )
            .create(
                {
                    "journal_id": self.bank_journal.id,
                    "payment_method_id": self.inbound_manual.id,
                }
            )
        )
        self.assertEqual(wizard.amount, 1470.0)
        wizard.payment_date = "2018-03-12"
        wizard._onchange_payment_date_early_discount()
        self.assertEqual(wizard.amount, 1500.0)
        self.assertIn("expired on 03/11/2018", wizard.early_discount_note)
        wizard.create_payments()
        self.assertEqual(invoices.mapped("state"), ["paid", "paid"])
        self.assertFalse(self._discount_lines(invoices[0].payment_ids))
        # An amount typed by the user does not follow the date.
        other = self._invoice(self.customer, 1000.0, INVOICED_ON)
        wizard = (
            self.env["account.register.payments"]
            .with_context(
                active_model="account.invoice",
                active_ids=other.ids,
                default_payment_date="2018-03-05",
            )
            .create(
                {
                    "journal_id": self.bank_journal.id,
                    "amount": 300.0,
                    "payment_method_id": self.inbound_manual.id,
                }
            )
        )
        wizard.payment_date = "2018-03-12"
        wizard._onchange_payment_date_early_discount()
        self.assertEqual(wizard.amount, 300.0)

    def test_register_payments_of_several_customers(self):
        first = self._invoice(self.customer, 1000.0, INVOICED_ON)
        second = self._invoice(self.fixed_customer, 400.0, INVOICED_ON)
        Wizard = self.env["account.register.payments"].with_context(
            active_model="account.invoice", active_ids=(first | second).ids
        )
        wizard = Wizard.create(
            {
                "journal_id": self.bank_journal.id,
                "payment_date": "2018-03-05",
                "payment_method_id": self.inbound_manual.id,
            }
        )
        self.assertTrue(wizard.multi)
        wizard.create_payments()
        self.assertEqual(first.state, "paid")
        self.assertEqual(second.state, "paid")
        self.assertEqual(first.payment_ids.amount, 980.0)
        self.assertEqual(second.payment_ids.amount, 375.0)
        self.assertEqual(self._discount_lines(second.payment_ids).debit, 25.0)


class TestDiscountAccountSetting(EarlyDiscountCase):
    def test_admin_sets_the_account_through_settings(self):
        Settings = self.env["res.config.settings"]
        self.env["ir.config_parameter"].sudo().set_param(PARAM, "")
        self.assertFalse(Settings.create({}).cm_early_discount_account_id)
        Settings.create(
            {"cm_early_discount_account_id": self.discount_account.id}
        ).execute()
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param(PARAM),
            str(self.discount_account.id),
        )
        self.assertEqual(
            Settings.create({}).cm_early_discount_account_id, self.discount_account
        )
        self.assertEqual(
            self.Payment._get_early_discount_account(), self.discount_account
        )
        Settings.create({"cm_early_discount_account_id": False}).execute()
        self.assertFalse(self.Payment._get_early_discount_account())

    def test_salesperson_and_credit_manager_cannot_change_it(self):
        other = self.env["account.account"].create(
            {
                "code": "CM4997",
                "name": "Other discounts",
                "user_type_id": self.env.ref("account.data_account_type_expenses").id,
            }
        )
        Settings = self.env["res.config.settings"]
        for user in (self.customer_user, self.credit_manager):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                Settings.sudo(user).create(
                    {"cm_early_discount_account_id": other.id}
                ).execute()
        # set_values() is public over RPC and writes as superuser: it checks the
        # rights itself (a settings record of the user's own, as the ORM only
        # lets users read the transient records they created).
        settings = Settings.create({"cm_early_discount_account_id": other.id})
        self.env.cr.execute(
            "UPDATE res_config_settings SET create_uid = %s WHERE id = %s",
            (self.credit_manager.id, settings.id),
        )
        with self.assertRaises(AccessError) as caught, self.env.cr.savepoint():
            settings.sudo(self.credit_manager).set_values()
        self.assertIn("early payment discount account", str(caught.exception))
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param(PARAM),
            str(self.discount_account.id),
        )
