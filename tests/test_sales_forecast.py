from odoo.exceptions import AccessError

from .common import SalesCase


class TestSalesForecast(SalesCase):
    @classmethod
    def setUpClass(cls):
        super(TestSalesForecast, cls).setUpClass()
        cls.Forecast = cls.env["customer.sales.forecast"]
        cls.customer = cls._create_customer("Forecast Corp")
        cls.contact = cls.Partner.create(
            {"name": "Fay Buyer", "parent_id": cls.customer.id}
        )
        cls.other = cls._create_customer("Elsewhere Inc")
        # In Q1 2024: the customer's and its contact's confirmed orders.
        cls._order(cls.customer, 1000.0, confirmation_date="2024-02-15 10:00:00")
        cls._order(
            cls.contact, 500.0, confirmation_date="2024-03-31 23:59:00"
        )  # last day
        cls._order(
            cls.customer, 100.0, confirmation_date="2024-01-01 00:00:00", lock=True
        )  # done
        # Not counted in Q1: after the period, before it, a quotation, a
        # cancelled order, another customer.
        cls._order(cls.customer, 700.0, confirmation_date="2024-04-01 00:00:00")  # Q2
        cls._order(
            cls.customer, 300.0, confirmation_date="2023-12-31 23:59:00"
        )  # Q4 2023
        cls._order(cls.customer, 5000.0)
        cls._order(
            cls.customer, 2000.0, confirmation_date="2024-02-20 10:00:00"
        ).action_cancel()
        cls._order(cls.other, 4000.0, confirmation_date="2024-02-20 10:00:00")
        cls.q1 = cls._forecast(cls.customer, 4000.0, 40.0, date_end="2024-03-31")
        cls.q2 = cls._forecast(
            cls.customer, 500.0, 100.0, date_start="2024-04-01", date_end="2024-06-30"
        )

    def test_expected_amount(self):
        self.assertEqual(self.q1.expected_amount, 1600.0)
        self.q1.write({"probability": 75.0})
        self.assertEqual(self.q1.expected_amount, 3000.0)
        self.assertEqual(self.q2.expected_amount, 500.0)

    def test_actual_amount_from_confirmed_orders_in_period(self):
        self.assertEqual(self.q1.actual_amount, 1600.0)  # 1000 + 500 + 100
        self.assertEqual(self.q1.variance, 0.0)  # 1600 expected
        self.assertEqual(self.q2.actual_amount, 700.0)
        self.assertEqual(self.q2.variance, 200.0)

    def test_period_bounds_follow_edits(self):
        self.q1.write({"date_start": "2024-02-01", "date_end": "2024-02-29"})
        self.assertEqual(self.q1.actual_amount, 1000.0)
        self.q1.write({"date_start": "2023-12-31", "date_end": "2024-12-31"})
        self.assertEqual(self.q1.actual_amount, 300.0 + 1000.0 + 500.0 + 100.0 + 700.0)

    def test_actual_amount_is_set_based(self):
        forecasts = self.q1 | self.q2
        for month in range(1, 10):
            forecasts |= self.Forecast.create(
                {
                    "partner_id": self.other.id,
                    "date_start": "2024-%02d-01" % month,
                    "date_end": "2024-%02d-28" % month,
                    "amount": 100.0,
                }
            )

        def queries(records):
            self.env.cache.invalidate()
            before = self.env.cr.sql_log_count
            records.mapped("actual_amount")
            return self.env.cr.sql_log_count - before

        queries(forecasts)  # warm the caches (rules, groups)
        self.assertEqual(queries(self.q1 | self.q2), queries(forecasts))
        self.assertEqual(
            forecasts.filtered(lambda f: f.partner_id == self.other).mapped(
                "actual_amount"
            ),
            [0.0, 4000.0] + [0.0] * 7,
        )

    def test_contact_entered_as_customer(self):
        forecast = self.Forecast.create(
            {
                "partner_id": self.contact.id,
                "date_start": "2024-01-01",
                "date_end": "2024-03-31",
                "amount": 10.0,
            }
        )
        self.assertEqual(forecast.partner_id, self.customer)
        self.assertEqual(forecast.actual_amount, 1600.0)
        self.assertEqual(self.customer.sales_forecast_count, 3)
        self.assertEqual(self.contact.sales_forecast_count, 3)

    def test_end_before_start_refused(self):
        with self.refused():
            self.Forecast.create(
                {
                    "partner_id": self.other.id,
                    "date_start": "2024-03-31",
                    "date_end": "2024-01-01",
                    "amount": 10.0,
                }
            )
        self.assertFalse(self.Forecast.search([("partner_id", "=", self.other.id)]))
        with self.refused():
            self.q1.write({"date_end": "2023-12-31"})
        self.assertEqual(self.q1.date_end, "2024-03-31")

    def test_bad_amount_and_probability_refused(self):
        for values in ({"amount": -1.0}, {"probability": -0.5}, {"probability": 100.5}):
            with self.refused():
                self.q1.write(values)
        self.assertEqual((self.q1.amount, self.q1.probability), (4000.0, 40.0))
        with self.refused():
            self.Forecast.create(
                {
                    "partner_id": self.other.id,
                    "date_start": "2024-01-01",
                    "date_end": "2024-01-31",
                    "amount": -5.0,
                }
            )
        self.assertFalse(self.Forecast.search([("partner_id", "=", self.other.id)]))

    def test_access(self):
        forecast = self.Forecast.sudo(self.customer_user).create(
            {
                "partner_id": self.other.id,
                "date_start": "2024-01-01",
                "date_end": "2024-03-31",
                "amount": 1000.0,
                "probability": 50.0,
            }
        )
        self.assertEqual(forecast.company_id, self.company)
        self.assertEqual(forecast.actual_amount, 4000.0)
        with self.refused(AccessError):
            self.Forecast.sudo(self.plain_user).create(
                {
                    "partner_id": self.other.id,
                    "date_start": "2024-01-01",
                    "date_end": "2024-03-31",
                    "amount": 1.0,
                }
            )
        with self.refused(AccessError):
            self.q1.sudo(self.plain_user).read(["amount"])

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Forecast Company B"})
        theirs = self.Forecast.create(
            {
                "partner_id": self.customer.id,
                "date_start": "2024-01-01",
                "date_end": "2024-03-31",
                "amount": 1.0,
                "company_id": company_b.id,
            }
        )
        # Orders of the first company do not count in the second company's forecast.
        self.assertEqual(theirs.actual_amount, 0.0)
        visible = self.Forecast.sudo(self.customer_user).search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(visible, self.q1 | self.q2)
        self.assertEqual(self.customer.sudo(self.customer_user).sales_forecast_count, 2)

    def test_action_view_sales_forecasts(self):
        action = self.contact.action_view_sales_forecasts()
        self.assertEqual(action["res_model"], "customer.sales.forecast")
        self.assertEqual(self.Forecast.search(action["domain"]), self.q1 | self.q2)
        self.assertEqual(action["context"], {"default_partner_id": self.customer.id})
