from odoo.exceptions import AccessError, ValidationError

from ..models.sale_order import STATE_CHANGES
from .common import EAST, WEST, SalesCase, freeze_clock


class TestPaymentBehaviour(SalesCase):
    """avg_days_late, late_invoice_count and payment_reliability from real
    invoices and payments, on 30 June 2019 (12 months: 1 July 2018 - 30 June 2019)."""

    today = "2019-06-30"

    def _behaviour(self, partner):
        partner._compute_payment_behaviour_batch(today=self.today)
        partner.invalidate_cache()
        return (
            partner.avg_days_late,
            partner.late_invoice_count,
            partner.payment_reliability,
        )

    def test_paid_late_partly_paid_open_past_due_and_on_time(self):
        partner = self._create_customer("Mixed Payer")
        on_time = self._invoice(partner, 100.0, "2019-03-01", "2019-03-31")
        self._pay(on_time, date="2019-03-20")
        late = self._invoice(partner, 100.0, "2019-03-01", "2019-03-31")
        self._pay(late, date="2019-04-15")  # 15 days late
        two_payments = self._invoice(partner, 100.0, "2019-03-01", "2019-03-31")
        self._pay(two_payments, date="2019-04-05", amount=40.0)
        self._pay(two_payments, date="2019-04-20", amount=60.0)  # paid 20 days late
        self.assertEqual(two_payments.state, "paid")
        partly_paid = self._invoice(partner, 100.0, "2019-05-11", "2019-06-10")
        self._pay(partly_paid, date="2019-06-05", amount=30.0)  # open, 20 days past due
        self._invoice(partner, 100.0, "2019-06-15", "2019-07-15")  # not due yet
        # (0 + 15 + 20 + 20) / 4 = 13.75 -> watch (average above 7, 3 late)
        self.assertEqual(self._behaviour(partner), (13.8, 3, "watch"))

    def test_invoices_outside_the_12_months_drafts_and_refunds_ignored(self):
        partner = self._create_customer("Old Debts")
        self._invoice(partner, 100.0, "2018-06-30", "2018-06-30")  # before the period
        self._invoice(partner, 100.0, "2018-07-01", "2019-06-20")  # 10 days past due
        self._invoice(partner, 100.0, "2019-01-01", "2019-01-01", validate=False)
        self._invoice(partner, 40.0, "2019-01-01", "2019-01-01", refund=True)
        self.assertEqual(self._behaviour(partner), (10.0, 1, "watch"))

    def test_good_payer(self):
        partner = self._create_customer("Punctual")
        for day in ("2019-01-10", "2019-02-10", "2019-03-10"):
            self._pay(self._invoice(partner, 100.0, day, day), date=day)
        self.assertEqual(self._behaviour(partner), (0.0, 0, "good"))

    def test_one_late_invoice_below_the_watch_thresholds_is_good(self):
        partner = self._create_customer("Once Late")
        self._pay(self._invoice(partner, 100.0, "2019-01-10"), date="2019-01-10")
        self._pay(self._invoice(partner, 100.0, "2019-02-10"), date="2019-02-22")
        # One late invoice (< 2), average 6 days (not above 7).
        self.assertEqual(self._behaviour(partner), (6.0, 1, "good"))

    def test_poor_payer_by_average_or_by_count(self):
        slow = self._create_customer("Very Slow")
        self._pay(
            self._invoice(slow, 100.0, "2019-01-01", "2019-01-31"), date="2019-03-17"
        )
        self.assertEqual(self._behaviour(slow), (45.0, 1, "poor"))
        often = self._create_customer("Often Late")
        for month in range(1, 6):
            due = "2019-%02d-01" % month
            self._pay(
                self._invoice(often, 100.0, due, due), date="2019-%02d-03" % month
            )
        self.assertEqual(self._behaviour(often), (2.0, 5, "poor"))

    def test_no_invoice_due_means_no_rating(self):
        partner = self._create_customer("No History")
        self.assertEqual(self._behaviour(partner), (0.0, 0, False))
        self._invoice(partner, 100.0, "2019-06-20", "2019-07-20")
        self.assertEqual(self._behaviour(partner), (0.0, 0, False))

    def test_invoices_of_contacts_count_for_the_company(self):
        partner = self._create_customer("Parent Co")
        contact = self.Partner.create({"name": "Accounts", "parent_id": partner.id})
        self._invoice(contact, 100.0, "2019-06-01", "2019-06-05")  # 25 days past due
        self.assertEqual(self._behaviour(partner), (25.0, 1, "watch"))

    def test_thresholds_are_settings(self):
        partner = self._create_customer("Configurable Payer")
        invoice = self._invoice(partner, 100.0, "2019-01-01", "2019-01-31")
        self._pay(invoice, date="2019-03-17")
        self._set_params(reliability_poor_days=60, reliability_watch_days=50)
        self.assertEqual(self._behaviour(partner), (45.0, 1, "good"))
        self._set_params(reliability_watch_count=1)
        self.assertEqual(self._behaviour(partner), (45.0, 1, "watch"))


