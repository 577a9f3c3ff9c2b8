"""A new customer's Request for Information is a provisioning step of its own: the order waits
for the answers, each version of them goes to the vendor once, the form takes changes until the
vendor confirms, and the simulated provisioner confirms a few seconds after the answers arrive.
"""

import datetime
import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.companies.models import Agreement, Company
from portal.core.history import history_for
from portal.core.models import OutgoingMessage
from portal.core.signing import signed_headers
from portal.rfi.links import rfi_url
from portal.rfi.models import InformationRequest
from portal.rfi.services import RfiLocked, rfi_save
from portal.sync.confirm import settle
from portal.sync.models import ProvisioningRequest
from portal.sync.requests import rfi_queue
from portal.sync.tasks import request_deliver
from tests.fixtures.sync import RFI_ANSWERS, SECRET, answer_rfi

SIMULATE_TASK = "portal.sync.tasks.simulated_confirmation"


def lifecycle(order_request) -> tuple[str, str, str]:
    order_request.refresh_from_db()
    agreement = Agreement.objects.get(pk=order_request.agreement_id)
    company = Company.objects.get(pk=order_request.company_id)
    return order_request.status, agreement.status, company.status


def rfi_of(order_request) -> InformationRequest:
    return InformationRequest.objects.get(company_id=order_request.company_id)


def vendor_says(client, request, status="synced", reason="", now=None):
    payload = {"request_id": str(request.key), "partner_id": request.partner_id, "status": status}
    if reason:
        payload["reason"] = reason
    body = json.dumps(payload).encode()
    return client.post(
        "/sync/callback/",
        body,
        content_type="application/json",
        headers=signed_headers(SECRET, body, now=now),
    )


def simulated(request) -> list[DBTaskResult]:
    return [
        task
        for task in DBTaskResult.objects.filter(task_path=SIMULATE_TASK)
        if task.args_kwargs["kwargs"] == {"request_id": request.pk}
    ]


def link(order_request) -> str:
    url = rfi_url(rfi_of(order_request))
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def form_data(**changes) -> dict:
    data = dict(RFI_ANSWERS)
    data["go_live_date"] = data["go_live_date"].isoformat()
    data.update(changes)
    return data


# -- the order waits for the RFI ---------------------------------------------------------------


def test_a_new_order_is_not_confirmed_before_its_rfi_is_answered(client, order_request):
    response = vendor_says(client, order_request)

    assert response.status_code == 409
    assert response.json()["result"] == "waiting"
    assert "waits for its Request for Information" in response.json()["error"]
    assert lifecycle(order_request) == ("queued", "new_pending", "in_progress")
    assert rfi_of(order_request).is_editable
    assert not OutgoingMessage.objects.filter(template="provisioning_synced").exists()


def test_the_same_callback_is_applied_once_the_answers_have_arrived(client, order_request):
    now = timezone.now().timestamp()
    assert vendor_says(client, order_request, now=now).status_code == 409

    answer_rfi(order_request.company)
    again = vendor_says(client, order_request, now=now)  # the very same bytes and signature

    assert (again.status_code, again.json()["result"]) == (200, "applied")
    assert lifecycle(order_request) == ("synced", "active", "complete")


def test_staff_cannot_mark_the_new_order_synced_before_its_rfi(client, staff, order_request):
    client.force_login(staff)
    agreement = Agreement.objects.get(pk=order_request.agreement_id)
    changelist = reverse("admin:companies_agreement_changelist")

    listing = client.get(changelist).content.decode()
    assert "Not answered: the order waits for it" in listing
    detail = client.get(reverse("admin:companies_agreement_change", args=[agreement.pk]))
    assert "Not answered yet: this order can be confirmed once the answers arrive." in (
        detail.content.decode()
    )
    response = client.post(
        changelist,
        {"action": "confirm_selected", "_selected_action": [agreement.pk]},
        follow=True,
    )

    [said] = [str(m) for m in get_messages(response.wsgi_request)]
    assert said.startswith("1 skipped: Contoso Pharmaceuticals v1 (The order of Contoso")
    assert "waits for its Request for Information" in said
    assert lifecycle(order_request) == ("queued", "new_pending", "in_progress")

    answer_rfi(order_request.company)
    detail = client.get(reverse("admin:companies_agreement_change", args=[agreement.pk]))
    assert "Tom Tech" in detail.content.decode()  # staff see the answers with the order
    client.post(changelist, {"action": "confirm_selected", "_selected_action": [agreement.pk]})
    assert lifecycle(order_request) == ("synced", "active", "complete")
    assert rfi_of(order_request).vendor_state == InformationRequest.Vendor.CONFIRMED


# -- the answers as a provisioning step --------------------------------------------------------


