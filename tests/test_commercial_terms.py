import psycopg2

from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .common import CustomerCase, freeze_clock


class TestQuotationDefaults(CustomerCase):
    """New quotations take pricelist, currency and payment term from the
    customer's current pricing agreement."""

    @classmethod
    def setUpClass(cls):
        super(TestQuotationDefaults, cls).setUpClass()
        cls.SaleOrder = cls.env["sale.order"]
        cls.usd = cls.company.currency_id
        eur = cls.env.ref("base.EUR")
        cls.foreign = eur if eur != cls.usd else cls.env.ref("base.USD")
        cls.default_pricelist = cls.env["product.pricelist"].create(
            {"name": "Terms default pricelist", "currency_id": cls.usd.id}
        )
        cls.agreed_pricelist = cls.env["product.pricelist"].create(
            {"name": "Terms agreed pricelist", "currency_id": cls.usd.id}
        )
        cls.foreign_pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Terms foreign pricelist",
                "currency_id": cls.foreign.id,
                "sequence": 1,
            }
        )
        cls.term_45 = cls._payment_term("Net 45 (terms)", 45)
        cls.customer = cls._create_customer(
            "Agreed Customer", property_product_pricelist=cls.default_pricelist.id
        )
        cls.contact = cls.Partner.create(
            {"name": "Bob Orders", "parent_id": cls.customer.id}
        )
        cls.agreement = cls.env["customer.pricing.agreement"].create(
            {
                "partner_id": cls.customer.id,
                "currency_id": cls.usd.id,
                "pricelist_id": cls.agreed_pricelist.id,
                "payment_term_id": cls.term_45.id,
                "date_start": "2000-01-01",
                "date_end": "2099-12-31",
            }
        )
        cls.agreement.action_activate()

    def test_onchange_partner_takes_agreement(self):
        for partner in (self.customer, self.contact):
            order = self.SaleOrder.new({"partner_id": partner.id})
            order.onchange_partner_id()
            self.assertEqual(order.pricelist_id, self.agreed_pricelist, partner.name)
            self.assertEqual(order.payment_term_id, self.term_45, partner.name)
            self.assertEqual(order.currency_id, self.usd, partner.name)

    def test_rpc_create_takes_agreement(self):
        order = self.SaleOrder.create({"partner_id": self.customer.id})
        self.assertEqual(order.pricelist_id, self.agreed_pricelist)
        self.assertEqual(order.payment_term_id, self.term_45)
        from_contact = self.SaleOrder.create({"partner_id": self.contact.id})
        self.assertEqual(from_contact.pricelist_id, self.agreed_pricelist)
        self.assertEqual(from_contact.payment_term_id, self.term_45)

    def test_values_given_are_kept(self):
        immediate = self.env.ref("account.account_payment_term_immediate")
        order = self.SaleOrder.create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": self.default_pricelist.id,
                "payment_term_id": immediate.id,
            }
        )
        self.assertEqual(order.pricelist_id, self.default_pricelist)
        self.assertEqual(order.payment_term_id, immediate)

    def test_customer_without_agreement_keeps_its_pricelist(self):
        other = self._create_customer(
            "No Agreement", property_product_pricelist=self.default_pricelist.id
        )
        order = self.SaleOrder.create({"partner_id": other.id})
        self.assertEqual(order.pricelist_id, self.default_pricelist)
        self.assertFalse(order.payment_term_id)

    def test_expired_agreement_not_applied(self):
        other = self._create_customer(
            "Expired Terms", property_product_pricelist=self.default_pricelist.id
        )
        ended = self.env["customer.pricing.agreement"].create(
            {
                "partner_id": other.id,
                "currency_id": self.usd.id,
                "pricelist_id": self.agreed_pricelist.id,
                "payment_term_id": self.term_45.id,
                "date_start": "2001-01-01",
                "date_end": "2001-12-31",
                "state": "active",
            }
        )
        # Past its end date: not applied even before the daily expiry runs...
        order = self.SaleOrder.create({"partner_id": other.id})
        self.assertEqual(order.pricelist_id, self.default_pricelist)
        self.assertFalse(order.payment_term_id)
        new = self.SaleOrder.new({"partner_id": other.id})
        new.onchange_partner_id()
        self.assertEqual(new.pricelist_id, self.default_pricelist)
        self.assertFalse(new.payment_term_id)
        # ...and expired by it.
        self.env["customer.pricing.agreement"]._expire_agreements()
        self.assertEqual(ended.state, "expired")
        order = self.SaleOrder.create({"partner_id": other.id})
        self.assertFalse(order.payment_term_id)

    def test_agreement_applies_from_its_start_date(self):
        other = self._create_customer(
            "Future Terms", property_product_pricelist=self.default_pricelist.id
        )
        self.env["customer.pricing.agreement"].create(
            {
                "partner_id": other.id,
                "currency_id": self.usd.id,
                "payment_term_id": self.term_45.id,
                "date_start": "2030-03-01",
                "state": "active",
            }
        )
        with freeze_clock("2030-02-28"):
            order = self.SaleOrder.create({"partner_id": other.id})
        self.assertFalse(order.payment_term_id)
        with freeze_clock("2030-03-01"):
            order = self.SaleOrder.create({"partner_id": other.id})
        self.assertEqual(order.payment_term_id, self.term_45)

    def test_agreement_currency_picks_a_pricelist_in_it(self):
        other = self._create_customer(
            "Foreign Payer", property_product_pricelist=self.default_pricelist.id
        )
        self.env["customer.pricing.agreement"].create(
            {
                "partner_id": other.id,
                "currency_id": self.foreign.id,
                "date_start": "2000-01-01",
                "state": "active",
            }
        )
        order = self.SaleOrder.create({"partner_id": other.id})
        self.assertEqual(order.currency_id, self.foreign)
        self.assertEqual(order.pricelist_id.currency_id, self.foreign)
        # Same currency as the customer's pricelist: that pricelist is kept.
        same = self._create_customer(
            "Home Payer", property_product_pricelist=self.default_pricelist.id
        )
        self.env["customer.pricing.agreement"].create(
            {
                "partner_id": same.id,
                "currency_id": self.usd.id,
                "date_start": "2000-01-01",
                "state": "active",
            }
        )
        self.assertEqual(
            self.SaleOrder.create({"partner_id": same.id}).pricelist_id,
            self.default_pricelist,
        )


