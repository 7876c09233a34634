from ..models.sale_order import STATE_CHANGES
from .common import SalesCase


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
