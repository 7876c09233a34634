from odoo import fields

from .common import SalesCase, SharedCursor, freeze_clock

TODAY = "2026-11-23"


class TestCronActivityDeadline(SalesCase):
    """After each cron's bulk activities, the customers' stored next activity
    deadline is what core's mail.activity.create() would store (the earliest
    activity), "Late activities" finds them and the user's counter counts
    them."""

    @classmethod
    def setUpClass(cls):
        super(TestCronActivityDeadline, cls).setUpClass()
        cls.env.cr.execute(
            "UPDATE res_partner SET next_followup_date = NULL "
            "WHERE next_followup_date IS NOT NULL"
        )
        cls.Partner.invalidate_cache()
        cls.env["ir.config_parameter"].sudo().set_param(
            "customer_management.inactivity_days", "100"
        )

    def setUp(self):
        super(TestCronActivityDeadline, self).setUp()
        SharedCursor.patch_refusals(self)

    def _customer(self, name, **vals):
        return self._create_customer(name, user_id=self.customer_user.id, **vals)

    def _assert_core_deadline(self, partners):
        self.assertTrue(partners)
        self.env.cr.execute(
            "SELECT id, activity_date_deadline::text FROM res_partner WHERE id IN %s",
            (tuple(partners.ids),),
        )
        stored = dict(self.env.cr.fetchall())
        partners.invalidate_cache()
        for partner in partners:
            # core's related field: the first activity in date_deadline order
            expected = partner.activity_ids.sorted("date_deadline")[:1].date_deadline
            self.assertTrue(expected)
            self.assertEqual(stored[partner.id], expected, partner.name)
        # recomputed by core's own field, the stored value does not change
        field = self.Partner._fields["activity_date_deadline"]
        self.env.add_todo(field, partners)
        self.Partner.recompute()
        self.env.cr.execute(
            "SELECT id, activity_date_deadline::text FROM res_partner WHERE id IN %s",
            (tuple(partners.ids),),
        )
        self.assertEqual(dict(self.env.cr.fetchall()), stored)

    def _assert_late_filter(self, partners, today):
        late = self.Partner.search(
            [("id", "in", partners.ids), ("activity_date_deadline", "<", today)]
        )
        self.assertEqual(late, partners)

    def test_followup_cadence(self):
        due = self._customer("Due B", prospect_class="b")
        due.write({"last_followup_date": "2026-11-10"})  # due 11-17
        later = self._customer("Due A", prospect_class="a")
        later.write({"last_followup_date": "2026-11-20"})  # due 11-21
        # an earlier activity of its own stays first
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": later.id,
                "summary": "Older",
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "user_id": self.customer_user.id,
                "date_deadline": "2026-11-01",
            }
        )
        counter = self._counter()
        self.assertEqual(self.Partner._cron_followup_cadence(today=TODAY), 2)
        self._assert_core_deadline(due | later)
        self.assertEqual(due.activity_date_deadline, "2026-11-17")
        self.assertEqual(later.activity_date_deadline, "2026-11-01")
        with freeze_clock(TODAY):
            self._assert_late_filter(due | later, TODAY)
        self.assertEqual(self._counter() - counter, 2)

    def _counter(self):
        groups = self.env["res.users"].sudo(self.customer_user).activity_user_count()
        return sum(
            g["overdue_count"] + g["today_count"] + g["planned_count"]
            for g in groups
            if g["model"] == "res.partner"
        )

    def test_inactivity(self):
        customer = self._customer("Sleeping Co")
        customer._set_customer_status("active")
        self.env.cr.execute(
            "UPDATE res_partner SET status_date = '2026-01-01', "
            "create_date = '2026-01-01' WHERE id = %s",
            (customer.id,),
        )
        customer.invalidate_cache()
        self.Partner._cron_inactivity(today=TODAY)
        customer.invalidate_cache()
        self.assertEqual(customer.customer_status, "inactive")
        self._assert_core_deadline(customer)
        self.assertEqual(customer.activity_date_deadline, TODAY)

    def test_fiscal_year_reminder(self):
        customer = self._customer(
            "Budget Co", fiscal_year_end_month="12", fiscal_year_end_day=15
        )
        self.Partner._cron_fiscal_year_reminder(today=TODAY)
        self._assert_core_deadline(customer)
        self.assertEqual(customer.activity_date_deadline, TODAY)

    def test_credit_review(self):
        customer = self._customer("Overdue Co", customer_status="active")
        self._invoice(customer, 500.0, "2026-09-01", "2026-09-30")
        today = fields.Date.today()
        self.Partner._cron_review_credit_holds()
        customer.invalidate_cache()
        self.assertEqual(customer.customer_status, "hold")
        self._assert_core_deadline(customer)
        self.assertEqual(customer.activity_date_deadline, today)