class TestServiceArea(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestServiceArea, cls).setUpClass()
        cls.sales_team = cls.env["crm.team"].create({"name": "North sales (terms)"})
        cls.other_team = cls.env["crm.team"].create({"name": "South sales (terms)"})
        cls.delivery_team = cls.env["customer.delivery.team"].create(
            {
                "name": "North delivery",
                "code": "ND",
                "user_id": cls.customer_user.id,
                "member_ids": [(6, 0, [cls.customer_user.id])],
            }
        )
        cls.area = cls.env["customer.service.area"].create(
            {
                "name": "North",
                "code": "N",
                "team_id": cls.sales_team.id,
                "delivery_team_id": cls.delivery_team.id,
                "country_ids": [(6, 0, [cls.env.ref("base.us").id])],
            }
        )

    def test_create_fills_teams_from_area(self):
        customer = self._create_customer("Area Co", service_area_id=self.area.id)
        self.assertEqual(customer.team_id, self.sales_team)
        self.assertEqual(customer.delivery_team_id, self.delivery_team)
        given = self._create_customer(
            "Own Team Co", service_area_id=self.area.id, team_id=self.other_team.id
        )
        self.assertEqual(given.team_id, self.other_team)
        self.assertEqual(given.delivery_team_id, self.delivery_team)
        self.assertEqual(self.area.partner_count, 2)
        self.assertEqual(self.delivery_team.partner_count, 2)

    def test_write_fills_only_empty_teams(self):
        empty = self._create_customer("Empty Co")
        teamed = self._create_customer("Teamed Co", team_id=self.other_team.id)
        (empty | teamed).sudo(self.customer_user).write(
            {"service_area_id": self.area.id}
        )
        self.assertEqual(empty.team_id, self.sales_team)
        self.assertEqual(empty.delivery_team_id, self.delivery_team)
        self.assertEqual(teamed.team_id, self.other_team)
        self.assertEqual(teamed.delivery_team_id, self.delivery_team)
        self.assertEqual((empty | teamed).mapped("service_area_id"), self.area)
        # A team given in the same write wins.
        third = self._create_customer("Third Co")
        third.write({"service_area_id": self.area.id, "delivery_team_id": False})
        self.assertEqual(third.team_id, self.sales_team)
        self.assertFalse(third.delivery_team_id)

    def test_onchange_fills_empty_teams(self):
        partner = self.Partner.new(
            {
                "name": "Draft Co",
                "team_id": self.other_team.id,
                "service_area_id": self.area.id,
            }
        )
        partner._onchange_service_area_id()
        self.assertEqual(partner.team_id, self.other_team)
        self.assertEqual(partner.delivery_team_id, self.delivery_team)
        partner = self.Partner.new(
            {"name": "Blank Co", "service_area_id": self.area.id}
        )
        partner._onchange_service_area_id()
        self.assertEqual(partner.team_id, self.sales_team)

    def test_area_code_unique_per_company(self):
        Area = self.env["customer.service.area"]
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                Area.create({"name": "North again", "code": "N"})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Area.create({"name": "Shared north", "code": "N", "company_id": False})
        company_b = self.env["res.company"].create({"name": "Area Company B"})
        self.assertTrue(
            Area.create({"name": "North B", "code": "N", "company_id": company_b.id})
        )

    def test_area_states_within_its_countries(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.area.write(
                {"state_ids": [(6, 0, [self.env.ref("base.state_au_1").id])]}
            )
        self.area.write({"state_ids": [(6, 0, [self.env.ref("base.state_us_5").id])]})
        self.assertEqual(len(self.area.state_ids), 1)

    def test_configuration_is_for_managers(self):
        Area = self.env["customer.service.area"]
        Team = self.env["customer.delivery.team"]
        self.assertEqual(self.area.sudo(self.plain_user).name, "North")
        self.assertEqual(
            self.delivery_team.sudo(self.plain_user).name, "North delivery"
        )
        for user in (self.plain_user, self.customer_user, self.credit_manager):
            with self.assertRaises(AccessError):
                Area.sudo(user).create({"name": "Nope"})
            with self.assertRaises(AccessError):
                self.area.sudo(user).write({"name": "Renamed"})
            with self.assertRaises(AccessError):
                Team.sudo(user).create({"name": "Nope"})
        area = Area.sudo(self.manager).create({"name": "West", "code": "W"})
        Team.sudo(self.manager).create({"name": "West delivery"})
        area.sudo(self.manager).unlink()
        self.assertEqual(self.area.name, "North")

    def test_other_company_areas_hidden(self):
        company_b = self.env["res.company"].create({"name": "Area Company C"})
        hidden = self.env["customer.service.area"].create(
            {"name": "Elsewhere", "code": "E", "company_id": company_b.id}
        )
        visible = (
            self.env["customer.service.area"]
            .sudo(self.customer_user)
            .search([("id", "in", (hidden | self.area).ids)])
        )
        self.assertEqual(visible, self.area)


class TestPaymentTermsFields(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestPaymentTermsFields, cls).setUpClass()
        cls.customer = cls._create_customer("Terms Co")
        cls.contact = cls.Partner.create(
            {"name": "Dora Payables", "parent_id": cls.customer.id}
        )
        cls.term_30 = cls.env.ref("account.account_payment_term_net")
        cls.term_eom = cls._payment_term(
            "End of following month (terms)", 0, option="last_day_following_month"
        )

    def _assert_refused(self, vals, message=None, create=True):
        """``vals`` written on the customer is refused and nothing is written;
        with ``create``, a new customer with ``vals`` is refused as well."""
        partner = self.customer
        fields = list(vals)
        before = partner.read(fields)[0]
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            partner.write(vals)
        partner.invalidate_cache()
        self.assertEqual(partner.read(fields)[0], before, vals)
        if message:
            self.assertIn(message, str(error.exception))
        if not create:
            return error.exception
        # Creating with the same values is refused too, and creates nothing.
        name = "Refused %s" % sorted(vals.items())
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._create_customer(name, **vals)
        self.assertFalse(
            self.Partner.with_context(active_test=False).search([("name", "=", name)])
        )
        return error.exception

    def test_valid_terms_are_saved(self):
        vals = {
            "invoice_email": "invoices@terms.example.com",
            "invoice_name": "Accounts",
            "payment_days": 30,
            "property_payment_term_id": self.term_30.id,
            "early_discount_type": "percent",
            "early_discount_value": 2.5,
            "early_discount_days": 10,
            "fiscal_year_end_month": "2",
            "fiscal_year_end_day": 29,
            "invoice_period_end_day": 31,
            "fax": "+1 555 0199",
        }
        # the terms that decide money are a Credit Manager's (field rights)
        self.customer.sudo(self.credit_manager).write(vals)
        self.assertEqual(
            self.customer.read(list(vals))[0],
            dict(
                vals,
                id=self.customer.id,
                property_payment_term_id=(self.term_30.id, self.term_30.display_name),
            ),
        )

    def test_commercial_fields_follow_the_company(self):
        self.customer.write(
            {
                "payment_days": 15,
                "invoice_email": "ap@terms.example.com",
                "early_discount_type": "amount",
                "early_discount_value": 20,
                "fiscal_year_end_month": "6",
                "fiscal_year_end_day": 30,
                "invoice_period_end_day": 25,
            }
        )
        self.assertEqual(self.contact.payment_days, 15)
        self.assertEqual(self.contact.invoice_email, "ap@terms.example.com")
        self.assertEqual(self.contact.early_discount_value, 20)
        self.assertEqual(self.contact.fiscal_year_end_month, "6")
        self.assertEqual(self.contact.invoice_period_end_day, 25)
        new_contact = self.Partner.create(
            {"name": "Eve New", "parent_id": self.customer.id}
        )
        self.assertEqual(new_contact.payment_days, 15)
        # The fax is a contact's own number, not a commercial field.
        self.customer.write({"fax": "+1 555 0100"})
        self.assertFalse(self.contact.fax)

    def test_malformed_invoice_email(self):
        for email in ("not-an-email", "a@b", "two@x.com, three@y.com", "sp ace@x.com"):
            error = self._assert_refused({"invoice_email": email})
            self.assertIn(email, str(error))

    def test_discount_percent_out_of_range(self):
        for value in (100, 150, -1):
            self._assert_refused(
                {"early_discount_type": "percent", "early_discount_value": value},
                str(value),
            )
        self.customer.write(
            {"early_discount_type": "percent", "early_discount_value": 99.99}
        )
        self.assertEqual(self.customer.early_discount_value, 99.99)

    def test_discount_amount_negative_and_missing_type(self):
        self._assert_refused(
            {"early_discount_type": "amount", "early_discount_value": -5}
        )
        self._assert_refused(
            {"early_discount_value": 5}, "percentage or a fixed amount"
        )
        self.customer.write(
            {"early_discount_type": "amount", "early_discount_value": 500}
        )
        self.assertEqual(self.customer.early_discount_value, 500)

    def test_discount_days_beyond_payment_days(self):
        self.customer.write({"payment_days": 30})
        self._assert_refused({"early_discount_days": 31}, "30", create=False)
        self._assert_refused({"payment_days": 5, "early_discount_days": 10})
        self.customer.write({"early_discount_days": 30})
        # Without payment days, any discount days are accepted.
        other = self._create_customer("No Payment Days", early_discount_days=60)
        self.assertEqual(other.early_discount_days, 60)

    def test_negative_days(self):
        self._assert_refused({"payment_days": -1})
        self._assert_refused({"early_discount_days": -3})

    def test_impossible_fiscal_year_end(self):
        self._assert_refused(
            {"fiscal_year_end_month": "4", "fiscal_year_end_day": 31}, "April"
        )
        self._assert_refused(
            {"fiscal_year_end_month": "2", "fiscal_year_end_day": 30}, "February"
        )
        self._assert_refused({"fiscal_year_end_month": "12", "fiscal_year_end_day": 0})
        self._assert_refused({"fiscal_year_end_month": "12", "fiscal_year_end_day": -1})
        self._assert_refused({"fiscal_year_end_day": 15}, "both a month and a day")
        self._assert_refused({"fiscal_year_end_month": "3"}, "both a month and a day")
        self.customer.write({"fiscal_year_end_month": "2", "fiscal_year_end_day": 29})
        self.customer.write({"fiscal_year_end_month": "12", "fiscal_year_end_day": 31})
        self.assertEqual(self.customer.fiscal_year_end_day, 31)

    def test_invoice_period_end_day_range(self):
        for day in (32, -1, 100):
            self._assert_refused({"invoice_period_end_day": day}, str(day))
        for day in (1, 31):
            self.customer.write({"invoice_period_end_day": day})
            self.assertEqual(self.customer.invoice_period_end_day, day)

    def test_payment_term_must_match_payment_days(self):
        error = self._assert_refused(
            {"payment_days": 45, "property_payment_term_id": self.term_30.id}
        )
        self.assertIn("30", str(error))
        self.assertIn("45", str(error))
        self.customer.write({"property_payment_term_id": self.term_30.id})
        self._assert_refused({"payment_days": 20}, "20", create=False)
        self.customer.write({"payment_days": 30})
        self.assertEqual(self.customer.payment_days, 30)
        # Either one empty: nothing to compare.
        self.customer.write({"payment_days": 0})
        self.customer.write({"property_payment_term_id": False, "payment_days": 12})
        self.assertEqual(self.customer.payment_days, 12)

    def test_end_of_month_term_accepts_its_range(self):
        self.customer.write(
            {"property_payment_term_id": self.term_eom.id, "payment_days": 45}
        )
        error = self._assert_refused({"payment_days": 90}, create=False)
        self.assertIn("28 to 61", str(error))

    def test_plain_user_cannot_edit_terms(self):
        with self.assertRaises(AccessError):
            self.customer.sudo(self.plain_user).write({"payment_days": 10})
        self.assertEqual(self.customer.sudo(self.plain_user).payment_days, 0)
        # payment days are a Credit Manager's (field rights)
        with self.assertRaisesRegex(AccessError, "Credit Manager"):
            self.customer.sudo(self.customer_user).write({"payment_days": 10})
        self.customer.sudo(self.credit_manager).write({"payment_days": 10})
        self.assertEqual(self.customer.payment_days, 10)
