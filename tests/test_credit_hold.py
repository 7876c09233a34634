from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tools import formatLang

from .common import CustomerCase, SalesCase, SharedCursor, days_from_today


class CreditHoldCase(SalesCase):
    @classmethod
    def setUpClass(cls):
        super(CreditHoldCase, cls).setUpClass()
        cls.customer = cls._create_customer(
            "Hold Rules Co", user_id=cls.customer_user.id
        )
        cls.customer.write({"customer_status": "active"})
        cls.contact = cls.Partner.create(
            {"name": "Orderer", "parent_id": cls.customer.id}
        )

    def setUp(self):
        super(CreditHoldCase, self).setUp()
        SharedCursor.patch_refusals(self)

    def _reasons(self, partner=None, **kw):
        partner = partner or self.customer
        return partner._credit_hold_reasons(self.company, **kw)[partner.id]


class TestCreditLimitRule(CreditHoldCase):
    @classmethod
    def setUpClass(cls):
        super(TestCreditLimitRule, cls).setUpClass()
        cls.customer.write({"credit_limit": 1000.0})

    def test_order_within_limit_is_confirmed(self):
        order = self._order(self.customer, 600.0, confirm=True)
        self.assertEqual(order.state, "sale")
        self.customer.invalidate_cache()
        self.assertAlmostEqual(self.customer.credit_used, 600.0)
        self.assertAlmostEqual(self.customer.credit_available, 400.0)

    def test_order_up_to_exactly_the_limit_passes_then_limit_is_used_up(self):
        self._order(self.customer, 600.0, confirm=True)
        order = self._order(self.customer, 400.0, confirm=True)
        self.assertEqual(order.state, "sale")
        reasons = self._reasons()
        self.assertEqual([r["code"] for r in reasons], ["credit"])
        self.assertIn("used up", reasons[0]["message"])

    def test_order_past_the_limit_is_refused_with_amounts(self):
        self._order(self.customer, 600.0, confirm=True)
        order = self._order(self.contact, 450.0)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        message = error.exception.name
        self.assertIn("Hold Rules Co", message)
        self.assertIn("credit limit", message)
        for amount in ("1,000.00", "600.00", "450.00", "50.00"):
            self.assertIn(amount, message)
        self.assertEqual(order.state, "draft")
        # Recorded where it survives the rollback: message and activity; no
        # hold, as the credit used (600) does not reach the limit yet.
        self.assertEqual(self.customer.customer_status, "active")
        self.assertTrue(
            any(
                "cannot be confirmed" in body
                for body in order.message_ids.mapped("body")
            )
        )
        activity = self._activities(order)
        self.assertEqual(len(activity), 1)
        self.assertTrue(
            activity.user_id.has_group("customer_management.group_credit_manager")
        )
        # A smaller order within the limit still goes through.
        self.assertEqual(self._order(self.contact, 400.0, confirm=True).state, "sale")

    def test_refusal_at_the_limit_places_the_hold(self):
        self._order(self.customer, 1000.0, confirm=True)
        with self.assertRaises(UserError):
            self._order(self.contact, 10.0).action_confirm()
        self.assertEqual(self.customer.customer_status, "hold")
        self.assertTrue(self.customer.hold_automatic)
        self.assertEqual(self.customer.status_before_hold, "active")

    def test_quotations_can_still_be_written_for_a_held_customer(self):
        self.customer.action_place_hold("Test")
        order = self._order(self.contact, 10.0)
        order.write({"note": "still editable"})
        self.assertEqual(order.state, "draft")
        with self.assertRaisesRegex(UserError, "financial hold"):
            order.action_confirm()

    def test_batch_checks_all_orders_of_a_partner_together(self):
        first = self._order(self.customer, 600.0)
        second = self._order(self.contact, 600.0)
        with self.assertRaisesRegex(UserError, "1,200.00"):
            (first | second).action_confirm()
        self.assertEqual((first | second).mapped("state"), ["draft", "draft"])

    def test_batch_of_orders_that_fit_is_confirmed(self):
        other = self._create_customer("Other Buyer")
        orders = (
            self._order(self.customer, 400.0)
            | self._order(self.contact, 500.0)
            | self._order(other, 5000.0)
        )
        orders.action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"sale"})

    def test_credit_is_counted_per_company(self):
        sister = self.env["res.company"].create({"name": "Sister Co"})
        order = self._order(self.customer, 900.0)
        order.write({"company_id": sister.id})
        order.action_confirm()
        # 900 in the sister company does not use the main company's credit.
        self.assertEqual(self._order(self.customer, 900.0, confirm=True).state, "sale")

    def test_salesperson_cannot_override(self):
        order = self._order(self.customer, 1500.0)
        with self.assertRaises(AccessError):
            self.env["customer.credit.override"].sudo(self.customer_user).create(
                {"order_id": order.id, "amount_over": 500.0, "reason": "please"}
            )
        wizard = (
            self.env["customer.credit.override.wizard"]
            .sudo(self.customer_user)
            .with_context(active_id=order.id)
            .create({"reason": "x"})
        )
        with self.assertRaises(AccessError):
            wizard.action_approve_and_confirm()
        self.assertEqual(order.state, "draft")

    def test_credit_manager_override_lets_one_order_through(self):
        order = self._order(self.customer, 1500.0)
        wizard = (
            self.env["customer.credit.override.wizard"]
            .sudo(self.credit_manager)
            .with_context(active_id=order.id)
            .create({"reason": "Strategic deal, CFO agreed"})
        )
        self.assertAlmostEqual(wizard.amount_over, 500.0)
        wizard.action_approve_and_confirm()
        self.assertEqual(order.state, "sale")
        override = order.credit_override_ids
        self.assertEqual(override.approver_id, self.credit_manager)
        self.assertAlmostEqual(override.amount_over, 500.0)
        self.assertEqual(override.partner_id, self.customer)
        self.assertIn(override, self.customer.credit_override_ids)
        # It covers that order only: the next one is refused.
        with self.assertRaises(UserError):
            self._order(self.customer, 10.0).action_confirm()

    def test_override_after_a_refusal_releases_nothing_but_that_order(self):
        order = self._order(self.customer, 1500.0)
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertEqual(self.customer.customer_status, "active")  # would exceed
        self.assertTrue(order.credit_refusal_approvable)
        self.env["customer.credit.override.wizard"].sudo(
            self.credit_manager
        ).with_context(active_id=order.id).create(
            {"reason": "Approved after the refusal"}
        ).action_approve_and_confirm()
        self.assertEqual(order.state, "sale")
        # The approved order used the credit up: the next one holds it.
        with self.assertRaises(UserError):
            self._order(self.customer, 1.0).action_confirm()
        self.assertEqual(self.customer.customer_status, "hold")

    def test_manual_hold_blocks_even_an_approved_order(self):
        order = self._order(self.customer, 1500.0)
        self.customer.sudo(self.credit_manager).action_place_hold("Legal dispute")
        self.env["customer.credit.override"].sudo(self.credit_manager).create(
            {"order_id": order.id, "amount_over": 500.0, "reason": "deal"}
        )
        with self.assertRaisesRegex(UserError, "Legal dispute"):
            order.action_confirm()

    def test_override_smaller_than_the_excess_does_not_pass(self):
        order = self._order(self.customer, 1500.0)
        self.env["customer.credit.override"].sudo(self.credit_manager).create(
            {"order_id": order.id, "amount_over": 100.0, "reason": "small"}
        )
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_queries_of_a_confirmation_do_not_grow_with_invoices(self):
        counts = []
        for invoices in (1, 15):
            customer = self._create_customer("Invoices %s" % invoices)
            for _i in range(invoices):
                self._invoice(customer, 10.0, fields.Date.today())
            customer.write({"credit_limit": 100000.0})
            order = self._order(customer, 10.0)
            order._check_credit_hold()  # warm the caches of this order
            self.env.cr.execute("SELECT 1")
            before = self.env.cr.sql_log_count
            order._check_credit_hold()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])