class TestSuggestedRating(SalesCase):
    """suggested_rating from 12-month revenue, support load and discounts; the
    'rating differs' flag and filter."""

    today = "2019-06-30"

    def _suggested(self, partner):
        partner._compute_suggested_rating_batch(today=self.today)
        partner.invalidate_cache()
        return partner.suggested_rating

    def test_rule_thresholds_and_single_downgrade(self):
        settings = self.Partner._get_metrics_settings()
        rule = self.Partner._get_suggested_rating
        self.assertEqual(rule(100000.0, 0, 0.0, settings), "a")
        self.assertEqual(rule(99999.99, 0, 0.0, settings), "b")
        self.assertEqual(rule(20000.0, 0, 0.0, settings), "b")
        self.assertEqual(rule(19999.99, 0, 0.0, settings), "c")
        self.assertEqual(rule(150000.0, 2, 10.0, settings), "a")  # not yet
        self.assertEqual(rule(150000.0, 3, 0.0, settings), "b")  # support load
        self.assertEqual(rule(150000.0, 0, 10.01, settings), "b")  # discounts
        self.assertEqual(rule(150000.0, 5, 30.0, settings), "b")  # one grade only
        self.assertEqual(rule(50000.0, 3, 0.0, settings), "c")
        self.assertEqual(rule(500.0, 9, 50.0, settings), "c")

    def test_revenue_is_invoices_minus_refunds_of_12_months(self):
        partner = self._create_customer("Revenue Co")
        self._invoice(partner, 25000.0, "2019-01-15")
        self.assertEqual(self._suggested(partner), "b")
        self._invoice(partner, 6000.0, "2019-02-15", refund=True)
        self.assertEqual(self._suggested(partner), "c")  # 19,000
        self._invoice(partner, 90000.0, "2018-06-30")  # outside the period
        self._invoice(partner, 90000.0, "2019-06-01", validate=False)  # draft
        self.assertEqual(self._suggested(partner), "c")
        self._invoice(partner, 81000.0, "2018-07-01")  # first day: 100,000
        self.assertEqual(self._suggested(partner), "a")

    def test_open_complaints_and_requests_pull_down(self):
        partner = self._create_customer("Demanding Co")
        self._invoice(partner, 120000.0, "2019-03-01")
        self.assertEqual(self._suggested(partner), "a")
        Interaction = self.env["customer.interaction"]
        contact = self.Partner.create({"name": "Complainer", "parent_id": partner.id})
        Interaction.create(
            {
                "partner_id": partner.id,
                "interaction_type": "complaint",
                "summary": "Late delivery",
            }
        )
        Interaction.create(
            {
                "partner_id": contact.id,
                "interaction_type": "request",
                "summary": "Extra training",
            }
        )
        Interaction.create(
            {
                "partner_id": partner.id,
                "interaction_type": "call",
                "summary": "Courtesy call",
            }
        )
        handled = Interaction.create(
            {
                "partner_id": partner.id,
                "summary": "Old issue",
                "interaction_type": "complaint",
            }
        )
        handled.action_mark_done()
        self.assertEqual(self._suggested(partner), "a")  # 2 open
        third = Interaction.create(
            {
                "partner_id": partner.id,
                "summary": "Bad invoice",
                "interaction_type": "complaint",
            }
        )
        self.assertEqual(self._suggested(partner), "b")  # 3 open
        third.action_mark_done()
        self.assertEqual(self._suggested(partner), "a")

    def test_average_discount_pulls_down(self):
        partner = self._create_customer("Haggler")
        # Orders first: the credit hold refuses orders once invoices are overdue.
        self._order(partner, confirmation_date="2019-02-01 10:00:00", discount=15.0)
        self._order(partner, confirmation_date="2019-03-01 10:00:00", discount=5.0)
        third = self._order(partner, discount=12.0)
        self._invoice(partner, 30000.0, "2019-03-01")
        self.assertEqual(self._suggested(partner), "b")  # average 10 %: not above
        with STATE_CHANGES.mark(third):  # past the overdue hold, as if then
            third.write({"state": "sale", "confirmation_date": "2019-04-01 10:00:00"})
        self.assertEqual(self._suggested(partner), "c")  # average 10.67 %
        self._set_params(rating_discount=11.0)
        self.assertEqual(self._suggested(partner), "b")

    def test_old_orders_discounts_ignored(self):
        partner = self._create_customer("Reformed Haggler")
        self._order(partner, confirmation_date="2018-06-30 10:00:00", discount=50.0)
        self._invoice(partner, 30000.0, "2019-03-01")
        self.assertEqual(self._suggested(partner), "b")

    def test_rating_differs_flag_and_filter(self):
        partner = self._create_customer("Rated Co")
        self._invoice(partner, 30000.0, "2019-03-01")
        self._suggested(partner)  # b
        self.assertFalse(partner.rating_differs)  # no manual rating yet
        partner.sudo(self.customer_user).write({"account_rating": "a"})
        self.assertTrue(partner.rating_differs)
        found = self.Partner.search([("rating_differs", "=", True)])
        self.assertIn(partner, found)
        partner.sudo(self.customer_user).write({"account_rating": "b"})
        self.assertFalse(partner.rating_differs)
        self.assertNotIn(partner, self.Partner.search([("rating_differs", "=", True)]))

    def test_rating_changes_are_tracked(self):
        partner = self._create_customer("Tracked Co")
        partner.sudo(self.customer_user).write({"account_rating": "b"})
        values = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", partner.id),
                ("field", "=", "account_rating"),
            ]
        )
        self.assertEqual(values.mapped("new_value_char"), ["B"])


