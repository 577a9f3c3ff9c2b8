"""Home shows what needs attention: each kind present when due, absent otherwise, never another
MSP's, each item a link to where the user acts; a bounded number of queries."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement, Company
from portal.core.history import history_record
from portal.core.models import HistoryEntry
from portal.customers.attention import SHOWN, attention_for, recent_customers
from portal.orders.models import Order
from portal.rfi.models import InformationRequest
from tests.fixtures.factories import make_company

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def customer(partner, name, *, status=Company.Status.COMPLETE, users=100) -> Company:
    company = make_company(
        partner, name, domain=f"{name.split()[0].lower()}.example", status=status
    )
    Agreement.objects.create(
        company=company,
        version=1,
        status=Agreement.Status.ACTIVE,
        total_users=users,
        currency="USD",
    )
    return company


def version(company, status, users=50, **fields) -> Agreement:
    number = company.agreements.count() + 1
    return Agreement.objects.create(
        company=company, version=number, status=status, total_users=users, currency="USD", **fields
    )


def change(company, *, kind="upsell", status="quote", agreement=None, **fields) -> ChangeOrder:
    prior = company.agreements.get(version=1)
    submitted = {}
    if status == ChangeOrder.Status.SUBMITTED:
        submitted = {"idempotency_key": uuid.uuid4(), "submitted_at": timezone.now()}
    return ChangeOrder.objects.create(
        company=company,
        prior=prior,
        seats=50,
        kind=kind,
        currency="USD",
        status=status,
        agreement=agreement,
        **submitted,
        **fields,
    )


def saved_order(partner, name="Contoso Pharmaceuticals") -> Company:
    company = make_company(partner, name)
    Order.objects.create(company=company)
    return company


def quote_expiring(partner, name="Northwind Traders", days=3) -> Company:
    company = customer(partner, name)
    change(company, valid_until=TODAY + days * DAY)
    return company


def waiting(partner, name="Fabrikam Logistics") -> Company:
    company = customer(partner, name)
    version(company, Agreement.Status.UPSELL_PENDING, users=120)
    return company


def rejected(partner, name="Tailspin Toys") -> Company:
    company = customer(partner, name)
    version(company, Agreement.Status.REJECTED, reason="Seats above the contract")
    return company


def rfi_sent(partner, name="Litware Inc") -> Company:
    company = make_company(partner, name, status=Company.Status.IN_PROGRESS)
    InformationRequest.objects.create(
        company=company, sent_to="lead@acme.test", sent_at=timezone.now()
    )
    return company


def downsell(partner, name="Adventure Works", cancel_by=TODAY + 2 * DAY, synced=False) -> Company:
    company = customer(partner, name, users=350)
    effective_on = cancel_by + 3 * DAY
    pending = version(company, Agreement.Status.DOWNSELL_PENDING, users=200)
    pending.effective_from = effective_on
    pending.save(update_fields=["effective_from"])
    if synced:
        scheduled(company)
    change(
        company,
        kind="downsell",
        status="submitted",
        agreement=pending,
        cancel_by=cancel_by,
        effective_on=effective_on,
    )
    return company


def scheduled(company) -> None:
    """The vendor confirms the company's pending downsell: the version in effect stops on its
    date (first, so that the two never overlap), and it is Scheduled from then."""
    pending = company.agreements.get(status=Agreement.Status.DOWNSELL_PENDING)
    company.agreements.filter(status=Agreement.Status.ACTIVE).update(
        effective_until=pending.effective_from
    )
    company.agreements.filter(pk=pending.pk).update(status=Agreement.Status.SCHEDULED)


MAKERS = {
    "saved_orders": saved_order,
    "expiring_quotes": quote_expiring,
    "waiting": waiting,
    "rejected": rejected,
    "rfis": rfi_sent,
    "downsells": downsell,
}


def kinds(user) -> dict:
    return {kind.key: kind for kind in attention_for(user)}


@pytest.mark.parametrize("key", MAKERS)
def test_each_kind_is_listed_when_due_with_a_link_and_never_to_another_msp(
    key, acme, acme_admin, outsider
):
    # given
    company = MAKERS[key](acme)
    # then
    found = kinds(acme_admin)
    # A pending downsell also waits for the vendor; every other kind stands alone.
    assert set(found) == ({key, "waiting"} if key == "downsells" else {key})
    assert found[key].count == 1
    [item] = found[key].items
    assert item.name == company.name
    if key == "expiring_quotes":
        assert item.url == reverse("changes:quote", args=[company.change_orders.get().pk])
    else:
        assert f"/{company.pk}/" in item.url
    assert kinds(outsider) == {}


def test_nothing_due_says_nothing_needs_attention(client, acme, acme_admin):
    customer(acme, "Northwind Traders")
    client.force_login(acme_admin)
    response = client.get(reverse("home"))
    assert attention_for(acme_admin) == []
    assert "Nothing needs your attention." in response.content.decode()


def test_a_saved_order_leaves_once_submitted(acme, acme_admin):
    company = saved_order(acme)
    agreement = version(company, Agreement.Status.NEW_ORDER_PENDING)
    Order.objects.filter(company=company).update(
        status=Order.Status.SUBMITTED,
        agreement=agreement,
        idempotency_key=uuid.uuid4(),
        submitted_at=timezone.now(),
    )
    assert "saved_orders" not in kinds(acme_admin)
    assert "waiting" in kinds(acme_admin)


@pytest.mark.parametrize("days, due", [(-1, False), (0, True), (7, True), (8, False)])
def test_a_quote_is_about_to_expire_within_a_week_and_not_once_expired(acme, acme_admin, days, due):
    quote_expiring(acme, days=days)
    assert ("expiring_quotes" in kinds(acme_admin)) is due


def test_a_submitted_change_is_no_longer_a_quote(acme, acme_admin):
    company = customer(acme, "Northwind Traders")
    pending = version(company, Agreement.Status.UPSELL_PENDING)
    change(company, status="submitted", agreement=pending, valid_until=TODAY + DAY)
    assert list(kinds(acme_admin)) == ["waiting"]


def test_a_version_the_vendor_confirmed_is_not_waiting(acme, acme_admin):
    company = waiting(acme)
    company.agreements.filter(status=Agreement.Status.ACTIVE).update(
        status=Agreement.Status.SUPERSEDED, effective_until=TODAY
    )
    company.agreements.filter(status=Agreement.Status.UPSELL_PENDING).update(
        status=Agreement.Status.ACTIVE
    )
    assert "waiting" not in kinds(acme_admin)


def test_a_rejection_leaves_once_a_newer_version_is_submitted_or_it_is_old(acme, acme_admin):
    company = rejected(acme)
    assert kinds(acme_admin)["rejected"].items[0].note.endswith("Seats above the contract")
    version(company, Agreement.Status.UPSELL_PENDING)
    assert "rejected" not in kinds(acme_admin)

    old = rejected(acme, "Wide World Importers")
    old.agreements.filter(status=Agreement.Status.REJECTED).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert "rejected" not in kinds(acme_admin)


def test_a_rejected_new_order_links_to_its_order_form(acme, acme_admin):
    company = make_company(acme, "Contoso Pharmaceuticals")
    agreement = version(company, Agreement.Status.REJECTED, reason="Domain not verified")
    Order.objects.create(
        company=company,
        agreement=agreement,
        idempotency_key=uuid.uuid4(),
        submitted_at=timezone.now(),
    )
    found = kinds(acme_admin)
    # Listed once, as a rejection (its order is a draft again, not a plain saved order).
    assert list(found) == ["rejected"]
    assert found["rejected"].items[0].url == reverse("orders:review", args=[company.pk])


def test_an_answered_rfi_or_a_complete_customer_is_not_listed(acme, acme_admin):
    company = rfi_sent(acme)
    InformationRequest.objects.filter(company=company).update(
        status=InformationRequest.Status.SUBMITTED
    )
    assert "rfis" not in kinds(acme_admin)
    other = rfi_sent(acme, "Wide World Importers")
    Company.objects.filter(pk=other.pk).update(status=Company.Status.COMPLETE)
    assert "rfis" not in kinds(acme_admin)


def test_a_downsell_deadline_shows_its_date_until_it_passes(acme, acme_admin):
    downsell(acme)
    [item] = kinds(acme_admin)["downsells"].items
    assert f"Cancel downsell by {TODAY + 2 * DAY:%Y-%m-%d}" in item.note
    assert item.url.endswith("#agreement-2")

    assert "downsells" not in {k.key for k in attention_for(acme_admin, today=TODAY + 3 * DAY)}


def test_a_cancelled_or_superseded_downsell_has_no_deadline(acme, acme_admin):
    company = downsell(acme)
    company.agreements.filter(status=Agreement.Status.DOWNSELL_PENDING).update(
        status=Agreement.Status.CANCELLED
    )
    assert "downsells" not in kinds(acme_admin)

    other = downsell(acme, "Wide World Importers")
    # Synced (Scheduled, not yet in effect): still cancellable, until a later version is made.
    scheduled(other)
    assert "downsells" in kinds(acme_admin)


def test_a_long_list_shows_the_first_few_and_counts_all(acme, acme_admin):
    for i in range(SHOWN + 3):
        saved_order(acme, f"Prospect {i:02}")
    found = kinds(acme_admin)["saved_orders"]
    assert (found.count, len(found.items), found.more) == (SHOWN + 3, SHOWN, 3)


def test_home_links_each_item_counts_and_activity(client, acme, acme_admin, outsider):
    company = saved_order(acme)
    history_record(
        actor=acme_admin, obj=company, action=HistoryEntry.Action.UPDATE, summary="Order saved"
    )
    client.force_login(acme_admin)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("orders:review", args=[company.pk])}"' in html
    assert f'href="{reverse("companies:detail", args=[company.pk])}#history"' in html
    for name in ("prospects:list", "customers:in_progress", "customers:complete"):
        assert f'href="{reverse(name)}"' in html

    client.force_login(outsider)
    html = client.get(reverse("home")).content.decode()
    assert "Contoso" not in html
    assert "Nothing needs your attention." in html


def test_home_queries_do_not_grow_with_the_items(client, acme, acme_admin):
    def home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    client.force_login(acme_admin)
    # A synced downsell (not yet in effect): a pending one would also count as waiting.
    makers = {**MAKERS, "downsells": lambda *args: downsell(*args, synced=True)}
    for maker in makers.values():
        maker(acme)
    history_record(
        actor=acme_admin,
        obj=Company.objects.get(name="Contoso Pharmaceuticals"),
        action=HistoryEntry.Action.UPDATE,
        summary="Order saved",
    )
    few = home_queries()
    for i in range(SHOWN - 1):
        for key, maker in makers.items():
            maker(acme, f"{key} {i}")
    for i in range(3):
        history_record(
            actor=acme_admin,
            obj=Company.objects.get(name=f"waiting {i}"),
            action=HistoryEntry.Action.UPDATE,
            summary="Changed",
        )
    assert home_queries() == few
    # Six kinds over their SHOWN: one more query each, for the count.
    for key, maker in makers.items():
        maker(acme, f"{key} more")
    assert home_queries() == few + len(MAKERS)
    assert few <= 17  # terms ending soon (1) and renewal deadlines (2: spans, lines) among them


def test_recently_changed_customers_mix_both_statuses_newest_first(acme, acme_admin, globex):
    now = timezone.now()
    for minutes, name, status in [
        (5, "Old Complete", Company.Status.COMPLETE),
        (1, "New In Progress", Company.Status.IN_PROGRESS),
        (3, "Mid Complete", Company.Status.COMPLETE),
        (0, "A Prospect", Company.Status.PROSPECT),
    ]:
        make_company(
            acme, name, status=status, updated_at=now - datetime.timedelta(minutes=minutes)
        )
    make_company(globex, "Globex Customer", status=Company.Status.COMPLETE, updated_at=now)
    names = [c.name for c in recent_customers(acme_admin, limit=2)]
    assert names == ["New In Progress", "Mid Complete"]


def test_answers_the_vendor_returned_are_listed_with_its_reason(acme, acme_admin):
    company = rfi_sent(acme)
    InformationRequest.objects.filter(company=company).update(
        status=InformationRequest.Status.SUBMITTED,
        vendor_state=InformationRequest.Vendor.RETURNED,
        vendor_reason="The smarthost does not answer",
    )
    [item] = kinds(acme_admin)["rfis"].items
    assert item.note == "Returned by the vendor: The smarthost does not answer"
    InformationRequest.objects.filter(company=company).update(
        vendor_state=InformationRequest.Vendor.SENT
    )
    assert "rfis" not in kinds(acme_admin)
