"""The e-mails of a submitted change: the addendum to the submitter, a notice to the lead."""

import datetime

import pytest
from django.urls import reverse

from portal.changes.addendum import change_addendum_filename, change_addendum_pdf
from portal.changes.models import ChangeOrder
from portal.changes.notify import change_notify
from portal.core.models import OutgoingMessage
from tests.fixtures.factories import make_company, make_user

from . import active_agreement, submitted_change

Kind = ChangeOrder.Kind
PDF = b"%PDF-1.7 stand-in for the addendum"
FILENAME = "Change addendum - Smith & Sons - v2.pdf"


@pytest.fixture
def lead(acme):
    return make_user(acme, email="lead@acme.test", lead=True, full_name="Lee Lead")


@pytest.fixture
def customer(acme, acme_admin, lead, catalog):
    company = make_company(acme, "Smith & Sons", implementation_lead=lead)
    company.prior = active_agreement(company, acme_admin, {"S1": 350, "C1": 350}, 350)
    return company


def messages() -> dict[str, OutgoingMessage]:
    return {m.template: m for m in OutgoingMessage.objects.all()}


def test_the_submitter_gets_the_addendum_and_the_lead_a_notice(
    settings, acme, acme_admin, lead, customer
):
    settings.SITE_URL = "https://portal.example"
    change = submitted_change(
        customer, acme_admin, customer.prior, {"S1": 700, "C1": 700}, kind=Kind.UPSELL, seats=700
    )
    pdf = change_addendum_pdf(change)
    filename = change_addendum_filename(change)

    change_notify(change=change, actor=acme_admin, pdf=pdf, filename=filename)

    sent = messages()
    assert set(sent) == {"change_submitted", "change_notice"}
    submitted, notice = sent["change_submitted"], sent["change_notice"]
    assert submitted.to == [acme_admin.email] and notice.to == [lead.email]
    assert submitted.partner == acme and notice.partner == acme
    [attachment] = submitted.files.all()
    assert (attachment.filename, attachment.mimetype) == (filename, "application/pdf")
    assert bytes(attachment.content) == pdf
    assert not notice.files.exists()
    customer_url = "https://portal.example" + reverse("companies:detail", args=[customer.pk])
    for message in (submitted, notice):
        assert customer_url in message.text_body
        assert f'href="{customer_url}"' in message.html_body


def test_the_subjects_and_plain_text_keep_an_ampersand_as_it_is(acme_admin, customer):
    change = submitted_change(
        customer, acme_admin, customer.prior, {"S1": 700, "C1": 700}, kind=Kind.UPSELL, seats=700
    )

    change_notify(change=change, actor=acme_admin, pdf=PDF, filename=FILENAME)

    submitted, notice = messages()["change_submitted"], messages()["change_notice"]
    assert submitted.subject == (
        "Change order submitted: Smith & Sons (Upsell Pending Order) — change addendum attached"
    )
    assert notice.subject == "Upsell for Smith & Sons: 350 → 700 seats"
    assert "Your change order for Smith & Sons was submitted on 2026-03-14 09:30 UTC" in (
        submitted.text_body
    )
    assert f"attached as a PDF ({FILENAME})" in submitted.text_body
    assert "Smith &amp; Sons" in submitted.html_body and "Smith & Sons" not in submitted.html_body
    assert "&amp;" not in submitted.text_body + notice.text_body


def test_the_notice_says_what_changed(acme_admin, lead, customer):
    change = submitted_change(
        customer, acme_admin, customer.prior, {"S1": 700, "C1": 700}, kind=Kind.UPSELL, seats=700
    )

    change_notify(change=change, actor=acme_admin, pdf=PDF, filename=FILENAME)

    notice = messages()["change_notice"].text_body
    assert notice.startswith("Hello Lee Lead,\n\nadmin@acme.test submitted a change order for ")
    assert "Change: Upsell, agreement version 2\nSeats: 350 → 700\n" in notice
    assert "S1 – Email Security Cloud Gateway: 350 → 700\nC1 – Continuity: 350 → 700\n" in notice
    assert "Added:" not in notice and "Removed:" not in notice
    assert "downsell" not in notice
    assert "Lee Lead, the implementation lead, has been sent a notice" in (
        messages()["change_submitted"].text_body
    )


