"""Form round trips on the customer form (`make e2e`): every field of the
module a user may change is typed through the web client, saved, the page
reloaded and the stored values read back over XML-RPC; the fields the user's
group may not change are shown read-only to it.

Users: Carla Credit (credit/credit, Customer Management / Credit Manager) and
Demo User (demo/demo, Customer Management / User), both from the demo data;
the administrator (Customer Management / Manager) for the affiliate fields.

The *_server_refusal tests write the fields a group may not change over
XML-RPC as that user and expect a refusal: the server side of the field
rights (credit_limit is guarded on its own; the other fields need the
field-rights branch).
"""

import datetime
import re
import xmlrpc.client

import pytest
from conftest import DB, ODOO_URL, OdooWeb, Rpc, Shooter, _new_context, exact
from playwright.sync_api import expect

CUSTOMERS_ACTION = "customer_management.res_partner_customer_action"
AFFILIATES_ACTION = "customer_management.res_partner_affiliate_action"
CREDIT = ("credit", "credit")
SALES = ("demo", "demo")
READONLY = re.compile(r"\bo_readonly_modifier\b")

TODAY = datetime.date.today()


def day(delta):
    return TODAY + datetime.timedelta(days=delta)


def ui_date(value):
    return value.strftime("%m/%d/%Y")  # en_US, the demo users' language


# Fields the Credit Manager alone may change (with the Manager).
CREDIT_ONLY = [
    "credit_limit",
    "payment_days",
    "early_discount_type",
    "early_discount_value",
    "early_discount_days",
]
# Fields the Customer Management Manager alone may change.
MANAGER_ONLY = ["affiliate_id", "is_affiliate", "affiliate_commission_rate"]


# ------------------------------------------------------------- helpers ----
def login_web(browser, screenshots, login, password):
    context = _new_context(browser)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    web = OdooWeb(page, Shooter(page, screenshots))
    web.login(login, password)
    web.wait_client()
    web.js_errors = errors
    return web


@pytest.fixture
def user_web(request, browser, screenshots):
    """user_web(login, password): a logged-in browser page; closed, and
    checked for JavaScript errors, at the end of the test."""
    opened = []

    def factory(login, password):
        web = login_web(browser, screenshots, login, password)
        opened.append(web)
        return web

    yield factory
    for web in opened:
        if getattr(request.node, "e2e_failed", False):
            web.page.screenshot(
                path=str(screenshots / ("FAILED_%s.png" % request.node.name))
            )
        web.page.context.close()
        assert not web.js_errors, web.js_errors


def user_rpc(login, password):
    return Rpc(ODOO_URL, DB, login, password)


def new_customer(rpc, name):
    return rpc(
        "res.partner",
        "create",
        {"name": name, "is_company": True, "customer": True},
    )


def first_name(rpc, model, domain=None):
    row = rpc(
        model, "search_read", domain or [], fields=["display_name"], limit=1, order="id"
    )
    assert row, "no %s in the demo data" % model
    return row[0]


def open_customer(web, rpc, partner_id, action=CUSTOMERS_ACTION):
    web.page.goto(
        "%s/web#id=%d&view_type=form&model=res.partner&action=%d"
        % (ODOO_URL, partner_id, rpc.ref(action))
    )
    web.wait_client()
    web.wait_form()


def field(web, name):
    """The visible widget of field `name` on the customer form."""
    return web.page.locator(
        '.o_form_view .o_form_sheet .o_field_widget[name="%s"]:visible' % name
    ).first


def tab(web, title):
    link = web.page.locator(".o_form_view .o_notebook .nav-tabs a").filter(
        has_text=exact(title)
    )
    link.click()
    expect(link.locator("xpath=..")).to_have_class(re.compile(r"\bactive\b"))


def input_of(widget):
    if widget.evaluate("el => el.tagName") in ("INPUT", "TEXTAREA"):
        return widget
    return widget.locator("input").first


