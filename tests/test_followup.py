import datetime
from unittest.mock import patch

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tools.safe_eval import safe_eval

from .common import EAST, WEST, CustomerCase, SalesCase, freeze_clock

TODAY = "2026-11-23"


class TestFollowupCadence(CustomerCase):
    """ir_cron_followup_cadence: one follow-up activity per due customer,
    never a duplicate; done records an interaction and re-classifies."""

    @classmethod
    def setUpClass(cls):
        super(TestFollowupCadence, cls).setUpClass()
        cls.followup_type = cls.env.ref(
            "customer_management.mail_activity_type_followup"
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Cadence team", "user_id": cls.manager.id}
        )
        # Only our customers: others in the database are not due on TODAY.
        cls.env.cr.execute(
            "UPDATE res_partner SET next_followup_date = NULL "
            "WHERE next_followup_date IS NOT NULL"
        )
        cls.Partner.invalidate_cache()

    def _customer(self, name, prospect_class, last, **vals):
        customer = self._create_customer(
            name, prospect_class=prospect_class, user_id=self.customer_user.id, **vals
        )
        customer.write({"last_followup_date": last})
        return customer

    def _run(self, **kwargs):
        return self.Partner._cron_followup_cadence(today=TODAY, **kwargs)

    def test_due_customers_get_one_activity_with_class_and_reason(self):
        due_a = self._customer("Due A", "a", "2026-11-20")  # due 11-21
        due_b = self._customer("Due B", "b", "2026-11-16")  # due 11-23
        not_due = self._customer("Not due B", "b", "2026-11-20")  # due 11-27
        no_class = self._create_customer("No class", user_id=self.customer_user.id)
        archived = self._customer("Archived", "a", "2026-11-01")
        archived.active = False
        created = self._run()
        self.assertEqual(created, 2)
        activities = self._activities(
            due_a | due_b | not_due | no_class | archived, self.followup_type
        )
        self.assertEqual(set(activities.mapped("res_id")), {due_a.id, due_b.id})
        activity = activities.filtered(lambda a: a.res_id == due_a.id)
        self.assertEqual(activity.summary, "Class A follow-up (every day)")
        self.assertIn("Last follow-up: 2026-11-20", activity.note)
        self.assertEqual(activity.date_deadline, "2026-11-21")
        self.assertEqual(activity.user_id, self.customer_user)
        self.assertEqual(activity.res_name, due_a.display_name)
        self.assertIn(activity, due_a.activity_ids)

    def test_second_run_creates_no_duplicate(self):
        customer = self._customer("Twice", "a", "2026-11-01")
        self.assertEqual(self._run(), 1)
        self.assertEqual(self._run(), 0)
        self.assertEqual(len(self._activities(customer, self.followup_type)), 1)

    def test_user_falls_back_to_team_leader_then_admin(self):
        team_only = self._create_customer(
            "Team only", prospect_class="c", team_id=self.team.id
        )
        nobody = self._create_customer("Nobody", prospect_class="c")
        archived_user = self._create_user("gone", ["base.group_user"])
        gone = self._create_customer(
            "Gone salesperson", prospect_class="c", user_id=archived_user.id
        )
        archived_user.active = False
        (team_only | nobody | gone).write({"last_followup_date": "2026-10-01"})
        self._run()
        users = {
            a.res_id: a.user_id
            for a in self._activities(team_only | nobody | gone, self.followup_type)
        }
        self.assertEqual(users[team_only.id], self.manager)
        self.assertEqual(users[nobody.id], self.env.ref("base.user_root"))
        self.assertEqual(users[gone.id], self.env.ref("base.user_root"))

    def test_restart_after_failure_mid_batch(self):
        customers = self.Partner.browse()
        for index in range(5):
            customers |= self._customer("Batch %s" % index, "a", "2026-11-01")
        original = type(self.Partner)._bulk_schedule_activities
        calls = []

        def fail_second_batch(model, activity_type, rows):
            calls.append(len(rows))
            if len(calls) == 2:
                raise RuntimeError("server killed")
            return original(model, activity_type, rows)

        with patch.object(
            type(self.Partner), "_bulk_schedule_activities", fail_second_batch
        ):
            with self.assertRaises(RuntimeError):
                self._run(batch_size=2)
        # The first batch is done (its commit happened); the rerun does the rest.
        self.assertEqual(len(self._activities(customers, self.followup_type)), 2)
        self.assertEqual(self._run(batch_size=2), 3)
        activities = self._activities(customers, self.followup_type)
        self.assertEqual(len(activities), 5)
        self.assertEqual(set(activities.mapped("res_id")), set(customers.ids))

    def test_query_count_does_not_grow_with_customers(self):
        def count_queries(number):
            self.env["mail.activity"].search(
                [("activity_type_id", "=", self.followup_type.id)]
            ).unlink()
            for index in range(number):
                self._customer("Q%s-%s" % (number, index), "a", "2026-11-01")
            self.Partner.invalidate_cache()
            before = self.env.cr.sql_log_count
            created = self._run()
            return created, self.env.cr.sql_log_count - before

        count_queries(1)  # warm the caches (xml ids, settings, users) first
        # Each size twice, its fewest queries kept: a cache of the ORM that
        # happens to be cleared in between costs one run a query more.
        small = [count_queries(3) for _run in range(2)]
        large = [count_queries(30) for _run in range(2)]
        self.assertEqual([created for created, _count in small], [4, 7])
        self.assertEqual([created for created, _count in large], [37, 67])
        self.assertEqual(
            min(count for _created, count in small),
            min(count for _created, count in large),
        )

    def test_done_records_interaction_and_last_followup(self):
        customer = self._customer("Done Co", "b", "2026-11-01")
        self._run()
        activity = self._activities(customer, self.followup_type)
        with freeze_clock(TODAY):
            activity.sudo(self.customer_user).action_feedback("Wants a demo")
        self.assertFalse(activity.exists())
        self.assertEqual(customer.last_followup_date, TODAY)
        self.assertEqual(customer.next_followup_date, "2026-11-30")
        interaction = self.env["customer.interaction"].search(
            [("partner_id", "=", customer.id)]
        )
        self.assertEqual(len(interaction), 1)
        self.assertEqual(interaction.summary, "Class B follow-up (every 7 days)")
        self.assertEqual(interaction.interaction_type, "call")
        self.assertEqual(interaction.user_id, self.customer_user)
        self.assertIn("Wants a demo", interaction.details)
        # Not due any more: the next run leaves it alone.
        self.assertEqual(self._run(), 0)

    def test_other_activities_done_record_nothing(self):
        customer = self._customer("Other Co", "b", "2026-11-01")
        todo = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": customer.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "summary": "Unrelated call",
                "user_id": self.customer_user.id,
            }
        )
        todo.action_feedback("ok")
        self.assertEqual(customer.last_followup_date, "2026-11-01")
        self.assertFalse(
            self.env["customer.interaction"].search([("partner_id", "=", customer.id)])
        )

    def _wizard(self, customer, user, **vals):
        Wizard = (
            self.env["customer.followup.wizard"]
            .sudo(user)
            .with_context(active_model="res.partner", active_id=customer.id)
        )
        values = Wizard.default_get(list(Wizard._fields))
        values.update(vals)
        return Wizard.create(values)

    def test_wizard_closes_activity_and_reclassifies(self):
        customer = self._customer("Wizard Co", "c", "2026-11-01")
        self._run()
        activity = self._activities(customer, self.followup_type)
        wizard = self._wizard(
            customer,
            self.customer_user,
            channel="visit",
            summary="Visited the plant",
            details="Budget approved",
        )
        self.assertEqual(wizard.activity_id, activity)
        self.assertEqual(wizard.prospect_class, "c")
        with freeze_clock(TODAY):
            wizard.prospect_class = "a"
            wizard._onchange_prospect_class()
            self.assertEqual(wizard.expected_close_date, "2026-12-23")
            wizard.action_confirm()
        self.assertFalse(activity.exists())
        self.assertEqual(customer.prospect_class, "a")
        self.assertEqual(customer.expected_close_date, "2026-12-23")
        self.assertEqual(customer.last_followup_date, TODAY)
        self.assertEqual(customer.next_followup_date, "2026-11-24")
        interaction = self.env["customer.interaction"].search(
            [("partner_id", "=", customer.id)]
        )
        self.assertEqual(len(interaction), 1)
        self.assertEqual(interaction.channel, "visit")
        self.assertEqual(interaction.summary, "Visited the plant")

    def test_wizard_without_open_activity_still_logs(self):
        customer = self._customer("No activity", "d", "2026-11-01")
        wizard = self._wizard(customer, self.customer_user, summary="Call")
        self.assertFalse(wizard.activity_id)
        with freeze_clock(TODAY):
            wizard.action_confirm()
        self.assertEqual(customer.last_followup_date, TODAY)
        self.assertEqual(
            self.env["customer.interaction"].search_count(
                [("partner_id", "=", customer.id)]
            ),
            1,
        )

    def test_plain_user_cannot_log_or_reclassify(self):
        customer = self._customer("Guarded", "b", "2026-11-01")
        wizard = self._wizard(customer, self.plain_user, prospect_class="a")
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertEqual(customer.prospect_class, "b")
        self.assertEqual(customer.last_followup_date, "2026-11-01")


