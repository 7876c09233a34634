import base64
import io
import threading

from PIL import Image

from .common import SalesCase, days_from_today, freeze_clock


class TestExpectedRevenue(SalesCase):
    @classmethod
    def setUpClass(cls):
        super(TestExpectedRevenue, cls).setUpClass()
        cls.Forecast = cls.env["customer.sales.forecast"]
        cls.alpha = cls._create_customer("Kanban Alpha")
        cls.beta = cls._create_customer("Kanban Beta")

    def test_open_forecasts_count_ended_ones_do_not(self):
        self._forecast(self.alpha, 10000.0, 50.0, date_end=days_from_today(30))
        self._forecast(self.alpha, 2000.0, 100.0, date_end=days_from_today(0))
        self._forecast(self.alpha, 9999.0, 100.0, date_end=days_from_today(-1))
        self.assertAlmostEqual(self.alpha.expected_revenue, 7000.0)
        self.assertEqual(self.beta.expected_revenue, 0.0)

    def test_follows_forecast_changes(self):
        forecast = self._forecast(
            self.alpha, 1000.0, 100.0, date_end=days_from_today(10)
        )
        self.assertAlmostEqual(self.alpha.expected_revenue, 1000.0)
        forecast.write({"probability": 25.0})
        self.assertAlmostEqual(self.alpha.expected_revenue, 250.0)
        forecast.write({"date_end": days_from_today(-5)})
        self.assertEqual(self.alpha.expected_revenue, 0.0)
        forecast.write({"date_end": days_from_today(5)})
        forecast.unlink()
        self.assertEqual(self.alpha.expected_revenue, 0.0)

    def test_nightly_refresh_drops_forecasts_that_ended(self):
        self._forecast(self.alpha, 4000.0, 50.0, date_end="2030-06-30")
        self._forecast(self.beta, 1000.0, 100.0, date_end="2030-01-31")
        self.assertAlmostEqual(self.alpha.expected_revenue, 2000.0)
        with freeze_clock("2030-02-01"):
            self.Partner._cron_nightly_recompute()
        self.assertAlmostEqual(self.alpha.expected_revenue, 2000.0)
        self.assertEqual(self.beta.expected_revenue, 0.0)
        # Nothing left to change: the refresh writes no row.
        with freeze_clock("2030-02-01"):
            self.Partner._refresh_expected_revenue()
            self.assertEqual(self.env.cr.rowcount, 0)

    def test_column_header_sum_is_one_read_group(self):
        self._forecast(self.alpha, 1000.0, 100.0, date_end=days_from_today(10))
        self._forecast(self.beta, 500.0, 100.0, date_end=days_from_today(10))
        self.beta.write({"customer_status": "negotiation"})
        groups = self.Partner.sudo(self.customer_user).read_group(
            [("id", "in", (self.alpha | self.beta).ids)],
            ["expected_revenue", "customer_status"],
            ["customer_status"],
        )
        totals = {
            g["customer_status"]: (g["customer_status_count"], g["expected_revenue"])
            for g in groups
            if g["customer_status_count"]
        }
        self.assertEqual(totals, {"prospect_c": (1, 1000.0), "negotiation": (1, 500.0)})


