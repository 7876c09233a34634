"""Browser tests of the real Odoo 11 web client, `make e2e`: what a user
clicks through works end to end in the browser, not only over RPC.

Each run starts from a fresh copy of the demo database (tools/e2e.sh), so the
demo customers are known: C-level prospects, three customers on financial
hold, active customers with orders. Every UI effect is double-checked over
XML-RPC.
"""

import re
import shutil
import subprocess

from conftest import ODOO_URL, OdooWeb, Shooter, _new_context, exact, squash
from playwright.sync_api import expect

PIPELINE_MENU = "customer_management.res_partner_pipeline_menu"
PROFILE_REPORT = "customer_management.action_report_customer_profile"
ANALYSIS_MENU = "customer_management.customer_pipeline_analysis_menu"
PIPELINE_ORDER = (
    "prospect_c",
    "prospect_b",
    "prospect_a",
    "negotiation",
    "active",
    "hold",
    "inactive",
)
HOVER = re.compile(r"\bo_kanban_hover\b")
UPDATING = re.compile(r"\bo_updating\b")


def open_pipeline(web):
    web.open_menu(PIPELINE_MENU, "Pipeline")
    web.wait_kanban()


def test_login(anon_web, rpc):
    page = anon_web.page
    anon_web.login(password="not-the-password")
    expect(page.locator(".oe_login_form .alert-danger")).to_contain_text(
        "Wrong login/password"
    )
    anon_web.shot("login_refused")
    anon_web.login()
    anon_web.wait_client()
    expect(page.locator(".oe_topbar_name")).to_have_text(exact("Administrator"))
    # The module's app is in the top menu for the admin.
    expect(
        page.locator(
            ".oe_application_menu_placeholder a[data-menu-xmlid="
            '"customer_management.customer_management_menu_root"]'
        )
    ).to_contain_text("Customers")
    anon_web.shot("logged_in")


def test_pipeline_drag_prospect_c_to_b(web, rpc):
    page = web.page
    labels = rpc.selection_labels("res.partner", "customer_status")
    open_pipeline(web)
    # One column per status, empty ones included (group_expand).
    titles = page.locator(".o_kanban_group .o_column_title").all_inner_texts()
    titles = [squash(title) for title in titles]
    for status in ("prospect_c", "prospect_b", "prospect_a", "negotiation", "active"):
        assert labels[status] in titles, titles
    assert labels["hold"] in titles, titles
    source = web.kanban_column(labels["prospect_c"])
    target = web.kanban_column(labels["prospect_b"])
    expect(source.locator(".o_kanban_record").first).to_be_visible()
    name = squash(source.locator(".o_kanban_record_title").first.inner_text())
    partner_ids = rpc(
        "res.partner",
        "search",
        [
            ("name", "=", name),
            ("customer_status", "=", "prospect_c"),
            ("parent_id", "=", False),
        ],
    )
    assert len(partner_ids) == 1, "expected one C-level prospect named %r" % name
    before_target = target.locator(".o_kanban_record").count()
    web.shot("pipeline")

    card = web.kanban_card(source, name)
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    drop = target.bounding_box()
    start_x, start_y = box["x"] + box["width"] / 2, box["y"] + 20
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    # jQuery UI's sortable starts after a few pixels of real mouse moves.
    page.mouse.move(start_x + 10, start_y + 10, steps=5)
    drop_x, drop_y = drop["x"] + drop["width"] / 2, drop["y"] + 120
    page.mouse.move(drop_x, drop_y, steps=25)
    expect(target).to_have_class(HOVER)
    expect(target.locator(".ui-sortable-placeholder")).to_have_count(1)
    web.shot("pipeline_dragging")
    page.mouse.up()

    # The card lands in the B column (and is written: no more o_updating).
    moved = web.kanban_card(target, name)
    expect(moved).to_have_count(1)
    expect(moved).not_to_have_class(UPDATING)
    expect(web.kanban_card(source, name)).to_have_count(0)
    expect(target.locator(".o_kanban_record")).to_have_count(before_target + 1)
    web.wait_idle()
    moved.scroll_into_view_if_needed()
    web.shot("pipeline_dropped")
    status = rpc("res.partner", "read", partner_ids, ["customer_status"])[0]
    assert status["customer_status"] == "prospect_b"

    # Still there once the view is loaded again from the server.
    page.reload()
    web.wait_client()
    web.wait_kanban()
    target = web.kanban_column(labels["prospect_b"])
    source = web.kanban_column(labels["prospect_c"])
    expect(web.kanban_card(target, name)).to_have_count(1)
    expect(web.kanban_card(source, name)).to_have_count(0)