class TestOverdueRule(CreditHoldCase):
    def test_overdue_past_grace_days_refuses(self):
        self._invoice(self.customer, 300.0, days_from_today(-40), days_from_today(-10))
        reasons = self._reasons()
        self.assertEqual(len(reasons), 1)
        self.assertEqual(reasons[0]["code"], "overdue")
        self.assertEqual(reasons[0]["days"], 10)
        self.assertAlmostEqual(reasons[0]["amount"], 300.0)
        with self.assertRaisesRegex(UserError, "overdue"):
            self._order(self.contact, 1.0).action_confirm()

    def test_exactly_on_the_grace_day_is_not_overdue(self):
        self._set_params(hold_grace_days=10)
        self._invoice(self.customer, 300.0, days_from_today(-40), days_from_today(-10))
        self.assertEqual(self._reasons(), [])
        self._invoice(self.customer, 50.0, days_from_today(-40), days_from_today(-11))
        self.assertEqual([r["count"] for r in self._reasons()], [1])

    def test_due_today_is_not_overdue(self):
        self._invoice(self.customer, 300.0, days_from_today(-30), days_from_today(0))
        self.assertEqual(self._reasons(), [])

    def test_payment_days_apply_to_invoices_without_payment_term(self):
        self.customer.write({"payment_days": 45})
        self._invoice(self.customer, 100.0, days_from_today(-40))
        self.assertEqual(self._reasons(), [])
        self._invoice(self.customer, 100.0, days_from_today(-50))
        self.assertEqual(self._reasons()[0]["days"], 5)

    def test_paid_invoice_no_longer_counts(self):
        invoice = self._invoice(
            self.customer, 300.0, days_from_today(-40), days_from_today(-10)
        )
        self._pay(invoice, amount=300.0)
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(self._reasons(), [])


