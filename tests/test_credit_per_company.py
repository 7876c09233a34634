import importlib.util
import os

from odoo.exceptions import AccessError, UserError
from odoo.tools import formatLang

from ..models.res_partner_credit_limit import copy_credit_limit_properties_to_column
from .common import SalesCase, SharedCursor

MIGRATION = os.path.join(
    os.path.dirname(__file__), "..", "migrations", "11.0.2.0.0", "post-migrate.py"
)


class CreditPerCompanyCase(SalesCase):
    """Company A (the main one, in USD) and company B (in EUR, 1 USD = 2 EUR);
    users of both companies, currently working in B."""

    @classmethod
    def setUpClass(cls):
        super(CreditPerCompanyCase, cls).setUpClass()
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.eur.id,
                "rate": 2.0,
                "name": "2000-01-01",
                "company_id": False,
            }
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "CPC Company B", "currency_id": cls.eur.id}
        )
        cls.pricelist_b = cls.env["product.pricelist"].create(
            {
                "name": "CPC B euros",
                "currency_id": cls.eur.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.sales_b = cls._create_user(
            "cpc_sales_b",
            ["customer_management.group_customer_user"],
            company=cls.company_b,
            companies=cls.company,
        )
        cls.credit_b = cls._create_user(
            "cpc_credit_b",
            ["customer_management.group_credit_manager"],
            company=cls.company_b,
            companies=cls.company,
        )
        cls.field = cls.env["ir.model.fields"]._get("res.partner", "credit_limit")
        # Shared by both companies (no company): its credit counts in each.
        cls.customer = cls._create_customer("CPC Shared Co", company_id=False)
        cls._set_limit(cls.customer, cls.company, 1000.0)
        cls._set_limit(cls.customer, cls.company_b, 500.0)

    @classmethod
    def _set_limit(cls, partner, company, limit):
        # as a Credit Manager working in ``company`` (Odoo's record rule on
        # ir.property: a user writes the properties of their current company)
        cls.credit_b.company_ids = [(4, company.id)]
        cls.credit_b.company_id = company
        partner.sudo(cls.credit_b).write({"credit_limit": limit})
        cls.credit_b.company_id = cls.company_b

    def _limit(self, partner, company):
        self.Partner.invalidate_cache()  # every model's
        return partner.with_context(force_company=company.id).credit_limit

    def _order_b(self, partner, amount, pricelist=None, confirm=True):
        """An order of company B: made by its salesperson, in euros unless
        ``pricelist`` says otherwise."""
        order = self._order(
            partner,
            amount,
            confirm=confirm,
            user=self.sales_b,
            pricelist=pricelist or self.pricelist_b,
        )
        self.assertEqual(order.company_id, self.company_b)
        return order

    def _properties(self, partners):
        return self.env["ir.property"].search(
            [
                ("fields_id", "=", self.field.id),
                ("res_id", "in", ["res.partner,%s" % p.id for p in partners]),
            ]
        )


class TestLimitPerCompany(CreditPerCompanyCase):
    def test_each_company_has_its_own_limit(self):
        self.assertEqual(self._limit(self.customer, self.company), 1000.0)
        self.assertEqual(self._limit(self.customer, self.company_b), 500.0)
        # The user's current company decides without force_company.
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.sudo(self.sales_b).credit_limit, 500.0)
        self.assertEqual(self.customer.sudo(self.customer_user).credit_limit, 1000.0)
        self.assertEqual(
            sorted(self._properties(self.customer).mapped("company_id").ids),
            sorted((self.company | self.company_b).ids),
        )

    def test_sql_reads_the_limit_as_the_orm_does(self):
        """Own property of the company, then own one for all companies, then
        the company's default, then the default for all companies."""
        Property = self.env["ir.property"]
        own = self._create_customer("CPC Own")
        shared_own = self._create_customer("CPC Own For All")
        bare = self._create_customer("CPC Defaults Only")
        self._set_limit(own, self.company, 100.0)
        self._set_limit(own, self.company_b, 200.0)
        self._set_limit(shared_own, self.company_b, 50.0)
        for res_id, company, value in (
            ("res.partner,%s" % shared_own.id, False, 300.0),
            (False, self.company_b.id, 700.0),
            (False, False, 5.0),
        ):
            Property.create(
                {
                    "name": "credit_limit",
                    "fields_id": self.field.id,
                    "res_id": res_id,
                    "company_id": company,
                    "type": "float",
                    "value_float": value,
                }
            )
        partners = own | shared_own | bare
        expected = {
            self.company: {own.id: 100.0, shared_own.id: 300.0, bare.id: 5.0},
            self.company_b: {own.id: 200.0, shared_own.id: 50.0, bare.id: 700.0},
        }
        for company, limits in expected.items():
            rows = self.Partner._read_credit_limits(partners.ids, company)
            self.assertEqual({row[0]: row[4] for row in rows}, limits)
            self.assertEqual({row[1] for row in rows}, {company.id})
            partners.invalidate_cache()
            orm = partners.with_context(force_company=company.id)
            self.assertEqual({p.id: p.credit_limit for p in orm}, limits)

    def test_limits_of_many_partners_in_one_query(self):
        partners = self.customer
        for index in range(25):
            partner = self._create_customer("CPC Many %s" % index)
            self._set_limit(partner, self.company_b, 10.0 + index)
            partners |= partner
        self.Partner._get_credit_limits(partners.ids, company=self.company_b)
        counts = []
        for subset in (partners[:1], partners):
            before = self.env.cr.sql_log_count
            limits = self.Partner._get_credit_limits(subset.ids, company=self.company_b)
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(limits), len(subset))
        self.assertEqual(counts, [1, 1])

    def test_credit_available_and_currency_follow_the_company(self):
        self._order_b(self.customer, 120.0)
        self._order(self.customer, 300.0, confirm=True)
        self.customer.invalidate_cache()
        in_b = self.customer.sudo(self.sales_b)
        self.assertEqual(in_b.credit_currency_id, self.eur)
        self.assertAlmostEqual(in_b.credit_used, 120.0)
        self.assertAlmostEqual(in_b.credit_available, 380.0)
        self.customer.invalidate_cache()
        in_a = self.customer.sudo(self.customer_user)
        self.assertEqual(in_a.credit_currency_id, self.company.currency_id)
        self.assertAlmostEqual(in_a.credit_available, 700.0)
        forced = in_b.with_context(force_company=self.company.id)
        self.customer.invalidate_cache()
        self.assertAlmostEqual(forced.credit_available, 700.0)

    def test_hold_warning_follows_the_company_of_the_credit_fields(self):
        """Computed with the credit fields, the warning weighs the limit of
        the same company: B's used up, A's not (force_company, as the
        limit)."""
        self._order_b(self.customer, 500.0)
        self.customer.invalidate_cache()
        in_b = self.customer.sudo(self.sales_b)
        self.assertAlmostEqual(in_b.credit_available, 0.0)
        self.assertIn("used up", in_b.credit_hold_warning)
        forced = in_b.with_context(force_company=self.company.id)
        self.customer.invalidate_cache()
        self.assertAlmostEqual(forced.credit_available, 1000.0)
        self.assertFalse(forced.credit_hold_warning)


