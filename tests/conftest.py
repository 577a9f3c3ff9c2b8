import datetime
import signal

import pytest
import time_machine
from django.core.management import call_command

from portal.accounts.models import User
from tests.fixtures.factories import (
    add_infrastructure_choices,
    force_login_with_two_step,
    give_authenticator,
    make_partner,
    make_user,
)

# The fixtures the test packages share: a test names them, nothing imports them.
pytest_plugins = [
    "tests.fixtures.api",
    "tests.fixtures.catalog",
    "tests.fixtures.customers",
    "tests.fixtures.demo",
    "tests.fixtures.sync",
    "tests.fixtures.web",
]


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        type=datetime.date.fromisoformat,
        help="run as if today were this date (YYYY-MM-DD), at noon UTC with the clock moving: "
        "finds the tests that hold only until a date of theirs has passed",
    )


def pytest_configure(config):
    today = config.getoption("--today")
    if today:
        noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
        time_machine.travel(noon, tick=True).start()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate counts (on SQLite), kept list pages and the like live in the caches: none left from
    another test (whose rolled-back data could have had the same ids and counts of changes)."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_two_step(monkeypatch):
    """``force_login`` stands for a whole sign-in: a user with two-step verification on (all
    vendor staff) is verified too. Tests of the second step sign in with the password."""
    from functools import partialmethod

    from django.test import Client

    monkeypatch.setattr(
        Client,
        "force_login",
        partialmethod(force_login_with_two_step, _plain=Client.force_login),
    )


@pytest.fixture
def acme(db):
    return make_partner("Acme IT Services")


@pytest.fixture
def globex(db):
    return make_partner("Globex Managed Services")


@pytest.fixture
def acme_admin(acme):
    return make_user(acme, role=User.Role.ADMIN, email="admin@acme.test", lead=True)


@pytest.fixture
def acme_sales(acme):
    return make_user(acme, role=User.Role.SALES, email="sales@acme.test")


@pytest.fixture
def outsider(globex):
    """An admin of another MSP: must never see anything of Acme's."""
    return make_user(globex, role=User.Role.ADMIN, email="admin@globex.test", lead=True)


@pytest.fixture
def staff(db):
    """Vendor staff always have two-step verification: this one has an authenticator app."""
    user = make_user(None, email="staff@vendor.test", is_superuser=True)
    give_authenticator(user)
    return user


@pytest.fixture
def infrastructure_choices(db):
    """The order form's default answers come from a data migration, which the flush after a
    transactional test empties: put them back."""
    add_infrastructure_choices()


@pytest.fixture
def run_worker(transactional_db):
    """Run the real database task worker until the queue is empty.

    Transactional: the worker checks its connection between tasks and, like in production,
    expects autocommit, which a test wrapped in a transaction does not have.
    """

    def run() -> None:
        # The worker installs its own signal handlers to stop gracefully; put pytest's back, so
        # that a signal later in the run does not end another test with SystemExit.
        signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
        saved = {sig: signal.getsignal(sig) for sig in signals}
        try:
            call_command(
                "db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0
            )
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    return run


@pytest.fixture
def dns_server(settings):
    """Verify asks this server: MX for mail.example, only an A record for web.example."""
    from .dns_server import LocalDnsServer

    records = {
        ("mail.example", "MX"): ["10 mx1.mail.example."],
        ("web.example", "A"): ["192.0.2.10"],
        ("web.example", "MX"): [],
    }
    with LocalDnsServer(records) as server:
        settings.DNS_NAMESERVERS = ["127.0.0.1"]
        settings.DNS_PORT = server.port
        settings.DNS_TIMEOUT_SECONDS = 2
        yield server


@pytest.fixture
def dns_down(settings):
    """No DNS server answers: a port nobody listens on, and a short timeout."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.DNS_NAMESERVERS = ["127.0.0.1"]
    settings.DNS_PORT = port
    settings.DNS_TIMEOUT_SECONDS = 0.5
