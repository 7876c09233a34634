"""Every side door to a confirmed (or grown) order, tried as a salesperson
through the ORM with access rights: each must leave the order unconfirmed
(or not grown) and nothing invoiced. One test per door, from a table."""

from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import SalesCase, SharedCursor

REFUSED = (UserError, AccessError, ValidationError)


class DoorCase(SalesCase):
    @classmethod
    def setUpClass(cls):
        super(DoorCase, cls).setUpClass()
        cls.salesperson = cls._create_user(
            "door_sales",
            [
                "sales_team.group_sale_salesman",
                "customer_management.group_customer_user",
            ],
        )
        cls.customer = cls._create_customer("Door Co", credit_limit=1000.0)
        cls.customer.write({"customer_status": "active"})
        cls.friend = cls._create_customer("Friend Co")
        # Confirmed within the limit (100 of 1,000), then a quotation far past.
        cls.small = cls._order(cls.customer, 100.0, confirm=True, user=cls.salesperson)
        cls.big = cls._order(cls.customer, 5000.0, user=cls.salesperson)
        cls.credit_type = cls.env.ref("customer_management.mail_activity_type_credit")

    def setUp(self):
        super(DoorCase, self).setUp()
        SharedCursor.patch_refusals(self)

    def _as_sales(self, records):
        return records.sudo(self.salesperson)

    def _line_vals(self, amount, order=None):
        vals = {
            "product_id": self.product.id,
            "product_uom_qty": 1,
            "price_unit": amount,
            "tax_id": [(6, 0, [])],
        }
        if order:
            vals["order_id"] = order.id
        return vals

    def _confirmed_for_customer(self):
        return self.env["sale.order"].search(
            [
                ("state", "in", ("sale", "done")),
                "|",
                ("partner_id", "child_of", self.customer.id),
                ("partner_invoice_id", "child_of", self.customer.id),
            ]
        )

    def _invoices_for_customer(self):
        return self.env["account.invoice"].search(
            [
                ("commercial_partner_id", "=", self.customer.id),
                ("type", "=", "out_invoice"),
            ]
        )


# --------------------------------------------------------------------------
# The doors: name -> (what the salesperson does, "refused" or "no effect").
# --------------------------------------------------------------------------
def _write_state(case, state):
    case._as_sales(case.big).write({"state": state})


def _credit_note_then_confirm(case):
    case._invoice(
        case.customer,
        1000000.0,
        False,
        refund=True,
        validate=False,
        user=case.salesperson,
    )
    case._as_sales(case.big).action_confirm()


def _invoice_address_order(case):
    order = case._order(case.friend, 5000.0, user=case.salesperson)
    order = case._as_sales(order)
    order.write({"partner_invoice_id": case.customer.id})
    order.action_confirm()


def _batch_with_approved_order(case):
    case.env["customer.credit.override"].sudo(case.credit_manager).create(
        {"order_id": case.big.id, "amount_over": 4100.0, "reason": "one deal"}
    )
    other = case._order(case.customer, 10.0, user=case.salesperson)
    case._as_sales(case.big | other).action_confirm()


def _import_confirmed(case):
    result = (
        case.env["sale.order"]
        .sudo(case.salesperson)
        .load(["partner_id/.id", "state"], [[str(case.customer.id), "sale"]])
    )
    if not result["ids"]:
        messages = str(result["messages"])
        assert "quotation" in messages, messages  # refused for the right reason
        raise UserError(messages)


def _eur_pricelist(case):
    eur = case.env.ref("base.EUR")
    eur.active = True
    case.env["res.currency.rate"].create(
        {"currency_id": eur.id, "rate": 0.01, "name": fields.Date.today()}
    )
    return case.env["product.pricelist"].create(
        {"name": "Door EUR", "currency_id": eur.id}
    )


