"""The signed link: opens the form without logging in; an expired, replaced or tampered link
says so and shows nothing of the customer."""

import time
from unittest import mock

from django.core import signing
from django.urls import reverse

from portal.rfi.links import SALT, rfi_url
from portal.rfi.services import rfi_send

from .helpers import last_link

DAY = 24 * 60 * 60


def assert_shows_no_customer_data(response):
    page = response.content.decode()
    for secret in ("Northwind", "Acme", "Lena", "lena.lead@acme.test", "<form"):
        assert secret not in page


def send_days_ago(days, customer, actor) -> str:
    sent_at = time.time() - days * DAY
    with mock.patch("django.core.signing.time.time", return_value=sent_at):
        rfi_send(company=customer, actor=actor)
    return last_link()


def test_the_link_opens_the_form_without_logging_in(client, form_path):
    response = client.get(form_path)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Request for Information: Northwind Traders" in page
    assert '<label for="id_contact_name">Technical contact name' in page
    assert "Acme IT Services needs these details" in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_link_is_absolute_on_the_site_url(sent, settings):
    settings.SITE_URL = "https://portal.example"

    assert rfi_url(sent).startswith("https://portal.example/rfi/")


def test_a_link_still_works_on_its_last_day(client, customer, acme_admin):
    path = send_days_ago(29, customer, acme_admin)

    assert client.get(path).status_code == 200


def test_an_expired_link_says_so_and_shows_no_data(client, customer, acme_admin):
    path = send_days_ago(31, customer, acme_admin)

    response = client.get(path)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Ask your MSP to send the form again" in response.content.decode()
    assert_shows_no_customer_data(response)


def test_an_expired_link_saves_nothing(client, customer, acme_admin):
    path = send_days_ago(31, customer, acme_admin)

    response = client.post(path, {"contact_name": "Mallory"})

    assert response.status_code == 410
    customer.rfi.refresh_from_db()
    assert customer.rfi.contact_name == ""


def test_the_max_age_is_a_setting(client, customer, acme_admin, settings):
    settings.RFI_LINK_MAX_AGE_DAYS = 7
    path = send_days_ago(8, customer, acme_admin)

    assert client.get(path).status_code == 410


def test_a_tampered_link_is_not_valid_and_shows_no_data(client, form_path):
    token = form_path.split("/")[2]
    forged = token.replace(token[3], "A" if token[3] != "A" else "B", 1)

    response = client.get(reverse("rfi:form", args=[forged]))

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert_shows_no_customer_data(response)


def test_a_link_for_another_request_cannot_be_made_without_the_key(client, sent):
    other_salt = signing.dumps({"rfi": sent.pk, "v": sent.link_version}, salt="elsewhere")
    wrong_key = signing.dumps(
        {"rfi": sent.pk, "v": sent.link_version}, key="not-the-secret", salt=SALT
    )

    for token in (other_salt, wrong_key, "garbage"):
        response = client.get(reverse("rfi:form", args=[token]))
        assert response.status_code == 404
        assert_shows_no_customer_data(response)


def test_resending_replaces_the_earlier_link(client, customer, acme_admin, form_path):
    rfi_send(company=customer, actor=acme_admin)
    new_path = last_link()

    old = client.get(form_path)

    assert old.status_code == 410
    assert "A newer link to this Request for Information form has been sent" in (
        old.content.decode()
    )
    assert_shows_no_customer_data(old)
    assert client.get(new_path).status_code == 200


def test_a_link_to_a_deleted_customer_is_not_valid(client, customer, form_path):
    customer.delete()

    response = client.get(form_path)

    assert response.status_code == 404
