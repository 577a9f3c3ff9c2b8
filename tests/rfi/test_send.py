"""Sending the form: one e-mail to the implementation lead with a link, written with the order."""

import datetime

import pytest
from django.db import transaction

from portal.companies.models import Company
from portal.core.history import history_for
from portal.core.models import HistoryEntry, OutgoingMessage
from portal.rfi.models import InformationRequest
from portal.rfi.services import RfiNotSendable, rfi_send
from tests.fixtures.factories import make_company

from .helpers import link_in


def test_sending_queues_one_email_to_the_lead_with_a_link_to_the_form(
    client, customer, acme_admin, settings
):
    settings.SITE_URL = "https://portal.example"

    rfi = rfi_send(company=customer, actor=acme_admin)

    [message] = OutgoingMessage.objects.all()
    assert message.template == "rfi_request"
    assert message.to == ["lena.lead@acme.test"]
    assert message.partner == customer.partner
    assert message.subject == (
        "Request for Information for Northwind Traders: please fill in the form"
    )
    assert "https://portal.example/rfi/" in message.text_body
    assert "https://portal.example/rfi/" in message.html_body
    page = client.get(link_in(message.text_body))
    assert page.status_code == 200
    assert "Request for Information: Northwind Traders" in page.content.decode()
    assert rfi.status == InformationRequest.Status.SENT
    assert rfi.sent_to == "lena.lead@acme.test"
    assert rfi.sent_by == acme_admin
    assert rfi.times_sent == 1


def test_sending_writes_the_customer_history(customer, acme_admin):
    rfi_send(company=customer, actor=acme_admin)

    entry = history_for(customer).get()
    assert entry.action == HistoryEntry.Action.STATUS
    assert entry.actor == acme_admin
    assert entry.partner == customer.partner
    assert entry.summary == "Request for Information form sent to lena.lead@acme.test"
    assert entry.changes == {"Request for Information": ["Not sent", "Sent"]}


def test_sending_inside_a_rolled_back_order_leaves_no_request_and_no_email(customer, acme_admin):
    with pytest.raises(RuntimeError), transaction.atomic():
        rfi_send(company=customer, actor=acme_admin)
        raise RuntimeError("the order failed after the form was sent")

    assert not InformationRequest.objects.exists()
    assert not OutgoingMessage.objects.exists()
    assert not history_for(customer).exists()


def test_the_email_says_how_long_the_link_works(customer, acme_admin, settings):
    settings.RFI_LINK_MAX_AGE_DAYS = 14

    rfi = rfi_send(company=customer, actor=acme_admin)

    body = OutgoingMessage.objects.get().text_body
    expires = (rfi.sent_at + datetime.timedelta(days=14)).date()
    assert f"works until {expires:%Y-%m-%d}" in body


def test_a_prospect_gets_no_form(acme, lead, acme_admin):
    prospect = make_company(acme, "Contoso", implementation_lead=lead)

    with pytest.raises(RfiNotSendable, match="only while Contoso is a customer in progress"):
        rfi_send(company=prospect, actor=acme_admin)

    assert not OutgoingMessage.objects.exists()


def test_a_customer_without_an_active_lead_gets_no_form(acme, lead, acme_admin):
    lead.is_active = False
    lead.save()
    customer = make_company(
        acme, "Contoso", status=Company.Status.IN_PROGRESS, implementation_lead=lead
    )

    with pytest.raises(RfiNotSendable, match="no active implementation lead"):
        rfi_send(company=customer, actor=acme_admin)

    assert not InformationRequest.objects.exists()