def held_customer_with_quotation(rpc):
    """A customer on financial hold and one of its quotations (demo data has
    one for Maple Leaf; otherwise one is written for the first held customer:
    quotations may still be written for held customers)."""
    held = rpc(
        "res.partner",
        "search_read",
        [("customer_status", "=", "hold"), ("parent_id", "=", False)],
        fields=["name", "display_name", "hold_reason"],
        order="name",
    )
    assert held, "the demo data should have customers on financial hold"
    for partner in held:
        orders = rpc(
            "sale.order",
            "search_read",
            [
                ("partner_id", "child_of", partner["id"]),
                ("state", "in", ["draft", "sent"]),
            ],
            fields=["name", "state"],
            order="id",
            limit=1,
        )
        if orders:
            return partner, orders[0]
    partner = held[0]
    product = rpc(
        "product.product",
        "search_read",
        [("sale_ok", "=", True)],
        fields=["name", "uom_id", "list_price"],
        limit=1,
    )[0]
    order_id = rpc(
        "sale.order",
        "create",
        {
            "partner_id": partner["id"],
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": product["id"],
                        "name": product["name"],
                        "product_uom": product["uom_id"][0],
                        "product_uom_qty": 1,
                        "price_unit": product["list_price"] or 100.0,
                    },
                ),
            ],
        },
    )
    order = rpc("sale.order", "read", [order_id], ["name", "state"])[0]
    return partner, order


def test_held_customer_quotation_confirm_refused(web, rpc):
    page = web.page
    partner, order = held_customer_with_quotation(rpc)
    labels = rpc.selection_labels("res.partner", "customer_status")
    open_pipeline(web)

    # The customer's card, in the hold column, opens its form with the banner.
    card = web.kanban_card(web.kanban_column(labels["hold"]), partner["name"])
    card.click()
    web.wait_form(partner["display_name"])
    banner = page.locator(".o_form_view .alert-danger")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Financial hold")
    reason_first_line = (partner["hold_reason"] or "").strip().splitlines()[0]
    expect(banner).to_contain_text(reason_first_line[:60])
    status = page.locator('.o_form_statusbar [name="customer_status"]')
    expect(status).to_contain_text(labels["hold"])
    web.shot("customer_on_hold_form")

    # Its quotations (smart button), then the quotation itself.
    # (Odoo 11 renders form buttons without their name attribute.)
    page.locator(".o_form_view .oe_button_box button.oe_stat_button").filter(
        has_text="Quotations"
    ).click()
    # Pipeline / customer / its quotations (the breadcrumb says "Sales Orders":
    # the action's display_name wins over the name the button sets).
    expect(page.locator(".o_control_panel .breadcrumb li")).to_have_count(3)
    expect(page.locator(".o_list_view")).to_be_visible()
    web.wait_idle()
    row = page.locator(".o_list_view tr.o_data_row").filter(has_text=order["name"])
    expect(row).to_have_count(1)
    row.click()
    web.wait_form(order["name"])
    web.shot("held_quotation")

    buttons = page.locator(".o_form_statusbar .o_statusbar_buttons button:visible")
    confirm = buttons.filter(has_text=exact("Confirm Sale"))
    expect(confirm).to_have_count(1)
    confirm.click()

    dialog = web.dialog()
    warning = dialog.locator(".o_dialog_warning")
    expect(warning).to_be_visible()
    # A business refusal, not a crash: Odoo's warning title.
    expect(dialog.locator(".modal-title")).to_have_text(exact("Warning"))
    text = squash(warning.inner_text())
    assert "cannot be confirmed" in text, text
    assert order["name"] in text, text
    assert partner["display_name"] in text, text
    assert "financial hold" in text, text
    assert squash(partner["hold_reason"]) in text, text
    web.wait_idle()
    web.shot("hold_refusal_dialog")
    dialog.locator(".modal-footer button").first.click()
    expect(page.locator(".modal-dialog")).to_have_count(0)

    # Still a quotation, in the browser and on the server.
    expect(confirm).to_have_count(1)
    state = rpc("sale.order", "read", [order["id"]], ["state"])[0]["state"]
    assert state == order["state"] and state in ("draft", "sent")
    partner_now = rpc("res.partner", "read", [partner["id"]], ["customer_status"])[0]
    assert partner_now["customer_status"] == "hold"


