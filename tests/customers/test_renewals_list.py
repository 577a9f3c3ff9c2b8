"""Customers | Renewals: every commitment (and, asked, every term) ending in a window, soonest
first, with the value at the prices in force that day, the difference from today's, auto-renew
per product, the changes scheduled, the last day for changes and a countdown; searched,
lettered, sorted, paged and exported like the other lists, and only the MSP's own."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.catalog.models import ContractedPrice, Product
from portal.companies.versions import company_fees_refresh
from portal.renewals.models import RenewalChange
from tests.fixtures.customers import make_customer
from tests.fixtures.factories import set_prices

TODAY = datetime.date(2027, 3, 1)
URL = "/customers/renewals/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def customer(partner, lead, name, ends_in, *, quantities=None, commitment="1y", **line_fields):
    """A Complete customer whose lines' terms end ``ends_in`` days from today."""
    company = make_customer(partner, lead, name, quantities or {"S1": 100}, 100)
    company.agreements.get().lines.update(
        commitment=commitment,
        term_start=days(ends_in) - datetime.timedelta(days=365),
        term_end=days(ends_in),
        **line_fields,
    )
    company_fees_refresh(company)
    company.refresh_from_db()
    return company


@pytest.fixture
def renewing(acme, acme_admin, price_list):
    """Four customers of Acme: commitments ending in 12, 1, 45 and 0 days; a monthly term."""
    return {
        "northwind": customer(acme, acme_admin, "Northwind Traders", 12),
        "fabrikam": customer(
            acme, acme_admin, "Fabrikam Logistics", 1, quantities={"S1": 350, "C1": 350}
        ),
        "contoso": customer(acme, acme_admin, "Contoso Pharmaceuticals", 45),
        "adatum": customer(acme, acme_admin, "Adatum Corporation", 0),
        "litware": customer(acme, acme_admin, "Litware Inc", 5, commitment="monthly"),
    }


@pytest.fixture
def signed_in(client, acme_admin):
    client.force_login(acme_admin)
    return client


def names(response) -> list[str]:
    page = response.content.decode()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    found = []
    for part in body.split('#renewal">')[1:]:
        found.append(part.split("</a>", 1)[0])
    return found


def test_the_default_window_lists_commitments_ending_in_30_days_soonest_first(signed_in, renewing):
    response = signed_in.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Adatum Corporation", "Fabrikam Logistics", "Northwind Traders"]
    page = response.content.decode()
    assert "Commitments ending 2027-03-01 – 2027-03-31" in page
    assert "1–3 of 3 customers" in page


def test_the_menu_lists_renewals_and_former_customers_among_the_customers(signed_in):
    page = signed_in.get("/").content.decode()
    customers_menu = page.split("Customers", 1)[1]
    assert 'href="/customers/renewals/">Renewals</a>' in customers_menu
    assert 'href="/customers/former/">Former customers</a>' in customers_menu


def test_a_longer_window_and_monthly_terms(signed_in, renewing):
    assert names(signed_in.get(URL, {"within": "60"})) == [
        "Adatum Corporation",
        "Fabrikam Logistics",
        "Northwind Traders",
        "Contoso Pharmaceuticals",
    ]
    with_monthly = names(signed_in.get(URL, {"monthly": "1"}))
    assert with_monthly == [
        "Adatum Corporation",
        "Fabrikam Logistics",
        "Litware Inc",
        "Northwind Traders",
    ]


def test_a_from_to_window(signed_in, renewing):
    response = signed_in.get(URL, {"from": days(1).isoformat(), "to": days(12).isoformat()})
    assert names(response) == ["Fabrikam Logistics", "Northwind Traders"]


def test_the_countdown_says_today_tomorrow_and_in_days(signed_in, renewing):
    page = signed_in.get(URL).content.decode()
    assert (
        '<time datetime="2027-03-01">2027-03-01</time><br><strong class="countdown">today' in page
    )
    assert '<strong class="countdown">tomorrow</strong>' in page
    assert '<strong class="countdown">in 12 days</strong>' in page


