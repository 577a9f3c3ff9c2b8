"""The Dashboard page: its charts drawn as SVG with a table of the same figures and their
downloads, for the MSP's own users only; vendor staff and strangers never see it."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.accounts.models import Partner, User

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/dashboard/"


def acme_admin_client(client):
    client.force_login(User.objects.get(email="admin@acme-msp.example"))
    return client


def test_it_draws_each_chart_with_its_figures_and_downloads(client, demo_data):
    response = acme_admin_client(client).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for title in [
        "Monthly recurring fees",
        "New, expansion, contraction and lost",
        "Seats by product",
        "Pipeline",
        "Renewals in the next 90 days",
    ]:
        assert f">{title}</h2>" in html
    assert html.count('<svg class="chart"') == 5
    assert html.count('<details class="chart-figures">') == 5
    assert 'href="/dashboard/figures.csv?chart=movements"' in html
    # A strict CSP: nothing inline.
    assert "style=" not in html.split("<main", 1)[1]


def test_the_menu_has_the_dashboard(client, demo_data):
    html = acme_admin_client(client).get(reverse("home")).content.decode()
    assert 'href="/dashboard/"' in html


def test_the_csv_has_the_tables_figures(client, demo_data):
    response = acme_admin_client(client).get("/dashboard/figures.csv?chart=seats")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Product", "Name", "Seats"]
    s1 = next(row for row in rows if row[0] == "S1")
    assert int(s1[2]) >= 682 + 350


def test_the_xlsx_has_amounts_as_numbers(client, demo_data):
    response = acme_admin_client(client).get("/dashboard/figures.xlsx?chart=recurring")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "At contracted cost (USD)"
    assert all(isinstance(row[1], (int, float, Decimal)) for row in rows[1:])


def test_an_unknown_chart_is_not_found(client, demo_data):
    assert acme_admin_client(client).get("/dashboard/figures.csv?chart=nope").status_code == 404


def test_it_shows_only_the_partners_own_figures(client, demo_data):
    # given Globex's Admin: one customer (Initech, 140 seats of S2)
    client.force_login(User.objects.get(email="admin@globex-msp.example"))
    # when
    response = client.get("/dashboard/figures.csv?chart=seats")
    # then
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1:] == [
        ["S2", "Email Security Cloud Integrated Suite", "140"]
    ]
    assert b"Northwind" not in client.get(URL).content


def test_vendor_staff_get_not_found(client, demo_data, staff):
    client.force_login(staff)
    assert client.get(URL).status_code == 404
    assert client.get("/dashboard/figures.csv").status_code == 404


def test_nobody_is_sent_to_sign_in(client, db):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_partner_currency_is_named(client, demo_data):
    html = acme_admin_client(client).get(URL).content.decode()
    assert Partner.objects.get(name="Acme IT Services").currency in html
