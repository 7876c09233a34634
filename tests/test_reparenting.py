from odoo.exceptions import AccessError

from .common import SalesCase

CREDIT = "Customer Management / Credit Manager"


class TestReparenting(SalesCase):
    """A hold follows the debt: moving a partner of a held or indebted
    customer to another commercial entity is a Credit Manager's act."""

    @classmethod
    def setUpClass(cls):
        super(TestReparenting, cls).setUpClass()
        cls.shell = cls._create_customer("Fresh Shell Ltd")

    def _customer_with_contact(self, name):
        customer = self._create_customer(name, user_id=self.customer_user.id)
        contact = self.Partner.create(
            {"name": "Buyer of %s" % name, "parent_id": customer.id}
        )
        return customer, contact

    def _assert_refused(self, partner, vals):
        before = {name: partner[name] for name in vals}
        with self.assertRaisesRegex(AccessError, CREDIT):
            partner.sudo(self.customer_user).write(vals)
        partner.invalidate_cache()
        for name, value in before.items():
            self.assertEqual(partner[name], value)

    def test_held_customer_contacts_stay(self):
        customer, contact = self._customer_with_contact("Held Co")
        customer._place_hold("overdue", automatic=False)
        self._assert_refused(contact, {"is_company": True, "parent_id": False})
        self._assert_refused(contact, {"parent_id": self.shell.id})
        self._assert_refused(customer, {"parent_id": self.shell.id})
        self.assertEqual(contact.commercial_partner_id, customer)
        # the Credit Manager may
        contact.sudo(self.credit_manager).write({"parent_id": self.shell.id})
        self.assertEqual(contact.commercial_partner_id, self.shell)

    def test_open_receivable_binds(self):
        customer, contact = self._customer_with_contact("Owing Co")
        self._invoice(customer, 300.0, "2026-11-01", "2026-12-31")
        self._assert_refused(contact, {"parent_id": self.shell.id})
        self._assert_refused(
            customer, {"is_company": False, "parent_id": self.shell.id}
        )

    def test_confirmed_uninvoiced_order_binds(self):
        _customer, contact = self._customer_with_contact("Ordering Co")
        self._order(contact, 250.0, confirm=True)
        self._assert_refused(contact, {"is_company": True, "parent_id": False})

    def test_clean_customer_contacts_move_freely(self):
        _customer, contact = self._customer_with_contact("Clean Co")
        self._order(contact, 250.0)  # a quotation owes nothing
        contact.sudo(self.customer_user).write({"parent_id": self.shell.id})
        self.assertEqual(contact.commercial_partner_id, self.shell)
        # the form sends the new company's terms with the move: a sync
        terms = self._create_customer("Terms Co", payment_days=30, credit_limit=900.0)
        contact.sudo(self.customer_user).write(
            {"parent_id": terms.id, "payment_days": 30, "credit_limit": 900.0}
        )
        self.assertEqual(contact.payment_days, 30)
        # moving into a held company is no escape: allowed
        held, _contact = self._customer_with_contact("Held Target")
        held._place_hold("overdue", automatic=False)
        contact.sudo(self.customer_user).write({"parent_id": held.id})
        self.assertEqual(contact.commercial_partner_id, held)

    def test_one_query_for_many_partners(self):
        partners = self.Partner
        for index in range(30):
            _customer, contact = self._customer_with_contact("Batch %s" % index)
            partners |= contact
        partners.mapped("parent_id")  # warm the cache
        count = self.cr.sql_log_count
        self.assertEqual(partners._get_bound_commercial_ids(), [])
        self.assertEqual(self.cr.sql_log_count - count, 1)
