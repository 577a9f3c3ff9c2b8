"""API clients for the personas: an Acme Admin, an Acme Sales user, Globex's Admin (the
outsider) and nobody, each with a personal token."""

import pytest
from rest_framework.test import APIClient

from portal.api.tokens import token_create
from tests.browser.conftest import demo_data  # noqa: F401  (fixtures)
from tests.changes.conftest import fabrikam, northwind, price_list  # noqa: F401  (fixtures)
from tests.orders.conftest import catalog, prospect  # noqa: F401  (fixtures)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _, raw = token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


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