def fill(web, name, kind, value):
    """Type `value` into field `name` as a user would."""
    widget = field(web, name)
    expect(widget).to_be_visible()
    assert not READONLY.search(widget.get_attribute("class") or ""), (
        "%s is read-only" % name
    )
    if kind == "select":
        widget.select_option(label=value)
    elif kind == "date":
        box = widget.locator("input")
        box.fill(ui_date(value))
        box.press("Tab")
    elif kind == "m2o":
        box = widget.locator("input")
        box.fill(value)
        item = web.page.locator("ul.ui-autocomplete:visible li.ui-menu-item a").filter(
            has_text=value
        )
        item.first.click()
        expect(web.page.locator("ul.ui-autocomplete:visible")).to_have_count(0)
    elif kind == "bool":
        widget.locator("input[type=checkbox]").check(force=True)
    elif kind == "html":
        editor = widget.locator(".note-editable")
        editor.click()
        editor.type(value)
    else:
        box = input_of(widget)
        box.fill(str(value))
        box.press("Tab")
    web.wait_idle()


def assert_readonly(web, name):
    """Every widget of field `name` on the sheet is read-only (an empty
    read-only field is hidden, so visible or not)."""
    widgets = web.page.locator(
        '.o_form_view .o_form_sheet .o_field_widget[name="%s"]' % name
    )
    expect(widgets.first).to_be_attached()
    for widget in widgets.all():
        expect(widget).to_have_class(READONLY)
        if widget.evaluate("el => el.tagName") in ("INPUT", "SELECT", "TEXTAREA"):
            pytest.fail("%s is an input" % name)
        # (a read-only checkbox is a disabled input)
        expect(widget.locator("input:enabled, select:enabled")).to_have_count(0)


def edit(web):
    web.page.click(".o_form_button_edit")
    expect(web.page.locator(".o_form_view.o_form_editable")).to_be_visible()


def save(web):
    web.page.click(".o_form_button_save")
    # (the HTML editor keeps hidden dialogs of its own in the page)
    dialog = web.page.locator(".modal.in .modal-dialog")
    readonly = web.page.locator(".o_form_view.o_form_readonly")
    expect(readonly.or_(dialog).first).to_be_visible()
    if dialog.count():
        pytest.fail("saving refused: %s" % dialog.first.inner_text())
    web.wait_idle()


def reload(web):
    web.page.reload()
    web.wait_client()
    web.wait_form()


def compare(rpc, partner_id, expected):
    names = list(expected)
    stored = rpc("res.partner", "read", [partner_id], names)[0]
    for name in names:
        value = stored[name]
        if isinstance(value, list):  # many2one: [id, name]
            value = value[0]
        want = expected[name]
        if isinstance(want, datetime.date):
            want = want.isoformat()
        if isinstance(want, float):
            assert value == pytest.approx(want), (name, value, want)
        else:
            assert value == want, (name, value, want)


# Fields every Customer Management user may change: (tab, name, kind).
COMMON_FIELDS = [
    (None, "fax", "char"),
    (None, "customer_type_id", "m2o"),
    ("Follow-up", "prospect_class", "select"),
    ("Follow-up", "expected_close_date", "date"),
    ("Follow-up", "last_followup_date", "date"),
    ("Follow-up", "relationship_category", "select"),
    ("Follow-up", "account_rating", "select"),
    ("Terms", "customer_since", "date"),
    ("Terms", "service_area_id", "m2o"),
    ("Terms", "team_id", "m2o"),
    ("Terms", "delivery_team_id", "m2o"),
    ("Terms", "invoice_name", "char"),
    ("Terms", "invoice_email", "char"),
    ("Credit", "fiscal_year_end_month", "select"),
    ("Credit", "fiscal_year_end_day", "int"),
    ("Credit", "invoice_period_end_day", "int"),
    ("Relationships", "parent_customer_id", "m2o"),
    ("Strategy", "sales_strategy", "html"),
]
CREDIT_FIELDS = [
    ("Credit", "credit_limit", "float"),
    ("Credit", "payment_days", "int"),
    ("Credit", "early_discount_type", "select"),
    ("Credit", "early_discount_value", "float"),
    ("Credit", "early_discount_days", "int"),
]


