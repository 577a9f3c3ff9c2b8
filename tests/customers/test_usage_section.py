"""The customer page's Usage: per per-seat product, the last 90 days of seats in use (the
vendor's figures) against the seats licensed each day (a step where a version changed them),
the latest figure in words and every figure in a table; one line when nothing was reported; a
fixed number of queries; another partner's figures never.

Northwind Traders had 600 seats of S1 from 2026-08-01, 682 from 2026-11-01; the clock stands
at 2026-12-01, so the section shows 2026-09-02 to 2026-11-30.
"""

import datetime
import html as markup
import re
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, Company
from portal.companies.services import agreement_create
from portal.customers.usage_section import usage_section
from portal.pricing import price_order
from portal.usage.models import UsageReport
from portal.usage.reports import read, store
from tests.fixtures.factories import make_company

TODAY = datetime.date(2026, 12, 1)
FIRST, LAST = datetime.date(2026, 9, 2), datetime.date(2026, 11, 30)
RAISED = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def version(company, actor, quantities: dict, since, until=None) -> Agreement:
    agreement = agreement_create(
        company=company,
        lines=list(price_order(price_table_for(partner=company.partner), quantities).lines),
        status=Agreement.Status.ACTIVE,
        total_users=max(quantities.values()),
        currency=company.partner.currency,
        actor=actor,
        effective_from=since,
    )
    if until:
        Agreement.objects.filter(pk=agreement.pk).update(
            status=Agreement.Status.SUPERSEDED, effective_until=until
        )
    return agreement


def customer(partner, name: str) -> Company:
    return make_company(
        partner, name, domain=name.split()[0].lower() + ".example", status="complete"
    )


@pytest.fixture
def northwind(acme, acme_admin, price_list):
    company = customer(acme, "Northwind Traders")
    version(company, acme_admin, {"S1": 600}, datetime.date(2026, 8, 1), until=RAISED)
    version(company, acme_admin, {"S1": 682}, RAISED)
    return company


def days(first=FIRST, last=LAST):
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def report(company, figures: dict[tuple[str, datetime.date], int]) -> None:
    """The vendor's report of these figures, through the reports' own checks."""
    taken, problems = read(
        {
            "report_id": str(uuid.uuid4()),
            "reported_at": "2026-12-01T06:00:00+00:00",
            "partner_id": company.partner_id,
            "figures": [
                {"customer_id": company.pk, "product": code, "day": f"{day}", "in_use": in_use}
                for (code, day), in_use in figures.items()
            ],
        }
    )
    assert not problems
    store(taken, UsageReport.Source.VENDOR)


def page(client, user, company) -> str:
    client.force_login(user)
    response = client.get(reverse("companies:detail", args=[company.pk]))
    assert response.status_code == 200
    return response.content.decode()


def usage_html(html: str) -> str:
    match = re.search(r'<section class="card" id="usage".*?</section>', html, re.S)
    assert match, "no Usage section on the page"
    return match.group(0)


def text(html: str) -> str:
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def test_the_chart_draws_seats_in_use_against_the_seats_licensed(client, acme_admin, northwind):
    report(northwind, {("S1", day): 640 + n % 3 for n, day in enumerate(days())})

    html = usage_html(page(client, acme_admin, northwind))

    (chart,) = re.findall(r"<svg .*?</svg>", html, re.S)
    assert 'role="img"' in chart
    assert '<title id="usage-s1-t">S1 Email Security Cloud Gateway: seats in use and' in chart
    licensed = re.search(r'class="chart-line chart-licensed" points="([^"]+)"', chart).group(1)
    in_use = re.search(r'class="chart-line chart-in-use" points="([^"]+)"', chart).group(1)
    # Licensed is a step: level at 600, up to 682 between Oct 31 and Nov 1, level again.
    assert len(licensed.split()) == 4
    (_, low), (step_x, low_again), (step_x_again, high), (_, high_again) = (
        point.split(",") for point in licensed.split()
    )
    assert (low, step_x, high) == (low_again, step_x_again, high_again)
    assert float(high) < float(low)  # more seats, higher up
    assert len(in_use.split()) == 90  # a point a day
    assert "<title>2026-11-30: 682</title>" in chart  # the last day's dots
    assert "<title>2026-11-30: 642</title>" in chart


def test_the_latest_figure_is_said_with_its_day_and_the_licence(client, acme_admin, northwind):
    report(northwind, {("S1", datetime.date(2026, 11, 28)): 690})

    section = text(usage_html(page(client, acme_admin, northwind)))

    assert "690 in use on 2026-11-28: 8 more than the 682 licensed." in section


