"""Resend on the customer page: MSP users of the customer's partner only."""

from django.urls import reverse

from portal.core.history import history_for
from portal.core.models import HistoryEntry, OutgoingMessage
from portal.rfi.models import InformationRequest
from tests.fixtures.factories import make_company, make_user


def resend(client, customer):
    return client.post(reverse("rfi:resend", args=[customer.pk]), follow=True)


def test_msp_user_resends_the_form_to_the_lead(client, customer, sent, acme_sales):
    client.force_login(acme_sales)

    response = resend(client, customer)

    assert response.redirect_chain == [(reverse("companies:detail", args=[customer.pk]), 302)]
    assert (
        "A new link to the Request for Information form is on its way to Lena Lead "
        "(lena.lead@acme.test)." in response.content.decode()
    )
    assert OutgoingMessage.objects.filter(template="rfi_request").count() == 2
    rfi = InformationRequest.objects.get(pk=sent.pk)
    assert rfi.times_sent == 2
    assert rfi.sent_by == acme_sales
    assert "Here is a new link" in OutgoingMessage.objects.latest("id").text_body


def test_resending_is_logged_as_resent(client, customer, sent, acme_sales):
    client.force_login(acme_sales)

    resend(client, customer)

    entry = history_for(customer).first()
    assert entry.action == HistoryEntry.Action.UPDATE
    assert entry.actor == acme_sales
    assert entry.summary == (
        "Request for Information form resent to lena.lead@acme.test; earlier links no longer work"
    )


def test_resending_after_the_lead_changed_goes_to_the_new_lead(
    client, acme, customer, sent, acme_admin
):
    new_lead = make_user(acme, email="nick@acme.test", full_name="Nick New", lead=True)
    customer.implementation_lead = new_lead
    customer.save()
    client.force_login(acme_admin)

    resend(client, customer)

    assert OutgoingMessage.objects.latest("id").to == ["nick@acme.test"]
    assert history_for(customer).first().changes == {
        "Sent to": ["lena.lead@acme.test", "nick@acme.test"]
    }


def test_resend_validates_ownership(client, customer, sent, outsider):
    client.force_login(outsider)

    response = client.post(reverse("rfi:resend", args=[customer.pk]))

    assert response.status_code == 404
    assert OutgoingMessage.objects.filter(template="rfi_request").count() == 1


def test_resend_requires_login(client, customer, sent):
    response = client.post(reverse("rfi:resend", args=[customer.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert OutgoingMessage.objects.filter(template="rfi_request").count() == 1


def test_resend_is_a_post_only(client, customer, sent, acme_admin):
    client.force_login(acme_admin)

    assert client.get(reverse("rfi:resend", args=[customer.pk])).status_code == 405


def test_resend_for_a_prospect_is_refused_with_a_reason(client, acme, lead, acme_admin):
    prospect = make_company(acme, "Contoso", implementation_lead=lead)
    client.force_login(acme_admin)

    response = resend(client, prospect)

    assert "only while Contoso is a customer in progress" in response.content.decode()
    assert not OutgoingMessage.objects.exists()
