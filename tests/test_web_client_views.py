"""What the web client gets from the server for the customer screens: field
rights on the form (one declaration per field, editable per group), the
Print/Action menus of affiliates, the analysis groups and their order, the
chatter's tracking values and the wording of the follow-up activities."""

import json
from unittest.mock import patch

from lxml import etree

from odoo.exceptions import UserError
from odoo.models import BaseModel

from .common import CustomerCase

CREDIT_FIELDS = [
    "credit_limit",
    "payment_days",
    "early_discount_type",
    "early_discount_value",
    "early_discount_days",
]
MANAGER_FIELDS = ["is_affiliate", "affiliate_commission_rate", "affiliate_id"]
COMMISSION_REPORT = "customer_management.action_report_affiliate_commission"
COMMISSION_WIZARD = "customer_management.customer_affiliate_commission_wizard_action"


class TestWebClientViews(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestWebClientViews, cls).setUpClass()
        cls.form_view = cls.env.ref("base.view_partner_form")

    def _form_nodes(self, user):
        """{field name: [its <field> nodes]} of the partner form as ``user``."""
        view = (
            self.env["res.partner"]
            .sudo(user)
            .fields_view_get(view_id=self.form_view.id, view_type="form")
        )
        arch = etree.fromstring(view["arch"])
        nodes = {}
        for node in arch.iter("field"):
            # the one2many sub-views have fields of their own models
            if node.getparent() is not None and node.xpath("ancestor::tree"):
                continue
            nodes.setdefault(node.get("name"), []).append(node)
        return nodes

    def _readonly(self, node):
        return json.loads(node.get("modifiers", "{}")).get("readonly") is True

    def _assert_rights(self, user, editable, readonly):
        nodes = self._form_nodes(user)
        for name in editable + readonly:
            self.assertIn(name, nodes, name)
            states = {self._readonly(node) for node in nodes[name]}
            # The web client keeps one set of modifiers per field name: every
            # copy of a field must agree, else the value is never sent.
            self.assertEqual(len(states), 1, "%s: copies disagree" % name)
            self.assertEqual(states.pop(), name in readonly, name)

    def test_salesperson_edits_the_rating_only(self):
        self._assert_rights(
            self.customer_user,
            editable=["account_rating", "prospect_class", "fax"],
            readonly=CREDIT_FIELDS + MANAGER_FIELDS,
        )

    def test_credit_manager_edits_credit_terms(self):
        self._assert_rights(
            self.credit_manager,
            editable=CREDIT_FIELDS + ["account_rating"],
            readonly=MANAGER_FIELDS,
        )

    def test_manager_edits_affiliates(self):
        self._assert_rights(
            self.manager, editable=CREDIT_FIELDS + MANAGER_FIELDS, readonly=[]
        )

    def test_plain_user_reads_only(self):
        self._assert_rights(
            self.plain_user,
            editable=[],
            readonly=["account_rating"] + CREDIT_FIELDS + MANAGER_FIELDS,
        )

    def test_form_opens_on_the_first_page(self):
        nodes = etree.fromstring(
            self.env["res.partner"]
            .sudo(self.customer_user)
            .fields_view_get(view_id=self.form_view.id, view_type="form")["arch"]
        )
        notebook = nodes.xpath("//notebook")[0]
        pages = notebook.xpath("./page")
        self.assertEqual(pages[0].get("name"), "cm_classification")
        self.assertFalse(notebook.xpath("./page[@autofocus]"))

    # ------------------------------------------------------------ menus ---
    def _toolbar_ids(self, context):
        view = (
            self.env["res.partner"]
            .sudo(self.customer_user)
            .with_context(**context)
            .fields_view_get(view_type="form", toolbar=True)
        )
        return {
            key: {action["id"] for action in actions}
            for key, actions in view["toolbar"].items()
        }

    def test_commission_statement_offered_for_affiliates_only(self):
        report = self.env.ref(COMMISSION_REPORT)
        wizard = self.env.ref(COMMISSION_WIZARD)
        profile = self.env.ref("customer_management.action_report_customer_profile")
        customers = self._toolbar_ids({"default_customer": True})
        self.assertNotIn(report.id, customers["print"])
        self.assertNotIn(wizard.id, customers.get("action", set()))
        self.assertIn(profile.id, customers["print"])
        affiliates = self._toolbar_ids({"default_is_affiliate": True})
        self.assertIn(report.id, affiliates["print"])
        self.assertIn(wizard.id, affiliates["action"])

    def test_commission_statement_refused_for_a_non_affiliate(self):
        customer = self._create_customer("RT No Affiliate")
        affiliate = self._create_customer(
            "RT Affiliate", customer=False, is_affiliate=True
        )
        Report = self.env[
            "report.customer_management.report_affiliate_commission"
        ].sudo(self.customer_user)
        with self.assertRaisesRegex(UserError, r"RT No Affiliate \S* ?is not a sales"):
            Report.get_report_values((customer | affiliate).ids)
        values = Report.get_report_values(affiliate.ids)
        self.assertEqual(values["docs"], affiliate)

    # --------------------------------------------------------- analysis ---
    def test_analysis_groups_in_pipeline_order_with_no_class(self):
        area = self.env["customer.service.area"].create({"name": "RT Area"})
        for name, status, klass in [
            ("RT Active", "active", "d"),
            ("RT Neg", "negotiation", False),
            ("RT C", "prospect_c", "a"),
            ("RT B", "prospect_b", "b"),
        ]:
            self._create_customer(
                name,
                customer_status=status,
                prospect_class=klass,
                service_area_id=area.id,
            )
        Analysis = self.env["customer.pipeline.analysis"].sudo(self.customer_user)
        domain = [("service_area_id", "=", area.id)]
        rows = Analysis.read_group(
            domain, ["customer_status", "expected_revenue"], ["customer_status"]
        )
        self.assertEqual(
            [r["customer_status"] for r in rows],
            ["prospect_c", "prospect_b", "negotiation", "active"],
        )
        labels = dict(Analysis._fields["prospect_class"].selection)
        self.assertEqual(labels["none"], "No class")
        grid = Analysis.read_group(
            domain,
            ["customer_status", "prospect_class", "expected_revenue"],
            ["customer_status", "prospect_class"],
            lazy=False,
        )
        # Every class found under every status (zero where none): the graph
        # lists the classes in order, no class last.
        first = [
            g["prospect_class"] for g in grid if g["customer_status"] == "prospect_c"
        ]
        self.assertEqual(first, ["a", "b", "d", "none"])
        self.assertEqual(len(grid), 16)
        self.assertEqual(sum(g["__count"] for g in grid), 4)
        for group in grid:
            self.assertEqual(
                Analysis.search_count(group["__domain"]), group["__count"], group
            )

    # ---------------------------------------------------------- chatter ---
    def test_tracked_boolean_reads_yes_no(self):
        partner = self._create_customer("RT Tracked", customer=False)
        partner.sudo(self.manager).write({"is_affiliate": True})
        tracking = self.env["mail.tracking.value"].search(
            [
                ("field", "=", "is_affiliate"),
                ("mail_message_id.res_id", "=", partner.id),
                ("mail_message_id.model", "=", "res.partner"),
            ]
        )
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.get_old_display_value(), ["No"])
        self.assertEqual(tracking.get_new_display_value(), ["Yes"])

    def test_followup_urgency_label(self):
        field = self.env["res.partner"].fields_get(["followup_urgency"])
        self.assertEqual(field["followup_urgency"]["string"], "Follow-up Urgency")

    # -------------------------------------------------------- new form ---
    def _new_customer_onchange(self, onchange):
        """(result, reads) of the first onchange of a new customer form as
        ``onchange`` computes it; reads: the mapped() calls it made."""
        Partner = (
            self.env["res.partner"]
            .sudo(self.customer_user)
            .with_context(default_customer=True, default_is_company=True)
        )
        form = Partner.load_views([[False, "form"]], {})["fields_views"]["form"]
        names = list(form["fields"])
        values = dict(dict.fromkeys(names, False), **Partner.default_get(names))
        spec = Partner._onchange_spec(form)
        calls = []
        mapped = BaseModel.mapped

        def counting(records, func):
            calls.append(func)
            return mapped(records, func)

        with patch.object(BaseModel, "mapped", counting):
            result = onchange(Partner, values, "", spec)
        return result, len(calls)

    def test_new_customer_form_onchange_reads_less(self):
        ours, reads = self._new_customer_onchange(
            lambda model, *args: model.onchange(*args)
        )
        core, core_reads = self._new_customer_onchange(BaseModel.onchange)
        self.assertEqual(ours, core)
        self.assertLess(reads * 4, core_reads, (reads, core_reads))