def test_print_customer_profile(web, rpc, screenshots):
    page = web.page
    report_id = rpc.ref(PROFILE_REPORT)
    assert report_id, "the report %s is not installed" % PROFILE_REPORT
    report = rpc("ir.actions.report", "read", [report_id], ["name"])[0]
    # The module's active demo customer with the most orders: a well-filled
    # profile sheet.
    customers = rpc(
        "res.partner",
        "search_read",
        [
            ("customer_status", "=", "active"),
            ("parent_id", "=", False),
            ("customer", "=", True),
            ("customer_type_id", "!=", False),
        ],
        fields=["name", "display_name", "customer_number", "sale_order_count"],
        order="name",
    )
    assert customers, "the demo data should have active customers"
    partner = max(customers, key=lambda c: c["sale_order_count"])
    labels = rpc.selection_labels("res.partner", "customer_status")
    open_pipeline(web)
    card = web.kanban_card(web.kanban_column(labels["active"]), partner["name"])
    card.scroll_into_view_if_needed()
    card.click()
    web.wait_form(partner["display_name"])
    # The module's first tab: status, class, follow-up.
    # The form opens on the module's first tab (status, class, follow-up),
    # all tabs on one row.
    tabs = page.locator(".o_form_view .o_notebook .nav-tabs > li:visible")
    expect(tabs.first).to_have_class(re.compile(r"\bactive\b"))
    expect(tabs.first).to_contain_text("Follow-up")
    tops = {round(box["y"]) for box in (t.bounding_box() for t in tabs.all())}
    assert len(tops) == 1, "the tabs take %d rows" % len(tops)
    expect(page.locator(".o_form_view .o_notebook .tab-pane.active")).to_contain_text(
        "Effort Level"
    )
    # The status is the header's clickable status bar, current one highlighted.
    expect(page.locator(".o_form_view .o_statusbar_status .btn-primary")).to_have_text(
        labels["active"]
    )
    # Back to the top of the form, no focus ring, for the screenshot.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator(".o_content").evaluate("el => { el.scrollTop = 0; }")
    web.shot("customer_form")

    responses = []
    page.context.on(
        "response",
        lambda resp: (
            responses.append(resp)
            if "/report/download" in resp.url or "/report/pdf/" in resp.url
            else None
        ),
    )
    page.click('.o_cp_sidebar .o_dropdown_toggler_btn:has-text("Print")')
    items = page.locator(".o_cp_sidebar .dropdown-menu a")
    item = items.filter(has_text=exact(report["name"]))
    expect(item).to_be_visible()
    # A customer has no commission statement to print.
    expect(items.filter(has_text="Commission")).to_have_count(0)
    item.hover()
    web.shot("print_menu")
    with page.expect_download(timeout=120000) as download_info:
        item.click()
    download = download_info.value
    pdf_path = screenshots / "customer_profile.pdf"
    download.save_as(str(pdf_path))
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-"), data[:200]
    assert len(data) > 2000
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    pdf_responses = [r for r in responses if r.status == 200]
    assert pdf_responses, [r.url for r in responses]
    assert pdf_responses[-1].headers["content-type"].startswith("application/pdf")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf_path), "-"],
            check=True,
            stdout=subprocess.PIPE,
        ).stdout.decode()
        assert partner["name"] in text, text[:2000]
        if partner["customer_number"]:
            assert partner["customer_number"] in text, text[:2000]
    if shutil.which("pdftoppm"):
        # First page as an image, next to the screenshots, for a human to look at.
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf_path),
                str(screenshots / "customer_profile_page1"),
            ],
            check=True,
        )


