from odoo.exceptions import AccessError

from .common import CustomerCase, freeze_clock

TODAY = "2026-11-23"


class TestFollowupForgery(CustomerCase):
    """The "Done" feedback of a follow-up records an interaction as the user
    who closes it: context values cannot choose its customer, company, user
    or offer, and a user without the right on interactions cannot create
    one through it."""

    @classmethod
    def setUpClass(cls):
        super(TestFollowupForgery, cls).setUpClass()
        cls.followup_type = cls.env.ref(
            "customer_management.mail_activity_type_followup"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Co Inc"})
        cls.customer = cls._create_customer("Followed Ltd", prospect_class="b")
        cls.victim = cls._create_customer("Someone Else Ltd")
        cls.forged = {
            "partner_id": cls.victim.id,
            "company_id": cls.other_company.id,
            "user_id": cls.manager.id,
            "offer_amount": 12345.0,
            "offer_made": "everything free",
            "interaction_type": "complaint",
            "summary": "Typed summary",
            "channel": "email",
        }

    def _activity(self, user):
        return self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer.id,
                "activity_type_id": self.followup_type.id,
                "summary": "Class B follow-up",
                "user_id": user.id,
                "date_deadline": TODAY,
            }
        )

    def _interactions(self):
        return (
            self.env["customer.interaction"]
            .sudo()
            .search([("partner_id", "in", (self.customer | self.victim).ids)])
        )

    def test_salesperson_feedback_keeps_only_the_typed_values(self):
        activity = self._activity(self.customer_user)
        with freeze_clock(TODAY):
            activity.sudo(self.customer_user).with_context(
                followup_interaction=self.forged
            ).action_feedback("Called")
        interaction = self._interactions()
        self.assertEqual(len(interaction), 1)
        self.assertEqual(interaction.partner_id, self.customer)
        self.assertEqual(interaction.user_id, self.customer_user)
        self.assertEqual(interaction.company_id, self.company)
        self.assertEqual(interaction.offer_amount, 0.0)
        self.assertFalse(interaction.offer_made)
        self.assertEqual(interaction.interaction_type, "call")
        # what the wizard offers comes through
        self.assertEqual(interaction.summary, "Typed summary")
        self.assertEqual(interaction.channel, "email")
        self.assertEqual(interaction.create_uid, self.customer_user)
        self.assertEqual(self.customer.last_followup_date, TODAY)

    def test_user_without_interaction_rights_creates_nothing(self):
        activity = self._activity(self.plain_user)
        with self.assertRaisesRegex(AccessError, "Customer Management / User"):
            activity.sudo(self.plain_user).with_context(
                followup_interaction=self.forged
            ).action_feedback("Called")
        self.assertFalse(self._interactions())
        self.assertTrue(activity.exists())
        self.assertFalse(self.customer.last_followup_date)

    def test_wizard_cannot_forge_either(self):
        Wizard = (
            self.env["customer.followup.wizard"]
            .sudo(self.customer_user)
            .with_context(active_model="res.partner", active_id=self.customer.id)
        )
        values = Wizard.default_get(list(Wizard._fields))
        values.update(prospect_class="a", summary="Wizard call")
        Wizard.with_context(followup_interaction=self.forged).create(
            values
        ).with_context(followup_interaction=self.forged).action_confirm()
        interaction = self._interactions()
        self.assertEqual(len(interaction), 1)
        self.assertEqual(interaction.partner_id, self.customer)
        self.assertEqual(interaction.offer_amount, 0.0)
        self.assertEqual(interaction.summary, "Wizard call")
        self.assertEqual(interaction.user_id, self.customer_user)
