"""API clients for the personas: an Acme Admin, an Acme Sales user, Globex's Admin (the
outsider) and nobody, each with a personal token."""

import pytest
from rest_framework.test import APIClient

from tests.fixtures.api import client_for


@pytest.fixture
def admin_api(acme_admin):
    return client_for(acme_admin)


@pytest.fixture
def sales_api(acme_sales):
    return client_for(acme_sales)


@pytest.fixture
def outsider_api(outsider):
    return client_for(outsider)


@pytest.fixture
def anonymous_api(db):
    return APIClient()


@pytest.fixture(autouse=True)
def _generous_rate(settings):
    settings.API_RATE = "10000/min"
