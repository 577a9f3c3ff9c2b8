"""Manage renewal on the customer page: the Renewal section (each line's term, auto-renew, last
day and what is scheduled; the summary of the renewal), its forms with htmx and without
JavaScript, who may use them, and the change form's Schedule for renewal instead of a seat
decrease it refuses before the renewal.

Fabrikam Logistics: S1 and C1, 350 seats each on a 1-year commitment renewing on 30 June 2027
(last day for changes: 29 June); today is 1 June 2027.
"""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from portal.catalog.models import FewerSeats, Product
from portal.changes.models import ChangeOrder
from portal.companies.models import AgreementLine
from portal.core.history import history_for
from portal.renewals.models import RenewalChange
from tests.fixtures.customers import change_data, make_customer, review_data

RENEWS = datetime.date(2027, 6, 30)


def at(day: int):
    return time_machine.travel(datetime.datetime(2027, 6, day, 12, tzinfo=datetime.UTC))


@pytest.fixture(autouse=True)
def clock():
    with at(1) as traveller:
        yield traveller


@pytest.fixture
def fabrikam(acme, acme_admin, price_list):
    company = make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)
    AgreementLine.objects.filter(agreement__company=company).update(
        commitment="1y", term_start=datetime.date(2026, 6, 30), term_end=RENEWS
    )
    return company


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(response) -> str:
    """The Renewal section's words."""
    html = response.content.decode()
    return text(html.split('id="renewal"', 1)[1].split('id="agreements"', 1)[0])


def page(client, company, query=""):
    return client.get(reverse("companies:detail", args=[company.pk]) + query)


def post(client, company, name, data, *args, htmx=False):
    url = reverse(f"companies:{name}", args=[company.pk, *args])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, data, **headers)


def seats_change(seats):
    return {"code": "S1", "kind": "seats", "seats": str(seats)}


def test_the_section_shows_each_lines_renewal_and_what_the_agreement_will_be(
    client, acme_admin, fabrikam
):
    client.force_login(acme_admin)
    post(client, fabrikam, "renewal_change", seats_change(200))

    words = section(page(client, fabrikam))

    assert "At renewal on 2027-06-30 the agreement will be:" in words
    # 200 seats fall out of the 250 tier: 3.50 a seat, at the prices in force then.
    assert (
        "S1 — Email Security Cloud Gateway 200 now 350 1-year commitment to 2028-06-30 "
        "USD 3.50 now USD 3.20 USD 700.00 a month"
    ) in words
    assert "Total Monthly Fees USD 1,085.00 USD 420.00 less than today (USD 1,505.00)" in words
    assert (
        "Term 1-year commitment Billing Monthly Term start 2026-06-30 Term end 2027-06-30 "
        "(renews then) Auto-renew On Turn auto-renew off for S1 Last day for changes 2027-06-29 "
        "28 days left"
    ) in words
    assert "Fewer seats: 200 seats on 2027-06-30 Scheduled by admin@acme.test" in words
    assert "Scheduling a removal cancels the other changes scheduled for that product" in words


def test_without_javascript_a_change_redirects_to_the_section_with_a_message(
    client, acme_admin, fabrikam
):
    client.force_login(acme_admin)

    response = post(client, fabrikam, "renewal_change", seats_change(200))

    assert response.status_code == 302
    assert response.url == reverse("companies:detail", args=[fabrikam.pk]) + "#renewal"
    shown = page(client, fabrikam).content.decode()
    assert "Scheduled for the renewal of S1 on 2027-06-30: 200 seats." in shown


def test_with_htmx_the_section_answers_in_place_saying_what_was_done(client, acme_admin, fabrikam):
    client.force_login(acme_admin)

    response = post(client, fabrikam, "renewal_change", seats_change(200), htmx=True)

    assert response.status_code == 200
    assert "Scheduled for the renewal of S1 on 2027-06-30: 200 seats." in section(response)
    assert RenewalChange.objects.get().seats == 200


