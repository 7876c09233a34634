"""Browser test: a quotation over the credit limit shows why before Confirm,
is refused, still shows why after a reload, and the Credit Manager (admin)
approves it from the quotation with "Approve over credit limit"; the order
ends confirmed with its approval record (read back over XML-RPC)."""

import time

from conftest import ODOO_URL, exact, squash
from playwright.sync_api import expect

APPROVE = "Approve over credit limit"


def over_limit_quotation(rpc):
    """A fresh customer with a limit of 1,000 and a quotation of 5,000."""
    tag = "%d" % (time.time() * 1000)
    customer = rpc(
        "res.partner",
        "create",
        {"name": "E2E Approval Co %s" % tag, "is_company": True, "customer": True},
    )
    rpc("res.partner", "write", [customer], {"credit_limit": 1000.0})
    product = rpc(
        "product.product",
        "create",
        {
            "name": "E2E approval item %s" % tag,
            "type": "service",
            "invoice_policy": "order",
            "taxes_id": [(6, 0, [])],
        },
    )
    order = rpc(
        "sale.order",
        "create",
        {
            "partner_id": customer,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": product,
                        "product_uom_qty": 1,
                        "price_unit": 5000.0,
                        "tax_id": [(6, 0, [])],
                    },
                )
            ],
        },
    )
    return rpc("sale.order", "read", [order], ["name", "state"])[0]


def open_order(web, order):
    web.page.goto(
        "%s/web#id=%s&model=sale.order&view_type=form" % (ODOO_URL, order["id"])
    )
    web.wait_client()
    web.wait_form(order["name"])


def header_button(page, label):
    buttons = page.locator(".o_form_statusbar .o_statusbar_buttons button:visible")
    return buttons.filter(has_text=exact(label))


def test_approve_over_limit_quotation_from_the_form(web, rpc):
    page = web.page
    order = over_limit_quotation(rpc)
    open_order(web, order)

    # Before any Confirm: the banner says why, the approve button is there.
    banner = page.locator(".o_form_view .o_credit_refusal")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("would be exceeded")
    expect(banner).to_contain_text("4,000.00")
    expect(header_button(page, APPROVE)).to_have_count(1)
    web.shot("over_limit_quotation")

    # Confirm is refused with the reason and the amounts.
    header_button(page, "Confirm Sale").click()
    dialog = web.dialog()
    warning = dialog.locator(".o_dialog_warning")
    expect(warning).to_be_visible()
    text = squash(warning.inner_text())
    assert "cannot be confirmed" in text and "4,000.00" in text, text
    web.wait_idle()
    web.shot("over_limit_refusal")
    dialog.locator(".modal-footer button").first.click()
    expect(page.locator(".modal-dialog")).to_have_count(0)

    # After a reload: still a quotation, still the banner and the button.
    page.reload()
    web.wait_client()
    web.wait_form(order["name"])
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("would be exceeded")
    approve = header_button(page, APPROVE)
    expect(approve).to_have_count(1)

    # The Credit Manager approves from the quotation.
    approve.click()
    wizard = web.dialog()
    expect(wizard.locator(".modal-title")).to_contain_text(APPROVE)
    wizard.locator('.o_field_widget[name="reason"]').fill("Strategic deal, CFO agreed")
    web.shot("approve_over_limit_wizard")
    wizard.locator(".modal-footer button", has_text="Approve and confirm").click()
    expect(page.locator(".modal-dialog")).to_have_count(0)
    web.wait_idle()
    expect(
        page.locator(".o_form_statusbar .o_statusbar_status .btn-primary")
    ).to_contain_text(
        "Sales Order"
    )  # noqa: E501
    expect(banner).to_be_hidden()
    web.shot("approved_order")

    # On the server: confirmed, with its approval record.
    state = rpc("sale.order", "read", [order["id"]], ["state"])[0]["state"]
    assert state == "sale", state
    approvals = rpc(
        "customer.credit.override",
        "search_read",
        [("order_id", "=", order["id"])],
        ["order_name", "amount_over", "amount_order", "reason", "approver_id"],
    )
    assert len(approvals) == 1, approvals
    approval = approvals[0]
    assert approval["order_name"] == order["name"], approval
    assert abs(approval["amount_over"] - 4000.0) < 0.01, approval
    assert abs(approval["amount_order"] - 5000.0) < 0.01, approval
    assert approval["reason"] == "Strategic deal, CFO agreed", approval
    assert approval["approver_id"][0] == rpc.uid, approval
