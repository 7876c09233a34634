from .common import CustomerCase


class TestFiscalYearReminder(CustomerCase):
    """ir_cron_fiscal_year_reminder: a budget reminder N days before the
    fiscal year end, a new-deals reminder when the new year starts; 29
    February; customers without a fiscal year end."""

    @classmethod
    def setUpClass(cls):
        super(TestFiscalYearReminder, cls).setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "customer_management.fiscal_year_reminder_days", "30"
        )
        cls.budget_type = cls.env.ref(
            "customer_management.mail_activity_type_fiscal_budget"
        )
        cls.start_type = cls.env.ref(
            "customer_management.mail_activity_type_fiscal_start"
        )
        # Only our customers have a fiscal year end.
        cls.env.cr.execute(
            "UPDATE res_partner SET fiscal_year_end_month = NULL, "
            "fiscal_year_end_day = NULL"
        )
        cls.Partner.invalidate_cache()

    def _customer(self, name, month, day):
        return self._create_customer(
            name,
            fiscal_year_end_month=month,
            fiscal_year_end_day=day,
            user_id=self.customer_user.id,
        )

    def _run(self, today):
        return self.Partner._cron_fiscal_year_reminder(today=today)

    def test_budget_reminder_from_n_days_before_year_end_once(self):
        december = self._customer("December FY", "12", 31)
        without = self._create_customer("No fiscal year end")
        self.assertEqual(self._run("2026-11-30"), (0, 0))
        self.assertEqual(self._run("2026-12-01"), (1, 0))
        activity = self._activities(december, self.budget_type)
        self.assertEqual(
            activity.summary, "Budget may be spent before year end (2026-12-31)"
        )
        self.assertEqual(activity.user_id, self.customer_user)
        self.assertEqual(activity.date_deadline, "2026-12-01")
        self.assertEqual(december.fiscal_year_reminder_date, "2026-12-31")
        # Rerun the same day or later in the window: no second reminder.
        self.assertEqual(self._run("2026-12-01"), (0, 0))
        self.assertEqual(self._run("2026-12-20"), (0, 0))
        self.assertEqual(len(self._activities(december, self.budget_type)), 1)
        self.assertFalse(self._activities(without, self.budget_type))

    def test_new_year_reminder_at_the_start(self):
        december = self._customer("New year FY", "12", 31)
        self.assertEqual(self._run("2027-01-01"), (0, 1))
        activity = self._activities(december, self.start_type)
        self.assertEqual(
            activity.summary, "New fiscal year: new deals (from 2027-01-01)"
        )
        self.assertEqual(december.fiscal_year_start_reminder_date, "2027-01-01")
        self.assertEqual(self._run("2027-01-02"), (0, 0))
        # A cron down on the first day still reminds within the window.
        march = self._customer("March FY", "3", 31)
        self.assertEqual(self._run("2027-04-10"), (0, 1))
        self.assertTrue(self._activities(march, self.start_type))
        self.assertEqual(self._run("2027-05-15"), (0, 0))

    def test_29_february(self):
        leap = self._customer("Leap FY", "2", 29)
        # 2027 has no 29 February: the year ends on the 28th.
        self.assertEqual(self._run("2027-01-28"), (0, 0))
        self.assertEqual(self._run("2027-01-29"), (1, 0))
        self.assertEqual(leap.fiscal_year_reminder_date, "2027-02-28")
        self.assertEqual(self._run("2027-03-01"), (0, 1))
        self.assertEqual(leap.fiscal_year_start_reminder_date, "2027-03-01")
        # 2028 has one.
        self.assertEqual(self._run("2028-01-29"), (0, 0))
        self.assertEqual(self._run("2028-01-30"), (1, 0))
        self.assertEqual(leap.fiscal_year_reminder_date, "2028-02-29")

    def test_window_across_the_calendar_year(self):
        january = self._customer("January FY", "1", 31)
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_management.fiscal_year_reminder_days", "60"
        )
        self.assertEqual(self._run("2026-12-01"), (0, 0))
        self.assertEqual(self._run("2026-12-02"), (1, 0))
        self.assertEqual(january.fiscal_year_reminder_date, "2027-01-31")
