"""Submit Order: one transaction that makes the customer, its agreement, history and e-mails;
submitted twice, it still makes one order."""

import re
import threading
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from portal.accounts.models import User
from portal.companies.models import Agreement, Attachment, Company
from portal.core.history import history_for
from portal.core.models import OutgoingMessage
from portal.orders.models import Order, Question
from portal.orders.services import AlreadySubmitted, OrderInput, order_submit
from tests.fixtures.factories import make_user


@pytest.fixture
def lead(acme, prospect):
    return make_user(acme, email="lead@acme.test", lead=True, full_name="Lee Lead")


def test_submit_makes_a_customer_in_progress_with_agreement_version_1(
    submit, prospect, acme_admin, lead
):
    response = submit(implementation_lead=str(lead.pk))

    assert response.redirect_chain[-1][0] == reverse("companies:detail", args=[prospect.pk])
    assert "Order submitted" in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.status == Company.Status.IN_PROGRESS
    assert prospect.implementation_lead == lead
    agreement = Agreement.objects.get(company=prospect)
    assert (agreement.version, agreement.status) == (1, Agreement.Status.NEW_ORDER_PENDING)
    [line] = agreement.lines.all()
    assert (line.code, line.quantity) == ("S1", 682)
    assert (line.unit_price, line.payment) == (Decimal("2.95"), Decimal("2011.90"))
    order = Order.objects.get(company=prospect)
    assert order.status == Order.Status.SUBMITTED and order.agreement == agreement
    assert order.submitted_by == acme_admin and order.submitted_from_ip == "127.0.0.1"
    assert order.order_number == "PO-1001"
    assert order.infrastructure[Question.SERVER_OS_EDITION] == "2022 Standard"
    summaries = [entry.summary for entry in history_for(prospect)]
    assert any(s.startswith("Order submitted (order number PO-1001)") for s in summaries)
    assert "Status changed to Customer (In Progress)" in summaries


def test_submit_keeps_the_addendum_and_queues_both_e_mails(submit, prospect, acme_admin, lead):
    submit(implementation_lead=str(lead.pk))

    [attachment] = Attachment.objects.filter(company=prospect)
    assert attachment.content_type == "application/pdf"
    assert attachment.file.read().startswith(b"%PDF")
    messages = {m.template: m for m in OutgoingMessage.objects.all()}
    assert messages["order_submitted"].to == [acme_admin.email]
    [pdf] = messages["order_submitted"].files.all()
    assert pdf.filename == attachment.name and bytes(pdf.content).startswith(b"%PDF")
    assert messages["rfi_request"].to == [lead.email]


def test_a_second_click_with_the_same_form_makes_no_second_order(submit, prospect):
    key = str(uuid.uuid4())

    first = submit(idempotency_key=key)
    second = submit(idempotency_key=key)

    assert "Order submitted" in first.content.decode()
    assert "already been submitted; nothing was doubled" in second.content.decode()
    assert Order.objects.count() == 1 and Agreement.objects.count() == 1
    assert OutgoingMessage.objects.filter(template="order_submitted").count() == 1


def test_a_second_tab_is_told_who_submitted_the_order_and_when(submit, prospect, acme_admin):
    submit()

    response = submit()  # another form: another key

    html = response.content.decode()
    assert f"was submitted by {acme_admin}" in html
    assert response.redirect_chain[-1][0] == reverse("companies:detail", args=[prospect.pk])
    assert Agreement.objects.count() == 1