CONFIRM_DOORS = {
    "write_state_sale": (lambda c: _write_state(c, "sale"), "refused"),
    "write_state_done": (lambda c: _write_state(c, "done"), "refused"),
    "create_confirmed": (
        lambda c: c.env["sale.order"]
        .sudo(c.salesperson)
        .create(
            {
                "partner_id": c.customer.id,
                "state": "sale",
                "order_line": [(0, 0, c._line_vals(5000.0))],
            }
        ),
        "refused",
    ),
    "copy_as_confirmed": (
        lambda c: c._as_sales(c.big).copy({"state": "sale"}),
        "refused",
    ),
    "copy_a_confirmed_order": (
        lambda c: c._as_sales(c.small).copy(),
        "no effect",
    ),
    "import_as_confirmed": (_import_confirmed, "refused"),
    "action_done_on_quotation": (
        lambda c: c._as_sales(c.big).action_done(),
        "no effect",
    ),
    "action_unlock_on_quotation": (
        lambda c: c._as_sales(c.big).action_unlock(),
        "no effect",
    ),
    "invoice_a_quotation": (
        lambda c: c._as_sales(c.big).action_invoice_create(),
        "refused",
    ),
    "forged_quantity_to_invoice": (
        lambda c: c._as_sales(c.big.order_line).write({"qty_to_invoice": 50.0}),
        "refused",
    ),
    "forged_zero_total_then_confirm": (
        lambda c: c._as_sales(c.big).write({"amount_total": 0.0}),
        "refused",
    ),
    "forged_line_state": (
        lambda c: c._as_sales(c.big.order_line).write({"state": "sale"}),
        "refused",
    ),
    "state_through_the_customer": (
        lambda c: c._as_sales(c.customer).write(
            {"sale_order_ids": [(1, c.big.id, {"state": "sale"})]}
        ),
        "refused",
    ),
    "draft_credit_note_makes_room": (_credit_note_then_confirm, "refused"),
    "invoice_address_over_limit": (_invoice_address_order, "refused"),
    "approval_combined_in_a_batch": (_batch_with_approved_order, "refused"),
    "confirm_as_is": (lambda c: c._as_sales(c.big).action_confirm(), "refused"),
}

GROWTH_DOORS = {
    "new_line": (
        lambda c: c.env["sale.order.line"]
        .sudo(c.salesperson)
        .create(c._line_vals(50000.0, c.small)),
        "refused",
    ),
    "new_line_through_the_order": (
        lambda c: c._as_sales(c.small).write(
            {"order_line": [(0, 0, c._line_vals(50000.0))]}
        ),
        "refused",
    ),
    "higher_quantity_through_the_order": (
        lambda c: c._as_sales(c.small).write(
            {"order_line": [(1, c.small.order_line.id, {"product_uom_qty": 500})]}
        ),
        "refused",
    ),
    "higher_price": (
        lambda c: c._as_sales(c.small.order_line).write({"price_unit": 50000.0}),
        "refused",
    ),
    "move_a_line_in": (
        lambda c: c._as_sales(c.big.order_line).write({"order_id": c.small.id}),
        "refused",
    ),
    "link_a_line_in": (
        lambda c: c._as_sales(c.small).write(
            {"order_line": [(4, c.big.order_line.id)]}
        ),
        "refused",
    ),
    "currency_raising_the_total": (
        lambda c: c._as_sales(c.small).write({"pricelist_id": _eur_pricelist(c).id}),
        "refused",
    ),
    "forged_line_total": (
        lambda c: c._as_sales(c.small.order_line).write({"price_total": 1.0}),
        "refused",
    ),
    "other_customer": (
        lambda c: c._as_sales(c.small).write({"partner_id": c.friend.id}),
        "refused",
    ),
    "other_invoice_address": (
        lambda c: c._as_sales(c.small).write({"partner_invoice_id": c.friend.id}),
        "refused",
    ),
}


class TestHoldDoors(DoorCase):
    def _try(self, door, expected):
        """Run ``door`` in a savepoint, as one RPC call runs in a transaction
        (a refusal rolls its writes back); check how it ended."""
        try:
            with self.env.cr.savepoint():
                door(self)
        except REFUSED:
            outcome = "refused"
        else:
            outcome = "no effect"
        self.env["sale.order"].invalidate_cache()
        self.assertEqual(outcome, expected)

    def _assert_nothing_confirmed(self):
        self.assertEqual(self.big.state, "draft")
        self.assertEqual(self._confirmed_for_customer(), self.small)
        self.assertFalse(self._invoices_for_customer())

    def _assert_not_grown(self):
        self.assertEqual(self.small.state, "sale")
        self.assertAlmostEqual(self.small.amount_total, 100.0)
        self.assertEqual(len(self.small.order_line), 1)
        self.assertEqual(self.small.partner_id, self.customer)
        self.assertEqual(self.small.partner_invoice_id, self.customer)
        self.assertEqual(self.small.currency_id, self.company.currency_id)
        self._assert_nothing_confirmed()


def _confirm_test(door, expected):
    def test(self):
        self._try(door, expected)
        self._assert_nothing_confirmed()

    return test


def _growth_test(door, expected):
    def test(self):
        self._try(door, expected)
        self._assert_not_grown()

    return test


