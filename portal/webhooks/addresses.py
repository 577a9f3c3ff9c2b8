"""Which IP addresses a webhook may go to: public ones only, IPv4 hidden inside IPv6 included.

``ipaddress.is_global`` alone is not enough: an IPv6 address can carry an IPv4 one that the
host's network stack (or a NAT64 / 6to4 gateway next to it) turns back into IPv4, so
``::ffff:10.0.0.1``, ``::10.0.0.1``, ``64:ff9b::10.0.0.1`` and ``2002:a00:1::`` all reach
10.0.0.1 and are judged by it.
"""

import ipaddress

IPv4Address = ipaddress.IPv4Address
IPv6Address = ipaddress.IPv6Address

IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d (RFC 4291)
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 is the last 32 bits
# RFC 8215: for a network's own NAT64; the operator picks where the IPv4 sits, and IANA marks
# the block not globally reachable, so it is refused whole.
NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")


def embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address that ``ip`` stands for, if it is one of the forms that carry one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in IPV4_COMPATIBLE or ip in NAT64_WELL_KNOWN:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """True if ``address`` (IPv4 or IPv6, no zone) and any IPv4 inside it are public."""
    ip = ipaddress.ip_address(address)
    if not ip.is_global:
        return False
    if isinstance(ip, IPv6Address):
        if ip in NAT64_LOCAL_USE:
            return False
        inner = embedded_ipv4(ip)
        if inner is not None and not inner.is_global:
            return False
    return True
