"""A submitted order (with its provisioning request) and a local vendor endpoint."""

import socket
import uuid

import pytest

from portal.orders.services import OrderInput, order_submit
from portal.sync.models import ProvisioningRequest
from tests.changes.conftest import (  # noqa: F401  (fixtures)
    fabrikam,
    northwind,
    price_list,
    quote_change,
)
from tests.orders.conftest import catalog, prospect  # noqa: F401  (fixtures)

from .vendor_server import VendorServer

SECRET = "shared-with-the-vendor"


@pytest.fixture(autouse=True)
def _infrastructure(infrastructure_choices):
    pass


@pytest.fixture
def sync_settings(settings):
    settings.SYNC_SECRET = SECRET
    settings.SYNC_TIMEOUT_SECONDS = 0.5
    settings.SYNC_MAX_ATTEMPTS = 3
    settings.SYNC_RETRY_BASE_SECONDS = 60
    settings.SYNC_SIMULATOR_DELAY_SECONDS = 0
    return settings


def submit_order(company, actor, seats=682) -> ProvisioningRequest:
    """Submit the order of ``company`` through the service; its provisioning request."""
    data = OrderInput(
        implementation_lead=actor,
        permitted_users=seats,
        products={p.product: p.seats for p in company.products.select_related("product")},
        infrastructure={},
        order_number="PO-1001",
        order_number_not_required=False,
    )
    order, _ = order_submit(company=company, actor=actor, data=data, key=uuid.uuid4(), ip=None)
    return ProvisioningRequest.objects.get(agreement=order.agreement)


@pytest.fixture
def order_request(prospect, acme_admin, sync_settings):  # noqa: F811
    return submit_order(prospect, acme_admin)


@pytest.fixture
def vendor(sync_settings):
    """The vendor endpoint, answering "ok" unless the test sets ``vendor.mode``."""
    with VendorServer() as server:
        sync_settings.SYNC_VENDOR_URL = server.url
        yield server


@pytest.fixture
def closed_port_url(sync_settings):
    """A URL where nothing listens: the vendor is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sync_settings.SYNC_VENDOR_URL = f"http://127.0.0.1:{port}/provision"
    return sync_settings.SYNC_VENDOR_URL
