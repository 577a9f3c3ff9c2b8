import re

from django.core import mail
from django.urls import reverse

from tests.fixtures.factories import PASSWORD


def test_msp_user_logs_in_with_email_in_any_case(client, acme_admin):
    response = client.post(
        reverse("login"), {"username": "ADMIN@Acme.test", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Acme IT Services" in response.content


def test_wrong_password_is_told_next_to_the_form(client, acme_admin):
    response = client.post(reverse("login"), {"username": "admin@acme.test", "password": "nope"})

    assert response.status_code == 200
    assert b"do not match an active account" in response.content


def test_deactivated_user_cannot_log_in(client, acme_sales):
    acme_sales.is_active = False
    acme_sales.save()

    response = client.post(reverse("login"), {"username": acme_sales.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, acme_sales):
    client.force_login(acme_sales)

    client.post(reverse("logout"))

    assert client.get(reverse("home")).status_code == 302


def test_password_reset_mail_goes_through_the_outbox_and_its_link_works(
    client, acme_sales, settings, run_worker
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    client.post(reverse("password_reset"), {"email": acme_sales.email})
    assert mail.outbox == []
    run_worker()

    [message] = mail.outbox
    path = re.search(r"http://[^/]+(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-much-longer-secret-42", "new_password2": "a-much-longer-secret-42"},
    )
    assert response.status_code == 302
    assert client.login(email=acme_sales.email, password="a-much-longer-secret-42")
