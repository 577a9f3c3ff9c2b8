"""The A–Z links on the demo data: a new search starts again from All, and a letter no customer
starts with is text, not a link to an empty page."""

from playwright.sync_api import expect

from portal.companies.models import Company

from .conftest import log_in


def names(page) -> list[str]:
    return page.locator("table.list tbody tr td:first-child").all_inner_texts()


def test_a_new_search_clears_the_letter_and_empty_letters_are_not_links(
    page, demo_data, screenshot
):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Complete").click()
    letters = page.get_by_role("navigation", name="First letter")

    letters.get_by_role("link", name="F", exact=True).click()
    assert names(page) == ["Fabrikam Logistics"]
    expect(letters.get_by_role("link", name="F", exact=True)).to_have_attribute(
        "aria-current", "true"
    )

    page.get_by_label("Search Customers").fill("north")
    page.get_by_role("button", name="Go").click()
    assert names(page) == ["Northwind Traders"]
    assert "letter=" not in page.url
    expect(letters.get_by_role("link", name="All", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    # Within "north", only N leads anywhere: the other letters are text that says so.
    assert letters.get_by_role("link").all_inner_texts() == ["All", "N"]
    expect(letters.get_by_text("F (no customers)")).to_have_count(1)
    screenshot("list-letters-search-1366")

    page.get_by_role("link", name="Clear").click()
    linked = letters.get_by_role("link").all_inner_texts()
    complete = Company.objects.filter(
        partner__name="Acme IT Services", status=Company.Status.COMPLETE
    ).order_by("name_key")
    assert linked == ["All", *sorted({name[0] for name in complete.values_list("name", flat=True)})]
    assert "Q" not in linked
    expect(letters.locator(".letter-empty", has_text="Q")).to_be_visible()
    letters.locator(".letter-empty", has_text="Q").click()  # text: nothing happens
    assert names(page) == list(complete.values_list("name", flat=True))

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Menu").click()  # on a phone the menu opens first
    page.get_by_role("link", name="Prospect List").click()
    assert letters.get_by_role("link", name="#").count() == 1
    screenshot("list-letters-prospects-390")
