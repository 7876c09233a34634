from .common import CustomerCase


class TestCreditUsed(CustomerCase):
    """credit_used = open posted receivables + draft invoices + uninvoiced
    part of confirmed orders, for one company, tax included."""

    @classmethod
    def setUpClass(cls):
        super(TestCreditUsed, cls).setUpClass()
        cls.product = cls.env["product.product"].create(
            {
                "name": "Consulting hour",
                "type": "service",
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": [(6, 0, [])],
            }
        )
        cls.customer = cls._create_customer("Credit Co")
        cls.customer.write({"credit_limit": 10000.0})
        cls.contact = cls.Partner.create(
            {"name": "Buyer", "parent_id": cls.customer.id}
        )

    def _order(self, partner, qty, price=100.0, confirm=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [(6, 0, [])],
                        },
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _credit_used(self):
        self.customer.invalidate_cache()
        return self.customer.credit_used

    def test_quotations_do_not_count(self):
        self._order(self.customer, 5, confirm=False)
        self.assertEqual(self._credit_used(), 0.0)

    def test_confirmed_order_of_a_contact_counts_for_the_company(self):
        self._order(self.contact, 3)
        self.assertAlmostEqual(self._credit_used(), 300.0)
        self.assertAlmostEqual(self.customer.credit_available, 9700.0)

    def test_invoiced_part_moves_from_order_to_receivable(self):
        order = self._order(self.customer, 4)
        invoice = self.env["account.invoice"].browse(order.action_invoice_create())
        self.assertAlmostEqual(self._credit_used(), 400.0)  # draft invoice
        invoice.action_invoice_open()
        self.assertAlmostEqual(self._credit_used(), 400.0)  # open receivable
        self._pay(invoice, 150.0)
        self.assertAlmostEqual(self._credit_used(), 250.0)
        self._pay(invoice, 250.0)
        self.assertAlmostEqual(self._credit_used(), 0.0)

    def _pay(self, invoice, amount):
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", invoice.company_id.id)], limit=1
        )
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": invoice.commercial_partner_id.id,
                "amount": amount,
                "journal_id": journal.id,
                "payment_method_id": self.env.ref(
                    "account.account_payment_method_manual_in"
                ).id,
                "invoice_ids": [(6, 0, invoice.ids)],
            }
        )
        payment.post()
        return payment

    def test_other_company_orders_do_not_count(self):
        other = self.env["res.company"].create({"name": "Sister Company"})
        order = self._order(self.customer, 2, confirm=False)
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
            self._order(partner, 1)
            many |= partner
        counts = []
        for partners in (few, many):
            partners._get_credit_used(self.company)  # warm the ORM cache
            before = self.env.cr.sql_log_count
            partners._get_credit_used(self.company)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