def common_values(rpc, tag):
    """{name: (typed, stored)} for COMMON_FIELDS, from the demo data."""
    ctype = first_name(rpc, "customer.type")
    area = first_name(rpc, "customer.service.area")
    team = first_name(rpc, "crm.team")
    delivery = first_name(rpc, "customer.delivery.team")
    referrer = first_name(
        rpc,
        "res.partner",
        [
            ("customer", "=", True),
            ("parent_id", "=", False),
            ("customer_status", "=", "active"),
        ],
    )
    referrer_name = rpc("res.partner", "read", [referrer["id"]], ["name"])[0]["name"]
    labels = rpc.selection_labels("res.partner", "prospect_class")
    categories = rpc.selection_labels("res.partner", "relationship_category")
    months = rpc.selection_labels("res.partner", "fiscal_year_end_month")
    return {
        "fax": ("+1 555 01%s" % tag, "+1 555 01%s" % tag),
        "customer_type_id": (ctype["display_name"], ctype["id"]),
        "prospect_class": (labels["b"], "b"),
        "expected_close_date": (day(90), day(90)),
        "last_followup_date": (day(-10), day(-10)),
        "relationship_category": (categories["influencer"], "influencer"),
        "account_rating": ("A", "a"),
        "customer_since": (day(-400), day(-400)),
        "service_area_id": (area["display_name"], area["id"]),
        "team_id": (team["display_name"], team["id"]),
        "delivery_team_id": (delivery["display_name"], delivery["id"]),
        "invoice_name": ("Accounts payable %s" % tag, "Accounts payable %s" % tag),
        "invoice_email": ("ap-%s@example.com" % tag, "ap-%s@example.com" % tag),
        "fiscal_year_end_month": (months["12"], "12"),
        "fiscal_year_end_day": (31, 31),
        "invoice_period_end_day": (25, 25),
        "parent_customer_id": (referrer_name, referrer["id"]),
        "sales_strategy": ("Sell the yearly plan %s" % tag, None),
    }


def credit_values(rpc):
    discount = rpc.selection_labels("res.partner", "early_discount_type")
    return {
        "credit_limit": (7777, 7777.0),
        "payment_days": (30, 30),
        "early_discount_type": (discount["percent"], "percent"),
        "early_discount_value": ("2.5", 2.5),
        "early_discount_days": (10, 10),
    }


def round_trip(web, rpc, partner_id, fields, values):
    """Fill `fields` (in order, tab by tab), save, reload, compare."""
    open_customer(web, rpc, partner_id)
    edit(web)
    for page, name, kind in fields:
        if page:
            tab(web, page)
        fill(web, name, kind, values[name][0])
    web.shot("roundtrip_%s_filled" % web.page.evaluate("odoo.session_info.username"))
    save(web)
    reload(web)
    expected = {n: v[1] for n, v in values.items() if v[1] is not None}
    compare(rpc, partner_id, expected)
    # the HTML field keeps its markup: its text is there
    if "sales_strategy" in values:
        html = rpc("res.partner", "read", [partner_id], ["sales_strategy"])[0]
        assert values["sales_strategy"][0] in (html["sales_strategy"] or "")


# --------------------------------------------------------------- tests ----
def test_credit_manager_round_trip(user_web, rpc):
    partner_id = new_customer(rpc, "Roundtrip Credit Ltd")
    values = common_values(rpc, "11")
    values.update(credit_values(rpc))
    web = user_web(*CREDIT)
    fields = COMMON_FIELDS + CREDIT_FIELDS
    round_trip(web, rpc, partner_id, fields, values)

    # Shown again after the reload: the limit with its currency, the discount.
    tab(web, "Credit")
    limit_row = web.page.locator('.o_form_sheet div.o_row[name="credit_limit"]')
    expect(limit_row).to_contain_text("7,777.00")
    expect(limit_row).to_contain_text("USD")
    expect(web.page.locator(".o_cm_early_discount")).to_contain_text("Percentage")
    web.page.evaluate("document.activeElement && document.activeElement.blur()")
    web.shot("roundtrip_credit_tab")

    # What a Credit Manager may not change is read-only to them.
    edit(web)
    tab(web, "Relationships")
    for name in ("affiliate_id", "is_affiliate"):
        assert_readonly(web, name)
    # Guarantors: a Credit Manager adds one in the list.
    web.page.locator(
        '.o_field_widget[name="guarantor_ids"] .o_field_x2many_list_row_add a'
    ).click()
    row = web.page.locator('.o_field_widget[name="guarantor_ids"] tr.o_selected_row')
    row.locator('input[name="name"]').fill("Roundtrip Guarantor")
    amount = '[name="guaranteed_amount"] input, input[name="guaranteed_amount"]'
    row.locator(amount).first.fill("5000")
    save(web)
    guarantors = rpc(
        "customer.guarantor",
        "search_read",
        [("partner_id", "=", partner_id)],
        fields=["name", "guaranteed_amount"],
    )
    assert [(g["name"], g["guaranteed_amount"]) for g in guarantors] == [
        ("Roundtrip Guarantor", 5000.0)
    ]