@pytest.mark.parametrize("htmx", [True, False])
def test_a_refused_change_is_said_next_to_its_field(client, acme_admin, fabrikam, htmx):
    client.force_login(acme_admin)

    response = post(client, fabrikam, "renewal_change", seats_change(400), htmx=htmx)

    assert response.status_code == (200 if htmx else 400)
    html = response.content.decode()
    field = html.split('id="renewal-s1-seats-seats"', 1)[1].split("</div>\n</div>")[0]
    assert "Enter fewer than the 350 seats S1 has now" in field
    assert 'value="400"' in html.split('id="renewal-s1-seats-seats"')[0][-300:] + field[:50]
    assert not RenewalChange.objects.exists()


def test_a_change_can_be_cancelled_on_the_page_until_the_deadline_and_not_after(
    client, acme_admin, fabrikam
):
    client.force_login(acme_admin)
    post(client, fabrikam, "renewal_change", seats_change(200))
    first = RenewalChange.objects.get()
    with at(29):
        client.force_login(acme_admin)  # weeks later: signed in again
        response = post(client, fabrikam, "renewal_change_cancel", {}, first.pk, htmx=True)
        assert "Cancelled for the renewal of S1 on 2027-06-30: 200 seats." in section(response)
    first.refresh_from_db()
    assert first.status == "cancelled"

    post(client, fabrikam, "renewal_change", seats_change(250))
    second = RenewalChange.objects.get(status="scheduled")
    with at(30):
        client.force_login(acme_admin)
        words = section(page(client, fabrikam))
        assert "Cancel fewer seats of S1" not in words
        assert "Last day for changes 2027-06-29 (closed)" in words
        response = post(client, fabrikam, "renewal_change_cancel", {}, second.pk, htmx=True)

    assert (
        "Changes for the renewal of S1 on 2027-06-30 could be cancelled until 2027-06-29."
    ) in section(response)
    second.refresh_from_db()
    assert second.status == "scheduled"


def test_auto_renew_is_turned_off_and_on_from_the_page(client, acme_sales, fabrikam):
    client.force_login(acme_sales)  # a Sales user may, as for Change Options

    response = post(client, fabrikam, "renewal_auto_renew", {"code": "C1", "on": "off"}, htmx=True)

    words = section(response)
    assert "Auto-renew of C1 is off: it ends at its term end on 2027-06-30." in words
    assert "Ends on 2027-06-30: C1 — Continuity (auto-renew is off)." in words
    assert "Turn auto-renew on for C1" in words
    assert history_for(fabrikam).first().actor == acme_sales

    post(client, fabrikam, "renewal_auto_renew", {"code": "C1", "on": "on"})
    assert AgreementLine.objects.get(code="C1").auto_renew is True


def test_another_msps_customer_and_its_changes_are_not_found(
    client, outsider, acme_admin, fabrikam, globex
):
    client.force_login(acme_admin)
    post(client, fabrikam, "renewal_change", seats_change(200))
    change = RenewalChange.objects.get()
    client.force_login(outsider)

    for name, data, args in [
        ("renewal_change", seats_change(100), ()),
        ("renewal_auto_renew", {"code": "S1", "on": "off"}, ()),
        ("renewal_change_cancel", {}, (change.pk,)),
    ]:
        assert post(client, fabrikam, name, data, *args).status_code == 404
    change.refresh_from_db()
    assert change.status == "scheduled" and change.seats == 200
    assert AgreementLine.objects.get(code="S1").auto_renew is True


def test_a_change_of_another_customer_is_not_cancelled_through_this_one(
    client, acme, acme_admin, fabrikam
):
    other = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    client.force_login(acme_admin)
    post(client, fabrikam, "renewal_change", seats_change(200))
    change = RenewalChange.objects.get()

    assert post(client, other, "renewal_change_cancel", {}, change.pk).status_code == 404


def test_a_double_submit_of_the_form_makes_one_change(client, acme_admin, fabrikam):
    client.force_login(acme_admin)

    post(client, fabrikam, "renewal_change", seats_change(200))
    post(client, fabrikam, "renewal_change", seats_change(200))

    assert RenewalChange.objects.count() == 1


