"""Only an MSP's Admins reach the users pages; another MSP's user is a 404, never a 403."""

import pytest
from django.urls import reverse

from portal.core.navigation import menu_for


def every_users_url(member):
    return [
        ("get", reverse("users:list")),
        ("get", reverse("users:create")),
        ("post", reverse("users:create")),
        ("get", reverse("users:edit", args=[member.pk])),
        ("post", reverse("users:edit", args=[member.pk])),
        ("get", reverse("users:deactivate", args=[member.pk])),
        ("post", reverse("users:deactivate", args=[member.pk])),
        ("post", reverse("users:reactivate", args=[member.pk])),
        ("post", reverse("users:invite_again", args=[member.pk])),
    ]


def test_sales_gets_404_on_every_users_url(client, acme_sales, acme_admin):
    client.force_login(acme_sales)

    for method, url in every_users_url(acme_admin):
        assert getattr(client, method)(url).status_code == 404, url


def test_vendor_staff_get_404(client, staff, acme_admin):
    client.force_login(staff)

    for method, url in every_users_url(acme_admin):
        assert getattr(client, method)(url).status_code == 404, url


def test_anonymous_visitor_is_sent_to_log_in(client, acme_admin):
    response = client.get(reverse("users:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["users:edit", "users:deactivate"])
def test_outsider_gets_404_for_an_acme_user(client, outsider, acme_sales, name):
    client.force_login(outsider)

    assert client.get(reverse(name, args=[acme_sales.pk])).status_code == 404
    assert client.post(reverse(name, args=[acme_sales.pk])).status_code == 404


def test_outsider_cannot_change_deactivate_or_reactivate_an_acme_user(client, outsider, acme_sales):
    client.force_login(outsider)

    client.post(
        reverse("users:edit", args=[acme_sales.pk]),
        {"full_name": "Stolen", "role": "admin", "is_implementation_lead": "on"},
    )
    client.post(reverse("users:deactivate", args=[acme_sales.pk]))

    acme_sales.refresh_from_db()
    assert acme_sales.full_name == ""
    assert acme_sales.role == "sales"
    assert acme_sales.is_active
    acme_sales.is_active = False
    acme_sales.save()
    assert client.post(reverse("users:reactivate", args=[acme_sales.pk])).status_code == 404
    acme_sales.refresh_from_db()
    assert not acme_sales.is_active


def test_users_menu_item_shows_for_admin_only(acme_admin, acme_sales):
    users = [
        ("Users", reverse("users:list")),
        ("Security Log", reverse("users:security_log")),
    ]
    assert ("Users", users) in menu_for(acme_admin)
    assert all(section != "Users" for section, _ in menu_for(acme_sales))
