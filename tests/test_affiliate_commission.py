"""Affiliate commissions (customer.affiliate.commission), the hook
res.partner._get_affiliate_commission_due, the commission statement report and
its wizard."""

from odoo.exceptions import AccessError, ValidationError

from .common import SalesCase, freeze_clock

REPORT = "customer_management.action_report_affiliate_commission"


class TestAffiliateCommission(SalesCase):
    @classmethod
    def setUpClass(cls):
        super(TestAffiliateCommission, cls).setUpClass()
        cls.Commission = cls.env["customer.affiliate.commission"]
        cls.Wizard = cls.env["customer.affiliate.commission.wizard"]
        cls.affiliate = cls.Partner.create(
            {
                "name": "Finder Agency",
                "is_company": True,
                "customer": False,
                "is_affiliate": True,
                "affiliate_commission_rate": 7.5,
            }
        )
        cls.affiliate2 = cls.Partner.create(
            {
                "name": "Second Finder",
                "is_company": True,
                "customer": False,
                "is_affiliate": True,
                "affiliate_commission_rate": 10.0,
            }
        )
        cls.customer = cls._create_customer(
            "Brought Customer", affiliate_id=cls.affiliate.id
        )
        cls.contact = cls.Partner.create(
            {"name": "Buyer Person", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.customer2 = cls._create_customer(
            "Second Brought", affiliate_id=cls.affiliate2.id
        )
        cls.lone = cls._create_customer("Walked In")

    # Helpers ---------------------------------------------------------------

    def _paid(self, partner, amount, date_invoice, date_paid):
        invoice = self._invoice(partner, amount, date_invoice)
        self._pay(invoice, amount=amount, date=date_paid)
        self.assertEqual(invoice.state, "paid")
        return invoice

    def _paid_refund(self, invoice, amount, date):
        """A credit note of ``amount`` on ``invoice``, refunded by a payment."""
        refund = invoice.refund(date, date, "Returned goods")
        refund.invoice_line_ids.write({"price_unit": amount})
        refund.compute_taxes()
        refund.action_invoice_open()
        self._pay(refund, amount=amount, date=date)
        self.assertEqual(refund.state, "paid")
        return refund

    def _rows(self, invoices):
        return self.Commission.search([("invoice_id", "in", invoices.ids)])

    def _due(self, affiliates, date_from, date_to):
        return affiliates._get_affiliate_commission_due(date_from, date_to)

    # The rows --------------------------------------------------------------

    def test_affiliate_commission_row_to_the_cent(self):
        invoice = self._paid(self.customer, 1234.57, "2018-03-05", "2018-03-20")
        row = self._rows(invoice)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.id, invoice.id)
        self.assertEqual(row.affiliate_id, self.affiliate)
        self.assertEqual(row.partner_id, self.customer)
        self.assertEqual(row.invoice_id, invoice)
        self.assertEqual(row.invoice_number, invoice.number)
        self.assertEqual(row.invoice_type, "out_invoice")
        self.assertEqual(row.company_id, self.company)
        self.assertEqual(row.currency_id, self.company.currency_id)
        self.assertEqual(row.date_invoice, "2018-03-05")
        self.assertEqual(row.date_paid, "2018-03-20")
        self.assertEqual(row.amount_base, 1234.57)
        self.assertEqual(row.commission_rate, 7.5)
        # 7.5 % of 1,234.57 = 92.59275
        self.assertEqual(row.commission_amount, 92.59)
        self.assertEqual(
            self._due(self.affiliate, "2018-03-01", "2018-03-31"),
            {self.affiliate.id: 92.59},
        )
        # The affiliate's Commissions button lists its rows.
        action = self.affiliate.sudo(
            self.customer_user
        ).action_view_affiliate_commissions()
        self.assertEqual(action["res_model"], "customer.affiliate.commission")
        self.assertEqual(self.Commission.search(action["domain"]), row)

    def test_affiliate_commission_partial_payment_waits_for_the_last(self):
        invoice = self._invoice(self.customer, 1000.0, "2018-03-05")
        self._pay(invoice, amount=400.0, date="2018-03-20")
        self.assertEqual(invoice.state, "open")
        self.assertFalse(self._rows(invoice))
        self.assertEqual(
            self._due(self.affiliate, "2018-03-01", "2018-03-31"),
            {self.affiliate.id: 0.0},
        )
        self._pay(invoice, amount=600.0, date="2018-04-05")
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(self._rows(invoice).date_paid, "2018-04-05")
        self.assertEqual(
            self._due(self.affiliate, "2018-03-01", "2018-03-31"),
            {self.affiliate.id: 0.0},
        )
        self.assertEqual(
            self._due(self.affiliate, "2018-04-01", "2018-04-30"),
            {self.affiliate.id: 75.0},
        )

    def test_affiliate_commission_credit_note_reduces(self):
        invoice = self._paid(self.customer, 1000.0, "2018-03-05", "2018-03-10")
        refund = self._paid_refund(invoice, 200.10, "2018-03-25")
        row = self._rows(refund)
        self.assertEqual(row.invoice_type, "out_refund")
        self.assertEqual(row.affiliate_id, self.affiliate)
        self.assertEqual(row.date_paid, "2018-03-25")
        self.assertEqual(row.amount_base, -200.10)
        # 7.5 % of -200.10 = -15.0075, rounded half away from zero
        self.assertEqual(row.commission_amount, -15.01)
        self.assertEqual(
            self._due(self.affiliate, "2018-03-01", "2018-03-31"),
            {self.affiliate.id: 59.99},
        )

    def test_affiliate_commission_period_by_payment_date_inclusive(self):
        # Invoiced in January, so only the payment date decides.
        for amount, paid in (
            (100.0, "2018-02-28"),
            (200.0, "2018-03-01"),
            (300.0, "2018-03-31"),
            (400.0, "2018-04-01"),
        ):
            self._paid(self.customer2, amount, "2018-01-15", paid)
        rows = self.Commission.search(
            [
                ("affiliate_id", "=", self.affiliate2.id),
                ("date_paid", ">=", "2018-03-01"),
                ("date_paid", "<=", "2018-03-31"),
            ]
        )
        self.assertEqual(sorted(rows.mapped("amount_base")), [200.0, 300.0])
        self.assertEqual(
            self._due(self.affiliate2, "2018-03-01", "2018-03-31"),
            {self.affiliate2.id: 50.0},
        )
        self.assertEqual(
            self._due(self.affiliate2, "2018-03-01", "2018-03-01"),
            {self.affiliate2.id: 20.0},
        )

    def test_affiliate_commission_customer_without_affiliate_excluded(self):
        invoice = self._paid(self.lone, 500.0, "2018-03-05", "2018-03-06")
        self.assertFalse(self._rows(invoice))
        self.assertNotIn(self.lone, self.Commission.search([]).mapped("partner_id"))
        # The view is live: an affiliate set later gets the paid invoices.
        self.lone.write({"affiliate_id": self.affiliate2.id})
        self.assertEqual(self._rows(invoice).commission_amount, 50.0)

    def test_affiliate_commission_current_rate_applies(self):
        invoice = self._paid(self.customer, 1000.0, "2018-03-05", "2018-03-06")
        self.assertEqual(self._rows(invoice).commission_amount, 75.0)
        self.affiliate.write({"affiliate_commission_rate": 12.25})
        self.Commission.invalidate_cache()
        row = self._rows(invoice)
        self.assertEqual(row.commission_rate, 12.25)
        self.assertEqual(row.commission_amount, 122.5)

    def test_affiliate_commission_invoice_to_contact_counts(self):
        invoice = self._paid(self.contact, 250.0, "2018-03-05", "2018-03-07")
        self.assertEqual(invoice.partner_id, self.contact)
        row = self._rows(invoice)
        self.assertEqual(row.partner_id, self.customer)
        self.assertEqual(row.affiliate_id, self.affiliate)
        self.assertEqual(row.commission_amount, 18.75)

    def test_affiliate_commission_other_company_isolated(self):
        here = self._paid(self.customer, 100.0, "2018-03-05", "2018-03-07")
        there = self._paid(self.customer, 1000.0, "2018-03-05", "2018-03-08")
        other = self.env["res.company"].create({"name": "Other Company Ltd"})
        # Moving the paid invoice to another company (no chart of accounts is
        # needed there): the commission rows follow the invoice's company.
        self.env.cr.execute(
            "UPDATE account_invoice SET company_id = %s WHERE id = %s",
            (other.id, there.id),
        )
        self.env["account.invoice"].invalidate_cache()
        other_user = self._create_user(
            "other_company", ["customer_management.group_customer_user"], other
        )
        ours = self.Commission.sudo(self.customer_user).search(
            [("affiliate_id", "=", self.affiliate.id)]
        )
        self.assertEqual(ours.mapped("invoice_id"), here)
        theirs = self.Commission.sudo(other_user).search(
            [("affiliate_id", "=", self.affiliate.id)]
        )
        self.assertEqual(theirs.mapped("invoice_id"), there)
        with self.assertRaises(AccessError):
            self.Commission.sudo(self.customer_user).browse(there.id).read(
                ["commission_amount"]
            )
        self.assertEqual(
            self.affiliate.sudo(self.customer_user)._get_affiliate_commission_due(
                "2018-03-01", "2018-03-31"
            ),
            {self.affiliate.id: 7.5},
        )
        self.assertEqual(
            self.affiliate.sudo(other_user)._get_affiliate_commission_due(
                "2018-03-01", "2018-03-31"
            ),
            {self.affiliate.id: 75.0},
        )

    # The hook --------------------------------------------------------------

    def test_affiliate_commission_due_equals_sum_of_rows(self):
        first = self._paid(self.customer, 1234.57, "2018-03-05", "2018-03-20")
        self._paid_refund(first, 99.99, "2018-03-21")
        self._paid(self.contact, 10.01, "2018-03-05", "2018-03-22")
        self._paid(self.customer2, 333.33, "2018-03-05", "2018-03-23")
        self._paid(self.customer2, 1000.0, "2018-03-05", "2018-04-02")  # April
        idle = self.Partner.create(
            {
                "name": "Idle Finder",
                "is_affiliate": True,
                "affiliate_commission_rate": 5,
            }
        )
        rows = self.Commission.search(
            [("date_paid", ">=", "2018-03-01"), ("date_paid", "<=", "2018-03-31")]
        )
        by_affiliate = {}
        for row in rows:
            by_affiliate.setdefault(row.affiliate_id.id, 0.0)
            by_affiliate[row.affiliate_id.id] += row.commission_amount
        # 92.59 - 7.50 + 0.75 = 85.84 ; 33.33
        self.assertAlmostEqual(by_affiliate[self.affiliate.id], 85.84, places=2)
        self.assertAlmostEqual(by_affiliate[self.affiliate2.id], 33.33, places=2)
        affiliates = self.affiliate | self.affiliate2 | idle
        due = self._due(affiliates, "2018-03-01", "2018-03-31")
        self.assertEqual(
            due, {self.affiliate.id: 85.84, self.affiliate2.id: 33.33, idle.id: 0.0}
        )
        # An empty recordset: every affiliate with commissions in the period.
        everyone = self._due(self.Partner, "2018-03-01", "2018-03-31")
        self.assertEqual(everyone[self.affiliate.id], 85.84)
        self.assertEqual(everyone[self.affiliate2.id], 33.33)
        self.assertNotIn(idle.id, everyone)

    def test_affiliate_commission_due_query_count_constant(self):
        self._paid(self.customer, 100.0, "2018-03-05", "2018-03-20")
        self._paid(self.customer2, 100.0, "2018-03-05", "2018-03-20")
        many = self.affiliate | self.affiliate2
        for index in range(8):
            many |= self.Partner.create(
                {"name": "Finder %d" % index, "is_affiliate": True}
            )
        cr = self.env.cr

        def count(affiliates):
            affiliates = affiliates.sudo(self.customer_user)
            affiliates._get_affiliate_commission_due("2018-03-01", "2018-03-31")
            before = cr.sql_log_count
            result = affiliates._get_affiliate_commission_due(
                "2018-03-01", "2018-03-31"
            )
            return cr.sql_log_count - before, result

        queries_one, due_one = count(self.affiliate)
        queries_many, due_many = count(many)
        self.assertEqual(due_one, {self.affiliate.id: 7.5})
        self.assertEqual(len(due_many), 10)
        self.assertEqual(due_many[self.affiliate2.id], 10.0)
        self.assertEqual(queries_one, queries_many)
        self.assertLessEqual(queries_many, 2)

    # The statement ---------------------------------------------------------

    def test_affiliate_commission_report_html_figures(self):
        invoice = self._paid(self.customer, 1234.57, "2018-03-05", "2018-03-20")
        refund = self._paid_refund(invoice, 200.10, "2018-03-25")
        self._paid(self.customer, 999.0, "2018-03-05", "2018-04-01")  # April
        report = self.env.ref(REPORT).sudo(self.customer_user)
        html = report.render_qweb_html(
            (self.affiliate | self.affiliate2).ids,
            data={"date_from": "2018-03-01", "date_to": "2018-03-31"},
        )[0].decode("utf-8")
        # Odoo writes negative amounts as "-\ufeff200.10"
        html = html.replace("\ufeff", "")
        self.assertIn("Commission statement", html)
        self.assertIn("Finder Agency", html)
        self.assertIn("Second Finder", html)
        self.assertIn(invoice.number, html)
        self.assertIn(refund.number, html)
        self.assertIn("Brought Customer", html)
        self.assertIn("03/01/2018", html)
        self.assertIn("03/31/2018", html)
        self.assertIn("03/20/2018", html)
        for figure in ("1,234.57", "92.59", "-200.10", "-15.01", "1,034.47", "77.58"):
            self.assertIn(figure, html)
        self.assertIn("7.50", html)
        self.assertNotIn("999.00", html)
        # The second affiliate has nothing paid in March.
        self.assertIn("no commission is due", html)

    def test_affiliate_commission_report_default_period(self):
        self._paid(self.customer, 200.0, "2018-03-05", "2018-04-30")
        self._paid(self.customer, 400.0, "2018-03-05", "2018-05-01")
        report = self.env["report.customer_management.report_affiliate_commission"]
        with freeze_clock("2018-05-15"):
            values = report.sudo(self.customer_user).get_report_values(
                self.affiliate.ids
            )
        self.assertEqual(values["date_from"], "2018-04-01")
        self.assertEqual(values["date_to"], "2018-04-30")
        self.assertEqual(values["docs"], self.affiliate)
        statement = values["statements"][self.affiliate.id]
        self.assertEqual(statement["count"], 1)
        self.assertEqual(statement["base"], 200.0)
        self.assertEqual(statement["commission"], 15.0)
        self.assertEqual(statement["customers"][0]["name"], self.customer.display_name)

    def test_affiliate_commission_wizard_bad_dates(self):
        wizards = self.Wizard.search_count([])
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Wizard.sudo(self.customer_user).create(
                {
                    "date_from": "2018-04-30",
                    "date_to": "2018-04-01",
                    "affiliate_ids": [(6, 0, self.affiliate.ids)],
                }
            )
        self.assertEqual(self.Wizard.search_count([]), wizards)
        wizard = self.Wizard.create(
            {"date_from": "2018-04-01", "date_to": "2018-04-01"}
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            wizard.write({"date_to": "2018-03-31"})
        wizard.invalidate_cache()
        self.assertEqual(wizard.date_to, "2018-04-01")

    def test_affiliate_commission_wizard_defaults_and_print(self):
        self._paid(self.customer2, 100.0, "2018-04-02", "2018-04-03")
        with freeze_clock("2018-05-15"):
            wizard = (
                self.Wizard.sudo(self.customer_user)
                .with_context(
                    active_model="res.partner",
                    active_ids=[self.affiliate.id, self.customer.id],
                )
                .create({})
            )
        self.assertEqual(wizard.date_from, "2018-04-01")
        self.assertEqual(wizard.date_to, "2018-04-30")
        self.assertEqual(wizard.affiliate_ids, self.affiliate)
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "customer_management.report_affiliate_commission"
        )
        self.assertEqual(action["context"]["active_ids"], self.affiliate.ids)
        self.assertEqual(
            action["data"], {"date_from": "2018-04-01", "date_to": "2018-04-30"}
        )
        # Without affiliates: those with commissions in the period.
        wizard.affiliate_ids = False
        action = wizard.action_print()
        self.assertEqual(action["context"]["active_ids"], self.affiliate2.ids)

    # Access ----------------------------------------------------------------

    def test_affiliate_commission_access(self):
        invoice = self._paid(self.customer, 100.0, "2018-03-05", "2018-03-20")
        with self.assertRaises(AccessError):
            self.Commission.sudo(self.plain_user).search([])
        with self.assertRaises(AccessError):
            self.affiliate.sudo(self.plain_user)._get_affiliate_commission_due(
                "2018-03-01", "2018-03-31"
            )
        with self.assertRaises(AccessError):
            self.env.ref(REPORT).sudo(self.plain_user).render_qweb_html(
                self.affiliate.ids
            )
        for user in (self.customer_user, self.credit_manager, self.manager):
            row = self.Commission.sudo(user).search([("invoice_id", "=", invoice.id)])
            self.assertEqual(row.commission_amount, 7.5)
            self.assertEqual(row.invoice_id.display_name.split()[0], invoice.number)
        with self.assertRaises(AccessError):
            self.Commission.sudo(self.manager).browse(invoice.id).write(
                {"commission_amount": 1.0}
            )
