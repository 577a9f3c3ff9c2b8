"""Sessions: idle timeout and absolute lifetime; a user sees where they are signed in and can
sign any of those sessions out; a password change signs out the others."""

from django.test import Client
from django.urls import reverse

from portal.accounts.models import SecurityEvent, UserSession
from tests.fixtures.factories import PASSWORD, make_user


def sign_in(user, agent="Firefox on Linux", address="192.0.2.5") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_session_idle_longer_than_the_limit_is_signed_out(acme_sales, settings, time_machine):
    settings.SESSION_IDLE_MINUTES = 30
    time_machine.move_to("2026-11-30 09:00:00+00:00", tick=False)
    client = sign_in(acme_sales)
    time_machine.move_to("2026-11-30 09:29:00+00:00", tick=False)
    assert client.get(reverse("home")).status_code == 200

    time_machine.move_to("2026-11-30 09:59:30+00:00", tick=False)
    response = client.get(reverse("prospects:list"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login") + "?next=/prospects/")
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SESSION_EXPIRED).exists()


def test_a_busy_session_still_ends_at_its_absolute_lifetime(acme_sales, settings, time_machine):
    settings.SESSION_IDLE_MINUTES = 60
    settings.SESSION_MAX_HOURS = 2
    time_machine.move_to("2026-11-30 09:00:00+00:00", tick=False)
    client = sign_in(acme_sales)
    for minute in range(0, 120, 20):
        time_machine.move_to(f"2026-11-30 {9 + minute // 60:02d}:{minute % 60:02d}:00+00:00")
        assert client.get(reverse("home")).status_code == 200

    time_machine.move_to("2026-11-30 11:01:00+00:00", tick=False)

    assert client.get(reverse("home")).status_code == 302


def test_the_user_sees_their_sessions_and_signs_one_out(acme_sales):
    laptop = sign_in(acme_sales, agent="Firefox on Linux", address="192.0.2.5")
    phone = sign_in(acme_sales, agent="Safari on iPhone", address="198.51.100.9")

    page = laptop.get(reverse("sessions")).content.decode()
    assert "Firefox on Linux" in page and "Safari on iPhone" in page
    assert "198.51.100.9" in page
    phone_session = UserSession.objects.get(user_agent="Safari on iPhone")

    laptop.post(reverse("session_end", args=[phone_session.pk]))

    assert phone.get(reverse("home")).status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert list(acme_sales.sessions.values_list("user_agent", flat=True)) == ["Firefox on Linux"]


def test_sign_out_all_other_sessions(acme_sales):
    here = sign_in(acme_sales)
    others = [sign_in(acme_sales, agent=f"Browser {n}") for n in range(3)]

    here.post(reverse("sessions_end_others"))

    assert [c.get(reverse("home")).status_code for c in others] == [302, 302, 302]
    assert here.get(reverse("home")).status_code == 200


def test_another_users_session_cannot_be_ended(acme_sales, acme):
    colleague = make_user(acme, email="colleague@acme.test")
    sign_in(colleague)
    theirs = UserSession.objects.get(user=colleague)
    client = sign_in(acme_sales)

    assert client.post(reverse("session_end", args=[theirs.pk])).status_code == 404
    assert UserSession.objects.filter(pk=theirs.pk).exists()


def test_a_password_change_keeps_this_session_and_ends_the_others(acme_sales):
    here = sign_in(acme_sales)
    elsewhere = sign_in(acme_sales, agent="Other")

    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-secret-42",
            "new_password2": "a-much-longer-secret-42",
        },
        follow=True,
    )

    assert "Your password has been changed. 1 other session signed out." in (
        response.content.decode()
    )
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302
    assert acme_sales.sessions.count() == 1
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()


def test_the_password_change_page_refuses_a_short_password(acme_sales):
    client = sign_in(acme_sales)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short-1", "new_password2": "short-1"},
    )

    assert "at least 12 characters" in response.content.decode()
