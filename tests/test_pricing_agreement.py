from odoo.exceptions import AccessError, UserError, ValidationError

from .common import CustomerCase, freeze_clock


class AgreementCase(CustomerCase):
    """Customers, pricelists and payment terms for the agreement tests."""

    @classmethod
    def setUpClass(cls):
        super(AgreementCase, cls).setUpClass()
        cls.Agreement = cls.env["customer.pricing.agreement"]
        cls.customer = cls._create_customer("Agreement Customer", company_id=False)
        cls.other_customer = cls._create_customer("Other Customer", company_id=False)
        cls.contact = cls.Partner.create(
            {"name": "Ann Buyer", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.usd = cls.company.currency_id
        cls.eur = (
            cls.env.ref("base.EUR")
            if cls.usd != cls.env.ref("base.EUR")
            else cls.env.ref("base.USD")
        )
        cls.pricelist_home = cls.env["product.pricelist"].create(
            {"name": "Agreement home pricelist", "currency_id": cls.usd.id}
        )
        cls.pricelist_foreign = cls.env["product.pricelist"].create(
            {"name": "Agreement foreign pricelist", "currency_id": cls.eur.id}
        )
        cls.term_45 = cls._payment_term("Net 45 (test)", 45)

    @classmethod
    def _create_agreement(cls, partner=None, **vals):
        values = {
            "partner_id": (partner or cls.customer).id,
            "date_start": "2030-01-01",
            "currency_id": cls.usd.id,
        }
        values.update(vals)
        return cls.Agreement.create(values)


class TestPricingAgreement(AgreementCase):
    def test_reference_from_sequence(self):
        agreement = self._create_agreement()
        self.assertRegex(agreement.name, r"^PA/\d{4}/\d{4}$")
        other = self._create_agreement()
        self.assertNotEqual(agreement.name, other.name)
        named = self._create_agreement(name="Frame contract 7")
        self.assertEqual(named.name, "Frame contract 7")
        self.assertEqual(agreement.state, "draft")
        self.assertEqual(agreement.invoice_policy, "per_order")
        self.assertEqual(agreement.company_id, self.company)

    def test_agreement_on_contact_goes_to_company(self):
        agreement = self._create_agreement(partner=self.contact)
        self.assertEqual(agreement.partner_id, self.customer)
        agreement.write({"partner_id": self.contact.id})
        self.assertEqual(agreement.partner_id, self.customer)

    def test_end_before_start_refused(self):
        count = self.Agreement.search_count([])
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            self._create_agreement(date_start="2030-06-01", date_end="2030-05-31")
        self.assertIn("2030-05-31", str(error.exception))
        self.assertEqual(self.Agreement.search_count([]), count)
        agreement = self._create_agreement(date_end="2030-01-01")  # one day is fine
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            agreement.write({"date_end": "2029-12-31"})
        agreement.invalidate_cache()
        self.assertEqual(agreement.date_end, "2030-01-01")

    def test_pricelist_must_be_in_agreement_currency(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._create_agreement(pricelist_id=self.pricelist_foreign.id)
        agreement = self._create_agreement(
            pricelist_id=self.pricelist_foreign.id, currency_id=self.eur.id
        )
        self.assertEqual(agreement.pricelist_id, self.pricelist_foreign)

    def test_onchange_pricelist_sets_currency(self):
        agreement = self.Agreement.new(
            {"partner_id": self.customer.id, "pricelist_id": self.pricelist_foreign.id}
        )
        agreement._onchange_pricelist_id()
        self.assertEqual(agreement.currency_id, self.eur)

    def test_overlapping_active_agreements_refused(self):
        first = self._create_agreement(date_end="2030-12-31")
        first.action_activate()
        self.assertEqual(first.state, "active")
        # Drafts may overlap; activating the overlapping one may not.
        second = self._create_agreement(date_start="2030-06-01")
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            second.action_activate()
        self.assertIn(first.name, str(error.exception))
        second.invalidate_cache()
        self.assertEqual(second.state, "draft")
        # Open-ended one that starts earlier overlaps too.
        earlier = self._create_agreement(date_start="2029-01-01")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            earlier.action_activate()
        # Right after the end: no overlap. Another customer: no overlap.
        after = self._create_agreement(date_start="2031-01-01")
        after.action_activate()
        self.assertEqual(after.state, "active")
        elsewhere = self._create_agreement(partner=self.other_customer)
        elsewhere.action_activate()
        self.assertEqual(elsewhere.state, "active")
        # Moving an active one into the other's period is refused as well.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            after.write({"date_start": "2030-12-31"})
        after.invalidate_cache()
        self.assertEqual(after.date_start, "2031-01-01")

    def test_activate_refuses_ended_agreement_and_set_draft(self):
        ended = self._create_agreement(date_start="2020-01-01", date_end="2020-12-31")
        with freeze_clock("2021-01-01"), self.assertRaises(UserError):
            ended.action_activate()
        self.assertEqual(ended.state, "draft")
        with freeze_clock("2020-12-31"):
            ended.action_activate()
        self.assertEqual(ended.state, "active")
        ended.action_set_draft()
        self.assertEqual(ended.state, "draft")

    def test_current_agreement_by_date(self):
        first = self._create_agreement(
            date_start="2030-01-01", date_end="2030-12-31", state="active"
        )
        second = self._create_agreement(date_start="2031-01-01", state="active")
        self._create_agreement(date_start="2029-01-01", state="draft")
        expired = self._create_agreement(
            date_start="2028-01-01", date_end="2028-12-31", state="expired"
        )
        current = self.Agreement._get_current_agreements
        self.assertEqual(
            current(self.customer, date="2030-01-01"), {self.customer.id: first}
        )
        self.assertEqual(
            current(self.customer, date="2030-12-31"), {self.customer.id: first}
        )
        self.assertEqual(
            current(self.customer, date="2031-01-01"), {self.customer.id: second}
        )
        self.assertEqual(
            current(self.customer, date="2045-01-01"), {self.customer.id: second}
        )
        self.assertEqual(current(self.customer, date="2029-06-01"), {})  # draft only
        self.assertEqual(current(self.customer, date="2028-06-01"), {})  # expired
        self.assertNotIn(expired, current(date="2028-06-01").values())
        # A contact gets its company's agreement.
        self.assertEqual(
            current(self.contact, date="2030-06-01"), {self.customer.id: first}
        )

    def test_active_agreement_past_its_end_no_longer_applies(self):
        agreement = self._create_agreement(
            date_start="2020-01-01", date_end="2020-06-30", state="active"
        )
        self.assertEqual(
            self.Agreement._get_current_agreements(self.customer, date="2020-06-30"),
            {self.customer.id: agreement},
        )
        # Not yet marked expired, yet not applicable the day after its end.
        self.assertEqual(
            self.Agreement._get_current_agreements(self.customer, date="2020-07-01"), {}
        )
        with freeze_clock("2020-07-01"):
            self.customer.invalidate_cache()
            self.assertFalse(self.customer.pricing_agreement_id)

    def test_partner_shows_agreement_valid_today(self):
        agreement = self._create_agreement(
            date_start="2030-01-01", date_end="2030-12-31", state="active"
        )
        for today, expected in (
            ("2029-12-31", False),
            ("2030-01-01", agreement),
            ("2030-12-31", agreement),
            ("2031-01-01", False),
        ):
            with freeze_clock(today):
                (self.customer | self.contact).invalidate_cache()
                self.assertEqual(
                    self.customer.pricing_agreement_id.id,
                    expected and expected.id,
                    today,
                )
                self.assertEqual(
                    self.contact.pricing_agreement_id.id,
                    expected and expected.id,
                    today,
                )
                self.assertEqual(
                    self.customer.agreement_invoice_policy,
                    expected and "per_order",
                    today,
                )
        self.assertEqual(self.customer.pricing_agreement_count, 1)
        self.assertEqual(self.customer.pricing_agreement_ids, agreement)

    def test_partner_agreement_computed_in_one_query(self):
        partners = self.Partner
        for index in range(6):
            partner = self._create_customer("Batch %s" % index)
            self._create_agreement(
                partner=partner, state="active", date_start="2000-01-01"
            )
            partners |= partner

        def queries(records):
            records.invalidate_cache()
            records = records.with_prefetch()
            records.mapped("commercial_partner_id")  # prefetch outside the count
            count = self.env.cr.sql_log_count
            records.mapped("pricing_agreement_id")
            return self.env.cr.sql_log_count - count

        small, large = queries(partners[:2]), queries(partners)
        self.assertTrue(small)
        self.assertEqual(small, large)
        self.assertEqual(len(partners.mapped("pricing_agreement_id")), 6)

    def test_search_customers_by_agreement(self):
        periodic = self._create_agreement(
            state="active", date_start="2000-01-01", invoice_policy="periodic"
        )
        found = self.Partner.search(
            [
                ("pricing_agreement_id", "!=", False),
                ("id", "in", (self.customer | self.other_customer | self.contact).ids),
            ]
        )
        self.assertEqual(found, self.customer | self.contact)
        self.assertEqual(
            self.Partner.search([("pricing_agreement_id", "=", periodic.id)]),
            self.customer | self.contact,
        )
        self.assertIn(
            self.other_customer,
            self.Partner.search([("pricing_agreement_id", "=", False)]),
        )
        self.assertEqual(
            self.Partner.search([("pricing_agreement_id", "ilike", periodic.name)]),
            self.customer | self.contact,
        )
        policy = self.Partner.search([("agreement_invoice_policy", "=", "periodic")])
        self.assertIn(self.customer, policy)
        self.assertNotIn(self.other_customer, policy)

    def test_expire_agreements(self):
        ended = self._create_agreement(
            date_start="2020-01-01", date_end="2020-01-31", state="active"
        )
        running = self._create_agreement(
            partner=self.other_customer, date_start="2020-01-01", state="active"
        )
        last_day = self._create_agreement(
            partner=self.contact,
            date_start="2020-02-01",
            date_end="2020-02-01",
            state="active",
        )
        expired = self.Agreement._expire_agreements(date="2020-02-01")
        self.assertIn(ended, expired)
        self.assertNotIn(last_day, expired)
        self.assertEqual(ended.state, "expired")
        self.assertEqual(running.state, "active")
        self.assertEqual(last_day.state, "active")
        with freeze_clock("2020-02-02"):
            self.Agreement._expire_agreements()
        self.assertEqual(last_day.state, "expired")
        self.assertEqual(running.state, "active")
        # The state change is tracked in the chatter.
        self.assertTrue(
            ended.message_ids.mapped("tracking_value_ids").filtered(
                lambda t: t.field == "state" and t.new_value_char == "Expired"
            )
        )


class TestPricingAgreementAccess(AgreementCase):
    def test_plain_user_reads_but_cannot_write(self):
        agreement = self._create_agreement()
        as_plain = agreement.sudo(self.plain_user)
        self.assertEqual(as_plain.partner_id, self.customer)
        with self.assertRaises(AccessError):
            as_plain.write({"notes": "changed"})
        with self.assertRaises(AccessError):
            as_plain.action_activate()
        with self.assertRaises(AccessError):
            self.Agreement.sudo(self.plain_user).create(
                {"partner_id": self.customer.id, "currency_id": self.usd.id}
            )
        self.assertEqual(agreement.state, "draft")
        self.assertFalse(agreement.notes)

    def test_customer_user_manages_agreements(self):
        agreement = self.Agreement.sudo(self.customer_user).create(
            {
                "partner_id": self.customer.id,
                "currency_id": self.usd.id,
                "date_start": "2000-01-01",
                "payment_term_id": self.term_45.id,
            }
        )
        agreement.write({"notes": "Signed at the fair"})
        agreement.action_activate()
        self.assertEqual(agreement.state, "active")
        self.assertEqual(
            self.customer.sudo(self.customer_user).pricing_agreement_id, agreement
        )
        with self.assertRaises(AccessError):
            agreement.unlink()
        agreement.sudo(self.manager).unlink()
        self.assertFalse(agreement.exists())

    def test_other_company_cannot_see_agreement(self):
        company_b = self.env["res.company"].create({"name": "Terms Company B"})
        user_b = self._create_user(
            "terms_company_b",
            ["customer_management.group_customer_user"],
            company=company_b,
        )
        agreement = self._create_agreement(state="active", date_start="2000-01-01")
        Agreement_b = self.Agreement.sudo(user_b)
        self.assertFalse(Agreement_b.search([("id", "=", agreement.id)]))
        with self.assertRaises(AccessError):
            Agreement_b.browse(agreement.id).read(["name"])
        # The shared customer has no current agreement in company B...
        self.assertFalse(self.customer.sudo(user_b).pricing_agreement_id)
        self.assertEqual(self.customer.sudo(user_b).pricing_agreement_count, 0)
        # ...and one in company A.
        self.assertEqual(
            self.customer.sudo(self.customer_user).pricing_agreement_id, agreement
        )
        # Company B's own agreement does not clash with company A's.
        own = Agreement_b.create(
            {
                "partner_id": self.customer.id,
                "currency_id": self.usd.id,
                "date_start": "2000-01-01",
            }
        )
        own.action_activate()
        self.assertEqual(own.company_id, company_b)
        self.assertEqual(self.customer.sudo(user_b).pricing_agreement_id, own)
