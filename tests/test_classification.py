import datetime

from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from .common import SalesCase, freeze_clock

EAST = "Pacific/Kiritimati"  # UTC+14
WEST = "Pacific/Pago_Pago"   # UTC-11


class TestFollowup(SalesCase):
    """Expected close date, next follow-up date and urgency of the A-E classes."""

    def _classified(self, name, prospect_class, last_followup):
        return self._create_customer(name, prospect_class=prospect_class,
                                     last_followup_date=last_followup)

    def test_next_followup_is_last_followup_plus_class_cadence(self):
        expected = {"a": "2019-03-02", "b": "2019-03-08", "c": "2019-03-16",
                    "d": "2019-03-31", "e": "2020-02-29"}
        for prospect_class, next_date in expected.items():
            partner = self._classified("Class %s" % prospect_class, prospect_class,
                                       "2019-03-01")
            self.assertEqual(partner.next_followup_date, next_date, prospect_class)

    def test_no_class_no_next_followup(self):
        partner = self._classified("Unclassified", False, "2019-03-01")
        self.assertFalse(partner.next_followup_date)
        self.assertFalse(partner.followup_urgency)

    def test_recomputed_when_class_or_last_followup_change(self):
        partner = self._classified("Moving", "d", "2019-03-01")
        self.assertEqual(partner.next_followup_date, "2019-03-31")
        partner.write({"prospect_class": "a"})
        self.assertEqual(partner.next_followup_date, "2019-03-02")
        partner.write({"last_followup_date": "2019-04-10"})
        self.assertEqual(partner.next_followup_date, "2019-04-11")
        partner.write({"prospect_class": False})
        self.assertFalse(partner.next_followup_date)

    def test_never_followed_up_counts_from_status_change(self):
        partner = self._create_customer("Fresh", prospect_class="b")
        partner.write({"status_date": "2019-05-10"})
        self.assertEqual(partner.next_followup_date, "2019-05-17")

    def test_never_followed_up_counts_from_creation_in_user_timezone(self):
        partner = self._create_customer("Created late", prospect_class="b")
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = '2019-05-31 23:30:00', "
            "status_date = NULL WHERE id = %s", (partner.id,))
        partner.invalidate_cache()
        # 23:30 UTC is already 1 June in Kiritimati, still 31 May in Pago Pago.
        partner.with_context(tz=EAST)._compute_next_followup_batch(today="2019-06-01")
        self.assertEqual(partner.next_followup_date, "2019-06-08")
        partner.with_context(tz=WEST)._compute_next_followup_batch(today="2019-06-01")
        partner.invalidate_cache()
        self.assertEqual(partner.next_followup_date, "2019-06-07")

    def test_cadence_setting_change_applies_through_batch(self):
        partner = self._classified("Weekly", "b", "2019-03-01")
        other = self._classified("Daily", "a", "2019-03-01")
        self.assertEqual(partner.next_followup_date, "2019-03-08")
        self._set_params(cadence_b=10)
        (partner | other)._compute_next_followup_batch(today="2019-03-01")
        self.assertEqual(partner.next_followup_date, "2019-03-11")
        self.assertEqual(other.next_followup_date, "2019-03-02")

    def test_urgency_boundaries(self):
        today = self.Partner._get_metrics_today("2019-03-01")

        def urgency(day):
            return self.Partner._get_followup_urgency(
                self.Partner._get_metrics_today(day), today)

        self.assertEqual(urgency("2019-01-15"), "urgent")     # overdue
        self.assertEqual(urgency("2019-03-08"), "urgent")     # 7 days
        self.assertEqual(urgency("2019-03-09"), "expedited")
        self.assertEqual(urgency("2019-04-01"), "expedited")  # 1 month
        self.assertEqual(urgency("2019-04-02"), "normal")
        self.assertEqual(urgency("2019-06-01"), "normal")     # 3 months
        self.assertEqual(urgency("2019-06-02"), "slow")
        self.assertFalse(self.Partner._get_followup_urgency(None, today))

    def test_urgency_is_stored_searchable_and_refreshed_by_the_batch(self):
        with freeze_clock(utc="2019-03-01 12:00:00"):
            partner = self._classified("Monthly", "d", "2019-03-01")
        self.assertEqual(partner.next_followup_date, "2019-03-31")
        self.assertEqual(partner.followup_urgency, "expedited")
        self.assertIn(partner, self.Partner.search(
            [("followup_urgency", "=", "expedited")]))
        # Days pass: nothing changed on the record, the nightly batch moves it.
        partner._compute_next_followup_batch(today="2019-03-25")
        self.assertEqual(partner.followup_urgency, "urgent")
        self.assertIn(partner, self.Partner.search(
            [("followup_urgency", "=", "urgent")]))
        self.assertNotIn(partner, self.Partner.search(
            [("followup_urgency", "=", "expedited")]))

    def test_today_follows_the_user_timezone_around_midnight(self):
        # 22:30 UTC on 28 February: 1 March in Kiritimati, 28 February in Pago Pago.
        partner = self._classified("Around midnight", "b", "2019-03-01")  # due 8 March
        with freeze_clock(utc="2019-02-28 22:30:00"):
            partner.with_context(tz=EAST)._compute_next_followup_batch()
            self.assertEqual(partner.followup_urgency, "urgent")
            partner.with_context(tz=WEST)._compute_next_followup_batch()
            partner.invalidate_cache()
            self.assertEqual(partner.followup_urgency, "expedited")
            # The user's own timezone is used when the context has none.
            self.customer_user.write({"tz": EAST})
            self.env["res.partner"].sudo(self.customer_user).with_context(
                tz=False).browse(partner.id)._compute_next_followup_batch()
            partner.invalidate_cache()
            self.assertEqual(partner.followup_urgency, "urgent")

    def test_expected_close_date_suggested_from_class(self):
        with freeze_clock(utc="2019-01-31 12:00:00"):
            for prospect_class, expected in (("a", "2019-02-28"), ("b", "2019-04-30"),
                                             ("c", "2019-07-31"), ("d", False),
                                             ("e", False)):
                record = self.Partner.new(
                    {"name": "New", "prospect_class": prospect_class})
                record._onchange_prospect_class_expected_close()
                self.assertEqual(record.expected_close_date, expected, prospect_class)

    def test_expected_close_date_kept_when_already_set(self):
        with freeze_clock(utc="2019-01-31 12:00:00"):
            record = self.Partner.new({"name": "New", "prospect_class": "a",
                                       "expected_close_date": "2019-12-24"})
            record._onchange_prospect_class_expected_close()
        self.assertEqual(record.expected_close_date, "2019-12-24")

    def test_expected_close_date_in_user_timezone(self):
        with freeze_clock(utc="2019-02-28 22:30:00"):
            east = self.Partner.with_context(tz=EAST).new({"prospect_class": "a"})
            east._onchange_prospect_class_expected_close()
            west = self.Partner.with_context(tz=WEST).new({"prospect_class": "a"})
            west._onchange_prospect_class_expected_close()
        self.assertEqual(east.expected_close_date, "2019-04-01")
        self.assertEqual(west.expected_close_date, "2019-03-28")

    def _search_filter(self, name, today):
        """Search with the domain of a filter of the customer search view,
        evaluated like the web client does, on ``today``."""
        arch = self.Partner.fields_view_get(view_type="search")["arch"]
        node = etree.fromstring(arch).xpath("//filter[@name='%s']" % name)[0]
        domain = safe_eval(node.get("domain"), {
            "context_today": lambda: datetime.date(*map(int, today.split("-"))),
            "datetime": datetime})
        return self.Partner.search(domain)

    def test_followup_overdue_and_this_week_filters(self):
        overdue = self._classified("Overdue", "a", "2019-02-20")     # due 21 Feb
        today_due = self._classified("Due today", "a", "2019-02-28")  # due 1 Mar
        this_week = self._classified("This week", "b", "2019-03-01")  # due 8 Mar
        later = self._classified("Later", "c", "2019-03-01")          # due 16 Mar
        found = self._search_filter("followup_overdue", "2019-03-01")
        self.assertIn(overdue, found)
        self.assertNotIn(today_due, found)
        self.assertNotIn(this_week, found)
        found = self._search_filter("followup_this_week", "2019-03-01")
        self.assertEqual(found & (overdue | today_due | this_week | later),
                         today_due | this_week)


