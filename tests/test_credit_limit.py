from odoo.exceptions import AccessError, ValidationError

from .common import CustomerCase, SalesCase


class TestCreditLimit(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestCreditLimit, cls).setUpClass()
        cls.customer = cls._create_customer("Limited Co")
        cls.customer.write({"credit_limit": 5000.0})

    def test_credit_manager_sets_limit(self):
        self.customer.sudo(self.credit_manager).write({"credit_limit": 7500.0})
        self.assertEqual(self.customer.credit_limit, 7500.0)

    def test_salesperson_cannot_change_limit(self):
        with self.assertRaises(AccessError):
            self.customer.sudo(self.customer_user).write({"credit_limit": 1e9})
        with self.assertRaises(AccessError):
            self.Partner.sudo(self.customer_user).create(
                {"name": "Self Granted", "is_company": True, "credit_limit": 1e6}
            )
        self.assertEqual(self.customer.credit_limit, 5000.0)

    def test_salesperson_still_edits_company_and_adds_contacts(self):
        # The commercial sync copies the unchanged limit to contacts: allowed.
        sales = self.customer.sudo(self.customer_user)
        sales.write({"vat": "BE0477472701", "phone": "+32 2 000 00 00"})
        contact = self.Partner.sudo(self.customer_user).create(
            {"name": "New Buyer", "parent_id": self.customer.id}
        )
        self.assertEqual(contact.credit_limit, 5000.0)

    def test_negative_limit_refused_and_not_written(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            with self.env.cr.savepoint():
                self.customer.write({"credit_limit": -1.0})
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.credit_limit, 5000.0)

    def test_credit_available_without_activity(self):
        self.assertEqual(self.customer.credit_used, 0.0)
        self.assertEqual(self.customer.credit_available, 5000.0)
        self.assertEqual(self.customer.credit_currency_id, self.company.currency_id)


class TestCreditUsed(SalesCase):
    """credit_used = open posted receivables + draft invoices + uninvoiced
    part of confirmed orders, for one company, tax included."""

    @classmethod
    def setUpClass(cls):
        super(TestCreditUsed, cls).setUpClass()
        cls.customer = cls._create_customer("Credit Co")
        cls.customer.write({"credit_limit": 10000.0})
        cls.contact = cls.Partner.create(
            {"name": "Buyer", "parent_id": cls.customer.id}
        )

    def _credit_used(self):
        self.customer.invalidate_cache()
        return self.customer.credit_used

    def test_quotations_do_not_count(self):
        self._order(self.customer, 500.0)
        self.assertEqual(self._credit_used(), 0.0)

    def test_confirmed_order_of_a_contact_counts_for_the_company(self):
        self._order(self.contact, 300.0, confirm=True)
        self.assertAlmostEqual(self._credit_used(), 300.0)
        self.assertAlmostEqual(self.customer.credit_available, 9700.0)

    def test_invoiced_part_moves_from_order_to_receivable(self):
        order = self._order(self.customer, 400.0, confirm=True)
        invoice = self.env["account.invoice"].browse(order.action_invoice_create())
        self.assertAlmostEqual(self._credit_used(), 400.0)  # draft invoice
        invoice.action_invoice_open()
        self.assertAlmostEqual(self._credit_used(), 400.0)  # open receivable
        self._pay(invoice, amount=150.0)
        self.assertAlmostEqual(self._credit_used(), 250.0)
        self._pay(invoice, amount=250.0)
        self.assertAlmostEqual(self._credit_used(), 0.0)

    def test_other_company_orders_do_not_count(self):
        other = self.env["res.company"].create({"name": "Sister Company"})
        order = self._order(self.customer, 200.0)
        order.write({"company_id": other.id})
        order.action_confirm()
        self.assertEqual(self._credit_used(), 0.0)
        used = self.customer._get_credit_used(other)
        self.assertAlmostEqual(used[self.customer.id], 200.0)

    def test_query_count_does_not_grow_with_customers(self):
        few = self.customer | self._create_customer("Two")
        many = few
        for index in range(10):
            partner = self._create_customer("Many %s" % index)
            self._order(partner, 100.0, confirm=True)
            many |= partner
        counts = []
        for partners in (few, many):
            partners._get_credit_used(self.company)  # warm the ORM cache
            before = self.env.cr.sql_log_count
            partners._get_credit_used(self.company)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
