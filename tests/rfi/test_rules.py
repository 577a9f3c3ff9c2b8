"""What the list and host answers accept, and how they are stored."""

import pytest
from django.core.exceptions import ValidationError

from portal.rfi.rules import (
    MAX_LINES,
    domains_clean,
    hosts_clean,
    phone_clean,
    smarthost_clean,
)


def messages_of(call, *args, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.messages


def test_domains_are_normalised_like_verify_and_deduplicated():
    text = "https://www.Example.com/about\n\n  mail.example.org \nexample.com\n"

    assert domains_clean(text) == "example.com\nmail.example.org"


def test_each_bad_domain_is_named_by_its_line():
    assert messages_of(domains_clean, "ok.example\nnodot\n\n-bad-.example") == [
        "Line 2 (“nodot”): A domain has at least two parts, like example.com.",
        "Line 4 (“-bad-.example”): Use only letters, digits and hyphens between the dots, "
        "like example.com.",
    ]


def test_the_main_domain_is_not_an_additional_one():
    assert messages_of(domains_clean, "Northwind.example", main_domain="northwind.example") == [
        "Line 1 (“Northwind.example”): This is the company's main domain; list only others."
    ]


def test_a_very_long_list_is_refused():
    text = "\n".join(f"d{n}.example" for n in range(MAX_LINES + 1))

    assert messages_of(domains_clean, text) == [f"At most {MAX_LINES} lines, please."]


@pytest.mark.parametrize(
    ("line", "stored"),
    [
        ("MX1.Example.com.", "mx1.example.com"),
        ("192.0.2.25", "192.0.2.25"),
        ("2001:DB8::25", "2001:db8::25"),
        ("[2001:db8::25]", "2001:db8::25"),
        ("198.51.100.0/24", "198.51.100.0/24"),
        ("2001:db8::/32", "2001:db8::/32"),
    ],
)
def test_inbound_hosts_accept_names_addresses_and_networks(line, stored):
    assert hosts_clean(line) == stored


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("192.0.2.256", "Not a valid IPv4 address, like 192.0.2.10."),
        ("2001:db8:::1", "Not a valid IPv6 address, like 2001:db8::25."),
        ("mail server", "Enter a host name, like mail.example.com, or an IP address"),
        ("localhost", "Enter a host name, like mail.example.com, or an IP address"),
        ("192.0.2.5/24", "The network starts at 192.0.2.0; write 192.0.2.0/24."),
        ("192.0.2.0/33", "Not a valid network, like 192.0.2.0/24."),
    ],
)
def test_bad_inbound_hosts_say_what_is_wrong(line, message):
    [told] = messages_of(hosts_clean, f"ok.example\n{line}")

    assert told.startswith(f"Line 2 (“{line}”): {message}")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("SMTP.Example.com", "smtp.example.com"),
        ("smtp.example.com:587", "smtp.example.com:587"),
        ("192.0.2.1:2525", "192.0.2.1:2525"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:587", "[2001:db8::1]:587"),
    ],
)
def test_smarthost_takes_a_host_and_an_optional_port(typed, stored):
    assert smarthost_clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("smtp.example.com:", "The port after the colon is a number from 1 to 65535"),
        ("smtp.example.com:0", "The port after the colon is a number from 1 to 65535"),
        ("smtp.example.com:smtp", "The port after the colon is a number from 1 to 65535"),
        ("[smtp.example.com]:25", "Square brackets are only for an IPv6 address."),
        ("smtp example:25", "Enter a host name, like mail.example.com, or an IP address"),
    ],
)
def test_bad_smarthost_says_what_is_wrong(typed, message):
    [told] = messages_of(smarthost_clean, typed)

    assert told.startswith(message)


def test_phone_numbers_keep_their_signs_and_lose_extra_spaces():
    assert phone_clean("  +44 (20)  7946-0000 ") == "+44 (20) 7946-0000"
    assert messages_of(phone_clean, "ask reception")[0].startswith("Enter a phone number")
    assert messages_of(phone_clean, "12-34")[0].startswith("Enter a phone number")
