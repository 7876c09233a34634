from odoo.exceptions import AccessError, ValidationError

from .common import CustomerCase


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
