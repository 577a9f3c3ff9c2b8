"""Set-password links: only the newest works, none for a deactivated user, and a new password
signs out the user's other sessions. Their e-mails are limited per hour."""

import re

from django.test import Client
from django.urls import reverse

from portal.accounts.models import SecurityEvent
from portal.core.models import OutgoingMessage
from tests.fixtures.factories import PASSWORD

NEW_PASSWORD = "a-much-longer-secret-42"
EXPIRED = "This link has expired or has already been used."


def reset_links(client, email, times=1) -> list[str]:
    for _ in range(times):
        client.post(reverse("password_reset"), {"email": email})
    bodies = OutgoingMessage.objects.filter(template="password_reset").order_by("pk")
    return [re.search(r"http://[^/]+(/accounts/reset/\S+/)", m.text_body).group(1) for m in bodies]


def choose_password(client, path, password=NEW_PASSWORD):
    page = client.get(path, follow=True)
    url = page.redirect_chain[-1][0] if page.redirect_chain else path
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_a_new_reset_link_makes_the_older_one_useless(client, acme_sales):
    old, new = reset_links(client, acme_sales.email, times=2)

    assert EXPIRED in choose_password(client, old).content.decode()
    assert choose_password(client, new).status_code == 302


def test_a_deactivated_users_link_does_nothing(client, acme_sales):
    [link] = reset_links(client, acme_sales.email)
    acme_sales.is_active = False
    acme_sales.save()

    response = choose_password(client, link)

    assert EXPIRED in response.content.decode()
    acme_sales.refresh_from_db()
    assert acme_sales.check_password(PASSWORD)


def test_a_password_reset_ends_the_users_other_sessions(client, acme_sales):
    elsewhere = Client()
    elsewhere.post(reverse("login"), {"username": acme_sales.email, "password": PASSWORD})
    assert elsewhere.get(reverse("home")).status_code == 200
    [link] = reset_links(client, acme_sales.email)

    choose_password(client, link)

    assert elsewhere.get(reverse("home")).status_code == 302
    assert acme_sales.sessions.count() == 0
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_RESET).exists()


def test_short_and_common_passwords_are_refused(client, acme_sales):
    [link] = reset_links(client, acme_sales.email)

    short = choose_password(client, link, "Tr0ub4dor&3").content.decode()
    common = choose_password(client, link, "password1234").content.decode()

    assert "at least 12 characters" in short
    assert "too common" in common


def test_reset_links_per_address_are_limited_per_hour(client, acme_sales):
    for _ in range(3):
        response = client.post(reverse("password_reset"), {"email": acme_sales.email})
        assert response.status_code == 302

    response = client.post(reverse("password_reset"), {"email": acme_sales.email})

    assert response.status_code == 200
    assert "Too many links were asked for. Try again in" in response.content.decode()
    assert OutgoingMessage.objects.filter(template="password_reset").count() == 3


def test_reset_links_for_unknown_addresses_are_limited_too(client, acme_sales):
    statuses = [
        client.post(reverse("password_reset"), {"email": f"n{n}@x.test"}).status_code
        for n in range(21)
    ]

    assert statuses[:20] == [302] * 20
    assert statuses[20] == 200


def test_invitations_sent_again_are_limited_per_hour(client, acme_admin):
    client.force_login(acme_admin)
    client.post(
        reverse("users:create"),
        {"full_name": "Nina", "email": "nina@acme.test", "role": "sales"},
    )
    member = acme_admin.partner.users.get(email="nina@acme.test")
    again = reverse("users:invite_again", args=[member.pk])

    client.post(again)
    client.post(again)
    response = client.post(again, follow=True)

    assert "Too many invitations were sent in the last hour" in response.content.decode()
    assert OutgoingMessage.objects.filter(template="user_invitation").count() == 3
