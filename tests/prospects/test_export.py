import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.accounts.models import User
from portal.companies.models import Company, CompanyProduct
from tests.fixtures.factories import make_company, make_product, make_user, set_prices


@pytest.fixture
def enabled(acme):
    s1 = make_product("S1", name="Email Security", position=1)
    a1 = make_product("A1", name="Mac Client", kind="addon", needs_own_seats=True, position=2)
    set_prices(acme, s1, [(1, "3.50")])
    set_prices(acme, a1, [(1, "0.90")])
    return {"S1": s1, "A1": a1}


@pytest.fixture
def export(client, acme_sales, enabled):
    """The export as a list of {header: value}, read back the way a spreadsheet reads it."""
    client.force_login(acme_sales)

    def get(kind="csv", **params):
        response = client.get(reverse(f"prospects:export_{kind}"), params)
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        if kind == "csv":
            assert content.startswith(b"\xef\xbb\xbf")
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        else:
            workbook = load_workbook(io.BytesIO(content))
            rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

    return get


@pytest.fixture
def some(acme, globex, acme_admin, enabled):
    contact = make_user(acme, role=User.Role.SALES, email="contact@acme.test", lead=True)
    dental = make_company(
        acme,
        "Alpine Dental",
        domain="alpine.example",
        website="https://alpine.example",
        company_type=Company.CompanyType.PUBLIC_SECTOR,
        sector=Company.Sector.HEALTHCARE,
        implementation_lead=acme_admin,
        secondary_contact=contact,
        expected_provision_date=datetime.date(2027, 3, 1),
        permitted_users=40,
    )
    CompanyProduct.objects.create(company=dental, product=enabled["S1"])
    CompanyProduct.objects.create(company=dental, product=enabled["A1"], seats=12)
    make_company(acme, "Beacon Legal", domain="beacon.example")
    make_company(acme, "3 Rivers Credit Union")
    make_company(acme, "Alpine Customer", status=Company.Status.COMPLETE)
    make_company(globex, "Alpine Outsiders")
    return dental


def test_csv_export_has_only_the_msps_own_prospects(export, some):
    assert [row["Company Name"] for row in export()] == [
        "3 Rivers Credit Union",
        "Alpine Dental",
        "Beacon Legal",
    ]


def test_export_follows_the_lists_search_letter_and_sort(export, some):
    assert [row["Company Name"] for row in export(q="ALP")] == ["Alpine Dental"]
    assert [row["Company Name"] for row in export(letter="#")] == ["3 Rivers Credit Union"]
    assert [row["Company Name"] for row in export(sort="-name", page=2)][0] == "Beacon Legal"


def test_csv_export_writes_labels_emails_dates_and_products(export, some):
    row = export(q="dental")[0]

    assert row == {
        "ID": str(some.pk),
        "Company Type": "Public sector",
        "Company Name": "Alpine Dental",
        "Domain": "alpine.example",
        "Website": "https://alpine.example",
        "Sector": "Healthcare",
        "Implementation Lead E-mail": "admin@acme.test",
        "Secondary Implementation Contact E-mail": "contact@acme.test",
        "Expected Provision Date": "2027-03-01",
        "Permitted Users": "40",
        "Product S1": "Yes",
        "Product A1 Seats": "12",
    }
    beacon = export(q="beacon")[0]
    assert (beacon["Sector"], beacon["Product S1"], beacon["Product A1 Seats"]) == ("", "", "")


def test_xlsx_export_writes_the_same_values_typed(export, some):
    row = export("xlsx", q="dental")[0]

    assert row["ID"] == some.pk
    assert row["Company Type"] == "Public sector"
    assert row["Implementation Lead E-mail"] == "admin@acme.test"
    assert row["Expected Provision Date"].date() == datetime.date(2027, 3, 1)
    assert (row["Permitted Users"], row["Product S1"], row["Product A1 Seats"]) == (40, "Yes", 12)


def test_exported_headers_are_the_templates(client, export, some):
    template = client.get(reverse("prospects:template_csv")).content.decode("utf-8-sig")

    assert list(export()[0]) == template.splitlines()[0].split(",")
    assert list(export("xlsx")[0]) == template.splitlines()[0].split(",")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(export, acme, kind):
    names = ['=HYPERLINK("http://evil.example","Click")', "-2+3", "@SUM(1)", "+1", "\tTab"]
    for name in names:
        make_company(acme, name, website="=cmd|' /C calc'!A0")

    rows = export(kind)

    assert sorted(row["Company Name"] for row in rows) == sorted(f"'{name}" for name in names)
    assert {row["Website"] for row in rows} == {"'=cmd|' /C calc'!A0"}


def test_xlsx_export_stores_neutralised_cells_as_text_not_formulas(client, acme, acme_sales):
    make_company(acme, "=1+1")
    client.force_login(acme_sales)

    response = client.get(reverse("prospects:export_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]

    assert (sheet["C2"].value, sheet["C2"].data_type) == ("'=1+1", "s")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_sales_and_admin_can_export(client, acme_admin, acme_sales, kind):
    for user in (acme_admin, acme_sales):
        client.force_login(user)
        response = client.get(reverse(f"prospects:export_{kind}"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(
            'attachment; filename="acme-it-services-prospects-'
        )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_is_for_msp_users_only(client, staff, kind):
    url = reverse(f"prospects:export_{kind}")
    assert client.get(url).url.startswith(reverse("login"))

    client.force_login(staff)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_query_count_does_not_grow_with_the_rows(
    export, acme, enabled, kind, django_assert_max_num_queries
):
    def add(count: int) -> None:
        companies = Company.objects.bulk_create(
            Company(partner=acme, name=f"Company {i:04}")
            for i in range(Company.objects.count(), Company.objects.count() + count)
        )
        CompanyProduct.objects.bulk_create(
            CompanyProduct(company=company, product=enabled["A1"], seats=5) for company in companies
        )

    add(10)
    with django_assert_max_num_queries(20) as small:
        assert len(export(kind)) == 10
    add(290)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(export(kind)) == 300


def test_export_reads_in_chunks_and_keeps_each_rows_products(export, acme, enabled, monkeypatch):
    monkeypatch.setattr("portal.prospects.spreadsheets.CHUNK", 3)
    for i in range(8):
        company = make_company(acme, f"Company {i}")
        CompanyProduct.objects.create(company=company, product=enabled["A1"], seats=i + 1)

    rows = export()

    assert [(row["Company Name"], row["Product A1 Seats"]) for row in rows] == [
        (f"Company {i}", str(i + 1)) for i in range(8)
    ]


def test_prospect_list_links_to_the_export_of_what_it_shows(client, acme_sales):
    client.force_login(acme_sales)

    html = client.get(reverse("prospects:list"), {"q": "alp", "letter": "A"}).content.decode()

    assert f'href="{reverse("prospects:export_csv")}?q=alp&amp;letter=A">Export CSV' in html
    assert f'href="{reverse("prospects:export_xlsx")}?q=alp&amp;letter=A">Export XLSX' in html
