from .common import SalesCase


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


class TestSaleCounts(SalesCase):

    def test_quotations_orders_and_stalled(self):
        customer = self._create_customer("Counted Co")
        contact = self.Partner.create({"name": "Counter", "parent_id": customer.id})
        self._order(customer, 10.0, confirm=True)
        self._order(contact, 10.0, confirm=True)
        self._order(customer, 10.0)
        old = self._order(contact, 10.0)
        old.write({"date_order": "2020-01-01 10:00:00", "validity_date": False})
        expired = self._order(customer, 10.0)
        expired.write({"validity_date": "2020-01-01"})
        customer.invalidate_cache()
        self.assertEqual(customer.quotation_count, 3)
        self.assertEqual(customer.confirmed_order_count, 2)
        self.assertEqual(customer.stalled_quotation_count, 2)
        self.assertEqual(contact.quotation_count, 3)  # the company's figures
        action = customer.action_view_stalled_quotations()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), old | expired)
        self.assertEqual(
            len(
                self.env["sale.order"].search(
                    customer.action_view_confirmed_orders()["domain"]
                )
            ),
            2,
        )
