"""An MSP may not point webhooks at the portal's own network: unless
WEBHOOK_ALLOW_PRIVATE_ADDRESSES, a URL on a private or local address fails at once, unsent."""

import ipaddress
import socket

import pytest

from portal.webhooks.addresses import is_public
from portal.webhooks.services import webhook_emit
from portal.webhooks.tasks import webhook_deliver

from .conftest import make_endpoint


def test_a_local_address_is_refused_without_a_request(endpoint, receiver, acme, webhook_settings):
    webhook_settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={})

    assert webhook_deliver(delivery_id=delivery.pk) == "failed"

    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "127.0.0.1 is a private or local address" in delivery.last_error


# --- IPv4 inside IPv6, and what the refusal tells --------------------------------------------

HIDDEN_PRIVATE = [
    "::ffff:10.0.0.1",  # IPv4-mapped
    "::ffff:127.0.0.1",
    "::10.0.0.1",  # IPv4-compatible
    "::169.254.169.254",  # a cloud's metadata service
    "64:ff9b::10.0.0.1",  # NAT64, well-known prefix
    "64:ff9b::192.168.1.1",
    "64:ff9b:1::a00:1",  # NAT64, local-use prefix
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
]
PUBLIC = [
    "8.8.8.8",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
    "2002:808:808::1",
]


@pytest.mark.parametrize("address", HIDDEN_PRIVATE)
def test_a_private_ipv4_inside_an_ipv6_address_is_not_public(address):
    assert ipaddress.ip_address(address).version == 6
    assert not is_public(address)


@pytest.mark.parametrize("address", ["10.0.0.1", "127.0.0.1", "169.254.169.254", "::1", "fe80::1"])
def test_plain_private_and_local_addresses_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_stay_public_in_every_form(address):
    # A DNS64 resolver answers 64:ff9b::8.8.8.8 for a public host: that must still work.
    assert is_public(address)


@pytest.mark.parametrize("address", ["::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1"])
def test_an_ipv6_literal_hiding_a_local_address_is_refused_without_a_request(
    receiver, acme, webhook_settings, address
):
    webhook_settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    make_endpoint(acme, url=f"http://[{address}]:{receiver.httpd.server_address[1]}/hook")
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={})

    assert webhook_deliver(delivery_id=delivery.pk) == "failed"

    assert receiver.received == []
    delivery.refresh_from_db()
    assert "is a private or local address" in delivery.last_error


@pytest.fixture
def resolver(monkeypatch):
    """The system resolver, with names the test adds: {name: [addresses]}."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            return real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in names[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.0.0.7"],
        ["::ffff:10.0.0.7"],
        ["64:ff9b::a00:7"],
        ["2002:a00:7::1"],
        ["8.8.8.8", "::10.0.0.7"],
    ],
)
def test_a_name_resolving_to_a_private_address_is_refused_without_telling_the_address(
    acme, webhook_settings, resolver, addresses
):
    webhook_settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    resolver["hooks.acme.example"] = addresses
    make_endpoint(acme, url="https://hooks.acme.example/portal")
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={})

    assert webhook_deliver(delivery_id=delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert delivery.last_error == (
        "Not sent: hooks.acme.example resolves to a private or local address; webhooks go to "
        "public addresses only."
    )
    for address in addresses:
        assert address not in delivery.last_error
    assert "10.0.0.7" not in delivery.last_error
