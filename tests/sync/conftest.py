"""A local vendor endpoint (the submitted order and its settings are in tests/fixtures/sync.py)."""

import socket

import pytest

from .vendor_server import VendorServer


@pytest.fixture(autouse=True)
def _infrastructure(infrastructure_choices):
    pass


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