for _name, (_door, _expected) in CONFIRM_DOORS.items():
    setattr(TestHoldDoors, "test_door_%s" % _name, _confirm_test(_door, _expected))
for _name, (_door, _expected) in GROWTH_DOORS.items():
    setattr(TestHoldDoors, "test_growth_%s" % _name, _growth_test(_door, _expected))


class TestMainRoadsStillOpen(DoorCase):
    """Core's own transitions and the honest paths keep working."""

    def test_confirm_lock_unlock_cancel_draft(self):
        order = self._as_sales(self._order(self.customer, 50.0, user=self.salesperson))
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        order.action_done()
        self.assertEqual(order.state, "done")
        order.action_unlock()
        self.assertEqual(order.state, "sale")
        order.action_cancel()
        self.assertEqual(order.state, "cancel")
        order.action_draft()
        self.assertEqual(order.state, "draft")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        invoice_ids = order.action_invoice_create()
        self.assertEqual(len(invoice_ids), 1)

    def test_auto_lock_setting_locks_at_confirmation(self):
        self.env["ir.config_parameter"].set_param("sale.auto_done_setting", "True")
        order = self._as_sales(self._order(self.customer, 50.0, user=self.salesperson))
        order.action_confirm()
        self.assertEqual(order.state, "done")

    def test_decrease_is_never_checked(self):
        self.customer.sudo(self.credit_manager).action_place_hold("Dispute")
        line = self._as_sales(self.small.order_line)
        line.write({"product_uom_qty": 0.5})
        self.assertAlmostEqual(self.small.amount_total, 50.0)

    def test_growth_within_the_limit_passes(self):
        self._as_sales(self.small.order_line).write({"product_uom_qty": 3})
        self.assertAlmostEqual(self.small.amount_total, 300.0)

    def test_growth_is_refused_for_a_held_customer(self):
        self.customer.sudo(self.credit_manager).action_place_hold("Dispute")
        with self.assertRaisesRegex(UserError, "Dispute"):
            self._as_sales(self.small.order_line).write({"product_uom_qty": 2})

    def test_growth_with_an_approval_passes_once(self):
        self.env["customer.credit.override"].sudo(self.credit_manager).create(
            {
                "order_id": self.small.id,
                "amount_over": 100.0,
                "amount_order": 1200.0,
                "reason": "bigger delivery",
            }
        )
        line = self._as_sales(self.small.order_line)
        # (a savepoint: the refused write rolls back, as an RPC call would)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            line.write({"product_uom_qty": 13})  # 300 over: more than approved
        line.invalidate_cache()
        line.write({"product_uom_qty": 11})  # 1,100 for a limit of 1,000
        self.assertAlmostEqual(self.small.amount_total, 1100.0)
        self.assertEqual(self.small.credit_override_id, self.small.credit_override_ids)
        with self.assertRaises(UserError):
            line.write({"product_uom_qty": 12})  # the approval is used

    def test_draft_credit_note_does_not_lower_credit_used(self):
        used = self.customer._get_credit_used(self.company)[self.customer.id]
        self.assertAlmostEqual(used, 100.0)
        refund = self._invoice(self.customer, 500.0, False, refund=True, validate=False)
        self.assertAlmostEqual(
            self.customer._get_credit_used(self.company)[self.customer.id], used
        )
        refund.action_invoice_open()  # posted: real money, it counts
        self.assertAlmostEqual(
            self.customer._get_credit_used(self.company)[self.customer.id], -400.0
        )

    def test_salesperson_may_still_edit_a_quotation(self):
        big = self._as_sales(self.big)
        big.write({"note": "call back", "order_line": [(0, 0, self._line_vals(1.0))]})
        self.assertAlmostEqual(big.amount_total, 5001.0)


