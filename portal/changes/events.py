"""The business events of change orders: what each one writes, in the caller's transaction
(see portal.core.events for the names and the subscribers at the edges)."""

from portal.companies.services import attachment_add
from portal.core import events
from portal.core.history import history_record
from portal.core.models import HistoryEntry

from .addendum import change_addendum_filename, change_addendum_pdf
from .models import ChangeOrder
from .notify import change_notify


def change_submitted(*, change: ChangeOrder, actor) -> None:
    """Submit Change Order: the history entry, the addendum kept on the customer and e-mailed,
    then the vendor's provisioning request and the webhooks (``change.submitted``)."""
    company, agreement, prior = change.company, change.agreement, change.prior
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.ORDER,
        summary=f"{agreement.get_status_display()} submitted: {prior.total_users:,} → "
        f"{change.seats:,} seats (agreement version {agreement.version})"
        + (f", takes effect {change.effective_on}" if change.effective_on else ""),
    )
    pdf, filename = change_addendum_pdf(change), change_addendum_filename(change)
    attachment_add(
        company=company, name=filename, content=pdf, content_type="application/pdf", actor=actor
    )
    change_notify(change=change, actor=actor, pdf=pdf, filename=filename)
    events.publish_about(
        events.CHANGE_SUBMITTED, agreement, actor=actor, submission=change, replaces=prior
    )


def downsell_cancelled(*, change: ChangeOrder, agreement, prior, actor) -> None:
    """Cancel downsell (its history entry is the versions' move): the vendor is asked to cancel
    it and the webhooks hear ``change.cancelled``."""
    events.publish_about(
        events.DOWNSELL_CANCELLED, agreement, actor=actor, submission=change, replaces=prior
    )
