import math

from odoo.exceptions import UserError, ValidationError

from .common import SalesCase, SharedCursor
from .test_early_discount import INVOICED_ON, EarlyDiscountCase

BAD = [float("nan"), float("inf"), float("-inf"), 1e308, "nan", "-inf"]


class TestBadNumbers(EarlyDiscountCase):
    """Every number field of the module: NaN, infinity and 1e308 are refused
    with a message naming the field (no OverflowError), negatives by the
    field's own rule; nothing is written."""

    @classmethod
    def setUpClass(cls):
        super(TestBadNumbers, cls).setUpClass()
        cls.target = cls._create_customer(
            "Numbers Ltd",
            early_discount_type="percent",
            is_affiliate=True,
            fiscal_year_end_month="6",
            fiscal_year_end_day=30,
        )
        cls.guarantor = cls.env["customer.guarantor"].create(
            {"partner_id": cls.target.id, "name": "Aunt"}
        )
        cls.interaction = cls.env["customer.interaction"].create(
            {"partner_id": cls.target.id, "summary": "Call", "interaction_type": "call"}
        )
        cls.forecast = cls._forecast(
            cls.target, 100.0, 50.0, date_start="2026-01-01", date_end="2026-12-31"
        )
        cls.draft_invoice = cls._invoice(
            cls.customer, 1000.0, INVOICED_ON, validate=False
        )

    def _records(self):
        """(record, number fields) of each model of the module."""
        return [
            (
                self.target,
                [
                    "credit_limit",
                    "payment_days",
                    "early_discount_value",
                    "early_discount_days",
                    "fiscal_year_end_day",
                    "invoice_period_end_day",
                    "affiliate_commission_rate",
                ],
            ),
            (self.guarantor, ["guaranteed_amount"]),
            (self.interaction, ["offer_amount"]),
            (self.forecast, ["amount", "probability"]),
            (self.draft_invoice, ["early_discount_value", "early_discount_days"]),
        ]

    def test_write_refuses_bad_numbers(self):
        for record, names in self._records():
            for name in names:
                before = record[name]
                label = record._fields[name].string
                for value in BAD:
                    with self.subTest(model=record._name, field=name, value=value):
                        with self.assertRaises(ValidationError) as error:
                            record.write({name: value})
                        self.assertIn(label, error.exception.name)
                        self.assertIn("not a usable number", error.exception.name)
                        record.invalidate_cache()
                        self.assertEqual(record[name], before)
                with self.subTest(model=record._name, field=name, value=-1):
                    with self.assertRaises(ValidationError):
                        with self.env.cr.savepoint():
                            record.write({name: -1})
                    record.invalidate_cache()
                    self.assertEqual(record[name], before)

    def test_create_refuses_bad_numbers(self):
        cases = [
            ("res.partner", {"name": "NaN Co", "credit_limit": float("nan")}),
            (
                "res.partner",
                {
                    "name": "Inf Co",
                    "affiliate_commission_rate": 1e308,
                    "is_affiliate": True,
                },
            ),
            (
                "res.partner",
                {
                    "name": "Big Co",
                    "early_discount_type": "percent",
                    "early_discount_value": 1e308,
                },
            ),
            (
                "customer.guarantor",
                {
                    "partner_id": self.target.id,
                    "name": "X",
                    "guaranteed_amount": float("inf"),
                },
            ),
            (
                "customer.interaction",
                {
                    "partner_id": self.target.id,
                    "summary": "X",
                    "offer_amount": float("nan"),
                },
            ),
            (
                "customer.sales.forecast",
                {
                    "partner_id": self.target.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-02-01",
                    "probability": float("nan"),
                },
            ),
        ]
        for model, vals in cases:
            with self.subTest(model=model, vals=vals):
                count = self.env[model].search_count([])
                with self.assertRaisesRegex(ValidationError, "not a usable number"):
                    self.env[model].create(vals)
                self.assertEqual(self.env[model].search_count([]), count)

    def test_import_refuses_nan(self):
        result = self.env["res.partner"].load(
            ["name", "credit_limit"], [["Imported NaN", "nan"]]
        )
        self.assertFalse(result["ids"])
        self.assertIn(
            "not a usable number", " ".join(m["message"] for m in result["messages"])
        )
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Imported NaN")])
        )

    def test_settings_refuse_bad_and_negative_numbers(self):
        Settings = self.env["res.config.settings"]
        for name in Settings._get_cm_number_settings():
            for value in BAD + [-1]:
                with self.subTest(setting=name, value=value):
                    with self.assertRaises(ValidationError):
                        Settings.create({name: value})

    def test_invoice_discount_frozen_after_validation(self):
        invoice = self._invoice(self.customer, 1000.0, INVOICED_ON)
        self.assertEqual(invoice.early_discount_value, 2.0)
        for vals in (
            {"early_discount_value": 990.0},
            {"early_discount_days": 3650},
            {"early_discount_type": "amount"},
        ):
            for user in (self.env.user, self.credit_manager):
                with self.subTest(vals=vals, user=user.login):
                    with self.assertRaisesRegex(UserError, "fixed when the invoice"):
                        invoice.sudo(user).write(vals)
        invoice.invalidate_cache()
        self.assertEqual(invoice.early_discount_value, 2.0)
        self.assertEqual(invoice.early_discount_days, 10)
        self.assertEqual(invoice.early_discount_amount, 20.0)
        # the same values are no change; other fields stay writable
        invoice.write({"early_discount_value": 2.0, "name": "Ref 42"})
        self.assertEqual(invoice.name, "Ref 42")
        # a draft follows the customer and may be edited
        self.draft_invoice.write({"early_discount_value": 3.0})
        self.assertEqual(self.draft_invoice.early_discount_value, 3.0)


