"""Issue 16, item 4: the Order Number rule on Review Order and on Review Change Order. A
number or Order Number Not Required, not both (the seeds' either/or): each form says what is
missing next to the Order Number field and beside its Submit button before the user clicks,
in the words the server uses (orders/rules.py)."""

from playwright.sync_api import expect

from portal.changes.models import ChangeOrder
from portal.companies.models import Company
from portal.orders.rules import NUMBER_AND_NOT_REQUIRED, NUMBER_MISSING

from .conftest import log_in
from .test_change import open_customer


def screenshots(page, screenshot, name: str) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def hint_part(message: str) -> str:
    return message[0].lower() + message[1:].removesuffix(".")


def answer_infrastructure(page) -> None:
    for select in page.locator("select[data-needed]").all():
        if select.get_attribute("id") == "id_server_os_edition":
            continue
        select.select_option(index=1)
    edition = page.locator("#id_server_os_edition")
    expect(edition.locator("option").nth(1)).to_be_attached()
    edition.select_option(index=1)


def test_review_order_says_number_or_not_required_next_to_the_field(page, demo_data, screenshot):
    prospect = Company.objects.filter(
        partner__name="Acme IT Services",
        status=Company.Status.PROSPECT,
        implementation_lead__isnull=False,
        products__isnull=False,
    ).first()
    log_in(page, "admin@acme-msp.example")
    page.goto(f"/orders/{prospect.pk}/")
    submit = page.get_by_role("button", name="Submit Order")
    hint = page.locator("[data-submit-hint]")
    number_error = page.locator("#id_order_number_error")
    expect(submit).to_be_disabled()
    expect(number_error).to_be_hidden()  # a new form does not open in red

    answer_infrastructure(page)
    page.get_by_label("governed by the Managed Service Providers Agreement").check()
    page.get_by_label("authorised to place this order").check()
    # Only the Order Number is missing: said next to it and beside Submit Order.
    expect(submit).to_be_disabled()
    expect(number_error).to_have_text(NUMBER_MISSING)
    expect(hint).to_have_text(f"To open Submit Order: Order Number: {hint_part(NUMBER_MISSING)}.")

    # The case: a number and Not Required; the form says which to undo.
    page.get_by_label("Order Number", exact=True).fill("PO-4711")
    page.get_by_label("Order Number Not Required").check()
    expect(submit).to_be_disabled()
    expect(number_error).to_have_text(NUMBER_AND_NOT_REQUIRED)
    expect(page.locator("#id_order_number")).to_have_attribute("aria-invalid", "true")
    screenshots(page, screenshot, "order-number-both")

    page.get_by_label("Order Number Not Required").uncheck()
    expect(number_error).to_be_hidden()
    expect(submit).to_be_enabled()
    expect(hint).to_be_hidden()
    screenshots(page, screenshot, "order-number-given")

    page.get_by_label("Order Number", exact=True).fill("")
    page.get_by_label("Order Number Not Required").check()
    expect(submit).to_be_enabled()


def test_review_change_order_keeps_submit_hidden_until_the_order_number_is_settled(
    page, demo_data, screenshot
):
    log_in(page, "admin@acme-msp.example")
    open_customer(page, "Northwind Traders")
    page.get_by_role("link", name="Change Options").click()
    page.get_by_label("Total Number of Seats").fill("700")
    page.get_by_role("button", name="Review Order").click()
    expect(page.get_by_role("heading", name="Change Order Summary")).to_be_visible()
    submit = page.get_by_role("button", name="Submit", exact=True)
    hint = page.locator("[data-tick-hint]")
    number_error = page.locator("#id_order_number_error")

    # The case: both boxes ticked, no number: Submit used to appear and then fail.
    page.get_by_label("governed by the Managed Service Providers Agreement").check()
    page.get_by_label("authorised to place this order").check()
    expect(submit).to_be_hidden()
    expect(number_error).to_have_text(NUMBER_MISSING)
    expect(hint).to_have_text(f"For Submit to appear: Order Number: {hint_part(NUMBER_MISSING)}.")
    screenshots(page, screenshot, "change-order-number-missing")

    page.get_by_label("Order Number", exact=True).fill("PO-SEED")
    page.get_by_label("Order Number Not Required").check()
    expect(submit).to_be_hidden()
    expect(number_error).to_have_text(NUMBER_AND_NOT_REQUIRED)

    page.get_by_label("Order Number", exact=True).fill("")
    expect(number_error).to_be_hidden()
    expect(submit).to_be_visible()
    submit.click()
    submitted = page.get_by_text("Upsell Pending Order submitted for Northwind Traders")
    expect(submitted.first).to_be_visible()
    assert ChangeOrder.objects.count() == 1
