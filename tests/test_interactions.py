from datetime import datetime, timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .common import CustomerCase, freeze_clock


class InteractionCase(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(InteractionCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls.Partner = cls.env["res.partner"]
        cls.Interaction = cls.env["customer.interaction"]
        cls.customer = cls._create_customer("Interacting Ltd", prospect_class="b")
        cls.contact = cls.Partner.create(
            {"name": "Ann Buyer", "parent_id": cls.customer.id}
        )
        cls.other = cls._create_customer("Quiet Ltd")

    def _interact(self, partner, date, interaction_type="call", **vals):
        values = {
            "partner_id": partner.id,
            "date": date,
            "summary": "Talked",
            "interaction_type": interaction_type,
        }
        values.update(vals)
        return self.Interaction.create(values)

    def _count(self, partner):
        return self.Interaction.search_count([("partner_id", "=", partner.id)])


class TestInteractionRecord(InteractionCase):
    def test_contact_is_kept_on_its_customer(self):
        interaction = self._interact(self.contact, "2024-03-01 12:00:00")
        self.assertEqual(interaction.partner_id, self.customer)
        self.assertEqual(interaction.contact_id, self.contact)
        self.assertEqual(self.customer.interaction_count, 1)
        self.assertEqual(self.contact.interaction_count, 1)  # shows its company's

    def test_defaults(self):
        interaction = self.Interaction.sudo(self.customer_user).create(
            {"partner_id": self.customer.id, "summary": "Quick call"}
        )
        self.assertEqual(interaction.user_id, self.customer_user)
        self.assertEqual(interaction.company_id, self.company)
        self.assertEqual(interaction.interaction_type, "call")
        self.assertEqual(interaction.state, "done")
        self.assertTrue(interaction.date)

    def test_complaints_and_requests_open_others_done(self):
        date = "2024-03-01 12:00:00"
        for kind in ("complaint", "request"):
            interaction = self._interact(self.customer, date, kind)
            self.assertEqual(interaction.state, "open", kind)
        for kind in ("communication", "meeting", "call", "email", "note"):
            interaction = self._interact(self.customer, date, kind, state="open")
            self.assertEqual(interaction.state, "done", kind)
            self.assertEqual(interaction.date_done, date, kind)

    def test_mark_done_and_reopen(self):
        complaint = self._interact(self.customer, "2024-03-01 12:00:00", "complaint")
        self.assertFalse(complaint.date_done)
        complaint.action_mark_done()
        self.assertEqual(complaint.state, "done")
        self.assertTrue(complaint.date_done)
        complaint.action_reopen()
        self.assertEqual(complaint.state, "open")
        self.assertFalse(complaint.date_done)
        call = self._interact(self.customer, "2024-03-01 12:00:00", "call")
        with self.refused(UserError):
            call.action_reopen()
        self.assertEqual(call.state, "done")

    def test_retyping_an_open_complaint_closes_it(self):
        complaint = self._interact(self.customer, "2024-03-01 12:00:00", "complaint")
        complaint.write({"interaction_type": "call"})
        self.assertEqual(complaint.state, "done")
        self.assertTrue(complaint.date_done)

    def test_open_call_refused(self):
        call = self._interact(self.customer, "2024-03-01 12:00:00", "call")
        with self.refused():
            call.write({"state": "open"})
        self.assertEqual(call.state, "done")

    def test_future_date_refused(self):
        tomorrow = fields.Datetime.to_string(datetime.utcnow() + timedelta(days=1))
        with self.refused():
            self._interact(self.customer, tomorrow)
        self.assertEqual(self._count(self.customer), 0)
        call = self._interact(self.customer, "2024-03-01 12:00:00")
        with self.refused():
            call.write({"date": tomorrow})
        self.assertEqual(call.date, "2024-03-01 12:00:00")

    def test_contact_of_another_customer_refused(self):
        stranger = self.Partner.create(
            {"name": "Not Theirs", "parent_id": self.other.id}
        )
        with self.refused():
            self._interact(self.customer, "2024-03-01 12:00:00", contact_id=stranger.id)
        self.assertEqual(self._count(self.customer), 0)

    def test_negative_offer_refused(self):
        with self.refused():
            self._interact(
                self.customer,
                "2024-03-01 12:00:00",
                offer_made="5% off",
                offer_amount=-10.0,
            )
        self.assertEqual(self._count(self.customer), 0)

    def test_summary_required(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.Interaction.create(
                    {"partner_id": self.customer.id, "summary": False}
                )


class TestInteractionCounts(InteractionCase):
    def _make_history(self):
        date = "2024-03-01 12:00:00"
        self._interact(self.customer, date, "complaint")
        self._interact(self.customer, date, "complaint").action_mark_done()
        self._interact(self.customer, date, "request")
        self._interact(self.contact, date, "request")
        self._interact(self.customer, date, "request").action_mark_done()
        self._interact(self.customer, date, "call")
        self._interact(self.customer, date, "note")
        self._interact(self.other, date, "complaint")

    def test_counts(self):
        self._make_history()
        counts = self.customer.read(
            [
                "interaction_count",
                "complaint_count",
                "request_count",
                "open_complaint_count",
                "open_request_count",
            ]
        )[0]
        self.assertEqual(
            (
                counts["interaction_count"],
                counts["complaint_count"],
                counts["request_count"],
                counts["open_complaint_count"],
                counts["open_request_count"],
            ),
            (7, 2, 3, 1, 2),
        )
        self.assertEqual(
            (
                self.other.interaction_count,
                self.other.open_complaint_count,
                self.other.open_request_count,
            ),
            (1, 1, 0),
        )

    def test_counts_are_set_based(self):
        """The number of queries does not grow with the number of customers."""
        self._make_history()
        many = self.customer | self.other | self.contact
        for _i in range(3):
            many |= self._create_customer("More %s" % _i)

        def queries(partners):
            self.env.cache.invalidate()
            before = self.env.cr.sql_log_count
            partners.mapped("open_request_count")
            return self.env.cr.sql_log_count - before

        queries(many)  # warm the caches (rules, groups)
        self.assertEqual(queries(self.customer), queries(many))

    def test_search_open_complaints_and_requests(self):
        self._make_history()
        third = self._create_customer("Happy Ltd")
        scope = [("id", "in", (self.customer | self.other | third).ids)]
        search = self.Partner.search
        self.assertEqual(
            search(scope + [("open_complaint_count", ">", 0)]),
            self.customer | self.other,
        )
        self.assertEqual(search(scope + [("open_complaint_count", "=", 0)]), third)
        self.assertEqual(
            self.Partner.search(scope + [("open_request_count", ">=", 2)]),
            self.customer,
        )

    def test_action_view_interactions(self):
        action = self.contact.action_view_interactions()
        self.assertEqual(action["res_model"], "customer.interaction")
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
        self.assertEqual(
            action["context"],
            {
                "default_partner_id": self.customer.id,
                "default_contact_id": self.contact.id,
            },
        )


class TestContactFrequency(InteractionCase):
    def test_last_contact_date_follows_interactions(self):
        self.assertFalse(self.customer.last_contact_date)
        first = self._interact(self.customer, "2024-03-01 12:00:00")
        self.assertEqual(self.customer.last_contact_date, "2024-03-01")
        latest = self._interact(self.contact, "2024-03-05 12:00:00")
        self.assertEqual(self.customer.last_contact_date, "2024-03-05")
        self.assertFalse(self.contact.last_contact_date)
        first.write({"date": "2024-03-07 09:00:00"})
        self.assertEqual(self.customer.last_contact_date, "2024-03-07")
        first.unlink()
        self.assertEqual(self.customer.last_contact_date, "2024-03-05")
        latest.write({"partner_id": self.other.id, "contact_id": False})
        self.assertFalse(self.customer.last_contact_date)
        self.assertEqual(self.other.last_contact_date, "2024-03-05")

    def test_last_contact_date_in_user_timezone(self):
        self._interact(self.customer, "2024-03-01 23:30:00")
        self.assertEqual(self.customer.last_contact_date, "2024-03-01")
        brussels = self.customer.with_context(tz="Europe/Brussels")
        brussels._compute_contact_frequency_batch()
        self.assertEqual(self.customer.last_contact_date, "2024-03-02")

    def test_frequency_rule(self):
        rule = self.Partner._get_contact_frequency_status
        cadences = {"a": 1, "b": 7, "c": 15, "d": 30, "e": 365, False: None}
        today = "2024-03-31"
        cases = [
            # class, last contact, contacts in 30 days, expected
            (False, "2024-03-30", 1, False),
            ("b", False, 0, "neglected"),
            ("b", "2024-03-21", 1, "ok"),  # 10 days <= 10.5
            ("b", "2024-03-20", 1, "neglected"),  # 11 days > 10.5
            ("b", "2024-03-30", 8, "ok"),  # 8 <= 60 / 7
            ("b", "2024-03-30", 9, "over_contacted"),
            ("a", "2024-03-30", 60, "ok"),  # 1 day <= 1.5, 60 <= 60
            ("a", "2024-03-29", 1, "neglected"),  # 2 days > 1.5
            ("a", "2024-03-31", 61, "over_contacted"),
            ("d", "2024-02-15", 1, "ok"),  # 45 days <= 45
            ("d", "2024-02-14", 0, "neglected"),
            ("d", "2024-03-30", 3, "over_contacted"),
            ("e", "2023-06-01", 0, "ok"),
            ("e", "2024-03-30", 1, "over_contacted"),
        ]
        for prospect_class, last, recent, expected in cases:
            self.assertEqual(
                rule(cadences[prospect_class], last, recent, today),
                expected,
                (prospect_class, last, recent),
            )

    def test_frequency_status_stored_on_interaction_changes(self):
        with freeze_clock("2024-03-31"):
            self.customer.write({"prospect_class": "b"})
            self.assertEqual(self.customer.contact_frequency_status, "neglected")
            self._interact(self.customer, "2024-03-21 12:00:00")
            self.assertEqual(self.customer.contact_frequency_status, "ok")
            for day in range(22, 30):
                self._interact(self.customer, "2024-03-%02d 12:00:00" % day)
            # 9 interactions in the 30 days ending on the 31st (more than 60 / 7)
            self.assertEqual(self.customer.contact_frequency_status, "over_contacted")
            self.customer.write({"prospect_class": "a"})  # 2 days ago > 1.5 days
            self.assertEqual(self.customer.contact_frequency_status, "neglected")
            self.customer.write({"prospect_class": False})
            self.assertFalse(self.customer.contact_frequency_status)
        self.assertFalse(self.contact.contact_frequency_status)

    def test_thirty_day_window(self):
        with freeze_clock("2024-03-31"):
            self.customer.write({"prospect_class": "d"})  # over-contacted above 2
            self._interact(self.customer, "2024-03-01 12:00:00")  # 30 days ago: out
            self._interact(self.customer, "2024-03-02 00:00:00")  # 29 days ago: in
            self._interact(self.customer, "2024-03-30 12:00:00")
            self.assertEqual(self.customer.contact_frequency_status, "ok")
            self._interact(self.customer, "2024-03-31 08:00:00")
            self.assertEqual(self.customer.contact_frequency_status, "over_contacted")

    def test_nightly_batch_follows_time(self):
        quiet = self._create_customer("Never Called", prospect_class="c")
        with freeze_clock("2024-03-10"):
            self._interact(self.customer, "2024-03-08 12:00:00")
            self.assertEqual(self.customer.contact_frequency_status, "ok")
        scope = [("id", "in", (self.customer | quiet).ids)]
        with freeze_clock("2024-03-31"):
            # Time passed: the stored status is stale until the nightly batch.
            self.assertEqual(self.customer.contact_frequency_status, "ok")
            changed = (self.customer | quiet)._compute_contact_frequency_batch()
            self.assertEqual(changed, 1)
            self.assertEqual(self.customer.contact_frequency_status, "neglected")
            self.assertEqual(quiet.contact_frequency_status, "neglected")
            self.assertEqual(
                self.Partner.search(
                    scope + [("contact_frequency_status", "=", "neglected")]
                ),
                self.customer | quiet,
            )
            both = self.customer | quiet
            self.assertEqual(both._compute_contact_frequency_batch(), 0)
        with freeze_clock("2024-03-12"):
            # Every partner concerned when called on an empty recordset.
            self.Partner._compute_contact_frequency_batch()
            self.assertEqual(self.customer.contact_frequency_status, "ok")
            self.assertEqual(self.customer.last_contact_date, "2024-03-08")

    def test_nightly_batch_repairs_last_contact_date(self):
        self._interact(self.customer, "2024-03-08 12:00:00")
        self.env.cr.execute(
            "UPDATE res_partner SET last_contact_date = NULL, "
            "contact_frequency_status = NULL WHERE id = %s",
            (self.customer.id,),
        )
        self.customer.invalidate_cache()
        with freeze_clock("2024-03-10"):
            self.assertEqual(self.customer._compute_contact_frequency_batch(), 1)
        self.assertEqual(self.customer.last_contact_date, "2024-03-08")
        self.assertEqual(self.customer.contact_frequency_status, "ok")


class TestInteractionAccess(InteractionCase):
    def test_plain_user_cannot_create_interactions(self):
        with self.refused(AccessError):
            self.Interaction.sudo(self.plain_user).create(
                {"partner_id": self.customer.id, "summary": "Not allowed"}
            )
        self.assertEqual(self._count(self.customer), 0)

    def test_plain_user_reads_dates_but_not_interactions(self):
        self._interact(self.customer, "2024-03-08 12:00:00")
        customer = self.customer.sudo(self.plain_user)
        self.assertEqual(
            customer.read(["last_contact_date"])[0]["last_contact_date"], "2024-03-08"
        )
        with self.refused(AccessError):
            customer.read(["interaction_count"])
        with self.refused(AccessError):
            self.Interaction.sudo(self.plain_user).search([])

    def test_salesperson_records_and_edits_but_manager_deletes(self):
        interaction = self.Interaction.sudo(self.customer_user).create(
            {
                "partner_id": self.customer.id,
                "summary": "Visit",
                "interaction_type": "meeting",
                "channel": "visit",
                "date": "2024-03-08 12:00:00",
            }
        )
        interaction.write({"details": "<p>Showed the new range.</p>"})
        with self.refused(AccessError):
            interaction.unlink()
        interaction.sudo(self.manager).unlink()
        self.assertFalse(interaction.exists())

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Second Company"})
        user_b = self._create_user(
            "sales_b", ["customer_management.group_customer_user"], company=company_b
        )
        shared = self._create_customer("Shared Customer", company_id=False)
        mine = self._interact(shared, "2024-03-08 12:00:00")
        theirs = self._interact(
            shared, "2024-03-09 12:00:00", "complaint", company_id=company_b.id
        )
        Interaction = self.Interaction.sudo(self.customer_user)
        self.assertEqual(Interaction.search([("partner_id", "=", shared.id)]), mine)
        with self.refused(AccessError):
            Interaction.browse(theirs.id).read(["summary"])
        self.assertEqual(shared.sudo(self.customer_user).interaction_count, 1)
        self.assertEqual(shared.sudo(self.customer_user).open_complaint_count, 0)
        self.assertEqual(shared.sudo(user_b).interaction_count, 1)
        self.assertEqual(shared.sudo(user_b).open_complaint_count, 1)
        self.assertEqual(
            self.Interaction.sudo(user_b).search([("partner_id", "=", shared.id)]),
            theirs,
        )
        # A salesperson of the first company cannot file one in the second (the
        # record rule refuses it; constraints reading it first report it wrapped).
        with self.refused((AccessError, ValidationError)):
            self.Interaction.sudo(self.customer_user).create(
                {
                    "partner_id": shared.id,
                    "summary": "Wrong company",
                    "company_id": company_b.id,
                }
            )
        self.assertEqual(self._count(shared), 2)
