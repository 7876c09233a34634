from odoo import fields
from odoo.exceptions import AccessError

from .common import SalesCase


class TestPipelineAnalysis(SalesCase):
    """customer.pipeline.analysis: one row per customer with its expected
    revenue, forecast and sales of the year, grouped by status and class."""

    @classmethod
    def setUpClass(cls):
        super(TestPipelineAnalysis, cls).setUpClass()
        cls.area = cls.env["customer.service.area"].create(
            {"name": "Analysis area", "code": "ANA"}
        )
        today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        cls.year_start = "%s-01-01" % today.year
        cls.year_end = "%s-12-31" % today.year
        cls.last_year = "%s-06-30" % (today.year - 1)
        cls.a1 = cls._create_customer(
            "Analysis A1", prospect_class="a", service_area_id=cls.area.id
        )
        cls.a2 = cls._create_customer(
            "Analysis A2", prospect_class="a", service_area_id=cls.area.id
        )
        cls.b1 = cls._create_customer(
            "Analysis B1", prospect_class="b", service_area_id=cls.area.id
        )
        for partner, start, end, amount, probability in (
            (cls.a1, cls.year_start, cls.year_end, 1000.0, 50.0),
            (cls.a1, "2020-01-01", "2020-12-31", 999.0, 100.0),  # ended
            (cls.a2, cls.year_start, cls.year_end, 400.0, 25.0),
            (cls.b1, cls.year_start, cls.year_end, 200.0, 100.0),
        ):
            cls._forecast(partner, amount, probability, date_start=start, date_end=end)
        cls._order(cls.a1, 300.0, confirm=True)
        cls._order(cls.a2, 700.0, confirmation_date=cls.last_year + " 10:00:00")
        cls._order(cls.b1, 55.0)  # a quotation is not a sale

    def _groups(self, user=None):
        Analysis = self.env["customer.pipeline.analysis"]
        if user:
            Analysis = Analysis.sudo(user)
        return {
            group["prospect_class"]: group
            for group in Analysis.read_group(
                [("service_area_id", "=", self.area.id)],
                [
                    "prospect_class",
                    "customer_count",
                    "expected_revenue",
                    "forecast_year",
                    "actual_year",
                ],
                ["prospect_class"],
            )
        }

    def test_figures_by_class(self):
        groups = self._groups()
        self.assertEqual(groups["a"]["customer_count"], 2)
        self.assertAlmostEqual(groups["a"]["expected_revenue"], 600.0, places=2)
        self.assertAlmostEqual(groups["a"]["forecast_year"], 600.0, places=2)
        self.assertAlmostEqual(groups["a"]["actual_year"], 300.0, places=2)
        self.assertEqual(groups["b"]["customer_count"], 1)
        self.assertAlmostEqual(groups["b"]["expected_revenue"], 200.0, places=2)
        self.assertAlmostEqual(groups["b"]["actual_year"], 0.0, places=2)

    def test_status_change_shows_at_once(self):
        self.b1.write({"customer_status": "negotiation"})
        row = self.env["customer.pipeline.analysis"].search(
            [("partner_id", "=", self.b1.id)]
        )
        self.assertEqual(row.customer_status, "negotiation")

    def test_customer_users_only(self):
        self.assertEqual(self._groups(self.customer_user)["a"]["customer_count"], 2)
        with self.assertRaises(AccessError):
            self._groups(self.plain_user)

    def test_pipeline_by_class_shows_every_class(self):
        groups = self.env["res.partner"].read_group(
            [("id", "in", (self.a1 | self.b1).ids)],
            ["prospect_class"],
            ["prospect_class"],
        )
        self.assertEqual(
            [g["prospect_class"] for g in groups], ["a", "b", "c", "d", "e"]
        )
        self.assertEqual([g["prospect_class_count"] for g in groups], [1, 1, 0, 0, 0])