class TestHoldReview(CreditHoldCase):
    def _review(self):
        self.env["res.partner"]._cron_review_credit_holds()
        self.customer.invalidate_cache()

    def test_cron_places_overdue_customer_on_hold_once(self):
        self._invoice(self.customer, 300.0, days_from_today(-40), days_from_today(-10))
        self._review()
        self.assertEqual(self.customer.customer_status, "hold")
        self.assertTrue(self.customer.hold_automatic)
        self.assertIn("overdue", self.customer.hold_reason)
        activities = self._activities(self.customer)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.customer_user)
        self._review()
        self.assertEqual(
            len(self._activities(self.customer)),
            1,
        )

    def test_full_payment_releases_automatic_hold(self):
        invoice = self._invoice(
            self.customer, 300.0, days_from_today(-40), days_from_today(-10)
        )
        self._review()
        self._pay(invoice, amount=300.0)
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.customer_status, "active")
        self.assertFalse(self.customer.hold_reason)
        self.assertTrue(
            any("released" in b for b in self.customer.message_ids.mapped("body"))
        )

    def test_partial_payment_under_the_limit_releases_in_cure_mode(self):
        invoice = self._invoice(self.customer, 1000.0, fields.Date.today())
        self.customer.write({"credit_limit": 1000.0})
        self._review()
        self.assertEqual(self.customer.customer_status, "hold")
        self._pay(invoice, amount=200.0)
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.customer_status, "active")

    def test_partial_payment_does_not_release_in_full_mode(self):
        self._set_params(hold_release_mode="full")
        invoice = self._invoice(self.customer, 1000.0, fields.Date.today())
        self.customer.write({"credit_limit": 1000.0})
        self._review()
        self._pay(invoice, amount=200.0)
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.customer_status, "hold")
        self._pay(invoice, amount=800.0)
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.customer_status, "active")

    def test_manual_hold_is_not_released_by_payment_or_review(self):
        invoice = self._invoice(
            self.customer, 300.0, days_from_today(-40), days_from_today(-10)
        )
        self.customer.sudo(self.credit_manager).action_place_hold("Disputed deliveries")
        self._pay(invoice, amount=300.0)
        self._review()
        self.assertEqual(self.customer.customer_status, "hold")
        self.assertFalse(self.customer.hold_automatic)

    def test_review_releases_cured_hold_and_returns_previous_status(self):
        self.customer.write({"customer_status": "negotiation"})
        self.customer.write({"credit_limit": 100.0})
        self._order(self.customer, 100.0, confirm=True)
        self._review()
        self.assertEqual(self.customer.customer_status, "hold")
        self.customer.write({"credit_limit": 500.0})
        self._review()
        self.assertEqual(self.customer.customer_status, "negotiation")

    def test_salesperson_cannot_release(self):
        self._invoice(self.customer, 300.0, days_from_today(-40), days_from_today(-10))
        self._review()
        with self.assertRaises(AccessError):
            self.customer.sudo(self.customer_user).action_release_hold("please")
        self.customer.sudo(self.credit_manager).action_release_hold("Promised to pay")
        self.assertEqual(self.customer.customer_status, "active")
        self.assertTrue(
            any(
                "Promised to pay" in b and "Test credit" in b
                for b in self.customer.message_ids.mapped("body")
            )
        )


class TestHoldNoteAmounts(CustomerCase):
    """The review's notes format their amounts once per currency, as
    formatLang does for each amount."""

    def test_amounts_written_as_format_lang_writes_them(self):
        self.env["res.lang"].load_lang("fr_FR")
        currencies = [self.env.ref("base.%s" % code) for code in ("EUR", "USD", "JPY")]
        amounts = [0.0, 7.5, -9876.555, 1234567.891]
        for lang in ("en_US", "fr_FR"):
            env = self.env(context=dict(self.env.context, lang=lang))
            for currency in currencies:
                money = env["res.partner"]._amount_formatter(currency)
                self.assertEqual(
                    [money(amount) for amount in amounts],
                    [formatLang(env, a, currency_obj=currency) for a in amounts],
                )
        fr_env = self.env(context=dict(self.env.context, lang="fr_FR"))
        euro = fr_env["res.partner"]._amount_formatter(currencies[0])
        self.assertNotEqual(euro(1234567.891), "1,234,567.89 €")  # French, not English