def test_the_change_form_offers_schedule_for_renewal_instead_of_a_refused_decrease(
    client, acme_admin, fabrikam
):
    client.force_login(acme_admin)
    url = reverse("changes:start", args=[fabrikam.pk])

    response = client.post(url, {**change_data(fabrikam, seats="200"), "review": "1"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "can go down only at renewal on 2027-06-30" in html
    link = reverse("companies:detail", args=[fabrikam.pk]) + "?renewal=S1&amp;seats=200#renewal"
    assert f'<a class="button" href="{link}">Schedule for renewal' in html
    # The live preview says it next to the seats too.
    preview = client.post(
        reverse("changes:preview", args=[fabrikam.pk]), change_data(fabrikam, seats="200")
    )
    assert link in preview.content.decode()

    # The link opens the section asking to confirm; confirming schedules it.
    words = section(page(client, fabrikam, "?renewal=S1&seats=200"))
    assert (
        "Schedule for renewal? 350 seats of S1 — Email Security Cloud Gateway become 200 at its "
        "renewal on 2027-06-30."
    ) in words
    post(client, fabrikam, "renewal_change", seats_change(200))
    assert RenewalChange.objects.get().seats == 200
    assert "Schedule for renewal?" not in section(page(client, fabrikam, "?renewal=S1&seats=200"))


@pytest.mark.parametrize("query", ["?renewal=ZZ&seats=200", "?renewal=S1&seats=x", "?seats=-1"])
def test_a_link_that_names_no_line_or_seats_asks_nothing(client, acme_admin, fabrikam, query):
    client.force_login(acme_admin)

    response = page(client, fabrikam, query)

    assert response.status_code == 200
    assert "Schedule for renewal?" not in section(response)


def test_a_saved_quote_whose_decrease_now_waits_for_the_renewal_leads_to_it(
    client, acme_admin, fabrikam
):
    Product.objects.filter(code__in=["S1", "C1"]).update(fewer_seats=FewerSeats.AT_BILLING_DATE)
    client.force_login(acme_admin)
    client.post(
        reverse("changes:start", args=[fabrikam.pk]),
        {**change_data(fabrikam, seats="300"), "save": "1"},
    )
    quote = ChangeOrder.objects.get()
    # The vendor's policy changes: a commitment's seats go down only at renewal.
    Product.objects.filter(code__in=["S1", "C1"]).update(fewer_seats=FewerSeats.AT_RENEWAL)

    response = client.post(reverse("changes:review", args=[quote.pk]), review_data())

    detail = reverse("companies:detail", args=[fabrikam.pk])
    assert response.status_code == 302
    assert response.url == f"{detail}?renewal=S1&seats=300#renewal"


def test_submit_refused_by_a_policy_changed_since_the_review_offers_the_renewal(
    client, acme_admin, fabrikam, monkeypatch
):
    from portal.changes import views
    from portal.changes.services import ChangeRefused

    Product.objects.filter(code__in=["S1", "C1"]).update(fewer_seats=FewerSeats.AT_BILLING_DATE)
    client.force_login(acme_admin)
    url = reverse("changes:start", args=[fabrikam.pk])
    review = client.post(url, {**change_data(fabrikam, seats="300"), "review": "1"})
    hidden = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', review.content.decode())
    )

    def refused_meanwhile(**kwargs):
        # The vendor changed the policy while Submit ran.
        Product.objects.filter(code__in=["S1", "C1"]).update(fewer_seats=FewerSeats.AT_RENEWAL)
        raise ChangeRefused("Seats of S1 on a 1-year commitment can go down only at renewal.")

    monkeypatch.setattr(views, "change_submit_reviewed", refused_meanwhile)
    response = client.post(url, {**hidden, **review_data(), "submit": "1"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "Review Change Order" in html
    assert "?renewal=S1&amp;seats=300#renewal" in html
