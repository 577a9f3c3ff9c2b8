"""Fixtures for the upload tests: a catalog with a seat-counted add-on, and an uploader."""

import pytest
from django.urls import reverse

from tests.fixtures.factories import make_product, set_prices


@pytest.fixture
def catalog(acme):
    s1 = make_product("S1", name="Email Security")
    mac = make_product("A1", name="Mac Client", kind="addon", needs_own_seats=True)
    set_prices(acme, s1, [(1, "3.50")])
    set_prices(acme, mac, [(1, "0.90")])
    return {"S1": s1, "A1": mac}


@pytest.fixture
def upload(client, acme_admin, catalog):
    client.force_login(acme_admin)

    def post(content: bytes, name="prospects.csv", follow=True):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            reverse("prospects:upload"), {"file": SimpleUploadedFile(name, content)}, follow=follow
        )

    return post