def test_analysis_pivot_counts_every_customer(web, rpc):
    """Customers > Analysis: a pivot by status (rows) and class (columns)
    whose grand total is the number of customers the model reports."""
    page = web.page
    labels = rpc.selection_labels("res.partner", "customer_status")
    web.open_menu(ANALYSIS_MENU, "Pipeline Analysis")
    pivot = page.locator(".o_pivot table")
    expect(pivot).to_be_visible()
    web.wait_idle()
    headers = [
        squash(t) for t in pivot.locator("tbody tr td:first-child").all_inner_texts()
    ]
    for status in ("active", "hold", "prospect_c"):
        assert labels[status] in headers, headers
    # The statuses in the pipeline's order, not by key.
    order = [labels[key] for key in PIPELINE_ORDER]
    assert [h for h in headers if h in order] == order, headers
    # One count measure (the web client's "Count") beside the revenue.
    measures = [
        squash(t) for t in pivot.locator("thead .o_pivot_measure_row").all_inner_texts()
    ]
    assert measures.count("Count") == len(measures) // 2, measures
    assert not [m for m in measures if "Customers" in m], measures
    # The class columns: A to E, then the customers without a class.
    classes = [
        squash(t)
        for t in pivot.locator("thead tr").nth(1).locator("th").all_inner_texts()
    ]
    class_labels = rpc.selection_labels("customer.pipeline.analysis", "prospect_class")
    assert [c for c in classes if c in class_labels.values()] == [
        class_labels[key]
        for key in ("a", "b", "c", "d", "e", "none")
        if class_labels[key] in classes
    ], classes
    assert "Undefined" not in classes, classes
    # First row: the totals; its last two cells are the grand totals of the
    # two measures (expected revenue, count).
    totals = pivot.locator("tbody tr").first.locator("td.o_pivot_cell_value")
    count = int(squash(totals.nth(totals.count() - 1).inner_text()).replace(",", ""))
    assert count == rpc("customer.pipeline.analysis", "search_count", [])
    # Fold the class columns (click their "Total" header): one line per status.
    pivot.locator("thead .o_pivot_header_cell_opened").first.click()
    expect(totals).to_have_count(2)
    web.wait_idle()
    web.shot("analysis_pivot")


