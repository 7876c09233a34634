from odoo.exceptions import AccessError, UserError

from .common import CustomerCase

CREDIT = "Customer Management / Credit Manager"
MANAGER = "Customer Management / Manager"
USER = "Customer Management / User"
HOLD = "Place on hold"


class TestFieldRights(CustomerCase):
    """The field-rights table, group by group, on write and on create: a
    refusal names who may do it and writes nothing."""

    @classmethod
    def setUpClass(cls):
        super(TestFieldRights, cls).setUpClass()
        cls.affiliate = cls._create_customer("Affiliate Ltd", is_affiliate=True)
        cls.users = {
            "plain": cls.plain_user,
            "salesperson": cls.customer_user,
            "credit": cls.credit_manager,
            "manager": cls.manager,
        }
        # field: (value written, who may, text of the refusal)
        cls.table = {
            "customer_status": (
                "negotiation",
                ("salesperson", "credit", "manager"),
                USER,
            ),
            "account_rating": ("a", ("salesperson", "credit", "manager"), USER),
            "credit_limit": (5000.0, ("credit", "manager"), CREDIT),
            "payment_days": (45, ("credit", "manager"), CREDIT),
            "early_discount_type": ("amount", ("credit", "manager"), CREDIT),
            "early_discount_value": (2.5, ("credit", "manager"), CREDIT),
            "early_discount_days": (10, ("credit", "manager"), CREDIT),
            "is_affiliate": (True, ("manager",), MANAGER),
            "affiliate_commission_rate": (12.5, ("manager",), MANAGER),
            "affiliate_id": (cls.affiliate.id, ("manager",), MANAGER),
            "hold_reason": ("forged", (), HOLD),
            "hold_automatic": (True, (), HOLD),
            "hold_date": ("2026-01-01", (), HOLD),
            "status_before_hold": ("active", (), HOLD),
        }

    def _customer(self):
        return self._create_customer(
            "Rights Co", early_discount_type="percent", user_id=self.customer_user.id
        )

    def _value(self, record, name):
        value = record[name]
        return value.id if name == "affiliate_id" else value

    def test_write_per_group(self):
        for name, (value, allowed, who) in self.table.items():
            for key, user in self.users.items():
                with self.subTest(field=name, user=key):
                    customer = self._customer()
                    before = self._value(customer, name)
                    if key in allowed:
                        customer.sudo(user).write({name: value})
                        customer.invalidate_cache()
                        self.assertEqual(self._value(customer, name), value)
                        continue
                    with self.assertRaises((AccessError, UserError)) as error:
                        customer.sudo(user).write({name: value})
                    self.assertIn(who, error.exception.name)
                    customer.invalidate_cache()
                    self.assertEqual(self._value(customer, name), before)

    def test_hold_fields_refused_even_to_the_superuser(self):
        customer = self._customer()
        for name in ("hold_reason", "hold_automatic", "status_before_hold"):
            with self.assertRaisesRegex(UserError, HOLD):
                customer.write({name: self.table[name][0]})
        with self.assertRaisesRegex(UserError, HOLD):
            customer.write({"customer_status": "hold"})
        # a context key sent over RPC is data, not the module's marker
        forged = customer.with_context(cm_hold_action="1")
        with self.assertRaisesRegex(UserError, HOLD):
            forged.write({"hold_automatic": True})
        self.assertFalse(customer.hold_automatic)
        self.assertNotEqual(customer.customer_status, "hold")

    def test_held_customer_leaves_hold_only_by_release(self):
        customer = self._customer()
        customer._place_hold("overdue", automatic=False)
        with self.assertRaisesRegex(UserError, "only a release by a Credit Manager"):
            customer.sudo(self.credit_manager).write({"customer_status": "active"})
        self.assertEqual(customer.customer_status, "hold")
        customer.sudo(self.credit_manager).action_release_hold("paid")
        self.assertNotEqual(customer.customer_status, "hold")

    def test_unchanged_values_pass(self):
        customer = self._customer()
        customer.write({"credit_limit": 100.0, "payment_days": 30})
        customer.sudo(self.customer_user).write(
            {"credit_limit": 100.0, "payment_days": 30, "name": "Same terms"}
        )
        self.assertEqual(customer.name, "Same terms")

    def test_create_per_group(self):
        for name, (value, allowed, who) in self.table.items():
            if name in ("customer_status", "account_rating"):
                continue  # creatable by whoever may create customers
            for key in ("salesperson", "credit", "manager"):
                user = self.users[key]
                with self.subTest(field=name, user=key):
                    vals = {
                        "name": "New %s" % name,
                        "customer": True,
                        "is_company": True,
                        "early_discount_type": "percent",
                    }
                    if key not in allowed or name == "early_discount_type":
                        vals.pop("early_discount_type")
                    vals[name] = value
                    Partner = self.Partner.sudo(user)
                    if key in allowed:
                        self.assertEqual(self._value(Partner.create(vals), name), value)
                        continue
                    count = self.Partner.search_count([("name", "=", vals["name"])])
                    with self.assertRaises((AccessError, UserError)) as error:
                        Partner.create(vals)
                    self.assertIn(who, error.exception.name)
                    self.assertEqual(
                        self.Partner.search_count([("name", "=", vals["name"])]), count
                    )

    def test_context_default_does_not_widen_rights(self):
        Partner = self.Partner.sudo(self.customer_user).with_context(
            default_credit_limit=1e6, default_hold_automatic=True
        )
        with self.assertRaisesRegex(AccessError, CREDIT):
            Partner.create({"name": "Default forger", "customer": True})

    def test_contact_copies_its_company_terms_for_any_user(self):
        company = self._customer()
        company.write(
            {
                "payment_days": 30,
                "credit_limit": 500.0,
                "early_discount_value": 2.0,
                "early_discount_days": 10,
            }
        )
        contact = self.Partner.sudo(self.customer_user).create(
            {"name": "Buyer", "parent_id": company.id, "payment_days": 30}
        )
        self.assertEqual(contact.payment_days, 30)
        self.assertEqual(contact.early_discount_value, 2.0)
        # the company's Credit Manager changes a term: contacts follow
        company.sudo(self.credit_manager).write({"payment_days": 40})
        self.assertEqual(contact.payment_days, 40)
        # a salesperson editing the company's address does not trip the sync
        company.sudo(self.customer_user).write({"street": "1 Main Street"})
        with self.assertRaisesRegex(AccessError, CREDIT):
            contact.sudo(self.customer_user).write({"payment_days": 90})

    def test_guarantors_belong_to_credit_managers(self):
        customer = self._customer()
        Guarantor = self.env["customer.guarantor"]
        for key in ("plain", "salesperson"):
            with self.subTest(user=key):
                with self.assertRaisesRegex(AccessError, CREDIT):
                    Guarantor.sudo(self.users[key]).create(
                        {"partner_id": customer.id, "name": "Uncle"}
                    )
        self.assertFalse(Guarantor.search([("partner_id", "=", customer.id)]))
        for key in ("credit", "manager"):
            guarantor = Guarantor.sudo(self.users[key]).create(
                {
                    "partner_id": customer.id,
                    "name": "Uncle %s" % key,
                    "guaranteed_amount": 100.0,
                }
            )
            guarantor.write({"guaranteed_amount": 200.0})
            self.assertEqual(guarantor.guaranteed_amount, 200.0)
        guarantor = Guarantor.search([("partner_id", "=", customer.id)], limit=1)
        for key in ("plain", "salesperson"):
            with self.subTest(user=key):
                with self.assertRaisesRegex(AccessError, CREDIT):
                    guarantor.sudo(self.users[key]).write({"guaranteed_amount": 9e6})
                with self.assertRaisesRegex(AccessError, CREDIT):
                    guarantor.sudo(self.users[key]).unlink()
        self.assertEqual(guarantor.guaranteed_amount, 200.0)
        # reading stays open to the sales users
        self.assertEqual(
            guarantor.sudo(self.customer_user).read(["name"])[0]["name"],
            guarantor.name,
        )
        guarantor.sudo(self.credit_manager).unlink()
        self.assertFalse(guarantor.exists())

    def test_reading_stays_open(self):
        customer = self._customer()
        customer.write({"credit_limit": 700.0, "payment_days": 20})
        for key, user in self.users.items():
            with self.subTest(user=key):
                row = customer.sudo(user).read(
                    ["credit_limit", "payment_days", "hold_reason", "is_affiliate"]
                )[0]
                self.assertEqual(row["credit_limit"], 700.0)
                self.assertEqual(row["payment_days"], 20)
