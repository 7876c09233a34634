from .common import SalesCase


class TestPeriodicInvoicing(SalesCase):
    """ir_cron_periodic_invoicing: one invoice per periodic customer on its
    invoice period end day, per-order customers untouched, idempotent."""

    @classmethod
    def setUpClass(cls):
        super(TestPeriodicInvoicing, cls).setUpClass()
        cls.Agreement = cls.env["customer.pricing.agreement"]
        # Existing agreements of the database are not ours to invoice.
        cls.env.cr.execute(
            "UPDATE customer_pricing_agreement SET state = 'expired' "
            "WHERE state = 'active'"
        )

    def _customer(self, name, policy, day=None):
        customer = self._create_customer(name, invoice_period_end_day=day)
        agreement = self.Agreement.create(
            {
                "partner_id": customer.id,
                "date_start": "2026-01-01",
                "currency_id": self.company.currency_id.id,
                "invoice_policy": policy,
            }
        )
        agreement.action_activate()
        return customer

    def _invoices(self, partner):
        return self.env["account.invoice"].search(
            [("commercial_partner_id", "=", partner.id), ("type", "=", "out_invoice")]
        )

    def _run(self, today):
        return self.Partner._cron_periodic_invoicing(today=today)

    def test_one_invoice_for_all_orders_on_the_period_end(self):
        monthly = self._customer("Monthly", "periodic", day=20)
        contact = self.Partner.create({"name": "Buyer", "parent_id": monthly.id})
        billing = self.Partner.create(
            {"name": "Billing", "parent_id": monthly.id, "type": "invoice"}
        )
        per_order = self._customer("Per order", "per_order", day=20)
        orders = self._order(monthly, 100.0, confirm=True) | self._order(
            contact, 50.5, confirm=True
        )
        quotation = self._order(monthly, 70.0)
        self._order(per_order, 30.0, confirm=True)
        self.assertEqual(self._run("2026-11-19"), 0)
        self.assertFalse(self._invoices(monthly))
        self.assertEqual(self._run("2026-11-20"), 1)
        invoice = self._invoices(monthly)
        self.assertEqual(len(invoice), 1)
        self.assertAlmostEqual(invoice.amount_untaxed, 150.5, places=2)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, billing)
        self.assertEqual(set(orders.mapped("invoice_status")), {"invoiced"})
        self.assertEqual(quotation.invoice_status, "no")
        self.assertFalse(self._invoices(per_order))
        self.assertEqual(monthly.last_periodic_invoice_date, "2026-11-20")
        # Twice the same day (or a restart): nothing more.
        self._order(monthly, 10.0, confirm=True)
        self.assertEqual(self._run("2026-11-20"), 0)
        self.assertEqual(len(self._invoices(monthly)), 1)
        # The order confirmed after the run waits for the next period end.
        self.assertEqual(self._run("2026-12-19"), 0)
        self.assertEqual(self._run("2026-12-20"), 1)
        self.assertEqual(len(self._invoices(monthly)), 2)

    def test_day_missing_in_a_short_month_is_its_last_day(self):
        customer = self._customer("Month end", "periodic", day=31)
        self._order(customer, 80.0, confirm=True)
        self.assertEqual(self._run("2027-02-27"), 0)
        self.assertEqual(self._run("2027-02-28"), 1)
        self.assertEqual(customer.last_periodic_invoice_date, "2027-02-28")

    def test_no_day_means_the_last_day_of_the_month(self):
        customer = self._customer("No day", "periodic")
        self._order(customer, 80.0, confirm=True)
        self.assertEqual(self._run("2026-11-29"), 0)
        self.assertEqual(self._run("2026-11-30"), 1)

    def test_a_missed_day_is_caught_up_in_the_month(self):
        customer = self._customer("Missed", "periodic", day=10)
        self._order(customer, 80.0, confirm=True)
        self.assertEqual(self._run("2026-11-12"), 1)
        self.assertEqual(self._run("2026-11-13"), 0)

    def test_validate_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_management.periodic_invoice_validate", "True"
        )
        customer = self._customer("Validated", "periodic", day=5)
        self._order(customer, 40.0, confirm=True)
        self._run("2026-12-05")
        self.assertEqual(self._invoices(customer).state, "open")

    def test_no_invoice_without_an_active_periodic_agreement(self):
        customer = self._customer("Expired", "periodic", day=5)
        self._order(customer, 40.0, confirm=True)
        customer.pricing_agreement_ids.write({"date_end": "2026-10-31"})
        self.assertEqual(self._run("2026-11-05"), 0)
        self.assertFalse(self._invoices(customer))
