"""Terms and proration on a change (issue 17, items 2–4), on 20 November 2026 with the
customers' billing date 1 December 2026 (November: 30 days, 11 of them left).

At Acme's prices S1 is 2.95 a seat from 500 seats, C1 1.25 (1.10 from 250), A3 (Archive,
priced per year) 10.00 a seat.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from portal.catalog.models import Product
from portal.changes.addendum import change_addendum_pdf
from portal.changes.models import ChangeOrder
from portal.companies.lifecycle import agreement_confirm
from portal.companies.models import Agreement, AgreementLine
from tests.fixtures.customers import change_data, review_data

TODAY = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)
BILLING = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def on_terms(company, commitment: str, start: datetime.date, end: datetime.date) -> None:
    """The customer's lines on this term, billed on the 1st of each month."""
    company.next_billing_date = BILLING
    company.save(update_fields=["next_billing_date"])
    AgreementLine.objects.filter(agreement__company=company).update(
        commitment=commitment, term_start=start, term_end=end
    )


def monthly(company) -> None:
    on_terms(company, "monthly", datetime.date(2026, 11, 1), BILLING)


def one_year(company) -> None:
    on_terms(company, "1y", datetime.date(2026, 6, 30), datetime.date(2027, 6, 30))


def preview(client, company, **changes) -> str:
    url = reverse("changes:preview", args=[company.pk])
    return client.post(url, change_data(company, **changes)).content.decode()


def text(html: str) -> str:
    """The page's words, tags gone and white space made single."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rows(html: str, heading: str) -> list[list[str]]:
    section = html.split(f"<h4>{heading}</h4>")[1].split("</table>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row)]
        for row in re.findall(r"<tr.*?</tr>", section, re.S)
        if "<td" in row
    ]


def review_and_submit(client, company, **changes):
    """Review Order, then Submit what was reviewed; the review page's HTML and the change."""
    url = reverse("changes:start", args=[company.pk])
    review = client.post(url, {**change_data(company, **changes), "review": "1"})
    html = review.content.decode()
    page = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    client.post(url, {**page, **review_data(), "submit": "1"})
    return html, ChangeOrder.objects.get(status=ChangeOrder.Status.SUBMITTED)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_682_to_700_keeps_the_seed_figures_and_charges_18_seats_for_11_of_30_days(
    client, acme_admin, northwind
):
    # 700 x 2.95 = 2,065.00 a month, 53.10 more than 682 x 2.95 = 2,011.90; charged for
    # 20 November – 1 December: 53.10 x 11 / 30 = 19.47. Total Initial Fees 2,065.00 + 19.47.
    monthly(northwind)
    client.force_login(acme_admin)

    html = preview(client, northwind, seats="700")

    assert rows(html, "Changes to Existing Products") == [
        ["S1 — Email Security Cloud Gateway", "Monthly", "-682", "USD 2.95", "USD -2,011.90"],
        ["S1 — Email Security Cloud Gateway", "Monthly", "700", "USD 2.95", "USD 2,065.00"],
    ]
    words = text(html)
    assert "New Total Monthly Fees USD 2,065.00" in words
    assert (
        "Prorated charge to 2026-12-01 S1: USD 53.10 × 11/30 days USD 19.47 "
        "Total Initial Fees USD 2,084.47" in words
    )

    review, change = review_and_submit(client, northwind, seats="700")

    assert (
        "Total Monthly Fees USD 2,011.90 USD 2,065.00 "
        "Prorated charge to 2026-12-01 S1: USD 53.10 × 11/30 days — USD 19.47 "
        "Total Initial Fees USD 2,011.90 USD 2,084.47" in text(review)
    )
    [line] = change.lines.all()
    assert (line.payment, line.prorated_charge) == (Decimal("2065.00"), Decimal("19.47"))
    assert (line.period_start, line.period_end, line.prorated_from) == (
        datetime.date(2026, 11, 1),
        BILLING,
        datetime.date(2026, 11, 20),
    )
    addendum = pdf_text(change_addendum_pdf(change))
    assert "Total Monthly Fees USD 2,011.90 USD 2,065.00" in addendum
    assert "Prorated charge to 2026-12-01 S1: USD 53.10 × 11/30 days — USD 19.47" in addendum
    assert "Total Initial Fees USD 2,011.90 USD 2,084.47" in addendum
    assert "S1 – Email Security Cloud Gateway Monthly 2026-12-01" in addendum  # its term