def test_salesperson_round_trip(user_web, rpc):
    partner_id = new_customer(rpc, "Roundtrip Sales Ltd")
    values = common_values(rpc, "22")
    web = user_web(*SALES)
    round_trip(web, rpc, partner_id, COMMON_FIELDS, values)
    # The fax on a labelled row of its own (not a second box beside the mobile).
    fax_label = web.page.locator(".o_form_sheet label.o_form_label").filter(
        has_text=exact("Fax")
    )
    expect(fax_label).to_have_count(1)

    edit(web)
    tab(web, "Credit")
    for name in ("credit_limit", "payment_days", "early_discount_type"):
        assert_readonly(web, name)
    tab(web, "Relationships")
    for name in ("affiliate_id", "is_affiliate"):
        assert_readonly(web, name)
    # Guarantors are the Credit Manager's: no line can be added.
    expect(
        web.page.locator(
            '.o_field_widget[name="guarantor_ids"] .o_field_x2many_list_row_add'
        )
    ).to_have_count(0)
    web.shot("roundtrip_salesperson_readonly")
    web.page.click(".o_form_button_cancel")


def test_manager_affiliate_round_trip(web, rpc):
    """The administrator (Manager) makes a partner an affiliate with its rate
    on the affiliate form, then sets it as a customer's affiliate."""
    affiliate_id = rpc(
        "res.partner",
        "create",
        {"name": "Roundtrip Affiliate", "is_company": True, "customer": False},
    )
    open_customer(web, rpc, affiliate_id, action=AFFILIATES_ACTION)
    edit(web)
    fill(web, "is_affiliate", "bool", True)
    fill(web, "affiliate_commission_rate", "float", "7.5")
    save(web)
    reload(web)
    expect(field(web, "affiliate_commission_rate")).to_contain_text("7.50")
    web.shot("affiliate_form")
    compare(rpc, affiliate_id, {"is_affiliate": True, "affiliate_commission_rate": 7.5})

    customer_id = new_customer(rpc, "Roundtrip Brought Ltd")
    open_customer(web, rpc, customer_id)
    edit(web)
    tab(web, "Relationships")
    fill(web, "affiliate_id", "m2o", "Roundtrip Affiliate")
    save(web)
    reload(web)
    compare(rpc, customer_id, {"affiliate_id": affiliate_id})


def _refused(rpc, partner_id, values):
    """Field names of `values` whose write by `rpc`'s user went through."""
    accepted = []
    for name, value in values.items():
        before = rpc.admin("res.partner", "read", [partner_id], [name])[0][name]
        try:
            rpc("res.partner", "write", [partner_id], {name: value})
        except xmlrpc.client.Fault:
            pass
        else:
            accepted.append(name)
        after = rpc.admin("res.partner", "read", [partner_id], [name])[0][name]
        if name not in accepted:
            assert after == before, (name, before, after)
    return accepted


def _as(login, password, admin):
    user = user_rpc(login, password)
    user.admin = admin
    return user


def test_salesperson_server_refusal(rpc):
    partner_id = new_customer(rpc, "Refusal Sales Ltd")
    affiliate = first_name(rpc, "res.partner", [("is_affiliate", "=", True)])
    sales = _as(*SALES, admin=rpc)
    accepted = _refused(
        sales,
        partner_id,
        {
            "credit_limit": 5000.0,
            "payment_days": 45,
            "early_discount_type": "amount",
            "early_discount_value": 10.0,
            "early_discount_days": 5,
            "is_affiliate": True,
            "affiliate_commission_rate": 5.0,
            "affiliate_id": affiliate["id"],
        },
    )
    assert accepted == [], "a salesperson changed %s" % accepted


def test_credit_manager_server_refusal(rpc):
    partner_id = new_customer(rpc, "Refusal Credit Ltd")
    affiliate = first_name(rpc, "res.partner", [("is_affiliate", "=", True)])
    credit = _as(*CREDIT, admin=rpc)
    accepted = _refused(
        credit,
        partner_id,
        {
            "is_affiliate": True,
            "affiliate_commission_rate": 5.0,
            "affiliate_id": affiliate["id"],
        },
    )
    assert accepted == [], "a Credit Manager changed %s" % accepted
