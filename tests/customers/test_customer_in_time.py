"""The customer page agrees with the version in effect: "Current products and seats" shows In
effect now and, once a change is confirmed to take effect later, Scheduled from its date; the
Agreements tab's Effective dates, Permitted Users and the sync e-mail say the same.

The seeds' downsell of Fabrikam Logistics, 350 → 200 seats of S1 and C1, on a clock that moves:
submitted and synced on 2026-11-30, it takes effect at the billing date 2027-01-01.
"""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.changes.models import ChangeOrder
from portal.companies.lifecycle import agreement_confirm, agreement_reject
from portal.companies.models import Agreement, AgreementLine
from portal.companies.schedule import versions_take_effect
from portal.core.models import OutgoingMessage
from portal.customers.attention import attention_for
from tests.companies.test_lifecycle_sync import (
    make_catalog,
    make_customer,
    make_version,
    submit_change,
)
from tests.fixtures.factories import make_company

SUBMITTED = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
BILLING = datetime.date(2027, 1, 1)
DEADLINE = datetime.date(2026, 12, 29)
TOOK_EFFECT = datetime.datetime(2027, 1, 1, 6, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(SUBMITTED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def fabrikam(clock, acme, acme_admin):
    make_catalog(acme)
    return make_customer(acme, acme_admin)


def downsell(company, actor, staff, *, cancel_by=DEADLINE) -> Agreement:
    """The seed's downsell, submitted and confirmed by the vendor: Scheduled."""
    agreement = submit_change(
        company,
        actor,
        {"S1": 200, "C1": 200},
        200,
        ChangeOrder.Kind.DOWNSELL,
        effective_on=BILLING,
        cancel_by=cancel_by,
    )
    return agreement_confirm(agreement=agreement, actor=staff)


def text(html: str) -> str:
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([,.;])", r"\1", words)  # "2027-01-01</span>, once" as read


def section(html: str, element_id: str) -> str:
    """The text of the element with this id (a section of the page), tags removed."""
    match = re.search(rf'<(section|tr) [^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no #{element_id} on the page"
    return text(match.group(2))


def page(client, company, user) -> str:
    client.force_login(user)  # again after the clock moved: the session's idle limit
    response = client.get(reverse("companies:detail", args=[company.pk]))
    assert response.status_code == 200
    return response.content.decode()


def permitted_users(html: str) -> str:
    return text(re.search(r"<dt>Permitted Users</dt><dd>(.*?)</dd>", html, re.S).group(1))


def test_the_seed_downsell_is_scheduled_beside_what_is_in_effect_until_its_date(
    client, clock, fabrikam, acme_admin, staff
):
    downsell(fabrikam, acme_admin, staff)

    html = page(client, fabrikam, acme_admin)

    now = section(html, "in-effect")
    assert now.startswith(
        "In effect now Version 1, in effect since 2026-11-30, until 2027-01-01 when version 2 "
        "takes effect. 350 seats"
    )
    assert "S1 — Email Security Cloud Gateway 350" in now
    assert "Total Monthly Fees USD 1,505.00" in now  # 350 × 3.20 + 350 × 1.10
    scheduled = section(html, "scheduled")
    assert scheduled.startswith(
        "Scheduled from 2027-01-01 Version 2, confirmed by the vendor on 2026-11-30; it takes "
        "effect on 2027-01-01. 200 seats 150 seats fewer than in effect now; Total Monthly "
        "Fees USD 555.00 lower"
    )
    assert "C1 — Continuity 200" in scheduled
    assert "Total Monthly Fees USD 950.00" in scheduled  # 200 × 3.50 + 200 × 1.25
    assert "Cancel downsell Possible until 2026-12-29." in scheduled
    cancel = reverse(
        "companies:downsell_cancel", args=[fabrikam.pk, fabrikam.agreements.get(version=2).pk]
    )
    assert html.count(f'action="{cancel}"') == 2  # in the column and in the Agreements row
    # The seats in effect are the customer's Permitted Users until the date.
    assert permitted_users(html) == "350 (200 from 2027-01-01)"
    assert section(html, "agreement-1").startswith("1 Active 2026-11-30 – 2027-01-01 ")
    assert section(html, "agreement-2").startswith("2 Scheduled from 2027-01-01 ")
    assert "until then the customer keeps" not in html

    # The scheduled job on the billing date: 200 in effect, version 1 superseded.
    clock.move_to(TOOK_EFFECT)
    assert versions_take_effect() == 1

    html = page(client, fabrikam, acme_admin)

    now = section(html, "in-effect")
    assert now.startswith("In effect now Version 2, in effect since 2027-01-01. 200 seats")
    assert "Total Monthly Fees USD 950.00" in now
    assert 'id="scheduled"' not in html
    assert "Scheduled from" not in section(html, "current")
    assert "Cancel downsell" not in html
    assert permitted_users(html) == "200"
    assert section(html, "agreement-1").startswith("1 Superseded 2026-11-30 – 2027-01-01 ")
    assert section(html, "agreement-2").startswith("2 Active from 2027-01-01 ")
    assert (
        "Agreement version 2 (200 seats) took effect on 2027-01-01; version 1 (350 seats) is "
        "superseded"
    ) in section(html, "history")

    # The job again changes nothing.
    assert versions_take_effect() == 0
    assert dict(fabrikam.agreements.values_list("version", "status")) == {
        1: "superseded",
        2: "active",
    }


def test_each_line_shows_its_term_billing_term_end_and_auto_renew(
    client, clock, fabrikam, acme_admin
):
    lines = fabrikam.agreements.get().lines
    # S1 on a 1-year commitment that has renewed once by itself; C1's ends, not renewed.
    lines.filter(code="S1").update(
        commitment="1y",
        billing="annual",
        term_start=datetime.date(2025, 3, 15),
        term_end=datetime.date(2026, 3, 15),
    )
    lines.filter(code="C1").update(auto_renew=False, term_end=datetime.date(2027, 2, 1))

    now = section(page(client, fabrikam, acme_admin), "in-effect")

    assert (
        "S1 — Email Security Cloud Gateway 350 1-year commitment Annual Renews on 2027-03-15 On "
        "USD 1,120.00 a month"
    ) in now
    assert "C1 — Continuity 350 Monthly Monthly Ends on 2027-02-01 Off USD 385.00 a month" in now


def test_a_one_time_charge_has_no_term(client, clock, fabrikam, acme_admin):
    line = AgreementLine.objects.get(agreement__company=fabrikam, code="C1")
    AgreementLine.objects.filter(pk=line.pk).update(
        term="one_time", commitment="", billing="", term_start=None, term_end=None
    )

    now = section(page(client, fabrikam, acme_admin), "in-effect")

    assert "C1 — Continuity 350 One-time charge — — — USD 385.00 once" in now


def test_before_the_first_sync_the_page_says_nothing_is_in_effect_yet(
    client, clock, acme, acme_admin
):
    make_catalog(acme)
    company = make_company(acme, "Contoso Pharmaceuticals", status="in_progress")
    make_version(company, acme_admin, {"S1": 682}, 682, Agreement.Status.NEW_ORDER_PENDING)

    html = page(client, company, acme_admin)

    assert "Nothing is in effect yet: the order is waiting for the vendor to provision it." in html
    ordered = section(html, "ordered")
    assert ordered.startswith(
        "Ordered, not in effect yet Version 1, New Order Pending: it takes effect when the "
        "vendor has provisioned it. 682 seats"
    )
    assert "S1 — Email Security Cloud Gateway 682 Monthly Monthly Set when provisioned" in ordered
    assert "In effect now" not in html
    assert section(html, "agreement-1").startswith("1 New Order Pending once synced ")


def test_a_change_waiting_for_the_vendor_leaves_what_is_in_effect_and_says_so(
    client, clock, fabrikam, acme_admin
):
    submit_change(
        fabrikam,
        acme_admin,
        {"S1": 200, "C1": 200},
        200,
        ChangeOrder.Kind.DOWNSELL,
        effective_on=BILLING,
        cancel_by=DEADLINE,
    )

    html = page(client, fabrikam, acme_admin)

    current = section(html, "current")
    assert (
        "Version 2 (Downsell Pending Order) is waiting for the vendor; once synced, it takes "
        "effect on 2027-01-01."
    ) in current
    assert section(html, "in-effect").startswith(
        "In effect now Version 1, in effect since 2026-11-30. 350 seats"
    )
    assert 'id="scheduled"' not in html
    assert permitted_users(html) == "350"
    assert section(html, "agreement-2").startswith(
        "2 Downsell Pending Order from 2027-01-01, once synced "
    )


def test_cancel_downsell_in_the_scheduled_column_keeps_what_is_in_effect(
    client, clock, fabrikam, acme_admin, staff
):
    agreement = downsell(fabrikam, acme_admin, staff)
    client.force_login(acme_admin)

    response = client.post(
        reverse("companies:downsell_cancel", args=[fabrikam.pk, agreement.pk]), follow=True
    )

    html = response.content.decode()
    assert "Downsell cancelled: agreement version 2 will not take effect" in html
    assert 'id="scheduled"' not in html
    # Version 1 no longer ends; version 2 was never in effect.
    assert section(html, "in-effect").startswith(
        "In effect now Version 1, in effect since 2026-11-30. 350 seats"
    )
    assert section(html, "agreement-1").startswith("1 Active from 2026-11-30 ")
    assert section(html, "agreement-2").startswith("2 Cancelled Cancelled by ")
    assert "never in effect" in section(html, "agreement-2")


def test_past_its_deadline_the_scheduled_column_says_why_it_cannot_be_cancelled(
    client, clock, fabrikam, acme_admin, staff
):
    agreement = downsell(fabrikam, acme_admin, staff)
    clock.move_to(datetime.datetime(2026, 12, 30, 12, tzinfo=datetime.UTC))

    html = page(client, fabrikam, acme_admin)

    scheduled = section(html, "scheduled")
    assert (
        "Cancel downsell The deadline to cancel was 2026-12-29 (3 days before the billing "
        "date 2027-01-01)."
    ) in scheduled
    assert '<button type="button" disabled aria-describedby="scheduled-cancel-why">' in html
    cancel = reverse("companies:downsell_cancel", args=[fabrikam.pk, agreement.pk])
    assert f'action="{cancel}"' not in html


def test_a_rejected_version_was_never_in_effect(client, clock, fabrikam, acme_admin, staff):
    upsell = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )
    agreement_reject(agreement=upsell, actor=staff, reason="Seat limit of the contract")

    html = page(client, fabrikam, acme_admin)

    assert section(html, "agreement-2").startswith(
        "2 Rejected Seat limit of the contract never in effect "
    )
    assert section(html, "agreement-1").startswith("1 Active from 2026-11-30 ")


def test_the_sync_mail_of_a_scheduled_downsell_says_when_and_what_is_in_effect_now(
    clock, fabrikam, acme_admin, staff
):
    downsell(fabrikam, acme_admin, staff)

    mail = OutgoingMessage.objects.get(template="provisioning_synced")

    assert mail.subject == (
        "Synced: Fabrikam Logistics, agreement version 2 is Scheduled from 2027-01-01"
    )
    body = " ".join(mail.text_body.split())
    assert (
        "agreement version 2 (200 seats) is Scheduled from 1 January 2027, the next billing date."
    ) in body
    assert "In effect now: version 1 (350 seats), until 1 January 2027." in body
    assert "The downsell can be cancelled on the customer's page until 29 December 2026." in body
    assert " is Active" not in body
    html = " ".join(mail.html_body.split())
    assert "<strong>Scheduled from 1 January 2027</strong>" in html
    assert "<strong>In effect now</strong>: version 1 (350 seats)" in html


def test_the_sync_mail_of_a_change_in_effect_at_once_says_it_is_active(
    clock, fabrikam, acme_admin, staff
):
    upsell = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )
    agreement_confirm(agreement=upsell, actor=staff)

    mail = OutgoingMessage.objects.get(template="provisioning_synced")

    assert mail.subject == "Synced: Fabrikam Logistics, agreement version 2 is Active"
    body = " ".join(mail.text_body.split())
    assert "agreement version 2 (400 seats) is Active, in effect now." in body
    assert "Scheduled" not in body


def test_another_msps_customer_page_is_not_found(
    client, clock, fabrikam, acme_admin, staff, outsider
):
    downsell(fabrikam, acme_admin, staff)
    client.force_login(outsider)

    response = client.get(reverse("companies:detail", args=[fabrikam.pk]))

    assert response.status_code == 404


def test_a_scheduled_version_costs_no_more_queries(
    client, clock, acme, fabrikam, acme_admin, staff
):
    plain = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    downsell(fabrikam, acme_admin, staff)
    client.force_login(acme_admin)

    def queries(company) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("companies:detail", args=[company.pk]))
        return len(captured)

    queries(plain)  # the session's first read
    # Not one more (one fewer: Change Options, closed while a version is scheduled, does not
    # look the products up on the price list).
    assert queries(fabrikam) <= queries(plain)


def downsell_items(user, today: datetime.date) -> list[str]:
    found = [a for a in attention_for(user, today=today) if a.key == "downsells"]
    return [item.note for attention in found for item in attention.items]


def test_home_lists_a_scheduled_downsell_until_its_deadline_and_not_once_in_effect(
    clock, fabrikam, acme_admin, staff
):
    downsell(fabrikam, acme_admin, staff)
    note = "Cancel downsell by 2026-12-29 (350 → 200 seats, takes effect 2027-01-01)"

    assert downsell_items(acme_admin, datetime.date(2026, 11, 30)) == [note]
    assert downsell_items(acme_admin, DEADLINE) == [note]
    assert downsell_items(acme_admin, DEADLINE + datetime.timedelta(days=1)) == []

    clock.move_to(TOOK_EFFECT)
    versions_take_effect()
    assert downsell_items(acme_admin, datetime.date(2026, 11, 30)) == []
