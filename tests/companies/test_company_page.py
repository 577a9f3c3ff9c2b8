import pytest
from django.urls import reverse

from portal.companies.services import attachment_add
from tests.fixtures.factories import make_company


@pytest.fixture
def northwind(acme):
    return make_company(acme, "Northwind Traders", domain="northwind.example")


@pytest.fixture
def addendum(northwind, acme_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return attachment_add(
        company=northwind,
        name="addendum.pdf",
        content=b"%PDF-1.4",
        content_type="application/pdf",
        actor=acme_admin,
    )


def test_it_shows_the_company_to_its_own_msp(client, acme_sales, northwind):
    client.force_login(acme_sales)

    response = client.get(reverse("companies:detail", args=[northwind.pk]))

    assert response.status_code == 200
    assert b"Northwind Traders" in response.content
    assert b"History Log" in response.content


def test_it_validates_ownership(client, outsider, northwind):
    client.force_login(outsider)

    response = client.get(reverse("companies:detail", args=[northwind.pk]))

    assert response.status_code == 404


def test_it_requires_login(client, northwind):
    response = client.get(reverse("companies:detail", args=[northwind.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_vendor_staff_use_the_vendor_console_not_msp_pages(client, staff, northwind):
    client.force_login(staff)

    assert client.get(reverse("companies:detail", args=[northwind.pk])).status_code == 404
    assert client.get(reverse("home")).url == reverse("admin:index")


def test_attachment_downloads_for_its_own_msp(client, acme_sales, northwind, addendum):
    client.force_login(acme_sales)

    response = client.get(reverse("companies:attachment", args=[northwind.pk, addendum.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def test_attachment_of_another_msp_is_not_found(client, outsider, northwind, addendum):
    client.force_login(outsider)

    response = client.get(reverse("companies:attachment", args=[northwind.pk, addendum.pk]))

    assert response.status_code == 404


def test_attachment_must_belong_to_the_company_in_the_url(client, acme, acme_sales, addendum):
    other = make_company(acme, "Fabrikam Logistics")
    client.force_login(acme_sales)

    response = client.get(reverse("companies:attachment", args=[other.pk, addendum.pk]))

    assert response.status_code == 404