class TestStoredNaN(SalesCase):
    """A NaN stored before the checks existed: the form still reads, the
    customer counts as held until a Credit Manager corrects it."""

    @classmethod
    def setUpClass(cls):
        super(TestStoredNaN, cls).setUpClass()
        cls.customer = cls._create_customer("Stored NaN Co", customer_status="active")
        # The limit is a per-company property: its stored value goes bad.
        cls.customer.sudo(cls.credit_manager).write({"credit_limit": 1.0})
        cls.env.cr.execute(
            "UPDATE ir_property SET value_float = 'NaN' "
            "WHERE name = 'credit_limit' AND res_id = %s",
            ("res.partner,%s" % cls.customer.id,),
        )
        cls.env["ir.property"].invalidate_cache()
        cls.customer.invalidate_cache()

    def setUp(self):
        super(TestStoredNaN, self).setUp()
        SharedCursor.patch_refusals(self)

    def test_form_reads_and_rule_holds(self):
        self.assertTrue(math.isnan(self.customer.credit_limit))
        row = self.customer.read(
            ["credit_limit", "credit_used", "credit_available", "credit_hold_warning"]
        )[0]
        self.assertEqual(row["credit_limit"], 0.0)
        self.assertEqual(row["credit_available"], 0.0)
        self.assertIn("not a number", row["credit_hold_warning"])
        self.assertEqual(
            [r["code"] for r in self.customer._credit_hold_reasons()[self.customer.id]],
            ["unusable_number"],
        )
        order = self._order(self.customer, 10000000.0)
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_review_holds_until_a_credit_manager_fixes_it(self):
        self.Partner._cron_review_credit_holds()
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.customer_status, "hold")
        self.assertTrue(self.customer.hold_automatic)
        with self.assertRaisesRegex(Exception, "Credit Manager"):
            self.customer.sudo(self.customer_user).write({"credit_limit": 500.0})
        self.customer.sudo(self.credit_manager).write({"credit_limit": 500.0})
        self.assertEqual(self.customer._credit_hold_reasons()[self.customer.id], [])
        self.Partner._cron_review_credit_holds()
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.customer_status, "active")
