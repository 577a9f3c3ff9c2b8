"""Issue 16 item 15 in Chromium on the demo data: Edit Details of a customer, a contact and a
note added on its page (htmx, no reload), all in the History Log; a second editor is told who
saved since. Screenshots at 1366 and 390 px."""

from playwright.sync_api import expect

from portal.companies.details import details_update
from portal.companies.models import Company, CustomerContact, CustomerNote

from .conftest import log_in


def open_customer(page, name: str) -> None:
    page.get_by_role("link", name="Complete", exact=True).click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def screenshots(page, screenshot, name: str) -> None:
    """The page as a laptop (1366 px) and a phone (390 px) show it."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"{name}-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{name} is wider than the screen at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_edit_details_add_a_contact_and_a_note_and_see_them_in_the_history_log(
    page, demo_data, screenshot
):
    log_in(page, "sales@acme-msp.example")
    open_customer(page, "Northwind Traders")

    page.get_by_role("link", name="Edit Details").click()
    expect(page.get_by_role("heading", name="Edit Details: Northwind Traders")).to_be_visible()
    page.get_by_label("Website").fill("northwindtraders.example")
    page.get_by_label("Sector").select_option(label="Transport and logistics")
    page.get_by_label("Secondary Implementation Contact").select_option(label="Alice Admin")
    screenshots(page, screenshot, "customer-details-edit")
    page.get_by_role("button", name="Save Details").click()

    expect(page.get_by_text("Details saved.")).to_be_visible()
    details = page.locator("#details")
    expect(details.get_by_role("link", name="https://northwindtraders.example")).to_be_visible()
    expect(details).to_contain_text("Transport and logistics")
    expect(details).to_contain_text("Alice Admin")

    # A contact with a bad e-mail address: said next to the field, nothing saved.
    contacts = page.locator("#contacts")
    contacts.get_by_label("Name").fill("Jane Doe")
    contacts.get_by_label("Role").fill("IT Manager")
    contacts.get_by_label("E-mail").fill("jane@")
    contacts.get_by_role("button", name="Add Contact").click()
    expect(page.locator("#contacts").get_by_text("Enter a valid e-mail address.")).to_be_visible()
    assert not CustomerContact.objects.exists()
    # htmx swapped the section in place: no page was loaded (a plain post would be at /contacts/).
    assert not page.url.split("#")[0].endswith("/contacts/"), page.url
    page.locator("#contacts").get_by_label("E-mail").fill("jane.doe@northwindtraders.example")
    page.locator("#contacts").get_by_label("Phone").fill("+1 (555) 010-0100")
    page.locator("#contacts").get_by_role("button", name="Add Contact").click()
    expect(page.locator("#contacts .entry")).to_contain_text("Jane Doe")
    expect(page.locator("#contacts").get_by_label("Name")).to_have_value("")

    notes = page.locator("#notes")
    notes.get_by_label("Note").fill("Wants Mac clients in Q2.\nCall Jane before the renewal.")
    notes.get_by_role("button", name="Add Note").click()
    expect(page.locator("#notes .entry")).to_contain_text("Wants Mac clients in Q2.")
    expect(page.locator("#notes .entry")).to_contain_text("Sam Sales")
    assert CustomerNote.objects.get().author.email == "sales@acme-msp.example"

    # A second contact, removed again (after the browser's confirmation).
    contacts = page.locator("#contacts")
    contacts.get_by_label("Name").fill("Temp Person")
    contacts.get_by_label("Phone").fill("555 0199")
    contacts.get_by_role("button", name="Add Contact").click()
    expect(page.locator("#contacts .entry")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#contacts").get_by_role("button", name="Remove Temp Person").click()
    expect(page.locator("#contacts .entry")).to_have_count(1)

    page.reload()
    log = page.locator("section", has=page.get_by_role("heading", name="History Log"))
    expect(log).to_contain_text("Changed website, sector, secondary implementation contact")
    expect(log).to_contain_text("Contact added: Jane Doe (IT Manager)")
    expect(log).to_contain_text("Contact removed: Temp Person")
    expect(log).to_contain_text("Note added: Wants Mac clients in Q2.")
    expect(log).to_contain_text("Transport and logistics")
    screenshots(page, screenshot, "customer-details-page")


def test_a_second_editor_is_told_who_changed_the_details_since(page, demo_data, screenshot):
    log_in(page, "sales@acme-msp.example")
    open_customer(page, "Fabrikam Logistics")
    page.get_by_role("link", name="Edit Details").click()
    page.get_by_label("Sector").select_option(label="Retail")

    # Meanwhile Alice saves another sector.
    fabrikam = Company.objects.get(name="Fabrikam Logistics")
    alice = fabrikam.partner.users.get(email="admin@acme-msp.example")
    details_update(company=fabrikam, actor=alice, seen=fabrikam.updated_at, sector="legal")
    page.get_by_role("button", name="Save Details").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("was changed by Alice Admin")
    expect(alert).to_contain_text("since you opened it")
    expect(page.get_by_role("heading", name="Saved now")).to_be_visible()
    fabrikam.refresh_from_db()
    assert fabrikam.sector == "legal"
    screenshots(page, screenshot, "customer-details-conflict")