class TestRecomputeMetrics(SalesCase):
    """action_recompute_customer_metrics(): rights, scope and query count."""

    def _prepare(self, count):
        """``count`` classified customers; the first two have an invoice 30 days
        overdue on 30 June 2019 and the first a recent order, so that any number
        of customers gives the same groups of values to write."""
        Partner = self.Partner.with_context(tracking_disable=True)
        partners = self.Partner
        for index in range(count):
            partners |= Partner.create(
                {
                    "name": "Batch %s %s" % (count, index),
                    "is_company": True,
                    "customer": True,
                    "prospect_class": "b",
                    "last_followup_date": "2019-06-20",
                }
            )
        self._order(
            partners[0], confirmation_date="2019-05-02 10:00:00"
        )  # before any overdue invoice
        invoices = self.env["account.invoice"]
        for partner in partners[:2]:
            invoices |= self._invoice(
                partner, 30000.0, "2019-05-01", "2019-05-31", validate=False
            )
        invoices.action_invoice_open()
        return partners

    def _queries(self, partners):
        self.Partner.invalidate_cache()
        before = self.env.cr.sql_log_count
        partners.action_recompute_customer_metrics()
        return self.env.cr.sql_log_count - before

    def test_everything_recomputed(self):
        partners = self._prepare(2)
        with freeze_clock(utc="2019-06-30 12:00:00"):
            self.assertIs(partners.action_recompute_customer_metrics(), True)
        first, second = partners
        self.assertEqual(first.relationship_category, "active_paying")
        self.assertEqual(second.relationship_category, "active_paying")  # invoiced
        self.assertEqual(
            (first.avg_days_late, first.late_invoice_count, first.payment_reliability),
            (30.0, 1, "watch"),
        )
        self.assertEqual(first.suggested_rating, "b")
        self.assertEqual(first.next_followup_date, "2019-06-27")
        self.assertEqual(first.followup_urgency, "urgent")

    def test_query_count_does_not_grow_with_customers(self):
        warm = self._prepare(2)
        few = self._prepare(5)
        many = self._prepare(50)
        with freeze_clock(utc="2019-06-30 12:00:00"):
            self._queries(warm)
            counts = [self._queries(few), self._queries(many)]
        self.assertEqual(counts[0], counts[1])
        # The work was done for all of them.
        self.assertEqual(
            many.mapped("payment_reliability")[:3], ["watch", "watch", False]
        )
        self.assertEqual(many.mapped("suggested_rating")[:3], ["b", "b", "c"])
        self.assertEqual(set(many[2:].mapped("suggested_rating")), {"c"})
        self.assertEqual(set(many.mapped("next_followup_date")), {"2019-06-27"})

    def test_empty_recordset_recomputes_every_customer(self):
        partner = self._create_customer("Found By RPC")
        self._invoice(partner, 30000.0, "2019-05-01", "2019-05-31")
        with freeze_clock(utc="2019-06-30 12:00:00"):
            result = (
                self.Partner.sudo(self.customer_user)
                .browse()
                .action_recompute_customer_metrics()
            )
        self.assertIs(result, True)
        partner.invalidate_cache()
        self.assertEqual(partner.suggested_rating, "b")
        self.assertEqual(partner.payment_reliability, "watch")
        self.assertEqual(partner.relationship_category, "active_paying")

    def test_plain_user_cannot_recompute_nor_rate(self):
        partner = self._create_customer("Protected")
        with self.assertRaises(AccessError):
            partner.sudo(self.plain_user).action_recompute_customer_metrics()
        with self.assertRaises(AccessError):
            self.Partner.sudo(self.plain_user).action_recompute_customer_metrics()
        with self.assertRaises(AccessError):
            partner.sudo(self.plain_user).write({"account_rating": "a"})
        partner.invalidate_cache()
        self.assertFalse(partner.account_rating)
        self.assertEqual(partner.suggested_rating, False)

    def test_contact_editor_without_customer_group_cannot_rate(self):
        # May edit contacts (base partner manager) but is no Customer Management user.
        editor = self._create_user(
            "contact_editor", ["base.group_user", "base.group_partner_manager"]
        )
        partner = self._create_customer("Editable")
        partner.sudo(editor).write({"phone": "+1 555 0199"})
        with self.assertRaises(AccessError):
            with self.env.cr.savepoint():
                partner.sudo(editor).write({"account_rating": "a"})
        partner.invalidate_cache()
        self.assertEqual(partner.phone, "+1 555 0199")
        self.assertFalse(partner.account_rating)

    def test_customer_user_can_recompute_and_rate(self):
        partner = self._create_customer("Sales Managed")
        self._invoice(partner, 120000.0, "2019-05-01", "2019-05-31")
        as_user = partner.sudo(self.customer_user)
        with freeze_clock(utc="2019-06-30 12:00:00"):
            self.assertIs(as_user.action_recompute_customer_metrics(), True)
        as_user.write({"account_rating": "b"})
        partner.invalidate_cache()
        self.assertEqual(partner.suggested_rating, "a")
        self.assertEqual(partner.account_rating, "b")
        self.assertTrue(partner.rating_differs)


