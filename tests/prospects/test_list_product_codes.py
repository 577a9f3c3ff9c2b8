"""An upload writes each prospect's product codes with its products, as the services do: the
lists' product filter finds uploaded prospects too, created or updated."""

from portal.companies.models import Company
from tests.fixtures.factories import make_company

from .upload_helpers import HEADER, csv_bytes, row


# The test catalog leaves every position at 0: codes come in code order.
def test_uploaded_prospects_carry_their_product_codes(upload, acme):
    content = csv_bytes(
        [row(), row("Fabrikam Logistics", "fabrikam.example", **{"Product A1 Seats": "20"})]
    )

    upload(content)

    codes = dict(Company.objects.filter(partner=acme).values_list("name", "fee_products"))
    assert codes == {"Northwind Traders": " S1 ", "Fabrikam Logistics": " A1 S1 "}


def test_an_upload_that_updates_a_prospect_rewrites_its_codes(upload, acme):
    existing = make_company(
        acme, "Northwind Traders", domain="northwind.example", fee_products=" X "
    )
    content = csv_bytes([[existing.pk, *row(**{"Product A1 Seats": "5"})]], header=["ID", *HEADER])

    upload(content)

    existing.refresh_from_db()
    assert existing.fee_products == " A1 S1 "