def test_the_countdown_moves_with_the_clock(client, acme_admin, renewing):
    with time_machine.travel(datetime.datetime(2027, 3, 12, 9, tzinfo=datetime.UTC), tick=False):
        client.force_login(acme_admin)  # a session of that day
        page = client.get(URL).content.decode()
    assert '<strong class="countdown">tomorrow</strong>' in page  # Northwind, on 2027-03-13
    assert "Adatum" not in page  # its day has passed


def test_the_value_at_renewal_is_at_the_prices_then_in_force_with_the_difference(
    signed_in, renewing, acme
):
    page = signed_in.get(URL).content.decode()
    # Northwind: S1 × 100 at 3.50 today, and on its day.
    row = page.split("Northwind Traders</a>", 1)[1].split("</tr>", 1)[0]
    assert "USD 350.00" in row and "today’s prices" not in row

    # New S1 prices from 2027-03-10: Northwind (2027-03-13) renews at them, Fabrikam
    # (2027-03-02) does not.
    s1 = Product.objects.get(code="S1")
    for minimum, price in [(1, "4.00"), (250, "3.60")]:
        ContractedPrice.objects.create(
            partner=acme,
            product=s1,
            term=s1.term,
            min_quantity=minimum,
            unit_price=Decimal(price),
            effective_from=days(9),
        )
    page = signed_in.get(URL).content.decode()
    row = page.split("Northwind Traders</a>", 1)[1].split("</tr>", 1)[0]
    assert "USD 400.00" in row and "USD 50.00 more than at today’s prices" in row
    row = page.split("Fabrikam Logistics</a>", 1)[1].split("</tr>", 1)[0]
    assert "today’s prices" not in row


def test_auto_renew_scheduled_changes_and_the_last_day_for_changes(signed_in, renewing, acme_admin):
    fabrikam = renewing["fabrikam"]
    fabrikam.agreements.get().lines.filter(code="C1").update(auto_renew=False)
    s1 = Product.objects.get(code="S1")
    s1.renewal_deadline_days = 3
    s1.save()
    northwind = renewing["northwind"]
    RenewalChange.objects.create(
        company=northwind,
        product=s1,
        code="S1",
        renews_on=days(12),
        kind=RenewalChange.Kind.SEATS,
        seats=80,
        created_by=acme_admin,
    )
    page = signed_in.get(URL).content.decode()
    row = page.split("Fabrikam Logistics</a>", 1)[1].split("</tr>", 1)[0]
    assert 'S1</span> × 350 <span class="muted">(auto-renew on)' in row
    assert 'C1</span> × 350 → ends <span class="muted">(auto-renew off)' in row
    # Its deadline (S1: 3 days before 2027-03-02) has passed.
    assert '<time datetime="2027-02-27">2027-02-27</time><br><span class="muted">closed' in row
    row = page.split("Northwind Traders</a>", 1)[1].split("</tr>", 1)[0]
    assert "S1</span> × 100 → 80" in row and "S1: 80 seats" in row
    assert "USD 280.00" in row  # 80 × 3.50, at renewal
    assert '<time datetime="2027-03-10">2027-03-10</time><br><span class="muted">in 9 days' in row


def test_search_letters_sort_and_pages(signed_in, renewing, acme, acme_admin):
    assert names(signed_in.get(URL, {"q": "north"})) == ["Northwind Traders"]
    assert names(signed_in.get(URL, {"letter": "F"})) == ["Fabrikam Logistics"]
    page = signed_in.get(URL).content.decode()
    assert 'href="?letter=F&amp;sort=ends"' in page and "?letter=Z" not in page
    assert names(signed_in.get(URL, {"sort": "name"})) == [
        "Adatum Corporation",
        "Fabrikam Logistics",
        "Northwind Traders",
    ]
    assert names(signed_in.get(URL, {"sort": "-ends"}))[0] == "Northwind Traders"
    for n in range(50):
        customer(acme, acme_admin, f"Zeta {n:02}", 20)
    first = signed_in.get(URL, {"sort": "name", "within": "30"})
    assert "1–50 of 53 customers" in first.content.decode()
    second = signed_in.get(URL, {"sort": "name", "within": "30", "page": "2"})
    assert names(second) == ["Zeta 47", "Zeta 48", "Zeta 49"]
    # The filters stay in the pages' links.
    assert 'href="?within=30&amp;sort=name&amp;page=2"' in first.content.decode()


