"""The seed's upload path (issue 16, item 6): the template filled in a spreadsheet and saved as
CSV, with dates and numbers in the user's regional format. What reads one way is imported as
meant; a file that reads two ways is asked about on the upload page, and the answer is kept."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.accounts.models import DateOrder, DecimalMark
from portal.companies.models import Company
from portal.prospects.models import ProspectImport

from .upload_helpers import HEADER, csv_bytes, row


def post(client, content: bytes, name="prospects.csv", **answers):
    data = {"file": SimpleUploadedFile(name, content), **answers}
    return client.post(reverse("prospects:upload"), data, follow=True)


def two_rows(first_date: str, second_date: str, users="250") -> bytes:
    return csv_bytes(
        [
            row(**{"Expected Provision Date": first_date, "Permitted Users": users}),
            row(
                "Fabrikam Logistics", "fabrikam.example", **{"Expected Provision Date": second_date}
            ),
        ]
    )


def test_a_file_whose_dates_read_two_ways_is_asked_about_and_nothing_is_imported(
    client, acme_admin, catalog
):
    client.force_login(acme_admin)

    response = post(client, two_rows("03/04/2099", "05/06/2099"))

    page = response.content.decode()
    assert response.redirect_chain == []  # still the upload page, asking
    assert (
        "Dates like 03/04/2099 (row 2, Expected Provision Date) can be read day/month or "
        "month/day" in page
    )
    assert "Choose one: the file you uploaded can be read either way." in page
    assert not Company.objects.filter(name="Fabrikam Logistics").exists()
    upload = ProspectImport.objects.get()
    assert upload.status == ProspectImport.Status.INVALID and upload.asks == "date_order"


def test_the_answer_imports_the_dates_as_meant_and_is_remembered(client, acme_admin, catalog):
    client.force_login(acme_admin)

    response = post(client, two_rows("03/04/2099", "05/06/2099"), date_order="dmy")

    assert "2 prospects created" in response.content.decode()
    assert Company.objects.get(name="Northwind Traders").expected_provision_date == (
        datetime.date(2099, 4, 3)
    )
    acme_admin.refresh_from_db()
    assert acme_admin.upload_date_order == DateOrder.DAY_FIRST
    offered = client.get(reverse("prospects:upload")).context["regional"]
    assert offered["date_order"].value() == "dmy"
    assert offered["decimal_mark"].value() == ""


def test_a_day_after_the_twelfth_settles_the_file_without_asking(client, acme_admin, catalog):
    client.force_login(acme_admin)

    response = post(client, two_rows("03/04/2099", "25/12/2099"))

    assert "2 prospects created" in response.content.decode()
    assert Company.objects.get(name="Northwind Traders").expected_provision_date == (
        datetime.date(2099, 4, 3)
    )


def test_a_conflicting_date_is_an_error_of_its_row_and_cell(client, acme_admin, catalog):
    client.force_login(acme_admin)

    response = post(client, two_rows("25/03/2099", "03/25/2099"))

    upload = ProspectImport.objects.get()
    assert upload.status == ProspectImport.Status.INVALID
    assert upload.errors == [
        [
            3,
            "Expected Provision Date",
            "03/25/2099 is not a date written day/month, as this file writes its dates "
            "(row 2, Expected Provision Date: 25/03/2099).",
        ]
    ]
    assert "03/25/2099 is not a date written day/month" in response.content.decode()
    assert not Company.objects.filter(name="Northwind Traders").exists()


def test_seats_with_a_thousands_separator_take_the_remembered_decimal_mark(
    client, acme_admin, catalog
):
    acme_admin.upload_decimal_mark = DecimalMark.POINT
    acme_admin.save()
    client.force_login(acme_admin)

    response = post(
        client,
        csv_bytes([row(**{"Permitted Users": "1,250", "Product A1 Seats": "1 000"})]),
        decimal_mark=".",
    )

    assert "1 prospect created" in response.content.decode()
    northwind = Company.objects.get(name="Northwind Traders")
    assert northwind.permitted_users == 1250
    assert northwind.products.get(product__code="A1").seats == 1000


def test_seats_that_read_two_ways_are_asked_about(client, acme_admin, catalog):
    client.force_login(acme_admin)

    response = post(client, csv_bytes([row(**{"Permitted Users": "1.250"})]))

    assert "can be read with a decimal point or a decimal comma" in response.content.decode()
    assert ProspectImport.objects.get().asks == "decimal_mark"
    assert not Company.objects.filter(name="Northwind Traders").exists()


def test_iso_dates_need_no_answer(client, acme_admin, catalog):
    client.force_login(acme_admin)

    response = post(client, two_rows("2099-04-03", "2099-06-05"))

    assert "2 prospects created" in response.content.decode()


def test_xlsx_date_and_number_cells_are_taken_as_they_are(client, acme_admin, catalog):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    values = row()
    values[HEADER.index("Expected Provision Date")] = datetime.datetime(2099, 4, 3)
    values[HEADER.index("Permitted Users")] = 1250
    sheet.append(values)
    content = io.BytesIO()
    workbook.save(content)
    client.force_login(acme_admin)

    response = post(client, content.getvalue(), name="prospects.xlsx")

    assert "1 prospect created" in response.content.decode()
    northwind = Company.objects.get(name="Northwind Traders")
    assert northwind.expected_provision_date == datetime.date(2099, 4, 3)
    assert northwind.permitted_users == 1250


def test_a_queued_file_that_reads_two_ways_says_so_on_its_result_page(
    client, acme_admin, catalog, settings
):
    from portal.prospects.import_services import import_start
    from portal.prospects.importing import import_run

    upload = import_start(
        partner=acme_admin.partner,
        actor=acme_admin,
        filename="big.csv",
        content=two_rows("03/04/2099", "05/06/2099"),
    )
    import_run(import_id=upload.pk)
    client.force_login(acme_admin)

    page = client.get(reverse("prospects:upload_result", args=[upload.pk])).content.decode()

    assert "can be read day/month or month/day" in page
    assert "Answer on the upload page" in page
    assert f"?answer={upload.pk}" in page


def test_the_answer_imports_the_kept_file_without_choosing_it_again(client, acme_admin, catalog):
    client.force_login(acme_admin)
    post(client, two_rows("03/04/2099", "05/06/2099"))
    asked = ProspectImport.objects.get()
    assert bytes(asked.content)  # kept for the answer

    response = client.post(
        reverse("prospects:upload"), {"asked": asked.pk, "date_order": "mdy"}, follow=True
    )

    assert "2 prospects created" in response.content.decode()
    assert Company.objects.get(name="Northwind Traders").expected_provision_date == (
        datetime.date(2099, 3, 4)
    )
    asked.refresh_from_db()
    assert (bytes(asked.content), asked.asks) == (b"", "")  # given up: answered once
    again = client.post(reverse("prospects:upload"), {"asked": asked.pk, "date_order": "mdy"})
    assert "That file is no longer kept" in again.content.decode()


def test_another_msps_asked_import_is_not_found(client, acme_admin, outsider, catalog):
    client.force_login(acme_admin)
    post(client, two_rows("03/04/2099", "05/06/2099"))
    asked = ProspectImport.objects.get()
    client.force_login(outsider)

    answered = client.post(reverse("prospects:upload"), {"asked": asked.pk, "date_order": "dmy"})
    opened = client.get(reverse("prospects:upload"), {"answer": asked.pk})

    assert (answered.status_code, opened.status_code) == (404, 404)
    assert not Company.objects.filter(name="Northwind Traders").exists()


def test_the_result_pages_link_opens_the_question_for_the_kept_file(client, acme_admin, catalog):
    from portal.prospects.import_services import import_start
    from portal.prospects.importing import import_run

    upload = import_start(
        partner=acme_admin.partner,
        actor=acme_admin,
        filename="big.csv",
        content=two_rows("03/04/2099", "05/06/2099"),
    )
    import_run(import_id=upload.pk)
    client.force_login(acme_admin)

    page = client.get(reverse("prospects:upload"), {"answer": upload.pk}).content.decode()

    assert f'<input type="hidden" name="asked" value="{upload.pk}">' in page
    assert "big.csv is imported again with your answers" in page


def test_a_kept_file_nobody_answers_is_given_up_after_a_day(client, acme_admin, catalog):
    from django.utils import timezone

    from portal.prospects.import_services import imports_expire

    client.force_login(acme_admin)
    post(client, two_rows("03/04/2099", "05/06/2099"))
    ProspectImport.objects.update(finished_at=timezone.now() - datetime.timedelta(days=2))

    imports_expire()

    asked = ProspectImport.objects.get()
    assert (bytes(asked.content), asked.asks) == (b"", "")