class TestHoldRibbon(SalesCase):
    @classmethod
    def setUpClass(cls):
        super(TestHoldRibbon, cls).setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "customer_management.hold_grace_days", "0"
        )
        cls.late = cls._create_customer("Late Payer")
        cls._invoice(cls.late, 300.0, days_from_today(-40), days_from_today(-30))
        cls.over = cls._create_customer("Over Limit")
        cls._order(cls.over, 800.0, confirm=True)
        cls.over.write({"credit_limit": 500.0})
        cls.fine = cls._create_customer("Fine Customer")
        cls.manual = cls._create_customer("Manual Hold")
        (cls.late | cls.over).write({"customer_status": "active"})
        (cls.late | cls.over | cls.fine)._review_credit_holds()
        cls.manual.action_place_hold("Disputed deliveries")

    def _read(self, partners):
        return {
            row["id"]: (
                row["customer_status"],
                row["hold_overdue_amount"],
                row["hold_over_limit_amount"],
            )
            for row in partners.sudo(self.customer_user).read(
                ["customer_status", "hold_overdue_amount", "hold_over_limit_amount"]
            )
        }

    def test_amounts_of_the_held_cards(self):
        partners = self.late | self.over | self.fine | self.manual
        self.assertEqual(
            self._read(partners),
            {
                self.late.id: ("hold", 300.0, 0.0),
                self.over.id: ("hold", 0.0, 300.0),
                self.fine.id: ("prospect_c", 0.0, 0.0),
                self.manual.id: ("hold", 0.0, 0.0),
            },
        )

    def test_a_column_costs_the_same_queries_whatever_its_size(self):
        def count(partners):
            partners.invalidate_cache()
            before = self.env.cr.sql_log_count
            self._read(partners)
            return self.env.cr.sql_log_count - before

        more = self.env["res.partner"]
        for index in range(5):
            customer = self._create_customer("Held %s" % index)
            customer.action_place_hold("Held for the count")
            more |= customer
        count(self.late | self.over)  # caches of parameters and translations
        self.assertEqual(
            count(self.late | self.over), count(self.late | self.over | more)
        )


class TestPipelineKanbanView(SalesCase):
    def _png(self, color):
        buffer = io.BytesIO()
        Image.new("RGB", (80, 80), color).save(buffer, "PNG")
        return base64.b64encode(buffer.getvalue())

    def test_logo_only_for_an_image_of_its_own(self):
        thread = threading.currentThread()
        testing = getattr(thread, "testing", False)
        thread.testing = False  # Odoo stores no placeholder image in tests
        try:
            placeholder = self.Partner._get_default_image("contact", True, False)
        finally:
            thread.testing = testing
        self.assertTrue(placeholder)
        without = self._create_customer("No Image Co")
        default = self._create_customer("Default Image Co", image=placeholder)
        logo = self._create_customer("Logo Co", image=self._png((200, 30, 30)))
        self.assertEqual(
            [p.has_logo for p in without | default | logo], [False, False, True]
        )

    def test_class_columns_name_the_customers_without_class(self):
        view = self.env.ref("customer_management.res_partner_view_kanban_pipeline")
        arch = self.Partner.sudo(self.customer_user).fields_view_get(
            view_id=view.id, view_type="kanban"
        )
        selection = arch["fields"]["prospect_class"]["selection"]
        self.assertEqual(selection[0], (False, "No class"))
        self.assertEqual([key for key, _label in selection[1:]], list("abcde"))
        self.assertIn("<progressbar", arch["arch"])
        # Elsewhere (the form) the selection is the field's.
        form = self.Partner.fields_view_get(view_type="form")
        self.assertEqual(form["fields"]["prospect_class"]["selection"][0][0], "a")
        # The field itself is untouched.
        self.assertEqual(self.Partner._fields["prospect_class"].selection[0][0], "a")

    def test_progress_bars_keyed_as_the_columns_are_titled(self):
        urgent = self._create_customer("Urgent Co", prospect_class="a")
        self._create_customer("Unclassified Co")
        partners = self.Partner.search(
            [("name", "in", ["Urgent Co", "Unclassified Co"])]
        )
        self.assertEqual(urgent.followup_urgency, "urgent")
        progress = {
            "field": "followup_urgency",
            "colors": {"urgent": "danger", "normal": "success"},
        }
        domain = [("id", "in", partners.ids)]
        Partner = self.Partner.sudo(self.customer_user)
        by_status = Partner.read_progress_bar(domain, "customer_status", progress)
        self.assertEqual(by_status, {"C-level prospect": {"urgent": 1, "normal": 0}})
        by_class = Partner.read_progress_bar(domain, "prospect_class", progress)
        self.assertEqual(
            by_class,
            {
                "A - closes within 1 month": {"urgent": 1, "normal": 0},
                "No class": {"urgent": 0, "normal": 0},
            },
        )
        # Other group-bys are left as core gives them.
        by_user = Partner.read_progress_bar(domain, "user_id", progress)
        self.assertEqual(list(by_user), [False])