def test_the_page_reads_a_bounded_number_of_queries(signed_in, renewing, acme, acme_admin):
    for n in range(20):
        customer(acme, acme_admin, f"Bulk {n:02}", n + 2, quantities={"S1": 10, "C1": 10})
    signed_in.get(URL)  # the session, the menu: read once
    with CaptureQueriesContext(connection) as few:
        signed_in.get(URL, {"within": "90"})
    for n in range(20):
        customer(acme, acme_admin, f"More {n:02}", n + 3, quantities={"S1": 10, "C1": 10})
    with CaptureQueriesContext(connection) as more:
        signed_in.get(URL, {"within": "90"})
    assert len(more.captured_queries) == len(few.captured_queries)


def test_a_bad_window_is_refused_next_to_it_with_a_400(signed_in, renewing):
    response = signed_in.get(URL, {"within": "45"})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        'id="filter-within-error" role="alert">Terms ending within: choose 30, 60 or 90 days.'
        in page
    )
    # Listed as if it were not given.
    assert names(response) == ["Adatum Corporation", "Fabrikam Logistics", "Northwind Traders"]

    response = signed_in.get(URL, {"from": "2027-13-01"})
    assert response.status_code == 400
    assert "Or from: “2027-13-01” is not a date" in response.content.decode()

    response = signed_in.get(URL, {"from": days(10).isoformat(), "to": days(2).isoformat()})
    assert response.status_code == 400
    assert "To: the end is before the start." in response.content.decode()

    response = signed_in.get(URL, {"lead": "999999"})
    assert response.status_code == 400


def test_only_the_msps_own_customers_are_listed(client, renewing, globex, outsider, price_list):
    set_prices(globex, Product.objects.get(code="S1"), [(1, "4.10")])
    customer(globex, outsider, "Globex Client", 3)
    client.force_login(outsider)
    response = client.get(URL)
    assert names(response) == ["Globex Client"]
    csv_text = b"".join(client.get(reverse("customers:renewals_csv")).streaming_content)
    assert b"Northwind" not in csv_text and b"Globex Client" in csv_text
    # Another MSP's lead as a filter: refused, nothing of theirs shown.
    acme_lead = renewing["northwind"].implementation_lead_id
    response = client.get(URL, {"lead": str(acme_lead)})
    assert response.status_code == 400 and "Northwind" not in response.content.decode()


def test_the_export_is_the_list_as_filtered_in_csv_and_xlsx(signed_in, renewing, acme_admin):
    renewing["fabrikam"].agreements.get().lines.filter(code="C1").update(auto_renew=False)
    renewing["adatum"].name = "=HYPERLINK(1)"
    renewing["adatum"].save()
    response = signed_in.get(reverse("customers:renewals_csv"), {"within": "60", "sort": "-ends"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["ID", "Company Name", "Term Ends", "Countdown"]
    assert [row[1] for row in rows[1:]] == [
        "Contoso Pharmaceuticals",
        "Northwind Traders",
        "Fabrikam Logistics",
        "'=HYPERLINK(1)",
    ]
    fabrikam = rows[3]
    assert fabrikam[2:6] == ["2027-03-02", "tomorrow", "S1 × 350; C1 × 350 → ends", "350"]
    assert fabrikam[6] == "1120.00"  # S1 × 350 at 3.20; C1 ends and fabrikam[9] == "C1"

    response = signed_in.get(reverse("customers:renewals_xlsx"), {"q": "north"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][1] == "Northwind Traders" and values[1][6] == 350


def test_signed_out_goes_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_renewal_without_a_price_that_day_says_why_instead_of_a_value(signed_in, renewing):
    ContractedPrice.objects.filter(product__code="C1").delete()
    page = signed_in.get(URL).content.decode()
    row = page.split("Fabrikam Logistics</a>", 1)[1].split("</tr>", 1)[0]
    assert '<span class="error">C1 has no contracted price in force on 2027-03-02' in row
    assert "C1</span> × 350" in row  # what renews is still listed