def test_the_answers_go_to_the_vendor_as_a_request_of_their_own(order_request):
    answers = answer_rfi(order_request.company)

    assert (answers.action, answers.revision, answers.status) == ("rfi", 1, "queued")
    assert answers.agreement_id == order_request.agreement_id
    assert answers.key != order_request.key
    payload = answers.payload
    assert payload["protocol_version"] == 3
    assert payload["action"] == "rfi"
    assert payload["request_id"] == payload["idempotency_key"] == str(answers.key)
    assert payload["rfi"]["version"] == 1
    assert payload["rfi"]["order_request_id"] == str(order_request.key)
    assert payload["rfi"]["answers"]["contact_name"] == "Tom Tech"
    assert payload["rfi"]["answers"]["go_live_date"] == "2099-01-15"
    assert payload["agreement"]["version"] == 1
    assert rfi_of(order_request).progress() == "Answered, waiting to be sent to the vendor"

    assert request_deliver(request_id=answers.pk) == "sent"

    rfi = rfi_of(order_request)
    assert rfi.vendor_state == InformationRequest.Vendor.SENT
    assert rfi.progress() == f"Sent to vendor {timezone.localdate():%Y-%m-%d}"
    entry = history_for(order_request.company)[0]
    assert entry.summary == "Request for Information answers (version 1) sent to the vendor"
    assert entry.changes == {
        "Request for Information": ["Waiting to be sent to the vendor", "Sent to vendor"]
    }
    assert lifecycle(order_request)[1:] == ("new_pending", "in_progress")


def test_resubmitting_sends_each_version_of_the_answers_once(client, order_request):
    path = link(order_request)
    client.post(path, form_data())
    client.post(path, form_data())  # the same answers again: nothing new to send
    assert ProvisioningRequest.objects.filter(action="rfi").count() == 1

    client.post(path, form_data(contact_name="Tina Tech"))
    rfi = rfi_of(order_request)
    assert rfi.answers_version == 2
    newer = ProvisioningRequest.objects.get(action="rfi", revision=2)
    assert newer.payload["rfi"]["answers"]["contact_name"] == "Tina Tech"

    # Written again (a retried transaction, a second subscriber): still one request.
    assert rfi_queue(rfi=rfi) == newer
    assert ProvisioningRequest.objects.filter(action="rfi").count() == 2
    assert [e.summary for e in history_for(order_request.company)][0].startswith(
        "Request for Information answers changed through its link"
    )


def test_the_rfi_stays_editable_until_the_vendor_confirms_and_is_refused_after(
    client, order_request
):
    path = link(order_request)
    client.post(path, form_data())
    older = ProvisioningRequest.objects.get(action="rfi", revision=1)
    request_deliver(request_id=older.pk)
    client.post(path, form_data(notes="Start with the sales team"))
    newer = ProvisioningRequest.objects.get(action="rfi", revision=2)

    # The vendor confirms the first version it had: the newer answers are what count.
    assert vendor_says(client, older).json()["result"] == "applied"
    assert lifecycle(order_request)[1:] == ("new_pending", "in_progress")
    assert "<form" in client.get(path).content.decode().split("</header>")[1]

    assert vendor_says(client, newer).json()["result"] == "applied"
    assert lifecycle(order_request) == ("synced", "active", "complete")
    rfi = rfi_of(order_request)
    assert rfi.vendor_state == InformationRequest.Vendor.CONFIRMED
    assert rfi.notes == "Start with the sales team"
    older.refresh_from_db()
    assert older.status == "synced"

    page = client.get(path).content.decode()
    assert "The vendor has confirmed the order with these answers" in page
    assert "<textarea" not in page
    response = client.post(path, form_data(contact_name="Mallory"))
    assert "The vendor has confirmed the order" in response.content.decode()
    assert rfi_of(order_request).contact_name == "Tom Tech"
    assert ProvisioningRequest.objects.filter(action="rfi").count() == 2
    with pytest.raises(RfiLocked):
        rfi_save(rfi=rfi_of(order_request), answers={"notes": "late"})


def test_the_vendor_can_return_the_answers_for_a_change(client, order_request, acme_admin):
    answers = answer_rfi(order_request.company)
    request_deliver(request_id=answers.pk)

    response = vendor_says(client, answers, "rejected", reason="Give the inbound MX hosts")

    assert response.json()["result"] == "applied"
    assert lifecycle(order_request) == ("queued", "new_pending", "in_progress")
    rfi = rfi_of(order_request)
    assert rfi.vendor_state == InformationRequest.Vendor.RETURNED
    assert rfi.progress().endswith(": Give the inbound MX hosts")
    assert rfi.is_editable
    entry = history_for(order_request.company)[0]
    assert entry.summary == (
        "The vendor returned the Request for Information answers (version 1): "
        "Give the inbound MX hosts"
    )
    mail = OutgoingMessage.objects.get(template="rfi_returned")
    # The lead (with the form's link) and the submitter: here one person, told once.
    assert rfi.sent_to == acme_admin.email
    assert mail.to == [acme_admin.email]
    assert "Give the inbound MX hosts" in mail.text_body

    again = answer_rfi(order_request.company, inbound_hosts="mx1.contoso.example")
    assert again.revision == 2
    assert rfi_of(order_request).vendor_state == InformationRequest.Vendor.QUEUED


