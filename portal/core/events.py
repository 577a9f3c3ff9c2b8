"""Business events: their names, and the subscribers that act on each.

A domain service calls its event function (``orders.events.order_submitted``,
``companies.events.agreement_synced`` …) inside its own transaction, after its own writes (the
history entry of a status move is written by ``companies.versions``). The function publishes
the event here, and every subscriber runs at once, in that transaction: the vendor sync writes a
provisioning request or e-mails the vendor's answer, webhooks queue deliveries, orders put a
rejected order back to a draft, companies keep a renamed lead's name. So the domain apps never
import the edges, and everything an event implies commits or rolls back with its cause.

Subscribers are registered in their app's ready() and run in that order, which is the order of
INSTALLED_APPS. The names of agreement and RFI events are also the webhook event names: search
for "order.synced" and you land here.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ORDER_SUBMITTED = "order.submitted"
ORDER_SYNCED = "order.synced"
ORDER_REJECTED = "order.rejected"
CHANGE_SUBMITTED = "change.submitted"
CHANGE_SYNCED = "change.synced"
CHANGE_REJECTED = "change.rejected"
DOWNSELL_CANCELLED = "change.cancelled"
# Scheduled versions whose date came: published once per batch of the scheduled job, with
# ``agreements`` (and ``replaced``: company id → the version each one superseded).
AGREEMENT_TOOK_EFFECT = "agreement.took_effect"
# The renewal run's batch: the new versions a renewal made (``agreements``, with ``replaced``:
# company id → the version each one superseded), and the customers with nothing left
# (``agreements``: their versions now Ended). A term rolled on in place is no event.
AGREEMENT_RENEWED = "agreement.renewed"
CUSTOMER_ENDED = "customer.ended"
RFI_SUBMITTED = "rfi.submitted"
# Each version of the RFI answers, the first included: the vendor sync sends it (no webhook).
RFI_ANSWERED = "rfi.answered"
USER_RENAMED = "user.renamed"
# The end customer's answer to a quote at the MSP's prices (``quote``).
QUOTE_ACCEPTED = "quote.accepted"
QUOTE_DECLINED = "quote.declined"
# Reminders sent by the reminders job, one event per kind and batch (of many MSPs), with
# ``items``: (partner id, data) pairs. The names are the webhook events' too.
RENEWAL_UPCOMING = "renewal.upcoming"
RENEWAL_DEADLINE = "renewal.deadline"
DOWNSELL_DEADLINE = "downsell.deadline"
QUOTE_EXPIRING = "quote.expiring"
RFI_UNANSWERED = "rfi.unanswered"
ORDER_NOT_SUBMITTED = "order.not_submitted"
REMINDERS = (
    RENEWAL_UPCOMING,
    RENEWAL_DEADLINE,
    DOWNSELL_DEADLINE,
    QUOTE_EXPIRING,
    RFI_UNANSWERED,
    ORDER_NOT_SUBMITTED,
)

# Seats in use that drifted from the seats licensed, or drifted further, per customer and
# product (``items``: (partner id, data) pairs), from the usage reconciliation.
USAGE_DRIFT = "usage.drift"
# Customers whose versions were made, moved or took effect (``items``: their ids), after their
# kept figures were counted again: the seat reconciliation marks them due. No webhook.
VERSIONS_MOVED = "versions.moved"
# The MSP's selling price of a product was set or removed (``company``: a customer's own, or
# None for the price book's). No webhook.
PRICES_SET = "prices.set"

NAMES = (
    ORDER_SUBMITTED,
    ORDER_SYNCED,
    ORDER_REJECTED,
    CHANGE_SUBMITTED,
    CHANGE_SYNCED,
    CHANGE_REJECTED,
    DOWNSELL_CANCELLED,
    AGREEMENT_TOOK_EFFECT,
    AGREEMENT_RENEWED,
    CUSTOMER_ENDED,
    RFI_SUBMITTED,
    RFI_ANSWERED,
    USER_RENAMED,
    QUOTE_ACCEPTED,
    QUOTE_DECLINED,
    *REMINDERS,
    USAGE_DRIFT,
    VERSIONS_MOVED,
    PRICES_SET,
)


@dataclass(frozen=True)
class Happened:
    """One business event and the objects it is about (those it has; the rest stay None)."""

    name: str
    partner: Any
    actor: Any = None
    company: Any = None
    agreement: Any = None
    # The Order or ChangeOrder that made ``agreement`` (for a cancellation: the one cancelled).
    submission: Any = None
    # The version ``agreement`` replaces, or puts back in effect when cancelled.
    replaces: Any = None
    reason: str = ""
    rfi: Any = None
    user: Any = None
    agreements: tuple = ()
    replaced: Any = None
    items: tuple = ()
    quote: Any = None


Subscriber = Callable[[Happened], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(*names: str) -> Callable[[Subscriber], Subscriber]:
    """Register the decorated function for ``names``; call it from an AppConfig's ready()."""
    unknown = set(names) - set(NAMES)
    if unknown:
        raise ValueError(f"Not a business event: {', '.join(sorted(unknown))}")

    def register(subscriber: Subscriber) -> Subscriber:
        for name in names:
            if subscriber not in _subscribers[name]:
                _subscribers[name].append(subscriber)
        return subscriber

    return register


def publish(event: Happened) -> None:
    """Run every subscriber of the event, in the caller's transaction, in registration order."""
    if event.name not in NAMES:
        raise ValueError(f"Not a business event: {event.name!r}")
    for subscriber in _subscribers[event.name]:
        subscriber(event)


def publish_about(name: str, agreement, **more) -> None:
    """Publish an event about an agreement version; its company and MSP are taken from it."""
    company = agreement.company
    publish(Happened(name, partner=company.partner, company=company, agreement=agreement, **more))
