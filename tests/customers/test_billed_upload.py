"""Customers | Upload Billed Seats: a CSV or XLSX file of what the PSA bills, recorded whole or
not at all; every bad row told by its row and column; customers found by domain, then name,
only among the MSP's own Complete customers; a hostile file refused before it is opened."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.companies.models import Company
from portal.core.models import HistoryEntry
from portal.usage.models import BilledSeats
from tests.fixtures.customers import make_customer
from tests.fixtures.factories import make_company
from tests.prospects.hostile_files import shared_strings_bomb

URL = "/customers/reconciliation/billed-seats/"
HEADER = ["Company Name or Domain", "Product", "Billed Seats"]


def csv_of(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_of(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def upload(client, acme_admin, northwind, fabrikam):
    client.force_login(acme_admin)

    def post(content: bytes, name="billed.csv"):
        return client.post(URL, {"file": SimpleUploadedFile(name, content)}, follow=True)

    return post


def billed() -> dict:
    return {
        (entry.company.name, entry.product.code): (entry.seats, entry.source)
        for entry in BilledSeats.objects.select_related("company", "product")
    }


def test_a_csv_is_recorded_and_the_page_says_how_many_changed(upload, acme_admin, northwind):
    response = upload(
        csv_of(
            [
                ["northwind.example", "S1", "650"],
                ["Fabrikam Logistics", "S1", "340"],
                ["fabrikam.example", "c1", "1,250"],
            ]
        )
    )

    assert response.redirect_chain == [(URL, 302)]
    assert "Billed seats uploaded from billed.csv: 3 changed, 0 already so." in (
        response.content.decode()
    )
    assert billed() == {
        ("Northwind Traders", "S1"): (650, "uploaded"),
        ("Fabrikam Logistics", "S1"): (340, "uploaded"),
        ("Fabrikam Logistics", "C1"): (1250, "uploaded"),
    }
    entry = BilledSeats.objects.get(company=northwind)
    assert entry.entered_by == acme_admin
    logged = HistoryEntry.objects.get(object_id=northwind.pk, summary__startswith="Billed")
    assert logged.summary == "Billed seats of S1 set to 650 (Uploaded)"


def test_the_same_figures_again_change_nothing_and_a_new_one_is_kept_with_its_history(upload):
    rows = [["northwind.example", "S1", "650"], ["fabrikam.example", "S1", "340"]]
    upload(csv_of(rows))

    again = upload(csv_of(rows)).content.decode()
    assert "0 changed, 2 already so." in again
    changed = upload(csv_of([["northwind.example", "S1", "700"], rows[1]])).content.decode()

    assert "1 changed, 1 already so." in changed
    assert list(
        BilledSeats.objects.filter(company__name="Northwind Traders")
        .order_by("id")
        .values_list("seats", flat=True)
    ) == [650, 700]
    assert BilledSeats.objects.count() == 3


def test_an_xlsx_file_is_recorded_like_a_csv(upload):
    response = upload(
        xlsx_of([["Northwind Traders", "S1", 650], ["fabrikam.example", "C1", 340.0]]),
        name="billed.xlsx",
    )

    assert "2 changed, 0 already so." in response.content.decode()
    assert billed() == {
        ("Northwind Traders", "S1"): (650, "uploaded"),
        ("Fabrikam Logistics", "C1"): (340, "uploaded"),
    }


def test_a_customer_is_found_by_domain_without_regard_to_case_and_before_any_name(
    upload, acme, acme_admin, fabrikam
):
    # A customer whose name is Fabrikam's domain: the domain finds Fabrikam all the same.
    decoy = make_customer(acme, acme_admin, "Fabrikam.example", {"S1": 10}, 10)
    decoy.domain = "decoy.example"
    decoy.save()

    response = upload(
        csv_of(
            [
                ["FABRIKAM.EXAMPLE", "S1", "1"],
                ["https://www.northwind.example/billing", "S1", "2"],
                ["  NORTHWIND   traders ", "C1", "3"],
            ]
        )
    )

    assert "3 changed" in response.content.decode()
    assert billed() == {
        ("Fabrikam Logistics", "S1"): (1, "uploaded"),
        ("Northwind Traders", "S1"): (2, "uploaded"),
        ("Northwind Traders", "C1"): (3, "uploaded"),
    }


def test_another_msps_customer_is_never_matched(upload, globex):
    make_company(
        globex, "Initech Corporation", domain="initech.example", status=Company.Status.COMPLETE
    )

    response = upload(
        csv_of([["initech.example", "S1", "50"], ["Initech Corporation", "S1", "50"]])
    )

    page = response.content.decode()
    assert "None of your customers has the domain or name “initech.example”." in page
    assert "None of your customers has the domain or name “Initech Corporation”." in page
    assert not BilledSeats.objects.exists()


GOOD = ["northwind.example", "S1", "650"]


@pytest.mark.parametrize(
    ("row", "column", "problem"),
    [
        (
            ["woodgrove.example", "S1", "5"],
            "Company Name or Domain",
            "None of your customers has the domain or name “woodgrove.example”.",
        ),
        (["", "S1", "5"], "Company Name or Domain", "Enter the customer's company name or domain."),
        (
            ["Contoso Pharmaceuticals", "S1", "5"],
            "Company Name or Domain",
            "Contoso Pharmaceuticals is a prospect: billed seats are kept for the customers of "
            "Customers | Complete.",
        ),
        (
            ["fabrikam.example", "S9", "5"],
            "Product",
            "Your MSP sells no product with the code “S9”.",
        ),
        (
            ["fabrikam.example", "OB1", "1"],
            "Product",
            "OB1 (Onboarding) is not charged per seat: only per-seat products have billed seats.",
        ),
        (["fabrikam.example", "S1", "12.5"], "Billed Seats", "“12.5” is not a whole number."),
        (["fabrikam.example", "S1", "-1"], "Billed Seats", "“-1” is not a whole number."),
        (["fabrikam.example", "S1", "1000001"], "Billed Seats", "from 0 to 1,000,000"),
        (["fabrikam.example", "S1", "many"], "Billed Seats", "“many” is not a whole number."),
        (["fabrikam.example", "S1", ""], "Billed Seats", "Enter the billed seats."),
        (
            ["northwind.example", "s1", "7"],
            "Product",
            "Northwind Traders and S1 are given already in row 2: give each customer and "
            "product once.",
        ),
        (
            ["fabrikam\x00.example", "S1", "5"],
            "Company Name or Domain",
            "This cell holds a NUL character (a zero byte): remove it.",
        ),
        (
            ["fabrikam.example", "S1\x1b", "5"],
            "Product",
            "This cell holds a control character (U+001B): remove it.",
        ),
    ],
)
def test_each_bad_row_is_told_by_row_and_column_and_nothing_is_recorded(
    upload, prospect, row, column, problem
):
    response = upload(csv_of([GOOD, row]))

    page = response.content.decode()
    assert response.redirect_chain == []
    assert "1 problem found in the file; nothing was recorded." in page
    assert f'<td class="num">3</td><td>{column}</td>' in page
    assert problem.replace("'", "&#x27;") in page
    assert not BilledSeats.objects.exists()


def test_a_domain_two_customers_share_is_ambiguous(upload, acme, acme_admin, price_list):
    twin = make_customer(acme, acme_admin, "Northwind Traders Europe", {"S1": 5}, 5)
    twin.domain = "northwind.example"
    twin.save()

    page = upload(csv_of([["northwind.example", "S1", "5"]])).content.decode()

    assert "Ambiguous: 2 of your customers have the domain northwind.example" in page
    assert "Northwind Traders Europe" in page
    assert not BilledSeats.objects.exists()


def test_a_customer_not_yet_complete_is_not_billed(upload, acme, acme_admin):
    make_company(acme, "Litware Inc", domain="litware.example", status=Company.Status.IN_PROGRESS)

    page = upload(csv_of([["litware.example", "S1", "5"]])).content.decode()

    assert "Litware Inc is a customer (In Progress): billed seats are kept" in page
    assert not BilledSeats.objects.exists()


def test_every_problem_of_a_row_is_told_at_once(upload):
    page = upload(csv_of([["nobody.example", "S9", "lots"]])).content.decode()

    assert "3 problems found in the file; nothing was recorded." in page
    for column in HEADER:
        assert f'<td class="num">2</td><td>{column}</td>' in page


def test_the_problems_listed_are_bounded_and_all_counted(upload):
    rows = [[f"nobody{i}.example", "S1", "5"] for i in range(150)]

    page = upload(csv_of(rows)).content.decode()

    assert "150 problems found in the file; nothing was recorded." in page
    assert "The first 100 of 150 are listed." in page
    assert page.count("None of your customers has") == 100


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["Company Name or Domain", "Product"], "Missing columns: “Billed Seats”."),
        (HEADER + ["Notes"], "Unknown columns: “Notes”."),
    ],
)
def test_a_file_without_the_templates_columns_is_refused(upload, header, message):
    page = upload(csv_of([["northwind.example", "S1", "5", "x"][: len(header)]], header))

    assert message in page.content.decode()
    assert not BilledSeats.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_opened(upload, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open the file")

    monkeypatch.setattr("openpyxl.load_workbook", never)

    page = upload(shared_strings_bomb(unpacked_mb=40), name="bomb.xlsx").content.decode()

    assert "This XLSX file" in page
    assert not BilledSeats.objects.exists()


def test_an_xlsx_file_that_unpacks_beyond_the_uploads_limit_is_refused(upload, monkeypatch):
    monkeypatch.setattr("portal.customers.billed_upload.MAX_UNPACKED_BYTES", 2_000)

    page = upload(xlsx_of([GOOD]), name="billed.xlsx").content.decode()

    assert "This XLSX file unpacks to" in page and "at most 2 KB are read" in page
    assert not BilledSeats.objects.exists()


def test_a_file_over_5_mb_is_refused(upload):
    content = csv_of([GOOD]) + b"\n" * (5 * 1024 * 1024)

    page = upload(content).content.decode()

    assert "The file is larger than 5 MB." in page
    assert not BilledSeats.objects.exists()


def test_a_file_over_the_row_limit_is_refused(upload, monkeypatch):
    monkeypatch.setattr("portal.customers.billed_upload.MAX_ROWS", 2)

    page = upload(csv_of([GOOD] * 3)).content.decode()

    assert "The file has more than 2 rows: split it." in page
    assert not BilledSeats.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("billed.txt", b"x", "Upload a .csv or .xlsx file"),
        ("billed.csv", b"", "The file is empty."),
        ("billed.csv", csv_of([]), "no rows under it"),
        ("billed.xlsx", b"not a zip", "This is not an XLSX file that can be read."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(upload, name, content, message):
    page = upload(content, name=name).content.decode()

    assert message in page
    assert not BilledSeats.objects.exists()


def test_no_file_is_asked_for(client, acme_admin):
    client.force_login(acme_admin)

    page = client.post(URL, {}).content.decode()

    assert "Choose one file to upload." in page


def test_the_page_says_its_limits_and_the_products_billed_in_seats(client, acme_admin, catalog):
    client.force_login(acme_admin)

    page = client.get(URL).content.decode()

    assert "<h1>Upload Billed Seats</h1>" in page
    assert "At most 5 MB and 20,000 rows" in page
    assert "<strong>S1</strong>" in page and "<strong>A3</strong>" in page
    assert "<strong>OB1</strong>" not in page  # a one-time charge is not billed in seats
    assert reverse("customers:billed_template") in page


def test_the_template_is_a_csv_of_the_uploads_columns(client, acme_admin):
    client.force_login(acme_admin)

    response = client.get(reverse("customers:billed_template"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="billed-seats-template.csv"' in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").splitlines() == [",".join(HEADER)]


def test_another_msps_user_uploading_acmes_customers_records_nothing(client, outsider, northwind):
    client.force_login(outsider)

    response = client.post(URL, {"file": SimpleUploadedFile("b.csv", csv_of([GOOD]))}, follow=True)

    page = response.content.decode()
    assert "None of your customers has the domain or name “northwind.example”." in page
    assert "Northwind Traders" not in page
    assert not BilledSeats.objects.exists()