class TestRelationshipCategory(SalesCase):
    """relationship_category from orders, invoices, users and referrals at a
    fixed date (today = 15 June 2019, defaults 90 / 365 days)."""

    today = "2019-06-15"

    def _category(self, partner, **context):
        partner.with_context(**context)._compute_relationship_category_batch(
            today=self.today
        )
        partner.invalidate_cache()
        return partner.relationship_category

    def test_new_customer_is_undefined(self):
        self.assertEqual(self._category(self._create_customer("Nobody")), "undefined")

    def test_quotations_and_cancelled_orders_are_no_purchase(self):
        partner = self._create_customer("Quoted")
        self._order(partner)
        self._order(partner, confirmation_date="2019-06-01 10:00:00").action_cancel()
        self.assertEqual(self._category(partner), "undefined")

    def test_active_paying_up_to_90_days(self):
        partner = self._create_customer("Paying")
        self._order(
            partner, confirmation_date="2019-03-17 10:00:00"
        )  # 90 days before 15 June
        self.assertEqual(self._category(partner), "active_paying")

    def test_active_occasional_from_91_to_364_days(self):
        partner = self._create_customer("Occasional")
        self._order(partner, confirmation_date="2019-03-16 10:00:00")  # 91 days
        self.assertEqual(self._category(partner), "active_occasional")
        other = self._create_customer("Occasional too")
        self._order(other, confirmation_date="2018-06-16 10:00:00")  # 364 days
        self.assertEqual(self._category(other), "active_occasional")

    def test_non_active_from_365_days(self):
        partner = self._create_customer("Sleeping")
        self._order(partner, confirmation_date="2018-06-15 10:00:00")  # 365 days
        self.assertEqual(self._category(partner), "non_active")

    def test_latest_purchase_wins_and_invoices_count(self):
        partner = self._create_customer("Invoiced only")
        self._order(partner, confirmation_date="2017-01-10 10:00:00")
        self.assertEqual(self._category(partner), "non_active")
        self._invoice(partner, 50.0, "2019-06-01")
        self.assertEqual(self._category(partner), "active_paying")
        draft = self._create_customer("Draft invoice")
        self._invoice(draft, 50.0, "2019-06-01", validate=False)
        self.assertEqual(self._category(draft), "undefined")

    def test_orders_of_contacts_count_for_the_company(self):
        partner = self._create_customer("Company")
        contact = self.Partner.create({"name": "Buyer", "parent_id": partner.id})
        self._order(contact, confirmation_date="2019-06-01 10:00:00")
        # Asked for the contact, computed (and stored) on its commercial entity.
        self.assertEqual(self._category(contact), "undefined")
        self.assertEqual(partner.relationship_category, "active_paying")

    def test_settings_change_the_periods(self):
        partner = self._create_customer("Configurable")
        self._order(partner, confirmation_date="2019-04-16 10:00:00")  # 60 days
        self._set_params(active_paying_days=30, non_active_days=50)
        self.assertEqual(self._category(partner), "non_active")
        self._set_params(active_paying_days=30, non_active_days=120)
        self.assertEqual(self._category(partner), "active_occasional")

    def test_purchase_date_in_user_timezone(self):
        partner = self._create_customer("Late night order")
        # 16 March 23:30 UTC is 17 March in Kiritimati: 90 days, still paying.
        self._order(partner, confirmation_date="2019-03-16 23:30:00")
        self.assertEqual(self._category(partner, tz="UTC"), "active_occasional")
        self.assertEqual(self._category(partner, tz=EAST), "active_paying")
        self.assertEqual(self._category(partner, tz=WEST), "active_occasional")

    def test_referrer_until_it_buys(self):
        referrer = self._create_customer("Referrer")
        self._create_customer("Referred", parent_customer_id=referrer.id)
        self.assertEqual(self._category(referrer), "referrer")
        self._order(referrer, confirmation_date="2019-06-01 10:00:00")
        self.assertEqual(self._category(referrer), "active_paying")

    def test_internal_users_and_former_employees(self):
        employee = self._create_user("employee_cm", ["base.group_user"])
        former = self._create_user("former_cm", ["base.group_user"])
        former.write({"active": False})
        portal = self._create_user("portal_cm", ["base.group_portal"])
        for user in employee | former | portal:
            user.partner_id.write({"customer": True})
        self._order(employee.partner_id, confirmation_date="2019-06-01 10:00:00")
        self.assertEqual(self._category(employee.partner_id), "internal")
        self.assertEqual(self._category(former.partner_id), "internal")
        self.assertEqual(self._category(portal.partner_id), "undefined")

    def test_lost_and_influencer_set_by_hand_are_kept(self):
        lost = self._create_customer("Gone elsewhere")
        influencer = self._create_customer("Centre of influence")
        self._order(lost, confirmation_date="2019-06-01 10:00:00")
        self._create_customer(
            "Referred by influencer", parent_customer_id=influencer.id
        )
        lost.sudo(self.customer_user).write({"relationship_category": "lost"})
        influencer.sudo(self.customer_user).write(
            {"relationship_category": "influencer"}
        )
        self.assertTrue(lost.relationship_category_manual)
        self.assertTrue(influencer.relationship_category_manual)
        self.assertEqual(self._category(lost), "lost")
        self.assertEqual(self._category(influencer), "influencer")
        # Picking a derivable category hands the partner back to the computation.
        lost.sudo(self.customer_user).write({"relationship_category": "undefined"})
        self.assertFalse(lost.relationship_category_manual)
        self.assertEqual(self._category(lost), "active_paying")

    def test_batch_of_many_partners(self):
        paying = self._create_customer("Batch paying")
        sleeping = self._create_customer("Batch sleeping")
        nobody = self._create_customer("Batch nobody")
        self._order(paying, confirmation_date="2019-06-01 10:00:00")
        self._order(sleeping, confirmation_date="2017-06-01 10:00:00")
        (paying | sleeping | nobody)._compute_relationship_category_batch(
            today=self.today
        )
        self.assertEqual(
            (paying | sleeping | nobody).mapped("relationship_category"),
            ["active_paying", "non_active", "undefined"],
        )


