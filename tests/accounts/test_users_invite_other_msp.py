"""Inviting an address that already logs in with another MSP: the inviter is answered as for
a new address (the screen and the API), nothing is created, and the address's owner gets a
neutral notice, so no MSP can find out who works with another."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from portal.accounts.models import User
from portal.core.models import HistoryEntry, OutgoingMessage
from tests.fixtures.api import client_for

NOTICE = "user_invitation_address_taken"


def invite(client, email, name="Nina New"):
    data = {"full_name": name, "email": email, "role": "sales", "is_implementation_lead": "on"}
    return client.post(reverse("users:create"), data)


def flash(client, response) -> list[str]:
    """The messages the next page (the Users list it redirects to) shows."""
    return [str(m) for m in client.get(response.url).context["messages"]]


def as_it_was(user):
    return (user.partner_id, user.role, user.full_name, user.password, user.is_active)


@pytest.fixture(params=["outsider", "staff"])
def owner(request):
    """An address that logs in already: another MSP's Admin, or vendor staff."""
    return request.getfixturevalue(request.param)


def test_the_screen_answers_as_for_a_new_address_and_creates_nothing(client, acme_admin, owner):
    before = as_it_was(owner)
    client.force_login(acme_admin)

    fresh = invite(client, "Nina.New@Acme.test", "Nina New")
    fresh_said = flash(client, fresh)
    taken = invite(client, owner.email.upper(), "Nina New")

    assert (taken.status_code, taken.url) == (fresh.status_code, fresh.url)
    assert flash(client, taken) == [
        f"Nina New added. An invitation to choose a password is on its way to {owner.email}."
    ]
    assert fresh_said == [
        "Nina New added. An invitation to choose a password is on its way to nina.new@acme.test."
    ]
    owner.refresh_from_db()
    assert as_it_was(owner) == before
    assert User.objects.filter(email__iexact=owner.email).count() == 1
    # Nothing the inviting MSP can see: no history entry, no invitation.
    assert HistoryEntry.objects.filter(partner=acme_admin.partner).count() == 1  # Nina's
    assert OutgoingMessage.objects.filter(template="user_invitation").get().to == [
        "nina.new@acme.test"
    ]


def test_the_api_answers_as_for_a_new_address_and_creates_nothing(acme_admin, owner):
    api = client_for(acme_admin)
    body = {"full_name": "Nina New", "role": "sales", "is_implementation_lead": True}

    fresh = api.post("/api/v1/users/", {**body, "email": "nina@acme.test"}, format="json")
    taken = api.post("/api/v1/users/", {**body, "email": owner.email}, format="json")

    assert (fresh.status_code, taken.status_code) == (201, 201)
    assert taken.json().keys() == fresh.json().keys()
    answer = taken.json()
    assert (answer["email"], answer["display_name"]) == (owner.email, "Nina New")
    assert (answer["role"], answer["invitation_pending"]) == ("sales", True)
    assert answer["id"] is None  # nothing was created (the Users list will not show them)
    assert "already" not in taken.content.decode()
    assert User.objects.filter(email__iexact=owner.email).get() == owner
    assert not OutgoingMessage.objects.filter(template="user_invitation", to=[owner.email])


def test_the_owner_gets_a_neutral_notice_at_most_once_a_day(client, acme_admin, outsider):
    client.force_login(acme_admin)

    for _ in range(5):
        invite(client, outsider.email)

    notice = OutgoingMessage.objects.get(template=NOTICE)
    assert notice.to == [outsider.email]
    assert notice.partner == outsider.partner  # the recipient's, not the inviting MSP's
    assert "Acme IT Services tried to add you" in notice.subject
    assert "nothing was created" in notice.text_body
    assert "has not been told that the address is in use" in notice.text_body
    assert "/accounts/reset/" not in notice.text_body

    with time_machine.travel(datetime.timedelta(hours=25)):
        client.force_login(acme_admin)  # the first session has ended by then
        invite(client, outsider.email)
    assert OutgoingMessage.objects.filter(template=NOTICE).count() == 2


def test_a_user_of_ones_own_msp_is_still_told_plainly(client, acme_admin, acme_sales):
    client.force_login(acme_admin)

    response = invite(client, "Sales@Acme.test")

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "This address is already one of your MSP's users. Each person needs their own."
    ]
    assert not OutgoingMessage.objects.exists()
