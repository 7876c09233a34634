from .common import SalesCase


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
