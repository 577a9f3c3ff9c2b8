"""The users list: the MSP's own users, with role, lead flag, status and last login."""

import datetime

from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from tests.fixtures.factories import make_user


def test_admin_sees_the_msps_users_and_nobody_elses(client, acme, acme_admin, outsider):
    make_user(acme, email="lead@acme.test", full_name="Lena Lead", lead=True)
    gone = make_user(acme, email="gone@acme.test", full_name="Gary Gone", is_active=False)
    gone.last_login = timezone.make_aware(datetime.datetime(2024, 5, 6, 7, 8))
    gone.save()
    client.force_login(acme_admin)

    response = client.get(reverse("users:list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<a class="button primary" href="/users/new/">Create User</a>' in page
    for header in ["Name", "E-mail", "Role", "MSP Implementation Lead", "Status", "Last login"]:
        assert f'<th scope="col">{header}</th>' in page
    assert [m.email for m in response.context["members"]] == [
        "admin@acme.test",
        "gone@acme.test",
        "lead@acme.test",
    ]
    assert "Lena Lead" in page
    assert "Deactivated" in page
    assert "2024-05-06 07:08" in page
    assert "admin@globex.test" not in page


def test_each_row_tells_role_lead_and_status(client, acme, acme_admin):
    make_user(acme, email="only@acme.test", full_name="Sam Sales")
    client.force_login(acme_admin)

    page = client.get(reverse("users:list")).content.decode()

    row = page[page.index("Sam Sales") :].split("</tr>")[0]
    assert "<td>Sales</td>" in row
    assert "<td>No</td>" in row
    assert '<span class="badge badge-active">Active</span>' in row
    assert User.objects.get(email="only@acme.test").last_login is None
    assert "Never" in row
