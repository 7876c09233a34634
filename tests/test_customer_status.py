from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import CustomerCase


class TestCustomerStatus(CustomerCase):

    @classmethod
    def setUpClass(cls):
        super(TestCustomerStatus, cls).setUpClass()
        cls.customer = cls._create_customer("Pipeline Co")

    def test_new_customer_starts_as_c_prospect(self):
        self.assertEqual(self.customer.customer_status, "prospect_c")

    def test_forward_walks_the_whole_pipeline(self):
        seen = []
        partner = self.customer.sudo(self.customer_user)
        for _step in range(4):
            partner.action_status_forward()
            seen.append(partner.customer_status)
        self.assertEqual(seen, ["prospect_b", "prospect_a", "negotiation", "active"])
        self.assertEqual(
            self.customer.status_date, fields.Date.context_today(self.customer)
        )

    def test_back_walks_the_pipeline_back(self):
        self.customer.write({"customer_status": "active"})
        seen = []
        for _step in range(4):
            self.customer.action_status_back()
            seen.append(self.customer.customer_status)
        self.assertEqual(
            seen, ["negotiation", "prospect_a", "prospect_b", "prospect_c"]
        )

    def test_forward_from_active_is_refused(self):
        self.customer.write({"customer_status": "active"})
        with self.assertRaisesRegex(UserError, "cannot move forward"):
            self.customer.action_status_forward()
        self.assertEqual(self.customer.customer_status, "active")

    def test_back_from_c_prospect_is_refused(self):
        with self.assertRaisesRegex(UserError, "cannot move back"):
            self.customer.action_status_back()
        self.assertEqual(self.customer.customer_status, "prospect_c")

    def test_inactive_and_back_to_active(self):
        self.customer.write({"customer_status": "active"})
        self.customer.action_set_inactive()
        self.assertEqual(self.customer.customer_status, "inactive")
        with self.assertRaises(UserError):
            self.customer.action_status_back()
        self.customer.action_status_forward()
        self.assertEqual(self.customer.customer_status, "active")

    def test_drag_to_any_column_but_hold(self):
        # The kanban writes the status directly: jumping columns is allowed.
        self.customer.sudo(self.customer_user).write({"customer_status": "negotiation"})
        self.assertEqual(self.customer.customer_status, "negotiation")
        with self.assertRaisesRegex(UserError, "Place on hold"):
            self.customer.sudo(self.customer_user).write({"customer_status": "hold"})
        self.assertEqual(self.customer.customer_status, "negotiation")

    def test_status_change_is_tracked_in_chatter(self):
        self.customer.write({"customer_status": "prospect_a"})
        tracking = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.res_id", "=", self.customer.id),
                ("mail_message_id.model", "=", "res.partner"),
                ("field", "=", "customer_status"),
            ]
        )
        changes = [(t.old_value_char, t.new_value_char) for t in tracking]
        self.assertIn(("C-level prospect", "A-level prospect"), changes)

    def test_status_date_set_on_change_only(self):
        self.customer.write({"status_date": "2020-01-01"})
        self.customer.write({"name": "Renamed Pipeline Co"})
        self.assertEqual(self.customer.status_date, "2020-01-01")
        self.customer.write({"customer_status": "prospect_b"})
        self.assertEqual(
            self.customer.status_date, fields.Date.context_today(self.customer)
        )

    def test_plain_user_cannot_move_status(self):
        with self.assertRaises(AccessError):
            self.customer.sudo(self.plain_user).write({"customer_status": "prospect_b"})
        with self.assertRaises(AccessError):
            self.customer.sudo(self.plain_user).action_status_forward()
        self.assertEqual(self.customer.customer_status, "prospect_c")

    def test_creating_on_hold_is_refused(self):
        with self.assertRaises(UserError):
            self._create_customer("Born On Hold", customer_status="hold")
        self.assertFalse(self.Partner.search([("name", "=", "Born On Hold")]))


class TestHoldActions(CustomerCase):

    @classmethod
    def setUpClass(cls):
        super(TestHoldActions, cls).setUpClass()
        cls.customer = cls._create_customer("Held Co")
        cls.customer.write({"customer_status": "negotiation"})
        cls.contact = cls.Partner.create(
            {"name": "Held Contact", "parent_id": cls.customer.id}
        )

    def test_place_and_release_restore_previous_status(self):
        self.customer.sudo(self.credit_manager).action_place_hold("Invoice 42 unpaid")
        self.assertEqual(self.customer.customer_status, "hold")
        self.assertEqual(self.customer.status_before_hold, "negotiation")
        self.customer.sudo(self.credit_manager).action_release_hold("Paid in full")
        self.assertEqual(self.customer.customer_status, "negotiation")
        self.assertFalse(self.customer.status_before_hold)
        bodies = self.customer.message_ids.mapped("body")
        self.assertTrue(
            any("Invoice 42 unpaid" in b and "Test credit" in b for b in bodies)
        )
        self.assertTrue(any("Paid in full" in b for b in bodies))

    def test_hold_through_a_contact_holds_the_company(self):
        self.contact.sudo(self.credit_manager).action_place_hold("Overdue")
        self.assertEqual(self.customer.customer_status, "hold")

    def test_held_customer_cannot_be_moved_by_hand(self):
        self.customer.action_place_hold("Overdue")
        with self.assertRaisesRegex(UserError, "financial hold"):
            self.customer.write({"customer_status": "active"})
        with self.assertRaises(UserError):
            self.customer.action_status_forward()
        self.assertEqual(self.customer.customer_status, "hold")

    def test_reason_is_mandatory(self):
        for reason in ("", "   ", None, False):
            with self.assertRaisesRegex(UserError, "reason"):
                self.customer.action_place_hold(reason)
        self.assertEqual(self.customer.customer_status, "negotiation")

    def test_salesperson_cannot_place_or_release(self):
        with self.assertRaises(AccessError):
            self.customer.sudo(self.customer_user).action_place_hold("No")
        self.customer.action_place_hold("Overdue")
        with self.assertRaises(AccessError):
            self.customer.sudo(self.customer_user).action_release_hold("Please")
        self.assertEqual(self.customer.customer_status, "hold")

    def test_wizard_places_and_releases(self):
        Wizard = self.env["customer.hold.wizard"].sudo(self.credit_manager)
        ctx = {"active_model": "res.partner", "active_ids": self.customer.ids}
        Wizard.with_context(ctx, hold_mode="place").create(
            {"reason": "Limit used"}
        ).action_apply()
        self.assertEqual(self.customer.customer_status, "hold")
        Wizard.with_context(ctx, hold_mode="release").create(
            {"reason": "Paid"}
        ).action_apply()
        self.assertEqual(self.customer.customer_status, "negotiation")

    def test_wizard_refuses_salesperson(self):
        wizard = (
            self.env["customer.hold.wizard"]
            .sudo(self.customer_user)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .create({"reason": "x"})
        )
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertEqual(self.customer.customer_status, "negotiation")
