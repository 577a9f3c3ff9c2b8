"""Review Change Order and Submit: one transaction, one pending change at a time."""

import datetime
import re
import threading
import uuid

import pytest
from django.db import connection, connections
from django.urls import reverse

from portal.accounts.models import User
from portal.catalog.models import ContractedPrice
from portal.changes.models import ChangeOrder
from portal.changes.services import ChangeRefused, PricesChanged, change_submit
from portal.companies.models import Agreement, Attachment
from portal.core.history import history_for
from portal.core.models import OutgoingMessage
from tests.fixtures.clock import made_on
from tests.fixtures.customers import review_data

_clock = made_on(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC))


def reviewed(quote_change, company, **changes) -> dict:
    """Review Order on the change form: the hidden values its page carries to Submit."""
    page = quote_change(company, review=True, **changes).content.decode()
    assert "Change Order Summary" in page
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


@pytest.fixture
def submit(client):
    """Submit on Review Change Order, with the page's values and the Order Details."""

    def post(company, page: dict, **changes):
        url = reverse("changes:start", args=[company.pk])
        return client.post(url, {**page, **review_data(**changes), "submit": "1"}, follow=True)

    return post


@pytest.fixture
def review(quote_change, submit):
    """Review Order, then Submit, for a change of ``company`` to ``seats``."""

    def post(company, seats: str, **changes):
        return submit(company, reviewed(quote_change, company, seats=seats), **changes)

    return post


def test_review_order_shows_the_change_order_summary(quote_change, northwind):
    response = quote_change(northwind, review=True, seats="700")

    html = response.content.decode()
    for column in (
        "Product",
        "Term Type",
        "Prior Quantity",
        "Current Quantity",
        "Prior Unit Price",
        "Current Unit Price",
        "Prior Payment",
        "Current Payment",
    ):
        assert f'<th scope="col" class="num">{column}</th>' in html or f">{column}<" in html
    assert "USD 2,011.90" in html and "USD 2,065.00" in html
    assert "Acme IT Services" in html and "Northwind Traders" in html
    assert "Downsell Notice" not in html
    assert not ChangeOrder.objects.exists()  # Review Order saves nothing


def test_a_downsell_shows_the_notice_with_its_dates(quote_change, fabrikam):
    html = quote_change(fabrikam, review=True, seats="200").content.decode()

    assert "Downsell Notice" in html
    assert "2030-01-01" in html  # the next billing date
    assert "2029-12-29" in html  # cancellable until: 3 days before


def test_submit_makes_an_upsell_pending_version_and_sends_the_addendum(
    review, northwind, acme_admin
):
    response = review(northwind, "700")
    change = ChangeOrder.objects.get()

    assert response.redirect_chain[-1][0].startswith(
        reverse("companies:detail", args=[northwind.pk])
    )
    assert "Upsell Pending Order submitted" in response.content.decode()
    new = Agreement.objects.get(company=northwind, version=2)
    assert new.status == Agreement.Status.UPSELL_PENDING and new.total_users == 700
    [line] = new.lines.all()
    assert (line.code, line.quantity, str(line.unit_price)) == ("S1", 700, "2.9500")
    change.refresh_from_db()
    assert change.status == ChangeOrder.Status.SUBMITTED and change.agreement == new
    assert change.submitted_by == acme_admin and change.order_number == "PO-77"
    northwind.refresh_from_db()
    # Permitted Users are the seats in effect: 700 once the vendor has provisioned them.
    assert northwind.permitted_users == 682
    assert Attachment.objects.filter(company=northwind, content_type="application/pdf").exists()
    assert OutgoingMessage.objects.filter(template="change_submitted").exists()
    assert any("Upsell Pending Order submitted" in e.summary for e in history_for(northwind))


