"""Making an API token asks for the second step again, unless it was passed minutes ago."""

from django.urls import reverse

from portal.api.models import ApiToken
from tests.fixtures.factories import give_authenticator, totp_code


def test_a_fresh_verification_lets_the_token_be_made_at_once(client, acme_sales, clock):
    give_authenticator(acme_sales)
    client.force_login(acme_sales)  # both steps, just now

    page = client.post(reverse("profile"), {"name": "PSA sync"})

    assert page.status_code == 200
    assert page.context["new_token"].startswith("msp_")


def test_minutes_later_the_form_asks_for_a_code(client, acme_sales, clock, settings):
    device = give_authenticator(acme_sales)
    client.force_login(acme_sales)
    clock.shift(settings.TWO_STEP_FRESH_MINUTES * 60 + 1)

    form_page = client.get(reverse("profile"))
    assert "Authenticator code or recovery code" in form_page.content.decode()
    without = client.post(reverse("profile"), {"name": "PSA sync"})
    assert without.status_code == 400
    assert "This field is required" in without.content.decode()
    wrong = client.post(reverse("profile"), {"name": "PSA sync", "code": "000000"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert not ApiToken.objects.exists()

    clock.shift(5)
    right = client.post(reverse("profile"), {"name": "PSA sync", "code": totp_code(device)})
    assert right.status_code == 200
    assert ApiToken.objects.filter(user=acme_sales, name="PSA sync").exists()


def test_without_two_step_no_code_is_asked(client, acme_sales):
    client.force_login(acme_sales)

    page = client.post(reverse("profile"), {"name": "PSA sync"})

    assert page.status_code == 200
    assert "Authenticator code" not in page.content.decode()