class TestMetricsSettings(SalesCase):
    """The metric settings are validated before anything is stored."""

    def _settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def _param(self, key):
        return self.env["res.config.settings"].get_customer_management_param(key)

    def test_defaults(self):
        settings = self._settings()
        self.assertEqual(settings.cm_active_paying_days, 90)
        self.assertEqual(settings.cm_non_active_days, 365)
        self.assertEqual(settings.cm_rating_threshold_a, 100000.0)
        self.assertEqual(settings.cm_rating_threshold_b, 20000.0)
        self.assertEqual(settings.cm_rating_support_load, 3)
        self.assertEqual(settings.cm_rating_discount, 10.0)
        self.assertEqual(
            (
                settings.cm_reliability_watch_days,
                settings.cm_reliability_watch_count,
                settings.cm_reliability_poor_days,
                settings.cm_reliability_poor_count,
            ),
            (7, 2, 30, 5),
        )

    def test_valid_values_are_stored(self):
        self._settings(
            cm_active_paying_days=60,
            cm_non_active_days=400,
            cm_rating_threshold_a=5000.0,
            cm_rating_threshold_b=1000.0,
            cm_rating_discount=12.5,
        ).execute()
        self.assertEqual(self._param("active_paying_days"), 60)
        self.assertEqual(self._param("non_active_days"), 400)
        self.assertEqual(self._param("rating_threshold_a"), 5000.0)
        self.assertEqual(self._param("rating_discount"), 12.5)

    def _assert_refused(self, message, **values):
        keys = "active_paying_days non_active_days rating_threshold_a"
        keys += " rating_threshold_b rating_discount reliability_poor_days"
        before = {key: self._param(key) for key in keys.split()}
        with self.assertRaises(ValidationError) as caught:
            with self.env.cr.savepoint():
                self._settings(**values).execute()
        self.assertIn(message, caught.exception.name)
        self.assertEqual(before, {key: self._param(key) for key in before})

    def test_negative_values_refused(self):
        self._assert_refused("cannot be negative", cm_active_paying_days=-5)
        self._assert_refused("cannot be negative", cm_rating_threshold_b=-1.0)
        self._assert_refused("cannot be negative", cm_reliability_poor_days=-30)
        self._assert_refused("cannot be negative", cm_rating_discount=-2.0)

    def test_inconsistent_values_refused(self):
        self._assert_refused(
            "must be more than", cm_active_paying_days=90, cm_non_active_days=90
        )
        self._assert_refused(
            "cannot be below the one for rating B",
            cm_rating_threshold_a=1000.0,
            cm_rating_threshold_b=2000.0,
        )
        self._assert_refused("between 0 and 100", cm_rating_discount=120.0)
        self._assert_refused(
            "cannot be below", cm_reliability_watch_days=40, cm_reliability_poor_days=30
        )
        self._assert_refused("must be at least 1", cm_rating_support_load=0)
