from unittest import mock

from odoo.exceptions import AccessError

from .common import SalesCase, freeze_clock


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


class TestCustomerSince(SalesCase):
    @classmethod
    def setUpClass(cls):
        super(TestCustomerSince, cls).setUpClass()
        cls.customer = cls._create_customer("First Order Co")
        cls.contact = cls.Partner.create(
            {"name": "Carl Contact", "parent_id": cls.customer.id}
        )

    def test_set_on_first_confirmation_only(self):
        self.assertFalse(self.customer.customer_since)
        quotation = self._order(self.customer)
        self.assertFalse(self.customer.customer_since)  # a quotation is not enough
        with freeze_clock("2030-05-06"):
            self._order(self.contact).action_confirm()
        self.assertEqual(self.customer.customer_since, "2030-05-06")
        self.assertFalse(self.contact.customer_since)
        with freeze_clock("2030-07-01"):
            quotation.action_confirm()
        self.assertEqual(self.customer.customer_since, "2030-05-06")

    def test_manual_date_is_kept(self):
        self.customer.sudo(self.customer_user).write({"customer_since": "2010-01-01"})
        with freeze_clock("2030-05-06"):
            self._order(self.customer).action_confirm()
        self.assertEqual(self.customer.customer_since, "2010-01-01")

    def test_batch_confirmation_one_write(self):
        other = self._create_customer("Second Order Co")
        orders = (
            self._order(self.customer) | self._order(other) | self._order(self.contact)
        )
        writes = []
        Partner = type(self.Partner)
        original = Partner.write

        def spy(records, vals):
            if "customer_since" in vals:
                writes.append(records.ids)
            return original(records, vals)

        with freeze_clock("2030-01-02"), mock.patch.object(Partner, "write", spy):
            orders.action_confirm()
        self.assertEqual(len(writes), 1)
        self.assertEqual(sorted(writes[0]), sorted((self.customer | other).ids))
        self.assertEqual(other.customer_since, "2030-01-02")

    def test_set_for_a_salesperson_who_cannot_edit_customers(self):
        # A plain Sales user may confirm orders but not write on partners.
        salesman = self._create_user(
            "terms_salesman", ["sales_team.group_sale_salesman"]
        )
        order = self._order(self.customer)
        order.user_id = salesman
        with self.assertRaises(AccessError):
            self.customer.sudo(salesman).write({"customer_since": "2030-01-01"})
        with freeze_clock("2030-01-03"):
            order.sudo(salesman)._update_customer_since()
        self.assertEqual(self.customer.customer_since, "2030-01-03")

    def test_batch_method_fills_empty_dates_from_first_order(self):
        other = self._create_customer("Backfill Co")
        typed = self._create_customer("Typed Co", customer_since="2005-05-05")
        never = self._create_customer("Never Bought Co")
        first, later = self._order(self.contact), self._order(self.customer)
        other_order, typed_order = self._order(other), self._order(typed)
        cancelled = self._order(never)
        (first | later | other_order | typed_order).action_confirm()
        cancelled.action_cancel()
        first.write({"confirmation_date": "2021-03-04 10:00:00"})
        later.write({"confirmation_date": "2022-01-01 08:00:00"})
        other_order.write({"confirmation_date": "2019-12-31 12:00:00"})
        typed_order.write({"confirmation_date": "2020-01-01 12:00:00"})
        (self.customer | other).write({"customer_since": False})
        filled = self.Partner._compute_customer_since_batch()
        self.assertIn(self.customer, filled)
        self.assertNotIn(typed, filled)
        self.assertEqual(self.customer.customer_since, "2021-03-04")
        self.assertEqual(other.customer_since, "2019-12-31")
        self.assertEqual(typed.customer_since, "2005-05-05")
        self.assertFalse(never.customer_since)
        self.assertFalse(self.contact.customer_since)
        # Restricted to a recordset: the others are left alone.
        (self.customer | other).write({"customer_since": False})
        self.contact._compute_customer_since_batch()
        self.assertEqual(self.customer.customer_since, "2021-03-04")
        self.assertFalse(other.customer_since)
