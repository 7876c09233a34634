"""The pipeline kanban's cards and column headers, in the real web client
(`bash tools/e2e.sh -k kanban`). Checked against XML-RPC reads of the same
customers; the screenshot 'pipeline_kanban' is the README's
doc/e2e_pipeline_kanban.png."""

import re

from conftest import squash
from playwright.sync_api import expect

PIPELINE_MENU = "customer_management.res_partner_pipeline_menu"
CLASS_MENU = "customer_management.res_partner_pipeline_class_menu"
CUSTOMERS = [("customer", "=", True), ("parent_id", "=", False)]
COUNT = re.compile(r"^\s*\((\d+)\)\s*$")


def test_pipeline_cards_headers_and_hold_ribbon(web, rpc):
    page = web.page
    labels = rpc.selection_labels("res.partner", "customer_status")
    web.open_menu(PIPELINE_MENU, "Pipeline")
    web.wait_kanban()

    # Each column header counts its cards and carries the follow-up progress
    # bar with the expected revenue.
    groups = rpc(
        "res.partner",
        "read_group",
        CUSTOMERS,
        ["customer_status", "expected_revenue"],
        ["customer_status"],
    )
    for group in groups:
        column = web.kanban_column(labels[group["customer_status"]])
        expect(column.locator(".o_customer_pipeline_count")).to_have_text(
            re.compile(r"\(%d\)" % group["customer_status_count"])
        )
        expect(column.locator(".o_kanban_counter_progress")).to_have_count(1)
        if group["expected_revenue"]:
            counter = squash(column.locator(".o_kanban_counter_side").inner_text())
            assert re.search(r"\d", counter), counter

    # A held customer: red ribbon with what it owes; no placeholder image.
    held_ids = rpc(
        "res.partner", "search", CUSTOMERS + [("customer_status", "=", "hold")]
    )
    assert held_ids, "the demo data holds customers"
    held = rpc(
        "res.partner",
        "read",
        held_ids,
        ["name", "customer_number", "hold_overdue_amount", "has_logo"],
    )
    hold_column = web.kanban_column(labels["hold"])
    for partner in held:
        card = web.kanban_card(hold_column, partner["name"])
        expect(card).to_have_count(1)
        ribbon = card.locator(".o_customer_hold_ribbon")
        expect(ribbon).to_be_visible()
        expect(ribbon).to_have_css("background-color", "rgb(217, 83, 79)")
        expect(ribbon).to_contain_text("On hold")
        if partner["hold_overdue_amount"]:
            expect(ribbon.locator(".o_customer_hold_overdue")).to_contain_text(
                "{:,.2f}".format(partner["hold_overdue_amount"])
            )
        expect(card).to_contain_text(partner["customer_number"])
        if not partner["has_logo"]:
            expect(card.locator(".o_kanban_image")).to_have_count(0)
    # Cards of customers not on hold carry no ribbon.
    active = web.kanban_column(labels["active"])
    expect(active.locator(".o_kanban_record").first).to_be_visible()
    expect(active.locator(".o_customer_hold_ribbon")).to_have_count(0)

    # An urgent follow-up: the date in red on the card, the red part of its
    # column's progress bar.
    due = rpc(
        "res.partner",
        "search_read",
        CUSTOMERS + [("followup_urgency", "=", "urgent")],
        ["name", "customer_status", "next_followup_date"],
        limit=1,
    )[0]
    column = web.kanban_column(labels[due["customer_status"]])
    date = web.kanban_card(column, due["name"]).locator(".o_customer_followup_date")
    expect(date).to_have_class(re.compile(r"\btext-danger\b"))
    expect(date).to_be_visible()
    red = column.locator(".progress-bar.bg-danger-full.o_bar_has_records")
    expect(red).to_have_count(1)

    # Every column in the picture for the README.
    page.set_viewport_size({"width": 2100, "height": 1000})
    web.wait_idle()
    page.mouse.move(0, 0)
    web.shot("pipeline_kanban")


def test_pipeline_by_class_names_the_unclassified_column(web, rpc):
    page = web.page
    name = "E2E Unclassified Prospect"
    rpc("res.partner", "create", {"name": name, "customer": True, "is_company": True})
    web.open_menu(CLASS_MENU, "Pipeline by Class")
    web.wait_kanban()
    titles = page.locator(".o_kanban_group .o_column_title").all_inner_texts()
    titles = [squash(title) for title in titles]
    assert "false" not in [t.lower() for t in titles], titles
    no_class = web.kanban_column("No class")
    expect(web.kanban_card(no_class, name)).to_have_count(1)
    labels = rpc.selection_labels("res.partner", "prospect_class")
    for key in "abcde":
        assert labels[key] in titles, titles
    expect(no_class.locator(".o_customer_pipeline_count")).to_have_text(COUNT)
    web.shot("pipeline_by_class")
