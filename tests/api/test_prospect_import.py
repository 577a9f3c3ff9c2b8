"""Upload Prospects over the API: the screen's checks, its import service and its row errors."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from portal.companies.models import Company
from portal.prospects.import_services import import_run
from portal.prospects.models import ProspectImport
from tests.prospects.hostile_files import dimension_bomb, shared_strings_bomb, zip_of
from tests.prospects.upload_helpers import HEADER, csv_bytes, row

IMPORT = "/api/v1/prospects/import/"


def imported(api, content: bytes | None, name="prospects.csv", **extra):
    data = {} if content is None else {"file": SimpleUploadedFile(name, content)}
    return api.post(IMPORT, data, format="multipart", **extra)


def import_url(pk: int) -> str:
    return f"/api/v1/prospects/imports/{pk}/"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    return error


GOOD = csv_bytes([row(), row("Fabrikam Inc", "fabrikam.example", **{"Product A1 Seats": "20"})])


# --- who may call ---------------------------------------------------------------------------


def test_a_caller_without_a_token_can_neither_upload_nor_read_an_import(anonymous_api, catalog):
    assert error_of(imported(anonymous_api, GOOD), 401)["code"] == "not_authenticated"
    assert error_of(anonymous_api.get(import_url(1)), 401)["code"] == "not_authenticated"
    assert not ProspectImport.objects.exists()


@pytest.mark.parametrize("persona", ["admin_api", "sales_api"])
def test_admins_and_sales_users_both_upload_prospects_as_on_the_screen(
    request, persona, acme, acme_admin, catalog
):
    api = request.getfixturevalue(persona)

    response = imported(api, GOOD)

    assert response.status_code == 201
    assert response.json()["status"] == "done"
    assert Company.objects.filter(partner=acme).count() == 2


def test_another_msps_import_is_not_found(admin_api, outsider_api, catalog):
    pk = imported(admin_api, GOOD).json()["id"]

    assert error_of(outsider_api.get(import_url(pk)), 404)["code"] == "not_found"


def test_another_msp_may_upload_the_same_file_for_itself(admin_api, outsider_api, catalog):
    imported(admin_api, GOOD)

    response = imported(outsider_api, GOOD)

    assert response.status_code == 201  # the file is the outsider's own: no "uploaded before"
    assert ProspectImport.objects.count() == 2


# --- a small file: imported before the answer -------------------------------------------------


def test_a_good_csv_imports_its_rows_and_answers_the_result(admin_api, acme, acme_admin, catalog):
    response = imported(admin_api, GOOD)

    assert response.status_code == 201
    answer = response.json()
    upload = ProspectImport.objects.get()
    assert response["Location"] == import_url(upload.pk)
    assert answer["url"].endswith(import_url(upload.pk))
    assert answer["status"] == "done" and answer["finished"] and answer["percent"] == 100
    assert (answer["total_rows"], answer["created_count"], answer["updated_count"]) == (2, 2, 0)
    assert answer["message"] == "2 prospects created, 0 updated."
    assert answer["errors"] == [] and answer["error_count"] == 0
    assert answer["uploaded_by"] == acme_admin.pk
    fabrikam = Company.objects.get(partner=acme, name="Fabrikam Inc")
    assert fabrikam.status == Company.Status.PROSPECT
    assert {(p.product.code, p.seats) for p in fabrikam.products.all()} == {
        ("S1", None),
        ("A1", 20),
    }


def test_a_csv_with_a_bad_row_lists_its_row_errors_and_imports_nothing(admin_api, catalog):
    content = csv_bytes([row("Good Company Ltd", "good.example"), row(domain="bad_x.example")])

    response = imported(admin_api, content)

    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "invalid"
    assert answer["message"] == "1 problem found; nothing was imported."
    [problem] = answer["errors"]
    assert (problem["row"], problem["column"]) == (3, "Domain")
    assert "Use only letters" in problem["problem"]
    assert answer["error_count"] == 1
    assert not Company.objects.exists()
    # The same list the screen shows, and its CSV download, hold.
    [stored] = ProspectImport.objects.get(pk=answer["id"]).errors
    assert stored == [problem["row"], problem["column"], problem["problem"]]


def test_reading_an_import_tells_its_status_counts_and_row_errors(sales_api, acme_admin, catalog):
    content = csv_bytes([row("Good Company Ltd", "good.example"), row(Sector="Mining")])
    pk = imported(sales_api, content).json()["id"]

    answer = sales_api.get(import_url(pk)).json()

    assert (answer["id"], answer["status"], answer["finished"]) == (pk, "invalid", True)
    assert (answer["total_rows"], answer["checked_rows"], answer["error_count"]) == (2, 2, 1)
    [problem] = answer["errors"]
    assert (problem["row"], problem["column"]) == (3, "Sector")
    assert problem["problem"].startswith("Choose one of:")
    assert answer["created_count"] == 0


def test_a_file_the_import_cannot_read_ends_invalid_with_the_screens_message(admin_api, catalog):
    content = csv_bytes([row()], header=[*HEADER[:-1], "Colour"])

    answer = imported(admin_api, content).json()

    assert answer["status"] == "invalid"
    assert "Unknown columns: “Colour”" in answer["message"]
    assert not Company.objects.exists()


# --- refusals of the upload itself ------------------------------------------------------------


def test_the_same_file_twice_is_refused_with_the_first_imports_id(admin_api, acme, catalog):
    first = imported(admin_api, GOOD).json()

    response = imported(admin_api, GOOD, name="renamed.csv")

    error = error_of(response, 409)
    assert (error["code"], error["message"]) == (
        "already_imported",
        "This file was uploaded before.",
    )
    assert error["import_id"] == first["id"]
    assert error["import_url"].endswith(import_url(first["id"]))
    assert response["Location"] == import_url(first["id"])
    assert Company.objects.filter(partner=acme).count() == 2
    assert ProspectImport.objects.count() == 1


def test_a_file_with_errors_may_be_uploaded_again_once_fixed(admin_api, catalog):
    bad = csv_bytes([row(domain="bad_domain")])
    imported(admin_api, bad)

    again = imported(admin_api, bad)  # checked again, not refused: nothing was imported
    fixed = imported(admin_api, csv_bytes([row()]))

    assert (again.status_code, again.json()["status"]) == (201, "invalid")
    assert (fixed.status_code, fixed.json()["status"]) == (201, "done")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("prospects.xls", "Upload a .csv or .xlsx file (an .xls file: save it as .xlsx first)."),
        ("prospects.txt", "Upload a .csv or .xlsx file (an .xls file: save it as .xlsx first)."),
    ],
)
def test_a_file_of_another_type_is_refused_next_to_the_file_field(
    admin_api, catalog, name, message
):
    error = error_of(imported(admin_api, GOOD, name=name), 400)

    assert error["fields"] == {"file": [message]}
    assert error["message"] == f"file: {message}"
    assert not ProspectImport.objects.exists()


def test_no_file_and_two_files_are_refused_with_the_screens_messages(admin_api, catalog):
    none = imported(admin_api, None)
    two = admin_api.post(
        IMPORT,
        {"file": [SimpleUploadedFile(n, GOOD) for n in ("a.csv", "b.csv")]},
        format="multipart",
    )

    assert error_of(none, 400)["fields"] == {"file": ["Choose one file to upload."]}
    assert error_of(two, 400)["fields"] == {"file": ["Upload one file at a time."]}
    assert not ProspectImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(admin_api, catalog, monkeypatch):
    monkeypatch.setattr("portal.prospects.imports.MAX_BYTES", 50)

    error = error_of(imported(admin_api, GOOD), 400)

    assert error["fields"]["file"][0].startswith("The file is larger than")
    assert not ProspectImport.objects.exists()


def test_a_json_body_is_refused_as_an_unsupported_media_type(admin_api, catalog):
    response = admin_api.post(IMPORT, {"file": "a.csv"}, format="json")

    assert error_of(response, 415)["code"] == "unsupported_media_type"


# --- Idempotency-Key --------------------------------------------------------------------------


def test_a_retry_with_the_same_idempotency_key_replays_the_first_answer(admin_api, acme, catalog):
    first = imported(admin_api, GOOD, HTTP_IDEMPOTENCY_KEY="upload-1")
    again = imported(admin_api, GOOD, HTTP_IDEMPOTENCY_KEY="upload-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert ProspectImport.objects.count() == 1
    assert Company.objects.filter(partner=acme).count() == 2


def test_the_same_idempotency_key_with_another_file_is_refused(admin_api, catalog):
    imported(admin_api, GOOD, HTTP_IDEMPOTENCY_KEY="upload-1")

    other = imported(admin_api, csv_bytes([row()]), HTTP_IDEMPOTENCY_KEY="upload-1")

    assert error_of(other, 422)["code"] == "idempotency_key_reused"
    assert ProspectImport.objects.count() == 1


# --- a large file: the worker -----------------------------------------------------------------


def test_a_large_file_is_accepted_and_imported_by_the_worker(
    admin_api, acme, catalog, run_worker, monkeypatch
):
    monkeypatch.setattr("portal.prospects.import_services.INLINE_BYTES", 100)
    content = csv_bytes([row(f"Company {i:04}", f"c{i}.example") for i in range(30)])

    response = imported(admin_api, content)

    assert response.status_code == 202
    answer = response.json()
    assert (answer["status"], answer["finished"], answer["percent"]) == ("pending", False, 0)
    assert response["Location"] == import_url(answer["id"])
    assert not Company.objects.filter(partner=acme).exists()
    run_worker()
    done = admin_api.get(import_url(answer["id"])).json()
    assert (done["status"], done["created_count"], done["percent"]) == ("done", 30, 100)
    assert Company.objects.filter(partner=acme).count() == 30


# --- hostile files: the screen's answers, as quickly --------------------------------------------


def test_a_shared_strings_bomb_is_refused_with_the_screens_message(
    admin_api, client, acme_admin, catalog
):
    content = shared_strings_bomb(unpacked_mb=100)

    error = error_of(imported(admin_api, content, name="bomb.xlsx"), 400)

    [message] = error["fields"]["file"]
    assert message.startswith("This XLSX file is packed unusually tightly")
    client.force_login(acme_admin)
    screen = client.post(
        reverse("prospects:upload"), {"file": SimpleUploadedFile("bomb.xlsx", content)}
    )
    assert escape(message) in screen.content.decode()
    assert not ProspectImport.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused_next_to_the_file_field(admin_api, catalog):
    content = zip_of({"notes.txt": "hello"})

    error = error_of(imported(admin_api, content, name="notes.xlsx"), 400)

    assert error["fields"]["file"][0].startswith(
        "This file is a zip archive but not an XLSX workbook"
    )


def test_a_dimension_bomb_is_imported_within_seconds(admin_api, acme, catalog):
    started = time.monotonic()

    response = imported(admin_api, dimension_bomb(), name="bomb.xlsx")

    assert time.monotonic() - started < 10
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["created_count"]) == ("done", 1)


def test_a_nul_byte_and_a_huge_cell_are_row_errors_with_row_and_column(admin_api, catalog):
    content = csv_bytes([row(**{"Company Name": "North\x00wind", "Website": "x" * 200_000})])
    assert len(content) > 100_000  # to the worker, as any file over the inline limit

    response = imported(admin_api, content)
    assert response.status_code == 202
    import_run(import_id=response.json()["id"])  # what the worker does
    answer = admin_api.get(import_url(response.json()["id"])).json()

    assert answer["status"] == "invalid"
    assert [(e["row"], e["column"]) for e in answer["errors"]] == [
        (2, "Company Name"),
        (2, "Website"),
    ]
    assert "NUL character" in answer["errors"][0]["problem"]
    assert "200,000 characters" in answer["errors"][1]["problem"]


def test_reading_an_import_whose_worker_died_tells_it_failed(admin_api, catalog):
    content = csv_bytes([row(f"Company {i:04}", f"c{i}.example") for i in range(1200)])
    pk = imported(admin_api, content).json()["id"]
    ProspectImport.objects.filter(pk=pk).update(
        status="checking", deadline=timezone.now() - datetime.timedelta(minutes=2)
    )

    answer = admin_api.get(import_url(pk)).json()

    assert (answer["status"], answer["finished"]) == ("failed", True)
    assert answer["message"].startswith("Stopped without finishing")


def test_every_problem_of_every_row_is_in_one_answer_by_row_then_column(admin_api, globex, catalog):
    from tests.fixtures.factories import make_company

    make_company(globex, "Hooli", domain="hooli.example")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    content = csv_bytes(
        [
            row(
                "Hooli Holdings Ltd",
                "hooli.example",
                Sector="Mining",
                **{
                    "Expected Provision Date": yesterday,
                    "Permitted Users": "10",
                    "Product A1 Seats": "12",
                },
            ),
            row("Fabrikam Inc", "hooli.example", **{"Permitted Users": "lots"}),
        ]
    )

    answer = imported(admin_api, content).json()

    assert answer["status"] == "invalid"
    assert [(error["row"], error["column"]) for error in answer["errors"]] == [
        (2, "Domain"),
        (2, "Sector"),
        (2, "Expected Provision Date"),
        (2, "Product A1 Seats"),
        (3, "Domain"),
        (3, "Permitted Users"),
    ]
    assert answer["errors"][0]["problem"].startswith("Channel conflict")
    assert "Globex" not in str(answer)
    assert answer["errors"][3]["problem"] == "At most the 10 permitted users."
    assert answer["error_count"] == 6
    assert answer["message"] == "6 problems found; nothing was imported."
    assert not Company.objects.filter(name__in=["Hooli Holdings Ltd", "Fabrikam Inc"]).exists()


def test_the_template_uploaded_unchanged_imports_nothing_and_says_why(
    client, admin_api, acme_admin, catalog
):
    client.force_login(acme_admin)
    template = client.get(reverse("prospects:template_csv")).content

    answer = imported(admin_api, template, name="prospects-template.csv").json()

    assert (answer["status"], answer["created_count"], answer["errors"]) == ("invalid", 0, [])
    assert answer["message"].startswith(
        "The file holds only the template's example row (row 2), which is never imported"
    )
    assert not Company.objects.exists()
