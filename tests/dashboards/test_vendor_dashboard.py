"""The vendor console's Dashboard: movements, top partners, orders and provisioning across
partners, for staff only; its figures are the partners' lines in effect; no MSP's own prices
or margins ever appear on it; each chart's figures download as CSV and XLSX."""

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from portal.accounts.models import Partner, User
from portal.dashboards.vendor import VendorDashboard
from portal.pricebook.models import SellingPrice
from portal.sync.models import ProvisioningRequest
from tests.dashboards.reconcile import expected_movements, fees_on

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/admin/dashboard/"


def test_staff_see_every_chart(client, demo_data, staff):
    client.force_login(staff)
    html = client.get(URL).content.decode()
    for title in [
        "Recurring fee movements (USD)",
        "Top partners by recurring fees (USD)",
        "New business and change orders",
        "Provisioning health",
    ]:
        assert f">{title}</h2>" in html
    assert html.count('<svg class="chart"') >= 2
    assert html.count('<details class="chart-figures">') == 4


def test_it_shows_no_msps_prices_or_margins(client, demo_data, staff):
    # given Acme's price book (the demo's) and a price of its own for a customer
    assert SellingPrice.objects.exists()
    client.force_login(staff)
    # when
    html = client.get(URL).content.decode().lower()
    # then
    assert "margin" not in html
    assert "your price" not in html
    assert "selling" not in html


def test_msp_users_are_sent_to_the_console_sign_in(client, demo_data):
    client.force_login(User.objects.get(email="admin@acme-msp.example"))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_nobody_is_sent_to_the_console_sign_in(client, db):
    assert client.get(URL)["Location"].startswith("/admin/login/")


def test_the_figures_are_every_partners_lines_in_effect(demo_data):
    dashboard = VendorDashboard(timezone.localdate())
    days = dashboard.window.days
    partners = list(Partner.objects.filter(currency="USD"))
    rows = dashboard.movements("USD").rows
    for n, row in enumerate(rows, 1):
        before, after = {}, {}
        for partner in partners:
            before |= fees_on(partner, days[n - 1])
            after |= fees_on(partner, days[n])
        assert row[1] == sum(after.values())
        moves = expected_movements(before, after)
        assert row[2:6] == [moves[k] for k in ("new", "expansion", "contraction", "lost")]
    top = dashboard.top_partners("USD").rows
    this_month = dashboard.window.this_month
    assert [row[2] for row in top] == sorted(
        (sum(fees_on(p, this_month).values()) for p in partners if fees_on(p, this_month)),
        reverse=True,
    )


def test_provisioning_health_counts_pending_failed_and_rejected(demo_data):
    dashboard = VendorDashboard(timezone.localdate())
    rows = dict(dashboard.provisioning().rows)
    pending = ProvisioningRequest.objects.filter(status__in=["queued", "sent"]).count()
    assert sum(n for label, n in rows.items() if label.startswith("Pending")) == pending
    assert (
        rows["Failed (delivery given up)"]
        == ProvisioningRequest.objects.filter(status="failed").count()
    )


def test_staff_download_each_charts_figures(client, demo_data, staff):
    client.force_login(staff)
    response = client.get("/admin/dashboard/figures.csv?chart=movements-usd")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Month", "Monthly recurring fees (USD)"]
    assert len(rows) == 13
    response = client.get("/admin/dashboard/figures.xlsx?chart=provisioning")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert next(sheet.iter_rows(values_only=True)) == ("Requests", "Count")
    assert client.get("/admin/dashboard/figures.csv?chart=recurring").status_code == 404


def test_the_page_links_each_charts_downloads(client, demo_data, staff):
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert 'href="/admin/dashboard/figures.csv?chart=orders"' in html
    assert 'href="/admin/dashboard/figures.xlsx?chart=partners-usd"' in html


def test_months_without_orders_say_so_rather_than_draw_an_empty_scale(client, demo_data, staff):
    from portal.changes.models import ChangeOrder
    from portal.orders.models import Order

    Order.objects.update(submitted_at=None)
    ChangeOrder.objects.update(submitted_at=None)
    client.force_login(staff)

    html = client.get(URL).content.decode()

    orders = html.split('id="orders"', 1)[1].split("</section>", 1)[0]
    assert "<svg" not in orders
    assert "No order submitted in the last 12 months." in orders
