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


def test_each_products_latest_is_found_beyond_the_newest_entries(northwind, catalog):
    """The section lists the newest entries; a product whose latest entry is older than all of
    them still shows that entry, and a newer entry of another product never stands in for it."""
    import datetime

    from django.utils import timezone

    from portal.customers.usage_section import HISTORY, billed_seats

    s1, s2, c1 = catalog["S1"], catalog["S2"], catalog["C1"]
    start = timezone.now() - datetime.timedelta(days=100)

    def entry(product, seats, days):
        return BilledSeats.objects.create(
            company=northwind,
            product=product,
            seats=seats,
            source=BilledSeats.Source.ENTERED,
            entered_at=start + datetime.timedelta(days=days),
        )

    entry(c1, 5, 0)
    old_s2 = entry(s2, 7, 1)
    entry(s2, 8, 1)  # the same moment: the later id is the latest
    newest_s2 = BilledSeats.objects.filter(product=s2).order_by("-id").first()
    for n in range(HISTORY + 3):
        entry(s1, 600 + n, 10 + n)

    history, latest = billed_seats(northwind)

    assert [e.seats for e in history] == [600 + n for n in reversed(range(3, HISTORY + 3))]
    assert {product: e.seats for product, e in latest.items()} == {
        s1.pk: 600 + HISTORY + 2,
        s2.pk: 8,
        c1.pk: 5,
    }
    assert latest[s2.pk] == newest_s2 != old_s2