class TestHoldActions(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestHoldActions, cls).setUpClass()
        cls.customer = cls._create_customer("Held Co")
        cls.customer.write({"customer_status": "negotiation"})
        cls.contact = cls.Partner.create(
            {"name": "Held Contact", "parent_id": cls.customer.id}
        )

    def test_place_and_release_restore_previous_status(self):
        self.customer.sudo(self.credit_manager).action_place_hold("Invoice 42 unpaid")
        self.assertEqual(self.customer.customer_status, "hold")
        self.assertEqual(self.customer.status_before_hold, "negotiation")
        self.customer.sudo(self.credit_manager).action_release_hold("Paid in full")
        self.assertEqual(self.customer.customer_status, "negotiation")
        self.assertFalse(self.customer.status_before_hold)
        bodies = self.customer.message_ids.mapped("body")
        self.assertTrue(
            any("Invoice 42 unpaid" in b and "Test credit" in b for b in bodies)
        )
        self.assertTrue(any("Paid in full" in b for b in bodies))

    def test_hold_through_a_contact_holds_the_company(self):
        self.contact.sudo(self.credit_manager).action_place_hold("Overdue")
        self.assertEqual(self.customer.customer_status, "hold")

    def test_held_customer_cannot_be_moved_by_hand(self):
        self.customer.action_place_hold("Overdue")
        with self.assertRaisesRegex(UserError, "financial hold"):
            self.customer.write({"customer_status": "active"})
        with self.assertRaises(UserError):
            self.customer.action_status_forward()
        self.assertEqual(self.customer.customer_status, "hold")

    def test_reason_is_mandatory(self):
        for reason in ("", "   ", None, False):
            with self.assertRaisesRegex(UserError, "reason"):
                self.customer.action_place_hold(reason)
        self.assertEqual(self.customer.customer_status, "negotiation")

    def test_salesperson_cannot_place_or_release(self):
        with self.assertRaises(AccessError):
            self.customer.sudo(self.customer_user).action_place_hold("No")
        self.customer.action_place_hold("Overdue")
        with self.assertRaises(AccessError):
            self.customer.sudo(self.customer_user).action_release_hold("Please")
        self.assertEqual(self.customer.customer_status, "hold")

    def test_wizard_places_and_releases(self):
        Wizard = self.env["customer.hold.wizard"].sudo(self.credit_manager)
        ctx = {"active_model": "res.partner", "active_ids": self.customer.ids}
        Wizard.with_context(ctx, hold_mode="place").create(
            {"reason": "Limit used"}
        ).action_apply()
        self.assertEqual(self.customer.customer_status, "hold")
        Wizard.with_context(ctx, hold_mode="release").create(
            {"reason": "Paid"}
        ).action_apply()
        self.assertEqual(self.customer.customer_status, "negotiation")

    def test_wizard_refuses_salesperson(self):
        wizard = (
            self.env["customer.hold.wizard"]
            .sudo(self.customer_user)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .create({"reason": "x"})
        )
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertEqual(self.customer.customer_status, "negotiation")


class TestManualOnAutomaticHold(CustomerCase):
    """A manual hold placed on an automatic one makes it manual."""

    def test_manual_hold_replaces_automatic_one(self):
        customer = self._create_customer("Auto Held", customer_status="active")
        customer._place_hold("2 invoice(s) overdue", automatic=True)
        self.assertTrue(customer.hold_automatic)
        customer.sudo(self.credit_manager).action_place_hold("Fraud suspicion")
        customer.invalidate_cache()
        self.assertEqual(customer.customer_status, "hold")
        self.assertFalse(customer.hold_automatic)
        self.assertEqual(customer.hold_reason, "Fraud suspicion")
        self.assertEqual(customer.status_before_hold, "active")
        bodies = " ".join(customer.message_ids.mapped("body"))
        self.assertIn("2 invoice(s) overdue", bodies)
        self.assertIn("Fraud suspicion", bodies)
        # the payment rule no longer releases it: only a Credit Manager does
        self.assertFalse(customer._release_cured_holds())
        self.assertEqual(customer.customer_status, "hold")
        customer.sudo(self.credit_manager).action_release_hold("Cleared")
        self.assertEqual(customer.customer_status, "active")

    def test_salesperson_cannot_make_it_manual(self):
        customer = self._create_customer("Auto Held 2")
        customer._place_hold("overdue", automatic=True)
        with self.assertRaisesRegex(AccessError, "Credit Manager"):
            customer.sudo(self.customer_user).action_place_hold("mine")
        self.assertTrue(customer.hold_automatic)
        self.assertEqual(customer.hold_reason, "overdue")
