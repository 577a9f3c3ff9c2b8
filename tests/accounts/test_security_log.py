"""Users | Security Log: an MSP's Admins read their own MSP's events; vendor staff read all."""

from django.urls import reverse

from portal.accounts.models import SecurityEvent
from portal.accounts.security import record
from tests.fixtures.factories import PASSWORD


def test_admins_read_their_msps_events_only(client, acme_admin, acme_sales, outsider):
    record(SecurityEvent.Kind.SIGN_IN, user=acme_sales, detail="acme-sign-in")
    record(SecurityEvent.Kind.SIGN_IN, user=outsider, detail="globex-sign-in")
    client.force_login(acme_admin)

    page = client.get(reverse("users:security_log")).content.decode()

    assert "acme-sign-in" in page
    assert "globex-sign-in" not in page


def test_sales_users_do_not_see_the_security_log(client, acme_sales):
    client.force_login(acme_sales)

    assert client.get(reverse("users:security_log")).status_code == 404


def test_the_log_narrows_by_event(client, acme_admin, acme_sales):
    record(SecurityEvent.Kind.SIGN_IN, user=acme_sales, detail="one-sign-in")
    record(SecurityEvent.Kind.ROLE_CHANGED, user=acme_sales, detail="one-role-change")
    client.force_login(acme_admin)

    page = client.get(reverse("users:security_log"), {"kind": "role_changed"}).content.decode()
    junk = client.get(reverse("users:security_log"), {"kind": "nonsense"})

    assert "one-role-change" in page and "one-sign-in" not in page
    assert junk.status_code == 200


def test_user_changes_and_tokens_are_logged(client, acme_admin, acme_sales):
    client.post(reverse("login"), {"username": acme_admin.email, "password": PASSWORD})
    client.post(
        reverse("users:edit", args=[acme_sales.pk]),
        {"full_name": "Sam", "role": "admin", "is_implementation_lead": ""},
    )
    client.post(reverse("users:deactivate", args=[acme_sales.pk]))
    client.post(reverse("profile"), {"name": "PSA sync"})

    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))

    assert {
        SecurityEvent.Kind.SIGN_IN,
        SecurityEvent.Kind.ROLE_CHANGED,
        SecurityEvent.Kind.USER_DEACTIVATED,
        SecurityEvent.Kind.TOKEN_CREATED,
    } <= kinds
    change = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_CHANGED)
    assert (change.user, change.actor, change.detail) == (acme_sales, acme_admin, "Sales → Admin")


def test_vendor_staff_read_every_msps_events_in_the_console(client, staff, acme_sales, outsider):
    record(SecurityEvent.Kind.SIGN_IN, user=acme_sales, detail="acme-sign-in")
    record(SecurityEvent.Kind.SIGN_IN, user=outsider, detail="globex-sign-in")
    client.force_login(staff)

    page = client.get(reverse("admin:accounts_securityevent_changelist")).content.decode()

    assert "acme-sign-in" in page and "globex-sign-in" in page