class TestOrdersPerCompany(CreditPerCompanyCase):
    def setUp(self):
        super(TestOrdersPerCompany, self).setUp()
        SharedCursor.patch_refusals(self)

    def test_each_order_is_checked_against_its_company(self):
        self.assertEqual(
            self._order(
                self.customer, 900.0, confirm=True, user=self.customer_user
            ).state,
            "sale",
        )
        # B's 500 euros are not used by A's 900 dollars.
        self.assertEqual(self._order_b(self.customer, 450.0).state, "sale")
        self.assertEqual(
            self._order(
                self.customer, 100.0, confirm=True, user=self.customer_user
            ).state,
            "sale",
        )
        order = self._order_b(self.customer, 60.0, confirm=False)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        message = error.exception.name
        for text in ("€", "500.00", "450.00", "60.00", "10.00"):
            self.assertIn(text, message)
        self.assertNotIn("1,000.00", message)
        self.assertEqual(order.state, "draft")

    def test_order_in_another_currency_is_converted_to_the_company_one(self):
        pricelist_usd = self.env["product.pricelist"].create(
            {
                "name": "CPC B dollars",
                "currency_id": self.company.currency_id.id,
                "company_id": self.company_b.id,
            }
        )
        # 200 dollars are 400 euros in B: within B's 500.
        self.assertEqual(
            self._order_b(self.customer, 200.0, pricelist_usd).state, "sale"
        )
        # 60 more dollars are 120 euros: 520 euros, past B's limit.
        order = self._order_b(self.customer, 60.0, pricelist_usd, confirm=False)
        with self.assertRaisesRegex(UserError, "400.00"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_three_companies_three_limits_not_three_times_one(self):
        company_c = self.env["res.company"].create({"name": "CPC Company C"})
        self._set_limit(self.customer, company_c, 50.0)
        order = self._order(self.customer, 60.0)
        order.write({"company_id": company_c.id})
        with self.assertRaisesRegex(UserError, "50.00"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_override_wizard_reads_the_order_company_limit(self):
        self._order_b(self.customer, 450.0)
        order = self._order_b(self.customer, 100.0, confirm=False)
        wizard = (
            self.env["customer.credit.override.wizard"]
            .sudo(self.credit_b)
            .with_context(active_id=order.id)
            .create({"reason": "Seasonal stock, approved"})
        )
        self.assertEqual(wizard.credit_limit, 500.0)
        self.assertAlmostEqual(wizard.credit_used, 450.0)
        self.assertAlmostEqual(wizard.amount_over, 50.0)
        self.assertEqual(wizard.currency_id, self.eur)


class TestReviewPerCompany(CreditPerCompanyCase):
    def test_review_holds_against_the_limit_of_the_customer_company(self):
        bound_b = self._create_customer("CPC Bound B", company_id=self.company_b.id)
        bound_a = self._create_customer("CPC Bound A", company_id=self.company.id)
        limit_elsewhere = self._create_customer("CPC Limit Elsewhere")
        self._order_b(bound_b, 600.0)
        self._order(bound_a, 600.0, confirm=True)
        self._order(limit_elsewhere, 600.0, confirm=True)
        self._set_limit(bound_b, self.company_b, 500.0)
        self._set_limit(bound_b, self.company, 10000.0)
        self._set_limit(bound_a, self.company, 10000.0)
        self._set_limit(bound_a, self.company_b, 100.0)
        self._set_limit(limit_elsewhere, self.company_b, 100.0)
        self.Partner._cron_review_credit_holds()
        self.assertEqual(bound_b.customer_status, "hold")
        self.assertIn("€ 500.00", bound_b.hold_reason)
        self.assertIn("€ 600.00", bound_b.hold_reason)
        # the note's amounts are company B's, with its currency (euro)
        note = formatLang(self.env, 500.0, currency_obj=self.eur)
        used = formatLang(self.env, 600.0, currency_obj=self.eur)
        self.assertTrue(
            any(
                "Credit limit %s, credit used %s" % (note, used) in body
                for body in bound_b.message_ids.mapped("body")
            )
        )
        self.assertNotEqual(bound_a.customer_status, "hold")
        self.assertNotEqual(limit_elsewhere.customer_status, "hold")
        # B raises its limit: the next review releases the automatic hold.
        self._set_limit(bound_b, self.company_b, 1000.0)
        self.Partner._cron_review_credit_holds()
        self.assertNotEqual(bound_b.customer_status, "hold")


class TestLimitRightsPerCompany(CreditPerCompanyCase):
    def test_only_credit_manager_writes_a_company_limit(self):
        for user in (self.sales_b, self.customer_user):
            with self.assertRaises(AccessError):
                self.customer.sudo(user).write({"credit_limit": 1e6})
            with self.assertRaises(AccessError):
                self.customer.sudo(user).with_context(
                    force_company=self.company.id
                ).write({"credit_limit": 1e6})
        self.assertEqual(self._limit(self.customer, self.company), 1000.0)
        self.assertEqual(self._limit(self.customer, self.company_b), 500.0)
        # A Credit Manager working in B changes B's limit only; A's limit is
        # out of reach until they switch company.
        self.customer.sudo(self.credit_b).write({"credit_limit": 800.0})
        with self.assertRaises(AccessError):
            self.customer.sudo(self.credit_b).with_context(
                force_company=self.company.id
            ).write({"credit_limit": 1.0})
        self.assertEqual(self._limit(self.customer, self.company_b), 800.0)
        self.assertEqual(self._limit(self.customer, self.company), 1000.0)

    def test_limit_properties_are_not_a_side_door(self):
        Property = self.env["ir.property"].sudo(self.sales_b)
        prop = self._properties(self.customer).filtered(
            lambda p: p.company_id == self.company_b
        )
        with self.assertRaises(AccessError):
            prop.sudo(self.sales_b).write({"value_float": 1e9})
        with self.assertRaises(AccessError):
            prop.sudo(self.sales_b).unlink()
        for res_id in ("res.partner,%s" % self.customer.id, False):
            with self.assertRaises(AccessError):
                Property.create(
                    {
                        "name": "credit_limit",
                        "fields_id": self.field.id,
                        "res_id": res_id,
                        "company_id": self.company.id,
                        "type": "float",
                        "value_float": 1e9,
                    }
                )
        self.assertEqual(self._limit(self.customer, self.company_b), 500.0)
        self.assertEqual(len(self._properties(self.customer)), 2)
        # A contact's copy of its company's limit is not guarded (the ORM
        # syncs it when a salesperson adds a contact).
        contact = self.Partner.sudo(self.sales_b).create(
            {"name": "CPC Buyer", "parent_id": self.customer.id}
        )
        self.assertEqual(self._limit(contact, self.company_b), 500.0)


class TestMigration(CreditPerCompanyCase):
    """The upgrade to 11.0.2.0.0 turns the column into per-company properties."""

    @classmethod
    def setUpClass(cls):
        super(TestMigration, cls).setUpClass()
        spec = importlib.util.spec_from_file_location("cm_migrate_11_0_2", MIGRATION)
        cls.migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cls.migration)

    def _column(self, partners, value):
        # what base Odoo kept: the column, and no property
        self.env.cr.execute(
            "UPDATE res_partner SET credit_limit = %s WHERE id IN %s",
            (value, tuple(partners.ids)),
        )
        self.env.cr.execute(
            "DELETE FROM ir_property WHERE fields_id = %s", (self.field.id,)
        )

    def test_column_becomes_every_company_limit(self):
        company_c = self.env["res.company"].create({"name": "CPC Company C"})
        companies = self.env["res.company"].search([])
        bound_b = self._create_customer("CPC Mig B", company_id=self.company_b.id)
        none = self._create_customer("CPC Mig No Limit")
        self.env.cr.execute("UPDATE res_partner SET credit_limit = 0")
        self._column(self.customer | bound_b, 1500.0)
        self.migration.migrate(self.env.cr, "11.0.1.0.0")
        for partner in (self.customer, bound_b):
            for company in companies:
                self.assertEqual(self._limit(partner, company), 1500.0)
            self.assertEqual(len(self._properties(partner)), len(companies))
        self.assertFalse(self._properties(none))
        self.assertEqual(self._limit(none, company_c), 0.0)

    def test_idempotent_and_keeps_existing_properties(self):
        self._column(self.customer, 1500.0)
        self._set_limit(self.customer, self.company_b, 42.0)
        self.migration.migrate(self.env.cr, "11.0.1.0.0")
        count = len(self._properties(self.customer))
        self.migration.migrate(self.env.cr, "11.0.1.0.0")
        self.assertEqual(len(self._properties(self.customer)), count)
        self.assertEqual(self._limit(self.customer, self.company_b), 42.0)
        self.assertEqual(self._limit(self.customer, self.company), 1500.0)

    def test_fresh_install_is_not_migrated(self):
        self._column(self.customer, 1500.0)
        self.migration.migrate(self.env.cr, None)
        self.assertFalse(self._properties(self.customer))

    def test_uninstall_puts_the_own_company_limit_in_the_column(self):
        bound_b = self._create_customer("CPC Uninstall B", company_id=self.company_b.id)
        self._set_limit(bound_b, self.company_b, 250.0)
        self._set_limit(bound_b, self.company, 9999.0)
        copy_credit_limit_properties_to_column(self.env.cr)
        self.env.cr.execute(
            "SELECT id, credit_limit FROM res_partner WHERE id IN %s",
            (tuple((self.customer | bound_b).ids),),
        )
        self.assertEqual(
            dict(self.env.cr.fetchall()),
            {self.customer.id: 1000.0, bound_b.id: 250.0},  # shared: main company
        )
        self.assertFalse(self._properties(self.customer | bound_b))
