"""What customers pay, on the demo data: both customer lists show each customer's products,
seats and monthly fees with the MSP's total at the top, and Export CSV / Export XLSX download
the list with the same figures."""

import csv
import io
from decimal import Decimal

import openpyxl
from playwright.sync_api import expect

from portal.accounts.models import Partner
from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, Company
from portal.companies.services import agreement_create, company_set_status
from portal.pricing import price_order

from .conftest import log_in


def rows(page) -> dict[str, list[str]]:
    """Company name -> the row's cells, as the page shows them."""
    found = {}
    for row in page.locator("table.list tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        found[cells[0].strip()] = [cell.strip() for cell in cells]
    return found


def in_progress_customer() -> Company:
    """A prospect of the demo whose order is submitted: In Progress, its new order pending."""
    acme = Partner.objects.get(name="Acme IT Services")
    company = Company.objects.filter(partner=acme, status="prospect").order_by("name_key")[1]
    lines = price_order(price_table_for(partner=acme), {"S2": 120, "A2": 120}).lines
    agreement_create(
        company=company,
        lines=list(lines),
        status=Agreement.Status.NEW_ORDER_PENDING,
        total_users=120,
        currency="USD",
        actor=None,
    )
    company_set_status(company=company, status=Company.Status.IN_PROGRESS, actor=None)
    return company


def test_customer_lists_show_what_customers_pay_and_export_it(page, demo_data, screenshot):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Complete").click()

    shown = rows(page)
    # With the demo's price book the cell also says Acme's own price and its margin: S1 at cost
    # + 25% (682 x 3.69; 350 x 4.00), C1 at 1.60 a seat (350 x 1.60).
    assert shown["Northwind Traders"][2:5] == [
        "S1",
        "682",
        "USD 2,011.90\nyours USD 2,516.58\nmargin USD 504.68",
    ]
    assert shown["Fabrikam Logistics"][2:5] == [
        "S1, C1",
        "350",
        "USD 1,505.00\nyours USD 1,960.00\nmargin USD 455.00",
    ]
    totals = page.get_by_label("Total monthly fees")
    expect(totals).to_contain_text("Total monthly fees")
    # The seeds' two and the demo's customers on commitments.
    complete = Company.objects.filter(partner__name="Acme IT Services", status="complete")
    expect(totals).to_contain_text(f"USD {sum(c.monthly_fees for c in complete):,.2f}")
    expect(totals).to_contain_text(f"{len(complete)} customers")
    screenshot("customers-fees-complete-1366")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    exported = {row["Company Name"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(exported) == set(shown)
    for name, cells in shown.items():
        row = exported[name]
        assert [row["Products"], row["Seats"]] == cells[2:4]
        # The cell's first line: the contracted fees (the MSP's own figures stay on screen).
        assert f"{row['Currency']} {Decimal(row['Monthly Fees']):,.2f}" == cells[4].split("\n")[0]

    with page.expect_download() as download:
        page.get_by_role("link", name="Export XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    values = list(sheet.values)
    headers = values[0]
    by_name = {row[1]: dict(zip(headers, row, strict=True)) for row in values[1:]}
    assert Decimal(str(by_name["Fabrikam Logistics"]["Monthly Fees"])) == Decimal("1505.00")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_label("Total monthly fees")).to_be_visible()
    screenshot("customers-fees-complete-390")


def test_in_progress_shows_the_order_waiting_to_be_provisioned(page, demo_data, screenshot):
    company = in_progress_customer()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="In Progress").click()

    cells = rows(page)[company.name]
    # S2 at 120 seats (5.20) and A2 (1.75): 624.00 + 210.00.
    assert cells[2:5] == ["S2, A2", "120", "USD 834.00"]
    expect(page.get_by_label("Total monthly fees")).to_contain_text("USD 834.00")
    expect(page.get_by_role("link", name="Export CSV")).to_be_visible()
    screenshot("customers-fees-in-progress-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("customers-fees-in-progress-390")
