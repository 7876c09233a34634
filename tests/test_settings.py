from .common import CustomerCase


class TestSettings(CustomerCase):
    def _save(self, **values):
        self.env["res.config.settings"].create(values).execute()

    def test_defaults(self):
        cadence = self.Partner._get_followup_cadence()
        self.assertEqual(cadence, {"a": 1, "b": 7, "c": 15, "d": 30, "e": 365})
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.cm_hold_grace_days, 0)
        self.assertEqual(settings.cm_hold_release_mode, "cure")

    def test_saved_values_are_read_back(self):
        self._save(cm_cadence_b=10, cm_hold_grace_days=5, cm_hold_release_mode="full")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.cm_cadence_b, 10)
        self.assertEqual(settings.cm_hold_grace_days, 5)
        self.assertEqual(settings.cm_hold_release_mode, "full")

    def test_changing_the_cadence_moves_next_followups(self):
        customer = self._create_customer("Cadence Co", prospect_class="a")
        customer.write({"last_followup_date": "2026-03-10"})
        self.assertEqual(customer.next_followup_date, "2026-03-11")
        self._save(cm_cadence_a=3)
        customer.invalidate_cache()
        self.assertEqual(customer.next_followup_date, "2026-03-13")
