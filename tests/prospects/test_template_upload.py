"""The template's example row shows how a row is filled in: it is never imported as data."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.companies.models import Company
from portal.prospects.models import ProspectImport


@pytest.fixture
def template(client, upload):
    """The template as downloaded by the uploader (``upload`` logs them in)."""

    def download(kind: str) -> bytes:
        response = client.get(reverse(f"prospects:template_{kind}"))
        assert response.status_code == 200
        return response.content

    return download


def with_rows(template_csv: bytes, *rows: dict) -> bytes:
    """The CSV template, its example row kept, with ``rows`` added under it."""
    lines = list(csv.reader(io.StringIO(template_csv.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(lines)
    for values in rows:
        writer.writerow([values.get(header, "") for header in lines[0]])
    return out.getvalue().encode()


OWN = {
    "Company Name": "Contoso Pharmaceuticals Ltd",
    "Domain": "contoso.example",
    "Sector": "Healthcare",
    "Implementation Lead E-mail": "admin@acme.test",
    "Permitted Users": "40",
}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_uploaded_unchanged_imports_nothing_and_says_why(upload, template, kind):
    response = upload(template(kind), name=f"prospects-template.{kind}")

    html = response.content.decode()
    upload_done = ProspectImport.objects.get()
    assert upload_done.status == ProspectImport.Status.INVALID
    assert upload_done.message == (
        "The file holds only the template's example row (row 2), which is never imported: "
        "fill in your own prospects, one per row, in its place and upload the file again."
    )
    assert "example row (row 2), which is never imported" in html
    assert "created" not in html
    assert not Company.objects.exists()


def test_the_example_row_left_above_own_rows_is_skipped_and_said(upload, template):
    html = upload(with_rows(template("csv"), OWN)).content.decode()

    assert [company.name for company in Company.objects.all()] == ["Contoso Pharmaceuticals Ltd"]
    assert ProspectImport.objects.get().message == (
        "1 prospect created, 0 updated. "
        "The template's example row (row 2) was skipped: it is never imported."
    )
    assert "example row (row 2) was skipped" in html


def test_the_example_is_known_however_its_name_and_domain_are_typed(upload, template):
    content = with_rows(
        template("csv"), {**OWN, "Company Name": "northwind   traders LIMITED"}
    ).replace(b"northwind-traders.example", b"Northwind-Traders.Example")
    content = content.replace(b"Northwind Traders Limited", b"NORTHWIND TRADERS LIMITED", 1)

    upload(content)

    assert ProspectImport.objects.get().message.endswith(
        "(row 2) was skipped: it is never imported."
    )
    assert Company.objects.get().name == "northwind traders LIMITED"


def test_the_examples_domain_under_another_name_is_refused(upload, template):
    content = with_rows(template("csv"), {**OWN, "Domain": "northwind-traders.example"})

    upload(content)

    stored = ProspectImport.objects.get()
    assert [tuple(error) for error in stored.errors] == [
        (
            3,
            "Domain",
            "This is the template's example domain: enter the e-mail domain of your own prospect.",
        )
    ]
    assert stored.message.endswith(
        "The template's example row (row 2) was skipped: it is never imported."
    )
    assert not Company.objects.exists()


def test_a_row_with_an_id_is_never_taken_for_the_example(upload, acme):
    saved = Company.objects.create(
        partner=acme,
        name="Northwind Traders Limited",
        domain="northwind-traders.example",
        sector="retail",
        permitted_users=5,
    )
    content = (
        "ID,Company Name,Domain,Sector,Implementation Lead E-mail,Permitted Users\n"
        f"{saved.pk},Northwind Traders Limited,northwind-traders.example,Retail,admin@acme.test,9\n"
    ).encode()

    upload(content)

    saved.refresh_from_db()
    assert ProspectImport.objects.get().message == "0 prospects created, 1 updated."
    assert saved.permitted_users == 9


def test_a_header_without_rows_says_there_is_nothing_to_import(upload, template):
    header_only = template("csv").decode("utf-8-sig").splitlines()[0].encode()

    html = upload(header_only).content.decode()

    assert "The file has a header row but no prospects under it" in html
    assert not Company.objects.exists()


def test_the_xlsx_examples_row_looks_like_an_example_and_carries_a_note(template):
    sheet = load_workbook(io.BytesIO(template("xlsx"))).worksheets[0]

    example = sheet[2]
    assert all(cell.font.italic for cell in example)
    assert all(cell.font.i and cell.font.color.rgb.endswith("6B6B6B") for cell in example)
    assert sheet["C2"].value == "Northwind Traders Limited"
    assert sheet["C2"].comment.text.startswith("Example row: it shows how a row is filled in")
    assert all(not cell.font.italic for cell in sheet[1])
