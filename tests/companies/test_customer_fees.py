"""What customers pay: products, seats and monthly fees of the agreement in effect, kept on the
company whenever a version is made or moves, shown on both customer lists with the MSP's total,
and exported (CSV, XLSX) with the same figures."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.changes.models import ChangeOrder
from portal.companies.lifecycle import agreement_confirm, agreement_reject
from portal.companies.models import Company, CompanyProduct
from portal.companies.schedule import versions_take_effect
from tests.fixtures.clock import made_on
from tests.fixtures.factories import make_company

from .test_lifecycle_sync import BILLING, make_catalog, make_customer, make_version, submit_change

COMPLETE = "customers:complete"
IN_PROGRESS = "customers:in_progress"
_clock = made_on(datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC))
# 350 seats: S1 at the 250+ tier (3.20) and C1 at 1.10.
V1_FEES = Decimal("1505.00")


@pytest.fixture
def fabrikam(acme, acme_admin):
    make_catalog(acme)
    return make_customer(acme, acme_admin)


def figures(company) -> tuple:
    company.refresh_from_db()
    return (
        company.fee_products,
        company.fee_seats,
        company.monthly_fees,
        company.fees_currency,
    )


def test_an_active_version_puts_its_products_seats_and_monthly_fees_on_the_customer(fabrikam):
    assert figures(fabrikam) == (" S1 C1 ", 350, V1_FEES, "USD")


def test_a_new_order_pending_is_what_a_customer_in_progress_will_pay(acme, acme_admin):
    make_catalog(acme)
    company = make_company(acme, "Contoso", status=Company.Status.IN_PROGRESS)

    make_version(company, acme_admin, {"S1": 100}, 100, "new_pending")

    assert figures(company) == (" S1 ", 100, Decimal("350.00"), "USD")


def test_a_pending_change_pays_nothing_new_until_the_vendor_confirms_it(fabrikam, acme_admin):
    upsell = submit_change(fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, "upsell")
    assert figures(fabrikam)[:3] == (" S1 C1 ", 350, V1_FEES)

    agreement_confirm(agreement=upsell, actor=None)

    assert figures(fabrikam)[:3] == (" S1 C1 ", 400, Decimal("1720.00"))


def test_a_rejected_change_leaves_the_version_in_effect(fabrikam, acme_admin):
    upsell = submit_change(fabrikam, acme_admin, {"S1": 400}, 400, "upsell")

    agreement_reject(agreement=upsell, actor=None, reason="No")

    assert figures(fabrikam)[:3] == (" S1 C1 ", 350, V1_FEES)


def test_a_synced_downsell_is_paid_from_its_billing_date(client, fabrikam, acme_admin):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)):
        downsell = submit_change(
            fabrikam,
            acme_admin,
            {"S1": 200},
            200,
            ChangeOrder.Kind.DOWNSELL,
            effective_on=BILLING,
            cancel_by=datetime.date(2026, 11, 28),
        )
        agreement_confirm(agreement=downsell, actor=None)
        # Scheduled: version 1 stays in effect until the billing date.
        assert figures(fabrikam) == (" S1 C1 ", 350, V1_FEES, "USD")

    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 20, tzinfo=datetime.UTC)):
        # The scheduled job runs at its quarter hour after midnight.
        versions_take_effect()
        client.force_login(acme_admin)
        page = client.get(reverse(COMPLETE))
        assert page.status_code == 200
        assert figures(fabrikam) == (" S1 ", 200, Decimal("700.00"), "USD")
        assert "USD 700.00" in page.content.decode()


def test_each_list_shows_products_seats_and_fees_with_the_msps_total(
    client, acme, acme_sales, fabrikam, globex
):
    make_company(
        acme,
        "Euro Customer",
        status=Company.Status.COMPLETE,
        fee_products=" S1 ",
        fee_seats=10,
        monthly_fees=Decimal("35.50"),
        fees_currency="EUR",
    )
    make_company(
        globex,
        "Outsider",
        status=Company.Status.COMPLETE,
        monthly_fees=Decimal("999999.00"),
        fees_currency="USD",
    )
    client.force_login(acme_sales)

    response = client.get(reverse(COMPLETE))
    html = response.content.decode()

    assert '<td data-label="Products">S1, C1</td>' in html
    assert '<td data-label="Seats" class="num">350</td>' in html
    assert '<td data-label="Monthly Fees" class="num">USD 1,505.00</td>' in html
    assert response.context["fee_totals"] == [
        {"currency": "EUR", "total": Decimal("35.50"), "customers": 1},
        {"currency": "USD", "total": V1_FEES, "customers": 1},
    ]
    assert "Total monthly fees in EUR" in html and "Total monthly fees in USD" in html
    assert "999,999" not in html


def test_fees_sort_both_ways(client, acme, acme_sales):
    for name, fees in (("Cheap", "10.00"), ("Dear", "900.00"), ("Middle", "55.00")):
        make_company(
            acme, name, status=Company.Status.COMPLETE, monthly_fees=fees, fees_currency="USD"
        )
    client.force_login(acme_sales)

    def names(sort):
        page = client.get(reverse(COMPLETE), {"sort": sort}).context["page"]
        return [company.name for company in page.object_list]

    assert names("fees") == ["Cheap", "Middle", "Dear"]
    assert names("-fees") == ["Dear", "Middle", "Cheap"]


def export_csv(client, url_name, **params) -> list[dict]:
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_csv_has_the_figures_the_page_shows(client, acme_sales, fabrikam, globex):
    make_company(globex, "Outsider", status=Company.Status.COMPLETE)
    client.force_login(acme_sales)
    page = client.get(reverse(COMPLETE)).context["page"]

    rows = export_csv(client, "customers:complete_csv")

    shown = page.object_list[0]
    assert [row["Company Name"] for row in rows] == ["Fabrikam Logistics"]
    row = rows[0]
    assert row["Products"] == "S1, C1"
    assert int(row["Seats"]) == shown.fee_seats == 350
    assert Decimal(row["Monthly Fees"]) == shown.monthly_fees == V1_FEES
    assert row["Currency"] == "USD"
    assert row["Next Billing Date"] == BILLING.isoformat()


def test_export_xlsx_has_the_same_rows(client, acme_sales, fabrikam):
    client.force_login(acme_sales)

    response = client.get(reverse("customers:complete_xlsx"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.values)
    assert rows[0][:9] == (
        "ID",
        "Company Name",
        "Domain",
        "Sector",
        "Implementation Lead",
        "Products",
        "Seats",
        "Monthly Fees",
        "Currency",
    )
    assert rows[1][1] == "Fabrikam Logistics"
    assert Decimal(str(rows[1][7])) == V1_FEES


def test_export_follows_the_search_filters_and_sort_and_defuses_formulas(client, acme, acme_sales):
    make_company(acme, "=HYPERLINK(1)", status=Company.Status.IN_PROGRESS, sector="retail")
    make_company(acme, "Retail Two", status=Company.Status.IN_PROGRESS, sector="retail")
    make_company(acme, "Legal One", status=Company.Status.IN_PROGRESS, sector="legal")
    client.force_login(acme_sales)

    rows = export_csv(client, "customers:in_progress_csv", sector="retail", sort="-name")

    assert [row["Company Name"] for row in rows] == ["Retail Two", "'=HYPERLINK(1)"]
    assert {row["Sector"] for row in rows} == {"Retail"}


def test_export_reads_no_row_on_its_own(client, acme, acme_sales):
    client.force_login(acme_sales)

    def queries(count):
        Company.objects.filter(partner=acme).delete()
        for i in range(count):
            make_company(acme, f"C{i:03}", status=Company.Status.COMPLETE, fee_products=" S1 ")
        with CaptureQueriesContext(connection) as captured:
            assert len(export_csv(client, "customers:complete_csv")) == count
        return len(captured)

    assert queries(3) == queries(60)


@pytest.mark.parametrize("url_name", ["customers:complete_csv", "customers:in_progress_xlsx"])
def test_export_needs_a_signed_in_user_of_an_msp(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302


def test_a_rejected_new_order_leaves_the_prospects_expected_products(acme, acme_admin):
    products = make_catalog(acme)
    company = make_company(acme, "Contoso", status=Company.Status.IN_PROGRESS)
    CompanyProduct.objects.create(company=company, product=products["S1"])
    pending = make_version(company, acme_admin, {"S1": 100, "C1": 100}, 100, "new_pending")
    assert figures(company)[:3] == (" S1 C1 ", 100, Decimal("475.00"))

    agreement_reject(agreement=pending, actor=None, reason="Not this time")

    company.refresh_from_db()
    assert company.status == Company.Status.PROSPECT
    assert figures(company) == (" S1 ", None, None, "")
