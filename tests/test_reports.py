import lxml.html

from odoo.exceptions import AccessError

from .common import SalesCase

REPORT_DATE = "2024-03-15"
PIPELINE = "customer_management.report_customer_pipeline"
PROFILE = "customer_management.report_customer_profile"


class TestReports(SalesCase):
    """The customer pipeline report and the customer profile sheet, on data of
    their own, as of REPORT_DATE."""

    @classmethod
    def setUpClass(cls):
        super(TestReports, cls).setUpClass()
        cls.Forecast = cls.env["customer.sales.forecast"]
        cls.pipeline_report = cls.env.ref(
            "customer_management.action_report_customer_pipeline"
        )
        cls.profile_report = cls.env.ref(
            "customer_management.action_report_customer_profile"
        )
        new = cls._create_customer
        cls.a1 = new(
            "RPT A1",
            customer_status="prospect_a",
            prospect_class="a",
            last_followup_date="2024-03-01",  # due 03-02
            user_id=cls.customer_user.id,
        )
        cls.a2 = new(
            "RPT A2",
            customer_status="prospect_a",
            prospect_class="a",
            last_followup_date="2024-03-14",  # due 03-15: on the report date
        )
        cls.b1 = new(
            "RPT B1",
            customer_status="prospect_b",
            prospect_class="b",
            last_followup_date="2024-03-10",  # due 03-17: not yet
        )
        cls.c1 = new(
            "RPT C1",
            customer_status="prospect_c",
            prospect_class="c",
            last_followup_date="2024-02-01",  # due 02-16
        )
        cls.c2 = new("RPT C2 no class", customer_status="prospect_c")
        cls.negotiation = new(
            "RPT Negotiation",
            customer_status="negotiation",
            prospect_class="a",
            last_followup_date="2024-03-20",  # due 03-21: not yet
        )
        cls.active_d = new(
            "RPT Active D",
            customer_status="active",
            prospect_class="d",
            last_followup_date="2024-01-01",  # due 01-31
        )
        cls.active2 = new("RPT Active 2", customer_status="active")
        cls.active3 = new("RPT Active 3", customer_status="active")
        cls.inactive = new(
            "RPT Inactive",
            customer_status="inactive",
            prospect_class="e",
            last_followup_date="2023-01-01",  # due 2024-01-01: most overdue
        )
        cls.held = new("RPT Held", customer_status="active", credit_limit=1000.0)
        # Not counted: a contact of a customer (counts as its company), a
        # partner that is not a customer.
        cls.b1_contact = cls.Partner.create(
            {"name": "RPT B1 Buyer", "parent_id": cls.b1.id, "contact_role": "buyer"}
        )
        cls.supplier = cls._create_customer("RPT Supplier", customer=False)
        cls.customers = (
            cls.a1
            | cls.a2
            | cls.b1
            | cls.c1
            | cls.c2
            | cls.negotiation
            | cls.active_d
            | cls.active2
            | cls.active3
            | cls.inactive
            | cls.held
        )
        # Forecasts still running on the report date count (amount x probability).
        cls._forecast(cls.a1, 10000.0, 50.0)  # 5000
        cls._forecast(cls.a1, 10000.0, 100.0, date_end="2024-02-29")  # ended
        cls._forecast(cls.a2, 2000.0, 100.0)  # 2000
        cls._forecast(cls.c1, 1000.0, 30.0)  # 300
        cls._forecast(cls.negotiation, 4000.0, 75.0, date_end=REPORT_DATE)  # 3000
        cls._forecast(cls.active_d, 5000.0, 20.0)  # 1000
        cls._forecast(cls.held, 800.0, 50.0)  # 400
        # The held customer: 500 due on 02-10 (100 paid), 300 due on 04-30.
        # Both orders are confirmed before any invoice exists (an overdue invoice
        # would refuse the second confirmation), then invoiced one by one.
        orders = [cls._order(cls.held, amount, confirm=True) for amount in (500, 300)]
        invoices = [
            cls._invoice_order(order, "2024-01-10", date_due)
            for order, date_due in zip(orders, ("2024-02-10", "2024-04-30"))
        ]
        cls.overdue_invoice = invoices[0]
        cls.later_invoice = invoices[1]
        cls._pay(cls.overdue_invoice, amount=100.0, date="2024-03-01")
        cls.held.sudo(cls.credit_manager).action_place_hold("RPT unpaid invoice")

    def _pipeline_values(self, partners=None, user=None, **data):
        data.setdefault("date", REPORT_DATE)
        # As in a new request: no credit or status cached from the set-up.
        self.Partner.invalidate_cache()
        model = self.env["report.%s" % PIPELINE]
        if user:
            model = model.sudo(user)
        ids = (self.customers if partners is None else partners).ids
        return model.get_report_values(ids, data=data)

    # ------------------------------------------------------------ pipeline --
    def test_pipeline_counts_and_revenue_by_status_and_class(self):
        # A contact selected counts as its company, a non-customer not at all.
        values = self._pipeline_values(self.customers | self.b1_contact | self.supplier)
        matrix = values["matrix"]
        expected = {
            ("prospect_a", "a"): (2, 7000.0),
            ("prospect_b", "b"): (1, 0.0),
            ("prospect_c", "c"): (1, 300.0),
            ("prospect_c", "none"): (1, 0.0),
            ("negotiation", "a"): (1, 3000.0),
            ("active", "d"): (1, 1000.0),
            ("active", "none"): (2, 0.0),
            ("hold", "none"): (1, 400.0),
            ("inactive", "e"): (1, 0.0),
        }
        for status, _label in values["statuses"]:
            for cls, _label in values["classes"]:
                count, revenue = expected.get((status, cls), (0, 0.0))
                self.assertEqual(matrix[status][cls]["count"], count, (status, cls))
                self.assertAlmostEqual(matrix[status][cls]["revenue"], revenue)
        self.assertEqual(
            [s for s, _label in values["statuses"]],
            "prospect_c prospect_b prospect_a negotiation active hold inactive".split(),
        )
        self.assertEqual(
            [c for c, _label in values["classes"]], ["a", "b", "c", "d", "e", "none"]
        )
        self.assertEqual(
            values["row_totals"]["active"], {"count": 3, "revenue": 1000.0}
        )
        self.assertEqual(values["row_totals"]["prospect_c"]["count"], 2)
        self.assertEqual(values["column_totals"]["a"], {"count": 3, "revenue": 10000.0})
        self.assertEqual(values["column_totals"]["none"]["count"], 4)
        self.assertEqual(values["total"]["count"], 11)
        self.assertAlmostEqual(values["total"]["revenue"], 11700.0)
        self.assertFalse(values["scope_all"])
        self.assertEqual(values["docs"], self.customers | self.supplier)

    def test_pipeline_funnel_bars_are_proportional(self):
        funnel = self._pipeline_values()["funnel"]
        bars = funnel["bars"]
        self.assertEqual(
            [(b["stage"], b["count"]) for b in bars],
            [
                ("prospect_c", 2),
                ("prospect_b", 1),
                ("prospect_a", 2),
                ("negotiation", 1),
                ("active", 3),
            ],
        )
        area = funnel["bar_area"]
        self.assertEqual(
            [b["width"] for b in bars], [280.0, 140.0, 280.0, 140.0, 420.0]
        )
        self.assertEqual(area, 420)
        for stage_bar in bars:
            self.assertAlmostEqual(
                stage_bar["width"], area * stage_bar["count"] / 3.0, places=1
            )
            # Centred in the bar area, stacked without overlapping.
            self.assertAlmostEqual(
                stage_bar["x"] * 2 + stage_bar["width"], 150 * 2 + area
            )
        tops = [b["y"] for b in bars]
        self.assertEqual(tops, sorted(tops))
        self.assertTrue(all(b - a >= bars[0]["height"] for a, b in zip(tops, tops[1:])))
        # No customer in the pipeline: empty bars, no division by zero.
        funnel = self._pipeline_values(self.held | self.inactive)["funnel"]
        self.assertEqual([b["width"] for b in funnel["bars"]], [0.0] * 5)

    def test_pipeline_followups_due(self):
        values = self._pipeline_values()
        self.assertEqual(values["followups_due_count"], 5)
        self.assertEqual(
            values["followups_due"].ids,
            (self.inactive | self.active_d | self.c1 | self.a1 | self.a2).ids,
        )
        self.assertEqual(values["followups_due"][0].next_followup_date, "2024-01-01")
        # A day later the B1 follow-up is still not due, the 03-17 one is then.
        values = self._pipeline_values(date="2024-03-17")
        self.assertEqual(values["followups_due_count"], 6)
        self.assertEqual(values["followups_due"][-1], self.b1)

    def test_pipeline_followups_list_is_capped_at_30(self):
        bulk = self.Partner.browse()
        for index in range(32):
            bulk |= self._create_customer(
                "RPT Bulk %02d" % index,
                prospect_class="a",
                last_followup_date="2024-02-%02d" % (index % 28 + 1),
            )
        values = self._pipeline_values(self.customers | bulk)
        self.assertEqual(values["followups_due_count"], 37)
        self.assertEqual(len(values["followups_due"]), 30)
        dates = values["followups_due"].mapped("next_followup_date")
        self.assertEqual(dates, sorted(dates))
        self.assertEqual(dates[0], "2024-01-01")
        html = self._render(self.pipeline_report, self.customers | bulk)
        self.assertIn("The 30 most overdue are listed", html)

    def test_pipeline_holds_with_amounts(self):
        holds = self._pipeline_values()["holds"]
        self.assertEqual(len(holds["lines"]), 1)
        line = holds["lines"][0]
        self.assertEqual(line["partner"], self.held)
        self.assertEqual(line["reason"], "RPT unpaid invoice")
        self.assertEqual(line["hold_date"], self.held.hold_date)
        self.assertTrue(line["hold_date"])
        self.assertAlmostEqual(line["credit_limit"], 1000.0)
        self.assertAlmostEqual(line["credit_used"], 700.0)  # 400 + 300 open
        self.assertAlmostEqual(line["overdue"], 400.0)  # the 04-30 one is not due
        self.assertAlmostEqual(holds["credit_used"], 700.0)
        self.assertAlmostEqual(holds["overdue"], 400.0)
        # Past the second due date both are overdue; paid, nothing is.
        holds = self._pipeline_values(date="2024-05-01")["holds"]
        self.assertAlmostEqual(holds["lines"][0]["overdue"], 700.0)
        self._pay(self.overdue_invoice, amount=400.0, date="2024-03-02")
        holds = self._pipeline_values()["holds"]
        self.assertAlmostEqual(holds["lines"][0]["overdue"], 0.0)
        self.assertAlmostEqual(holds["lines"][0]["credit_used"], 300.0)

    def test_pipeline_all_customers(self):
        # Without ids, or from the menu (data all_customers), every customer.
        domain = [
            ("customer", "=", True),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
        ]
        for ids in (self.Partner.browse(), self.a1):
            values = self._pipeline_values(ids, all_customers=bool(ids))
            self.assertTrue(values["scope_all"])
            self.assertEqual(
                values["total"]["count"], self.Partner.search_count(domain)
            )
            self.assertGreaterEqual(values["matrix"]["prospect_a"]["a"]["count"], 2)
            self.assertIn(
                self.held, [line["partner"] for line in values["holds"]["lines"]]
            )
        action = self.env.ref(
            "customer_management.res_partner_action_print_pipeline"
        ).run()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], PIPELINE)
        self.assertEqual(action["data"], {"all_customers": True})
        self.assertEqual(action["report_type"], "qweb-pdf")

    def test_pipeline_html_shows_the_figures(self):
        html = self._render(
            self.pipeline_report, self.customers, data={"date": REPORT_DATE}
        )
        for text in (
            "Customer pipeline",
            "03/15/2024",
            "11 selected customer(s)",
            "7,000.00",  # A-level prospects of class A
            "11,700.00",  # total expected revenue
            "Follow-ups due: 5",
            "RPT Inactive",
            "Customers on hold: 1",
            "RPT unpaid invoice",
            "1,000.00",
            "700.00",
            "400.00",
            'width="420.0"',
            'width="280.0"',
            'data-stage="negotiation"',
        ):
            self.assertIn(text, html)
        self.assertNotIn("RPT B1<", html.split("Follow-ups due")[1].split("on hold")[0])

    def test_pipeline_queries_do_not_grow_with_customers(self):
        small, large = self._bulk_customers(3), self._bulk_customers(30)
        self._pipeline_values(small)  # warm the caches
        self._pipeline_values(large)

        def count(partners):
            self.Partner.invalidate_cache()
            before = self.env.cr.sql_log_count
            values = self._pipeline_values(partners)
            # What the template reads about the listed customers.
            values["followups_due"].mapped("user_id.name")
            self.assertTrue(all(x["partner"].name for x in values["holds"]["lines"]))
            return self.env.cr.sql_log_count - before

        self.assertEqual(count(small), count(large))

    # ------------------------------------------------------------- profile --
    def test_profile_sheet_content(self):
        customer = self._create_customer(
            "RPT Profile Corp",
            customer_status="negotiation",
            prospect_class="b",
            customer_type_id=self.small_business.id,
            phone="+1 555 0100",
            fax="+1 555 0199",
            invoice_name="Accounts Payable Dept",
        )
        self.Partner.create(
            {
                "name": "Dana Decider",
                "parent_id": customer.id,
                "contact_role": "decision_maker",
                "function": "CEO",
            }
        )
        self.Partner.create(
            {"name": "Bob Buyer", "parent_id": customer.id, "contact_role": "buyer"}
        )
        self.Partner.create(
            {"name": "RPT Billing Address", "parent_id": customer.id, "type": "invoice"}
        )
        guarantor_partner = self.Partner.create({"name": "RPT Guarantor Holding"})
        Guarantor = self.env["customer.guarantor"]
        Guarantor.create(
            {
                "partner_id": customer.id,
                "guarantor_partner_id": guarantor_partner.id,
                "relation": "parent_company",
                "guaranteed_amount": 25000.0,
                "valid_until": "2025-12-31",
            }
        )
        Guarantor.create(
            {
                "partner_id": customer.id,
                "name": "Gina Guarantee",
                "relation": "director",
                "guaranteed_amount": 5000.0,
            }
        )
        for day in range(1, 12):
            self._interaction(customer, "2024-01-%02d 10:00:00" % day, day)
        other = self._create_customer("RPT Profile Other")
        self._interaction(other, "2024-02-01 10:00:00", 99)
        values = self.env["report.%s" % PROFILE].get_report_values(
            (customer | other).ids
        )
        self.assertEqual(values["docs"], customer | other)
        self.assertEqual(
            values["contacts"][customer.id].mapped("name"),
            ["Bob Buyer", "Dana Decider"],
        )
        self.assertEqual(len(values["guarantors"][customer.id]), 2)
        summaries = values["interactions"][customer.id].mapped("summary")
        self.assertEqual(summaries, ["Interaction %02d" % d for d in range(11, 1, -1)])
        self.assertEqual(
            values["interactions"][other.id].mapped("summary"), ["Interaction 99"]
        )

        html = self._render(self.profile_report, customer | other)
        page = html.split("RPT Profile Other", 1)[0]
        for text in (
            "RPT Profile Corp",
            customer.customer_number,
            "Small business",
            "Negotiation",
            "+1 555 0199",
            "Accounts Payable Dept",
            "Dana Decider",
            "Decision maker",
            "Bob Buyer",
            "Buyer",
            "RPT Guarantor Holding",
            "Parent company",
            "25,000.00",
            "Gina Guarantee",
            "12/31/2025",
            "Interaction 11",
            "Interaction 02",
            "Last 10 interactions",
        ):
            self.assertIn(text, page)
        self.assertNotIn("Interaction 01", html)
        self.assertNotIn("RPT Billing Address", html)  # an address, not a contact
        self.assertIn("Interaction 99", html.split("RPT Profile Other", 1)[1])
        # Each customer is a document of its own (a page of its own in the PDF)
        # in the company layout: a header, an article and a footer each.
        parts = self._layout_parts(html)
        self.assertEqual(
            [len(parts[p]) for p in ("header", "article", "footer")], [2] * 3
        )
        self.assertIn("RPT Profile Corp", parts["article"][0].text_content())
        self.assertNotIn("RPT Profile Other", parts["article"][0].text_content())
        self.assertIn("RPT Profile Other", parts["article"][1].text_content())
        for header in parts["header"]:
            self.assertIn(self.company.name, header.text_content())

    def test_profile_header_is_the_customers_company(self):
        second = self.env["res.company"].create({"name": "RPT Second Company"})
        own = self._create_customer("RPT Second Co Customer", company_id=second.id)
        shared = self._create_customer("RPT Shared Customer", company_id=False)
        html = self._render(self.profile_report, own | shared | self.a1)
        headers = [h.text_content() for h in self._layout_parts(html)["header"]]
        self.assertEqual(len(headers), 3)
        self.assertIn("RPT Second Company", headers[0])
        self.assertNotIn(self.company.name, headers[0])
        # No company of its own: the printing user's.
        self.assertIn(self.company.name, headers[1])
        self.assertIn(self.company.name, headers[2])

    def test_profile_of_a_contact_prints_its_company_once(self):
        values = self.env["report.%s" % PROFILE].get_report_values(
            (self.b1_contact | self.b1).ids
        )
        self.assertEqual(values["docs"], self.b1)
        self.assertEqual(values["contacts"][self.b1.id], self.b1_contact)

    def test_profile_queries_do_not_grow_with_customers(self):
        # Both sets above the credit rule's SMALL_SET (20): up to it, the rule
        # reads the limits through the ORM cache, beyond in one query.
        small, large = self._bulk_customers(21), self._bulk_customers(45)
        # Warm the caches (templates, translations of the labels shown).
        self._render(self.profile_report, small)
        self._render(self.profile_report, large)

        def count(partners):
            self.Partner.invalidate_cache()
            before = self.env.cr.sql_log_count
            self._render(self.profile_report, partners)
            return self.env.cr.sql_log_count - before

        # The sheet's own reads are one set for all customers; the company
        # header of each sheet (web.external_layout) costs one query, the
        # contact widget's exists() on the company's partner.
        self.assertEqual(count(large) - count(small), len(large) - len(small))

    # -------------------------------------------------------------- access --
    def test_access_restricted_to_customer_management_users(self):
        group = self.env.ref("customer_management.group_customer_user")
        for report in (self.pipeline_report, self.profile_report):
            # Hidden from the Print menu of other users ...
            self.assertEqual(report.groups_id, group)
            # ... and refused on the server (interactions, guarantors, credit).
            with self.assertRaises(AccessError):
                report.sudo(self.plain_user).render_qweb_html(self.a1.ids)
            with self.assertRaises(AccessError):
                self.env["report.%s" % report.report_name].sudo(
                    self.plain_user
                ).get_report_values(self.a1.ids, data={})
        # A salesperson prints both.
        values = self._pipeline_values(user=self.customer_user)
        self.assertEqual(values["total"]["count"], 11)
        html = self._render(self.profile_report, self.a1, user=self.customer_user)
        self.assertIn("RPT A1", html)

    # ------------------------------------------------------------- helpers --
    def _render(self, report, partners, data=None, user=None):
        self.Partner.invalidate_cache()
        if user:
            report = report.sudo(user)
        return report.render_qweb_html(partners.ids, data=data)[0].decode("utf-8")

    @staticmethod
    def _layout_parts(html):
        """{"header"|"article"|"footer": the divs of that class, in order}."""
        root = lxml.html.fromstring(html)
        return {
            part: root.xpath(
                "//div[contains(concat(' ', normalize-space(@class), ' '), $c)]",
                c=" %s " % part,
            )
            for part in ("header", "article", "footer")
        }

    def _interaction(self, partner, date, number):
        return self.env["customer.interaction"].create(
            {
                "partner_id": partner.id,
                "date": date,
                "interaction_type": "call" if number % 2 else "complaint",
                "summary": "Interaction %02d" % number,
            }
        )

    def _bulk_customers(self, count):
        """``count`` customers alike in shape (class, forecast, contact,
        interaction, follow-up due; every third on hold)."""
        partners = self.Partner.browse()
        for index in range(count):
            partner = self._create_customer(
                "RPT Shape %s-%02d" % (count, index),
                customer_status=("prospect_c", "prospect_a", "active")[index % 3],
                prospect_class="abcde"[index % 5],
                last_followup_date="2024-01-15",
                user_id=self.customer_user.id,
                credit_limit=100.0,
            )
            self.Partner.create({"name": "Contact %s" % index, "parent_id": partner.id})
            self._forecast(partner, 1000.0, 50.0)
            self._interaction(partner, "2024-01-02 09:00:00", index)
            partners |= partner
        partners.filtered(lambda p: p.customer_status == "active").sudo(
            self.credit_manager
        ).action_place_hold("RPT shape hold")
        return partners
