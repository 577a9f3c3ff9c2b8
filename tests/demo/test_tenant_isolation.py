"""Globex's admin cannot open any Acme object by URL."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.accounts.models import User
from portal.companies.models import Attachment, Company
from portal.companies.services import attachment_add


@pytest.fixture
def globex_admin(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", verbosity=0)
    return User.objects.get(email="admin@globex-msp.example")


def test_globex_admin_gets_404_for_every_acme_company(client, globex_admin):
    client.force_login(globex_admin)
    acme_companies = Company.objects.filter(partner__name="Acme IT Services")

    statuses = {
        client.get(reverse("companies:detail", args=[pk])).status_code
        for pk in acme_companies.values_list("pk", flat=True)
    }

    assert statuses == {404}


def test_globex_admin_gets_404_for_an_acme_attachment(client, globex_admin):
    northwind = Company.objects.get(name="Northwind Traders")
    attachment = attachment_add(
        company=northwind, name="a.pdf", content=b"x", content_type="application/pdf", actor=None
    )
    client.force_login(globex_admin)

    response = client.get(reverse("companies:attachment", args=[northwind.pk, attachment.pk]))

    assert response.status_code == 404
    assert Attachment.objects.count() == 1


def test_home_page_shows_only_the_own_msp(client, globex_admin):
    client.force_login(globex_admin)

    content = client.get(reverse("home")).content.decode()

    assert "Initech Holdings" in content
    assert "Northwind" not in content and "Acme" not in content