def _overlap(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_customer_form_french_header_1280(browser, rpc, screenshots):
    """In French at 1280 px the header buttons and the status bar share the
    header without overlapping (the statuses move to a row of their own)."""
    wizard = rpc("base.language.install", "create", {"lang": "fr_FR"})
    rpc("base.language.install", "lang_install", [wizard])
    groups = [
        rpc.ref("base.group_user"),
        rpc.ref("customer_management.group_credit_manager"),
    ]
    rpc(
        "res.users",
        "create",
        {
            "name": "Camille Crédit",
            "login": "fr_credit",
            "password": "fr_credit",
            "lang": "fr_FR",
            "customer": False,
            "groups_id": [(6, 0, groups)],
        },
    )
    customer = rpc(
        "res.partner",
        "search_read",
        [
            ("customer_status", "=", "active"),
            ("parent_id", "=", False),
            ("prospect_class", "!=", False),
        ],
        fields=["name"],
        limit=1,
    )[0]
    context = _new_context(browser)
    context.set_default_timeout(60000)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    web = OdooWeb(page, Shooter(page, screenshots))
    try:
        web.login("fr_credit", "fr_credit")
        web.wait_client()
        page.goto(
            "%s/web#id=%d&view_type=form&model=res.partner&action=%d"
            % (
                ODOO_URL,
                customer["id"],
                rpc.ref("customer_management.res_partner_customer_action"),
            )
        )
        web.wait_client()
        web.wait_form()
        status = page.locator(".o_form_statusbar .o_statusbar_status")
        expect(status).to_contain_text("Client actif")
        status_box = status.bounding_box()
        buttons = page.locator(".o_form_statusbar .o_statusbar_buttons button:visible")
        assert buttons.count() >= 3
        for button in buttons.all():
            box = button.bounding_box()
            assert not _overlap(box, status_box), (button.inner_text(), box, status_box)
        assert status_box["x"] + status_box["width"] <= 1280 + 1, status_box
        page.evaluate("document.activeElement && document.activeElement.blur()")
        web.shot("customer_form_fr")
    finally:
        context.close()


def test_screen_timings(web, rpc, screenshots):
    """Seconds from the click to the screen ready (no request in flight) for
    the screens that took over 2 s; written to screenshots/timings.json."""
    import json
    import time

    page = web.page
    timings = {}

    def timed(label, start, ready):
        began = time.monotonic()
        start()
        ready()
        web.wait_idle()
        timings[label] = round(time.monotonic() - began - 0.3, 2)  # minus the quiet

    web.open_menu("customer_management.res_partner_customer_menu", "Customers")
    # The customers list fits 1400 px: no horizontal scroll, the class as
    # its letter.
    overflow = page.evaluate(
        "() => { const c = document.querySelector('.o_content');"
        " return c.scrollWidth - c.clientWidth; }"
    )
    assert overflow <= 0, overflow
    classes = page.locator(
        '.o_list_view tbody .o_field_widget[name="prospect_class"]'
    ).all_inner_texts()
    assert classes and all(len(c.strip()) <= 1 for c in classes), classes
    # Grouped by class, the customers without one are "No class".
    page.click(".o_searchview_more")  # the filter / group-by menus
    page.locator(".o_search_options button").filter(has_text="Group By").click()
    page.locator(".o_search_options .o_group_by_menu a").filter(
        has_text=exact("Class")
    ).click()
    expect(
        page.locator(".o_list_view .o_group_name").filter(has_text="No class")
    ).to_have_count(1)
    web.wait_idle()
    timed(
        "new customer form",
        lambda: page.click(".o_list_button_add"),
        lambda: expect(page.locator(".o_form_view.o_form_editable")).to_be_visible(),
    )
    customer = rpc(
        "res.partner",
        "search_read",
        [
            ("prospect_class", "!=", False),
            ("customer_status", "=", "active"),
            ("parent_id", "=", False),
        ],
        fields=["display_name"],
        limit=1,
    )[0]
    page.goto(
        "%s/web?#id=%d&view_type=form&model=res.partner&action=%d"
        % (
            ODOO_URL,
            customer["id"],
            rpc.ref("customer_management.res_partner_customer_action"),
        )
    )
    web.wait_client()
    web.wait_form()
    timed(
        "Log Follow-up",
        lambda: page.locator(".o_statusbar_buttons button")
        .filter(has_text="Log Follow-up")
        .click(),
        lambda: expect(page.locator(".modal.in .o_form_view")).to_be_visible(),
    )
    page.locator(".modal.in .modal-footer button").filter(has_text="Cancel").click()

    partner, order = held_customer_with_quotation(rpc)
    page.goto(
        "%s/web?o=1#id=%d&view_type=form&model=sale.order" % (ODOO_URL, order["id"])
    )
    web.wait_client()
    web.wait_form()
    timed(
        "refused Confirm",
        lambda: page.locator(".o_statusbar_buttons button:visible")
        .filter(has_text=exact("Confirm Sale"))
        .click(),
        lambda: expect(web.dialog().locator(".o_dialog_warning")).to_be_visible(),
    )
    web.dialog().locator(".modal-footer button").first.click()

    menu = '.o_sub_menu a[data-menu-xmlid="customer_management.%s"]'
    web.open_app()
    began = time.monotonic()
    with page.expect_download(timeout=120000):
        page.click(menu % "res_partner_pipeline_report_menu")
    timings["Pipeline Report (PDF)"] = round(time.monotonic() - began, 2)
    web.wait_idle()
    web.open_app()
    timed(
        "Settings",
        lambda: page.click(menu % "res_config_settings_menu"),
        lambda: expect(page.locator(".o_form_view .settings")).to_be_visible(),
    )
    (screenshots / "timings.json").write_text(json.dumps(timings, indent=2))
    print("screen timings (s):", timings)
    for label, seconds in timings.items():
        assert seconds < 15, (label, seconds)
