from xml.etree import ElementTree

from odoo.exceptions import AccessError

from .common import CustomerCase


class TestReferrals(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestReferrals, cls).setUpClass()
        cls.alpha = cls._create_customer("Alpha")
        cls.beta = cls._create_customer("Beta", parent_customer_id=cls.alpha.id)
        cls.gamma = cls._create_customer("Gamma", parent_customer_id=cls.beta.id)
        cls.delta = cls._create_customer("Delta", parent_customer_id=cls.alpha.id)

    def test_referral_counts(self):
        self.assertEqual(self.alpha.referral_ids, self.beta | self.delta)
        self.assertEqual(
            [
                p.referral_count
                for p in self.alpha | self.beta | self.gamma | self.delta
            ],
            [2, 1, 0, 0],
        )
        self.delta.write({"parent_customer_id": False})
        self.assertEqual(self.alpha.referral_count, 1)

    def test_self_referral_refused(self):
        with self.refused():
            self.alpha.write({"parent_customer_id": self.alpha.id})
        self.assertFalse(self.alpha.parent_customer_id)
        contact = self.Partner.create(
            {"name": "Inside Alpha", "parent_id": self.alpha.id}
        )
        with self.refused():
            self.alpha.write({"parent_customer_id": contact.id})
        self.assertFalse(self.alpha.parent_customer_id)

    def test_referral_cycle_refused(self):
        # alpha -> beta -> gamma: gamma cannot have referred alpha.
        with self.refused():
            self.alpha.write({"parent_customer_id": self.gamma.id})
        self.assertFalse(self.alpha.parent_customer_id)
        with self.refused():
            self.beta.write({"parent_customer_id": self.gamma.id})
        self.assertEqual(self.beta.parent_customer_id, self.alpha)
        # delta was referred by alpha too: no loop through beta/gamma is allowed.
        with self.refused():
            self.alpha.write({"parent_customer_id": self.delta.id})
        self.assertFalse(self.alpha.parent_customer_id)
        # An outside referrer at the root of the chain is fine.
        root = self._create_customer("Root Referrer")
        self.alpha.write({"parent_customer_id": root.id})
        self.assertEqual(self.alpha.parent_customer_id, root)
        self.assertEqual(root.referral_count, 1)

    def test_referred_filter_and_action(self):
        scope = [("id", "in", (self.alpha | self.beta | self.gamma | self.delta).ids)]
        referred = self.Partner.search(scope + [("parent_customer_id", "!=", False)])
        self.assertEqual(referred, self.beta | self.gamma | self.delta)
        action = self.alpha.action_view_referrals()
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(action["domain"], [("parent_customer_id", "=", self.alpha.id)])
        self.assertEqual(action["context"]["default_parent_customer_id"], self.alpha.id)
        self.assertEqual(self.Partner.search(action["domain"]), self.beta | self.delta)


