from .common import SalesCase, freeze_clock


class TestNightlyRecompute(SalesCase):
    """The nightly cron refreshes what drifts with time, for every customer."""

    def test_cron_refreshes_urgency_frequency_since_and_agreements(self):
        customer = self._create_customer("Nightly Co", prospect_class="b")
        customer.write({"last_followup_date": "2026-01-01"})
        self._order(customer, 50.0, confirm=True)
        customer.write({"customer_since": False})
        agreement = self.env["customer.pricing.agreement"].create(
            {
                "partner_id": customer.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
                "currency_id": self.company.currency_id.id,
            }
        )
        agreement.write({"state": "active"})
        # Make the stored, time-dependent values stale, as a day passing would.
        self.env.cr.execute(
            "UPDATE res_partner SET followup_urgency = 'slow', "
            "contact_frequency_status = 'ok' WHERE id = %s",
            (customer.id,),
        )
        customer.invalidate_cache()
        with freeze_clock("2026-11-23"):
            self.env["res.partner"]._cron_nightly_recompute(batch_size=1)
        customer.invalidate_cache()
        self.assertEqual(customer.next_followup_date, "2026-01-08")
        self.assertEqual(customer.followup_urgency, "urgent")  # overdue
        self.assertEqual(customer.contact_frequency_status, "neglected")
        self.assertTrue(customer.customer_since)
        self.assertEqual(customer.relationship_category, "active_paying")
        self.assertEqual(agreement.state, "expired")