class TestFollowup(SalesCase):
    """Expected close date, next follow-up date and urgency of the A-E classes."""

    def _classified(self, name, prospect_class, last_followup):
        return self._create_customer(
            name, prospect_class=prospect_class, last_followup_date=last_followup
        )

    def test_next_followup_is_last_followup_plus_class_cadence(self):
        expected = {
            "a": "2019-03-02",
            "b": "2019-03-08",
            "c": "2019-03-16",
            "d": "2019-03-31",
            "e": "2020-02-29",
        }
        for prospect_class, next_date in expected.items():
            partner = self._classified(
                "Class %s" % prospect_class, prospect_class, "2019-03-01"
            )
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
            "status_date = NULL WHERE id = %s",
            (partner.id,),
        )
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
                self.Partner._get_metrics_today(day), today
            )

        self.assertEqual(urgency("2019-01-15"), "urgent")  # overdue
        self.assertEqual(urgency("2019-03-08"), "urgent")  # 7 days
        self.assertEqual(urgency("2019-03-09"), "expedited")
        self.assertEqual(urgency("2019-04-01"), "expedited")  # 1 month
        self.assertEqual(urgency("2019-04-02"), "normal")
        self.assertEqual(urgency("2019-06-01"), "normal")  # 3 months
        self.assertEqual(urgency("2019-06-02"), "slow")
        self.assertFalse(self.Partner._get_followup_urgency(None, today))

    def test_urgency_is_stored_searchable_and_refreshed_by_the_batch(self):
        with freeze_clock(utc="2019-03-01 12:00:00"):
            partner = self._classified("Monthly", "d", "2019-03-01")
        self.assertEqual(partner.next_followup_date, "2019-03-31")
        self.assertEqual(partner.followup_urgency, "expedited")
        self.assertIn(
            partner, self.Partner.search([("followup_urgency", "=", "expedited")])
        )
        # Days pass: nothing changed on the record, the nightly batch moves it.
        partner._compute_next_followup_batch(today="2019-03-25")
        self.assertEqual(partner.followup_urgency, "urgent")
        self.assertIn(
            partner, self.Partner.search([("followup_urgency", "=", "urgent")])
        )
        self.assertNotIn(
            partner, self.Partner.search([("followup_urgency", "=", "expedited")])
        )

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
                tz=False
            ).browse(partner.id)._compute_next_followup_batch()
            partner.invalidate_cache()
            self.assertEqual(partner.followup_urgency, "urgent")

    def test_expected_close_date_suggested_from_class(self):
        with freeze_clock(utc="2019-01-31 12:00:00"):
            for prospect_class, expected in (
                ("a", "2019-02-28"),
                ("b", "2019-04-30"),
                ("c", "2019-07-31"),
                ("d", False),
                ("e", False),
            ):
                record = self.Partner.new(
                    {"name": "New", "prospect_class": prospect_class}
                )
                record._onchange_prospect_class_expected_close()
                self.assertEqual(record.expected_close_date, expected, prospect_class)

    def test_expected_close_date_kept_when_already_set(self):
        with freeze_clock(utc="2019-01-31 12:00:00"):
            record = self.Partner.new(
                {
                    "name": "New",
                    "prospect_class": "a",
                    "expected_close_date": "2019-12-24",
                }
            )
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
        domain = safe_eval(
            node.get("domain"),
            {
                "context_today": lambda: datetime.date(*map(int, today.split("-"))),
                "datetime": datetime,
            },
        )
        return self.Partner.search(domain)

    def test_followup_overdue_and_this_week_filters(self):
        overdue = self._classified("Overdue", "a", "2019-02-20")  # due 21 Feb
        today_due = self._classified("Due today", "a", "2019-02-28")  # due 1 Mar
        this_week = self._classified("This week", "b", "2019-03-01")  # due 8 Mar
        later = self._classified("Later", "c", "2019-03-01")  # due 16 Mar
        found = self._search_filter("followup_overdue", "2019-03-01")
        self.assertIn(overdue, found)
        self.assertNotIn(today_due, found)
        self.assertNotIn(this_week, found)
        found = self._search_filter("followup_this_week", "2019-03-01")
        self.assertEqual(
            found & (overdue | today_due | this_week | later), today_due | this_week
        )
