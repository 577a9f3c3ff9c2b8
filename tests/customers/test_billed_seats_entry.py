"""Billed seats entered on the customer page: what the PSA bills for a product now, with its
history; a mistake is said next to the field and nothing is saved; another MSP's customer is a
404."""

import pytest
from django.urls import reverse

from portal.core.models import HistoryEntry
from portal.usage.models import BilledSeats, Reconciliation


def url(company, product):
    return reverse("companies:billed_seats", args=[company.pk, product.pk])


def test_billed_seats_entered_are_kept_with_their_history(client, acme_sales, northwind, catalog):
    client.force_login(acme_sales)
    s1 = catalog["S1"]

    response = client.post(url(northwind, s1), {f"billed-{s1.pk}-seats": "650"}, follow=True)

    html = response.content.decode()
    assert "Billed seats of S1 set to 650." in html
    assert BilledSeats.objects.get(company=northwind).seats == 650
    assert Reconciliation.objects.get(company=northwind, product=s1).billed == 650
    assert HistoryEntry.objects.filter(
        object_id=northwind.pk,
        summary="Billed seats of S1 set to 650 (Entered on the customer page)",
    ).exists()
    assert "Billed seats entered (1 latest)" in html


@pytest.mark.parametrize("typed", ["", "-1", "12.5", "ten", "1000001"])
def test_a_mistake_is_said_next_to_the_field_and_nothing_saved(
    client, acme_admin, northwind, catalog, typed
):
    client.force_login(acme_admin)
    s1 = catalog["S1"]

    response = client.post(url(northwind, s1), {f"billed-{s1.pk}-seats": typed})

    assert response.status_code == 400
    assert "Billed seats: a whole number from 0 to 1,000,000." in response.content.decode()
    assert not BilledSeats.objects.exists()


def test_another_msps_customer_or_a_flat_product_is_not_found(
    client, outsider, acme_admin, northwind, catalog
):
    client.force_login(outsider)
    s1 = catalog["S1"]
    assert client.post(url(northwind, s1), {f"billed-{s1.pk}-seats": "1"}).status_code == 404
    client.force_login(acme_admin)
    ob1 = catalog["OB1"]
    assert client.post(url(northwind, ob1), {f"billed-{ob1.pk}-seats": "1"}).status_code == 404
    assert not BilledSeats.objects.exists()
