from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import CustomerCase, SalesCase, freeze_clock

TODAY = "2026-11-23"  # of the inactivity cron


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


class TestInactivity(SalesCase):
    """ir_cron_inactivity: active customers without an order for N days go
    inactive with an activity; a setting turns it off; an order brings them
    back."""

    @classmethod
    def setUpClass(cls):
        super(TestInactivity, cls).setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param("customer_management.inactivity_days", "100")
        cls.inactive_type = cls.env.ref(
            "customer_management.mail_activity_type_inactive"
        )

    def _active_customer(self, name, last_order=None, status_date="2026-01-01"):
        customer = self._create_customer(name, user_id=self.customer_user.id)
        customer._set_customer_status("active")
        if last_order:
            order = self._order(customer, 10.0, confirm=True)
            order.write({"confirmation_date": last_order + " 10:00:00"})
        customer.write({"customer_since": False})
        self.env.cr.execute(
            "UPDATE res_partner SET status_date = %s, create_date = %s WHERE id = %s",
            (status_date, status_date + " 08:00:00", customer.id),
        )
        customer.invalidate_cache()
        return customer

    def _run(self):
        return self.Partner._cron_inactivity(today=TODAY)

    def test_customer_without_recent_order_goes_inactive(self):
        # 23 Nov - 100 days = 15 Aug: an order on 14 Aug is too old, on 15 Aug not.
        old = self._active_customer("Old buyer", last_order="2026-08-14")
        edge = self._active_customer("Edge buyer", last_order="2026-08-15")
        recent = self._active_customer("Recent buyer", last_order="2026-11-01")
        never = self._active_customer("Never bought")
        just_active = self._active_customer("Just active", status_date="2026-11-20")
        prospect = self._create_customer("Prospect", prospect_class="c")
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = '2020-01-01' WHERE id = %s",
            (prospect.id,),
        )
        with freeze_clock(TODAY):
            count = self._run()
        self.assertGreaterEqual(count, 2)
        self.assertEqual(old.customer_status, "inactive")
        self.assertEqual(never.customer_status, "inactive")
        self.assertEqual(old.status_date, TODAY)
        for partner in (edge, recent, just_active):
            self.assertEqual(partner.customer_status, "active", partner.name)
        self.assertEqual(prospect.customer_status, "prospect_c")
        activity = self._activities(old, self.inactive_type)
        self.assertEqual(activity.summary, "Approach this customer: what changed?")
        self.assertEqual(activity.user_id, self.customer_user)
        self.assertFalse(self._activities(recent, self.inactive_type))
        note = old.message_ids.filtered(
            lambda m: "No confirmed order" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("100 days", note.body)
        # A second run finds nothing more to do.
        with freeze_clock(TODAY):
            self._run()
        self.assertEqual(len(self._activities(old, self.inactive_type)), 1)

    def test_held_customer_is_left_alone(self):
        held = self._active_customer("Held buyer", last_order="2026-01-10")
        held.sudo(self.credit_manager).action_place_hold("Unpaid")
        with freeze_clock(TODAY):
            self._run()
        self.assertEqual(held.customer_status, "hold")

    def test_setting_turns_it_off(self):
        self.params.set_param("customer_management.inactivity_enabled", "False")
        old = self._active_customer("Durable goods", last_order="2025-01-10")
        with freeze_clock(TODAY):
            self.assertEqual(self._run(), 0)
        self.assertEqual(old.customer_status, "active")
        self.assertFalse(self._activities(old, self.inactive_type))

    def test_new_order_brings_customer_back(self):
        old = self._active_customer("Comeback", last_order="2026-03-01")
        with freeze_clock(TODAY):
            self._run()
        self.assertEqual(old.customer_status, "inactive")
        contact = self.Partner.create({"name": "Buyer", "parent_id": old.id})
        self._order(contact, 20.0, confirm=True)
        self.assertEqual(old.customer_status, "active")
        # A quotation alone does not.
        with freeze_clock(TODAY):
            old.with_context(tracking_disable=True)._set_customer_status("inactive")
        self._order(old, 20.0, confirm=False)
        self.assertEqual(old.customer_status, "inactive")

    def test_settings_refuse_zero_days(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"cm_inactivity_enabled": True, "cm_inactivity_days": 0}
            )
        self.assertEqual(
            self.params.get_param("customer_management.inactivity_days"), "100"
        )