class TestPortalRefusal(DoorCase):
    def test_portal_customer_gets_a_polite_refusal(self):
        portal = self.env["res.users"].create(
            {
                "name": "Door Portal",
                "login": "cm_test_door_portal",
                "email": "portal@example.com",
                "partner_id": self.Partner.create(
                    {"name": "Door Buyer", "parent_id": self.customer.id}
                ).id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.big.message_subscribe([portal.partner_id.id])
        with self.assertRaises(UserError) as error:
            self.big.sudo(portal).action_confirm()
        text = error.exception.name
        self.assertIn("contact us", text)
        for secret in ("credit limit", "1,000.00", "5,000.00", "Door Co"):
            self.assertNotIn(secret, text)
        self.assertEqual(self.big.state, "draft")
        self.assertTrue(
            any(
                "credit limit" in body and "5,000.00" in body
                for body in self.big.message_ids.mapped("body")
            )
        )


class TestOnlinePayment(DoorCase):
    """sale_payment confirms an order from the payment's feedback: the money
    is never lost with a refusal."""

    @classmethod
    def setUpClass(cls):
        super(TestOnlinePayment, cls).setUpClass()
        cls.acquirer = cls.env.ref("payment.payment_acquirer_transfer")
        cls.acquirer.write({"environment": "test", "website_published": True})
        cls.customer.write({"country_id": cls.env.ref("base.us").id})

    def _allow_manual_capture(self):
        """Let the test acquirer authorize (and capture later) like a card
        acquirer."""
        Acquirer = type(self.env["payment.acquirer"])
        features = Acquirer._get_feature_support

        def with_transfer(acquirer):
            result = features(acquirer)
            result["authorize"].append("transfer")
            return result

        patcher = patch.object(Acquirer, "_get_feature_support", with_transfer)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.acquirer.write({"capture_manually": True})

    def _pay_online(self, order, state="done", amount=None):
        """A test-mode transaction for ``order`` whose acquirer answers
        ``state`` (as a card acquirer's feedback would)."""
        tx = self.env["payment.transaction"].create(
            {
                "acquirer_id": self.acquirer.id,
                "amount": order.amount_total if amount is None else amount,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": "TEST-%s" % order.name,
                "sale_order_id": order.id,
            }
        )
        Transaction = type(self.env["payment.transaction"])
        with patch.object(
            Transaction,
            "_transfer_form_validate",
            lambda tx, data: tx.write({"state": state}),
        ):
            self.env["payment.transaction"].sudo().form_feedback(
                {
                    "reference": tx.reference,
                    "amount": "%.2f" % tx.amount,
                    "currency": tx.currency_id.name,
                },
                "transfer",
            )
        self.env["sale.order"].invalidate_cache()
        return tx

    def test_order_paid_in_full_uses_no_credit_and_is_confirmed(self):
        tx = self._pay_online(self.big)
        self.assertEqual(tx.state, "done")
        self.assertEqual(self.big.state, "sale")

    def test_refused_payment_keeps_the_money_and_leaves_the_decision(self):
        self.customer.sudo(self.credit_manager).action_place_hold("Dispute")
        tx = self._pay_online(self.big)
        self.assertEqual(tx.state, "done")
        self.assertEqual(self.big.state, "draft")
        bodies = self.big.message_ids.mapped("body")
        self.assertTrue(any("TEST-%s" % self.big.name in b for b in bodies))
        self.assertTrue(any("Dispute" in b for b in bodies))
        self.assertEqual(len(self._activities(self.big, self.credit_type)), 1)

    def test_authorized_only_is_not_prepaid(self):
        self._allow_manual_capture()
        tx = self._pay_online(self.big, state="authorized")
        self.assertEqual(tx.state, "authorized")
        self.assertEqual(self.big.state, "draft")
        self.assertEqual(len(self._activities(self.big, self.credit_type)), 1)
        # The customer only would exceed the limit: no hold.
        self.assertEqual(self.customer.customer_status, "active")

    def test_authorized_order_within_the_limit_is_confirmed(self):
        self._allow_manual_capture()
        order = self._order(self.customer, 200.0, user=self.salesperson)
        self._pay_online(order, state="authorized")
        self.assertEqual(order.state, "sale")


class TestCreditApprovals(DoorCase):
    """customer.credit.override: an immutable approval of one order."""

    def _approve(self, order, user=None):
        return (
            self.env["customer.credit.override.wizard"]
            .sudo(user or self.credit_manager)
            .with_context(active_id=order.id)
            .create({"reason": "Strategic deal"})
        )

    def test_quotation_shows_the_refusal_before_and_after(self):
        big = self._as_sales(self.big)
        self.assertIn("4,100.00", big.credit_refusal)  # before any Confirm
        self.assertTrue(big.credit_refusal_approvable)
        self.assertFalse(big.credit_refusal_manual_hold)
        with self.assertRaises(UserError):
            big.action_confirm()
        big.invalidate_cache()  # a reload
        self.assertIn("4,100.00", big.credit_refusal)
        self.assertTrue(big.credit_refusal_approvable)
        self.assertFalse(self._as_sales(self.small).credit_refusal)

    def test_each_quotation_is_judged_alone_in_one_read(self):
        fits = self._order(self.customer, 500.0, user=self.salesperson)
        other = self._order(self.friend, 500.0, user=self.salesperson)
        orders = (self.big | fits | other).sudo(self.salesperson)
        values = {o["id"]: o["credit_refusal"] for o in orders.read(["credit_refusal"])}
        self.assertTrue(values[self.big.id])
        self.assertFalse(values[fits.id])
        self.assertFalse(values[other.id])

    def test_approval_confirms_and_is_recorded(self):
        wizard = self._approve(self.big)
        self.assertAlmostEqual(wizard.amount_over, 4100.0)
        wizard.action_approve_and_confirm()
        self.assertEqual(self.big.state, "sale")
        approval = self.big.credit_override_ids
        self.assertEqual(self.big.credit_override_id, approval)
        self.assertEqual(
            (approval.order_name, approval.partner_id, approval.approver_id),
            (self.big.name, self.customer, self.credit_manager),
        )
        self.assertAlmostEqual(approval.amount_order, 5000.0)

    def test_approval_is_immutable(self):
        self._approve(self.big).action_approve_and_confirm()
        approval = self.big.credit_override_ids
        for user in (self.credit_manager, self.manager, self.env.user):
            with self.assertRaises(AccessError):
                approval.sudo(user).write({"amount_over": 1e9})
            with self.assertRaises(AccessError):
                approval.sudo(user).unlink()
        self.assertAlmostEqual(approval.amount_over, 4100.0)

    def test_deleting_the_order_keeps_the_approval(self):
        self.env["customer.credit.override"].sudo(self.credit_manager).create(
            {"order_id": self.big.id, "amount_over": 4100.0, "reason": "deal"}
        )
        approval = self.big.credit_override_ids
        name = self.big.name
        self.big.action_cancel()
        self.big.sudo().unlink()
        approval.invalidate_cache()
        self.assertTrue(approval.exists())
        self.assertFalse(approval.order_id)
        self.assertEqual(approval.order_name, name)
        self.assertEqual(approval.partner_id, self.customer)

    def test_approval_not_reusable_after_cancel_and_reset(self):
        self._approve(self.big).action_approve_and_confirm()
        self.big.action_cancel()
        self.big.action_draft()
        with self.assertRaises(UserError):
            self._as_sales(self.big).action_confirm()
        self.assertEqual(self.big.state, "draft")
        self.assertTrue(self.big.credit_refusal_approvable)

    def test_approval_covers_its_amount_only(self):
        self.env["customer.credit.override"].sudo(self.credit_manager).create(
            {"order_id": self.big.id, "amount_over": 4100.0, "reason": "deal"}
        )
        big = self._as_sales(self.big)
        big.write({"order_line": [(0, 0, self._line_vals(10.0))]})
        with self.assertRaises(UserError):
            big.action_confirm()
        big.write({"order_line": [(2, big.order_line[-1].id)]})
        big.action_confirm()
        self.assertEqual(big.state, "sale")

    def test_manual_hold_asks_to_release_first(self):
        self.customer.sudo(self.credit_manager).action_place_hold("Legal dispute")
        order = self._order(self.customer, 10.0).sudo(self.credit_manager)
        self.assertIn("Legal dispute", order.credit_refusal)
        self.assertTrue(order.credit_refusal_manual_hold)
        self.assertFalse(order.credit_refusal_approvable)
        with self.assertRaisesRegex(UserError, "release the hold first"):
            self._approve(order).action_approve_and_confirm()
        self.assertEqual(order.state, "draft")

    def test_overdue_refusal_can_be_approved(self):
        invoice = self._invoice(self.customer, 50.0, "2020-01-01", "2020-01-31")
        self.assertEqual(invoice.state, "open")
        order = self._order(self.customer, 10.0, user=self.salesperson)
        with self.assertRaisesRegex(UserError, "overdue"):
            self._as_sales(order).action_confirm()
        self.assertEqual(self.customer.customer_status, "hold")  # overdue: held
        self.assertTrue(order.credit_refusal_approvable)
        self._approve(order).action_approve_and_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_override_ids.amount_over, 0.0)

    def test_other_company_cannot_see_approvals(self):
        self._approve(self.big).action_approve_and_confirm()
        sister = self.env["res.company"].create({"name": "Door Sister"})
        outsider = self._create_user(
            "door_outsider", ["customer_management.group_credit_manager"], sister
        )
        Override = self.env["customer.credit.override"]
        self.assertTrue(Override.sudo(self.credit_manager).search([]))
        self.assertFalse(
            Override.sudo(outsider).search([("order_name", "=", self.big.name)])
        )