def test_350_to_200_keeps_the_seed_figures_and_charges_nothing_before_the_billing_date(
    client, acme_admin, fabrikam
):
    monthly(fabrikam)
    client.force_login(acme_admin)

    html = preview(client, fabrikam, seats="200")

    changes = rows(html, "Changes to Existing Products")
    assert [row[2:] for row in changes] == [
        ["-350", "USD 3.20", "USD -1,120.00"],
        ["200", "USD 3.50", "USD 700.00"],
        ["-350", "USD 1.10", "USD -385.00"],
        ["200", "USD 1.25", "USD 250.00"],
    ]
    words = text(html)
    assert "Current Monthly Fees USD 1,505.00 New Total Monthly Fees USD 950.00" in words
    assert "Prorated charge" not in words
    assert "Total Initial Fees USD 950.00" in words

    _, change = review_and_submit(client, fabrikam, seats="200")

    assert change.kind == ChangeOrder.Kind.DOWNSELL and change.effective_on == BILLING
    assert [line.prorated_charge for line in change.lines.all()] == [None, None]
    assert change.agreement.effective_from == BILLING


def test_an_annual_commitment_refuses_a_seat_decrease_before_its_renewal(
    client, acme_admin, northwind
):
    one_year(northwind)
    client.force_login(acme_admin)
    refusal = "Seats of S1 on a 1-year commitment can go down only at renewal on 2027-06-30."

    form = client.get(reverse("changes:start", args=[northwind.pk])).content.decode()
    assert "S1 — Email Security Cloud Gateway 1-year commitment 2027-06-30 On" in text(form)
    html = preview(client, northwind, seats="600")
    # As the seats change, the preview puts the refusal next to the seats field.
    oob = '<div id="id_seats_error" aria-live="polite" hx-swap-oob="true">'
    assert f'{oob}<p class="error">{refusal}</p><p class="renewal-offer">' in html
    response = client.post(
        reverse("changes:start", args=[northwind.pk]),
        {**change_data(northwind, seats="600"), "save": "1"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    seats = page.split('<input type="number" name="seats"')[1].split("</div>")[1]
    assert f'<p class="error">{refusal}</p>' in seats  # next to the seats field
    assert not ChangeOrder.objects.exists()


def test_an_annual_commitment_may_add_seats_and_charges_them_to_the_billing_date(
    client, acme_admin, northwind
):
    one_year(northwind)
    client.force_login(acme_admin)

    words = text(preview(client, northwind, seats="700"))

    # S1 is priced per month: billed monthly whatever its commitment.
    assert "Prorated charge to 2026-12-01 S1: USD 53.10 × 11/30 days USD 19.47" in words


def test_an_add_on_bought_mid_term_is_co_termed_and_prorated_to_the_term_year(
    client, acme_admin, northwind
):
    # A3 for 682 seats: 6,820.00 a year, co-termed with S1's 1-year term, 30 June 2026 –
    # 30 June 2027 (365 days); 222 days are left from 20 November: 6,820.00 x 222 / 365 =
    # 4,148.0547… → 4,148.05. Total Initial Fees: 2,011.90 + 6,820.00 + 4,148.05.
    one_year(northwind)
    client.force_login(acme_admin)

    html = preview(client, northwind, seats="682", addon_A3="on")

    assert rows(html, "Products added") == [
        ["A3 — Archive 10-Year", "Annual", "682", "USD 10.00", "USD 6,820.00"]
    ]
    words = text(html)
    assert "A3: Co-termed with S1: ends 2027-06-30" in words
    assert (
        "Prorated charge to 2027-06-30 A3: USD 6,820.00 × 222/365 days USD 4,148.05 "
        "Total Initial Fees USD 12,979.95" in words
    )

    review, change = review_and_submit(client, northwind, seats="682", addon_A3="on")

    assert "A3: Co-termed with S1: ends 2027-06-30" in text(review)
    assert "Total Initial Fees USD 2,011.90 USD 12,979.95" in text(review)
    a3 = change.lines.get(code="A3")
    assert (a3.prorated_charge, a3.co_termed_with, a3.commitment, a3.term_end) == (
        Decimal("4148.05"),
        "S1",
        "1y",
        datetime.date(2027, 6, 30),
    )
    line = change.agreement.lines.get(code="A3")
    assert (line.commitment, line.billing, line.term_end, line.auto_renew) == (
        "1y",
        "annual",
        datetime.date(2027, 6, 30),
        True,
    )
    addendum = pdf_text(change_addendum_pdf(change))
    assert "A3 – Archive 10-Year 1-year commitment, co-termed with S1 2027-06-30" in addendum
    assert "Prorated charge to 2027-06-30 A3: USD 6,820.00 × 222/365 days — USD 4,148.05" in (
        addendum
    )
    assert "Total Initial Fees USD 2,011.90 USD 12,979.95" in addendum


def test_a_saved_quote_submitted_a_day_later_shows_the_new_prorated_charge_first(
    client, acme_admin, northwind, clock
):
    monthly(northwind)
    client.force_login(acme_admin)
    start = reverse("changes:start", args=[northwind.pk])
    client.post(start, {**change_data(northwind), "save": "1"})
    saved = ChangeOrder.objects.get()
    assert saved.lines.get().prorated_charge == Decimal("19.47")  # 53.10 x 11 / 30

    clock.move_to(datetime.datetime(2026, 11, 21, 12, tzinfo=datetime.UTC))
    client.force_login(acme_admin)  # a new day's session
    response = client.post(reverse("changes:review", args=[saved.pk]), review_data())

    assert response.status_code == 409
    assert "The prorated charges have changed since this quote was saved" in (
        response.content.decode()
    )
    assert saved.lines.get().prorated_charge == Decimal("17.70")  # 53.10 x 10 / 30
    assert ChangeOrder.objects.get().status == ChangeOrder.Status.QUOTE
    assert not Agreement.objects.filter(company=northwind, version=2).exists()


def test_a_review_submitted_the_next_day_is_shown_again_with_the_new_prorated_charge(
    client, acme_admin, northwind, clock
):
    monthly(northwind)
    client.force_login(acme_admin)
    url = reverse("changes:start", args=[northwind.pk])
    review = client.post(url, {**change_data(northwind, seats="700"), "review": "1"})
    page = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', review.content.decode())
    )

    clock.move_to(datetime.datetime(2026, 11, 21, 12, tzinfo=datetime.UTC))
    client.force_login(acme_admin)
    response = client.post(url, {**page, **review_data(), "submit": "1"})

    words = text(response.content.decode())
    assert response.status_code == 409
    assert "(or, a day later, the prorated charges)" in words
    assert "Prorated charge to 2026-12-01 S1: USD 53.10 × 10/30 days — USD 17.70" in words
    assert not ChangeOrder.objects.exists()


def test_an_add_on_the_vendor_offers_only_monthly_runs_on_its_own_term_not_co_termed(
    client, acme_admin, northwind, staff
):
    # S1 is on a 1-year commitment; A3 is offered monthly only, so it cannot join that term.
    Product.objects.filter(code="A3").update(terms_offered=["monthly"])
    one_year(northwind)
    client.force_login(acme_admin)

    review, change = review_and_submit(client, northwind, seats="682", addon_A3="on")

    assert "Co-termed with S1" not in text(review)
    assert change.lines.get(code="A3").co_termed_with == ""
    line = change.agreement.lines.get(code="A3")
    assert (line.commitment, line.term_start, line.term_end) == ("monthly", None, None)
    agreement_confirm(agreement=change.agreement, actor=staff)
    line.refresh_from_db()
    # Its own monthly term, from the day it is provisioned to the billing date.
    assert (line.term_start, line.term_end) == (TODAY.date(), BILLING)