def test_a_downsell_notice_gives_the_date_it_takes_effect(acme_admin, customer):
    change = submitted_change(
        customer,
        acme_admin,
        customer.prior,
        {"S1": 200, "C1": 200},
        kind=Kind.DOWNSELL,
        seats=200,
        effective_on=datetime.date(2026, 4, 1),
        cancel_by=datetime.date(2026, 3, 18),
    )

    change_notify(change=change, actor=acme_admin, pdf=PDF, filename=FILENAME)

    submitted, notice = messages()["change_submitted"], messages()["change_notice"]
    assert notice.subject == "Downsell for Smith & Sons: 350 → 200 seats"
    assert "Seats: 350 → 200\n" in notice.text_body
    assert (
        "The downsell takes effect on 1 April 2026, the next billing date; until 18 March 2026 "
        "it can still be cancelled." in notice.text_body
    )
    assert (
        "The downsell takes effect on 1 April 2026, the next billing date. It can be cancelled "
        "on the customer's page until 18 March 2026." in submitted.text_body
    )


def test_an_upgrade_notice_lists_the_products_added_and_removed(acme, acme_admin, lead, catalog):
    company = make_company(acme, "Contoso", implementation_lead=lead)
    prior = active_agreement(company, acme_admin, {"S1": 682, "A3": 682}, 682)
    change = submitted_change(
        company, acme_admin, prior, {"S2": 682, "A3": 682}, kind=Kind.UPGRADE, seats=682
    )

    change_notify(change=change, actor=acme_admin, pdf=PDF, filename=FILENAME)

    notice = messages()["change_notice"]
    assert notice.subject == "Upgrade for Contoso: 682 → 682 seats"
    assert "Added: S2 – Email Security Integrated Suite (682)\n" in notice.text_body
    assert "Removed: S1 – Email Security Cloud Gateway (was 682)\n" in notice.text_body
    # A3 keeps its 682 seats: not a change worth a line.
    assert "A3" not in notice.text_body
    assert "<li>Added: S2 – Email Security Integrated Suite (682)</li>" in notice.html_body


def test_the_lead_chosen_on_the_change_is_told_rather_than_the_customers(
    acme, acme_admin, lead, customer
):
    new_lead = make_user(acme, email="new.lead@acme.test", lead=True)
    change = submitted_change(
        customer,
        acme_admin,
        customer.prior,
        {"S1": 700, "C1": 700},
        kind=Kind.UPSELL,
        seats=700,
        implementation_lead=new_lead,
    )

    change_notify(change=change, actor=acme_admin, pdf=PDF, filename=FILENAME)

    assert messages()["change_notice"].to == ["new.lead@acme.test"]


def test_a_lead_who_submitted_the_change_gets_only_the_addendum(lead, customer):
    change = submitted_change(
        customer, lead, customer.prior, {"S1": 700, "C1": 700}, kind=Kind.UPSELL, seats=700
    )

    change_notify(change=change, actor=lead, pdf=PDF, filename=FILENAME)

    [message] = OutgoingMessage.objects.all()
    assert (message.template, message.to) == ("change_submitted", [lead.email])
    assert "has been sent a notice" not in message.text_body


@pytest.mark.parametrize("lead_state", ["none", "deactivated"])
def test_without_a_lead_to_tell_only_the_submitter_is_mailed(
    lead_state, acme_admin, lead, customer
):
    if lead_state == "none":
        customer.implementation_lead = None
        customer.save()
    else:
        lead.is_active = False
        lead.save()
    change = submitted_change(
        customer, acme_admin, customer.prior, {"S1": 700, "C1": 700}, kind=Kind.UPSELL, seats=700
    )

    change_notify(change=change, actor=acme_admin, pdf=PDF, filename=FILENAME)

    assert list(messages()) == ["change_submitted"]