def test_a_downsell_is_submitted_with_its_effective_date_and_deadline(review, fabrikam):
    review(fabrikam, "200", order_number="", order_number_not_required="on")

    change = ChangeOrder.objects.get()
    assert change.agreement.status == Agreement.Status.DOWNSELL_PENDING
    assert str(change.effective_on) == "2030-01-01" and str(change.cancel_by) == "2029-12-29"
    assert sorted((line.code, line.quantity) for line in change.agreement.lines.all()) == [
        ("C1", 200),
        ("S1", 200),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"accept_msa": None}, "Tick this box to confirm."),
        ({"accept_authority": None}, "Tick this box to confirm."),
        ({"order_number": ""}, "or tick Order Number Not Required"),
        ({"order_number_not_required": "on"}, "not both"),
    ],
)
def test_submit_is_refused_without_both_ticks_and_an_order_number(
    review, northwind, changes, message
):
    response = review(northwind, "700", **changes)

    assert response.status_code == 400 and message in response.content.decode()
    assert "Change Order Summary" in response.content.decode()
    assert not Agreement.objects.filter(version=2).exists()
    assert not ChangeOrder.objects.exists()


def test_a_second_click_submits_once_and_a_second_change_waits_for_the_sync(
    quote_change, submit, northwind
):
    page = reviewed(quote_change, northwind, seats="700")
    key = str(uuid.uuid4())
    submit(northwind, page, idempotency_key=key)

    again = submit(northwind, page, idempotency_key=key)
    assert "had already been submitted" in again.content.decode()
    assert ChangeOrder.objects.get().status == ChangeOrder.Status.SUBMITTED

    quote_change(northwind, review=True, seats="800")
    response = quote_change(northwind, seats="900")
    assert "Change Options is not available" in response.content.decode()
    assert Agreement.objects.filter(company=northwind).count() == 2


def test_submit_at_changed_prices_is_refused_and_the_quote_shows_the_new_ones(
    quote_change, acme, catalog, northwind, acme_admin
):
    quote_change(northwind, seats="700")
    change = ChangeOrder.objects.get()
    ContractedPrice.objects.filter(partner=acme, product=catalog["S1"], min_quantity=500).update(
        unit_price="2.80"
    )

    with pytest.raises(PricesChanged):
        change_submit(
            change=change,
            actor=acme_admin,
            key=uuid.uuid4(),
            ip=None,
            order_number="PO-1",
            order_number_not_required=False,
        )

    assert str(change.lines.get().unit_price) == "2.8000"
    assert not Agreement.objects.filter(version=2).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database: two real connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_users_submitting_changes_at_once_one_wins(quote_change, northwind, acme_admin):
    quote_change(northwind, seats="700")
    quote_change(northwind, seats="800")
    first, second = ChangeOrder.objects.order_by("id")
    barrier = threading.Barrier(2)
    outcomes = []

    def run(change):
        try:
            barrier.wait()
            user = User.objects.get(pk=acme_admin.pk)
            change_submit(
                change=change,
                actor=user,
                key=uuid.uuid4(),
                ip=None,
                order_number="",
                order_number_not_required=True,
            )
            outcomes.append("submitted")
        except ChangeRefused as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("submitted") == 1
    [refusal] = [o for o in outcomes if o != "submitted"]
    assert "already pending" in refusal or "submitted a moment ago" in refusal
    assert Agreement.objects.filter(company=northwind, version=2).count() == 1


def test_review_change_order_hands_the_order_number_rule_to_the_page(quote_change, northwind):
    """The same words as Review Order's: order_number.js says them next to the field."""
    import html

    from portal.orders.rules import NUMBER_AND_NOT_REQUIRED, NUMBER_MISSING

    page = quote_change(northwind, review=True, seats="700").content.decode()

    assert f'data-number-missing="{html.escape(NUMBER_MISSING)}"' in page
    assert f'data-number-both="{html.escape(NUMBER_AND_NOT_REQUIRED)}"' in page
    assert "js/order_number.js" in page and "js/review.js" in page