class TestRelationshipCategory(SalesCase):
    """relationship_category from orders, invoices, users and referrals at a
    fixed date (today = 15 June 2019, defaults 90 / 365 days)."""

    today = "2019-06-15"

    def _category(self, partner, **context):
        partner.with_context(**context)._compute_relationship_category_batch(
            today=self.today)
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
        self._create_customer("Referred by influencer",
                              parent_customer_id=influencer.id)
        lost.sudo(self.customer_user).write({"relationship_category": "lost"})
        influencer.sudo(self.customer_user).write(
            {"relationship_category": "influencer"})
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
            today=self.today)
        self.assertEqual((paying | sleeping | nobody).mapped("relationship_category"),
                         ["active_paying", "non_active", "undefined"])


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
        self.assertEqual((settings.cm_reliability_watch_days,
                          settings.cm_reliability_watch_count,
                          settings.cm_reliability_poor_days,
                          settings.cm_reliability_poor_count), (7, 2, 30, 5))

    def test_valid_values_are_stored(self):
        self._settings(cm_active_paying_days=60, cm_non_active_days=400,
                       cm_rating_threshold_a=5000.0, cm_rating_threshold_b=1000.0,
                       cm_rating_discount=12.5).execute()
        self.assertEqual(self._param("active_paying_days"), 60)
        self.assertEqual(self._param("non_active_days"), 400)
        self.assertEqual(self._param("rating_threshold_a"), 5000.0)
        self.assertEqual(self._param("rating_discount"), 12.5)

    def _assert_refused(self, message, **values):
        before = {key: self._param(key) for key in (
            "active_paying_days", "non_active_days", "rating_threshold_a",
            "rating_threshold_b", "rating_discount", "reliability_poor_days")}
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
        self._assert_refused("must be more than", cm_active_paying_days=90,
                             cm_non_active_days=90)
        self._assert_refused("cannot be below the one for rating B",
                             cm_rating_threshold_a=1000.0, cm_rating_threshold_b=2000.0)
        self._assert_refused("between 0 and 100", cm_rating_discount=120.0)
        self._assert_refused("cannot be below", cm_reliability_watch_days=40,
                             cm_reliability_poor_days=30)
        self._assert_refused("must be at least 1", cm_rating_support_load=0)