def test_a_failed_e_mail_is_retried_and_never_undoes_the_order(
    submit, prospect, settings, run_worker, monkeypatch
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submit()
    calls = {"n": 0}
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("mail server down")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    run_worker()
    run_worker()

    prospect.refresh_from_db()
    assert prospect.status == Company.Status.IN_PROGRESS
    assert Order.objects.filter(company=prospect).count() == 1
    assert len(mail.outbox) == 2  # each message once, the failed one on its second attempt
    attempts = sorted(m.attempts for m in OutgoingMessage.objects.all())
    assert attempts == [1, 2]
    assert all(m.status == OutgoingMessage.Status.SENT for m in OutgoingMessage.objects.all())


def test_the_worker_delivers_the_addendum_and_the_rfi_link(
    submit, prospect, acme_admin, lead, settings, run_worker
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submit(implementation_lead=str(lead.pk))

    run_worker()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    addendum = by_recipient[acme_admin.email]
    [(filename, content, mimetype)] = addendum.attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert "Contoso Pharmaceuticals" in addendum.subject
    rfi = by_recipient[lead.email]
    assert re.search(r"http://\S+/rfi/\S+", rfi.body)


def test_a_lead_who_cannot_be_sent_the_rfi_refuses_the_submit_and_saves_nothing(
    submit, prospect, monkeypatch
):
    from portal.rfi.services import RfiNotSendable

    def refuse(**kwargs):
        raise RfiNotSendable("Lee Lead is no longer an implementation lead of your MSP.")

    monkeypatch.setattr("portal.orders.events.rfi_send", refuse)

    response = submit()

    assert response.status_code == 400
    assert "no longer an implementation lead" in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.status == Company.Status.PROSPECT
    assert not Agreement.objects.exists() and not OutgoingMessage.objects.exists()
    assert not Attachment.objects.exists()


def test_a_form_used_for_another_order_is_refused(submit, acme, catalog, acme_admin):
    from portal.companies.models import CompanyProduct
    from tests.fixtures.factories import make_company

    key = str(uuid.uuid4())
    submit(idempotency_key=key)
    other = make_company(acme, "Second Prospect", implementation_lead=acme_admin)
    CompanyProduct.objects.create(company=other, product=catalog["S1"])

    response = submit.to(other)(idempotency_key=key)

    assert response.status_code == 400
    assert "This form was used for another order" in response.content.decode()
    assert Order.objects.filter(company=other).count() == 0


def test_the_order_number_not_required_box_stands_for_the_number(submit, prospect):
    submit(order_number="", order_number_not_required="on")

    order = Order.objects.get(company=prospect)
    assert order.status == Order.Status.SUBMITTED
    assert order.order_number == "" and order.order_number_not_required


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database: two real connections"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("same_form", "outcome"),
    [(True, ["made", "replayed"]), (False, ["already a customer", "made"])],
    ids=["double-click", "two-tabs"],
)
def test_two_submissions_at_the_same_moment_make_one_order(
    acme, acme_admin, prospect, catalog, same_form, outcome
):
    data = OrderInput(
        implementation_lead=acme_admin,
        permitted_users=682,
        products={catalog["S1"]: None},
        infrastructure={q: "Not Known" for q in Question.values},
        order_number="PO-9",
        order_number_not_required=False,
    )
    keys = [uuid.uuid4()] * 2 if same_form else [uuid.uuid4(), uuid.uuid4()]
    barrier = threading.Barrier(2)
    outcomes = []

    def run(key):
        try:
            barrier.wait()
            user = User.objects.get(pk=acme_admin.pk)
            _, made = order_submit(company=prospect, actor=user, data=data, key=key, ip=None)
            outcomes.append("made" if made else "replayed")
        except AlreadySubmitted:
            outcomes.append("already a customer")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == outcome
    assert Agreement.objects.filter(company=prospect).count() == 1
    assert OutgoingMessage.objects.filter(template="order_submitted").count() == 1


def test_the_customer_page_shows_the_order_its_addendum_and_the_rfi_status(
    client, submit, prospect, lead
):
    submit(implementation_lead=str(lead.pk))

    html = client.get(reverse("companies:detail", args=[prospect.pk])).content.decode()

    assert "New Order Pending" in html
    assert "USD 2,011.90" in html and "PO-1001" in html
    assert "2022 Standard" in html  # an infrastructure answer
    attachment = Attachment.objects.get(company=prospect)
    download = reverse("companies:attachment", args=[prospect.pk, attachment.pk])
    assert download in html
    assert b"".join(client.get(download).streaming_content).startswith(b"%PDF")
    assert "Sent" in html and lead.email in html
