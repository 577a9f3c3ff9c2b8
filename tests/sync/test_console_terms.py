"""The vendor console's terms: each product's term policy, changed by vendor staff with its
history, and a customer's time line of agreement versions with the terms of their lines."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.catalog.models import Product
from portal.changes.downsell import downsell_cancel
from portal.companies.models import Agreement
from portal.companies.schedule import versions_take_effect
from portal.core.history import history_for
from portal.core.navigation import menu_for
from portal.sync.callbacks import staff_settle
from portal.sync.timeline import timeline_of
from tests.fixtures.customers import make_customer

POLICIES = "admin:catalog_producttermpolicy_changelist"
POLICY = "admin:catalog_producttermpolicy_change"
TIMELINE = "admin:companies_agreement_timeline"

Status = Agreement.Status


def field_row(html: str, name: str) -> str:
    """The console form's row of one field: its label, input, help and messages."""
    start = html.index(f"field-{name}")
    end = html.find('<div class="form-row', start)
    return html[start : end if end > 0 else None]


def text_of(html: str) -> str:
    """The words of a piece of the page, one space between them."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def policy_data(**changes) -> dict:
    data = {
        "terms_offered": ["monthly", "1y"],
        "cancellation_days": "7",
        "fewer_seats": "renewal",
        "renewal_deadline_days": "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# The products' term policy


def test_staff_see_each_products_term_policy_but_no_one_time_charge(client, staff, catalog):
    Product.objects.filter(code="C1").update(
        terms_offered=["monthly", "1y", "3y"],
        cancellation_days=1,
        fewer_seats="billing",
        renewal_deadline_days=14,
    )
    client.force_login(staff)

    html = client.get(reverse(POLICIES)).content.decode()

    table = html[html.index('id="result_list"') : html.index("</table>", html.index("result_list"))]
    rows = [text_of(row) for row in re.findall(r"<tr[^>]*>.*?</tr>", table, re.S)[1:]]
    assert rows[0] == (
        "S1 — Email Security Cloud Gateway Per month, billed monthly "
        "Monthly, 1-year commitment 7 days Only at renewal 1 day before term end"
    )
    assert rows[2] == (
        "C1 — Continuity Per month, billed monthly "
        "Monthly, 1-year commitment, 3-year commitment 1 day At the next billing date "
        "14 days before term end"
    )
    assert "A3 — Archive 10-Year Per year, billed annually" in rows[4]
    assert "OB1" not in html  # a one-time charge has no term
    assert len(rows) == 5


def test_staff_change_a_products_term_policy_and_the_history_keeps_before_and_after(
    client, staff, catalog
):
    s1 = catalog["S1"]
    client.force_login(staff)

    response = client.post(
        reverse(POLICY, args=[s1.pk]),
        policy_data(
            terms_offered=["3y", "1y"],
            cancellation_days="14",
            fewer_seats="billing",
            renewal_deadline_days="3",
        ),
        follow=True,
    )

    s1.refresh_from_db()
    assert (
        s1.terms_offered,
        s1.cancellation_days,
        s1.fewer_seats,
        s1.renewal_deadline_days,
    ) == (["1y", "3y"], 14, "billing", 3)
    said = [re.sub(r"<[^>]+>", "", unescape(str(m))) for m in get_messages(response.wsgi_request)]
    assert said == [
        "The product's term policy “S1 — Email Security Cloud Gateway” was changed successfully."
    ]
    entry = history_for(s1).get()
    assert (entry.actor, entry.action, entry.summary, entry.partner) == (
        staff,
        "update",
        "Term policy of S1 changed",
        None,
    )
    assert entry.changes == {
        "terms_offered": ["Monthly, 1-year commitment", "1-year commitment, 3-year commitment"],
        "cancellation_days": [7, 14],
        "fewer_seats": ["Only at renewal", "At the next billing date"],
        "renewal_deadline_days": [1, 3],
    }
    # The page says what changed, and by whom.
    page = client.get(reverse(POLICY, args=[s1.pk])).content.decode()
    assert (
        "cancellation window (days) 7 → 14; fewer seats of a commitment Only at renewal → "
        "At the next billing date"
    ) in text_of(field_row(page, "policy_history"))


def test_saving_the_policy_unchanged_writes_no_history(client, staff, catalog):
    client.force_login(staff)

    client.post(reverse(POLICY, args=[catalog["S1"].pk]), policy_data(), follow=True)

    assert not history_for(catalog["S1"]).exists()


@pytest.mark.parametrize(
    "changes, field, said",
    [
        (
            {"terms_offered": None},
            "terms_offered",
            "Offer at least one term: Monthly, 1-year or 3-year commitment.",
        ),
        (
            {"terms_offered": ["monthly", "2y"]},
            "terms_offered",
            "Offer at least one term: Monthly, 1-year or 3-year commitment.",
        ),
        *(
            (
                {"cancellation_days": days},
                "cancellation_days",
                "Enter the number of days, a whole number from 0 to 90.",
            )
            for days in ("91", "-1", "7.5", "a week", "")
        ),
        (
            {"fewer_seats": None},
            "fewer_seats",
            "Choose when the seats of a commitment may go down.",
        ),
        (
            {"fewer_seats": "never"},
            "fewer_seats",
            "Select a valid choice. never is not one of the available choices.",
        ),
    ],
)
def test_bad_input_is_said_next_to_its_field_and_nothing_is_saved(
    client, staff, catalog, changes, field, said
):
    s1 = catalog["S1"]
    client.force_login(staff)

    response = client.post(reverse(POLICY, args=[s1.pk]), policy_data(**changes))

    assert response.status_code == 200
    assert said in text_of(field_row(response.content.decode(), field))
    s1.refresh_from_db()
    assert (s1.terms_offered, s1.cancellation_days, s1.fewer_seats) == (
        ["monthly", "1y"],
        7,
        "renewal",
    )
    assert not history_for(s1).exists()


def test_the_edges_of_the_window_are_allowed(client, staff, catalog):
    client.force_login(staff)

    for days in (0, 90):
        client.post(
            reverse(POLICY, args=[catalog["S1"].pk]), policy_data(cancellation_days=str(days))
        )
        catalog["S1"].refresh_from_db()
        assert catalog["S1"].cancellation_days == days


def test_the_product_page_shows_the_policy_and_sends_changes_to_its_own_page(
    client, staff, catalog
):
    s1 = catalog["S1"]
    client.force_login(staff)

    html = client.get(reverse("admin:catalog_product_change", args=[s1.pk])).content.decode()
    # Posting the product page as it is leaves the policy alone.
    Product.objects.filter(pk=s1.pk).update(cancellation_days=30)
    client.post(
        reverse("admin:catalog_product_change", args=[s1.pk]),
        {
            "code": "S1",
            "name": "Email Security Cloud Gateway",
            "kind": "primary",
            "charge": "per_seat",
            "term": "monthly",
            "is_active": "on",
            "position": "10",
        },
    )

    assert 'name="cancellation_days"' not in html
    assert 'name="terms_offered"' not in html
    assert (
        "Monthly, 1-year commitment; cancellation window 7 days; fewer seats of a commitment: "
        "only at renewal; renewal deadline 1 day before term end. Change the term policy"
    ) in text_of(html)
    assert f'href="{reverse(POLICY, args=[s1.pk])}"' in html
    s1.refresh_from_db()
    assert s1.cancellation_days == 30


def test_msp_users_never_reach_the_term_policy(client, acme_admin, catalog):
    s1 = catalog["S1"]
    client.force_login(acme_admin)

    listing = client.get(reverse(POLICIES))
    post = client.post(reverse(POLICY, args=[s1.pk]), policy_data(cancellation_days="30"))

    # As every page of the console: its sign-in, which tells them it is not theirs.
    for response in (listing, post):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    s1.refresh_from_db()
    assert s1.cancellation_days == 7
    assert not history_for(s1).exists()
    menu = [url for _section, entries in menu_for(acme_admin) for _label, url in entries]
    assert not any(url.startswith("/admin/") for url in menu)


# A customer's time line


@pytest.fixture
def fabrikam(acme, acme_admin, price_list):
    """Fabrikam, 350 seats since 2026-11-02 on monthly terms, billed on the 1st; S1 can be
    cancelled within 14 days, C1 within 7."""
    Product.objects.filter(code="S1").update(cancellation_days=14)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)):
        company = make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)
    company.next_billing_date = datetime.date(2026, 12, 1)
    company.save(update_fields=["next_billing_date"])
    return company


@pytest.fixture
def fabrikam_downsell(fabrikam, staff, submit_change):
    """Fabrikam's downsell to 200 seats, submitted on 2026-11-20 and synced by vendor staff:
    Scheduled from the billing date, 2026-12-01."""
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)):
        request = submit_change(fabrikam, "200")
        staff_settle(request=request, outcome="synced", reason="", actor=staff)
    return fabrikam


def test_staff_mark_a_downsell_as_synced_and_are_told_it_is_scheduled(
    client, staff, fabrikam, submit_change
):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)):
        downsell = submit_change(fabrikam, "200").agreement
        client.force_login(staff)
        response = client.post(
            reverse("admin:companies_agreement_changelist"),
            {"action": "confirm_selected", "_selected_action": [downsell.pk]},
            follow=True,
        )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 agreement version marked as synced, taking effect later (Scheduled): "
        "Fabrikam Logistics v2 from 2026-12-01."
    ]
    downsell.refresh_from_db()
    assert downsell.status == Status.SCHEDULED


def section(html: str, name: str) -> str:
    """The words of one period of the time line (ahead, now, before, apart)."""
    start = html.index(f'id="period-{name}"')
    start = html.index(">", start) + 1
    end = html.find("</section>", start)
    return text_of(html[start:end])


def test_the_time_line_shows_a_scheduled_downsell_ahead_and_the_version_in_effect_until_then(
    client, staff, fabrikam_downsell
):
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC)):
        client.force_login(staff)
        html = client.get(reverse(TIMELINE, args=[fabrikam_downsell.pk])).content.decode()

    assert "<h1>Time line of Fabrikam Logistics</h1>" in html
    assert section(html, "ahead") == (
        "Ahead Version 2 Scheduled In effect From 2026-12-01, with no end Seats 200 "
        "Kind Downsell Submitted 2026-11-20 10:00 by admin@acme.test "
        "Synced 2026-11-20 10:00 by staff@vendor.test (vendor staff) "
        "Cancel downsell The MSP can cancel it until 2026-11-28 "
        "Terms of version 2 Product Seats Term Billing Term start Term end Auto-renew "
        "Cancellation window ends "
        "S1 — Email Security Cloud Gateway 200 Monthly Monthly 2026-11-02 2026-12-02 Yes "
        "2026-11-16 "
        "C1 — Continuity 200 Monthly Monthly 2026-11-02 2026-12-02 Yes 2026-11-09"
    )
    assert section(html, "now") == (
        "In effect now (today, 2026-11-25) Version 1 Active "
        "In effect From 2026-11-02 until 2026-12-01 Seats 350 Kind New order "
        "Submitted 2026-11-02 09:00 by admin@acme.test Synced 2026-11-02 09:00 "
        "Terms of version 1 Product Seats Term Billing Term start Term end Auto-renew "
        "Cancellation window ends "
        "S1 — Email Security Cloud Gateway 350 Monthly Monthly 2026-11-02 2026-12-02 Yes "
        "2026-11-16 "
        "C1 — Continuity 350 Monthly Monthly 2026-11-02 2026-12-02 Yes 2026-11-09"
    )
    assert 'id="period-before"' not in html
    assert 'id="period-apart"' not in html


def test_on_its_date_the_downsell_is_in_effect_and_version_1_before_it(
    client, staff, fabrikam_downsell
):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 6, tzinfo=datetime.UTC)):
        versions_take_effect()
        client.force_login(staff)  # a sign-in of that day: the console's session is short
        html = client.get(reverse(TIMELINE, args=[fabrikam_downsell.pk])).content.decode()

    assert section(html, "ahead") == (
        "Ahead Nothing scheduled, and nothing waiting for the vendor."
    )
    assert section(html, "now").startswith(
        "In effect now (today, 2026-12-01) Version 2 Active In effect From 2026-12-01, "
        "with no end Seats 200"
    )
    assert section(html, "before").startswith(
        "Before Version 1 Superseded In effect From 2026-11-02 until 2026-12-01 Seats 350"
    )


def test_a_cancelled_downsell_is_shown_apart_and_version_1_no_longer_ends(
    client, staff, acme_admin, fabrikam_downsell
):
    downsell = fabrikam_downsell.agreements.get(version=2)
    with time_machine.travel(datetime.datetime(2026, 11, 26, 10, tzinfo=datetime.UTC)):
        downsell_cancel(agreement=downsell, actor=acme_admin)
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)):
        client.force_login(staff)
        html = client.get(reverse(TIMELINE, args=[fabrikam_downsell.pk])).content.decode()

    assert section(html, "ahead") == (
        "Ahead Nothing scheduled, and nothing waiting for the vendor."
    )
    assert "From 2026-11-02, with no end Seats 350" in section(html, "now")
    apart = section(html, "apart")
    assert apart.startswith(
        "Cancelled and rejected Never in effect: not part of the time line above. "
        "Version 2 Cancelled In effect Was to take effect on 2026-12-01; never in effect "
        "Seats 200 Kind Downsell"
    )
    assert "Reason Cancelled by admin@acme.test" in apart
    assert "Cancel downsell" not in apart


def test_a_pending_change_is_ahead_waiting_for_the_vendor(
    client, staff, acme, acme_admin, price_list, submit_change
):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)):
        company = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
        submit_change(company, "700")
    client.force_login(staff)

    html = client.get(reverse(TIMELINE, args=[company.pk])).content.decode()

    assert section(html, "ahead").startswith(
        "Ahead Version 2 Upsell Pending Order In effect Expected from 2026-11-02, once the "
        "vendor confirms it Seats 700 Kind Upsell Submitted 2026-11-02 09:00 by admin@acme.test "
        "Synced Not yet: waiting for the vendor"
    )
    assert "S1 — Email Security Cloud Gateway 700 Monthly Monthly 2026-11-02" in section(
        html, "ahead"
    )


def test_the_time_line_reads_every_version_in_the_same_few_queries(
    staff, acme_admin, fabrikam_downsell, django_assert_num_queries
):
    downsell = fabrikam_downsell.agreements.get(version=2)
    downsell_cancel(agreement=downsell, actor=acme_admin, today=datetime.date(2026, 11, 21))

    with django_assert_num_queries(4):
        timeline = timeline_of(fabrikam_downsell, today=datetime.date(2026, 11, 21))
        [line.cancel_until for v in timeline.apart for line in v.lines]

    assert [v.version for v in timeline.apart] == [2]
    assert timeline.now.version == 1


def test_staff_reach_the_time_line_from_the_requests_the_agreements_and_the_company(
    client, staff, fabrikam_downsell
):
    client.force_login(staff)
    url = reverse(TIMELINE, args=[fabrikam_downsell.pk])
    downsell = fabrikam_downsell.agreements.get(version=2)
    request = downsell.provisioning_requests.get()
    pages = [
        reverse("admin:sync_provisioningrequest_changelist"),
        reverse("admin:sync_provisioningrequest_change", args=[request.pk]),
        reverse("admin:companies_agreement_changelist"),
        reverse("admin:companies_agreement_change", args=[downsell.pk]),
        reverse("admin:companies_company_change", args=[fabrikam_downsell.pk]),
    ]

    for page in pages:
        assert f'href="{url}"' in client.get(page).content.decode(), page


def test_only_vendor_staff_see_a_time_line(client, acme_admin, outsider, staff, fabrikam_downsell):
    url = reverse(TIMELINE, args=[fabrikam_downsell.pk])

    anonymous = client.get(url)
    for user in (acme_admin, outsider):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    client.force_login(staff)
    missing = client.get(reverse(TIMELINE, args=[fabrikam_downsell.pk + 1000]))

    assert anonymous.status_code == 302
    assert missing.status_code == 404


def test_a_company_without_versions_says_so(client, staff, prospect):
    client.force_login(staff)

    html = client.get(reverse(TIMELINE, args=[prospect.pk])).content.decode()

    assert "No agreement versions yet: the company has not ordered." in html


def test_staff_mark_an_upsell_as_synced_from_the_agreements_list(
    client, staff, acme, acme_admin, price_list, submit_change
):
    # The version has its provisioning request: settled through it, as the vendor would.
    company = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    upsell = submit_change(company, "700").agreement
    client.force_login(staff)

    response = client.post(
        reverse("admin:companies_agreement_changelist"),
        {"action": "confirm_selected", "_selected_action": [upsell.pk]},
        follow=True,
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 agreement version marked as synced (Active): Northwind Traders v2."
    ]
    assert upsell.provisioning_requests.get().status == "synced"
