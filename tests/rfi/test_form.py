"""Filling in the form: answers are saved on the customer, Submitted, and each save logged."""

import datetime
import re

from django.test import Client
from django.utils import timezone

from portal.core.history import history_for
from portal.core.models import HistoryEntry
from portal.rfi.models import InformationRequest

from .helpers import answers


def field_block(page: str, name: str) -> str:
    """The markup of one field: its label, input and messages."""
    start = page.index(f'<label for="id_{name}"')
    return page[start : page.index('<div class="field', start + 1)]


def test_submitting_saves_the_answers_on_the_customer(client, customer, form_path):
    response = client.post(form_path, answers())

    assert response.status_code == 302
    assert response.url == form_path
    rfi = InformationRequest.objects.get(company=customer)
    assert rfi.status == InformationRequest.Status.SUBMITTED
    assert rfi.submitted_at is not None
    assert rfi.contact_name == "Tom Tech"
    assert rfi.contact_email == "tom@northwind.example"
    assert rfi.contact_phone == "+1 555 0100"
    assert rfi.additional_domains == "northwind-traders.example\nnwt.example"
    assert rfi.inbound_hosts == "mx1.northwind.example\n192.0.2.25\n2001:db8::25"
    assert rfi.outbound_smarthost == "smtp.northwind.example:587"
    assert rfi.mailbox_count == 120
    assert rfi.go_live_date == datetime.date(2099, 1, 15)
    assert rfi.notes == "Migrate the shared mailboxes first."
    page = client.get(response.url).content.decode()
    assert "Thank you: your answers are saved and on their way to the vendor." in page
    assert 'value="Tom Tech"' in page
    assert "Save Changes" in page


def test_submitting_writes_history_with_every_answer(client, customer, form_path):
    client.post(form_path, answers(), REMOTE_ADDR="203.0.113.9")

    entry = history_for(customer).first()
    assert entry.action == HistoryEntry.Action.UPDATE
    assert entry.actor is None
    assert entry.partner == customer.partner
    assert entry.summary == (
        "Request for Information form submitted through its link from 203.0.113.9"
    )
    assert entry.changes["Request for Information"] == ["Sent", "Submitted"]
    assert entry.changes["Technical contact name"] == ["", "Tom Tech"]
    assert entry.changes["Mailbox count"] == [None, 120]
    assert entry.changes["Desired go-live date"] == [None, "2099-01-15"]


def test_each_later_save_is_logged_with_before_and_after(client, customer, form_path):
    client.post(form_path, answers())

    client.post(form_path, answers(mailbox_count="150", notes="Shared mailboxes last."))

    latest = history_for(customer).first()
    assert latest.summary.startswith("Request for Information answers changed through its link")
    assert latest.summary.endswith(": mailbox count, notes")
    assert latest.changes == {
        "Mailbox count": [120, 150],
        "Notes": ["Migrate the shared mailboxes first.", "Shared mailboxes last."],
    }
    rfi = InformationRequest.objects.get(company=customer)
    assert rfi.status == InformationRequest.Status.SUBMITTED
    assert rfi.changed_at >= rfi.submitted_at


def test_saving_without_changes_writes_no_history(client, customer, form_path):
    client.post(form_path, answers())
    before = history_for(customer).count()

    client.post(form_path, answers())

    assert history_for(customer).count() == before


def test_bad_answers_are_told_next_to_their_fields_and_kept(client, customer, form_path):
    typed = answers(
        contact_email="tom at northwind",
        contact_phone="call me",
        additional_domains="good.example\nbad domain.example\nnorthwind.example",
        inbound_hosts="mx1.northwind.example\n192.0.2.300\n10.1.2.3/24",
        outbound_smarthost="smtp.northwind.example:99999",
        mailbox_count="0",
        go_live_date="2001-01-01",
    )

    response = client.post(form_path, typed)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["additional_domains"] == [
        "Line 2 (“bad domain.example”): Use only letters, digits and hyphens between the dots, "
        "like example.com.",
        "Line 3 (“northwind.example”): This is the company's main domain; list only others.",
    ]
    assert errors["inbound_hosts"] == [
        "Line 2 (“192.0.2.300”): Not a valid IPv4 address, like 192.0.2.10.",
        "Line 3 (“10.1.2.3/24”): The network starts at 10.1.2.0; write 10.1.2.0/24.",
    ]
    assert errors["outbound_smarthost"] == [
        "The port after the colon is a number from 1 to 65535, like :587."
    ]
    assert errors["mailbox_count"] == ["Enter at least 1 mailbox."]
    assert errors["go_live_date"] == ["The desired go-live date cannot be in the past."]
    assert errors.keys() == {
        "contact_email",
        "contact_phone",
        "additional_domains",
        "inbound_hosts",
        "outbound_smarthost",
        "mailbox_count",
        "go_live_date",
    }
    page = response.content.decode()
    assert "These answers are not saved yet." in page
    assert "Line 2 (“bad domain.example”)" in field_block(page, "additional_domains")
    assert "Not a valid IPv4 address" in field_block(page, "inbound_hosts")
    assert "good.example\nbad domain.example\nnorthwind.example" in page
    assert 'value="tom at northwind"' in page
    assert 'value="smtp.northwind.example:99999"' in page
    rfi = InformationRequest.objects.get(company=customer)
    assert rfi.status == InformationRequest.Status.SENT
    assert rfi.contact_email == ""


def test_bad_answers_never_overwrite_saved_ones(client, customer, form_path):
    client.post(form_path, answers())

    client.post(form_path, answers(contact_name="", mailbox_count="lots"))

    rfi = InformationRequest.objects.get(company=customer)
    assert rfi.contact_name == "Tom Tech"
    assert rfi.mailbox_count == 120


def test_required_answers_are_asked_for(client, form_path):
    response = client.post(form_path, {})

    assert set(response.context["form"].errors) == {
        "contact_name",
        "contact_email",
        "mailbox_count",
        "go_live_date",
    }


def test_a_saved_go_live_date_that_has_passed_may_stay(client, customer, form_path):
    client.post(form_path, answers())
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    InformationRequest.objects.filter(company=customer).update(go_live_date=yesterday)

    response = client.post(
        form_path, answers(go_live_date=yesterday.isoformat(), notes="Still on track.")
    )

    assert response.status_code == 302
    assert InformationRequest.objects.get(company=customer).notes == "Still on track."


def test_the_form_works_with_csrf_checks_on(customer, form_path):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(form_path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    refused = browser.post(form_path, answers())
    accepted = browser.post(form_path, {**answers(), "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302
