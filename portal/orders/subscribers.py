"""What the orders app does when something happens elsewhere (see portal.core.events)."""

from portal.core import events

from .models import Order


@events.subscribe(events.ORDER_REJECTED)
def order_back_to_draft(event: events.Happened) -> None:
    """The vendor refused the new customer's order: it is a draft again, to correct and
    submit again."""
    Order.objects.filter(company=event.company, agreement=event.agreement).update(
        status=Order.Status.DRAFT
    )