class TestAffiliates(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestAffiliates, cls).setUpClass()
        cls.affiliate = cls.Partner.create(
            {
                "name": "Finder Agency",
                "is_company": True,
                "is_affiliate": True,
                "affiliate_commission_rate": 12.5,
            }
        )
        cls.customer = cls._create_customer("Brought In", affiliate_id=cls.affiliate.id)
        cls.plain_partner = cls.Partner.create(
            {"name": "Just A Vendor", "supplier": True}
        )

    def test_affiliate_customer_count(self):
        second = self._create_customer("Also Brought", affiliate_id=self.affiliate.id)
        self.assertEqual(self.affiliate.affiliate_customer_count, 2)
        self.assertEqual(self.affiliate.affiliate_customer_ids, self.customer | second)
        self.assertEqual(self.customer.affiliate_customer_count, 0)
        action = self.affiliate.action_view_affiliate_customers()
        self.assertEqual(self.Partner.search(action["domain"]), self.customer | second)

    def test_non_affiliate_refused(self):
        with self.refused():
            self.customer.write({"affiliate_id": self.plain_partner.id})
        self.assertEqual(self.customer.affiliate_id, self.affiliate)
        with self.refused():
            self._create_customer("Wrongly Brought", affiliate_id=self.plain_partner.id)
        self.assertFalse(self.Partner.search([("name", "=", "Wrongly Brought")]))

    def test_own_affiliate_refused(self):
        with self.refused():
            self.affiliate.write({"affiliate_id": self.affiliate.id})
        self.assertFalse(self.affiliate.affiliate_id)

    def test_affiliate_with_customers_stays_affiliate(self):
        with self.refused():
            self.affiliate.write({"is_affiliate": False})
        self.assertTrue(self.affiliate.is_affiliate)
        self.customer.write({"affiliate_id": False})
        self.affiliate.write({"is_affiliate": False})
        self.assertFalse(self.affiliate.is_affiliate)

    def test_commission_rate_range(self):
        for bad in (-1.0, 100.01, 250.0):
            with self.refused():
                self.affiliate.write({"affiliate_commission_rate": bad})
            self.assertEqual(self.affiliate.affiliate_commission_rate, 12.5)
        self.affiliate.write({"affiliate_commission_rate": 100.0})
        self.assertEqual(self.affiliate.affiliate_commission_rate, 100.0)

    def test_affiliate_filters(self):
        partners = self.affiliate | self.customer | self.plain_partner
        scope = [("id", "in", partners.ids)]
        self.assertEqual(
            self.Partner.search(scope + [("is_affiliate", "=", True)]), self.affiliate
        )
        self.assertEqual(
            self.Partner.search(scope + [("affiliate_id", "!=", False)]), self.customer
        )
        action = self.env.ref("customer_management.res_partner_affiliate_action")
        self.assertIn("is_affiliate", action.domain)


