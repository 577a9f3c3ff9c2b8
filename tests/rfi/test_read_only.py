"""Once the vendor has confirmed the order (the customer is Complete, no longer in progress)
the answers are shown, not changed. The whole path, through the vendor sync, is in
tests/sync/test_rfi_step.py."""

from portal.companies.models import Company
from portal.core.history import history_for
from portal.rfi.models import InformationRequest
from portal.rfi.services import RfiLocked, rfi_save

from .helpers import answers


def vendor_confirms(customer):
    Company.objects.filter(pk=customer.pk).update(status=Company.Status.COMPLETE)
    InformationRequest.objects.filter(company=customer).update(
        vendor_state=InformationRequest.Vendor.CONFIRMED
    )


def test_the_link_shows_the_answers_read_only_once_the_vendor_confirmed(
    client, customer, form_path
):
    client.post(form_path, answers())
    vendor_confirms(customer)

    response = client.get(form_path)

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "The vendor has confirmed the order with these answers, so they can no longer be "
        "changed here." in page
    )
    assert "To change anything, ask Acme IT Services." in page
    assert "Tom Tech" in page
    assert "<form" not in page.split("</header>")[1]
    assert "<textarea" not in page


def test_posting_after_the_vendor_confirmed_changes_nothing(client, customer, form_path):
    client.post(form_path, answers())
    vendor_confirms(customer)
    logged = history_for(customer).count()

    response = client.post(form_path, answers(contact_name="Mallory"))

    assert response.status_code == 200
    assert "The vendor has confirmed the order" in response.content.decode()
    assert InformationRequest.objects.get(company=customer).contact_name == "Tom Tech"
    assert history_for(customer).count() == logged


def test_the_service_refuses_answers_after_the_vendor_confirmed(customer, sent):
    vendor_confirms(customer)

    try:
        rfi_save(rfi=sent, answers={"notes": "late"})
    except RfiLocked as exc:
        assert "The vendor has confirmed the order" in exc.messages[0]
    else:
        raise AssertionError("the answers were saved")
    assert InformationRequest.objects.get(pk=sent.pk).notes == ""


def test_a_form_never_answered_says_so_once_the_vendor_confirmed(client, customer, form_path):
    vendor_confirms(customer)

    page = client.get(form_path).content.decode()

    assert "No answers were given." in page
