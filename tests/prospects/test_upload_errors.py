import datetime

import pytest
from django.urls import reverse

from portal.companies.models import Company
from portal.prospects.models import ProspectImport
from tests.fixtures.factories import make_company

from .upload_helpers import HEADER, csv_bytes, row


def problems(response) -> list:
    upload = ProspectImport.objects.order_by("-id").first()
    assert response.status_code == 200
    return [tuple(error) for error in upload.errors]


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"Domain": "bad_domain.example"}, "Domain", "Use only letters"),
        ({"Company Name": ""}, "Company Name", "Required."),
        ({"Sector": "Mining"}, "Sector", "Choose one of:"),
        ({"Company Type": "Alien"}, "Company Type", "Choose one of:"),
        ({"Permitted Users": "0"}, "Permitted Users", "from 1 to 1,000,000"),
        ({"Permitted Users": "many"}, "Permitted Users", "Enter a whole number."),
        ({"Product S1": "maybe"}, "Product S1", "Enter Yes, or leave it empty."),
        ({"Product A1 Seats": "300"}, "Product A1 Seats", "At most the 250 permitted users."),
        ({"Expected Provision Date": "2020-01-01"}, "Expected Provision Date", "in the past"),
        ({"Expected Provision Date": "1/2/27"}, "Expected Provision Date", "YYYY-MM-DD"),
        (
            {"Implementation Lead E-mail": "sales@acme.test"},
            "Implementation Lead E-mail",
            "not an active user of your MSP with the MSP Implementation Lead option",
        ),
        (
            {"Secondary Implementation Contact E-mail": "admin@acme.test"},
            "Secondary Implementation Contact E-mail",
            "Choose someone other",
        ),
        ({"Website": "http://"}, "Website", "Enter a valid URL."),
    ],
)
def test_each_bad_row_is_told_by_row_column_and_reason_and_nothing_is_imported(
    upload, acme_sales, changes, column, reason
):
    content = csv_bytes([row("Good Company Ltd", "good.example"), row(**changes)])

    [(number, where, message)] = problems(upload(content))

    assert (number, where) == (3, column)
    assert reason in message
    assert not Company.objects.exists()


def test_duplicates_inside_the_file_are_told_with_the_first_row(upload):
    content = csv_bytes(
        [
            row(),
            row("NORTHWIND TRADERS", "other.example"),
            row("Other Name Ltd", "northwind.example"),
        ]
    )

    assert problems(upload(content)) == [
        (3, "Company Name", "The same company name as row 2."),
        (4, "Domain", "The same domain as row 2."),
    ]


def test_existing_names_and_other_msps_domains_are_refused(upload, acme, globex):
    make_company(acme, "Northwind Traders", domain="nw.example")
    make_company(globex, "Hooli", domain="hooli.example")

    found = problems(upload(csv_bytes([row(), row("Hooli Two Ltd", "hooli.example")])))

    assert found[0][:2] == (2, "Company Name") and "already have" in found[0][2]
    assert found[1][:2] == (3, "Domain") and found[1][2].startswith("Channel conflict")
    assert "Globex" not in found[1][2]


def test_id_of_another_msps_prospect_is_not_found(upload, globex):
    theirs = make_company(globex, "Hooli", domain="hooli.example")
    content = csv_bytes([[theirs.pk, *row()]], header=["ID", *HEADER])

    assert problems(upload(content)) == [(2, "ID", f"No prospect of yours has the ID {theirs.pk}.")]
    theirs.refresh_from_db()
    assert theirs.name == "Hooli"


def test_errors_are_listed_on_the_page_and_downloadable(client, upload):
    response = upload(csv_bytes([row(domain="bad_domain.example")]))
    html = response.content.decode()
    upload_id = ProspectImport.objects.get().pk

    errors_csv = client.get(reverse("prospects:upload_errors", args=[upload_id]))

    assert "1 problem found; nothing was imported." in html
    assert "Download the list of problems (CSV)" in html
    lines = errors_csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Problem"
    assert lines[1].startswith("2,Domain,")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.txt", b"x", "Upload a .csv or .xlsx file"),
        ("p.xlsx", b"not a zip", "This is not an XLSX file that can be read."),
        ("p.csv", b"", "The file is empty"),
        ("p.csv", csv_bytes([]), "no prospects under it"),
        ("p.csv", csv_bytes([row()], header=[*HEADER[:-1], "Colour"]), "Unknown columns: “Colour”"),
        (
            "p.csv",
            csv_bytes([row()[:1] + row()[2:]], header=HEADER[:1] + HEADER[2:]),
            "Missing columns: “Company Name”",
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_clear_message(upload, name, content, message):
    html = upload(content, name=name).content.decode()

    assert message in html
    assert not Company.objects.exists()


def test_size_and_row_limits(upload, monkeypatch):
    monkeypatch.setattr("portal.prospects.imports.MAX_BYTES", 50)
    assert "larger than" in upload(csv_bytes([row()])).content.decode()
    monkeypatch.undo()

    monkeypatch.setattr("portal.prospects.imports.MAX_ROWS", 2)
    rows = [row(f"Company {i}", f"c{i}.example") for i in range(3)]
    assert "more than 2 rows" in upload(csv_bytes(rows)).content.decode()


def test_one_file_per_upload(client, upload):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(n, csv_bytes([row()])) for n in ("a.csv", "b.csv")]
    response = client.post(reverse("prospects:upload"), {"file": files})

    assert "Upload one file at a time." in response.content.decode()
    assert "Choose one file" in client.post(reverse("prospects:upload")).content.decode()


