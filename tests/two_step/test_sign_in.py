"""Signing in with two-step verification on: password, then a code (or a recovery code)."""

from django.urls import reverse

from portal.accounts.models import SecurityEvent
from tests.fixtures.factories import give_authenticator, totp_code

from .conftest import sign_in_with_password


def test_after_the_password_every_page_waits_for_the_code(client, acme_sales, clock):
    give_authenticator(acme_sales)

    response = sign_in_with_password(client, acme_sales, next_url="/prospects/")
    assert response.status_code == 302

    for url in ["/", "/prospects/", "/profile/", "/profile/two-step/", "/api/docs/"]:
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith(reverse("two_step_verify")), url
    api = client.get("/api/v1/prospects/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_step_required"
    assert client.get(reverse("two_step_verify")).status_code == 200


def test_the_right_code_opens_the_portal_at_the_page_asked_for(client, acme_sales, clock):
    device = give_authenticator(acme_sales)
    sign_in_with_password(client, acme_sales)
    client.get("/prospects/?letter=B")

    response = client.post(
        reverse("two_step_verify"), {"code": totp_code(device), "next": "/prospects/?letter=B"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/prospects/?letter=B"
    assert client.get("/prospects/").status_code == 200


def test_a_wrong_code_is_refused_next_to_the_field_and_logged(client, acme_sales, clock):
    device = give_authenticator(acme_sales)
    sign_in_with_password(client, acme_sales)
    wrong = f"{(int(totp_code(device)) + 5) % 1_000_000:06d}"

    page = client.post(reverse("two_step_verify"), {"code": wrong})

    assert page.status_code == 400
    assert "That code is not right" in page.content.decode()
    assert client.get("/").status_code == 302
    event = SecurityEvent.objects.get(kind="two_step_failed", user=acme_sales)
    assert event.partner == acme_sales.partner
    assert "wrong code" in event.detail


def test_a_code_is_taken_only_once(client, acme_sales, clock):
    device = give_authenticator(acme_sales)
    code = totp_code(device)
    sign_in_with_password(client, acme_sales)
    client.post(reverse("two_step_verify"), {"code": code})
    client.post(reverse("logout"))
    clock.shift(3)  # past the throttle; still the same 30-second step

    sign_in_with_password(client, acme_sales)
    page = client.post(reverse("two_step_verify"), {"code": code})

    assert page.status_code == 400
    clock.shift(30)
    page = client.post(reverse("two_step_verify"), {"code": totp_code(device)})
    assert page.status_code == 302


def test_a_recovery_code_works_once(client, acme_sales, clock):
    give_authenticator(acme_sales)
    client.force_login(acme_sales)
    codes = client.post(reverse("two_step_recovery_codes")).context["codes"]
    client.post(reverse("logout"))

    sign_in_with_password(client, acme_sales)
    first = client.post(reverse("two_step_verify"), {"code": codes[0].upper()})
    assert first.status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))

    clock.shift(5)
    sign_in_with_password(client, acme_sales)
    again = client.post(reverse("two_step_verify"), {"code": codes[0]})
    assert again.status_code == 400
    assert "That code is not right" in again.content.decode()
    clock.shift(5)
    other = client.post(reverse("two_step_verify"), {"code": codes[1]}, follow=True)
    assert "You used a recovery code: 8 left" in other.content.decode()


def test_a_user_without_two_step_signs_in_with_the_password_alone(client, acme_sales):
    sign_in_with_password(client, acme_sales)

    assert client.get("/").status_code == 200
    assert client.get(reverse("two_step_verify")).status_code == 302


def test_logging_out_works_before_the_second_step(client, acme_sales, clock):
    give_authenticator(acme_sales)
    sign_in_with_password(client, acme_sales)

    client.post(reverse("logout"))

    assert "_auth_user_id" not in client.session


def test_an_api_token_is_a_factor_of_its_own(client, acme_sales, clock):
    from portal.api.tokens import token_create

    give_authenticator(acme_sales)
    _, raw = token_create(user=acme_sales, name="PSA")
    sign_in_with_password(client, acme_sales)  # an unverified session in the same client

    with_token = client.get("/api/v1/prospects/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    session_only = client.get("/api/v1/prospects/")

    assert with_token.status_code == 200
    assert session_only.status_code == 403
    assert "second step" in session_only.json()["error"]["message"]
