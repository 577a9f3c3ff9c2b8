"""Domain checks for Verify: syntax, DNS (MX, else A) and channel conflicts."""

import re
from dataclasses import dataclass
from enum import StrEnum

import dns.exception
import dns.resolver
from django.conf import settings

from .models import Company

LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class DnsResult(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    UNKNOWN = "unknown"  # DNS could not be asked: says nothing about the domain


@dataclass(frozen=True)
class DomainCheck:
    domain: str
    syntax_error: str = ""
    dns: DnsResult = DnsResult.UNKNOWN
    dns_record: str = ""
    own_company: Company | None = None
    conflict: bool = False

    @property
    def ok(self) -> bool:
        return not self.syntax_error and not self.conflict and self.own_company is None


def normalize_domain(value: str) -> str:
    """``https://WWW.Example.com/path`` → ``example.com``: what people paste, made comparable."""
    value = value.strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = value.split("/", 1)[0].split("@")[-1].rstrip(".")
    return value.removeprefix("www.")


def domain_syntax_error(domain: str) -> str:
    if not domain:
        return "Enter a domain, like example.com."
    if len(domain) > 253:
        return "A domain has at most 253 characters."
    labels = domain.split(".")
    if len(labels) < 2:
        return "A domain has at least two parts, like example.com."
    if not all(LABEL.match(label) for label in labels):
        return "Use only letters, digits and hyphens between the dots, like example.com."
    if labels[-1].isdigit():
        return "That looks like an IP address, not a domain."
    return ""


def dns_lookup(domain: str) -> tuple[DnsResult, str]:
    """MX records, else an A record, with a short timeout. A DNS that cannot be reached is
    ``UNKNOWN``, never "not found"."""
    resolver = dns.resolver.Resolver(configure=not settings.DNS_NAMESERVERS)
    if settings.DNS_NAMESERVERS:
        resolver.nameservers = settings.DNS_NAMESERVERS
        resolver.port = settings.DNS_PORT
    resolver.lifetime = settings.DNS_TIMEOUT_SECONDS
    for record in ("MX", "A"):
        try:
            answer = resolver.resolve(domain, record)
        except dns.resolver.NXDOMAIN:
            return DnsResult.NOT_FOUND, ""
        except dns.resolver.NoAnswer:
            continue
        except (dns.exception.Timeout, dns.resolver.NoNameservers, OSError):
            return DnsResult.UNKNOWN, ""
        first = sorted(str(item) for item in answer)[0]
        return DnsResult.FOUND, f"{record} {first}"
    return DnsResult.NOT_FOUND, ""


def holders(domain: str, *, partner_id: int, exclude_pk: int | None = None):
    """Companies of any MSP holding ``domain``, less ``exclude_pk`` (the one being edited) if
    it is the partner's own: another MSP's company id must change nothing, or trying ids
    would tell which one holds a domain."""
    queryset = Company.objects.filter(domain=domain)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk, partner_id=partner_id)
    return queryset


def conflict_check(domain: str, *, partner_id: int, exclude_pk: int | None = None):
    """(own company holding it, whether another MSP holds it) — the other MSP is never named."""
    own = None
    other = False
    found = holders(domain, partner_id=partner_id, exclude_pk=exclude_pk)
    for company in found.only("id", "name", "partner_id")[:5]:
        if company.partner_id == partner_id:
            own = own or company
        else:
            other = True
    return own, other


def domain_verify(value: str, *, partner_id: int, exclude_pk: int | None = None) -> DomainCheck:
    domain = normalize_domain(value)
    if error := domain_syntax_error(domain):
        return DomainCheck(domain=domain, syntax_error=error)
    own, conflict = conflict_check(domain, partner_id=partner_id, exclude_pk=exclude_pk)
    result, record = dns_lookup(domain)
    return DomainCheck(
        domain=domain, dns=result, dns_record=record, own_company=own, conflict=conflict
    )
