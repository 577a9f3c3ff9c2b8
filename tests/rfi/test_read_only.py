"""Once provisioning has started (the customer is no longer in progress) the answers are
shown, not changed."""

from portal.companies.models import Company
from portal.core.history import history_for
from portal.rfi.models import InformationRequest
from portal.rfi.services import RfiLocked, rfi_save

from .helpers import answers


def start_provisioning(customer):
    Company.objects.filter(pk=customer.pk).update(status=Company.Status.COMPLETE)


def test_the_link_shows_the_answers_read_only_once_provisioning_started(
    client, customer, form_path
):
    client.post(form_path, answers())
    start_provisioning(customer)

    response = client.get(form_path)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Provisioning has started, so these answers can no longer be changed here." in page
    assert "To change anything, ask Acme IT Services." in page
    assert "Tom Tech" in page
    assert "<form" not in page.split("</header>")[1]
    assert "<textarea" not in page


def test_posting_after_provisioning_started_changes_nothing(client, customer, form_path):
    client.post(form_path, answers())
    start_provisioning(customer)
    logged = history_for(customer).count()

    response = client.post(form_path, answers(contact_name="Mallory"))

    assert response.status_code == 200
    assert "Provisioning has started" in response.content.decode()
    assert InformationRequest.objects.get(company=customer).contact_name == "Tom Tech"
    assert history_for(customer).count() == logged


def test_the_service_refuses_answers_after_provisioning_started(customer, sent):
    start_provisioning(customer)

    try:
        rfi_save(rfi=sent, answers={"notes": "late"})
    except RfiLocked as exc:
        assert "Provisioning has started" in exc.messages[0]
    else:
        raise AssertionError("the answers were saved")
    assert InformationRequest.objects.get(pk=sent.pk).notes == ""


def test_a_form_never_answered_says_so_once_provisioning_started(client, customer, form_path):
    start_provisioning(customer)

    page = client.get(form_path).content.decode()

    assert "No answers were given before provisioning started." in page
