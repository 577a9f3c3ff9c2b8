"""The business event of an order (see portal.core.events for the names and the subscribers
at the edges)."""

from django.urls import reverse

from portal.companies.services import attachment_add
from portal.core import events
from portal.core.history import history_record
from portal.core.models import HistoryEntry
from portal.core.outbox import FileToAttach, message_queue
from portal.rfi.services import rfi_send

from .addendum import addendum_filename, addendum_pdf
from .models import Order


def order_submitted(*, order: Order, actor) -> None:
    """Submit Order: the history entry, the addendum kept on the customer and e-mailed, the
    Request for Information, then the vendor's provisioning request and the webhooks
    (``order.submitted``) — all in the caller's transaction."""
    company = order.company
    number = order.order_number or "not required"
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.ORDER,
        summary=f"Order submitted (order number {number}); the two statements accepted",
        changes={"order": ["", str(order.submitted_at)]},
    )
    _send_addendum(order, actor)
    rfi_send(company=company, actor=actor)
    events.publish_about(events.ORDER_SUBMITTED, order.agreement, actor=actor, submission=order)


def _send_addendum(order: Order, actor) -> None:
    """The addendum PDF, kept on the customer and e-mailed to the user who submitted."""
    content = addendum_pdf(order)
    name = addendum_filename(order)
    attachment_add(
        company=order.company,
        name=name,
        content=content,
        content_type="application/pdf",
        actor=actor,
    )
    message_queue(
        template="order_submitted",
        to=[actor.email],
        context={
            "order": order,
            "company": order.company,
            "user": actor,
            "customer_path": reverse("companies:detail", args=[order.company_id]),
        },
        attachments=[FileToAttach(name, content)],
        partner=order.company.partner,
    )
