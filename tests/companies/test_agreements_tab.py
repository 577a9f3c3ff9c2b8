"""The customer page's Agreements section: every version with its status, dates, users, the
four totals, who submitted it and its addendum — in a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.changes.models import ChangeOrder
from portal.companies.lifecycle import agreement_confirm
from portal.companies.models import Agreement, Attachment
from portal.companies.services import attachment_add
from portal.customers.views import addenda_by_version
from portal.orders.addendum import addendum_file_name

from .test_lifecycle_sync import make_catalog, make_customer, submit_change


@pytest.fixture
def catalog(acme):
    return make_catalog(acme)


@pytest.fixture
def fabrikam(acme, acme_admin, catalog):
    return make_customer(acme, acme_admin)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def add_addendum(company, actor, label, version, content=b"%PDF-1.4"):
    return attachment_add(
        company=company,
        name=addendum_file_name(label, company, version),
        content=content,
        content_type="application/pdf",
        actor=actor,
    )


def page(client, company) -> str:
    return client.get(reverse("companies:detail", args=[company.pk])).content.decode()


def row(html: str, version: int) -> str:
    match = re.search(rf'<tr id="agreement-{version}">(.*?)</tr>', html, re.S)
    assert match, f"no row for version {version}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def grow(company, actor, staff, versions: int) -> None:
    """Synced upsells on top of version 1, one seat more each time, then one pending."""
    seats = company.agreements.get(status="active").total_users
    for _ in range(versions - 2):
        seats += 1
        change = submit_change(
            company, actor, {"S1": seats, "C1": seats}, seats, ChangeOrder.Kind.UPSELL
        )
        agreement_confirm(agreement=change, actor=staff)
    submit_change(company, actor, {"S1": 100, "C1": 100}, 100, ChangeOrder.Kind.DOWNSELL)


def test_every_version_is_listed_with_its_status_dates_users_totals_and_submitter(
    client, fabrikam, acme_admin, acme_sales, staff
):
    upsell = submit_change(
        fabrikam, acme_sales, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )
    agreement_confirm(agreement=upsell, actor=staff)
    third = submit_change(
        fabrikam, acme_admin, {"S1": 200, "C1": 200}, 200, ChangeOrder.Kind.DOWNSELL
    )
    client.force_login(acme_sales)

    html = page(client, fabrikam)

    first, second = fabrikam.agreements.get(version=1), fabrikam.agreements.get(version=2)
    local = timezone.localtime
    today = timezone.localdate()
    # 350 × 3.20 + 350 × 1.10 = 1,505.00 a month; 400 × 3.20 + 400 × 1.10 = 1,720.00.
    assert row(html, 1) == (
        f"1 Superseded {today:%Y-%m-%d} – {today:%Y-%m-%d} "
        f"{local(first.created_at):%Y-%m-%d %H:%M} {local(first.activated_at):%Y-%m-%d %H:%M} "
        "350 USD 1,505.00 USD 0.00 USD 0.00 USD 1,505.00 admin@acme.test —"
    )
    assert row(html, 2) == (
        f"2 Active from {today:%Y-%m-%d} {local(second.created_at):%Y-%m-%d %H:%M} "
        f"{local(second.activated_at):%Y-%m-%d %H:%M} 400 USD 1,720.00 USD 0.00 USD 0.00 "
        "USD 1,720.00 sales@acme.test —"
    )
    # 200 × 3.50 + 200 × 1.25 = 950.00; pending, so not activated yet.
    assert row(html, 3) == (
        f"3 Downsell Pending Order once synced {local(third.created_at):%Y-%m-%d %H:%M} — 200 "
        "USD 950.00 USD 0.00 USD 0.00 USD 950.00 admin@acme.test —"
    )
    assert '<span class="badge badge-downsell_pending">Downsell Pending Order</span>' in html


def test_current_products_show_the_version_in_effect_not_the_pending_one(
    client, fabrikam, acme_admin
):
    submit_change(fabrikam, acme_admin, {"S1": 200, "C1": 200}, 200, ChangeOrder.Kind.DOWNSELL)
    client.force_login(acme_admin)

    html = page(client, fabrikam)

    current = html[html.index("Current products and seats") : html.index('id="agreements"')]
    assert "350" in current and "200" not in current


def test_a_scheduled_downsell_says_when_it_takes_effect(client, fabrikam, acme_admin, staff):
    today = timezone.localdate()
    downsell = submit_change(
        fabrikam,
        acme_admin,
        {"S1": 200, "C1": 200},
        200,
        ChangeOrder.Kind.DOWNSELL,
        effective_on=today + datetime.timedelta(days=10),
        cancel_by=today + datetime.timedelta(days=7),
    )
    agreement_confirm(agreement=downsell, actor=staff)
    client.force_login(acme_admin)

    html = page(client, fabrikam)

    effective = today + datetime.timedelta(days=10)
    # The old sentence is gone: the two columns say it (tests/customers/test_customer_in_time.py).
    assert "until then the customer keeps" not in html
    assert f"Scheduled from {effective:%Y-%m-%d}" in html
    assert row(html, 2).startswith(f"2 Scheduled from {effective:%Y-%m-%d} ")
    assert f"Possible until {today + datetime.timedelta(days=7):%Y-%m-%d}." in html
    assert row(html, 1).startswith(f"1 Active {today:%Y-%m-%d} – {effective:%Y-%m-%d} ")


def test_each_version_links_its_own_addendum(client, media, fabrikam, acme_admin):
    submit_change(fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL)
    order = add_addendum(fabrikam, acme_admin, "Order addendum", 1)
    change = add_addendum(fabrikam, acme_admin, "Change addendum", 2)
    attachment_add(
        company=fabrikam,
        name="notes - v2.pdf",
        content=b"x",
        content_type="application/pdf",
        actor=acme_admin,
    )
    client.force_login(acme_admin)

    html = page(client, fabrikam)

    for version, attachment in ((1, order), (2, change)):
        href = reverse("companies:attachment", args=[fabrikam.pk, attachment.pk])
        assert f'<a href="{href}" title="{attachment.name}">Addendum v{version} (PDF)</a>' in html
    assert row(html, 1).endswith("Addendum v1 (PDF)")
    assert row(html, 2).endswith("Addendum v2 (PDF)")


def test_the_newest_addendum_of_a_version_wins_and_other_files_are_ignored(
    media, fabrikam, acme_admin
):
    older = add_addendum(fabrikam, acme_admin, "Order addendum", 1)
    newer = add_addendum(fabrikam, acme_admin, "Order addendum", 1, content=b"%PDF-1.7")
    Attachment.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    other = attachment_add(
        company=fabrikam,
        name="Signed MSA - v3.docx",
        content=b"x",
        content_type="application/octet-stream",
        actor=acme_admin,
    )

    found = addenda_by_version(fabrikam.attachments.all())

    assert found == {1: newer}
    assert other not in found.values()


def test_a_prospect_has_no_agreements_yet(client, acme, acme_admin):
    from tests.fixtures.factories import make_company

    prospect = make_company(acme, "Contoso Pharmaceuticals")
    client.force_login(acme_admin)

    assert "No agreement yet: one is made when an order is submitted." in page(client, prospect)


def _queries(client, company) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("companies:detail", args=[company.pk])).status_code == 200
    return len(captured)


def test_the_customer_page_costs_the_same_queries_however_many_versions(
    client, media, acme, fabrikam, acme_admin, staff, django_assert_max_num_queries
):
    small = make_customer(acme, acme_admin, "Small Co", {"S1": 10, "C1": 10}, 10)
    grow(small, acme_admin, staff, versions=2)
    grow(fabrikam, acme_admin, staff, versions=8)
    for version in range(1, 9):
        add_addendum(fabrikam, acme_admin, "Change addendum", version)
    assert fabrikam.agreements.count() == 8
    assert fabrikam.agreements.filter(status=Agreement.Status.SUPERSEDED).count() == 6
    client.force_login(acme_admin)

    # 15, two for the contacts and a page of notes, three for the Renewal section (the
    # products of the lines in effect, the changes scheduled, the prices on the renewal day)
    # and one for Your prices and margin (the MSP's prices of the customer's products), one
    # for its customer quotes and two for Usage (the per-seat lines of the last 90 days, and
    # the figures reported).
    with django_assert_max_num_queries(28):
        html = page(client, fabrikam)

    assert all(f'id="agreement-{v}"' in html for v in range(1, 9))
    assert _queries(client, fabrikam) == _queries(client, small)
