"""Set-based properties behind the benchmark (bench/): the crons and the sale
confirmation must work in sets, so the number of SQL queries of the hold
review, of placing and releasing holds, of the nightly recompute and of a
sale confirmation does not grow with the number of customers or invoices.
Counted with the cursor's sql_log_count."""

from unittest.mock import patch

from odoo import fields

from .common import SalesCase, SharedCursor, freeze_clock

TODAY = "2026-11-23"


class TestBenchProperties(SalesCase):
    @classmethod
    def setUpClass(cls):
        super(TestBenchProperties, cls).setUpClass()

    def setUp(self):
        super(TestBenchProperties, self).setUp()
        SharedCursor.patch_refusals(self)

    def _overdue_customers(self, count, prefix):
        """``count`` customers of the salesperson, each with an invoice 30
        days overdue and a credit limit it uses up."""
        partners = self.Partner.browse()
        for i in range(count):
            partner = self._create_customer(
                "%s %s" % (prefix, i),
                user_id=self.customer_user.id,
                credit_limit=50.0,
                prospect_class="b" if i % 2 else False,
            )
            self._invoice(partner, 100.0 + i, "2026-09-01", "2026-10-24")
            partners |= partner
        return partners

    def _queries(self, function):
        self.Partner.invalidate_cache()  # the whole cache
        before = self.env.cr.sql_log_count
        with freeze_clock(TODAY):
            function()
        return self.env.cr.sql_log_count - before

    def test_hold_review_queries_do_not_grow_with_customers(self):
        # Each size twice, the fewer queries of each compared: a cache of the
        # registry emptied by chance between two runs costs that run queries
        # that have nothing to do with the number of customers.
        smalls = [self._overdue_customers(21, "Small%s" % i) for i in (1, 2)]
        larges = [self._overdue_customers(45, "Large%s" % i) for i in (1, 2)]
        large = larges[0]
        self._queries(lambda: self._overdue_customers(2, "Warm")._review_credit_holds())
        counts = {}
        for small_set, large_set in zip(smalls, larges):
            for label, partners in (("small", small_set), ("large", large_set)):
                count = self._queries(partners._review_credit_holds)
                counts[label] = min(counts.get(label, count), count)
                self.assertEqual(set(partners.mapped("customer_status")), {"hold"})
        self.assertEqual(counts["small"], counts["large"])
        # Each held customer got its note and its activity (bulk inserts).
        activities = self._activities(large)
        self.assertEqual(len(activities), 45)
        self.assertEqual(set(activities.mapped("user_id")), {self.customer_user})
        self.assertEqual(set(large.mapped("activity_date_deadline")), {TODAY})
        notes = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", large.ids),
                ("body", "like", "Placed on financial hold"),
            ]
        )
        self.assertEqual(len(notes), 45)
        self.assertIn("overdue", large[0].hold_reason)
        self.assertIn("credit limit", large[0].hold_reason)

    def test_release_queries_do_not_grow_with_customers(self):
        small = self._overdue_customers(21, "Small")
        large = self._overdue_customers(45, "Large")
        warm = self._overdue_customers(2, "Warm")
        (small | large | warm)._review_credit_holds()
        self._queries(lambda: warm._release_hold("Settled"))
        small_count = self._queries(lambda: small._release_hold("Settled"))
        large_count = self._queries(lambda: large._release_hold("Settled"))
        self.assertEqual(set(large.mapped("customer_status")), {"prospect_c"})
        self.assertFalse(any(large.mapped("hold_reason")))
        self.assertEqual(small_count, large_count)

    def test_nightly_queries_do_not_grow_with_customers(self):
        small = self._overdue_customers(21, "Small")
        large = self._overdue_customers(45, "Large")
        today = fields.Date.from_string(TODAY)
        self._queries(
            lambda: self._overdue_customers(2, "Warm")._recompute_metrics(today)
        )
        small_count = self._queries(lambda: small._recompute_metrics(today))
        large_count = self._queries(lambda: large._recompute_metrics(today))
        self.assertEqual(small_count, large_count)
        # What the batch wrote: 30 days late on the one invoice, class B
        # customers followed up every 7 days from their creation.
        self.assertEqual(set(large.mapped("late_invoice_count")), {1})
        self.assertEqual(set(large.mapped("avg_days_late")), {30.0})
        self.assertEqual(set(large.mapped("payment_reliability")), {"watch"})
        self.assertEqual(set(large.mapped("suggested_rating")), {"c"})

    def test_confirmation_queries_do_not_grow_with_invoices(self):
        few = self._create_customer("Few invoices", credit_limit=100000.0)
        many = self._create_customer("Many invoices", credit_limit=100000.0)
        self._invoice(few, 10.0, "2026-11-20", "2026-12-20")
        for _i in range(15):
            self._invoice(many, 10.0, "2026-11-20", "2026-12-20")
        counts = []
        for partner in (few, many):
            self._order(partner, 10.0, confirm=True)  # first order: warm-up
            order = self._order(partner, 10.0)
            counts.append(self._queries(order.action_confirm))
            self.assertEqual(order.state, "sale")
        self.assertEqual(counts[0], counts[1])

    def test_credit_check_of_a_confirmation_costs_few_queries(self):
        """The module's part of a confirmation, for a customer with invoices,
        orders and a limit, once core has the order and its customer in hand:
        one statement for the lock and what the rule reads of the customer,
        the currencies and the user, one for the limit, the credit used and
        the overdue invoices."""
        partner = self._create_customer("Checked", credit_limit=100000.0)
        for _i in range(3):
            self._invoice(partner, 10.0, "2026-11-20", "2026-12-20")
            self._order(partner, 10.0, confirm=True)
        order = self._order(partner, 10.0)
        self.Partner.invalidate_cache()
        order.invalidate_cache()
        order.read()  # what core's confirmation reads anyway
        order.partner_id.read()
        self.assertTrue(self.env.user.company_id)  # the request's user, in hand
        before = self.env.cr.sql_log_count
        with freeze_clock(TODAY):
            order._check_credit_hold()
        self.assertEqual(self.env.cr.sql_log_count - before, 2)
        self.assertEqual(order.state, "draft")  # checked only, not confirmed

    def test_credit_fields_of_a_form_cost_few_queries(self):
        """The credit used and available and the hold warning of customers,
        read with their rows in hand (a form, a list): one statement for the
        limits, the credit used and the overdue invoices (with the user's
        company and time zone, the company's currency and the credit numbers
        not read yet: 6 queries), whatever the number of customers."""
        partners = self.Partner.browse()
        for i in range(3):
            partner = self._create_customer("Form %s" % i, credit_limit=500.0)
            self._invoice(partner, 100.0 + i, "2026-11-20", "2026-12-20")
            partners |= partner
        self._invoice(partner, 300.0, "2026-08-01", "2026-08-31")
        names = ["credit_used", "credit_available", "credit_hold_warning"]
        partners.read(names)  # what is cached per process (the grace days)
        counts = []
        for customers in (partners[:1], partners):
            self.Partner.invalidate_cache()
            customers.read(["name", "commercial_partner_id"])
            before = self.env.cr.sql_log_count
            with freeze_clock(TODAY):
                rows = customers.read(names)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[0], 6)
        self.assertEqual(
            [(row["credit_used"], row["credit_available"]) for row in rows],
            [(100.0, 400.0), (101.0, 399.0), (402.0, 98.0)],
        )
        self.assertEqual([bool(row["credit_hold_warning"]) for row in rows[:2]], [0, 0])
        self.assertIn("1 invoice(s) overdue", rows[2]["credit_hold_warning"])

    def test_credit_fields_of_a_form_read_no_customer_row(self):
        """A form reads the credit fields with a few stock columns: they
        read the customers' commercial partners and credit numbers, never
        their whole rows (190 columns, the bulk of such a read)."""
        partner = self._create_customer("Form row", credit_limit=500.0)
        contact = self.Partner.create({"name": "Form contact", "parent_id": partner.id})
        self._invoice(partner, 120.0, "2026-08-01", "2026-08-31")
        self.env.cache.invalidate()
        reads = []
        origin = type(self.Partner)._read_from_database

        def spy(records, field_names, inherited_field_names=()):
            if records & (partner | contact):
                reads.append(set(field_names))
            return origin(records, field_names, inherited_field_names)

        names = ["name", "phone", "credit_used", "credit_available"]
        with patch.object(type(self.Partner), "_read_from_database", spy):
            with freeze_clock(TODAY):
                rows = (partner | contact).read(names + ["credit_hold_warning"])
        self.assertEqual(reads, [{"name", "phone"}, {"commercial_partner_id"}])
        self.assertEqual(
            [(row["credit_used"], row["credit_available"]) for row in rows],
            [(120.0, 380.0), (120.0, 380.0)],
        )
        self.assertIn("overdue", rows[1]["credit_hold_warning"])

    def test_credit_check_locks_both_commercial_partners_in_its_statement(self):
        """The facts statement takes the credit lock of the customer's and the
        invoice address's commercial partners (once each), and leaves the
        currencies in the cache: the order's amount in company currency then
        costs no query."""
        customer = self._create_customer("Locked customer", credit_limit=1000.0)
        payer = self._create_customer("Locked payer", credit_limit=1000.0)
        contact = self.Partner.create({"name": "Payer contact", "parent_id": payer.id})
        order = self._order(customer, 10.0)
        order.partner_invoice_id = contact
        Lock = self.env["customer.credit.lock"].sudo()

        def counts():
            locks = Lock.search([("partner_id", "in", [customer.id, payer.id])])
            return {lock.partner_id.id: lock.check_count for lock in locks}

        before = counts()
        self.env.cache.invalidate()
        total = order.amount_total  # what core's confirmation reads anyway
        locked = order._lock_and_cache_credit_facts()
        self.assertEqual(locked, {customer.id, payer.id})
        after = counts()
        for partner in (customer, payer):
            self.assertEqual(after[partner.id], before.get(partner.id, 0) + 1)
        queries = self.env.cr.sql_log_count
        amounts = order._amounts_in_company_currency()
        self.assertEqual(self.env.cr.sql_log_count, queries)
        self.assertEqual(amounts, {order.id: total})
        self.assertEqual(
            order._get_order_currencies(),
            {order.id: (order.currency_id.id, order.company_id.currency_id.id)},
        )
        # without the check, the currencies cost one query
        self.env.cache.invalidate()
        queries = self.env.cr.sql_log_count
        currencies = order._get_order_currencies()
        self.assertEqual(self.env.cr.sql_log_count, queries + 1)
        self.assertEqual(
            currencies,
            {order.id: (order.currency_id.id, order.company_id.currency_id.id)},
        )

    def test_customer_row_prefetches_only_what_every_confirmation_reads(self):
        """Every prefetched column slows each read of a partner row, which
        core does several times per confirmation: of the module's columns,
        only those the credit rule and the display name read are prefetched;
        a new column must choose."""
        prefetched = {
            name
            for name, field in self.Partner._fields.items()
            if field._module == "customer_management"
            and field.store
            and field.column_type
            and field.prefetch
        }
        self.assertEqual(
            prefetched,
            {
                "customer_number",
                "customer_since",
                "customer_status",
                "hold_automatic",
                "early_discount_value",
                "affiliate_commission_rate",
            },
        )

    def test_on_demand_columns_are_read_together(self):
        """The first of the module's on-demand columns read brings all of them,
        for every record of the set, in one query."""
        first = self._create_customer("Together 1", prospect_class="b", fax="0101")
        second = self._create_customer("Together 2", prospect_class="d")
        partners = self.Partner.browse((first | second).ids)
        partners.invalidate_cache()
        partners.mapped("name")  # the prefetched columns
        before = self.env.cr.sql_log_count
        self.assertEqual(partners.mapped("prospect_class"), ["b", "d"])
        self.assertEqual(self.env.cr.sql_log_count - before, 1)
        self.assertEqual(first.fax, "0101")
        self.assertFalse(second.sales_strategy)
        partners.mapped("next_followup_date")
        partners.mapped("customer_type_id")
        self.assertEqual(self.env.cr.sql_log_count - before, 1)

    def test_saving_a_customer_reads_module_columns_together(self):
        """Creating and saving a customer (its constraints, rights and the
        chatter's tracking read the module's columns) reads none of them
        alone."""
        partner = self._create_customer("Row once", credit_limit=1000.0)
        reads = []
        origin = type(self.Partner)._read_from_database

        def spy(records, field_names, inherited_field_names=()):
            if records._name == "res.partner":
                reads.append(list(field_names))
            return origin(records, field_names, inherited_field_names)

        with patch.object(type(self.Partner), "_read_from_database", spy):
            self._create_customer("Row once too", credit_limit=500.0)
            partner.invalidate_cache()
            partner.write({"phone": "+32 2 555 01 01", "prospect_class": "b"})
        on_demand = {
            name
            for name, field in self.Partner._fields.items()
            if field._module == "customer_management" and not field.prefetch
        }
        alone = [names for names in reads if len(names) == 1 and names[0] in on_demand]
        self.assertFalse(alone)
        self.assertEqual(partner.prospect_class, "b")

    def test_credit_check_reads_no_customer_row(self):
        """The credit check takes what it weighs of the customer from one
        query, not from a read of its whole row (which core's write of the
        order drops from the cache: core's own reads fetch it again)."""
        partner = self._create_customer("Facts", credit_limit=100000.0)
        self._order(partner, 10.0, confirm=True)  # customer since: set
        order = self._order(partner, 10.0)
        self.Partner.invalidate_cache()
        order.invalidate_cache()
        reads = []
        origin = type(self.Partner)._read_from_database

        def spy(records, field_names, inherited_field_names=()):
            if partner in records:
                reads.append(list(field_names))
            return origin(records, field_names, inherited_field_names)

        with patch.object(type(self.Partner), "_read_from_database", spy):
            with freeze_clock(TODAY):
                order._check_credit_hold()
        self.assertEqual(reads, [])
        # what it put in the cache is what the row holds
        self.env.cr.execute(
            "SELECT customer_status, customer_since FROM res_partner WHERE id = %s",
            (partner.id,),
        )
        self.assertEqual(
            (partner.customer_status, partner.customer_since),
            self.env.cr.fetchone(),
        )
        self.assertTrue(partner.customer_since)
        self.assertEqual(order.partner_id.commercial_partner_id, partner)
