"""What the usage app does when something happens elsewhere (see portal.core.events)."""

from portal.core import events

from .reconciliation import mark_due, mark_partner_due


@events.subscribe(events.VERSIONS_MOVED)
def versions_moved(event: events.Happened) -> None:
    """What is licensed changed: the customers' reconciliation rows are due."""
    mark_due(event.items)


@events.subscribe(events.PRICES_SET)
def prices_set(event: events.Happened) -> None:
    """The MSP's price values its customers' unbilled seats."""
    if event.company is not None:
        mark_due([event.company.pk])
    else:
        mark_partner_due(event.partner.pk)