def test_another_msps_upload_is_not_found(client, upload, outsider):
    upload(csv_bytes([row()]))
    upload_id = ProspectImport.objects.get().pk
    client.force_login(outsider)

    for name in ("prospects:upload_result", "prospects:upload_errors"):
        assert client.get(reverse(name, args=[upload_id])).status_code == 404


def test_past_provision_date_is_fine_when_updating(upload, acme):
    existing = make_company(acme, "Northwind Traders", domain="northwind.example")
    content = csv_bytes(
        [[existing.pk, *row(**{"Expected Provision Date": "2020-01-01"})]], header=["ID", *HEADER]
    )

    assert "1 updated" in upload(content).content.decode()
    existing.refresh_from_db()
    assert existing.expected_provision_date == datetime.date(2020, 1, 1)


def test_an_existing_name_typed_with_extra_spaces_is_refused_as_taken(upload, acme):
    make_company(acme, "Northwind Traders", domain="nw.example")

    found = problems(upload(csv_bytes([row("Northwind    Traders", "other.example")])))

    assert found[0][:2] == (2, "Company Name") and "already have" in found[0][2]
    assert Company.objects.filter(partner=acme).count() == 1


def past(days=1) -> str:
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


def test_every_problem_of_every_row_is_told_in_one_pass_by_row_then_column(upload, acme, globex):
    """Cell problems and problems against other rows or saved prospects, all at once: fixing
    the listed ones never reveals new ones on the same rows."""
    make_company(acme, "Northwind Traders", domain="nw.example")
    make_company(globex, "Hooli", domain="hooli.example")
    content = csv_bytes(
        [
            row(
                "Northwind Traders",
                "hooli.example",
                Sector="Mining",
                **{
                    "Secondary Implementation Contact E-mail": "admin@acme.test",
                    "Expected Provision Date": past(),
                    "Permitted Users": "10",
                    "Product A1 Seats": "11",
                },
            ),
            row("Fabrikam Inc", "bad_domain.example", **{"Permitted Users": "lots"}),
            row("Other Name Ltd", "other.example", **{"Company Type": "Alien"}),
            row(
                "OTHER NAME LTD",
                "OTHER.example",
                Website="http://",
                **{"Expected Provision Date": "1/2/27", "Product S1": "maybe"},
            ),
        ]
    )

    found = problems(upload(content))

    assert [(number, column) for number, column, _ in found] == [
        (2, "Company Name"),
        (2, "Domain"),
        (2, "Sector"),
        (2, "Secondary Implementation Contact E-mail"),
        (2, "Expected Provision Date"),
        (2, "Product A1 Seats"),
        (3, "Domain"),
        (3, "Permitted Users"),
        (4, "Company Type"),
        (5, "Company Name"),
        (5, "Domain"),
        (5, "Website"),
        (5, "Expected Provision Date"),
        (5, "Product S1"),
    ]
    messages = [message for _, _, message in found]
    assert "already have a company called" in messages[0]
    assert messages[1].startswith("Channel conflict") and "Globex" not in messages[1]
    assert messages[2].startswith("Choose one of:")
    assert messages[3].startswith("Choose someone other")
    assert "in the past" in messages[4]
    assert messages[5] == "At most the 10 permitted users."
    assert "Use only letters" in messages[6]
    assert messages[7] == "Enter a whole number."
    assert messages[9:11] == ["The same company name as row 4.", "The same domain as row 4."]
    assert "YYYY-MM-DD" in messages[12]
    assert not Company.objects.filter(name="Fabrikam Inc").exists()
    assert ProspectImport.objects.get().message == "14 problems found; nothing was imported."


def test_the_problems_are_in_the_same_order_in_the_download(client, upload):
    first = row(domain="bad_domain.example", Sector="Mining")
    upload(csv_bytes([first, row("Contoso Ltd", "contoso.example", Sector="")]))
    upload_id = ProspectImport.objects.get().pk

    lines = client.get(reverse("prospects:upload_errors", args=[upload_id]))
    rows = [line.split(",")[:2] for line in lines.content.decode("utf-8-sig").splitlines()[1:]]

    assert rows == [["2", "Domain"], ["2", "Sector"], ["3", "Sector"]]


def test_a_row_whose_id_and_name_both_fail_is_told_both(upload, acme):
    make_company(acme, "Northwind Traders", domain="nw.example")
    content = csv_bytes([["12abc", *row(**{"Permitted Users": "0"})]], header=["ID", *HEADER])

    assert [column for _, column, _ in problems(upload(content))] == [
        "ID",
        "Company Name",
        "Permitted Users",
    ]


def test_the_listed_problems_are_the_first_by_row_when_there_are_too_many(upload, monkeypatch):
    monkeypatch.setattr("portal.prospects.imports.MAX_LISTED_ERRORS", 3)
    rows = [row(f"Company {i} Ltd", f"c{i}.example", Sector="Mining") for i in range(5)]
    rows[0][2] = "bad_domain.example"  # row 2: a domain problem too, found in the second pass

    upload(csv_bytes(rows))

    stored = ProspectImport.objects.get()
    assert [tuple(error[:2]) for error in stored.errors] == [
        (2, "Domain"),
        (2, "Sector"),
        (3, "Sector"),
    ]
    assert stored.error_count == 6


def test_every_problem_of_the_header_is_told_at_once(upload):
    header = [*HEADER[:1], *HEADER[2:-1], "Colour", "Sector"]

    html = upload(csv_bytes([row()[:1] + row()[2:-1] + ["red", "Retail"]], header=header))

    text = html.content.decode()
    assert "The column “Sector” appears twice." in text
    assert "Unknown columns: “Colour”" in text
    assert "Missing columns: “Company Name”" in text
