"""Customers | Reconciliation: licensed, used and billed side by side, sorted by money at stake,
with its filters, search and exports, and the two fixes: True up and Bill these seats."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from portal.changes.models import ChangeOrder
from portal.core.models import HistoryEntry
from portal.sync.simulator import simulate_confirmation
from portal.usage.billing import Billed, billed_seats_set
from portal.usage.models import Reconciliation
from portal.usage.reconciliation import refresh_due
from tests.fixtures.clock import made_on
from tests.fixtures.customers import usage_reported

URL = "/customers/reconciliation/"
DAY = datetime.date(2026, 11, 30)
_clock = made_on(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC))


def usage(company, product, in_use, day=DAY):
    usage_reported(company, product, day, in_use)


@pytest.fixture
def drifting(northwind, fabrikam, catalog, acme_admin):
    usage(northwind, catalog["S1"], 700)  # 18 above the 682 licensed
    usage(fabrikam, catalog["S1"], 200)  # 150 of 350 unused
    usage(fabrikam, catalog["C1"], 350)
    billed_seats_set(
        [Billed(fabrikam, catalog["C1"], 340)], actor=acme_admin, source="entered"
    )  # 10 not billed
    refresh_due()
    return northwind, fabrikam


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_rows_are_sorted_by_money_at_stake(client, acme_admin, drifting):
    northwind, fabrikam = drifting
    client.force_login(acme_admin)

    html = page(client)

    # Fabrikam's 150 unused S1 at 3.20 (480.00) comes before Northwind's 18 at 2.95 (53.10).
    assert html.index("Fabrikam Logistics") < html.index("Northwind Traders")
    assert "USD 480.00" in html
    assert "USD 53.10" in html
    assert "18 used above licensed: true-up due" in html
    assert "150 licensed unused: reduce from" in html
    assert "10 used not billed" in html


def test_the_filters_leave_one_kind_of_difference(client, acme_admin, drifting):
    client.force_login(acme_admin)

    html = page(client, show="above")

    assert "Northwind Traders" in html
    assert "Fabrikam Logistics" not in html
    assert "Northwind Traders" not in page(client, q="fabri")
    assert "Fabrikam Logistics" in page(client, show="unbilled")


def test_a_bad_filter_is_said_next_to_it(client, acme_admin, drifting):
    client.force_login(acme_admin)

    response = client.get(URL, {"show": "everything"})

    assert response.status_code == 400
    assert "Show: choose one kind of difference." in response.content.decode()


def test_another_msps_rows_are_never_listed(client, outsider, drifting):
    client.force_login(outsider)

    html = page(client)

    assert "Northwind" not in html
    assert "Fabrikam" not in html


def test_the_export_lists_every_row_with_its_figures(client, acme_admin, drifting):
    client.force_login(acme_admin)

    response = client.get(reverse("customers:reconciliation_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert rows[0][:4] == ["Customer ID", "Company Name", "Domain", "Product"]
    found = {(row[1], row[3]): row for row in rows[1:]}
    assert found[("Northwind Traders", "S1")][4:6] == ["682", "700"]
    assert found[("Fabrikam Logistics", "S1")][13] == "480.00"


def test_bill_these_seats_exports_the_unbilled_seats_and_logs_them(client, acme_admin, drifting):
    _, fabrikam = drifting
    client.force_login(acme_admin)

    response = client.post(reverse("customers:bill_seats"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert [row[:7] for row in rows[1:]] == [
        ["Fabrikam Logistics", "fabrikam.example", "C1", "350", "2026-11-30", "340", "10"]
    ]
    entry = HistoryEntry.objects.get(object_id=fabrikam.pk, summary__startswith="Bill these")
    assert entry.summary == (
        "Bill these seats: 10 seats of C1 exported for the PSA (350 in use, 340 billed)"
    )


def test_true_up_opens_change_options_with_the_seats_in_use(client, acme_admin, drifting):
    northwind, _ = drifting
    row = Reconciliation.objects.get(company=northwind, code="S1")
    client.force_login(acme_admin)

    response = client.post(reverse("customers:true_up"), {"row": row.pk}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[0][0] == (
        f"/changes/customers/{northwind.pk}/?true_up=S1&seats=700"
    )
    assert 'name="seats" value="700"' in html
    assert "True up: S1 set from 682 to 700 seats" in html
    assert HistoryEntry.objects.filter(
        object_id=northwind.pk, summary__startswith="True up opened: S1 from 682"
    ).exists()


def test_true_up_of_another_msps_row_is_not_found(client, outsider, drifting):
    northwind, _ = drifting
    row = Reconciliation.objects.get(company=northwind, code="S1")
    client.force_login(outsider)

    assert client.post(reverse("customers:true_up"), {"row": row.pk}).status_code == 404


def test_a_true_up_upsell_goes_through_the_change_flow_and_clears_the_drift(
    client, acme_admin, drifting, catalog, submit_change
):
    northwind, _ = drifting
    client.force_login(acme_admin)

    request = submit_change(northwind, "700")
    assert request.agreement.get_status_display() == "Upsell Pending Order"
    simulate_confirmation(request_id=request.pk)  # the vendor provisions it
    usage(northwind, catalog["S1"], 700, day=DAY + datetime.timedelta(days=1))
    html = page(client)

    row = Reconciliation.objects.get(company=northwind, code="S1")
    assert (row.licensed, row.used, row.above, row.at_stake) == (700, 700, 0, 0)
    assert "18 used above licensed" not in html


def test_a_true_up_reduction_is_priced_in_change_options_at_the_seeds_prices(
    client, acme_admin, drifting
):
    _, fabrikam = drifting
    row = Reconciliation.objects.get(company=fabrikam, code="S1")
    client.force_login(acme_admin)

    html = client.post(reverse("customers:true_up"), {"row": row.pk}, follow=True)
    html = html.content.decode()

    assert 'name="seats" value="200"' in html
    # 350 → 200 seats: S1 moves down to the 1–249 tier (USD 3.50), C1 follows the total.
    assert "USD 700.00" in html
    assert "USD 950.00" in html


def test_a_true_up_reduction_is_a_downsell_from_the_next_billing_date(
    client, acme_admin, drifting, submit_change
):
    _, fabrikam = drifting
    row = Reconciliation.objects.get(company=fabrikam, code="S1")
    client.force_login(acme_admin)
    html = client.post(reverse("customers:true_up"), {"row": row.pk}, follow=True)
    assert 'name="seats" value="200"' in html.content.decode()

    request = submit_change(fabrikam, "200")  # what True up filled in, reviewed and submitted

    change = ChangeOrder.objects.get(agreement=request.agreement)
    assert change.kind == ChangeOrder.Kind.DOWNSELL
    assert change.effective_on == fabrikam.next_billing_date  # the seeds' 350 → 200
    assert "150 licensed unused: reduce from 2030-01-01 (next billing date)" in page(client)


def test_the_name_sort_the_search_and_the_lead_filter_follow_the_company(
    client, acme_admin, drifting
):
    northwind, fabrikam = drifting
    client.force_login(acme_admin)
    html = page(client, sort="name")
    assert html.index("Fabrikam Logistics") < html.index("Northwind Traders")
    assert "Fabrikam Logistics" in page(client, lead=str(acme_admin.pk))

    # The rows keep copies of the name and the lead: they follow, whatever changes them.
    fabrikam.name = "Zenith Logistics"
    fabrikam.implementation_lead = None
    fabrikam.save()

    html = page(client, sort="name")
    assert html.index("Northwind Traders") < html.index("Zenith Logistics")
    assert "Zenith Logistics" in page(client, q="zenith")
    assert "Zenith Logistics" not in page(client, q="fabri")
    html = page(client, lead=str(acme_admin.pk))
    assert "Northwind Traders" in html
    assert "Zenith Logistics" not in html
    assert "Zenith Logistics" not in page(client, mine="1")
    rows = Reconciliation.objects.filter(company=fabrikam)
    assert set(rows.values_list("name_key", "implementation_lead")) == {("zenith logistics", None)}
