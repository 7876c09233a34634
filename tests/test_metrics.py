from odoo.exceptions import AccessError, ValidationError

from .common import EAST, WEST, SalesCase, freeze_clock


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
