import psycopg2

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import CustomerCase


class TestCustomerNumber(CustomerCase):
    def _next_number(self):
        seq = self.env.ref("customer_management.seq_customer_number")
        return seq.get_next_char(seq.number_next_actual)

    def test_new_customer_gets_next_number_from_sequence(self):
        expected = self._next_number()
        first = self._create_customer("Numbered One")
        second = self._create_customer("Numbered Two")
        self.assertEqual(first.customer_number, expected)
        self.assertRegex(first.customer_number, r"^C\d{6}$")
        self.assertEqual(
            int(second.customer_number[1:]), int(first.customer_number[1:]) + 1
        )

    def test_individual_without_company_is_a_commercial_customer(self):
        person = self.Partner.create({"name": "Jane Buyer", "customer": True})
        self.assertTrue(person.customer_number)

    def test_contacts_and_non_customers_get_no_number(self):
        company = self._create_customer("Parent Co")
        contact = self.Partner.create({"name": "John Contact", "parent_id": company.id})
        vendor = self.Partner.create(
            {
                "name": "Vendor Co",
                "is_company": True,
                "customer": False,
                "supplier": True,
            }
        )
        self.assertFalse(contact.customer_number)
        self.assertFalse(vendor.customer_number)

    def test_number_assigned_when_partner_becomes_customer(self):
        vendor = self.Partner.create(
            {"name": "Later Customer", "is_company": True, "customer": False}
        )
        self.assertFalse(vendor.customer_number)
        expected = self._next_number()
        vendor.write({"customer": True})
        self.assertEqual(vendor.customer_number, expected)
        # Stays the same on later writes.
        vendor.write({"customer": False})
        vendor.write({"customer": True})
        self.assertEqual(vendor.customer_number, expected)

    def test_detached_contact_gets_number(self):
        company = self._create_customer("Old Employer")
        contact = self.Partner.create({"name": "Freelancer", "parent_id": company.id})
        self.assertFalse(contact.customer_number)
        contact.write({"parent_id": False})
        self.assertTrue(contact.customer_number)
        self.assertNotEqual(contact.customer_number, company.customer_number)

    def test_copy_gets_a_new_number(self):
        original = self._create_customer("Original Ltd")
        duplicate = original.copy()
        self.assertTrue(duplicate.customer_number)
        self.assertNotEqual(duplicate.customer_number, original.customer_number)

    def test_duplicate_number_in_same_company_is_refused(self):
        first = self._create_customer("First Co", company_id=self.company.id)
        second = self._create_customer("Second Co", company_id=self.company.id)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                second.write({"customer_number": first.customer_number})

    def test_same_number_allowed_in_another_company(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        first = self._create_customer("First Co", company_id=self.company.id)
        other = self._create_customer("Other Co", company_id=other_company.id)
        other.write({"customer_number": first.customer_number})
        self.assertEqual(other.customer_number, first.customer_number)

    def test_shared_partner_cannot_reuse_a_number(self):
        first = self._create_customer("Company Bound", company_id=self.company.id)
        shared = self._create_customer("Shared Co", company_id=False)
        old_number = shared.customer_number
        with self.assertRaisesRegex(ValidationError, first.customer_number):
            with self.env.cr.savepoint():
                shared.write({"customer_number": first.customer_number})
        shared.invalidate_cache()
        self.assertEqual(shared.customer_number, old_number)

    def test_same_name_customers_are_told_apart(self):
        paris = self._create_customer("Dupont Services", city="Paris")
        lyon = self._create_customer("Dupont Services", city="Lyon")
        names = dict((paris | lyon).name_get())
        self.assertNotEqual(names[paris.id], names[lyon.id])
        self.assertEqual(
            names[paris.id], "Dupont Services [%s]" % paris.customer_number
        )
        self.assertIn(lyon.customer_number, lyon.display_name)

    def test_contact_name_keeps_company_prefix(self):
        company = self._create_customer("Prefix Corp")
        contact = self.Partner.create({"name": "Ann", "parent_id": company.id})
        self.assertEqual(contact.display_name, "Prefix Corp, Ann")

    def test_name_search_by_number(self):
        customer = self._create_customer("Findable Trading")
        self._create_customer("Someone Else")
        found = self.Partner.name_search(customer.customer_number)
        self.assertEqual([pid for pid, _name in found], [customer.id])
        found = self.Partner.name_search(
            customer.customer_number[-4:], operator="ilike"
        )
        self.assertIn(customer.id, [pid for pid, _name in found])

    def test_search_by_number_field(self):
        customer = self._create_customer("Searched Co")
        self.assertEqual(
            self.Partner.search([("customer_number", "=", customer.customer_number)]),
            customer,
        )

    def test_number_is_readonly_in_views(self):
        view = self.Partner.fields_view_get(view_type="form")
        self.assertRegex(view["arch"], r'name="customer_number"')
        self.assertTrue(
            self.Partner.fields_get(["customer_number"])["customer_number"]["readonly"]
        )
