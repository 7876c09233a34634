from odoo.exceptions import AccessError

from .common import CustomerCase


class TestSecurity(CustomerCase):
    def test_admin_is_in_all_three_groups(self):
        admin = self.env.ref("base.user_root")
        for xmlid in (
            "group_customer_user",
            "group_credit_manager",
            "group_customer_manager",
        ):
            self.assertTrue(admin.has_group("customer_management.%s" % xmlid), xmlid)

    def test_group_hierarchy(self):
        self.assertTrue(
            self.manager.has_group("customer_management.group_credit_manager")
        )
        self.assertTrue(
            self.credit_manager.has_group("customer_management.group_customer_user")
        )
        self.assertFalse(
            self.customer_user.has_group("customer_management.group_credit_manager")
        )
        self.assertFalse(
            self.plain_user.has_group("customer_management.group_customer_user")
        )

    def test_customer_user_creates_and_edits_customers(self):
        customer = self.Partner.sudo(self.customer_user).create(
            {
                "name": "Made By Sales",
                "is_company": True,
                "customer": True,
                "customer_type_id": self.small_business.id,
            }
        )
        self.assertTrue(customer.customer_number)
        customer.write({"phone": "+1 555 0100"})
        self.assertEqual(customer.phone, "+1 555 0100")

    def test_plain_user_reads_but_cannot_create_customers(self):
        customer = self._create_customer("Readable")
        self.assertEqual(customer.sudo(self.plain_user).customer_status, "prospect_c")
        with self.assertRaises(AccessError):
            self.Partner.sudo(self.plain_user).create({"name": "Not allowed"})

    def test_menu_visible_to_customer_users_only(self):
        root = self.env.ref("customer_management.customer_management_menu_root")
        config = self.env.ref("customer_management.customer_management_menu_config")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(
            root, Menu.sudo(self.customer_user).search([("id", "=", root.id)])
        )
        self.assertFalse(Menu.sudo(self.plain_user).search([("id", "=", root.id)]))
        self.assertFalse(Menu.sudo(self.customer_user).search([("id", "=", config.id)]))
        self.assertIn(config, Menu.sudo(self.manager).search([("id", "=", config.id)]))

    def test_pipeline_groups_show_every_status(self):
        self._create_customer("Only One")
        groups = self.Partner.read_group(
            [("customer", "=", True), ("parent_id", "=", False)],
            ["customer_status"],
            ["customer_status"],
        )
        self.assertEqual(
            [g["customer_status"] for g in groups],
            [
                "prospect_c",
                "prospect_b",
                "prospect_a",
                "negotiation",
                "active",
                "hold",
                "inactive",
            ],
        )
