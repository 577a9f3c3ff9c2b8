import datetime

import openpyxl
from django.urls import reverse

from portal.companies.models import Company
from portal.core.history import history_for
from portal.prospects.models import ProspectImport
from tests.fixtures.factories import make_company

from .upload_helpers import HEADER, csv_bytes, row


def test_valid_csv_imports_every_row_with_products_and_history(upload, acme, acme_admin):
    later = (datetime.date.today() + datetime.timedelta(days=9)).isoformat()
    content = csv_bytes(
        [
            row(),
            row(
                "Fabrikam Logistics",
                "fabrikam.example",
                **{
                    "Product A1 Seats": "20",
                    "Expected Provision Date": later,
                    "Website": "fabrikam.example",
                },
            ),
        ]
    )

    response = upload(content)

    assert "2 prospects created, 0 updated." in response.content.decode()
    fabrikam = Company.objects.get(partner=acme, name="Fabrikam Logistics")
    assert fabrikam.website == "https://fabrikam.example"
    assert fabrikam.lead_name == str(acme_admin)
    assert {(p.product.code, p.seats) for p in fabrikam.products.all()} == {
        ("S1", None),
        ("A1", 20),
    }
    [entry] = history_for(fabrikam)
    assert entry.summary == "Prospect created by upload of prospects.csv"
    assert entry.actor == acme_admin


def test_csv_as_excel_writes_it_windows_1252_with_semicolons(upload, acme):
    content = csv_bytes([row("Café Zürich AG", "cafe.example")], delimiter=";", encoding="cp1252")

    assert "1 prospect created" in upload(content).content.decode()
    assert Company.objects.filter(name="Café Zürich AG").exists()


def test_csv_with_a_byte_order_mark_and_loose_headers(upload):
    header = [h.upper().replace(" ", "_") for h in HEADER]
    content = "\ufeff".encode() + csv_bytes([row()], header=header)

    assert "1 prospect created" in upload(content).content.decode()


def test_xlsx_first_sheet_is_imported(upload, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    values = row()
    values[HEADER.index("Permitted Users")] = 250  # numbers arrive as numbers
    values[HEADER.index("Expected Provision Date")] = datetime.datetime(2099, 1, 1)
    sheet.append(values)
    workbook.create_sheet("Notes").append(["ignored"])
    path = tmp_path / "p.xlsx"
    workbook.save(path)

    response = upload(path.read_bytes(), name="p.xlsx")

    assert "1 prospect created" in response.content.decode()
    company = Company.objects.get(name="Northwind Traders")
    assert (company.permitted_users, company.expected_provision_date) == (
        250,
        datetime.date(2099, 1, 1),
    )


def test_id_column_updates_that_prospect_instead_of_creating_one(upload, acme, acme_admin):
    existing = make_company(
        acme, "Northwind Traders", domain="northwind.example", permitted_users=100
    )
    header = ["ID", *HEADER]
    content = csv_bytes([[existing.pk, *row(**{"Permitted Users": "300"})]], header=header)

    response = upload(content)

    assert "0 prospects created, 1 updated." in response.content.decode()
    existing.refresh_from_db()
    assert existing.permitted_users == 300
    assert Company.objects.filter(partner=acme).count() == 1
    [entry] = history_for(existing)
    assert entry.changes["Permitted users"] == [100, 300]


def test_same_file_twice_imports_once_and_says_when(upload, acme):
    content = csv_bytes([row()])
    upload(content)

    again = upload(content).content.decode()

    assert "This file was uploaded before." in again
    assert "see the result" in again
    assert Company.objects.filter(partner=acme).count() == 1
    assert ProspectImport.objects.count() == 1


def test_a_file_with_errors_can_be_fixed_and_uploaded_again(upload, acme):
    bad = csv_bytes([row(domain="bad_domain")])
    upload(bad)
    again = upload(bad).content.decode()  # the same bad file is checked again, not refused

    fixed = upload(csv_bytes([row()])).content.decode()

    assert "1 problem found" in again
    assert "1 prospect created" in fixed


def test_large_file_is_imported_by_the_worker_with_progress(
    client, upload, acme, run_worker, monkeypatch
):
    monkeypatch.setattr("portal.prospects.import_services.INLINE_BYTES", 100)
    content = csv_bytes([row(f"Company {i:04}", f"c{i}.example") for i in range(1200)])

    response = upload(content)

    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and "Waiting for a worker" in html
    assert not Company.objects.filter(partner=acme).exists()
    run_worker()
    upload_id = ProspectImport.objects.get().pk
    fragment = client.get(
        reverse("prospects:upload_result", args=[upload_id]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "1200 prospects created" in fragment
    assert "hx-trigger" not in fragment  # finished: the page stops asking
    assert Company.objects.filter(partner=acme).count() == 1200


def test_export_then_upload_updates_without_duplicating(client, upload, acme, acme_admin, catalog):
    make_company(
        acme,
        "-2+3 Holdings",
        domain="minus.example",
        permitted_users=40,
        implementation_lead=acme_admin,
        sector="legal",
        lead_name=str(acme_admin),
    )
    make_company(
        acme,
        "Plain Name Ltd",
        domain="plain.example",
        permitted_users=10,
        implementation_lead=acme_admin,
        sector="retail",
        lead_name=str(acme_admin),
    )
    exported = b"".join(client.get(reverse("prospects:export_csv")).streaming_content)
    edited = exported.replace(b",40,", b",45,")

    response = upload(edited, name="export.csv")

    assert "0 prospects created, 2 updated." in response.content.decode()
    assert sorted(Company.objects.filter(partner=acme).values_list("name", "permitted_users")) == [
        ("-2+3 Holdings", 45),
        ("Plain Name Ltd", 10),
    ]
