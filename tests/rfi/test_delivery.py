"""The worker delivers the form e-mail, and its link opens the form."""

from django.core import mail
from django.db import transaction

from portal.rfi.services import rfi_send

from .helpers import answers, link_in


def test_the_worker_delivers_the_email_to_the_lead_and_its_link_saves_answers(
    client, customer, acme_admin, settings, run_worker
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with transaction.atomic():  # as the order submit does
        rfi_send(company=customer, actor=acme_admin)
    assert mail.outbox == []

    run_worker()

    [message] = mail.outbox
    assert message.to == ["lena.lead@acme.test"]
    assert message.subject == (
        "Request for Information for Northwind Traders: please fill in the form"
    )
    assert message.alternatives[0].mimetype == "text/html"
    path = link_in(message.body)
    assert path in message.alternatives[0].content
    response = client.post(path, answers())
    assert response.status_code == 302
    customer.rfi.refresh_from_db()
    assert customer.rfi.contact_name == "Tom Tech"