def test_every_figure_is_in_the_table_under_the_chart_newest_first(client, acme_admin, northwind):
    report(
        northwind,
        {("S1", datetime.date(2026, 10, 31)): 590, ("S1", datetime.date(2026, 11, 30)): 700},
    )

    html = usage_html(page(client, acme_admin, northwind))

    table = re.search(r"<details class=\"chart-figures\">.*?</details>", html, re.S).group(0)
    rows = [text(row) for row in re.findall(r"<tr>.*?</tr>", table, re.S)]
    assert rows[0] == "Day In use Licensed Difference"
    assert len(rows) == 1 + 90
    assert rows[1] == "2026-11-30 700 682 +18"
    assert "2026-10-31 590 600 -10" in rows
    assert "2026-11-29 — 682 —" in rows  # a day not reported


def test_a_product_reported_but_not_licensed_is_drawn_against_none(client, acme_admin, northwind):
    report(northwind, {("C1", LAST): 25, ("S1", LAST): 682})

    section = text(usage_html(page(client, acme_admin, northwind)))

    assert "C1 Continuity" in section
    assert "25 in use on 2026-11-30, none licensed." in section
    assert "682 in use on 2026-11-30: as many as licensed." in section


def test_a_licensed_product_not_reported_says_so(client, acme_admin, acme, price_list):
    company = customer(acme, "Fabrikam Logistics")
    version(company, acme_admin, {"S1": 350, "C1": 350}, datetime.date(2026, 1, 1))
    report(company, {("S1", LAST): 351})

    section = text(usage_html(page(client, acme_admin, company)))

    assert "No usage reported in the last 90 days; 350 licensed." in section
    assert "351 in use on 2026-11-30: 1 more than the 350 licensed." in section


def test_a_customer_without_usage_reported_says_so_in_one_line(client, acme_admin, northwind):
    report(northwind, {("S1", FIRST - datetime.timedelta(days=1)): 600})  # before the 90 days

    html = usage_html(page(client, acme_admin, northwind))

    assert "<svg" not in html
    assert text(html).startswith(
        "Usage No usage reported in the last 90 days: the vendor's daily figures will show here."
        " Billed seats"
    )


def test_a_prospect_has_no_usage_section(client, acme_admin, acme):
    prospect = make_company(acme, "Contoso Pharmaceuticals", domain="contoso.example")

    assert 'id="usage"' not in page(client, acme_admin, prospect)


def test_the_section_takes_the_same_queries_however_many_days_and_products(
    acme, acme_admin, northwind, price_list
):
    def queries(company) -> int:
        with CaptureQueriesContext(connection) as captured:
            section = usage_section(company, TODAY)
        assert section["charts"]
        return len(captured)

    report(northwind, {("S1", LAST): 682})
    few = queries(northwind)
    many = customer(acme, "Fabrikam Logistics")
    for n, month in enumerate((6, 8, 9, 10, 11)):
        until = datetime.date(2026, month + 1, 1) if month < 11 else None
        version(
            many,
            acme_admin,
            {"S1": 350 + n, "C1": 350, "S2": 10},
            datetime.date(2026, month, 1),
            until,
        )
    report(
        many,
        {(code, day): 300 + n for n, day in enumerate(days()) for code in ("S1", "C1", "S2")},
    )

    # the versions 2, the figures 1, the billed seats 1, the products of their codes 1
    assert queries(many) == few == 5


def test_the_page_costs_no_more_queries_for_more_usage(client, acme_admin, acme, northwind):
    def queries(company) -> int:
        client.force_login(acme_admin)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("companies:detail", args=[company.pk]))
        assert response.status_code == 200
        return len(captured)

    report(northwind, {("S1", LAST): 682, ("C1", LAST): 4})
    before = queries(northwind)
    report(northwind, {("S1", day): 650 for day in days()} | {("C1", day): 5 for day in days()})

    assert queries(northwind) == before


def test_another_partners_figures_never_show(client, acme_admin, outsider, globex, northwind):
    report(northwind, {("S1", LAST): 690})
    initech = customer(globex, "Initech Holdings")
    # Globex's customer has the same product on the same days, and the id of Acme's customer
    # is nowhere in it: only the company's own figures are read.
    report(initech, {("S1", day): 4321 for day in days()})

    html = usage_html(page(client, acme_admin, northwind))

    assert "4321" not in html and "4,321" not in html
    assert client.get(reverse("companies:detail", args=[initech.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("companies:detail", args=[northwind.pk])).status_code == 404
