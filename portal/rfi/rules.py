"""Checks of the answers people type into the form; each returns the value as it is stored.

A list field reports every bad line at once, by its line number and what it says, so that the
whole list can be put right in one go.
"""

import ipaddress
import re

from django.core.exceptions import ValidationError

from portal.companies.domains import domain_syntax_error, normalize_domain

MAX_LINES = 200
IPV4_LIKE = re.compile(r"[0-9.]+")
PHONE = re.compile(r"\+?[0-9 ().-]+")
HOST_MESSAGE = "Enter a host name, like mail.example.com, or an IP address, like 192.0.2.10."
PORT_MESSAGE = "The port after the colon is a number from 1 to 65535, like :587."


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number as shown in the box, stripped text) of every line that is not blank."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _check_line_count(lines: list) -> None:
    if len(lines) > MAX_LINES:
        raise ValidationError(f"At most {MAX_LINES} lines, please.")


def _bad_line(number: int, line: str, message: str) -> ValidationError:
    shown = line if len(line) <= 60 else f"{line[:57]}…"
    return ValidationError(f"Line {number} (“{shown}”): {message}")


def domains_clean(text: str, *, main_domain: str = "") -> str:
    """One domain per line, normalised as Verify does; duplicates dropped."""
    lines = _lines(text)
    _check_line_count(lines)
    kept: list[str] = []
    errors = []
    for number, line in lines:
        domain = normalize_domain(line)
        if error := domain_syntax_error(domain):
            errors.append(_bad_line(number, line, error))
        elif main_domain and domain == main_domain:
            errors.append(
                _bad_line(number, line, "This is the company's main domain; list only others.")
            )
        elif domain not in kept:
            kept.append(domain)
    if errors:
        raise ValidationError(errors)
    return "\n".join(kept)


def _ip_error(host: str) -> str | None:
    """ "" for a valid IP address, a message for one that is not, None if it is no IP at all."""
    if IPV4_LIKE.fullmatch(host) or ":" in host:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return (
                "Not a valid IPv6 address, like 2001:db8::25."
                if ":" in host
                else "Not a valid IPv4 address, like 192.0.2.10."
            )
        return ""
    return None


def _host_error(host: str) -> str:
    ip_error = _ip_error(host)
    if ip_error is not None:
        return ip_error
    return HOST_MESSAGE if domain_syntax_error(host) else ""


def _network_error(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        try:
            wider = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return "Not a valid network, like 192.0.2.0/24."
        return f"The network starts at {wider.network_address}; write {wider}."
    return ""


def _host_normal(value: str) -> str:
    return value.strip().strip("[]").lower().rstrip(".")


def hosts_clean(text: str) -> str:
    """One host name, IP address or network per line; duplicates dropped."""
    lines = _lines(text)
    _check_line_count(lines)
    kept: list[str] = []
    errors = []
    for number, line in lines:
        host = _host_normal(line)
        error = _network_error(host) if "/" in host else _host_error(host)
        if error:
            errors.append(_bad_line(number, line, error))
        elif host not in kept:
            kept.append(host)
    if errors:
        raise ValidationError(errors)
    return "\n".join(kept)


def smarthost_clean(text: str) -> str:
    """``host``, ``host:port``, an IP address, or ``[IPv6]:port``."""
    value = text.strip().lower()
    if not value:
        return ""
    port = None
    if match := re.fullmatch(r"\[([^\]]*)\](?::(.*))?", value):
        host, port = match.groups()
        if ":" not in host:
            raise ValidationError("Square brackets are only for an IPv6 address.")
    elif value.count(":") == 1:
        host, port = value.split(":")
    else:
        host = value  # a name, an IPv4 address, or an IPv6 address without a port
    host = _host_normal(host)
    if error := _host_error(host):
        raise ValidationError(error)
    if port is not None:
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ValidationError(PORT_MESSAGE)
        port = int(port)
    if port is None:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def phone_clean(text: str) -> str:
    value = " ".join(text.split())
    if value and (not PHONE.fullmatch(value) or sum(c.isdigit() for c in value) < 5):
        raise ValidationError(
            "Enter a phone number with digits and only + ( ) - . as other signs, like +1 555 0100."
        )
    return value
