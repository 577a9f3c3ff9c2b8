"""Create User: the new user gets an invitation e-mail whose link lets them choose a password."""

import datetime
import re

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from portal.accounts.models import User
from portal.core.history import history_for
from portal.core.models import HistoryEntry, OutgoingMessage
from tests.fixtures.factories import make_user

NEW_PASSWORD = "a-much-longer-secret-42"


def invite(client, **changes):
    data = {
        "full_name": "Nina New",
        "email": "Nina.New@Acme.test",
        "role": "sales",
        "is_implementation_lead": "on",
    }
    data.update(changes)
    return client.post(reverse("users:create"), data)


def link_in(message) -> str:
    return re.search(r"http://[^/]+(/accounts/reset/\S+/)", message.body).group(1)


def set_password(client, path):
    form_page = client.get(path, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_create_user_page_labels_every_input(client, acme_admin):
    client.force_login(acme_admin)

    page = client.get(reverse("users:create")).content.decode()

    for field, label in [
        ("full_name", "Full name"),
        ("email", "E-mail address"),
        ("role", "Role"),
        ("is_implementation_lead", "MSP Implementation Lead"),
    ]:
        assert re.search(rf'<label [^>]*for="id_{field}"[^>]*>[^<]*(<input[^>]*>)? ?{label}', page)
        assert f'id="id_{field}"' in page


def test_admin_creates_a_user_without_a_password(client, acme, acme_admin):
    client.force_login(acme_admin)

    response = invite(client)

    assert response.status_code == 302
    assert response.url == reverse("users:list")
    user = User.objects.get(email="nina.new@acme.test")
    assert user.partner == acme
    assert user.role == User.Role.SALES
    assert user.is_implementation_lead
    assert user.full_name == "Nina New"
    assert not user.has_usable_password()
    page = client.get(response.url).content.decode()
    assert "An invitation to choose a password is on its way to nina.new@acme.test" in page


def test_creating_a_user_writes_history_with_its_fields(client, acme, acme_admin):
    client.force_login(acme_admin)

    invite(client)

    user = User.objects.get(email="nina.new@acme.test")
    entry = history_for(user).get()
    assert entry.action == HistoryEntry.Action.CREATE
    assert entry.partner == acme
    assert entry.actor == acme_admin
    assert entry.changes == {
        "E-mail": [None, "nina.new@acme.test"],
        "Full name": [None, "Nina New"],
        "Role": [None, "Sales"],
        "MSP Implementation Lead": [None, "Yes"],
        "Status": [None, "Active"],
    }


def test_an_address_of_ones_own_msp_in_any_case_is_told_next_to_the_field(
    client, acme_admin, acme_sales
):
    client.force_login(acme_admin)

    response = invite(client, email="SALES@acme.TEST")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"] == [
        "This address is already one of your MSP's users. Each person needs their own."
    ]
    page = response.content.decode()
    email_field = page[page.index('<label for="id_email"') :].split("</div>\n</div>")[0]
    assert "already one of your MSP&#x27;s users" in email_field
    assert User.objects.filter(email__iexact="sales@acme.test").count() == 1
    assert not OutgoingMessage.objects.exists()


def test_missing_fields_are_told_next_to_them(client, acme_admin):
    client.force_login(acme_admin)

    response = invite(client, full_name="", email="not-an-address")

    assert response.context["form"].errors.keys() == {"full_name", "email"}
    assert not OutgoingMessage.objects.exists()


def test_invitation_is_delivered_and_its_link_sets_a_password_to_log_in_with(
    client, acme_admin, settings, run_worker
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(acme_admin)
    invite(client)
    assert mail.outbox == []

    run_worker()

    [message] = mail.outbox
    assert message.to == ["nina.new@acme.test"]
    assert message.subject == "You have been added to Acme IT Services on the MSP Partner Portal"
    assert "expires within 1 day" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    client.logout()
    response = set_password(client, link_in(message))
    assert response.status_code == 302
    assert client.login(email="nina.new@acme.test", password=NEW_PASSWORD)


def test_invitation_link_works_only_once(client, acme_admin, settings, run_worker):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(acme_admin)
    invite(client)
    run_worker()
    path = link_in(mail.outbox[0])
    client.logout()
    set_password(client, path)

    page = client.get(path, follow=True).content.decode()

    assert "This link has expired or has already been used." in page


def test_expired_invitation_link_is_refused(client, acme_admin, settings, monkeypatch):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    client.force_login(acme_admin)
    invite(client)
    body = OutgoingMessage.objects.get(template="user_invitation").text_body
    assert "expires within 1 hour" in body
    path = re.search(r"http://[^/]+(/accounts/reset/\S+/)", body).group(1)
    client.logout()

    # two hours later
    later = datetime.datetime.now() + datetime.timedelta(hours=2)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    response = set_password(client, path)

    assert "This link has expired or has already been used." in response.content.decode()
    assert not User.objects.get(email="nina.new@acme.test").has_usable_password()


def test_admin_can_send_an_expired_invitation_again(client, acme, acme_admin):
    invited = make_user(acme, email="late@acme.test")
    invited.set_unusable_password()
    invited.save()
    client.force_login(acme_admin)

    response = client.post(reverse("users:invite_again", args=[invited.pk]), follow=True)

    assert "A new invitation is on its way to late@acme.test" in response.content.decode()
    assert OutgoingMessage.objects.get(template="user_invitation").to == ["late@acme.test"]


def test_no_invitation_again_for_a_user_who_has_a_password(client, acme_admin, acme_sales):
    client.force_login(acme_admin)

    response = client.post(reverse("users:invite_again", args=[acme_sales.pk]), follow=True)

    assert "has already chosen a password" in response.content.decode()
    assert not OutgoingMessage.objects.exists()
