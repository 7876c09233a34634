import psycopg2

from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .common import CustomerCase


class TestCustomerType(CustomerCase):
    def test_five_types_with_effort_levels(self):
        expected = {
            "customer_type_individual": "low",
            "customer_type_group": "normal",
            "customer_type_small_business": "normal",
            "customer_type_large_business": "high",
            "customer_type_international_business": "high",
        }
        for xmlid, effort in expected.items():
            ctype = self.env.ref("customer_management.%s" % xmlid)
            self.assertEqual(ctype.effort_level, effort, xmlid)
            self.assertTrue(ctype.description, xmlid)

    def test_partner_shows_type_and_effort(self):
        customer = self._create_customer(
            "Typed Co", customer_type_id=self.small_business.id
        )
        self.assertEqual(customer.effort_level, "normal")
        self.assertEqual(
            self.small_business.partner_count,
            self.Partner.search_count(
                [("customer_type_id", "=", self.small_business.id)]
            ),
        )

    def test_manager_configures_types(self):
        ctype = (
            self.env["customer.type"]
            .sudo(self.manager)
            .create(
                {
                    "name": "Public sector",
                    "effort_level": "high",
                    "description": "Tenders, long decision cycles.",
                }
            )
        )
        ctype.sudo(self.manager).write({"effort_level": "normal"})
        self.assertEqual(ctype.effort_level, "normal")
        ctype.sudo(self.manager).unlink()
        self.assertFalse(ctype.exists())

    def test_plain_user_cannot_change_types(self):
        ctype = self.small_business.sudo(self.plain_user)
        self.assertEqual(ctype.name, "Small business")  # may read
        with self.assertRaises(AccessError):
            ctype.write({"effort_level": "high"})
        with self.assertRaises(AccessError):
            self.env["customer.type"].sudo(self.plain_user).create({"name": "Sneaky"})
        with self.assertRaises(AccessError):
            ctype.unlink()
        self.assertEqual(self.small_business.effort_level, "normal")

    def test_customer_user_cannot_configure_types(self):
        with self.assertRaises(AccessError):
            self.env["customer.type"].sudo(self.customer_user).create({"name": "Nope"})
        with self.assertRaises(AccessError):
            self.small_business.sudo(self.credit_manager).write({"name": "Renamed"})

    def test_type_names_are_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.env["customer.type"].create({"name": "Small business"})

    def test_type_in_use_cannot_be_deleted(self):
        self._create_customer("Uses Type", customer_type_id=self.small_business.id)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.small_business.unlink()
