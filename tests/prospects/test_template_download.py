import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.companies.models import Company
from portal.prospects.columns import FIXED
from tests.fixtures.factories import make_product, set_prices

HEADERS = [column.header for column in FIXED] + ["Product S1", "Product A1 Seats"]


@pytest.fixture
def enabled(acme):
    """Two products enabled for Acme (one with its own seats), one that is not."""
    s1 = make_product("S1", name="Email Security", position=1)
    a1 = make_product("A1", name="Mac Client", kind="addon", needs_own_seats=True, position=2)
    make_product("X9", name="Not enabled")
    set_prices(acme, s1, [(1, "3.50")])
    set_prices(acme, a1, [(1, "0.90")])


@pytest.fixture
def xlsx(client, acme_admin, acme_sales, enabled):
    client.force_login(acme_sales)
    response = client.get(reverse("prospects:template_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="prospects-template.xlsx"'
    return load_workbook(io.BytesIO(response.content))


def validations_by_column(sheet) -> dict[str, object]:
    return {
        str(validation.sqref).split(":")[0].rstrip("0123456789"): validation
        for validation in sheet.data_validations.dataValidation
    }


def test_xlsx_template_has_the_headers_in_bold_and_an_example_row(xlsx, acme_admin):
    sheet = xlsx.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    example = dict(zip(HEADERS, rows[1], strict=True))
    assert example["ID"] is None
    assert example["Company Type"] == "End customer"
    assert example["Implementation Lead E-mail"] == acme_admin.email
    assert example["Expected Provision Date"].date() == datetime.date(2027, 3, 1)
    assert example["Permitted Users"] == 250
    assert (example["Product S1"], example["Product A1 Seats"]) == ("Yes", 25)
    assert len(rows) == 2


def test_xlsx_template_explains_every_column_on_a_second_sheet(xlsx):
    explained = list(xlsx["How to fill in"].iter_rows(values_only=True))

    assert explained[0] == ("Column", "What to enter")
    assert [row[0] for row in explained[1:]] == HEADERS
    assert (
        explained[-1][1] == "Mac Client: the seats wanted (at most the permitted users), or empty."
    )


def listed(workbook, validation) -> list[str]:
    """The values a list validation offers, read from the range it refers to."""
    sheet_name, cells = validation.formula1.split("!")
    return [row[0].value for row in workbook[sheet_name.strip("'")][cells.replace("$", "")]]


def test_xlsx_template_offers_lists_for_company_type_sector_and_products(xlsx):
    validations = validations_by_column(xlsx.worksheets[0])

    assert xlsx["Lists"].sheet_state == "hidden"
    assert validations["B"].type == validations["F"].type == "list"
    assert listed(xlsx, validations["B"]) == [label for _, label in Company.CompanyType.choices]
    assert listed(xlsx, validations["F"]) == [label for _, label in Company.Sector.choices]
    assert (validations["K"].type, validations["K"].formula1) == ("list", '"Yes"')
    assert (validations["L"].type, validations["L"].formula2) == ("whole", "1000000")
    assert validations["J"].type == "whole"  # Permitted Users
    assert validations["I"].type == "date"
    assert str(validations["B"].sqref) == "B2:B1048576"
    assert "A" not in validations  # ID


def test_csv_template_is_utf8_with_bom_and_has_the_same_headers(client, acme_sales, enabled):
    client.force_login(acme_sales)

    response = client.get(reverse("prospects:template_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="prospects-template.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, example = response.content.decode("utf-8-sig").splitlines()
    assert header.split(",") == HEADERS
    assert example.startswith(",End customer,Northwind Traders Limited,")
    assert example.endswith(",2027-03-01,250,Yes,25")


def test_template_lists_no_products_when_none_are_enabled(client, acme_sales):
    client.force_login(acme_sales)

    response = client.get(reverse("prospects:template_csv"))

    assert response.content.decode("utf-8-sig").splitlines()[0].split(",") == HEADERS[:-2]


@pytest.mark.parametrize("name", ["prospects:template_xlsx", "prospects:template_csv"])
def test_template_is_for_msp_users_only(client, staff, name):
    assert client.get(reverse(name)).url.startswith(reverse("login"))

    client.force_login(staff)
    assert client.get(reverse(name)).status_code == 404