def test_a_change_order_has_no_rfi_step(submit_change, northwind):
    change = submit_change(northwind, "700")
    assert request_deliver(request_id=change.pk) == "sent"

    assert change.action == "change"
    assert len(simulated(change)) == 1  # confirmed on its own, as before
    assert not ProvisioningRequest.objects.filter(action="rfi").exists()
    assert settle(request=change, outcome="synced").changed


# -- the simulated provisioner -----------------------------------------------------------------


def test_the_simulated_provisioner_confirms_a_few_seconds_after_the_answers_arrive(
    order_request, sync_settings
):
    sync_settings.SYNC_SIMULATOR_DELAY_SECONDS = 5

    assert request_deliver(request_id=order_request.pk) == "sent"
    assert simulated(order_request) == []  # the order alone is not confirmed

    answers = answer_rfi(order_request.company)
    assert request_deliver(request_id=answers.pk) == "sent"

    [task] = simulated(answers)
    answers.refresh_from_db()
    wait = task.run_after - answers.delivered_at
    assert datetime.timedelta(seconds=4.9) <= wait <= datetime.timedelta(seconds=6)


# -- tenancy -----------------------------------------------------------------------------------


def test_another_msps_rfi_is_404(client, order_request, outsider):
    client.force_login(outsider)
    company_id = order_request.company_id

    assert client.post(reverse("rfi:resend", args=[company_id])).status_code == 404
    assert client.get(reverse("companies:detail", args=[company_id])).status_code == 404
    listing = client.get(reverse("customers:in_progress")).content.decode()
    assert "Contoso" not in listing


# -- the In Progress list ----------------------------------------------------------------------


def rfi_cell(client) -> str:
    from lxml import html as lxml_html

    page = client.get(reverse("customers:in_progress"), {"sort": "rfi"})
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.content)
    headers = [th.text_content().strip() for th in tree.xpath("//table[@class='list']//th")]
    # Sorted by it: the header carries the sort's arrow.
    column = next(i for i, h in enumerate(headers) if h.startswith("Request for Information"))
    [row] = [
        tr for tr in tree.xpath("//table[@class='list']/tbody/tr") if "Contoso" in tr.text_content()
    ]
    return row.xpath("td")[column].text_content().strip()


def test_the_in_progress_list_shows_where_each_customers_rfi_is(client, order_request, acme_admin):
    client.force_login(acme_admin)
    assert rfi_cell(client) == "Not answered"

    answers = answer_rfi(order_request.company)
    assert rfi_cell(client) == "Answered, waiting to be sent to the vendor"

    request_deliver(request_id=answers.pk)
    assert rfi_cell(client) == f"Sent to vendor {timezone.localdate():%Y-%m-%d}"

    settle(request=answers, outcome="synced")
    page = client.get(reverse("customers:in_progress")).content.decode()
    assert "Contoso" not in page  # Complete now
    assert rfi_of(order_request).progress() == f"Confirmed {timezone.localdate():%Y-%m-%d}"


def test_the_console_counts_new_orders_waiting_for_their_rfi_apart(client, staff, order_request):
    from portal.sync.templatetags.console import sync_summary

    def rows():
        return {label: count for label, count, _ in sync_summary()["rows"]}

    request_deliver(request_id=order_request.pk)
    ProvisioningRequest.objects.filter(pk=order_request.pk).update(
        delivered_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert rows()["New orders waiting for their Request for Information"] == 1
    assert rows()["… of them for more than a day"] == 0  # waiting for the customer

    answer_rfi(order_request.company)
    assert rows()["New orders waiting for their Request for Information"] == 0
    assert rows()["… of them for more than a day"] == 1  # now the vendor's turn


def test_a_rejected_order_keeps_its_answers_until_it_is_submitted_again(
    client, order_request, acme_admin
):
    answer_rfi(order_request.company)
    settle(request=order_request, outcome="rejected", reason="Wrong seats")
    path = link(order_request)

    page = client.get(path).content.decode()

    assert "went back to Acme IT Services to be corrected" in page
    assert "The vendor has confirmed" not in page
    assert "Tom Tech" in page
    rfi = rfi_of(order_request)
    assert rfi.vendor_state == InformationRequest.Vendor.RETURNED
    assert rfi.progress().endswith("Order rejected: Wrong seats")