class TestGuarantors(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestGuarantors, cls).setUpClass()
        cls.Guarantor = cls.env["customer.guarantor"]
        cls.customer = cls._create_customer("Guaranteed Ltd")
        cls.contact = cls.Partner.create(
            {"name": "Gus Director", "parent_id": cls.customer.id}
        )
        cls.director = cls.Partner.create(
            {
                "name": "Dora Director",
                "phone": "+1 555 0101",
                "email": "dora@example.com",
            }
        )

    def _values(self, **vals):
        values = {
            "partner_id": self.customer.id,
            "name": "Uncle Bob",
            "relation": "family",
            "guaranteed_amount": 5000.0,
            "email": "bob@example.com",
        }
        values.update(vals)
        return values

    def _count(self):
        return self.Guarantor.with_context(active_test=False).search_count(
            [("partner_id", "=", self.customer.id)]
        )

    def test_credit_manager_manages_guarantors(self):
        Guarantor = self.Guarantor.sudo(self.credit_manager)
        guarantor = Guarantor.create(self._values())
        self.assertEqual(guarantor.company_id, self.company)
        self.assertEqual(guarantor.currency_id, self.company.currency_id)
        guarantor.write({"guaranteed_amount": 7500.0})
        self.assertEqual(guarantor.guaranteed_amount, 7500.0)
        self.assertEqual(self.customer.guarantor_count, 1)
        guarantor.unlink()
        self.assertEqual(self._count(), 0)

    def test_salesperson_reads_but_cannot_manage_guarantors(self):
        guarantor = self.Guarantor.create(self._values())
        as_sales = guarantor.sudo(self.customer_user)
        self.assertEqual(as_sales.name, "Uncle Bob")
        with self.refused(AccessError):
            self.Guarantor.sudo(self.customer_user).create(
                self._values(name="Aunt May")
            )
        with self.refused(AccessError):
            as_sales.write({"guaranteed_amount": 1.0})
        with self.refused(AccessError):
            as_sales.unlink()
        # Nor through the customer form.
        with self.refused(AccessError):
            self.customer.sudo(self.customer_user).write(
                {"guarantor_ids": [(0, 0, {"name": "Sneaky", "relation": "other"})]}
            )
        self.assertEqual(self._count(), 1)
        self.assertEqual(guarantor.guaranteed_amount, 5000.0)

    def test_plain_user_cannot_read_guarantors(self):
        self.Guarantor.create(self._values())
        with self.refused(AccessError):
            self.Guarantor.sudo(self.plain_user).search([])

    def test_guarantor_partner_or_name_required(self):
        with self.refused():
            self.Guarantor.create(self._values(name=False))
        with self.refused():
            self.Guarantor.create(self._values(name="   "))
        self.assertEqual(self._count(), 0)
        guarantor = self.Guarantor.create(
            self._values(
                name=False, guarantor_partner_id=self.director.id, relation="director"
            )
        )
        self.assertEqual(guarantor.display_name, "Dora Director")

    def test_bad_email_refused(self):
        for bad in (
            "bob",
            "bob@",
            "bob@example",
            "a b@example.com",
            "x@y.com, z@w.com",
        ):
            with self.refused():
                self.Guarantor.create(self._values(email=bad))
        self.assertEqual(self._count(), 0)
        guarantor = self.Guarantor.create(self._values(email=" bob@example.com "))
        self.assertEqual(guarantor.email, "bob@example.com")
        with self.refused():
            guarantor.write({"email": "not-an-address"})
        self.assertEqual(guarantor.email, "bob@example.com")

    def test_negative_amount_refused(self):
        with self.refused():
            self.Guarantor.create(self._values(guaranteed_amount=-1.0))
        self.assertEqual(self._count(), 0)

    def test_customer_cannot_guarantee_itself(self):
        with self.refused():
            self.Guarantor.create(
                self._values(name=False, guarantor_partner_id=self.contact.id)
            )
        self.assertEqual(self._count(), 0)

    def test_contact_entered_as_customer(self):
        guarantor = self.Guarantor.create(self._values(partner_id=self.contact.id))
        self.assertEqual(guarantor.partner_id, self.customer)
        self.assertEqual(self.contact.guarantor_count, 1)

    def test_guarantors_to_contact(self):
        valid = self.Guarantor.create(self._values(valid_until="2999-12-31"))
        open_ended = self.Guarantor.create(self._values(name="Open Ended"))
        self.Guarantor.create(self._values(name="Expired", valid_until="2000-01-01"))
        archived = self.Guarantor.create(self._values(name="Archived"))
        archived.active = False
        self.assertEqual(self.contact._get_guarantors_to_contact(), valid | open_ended)
        self.assertEqual(self.customer.guarantor_count, 3)
        action = self.customer.action_view_guarantors()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
        self.assertEqual(action["context"], {"default_partner_id": self.customer.id})

    def test_form_guarantor_list_editable_for_credit_managers_only(self):
        arch = self.Partner.sudo(self.customer_user).fields_view_get(
            self.env.ref("base.view_partner_form").id, "form"
        )["arch"]
        nodes = ElementTree.fromstring(arch).findall(".//field[@name='guarantor_ids']")
        self.assertEqual(len(nodes), 1)
        self.assertIn("can_edit_guarantors", nodes[0].get("modifiers"))
        self.assertTrue(self.customer.sudo(self.credit_manager).can_edit_guarantors)
        self.assertFalse(self.customer.sudo(self.customer_user).can_edit_guarantors)
        arch = self.Partner.sudo(self.plain_user).fields_view_get(
            self.env.ref("base.view_partner_form").id, "form"
        )["arch"]
        self.assertFalse(
            ElementTree.fromstring(arch).findall(".//field[@name='guarantor_ids']")
        )


class TestContactRole(CustomerCase):
    def test_contact_role_on_contacts(self):
        customer = self._create_customer("Roles Inc")
        customer.write(
            {
                "child_ids": [
                    (0, 0, {"name": "Dee Cider", "contact_role": "decision_maker"}),
                    (0, 0, {"name": "Bea Buyer", "contact_role": "buyer"}),
                ]
            }
        )
        roles = {c.name: c.contact_role for c in customer.child_ids}
        self.assertEqual(roles, {"Dee Cider": "decision_maker", "Bea Buyer": "buyer"})
        self.assertEqual(
            self.Partner.search(
                [("parent_id", "=", customer.id), ("contact_role", "=", "buyer")]
            ).name,
            "Bea Buyer",
        )

    def test_contact_role_in_views(self):
        result = self.Partner.fields_view_get(
            self.env.ref("base.view_partner_form").id, "form"
        )
        doc = ElementTree.fromstring(result["arch"])
        self.assertTrue(doc.findall(".//sheet/group//field[@name='contact_role']"))
        child_views = result["fields"]["child_ids"]["views"]
        for view_type in ("form", "kanban"):
            arch = ElementTree.fromstring(child_views[view_type]["arch"])
            self.assertTrue(arch.findall(".//field[@name='contact_role']"), view_type)
