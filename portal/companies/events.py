"""The business events of an agreement version settled by the vendor (see portal.core.events)."""

from portal.core import events

from .models import Agreement
from .versions import change_of


def _publish(name: str, agreement: Agreement, actor, reason: str = "") -> None:
    submission = change_of(agreement) or getattr(agreement, "order", None)
    events.publish_about(name, agreement, actor=actor, submission=submission, reason=reason)


def agreement_synced(*, agreement: Agreement, actor, reason: str = "") -> None:
    """The vendor provisioned a version: order.synced, or change.synced for a change order
    (with the vendor's note, if it gave one)."""
    name = events.CHANGE_SYNCED if change_of(agreement) else events.ORDER_SYNCED
    _publish(name, agreement, actor, reason)


def agreement_rejected(*, agreement: Agreement, actor, reason: str) -> None:
    """The vendor refused a version: order.rejected, or change.rejected for a change order."""
    name = events.CHANGE_REJECTED if change_of(agreement) else events.ORDER_REJECTED
    _publish(name, agreement, actor, reason)


def agreements_took_effect(*, agreements: list[Agreement], replaced: dict) -> None:
    """Scheduled versions became Active on their date (one event for the scheduled job's
    batch, of many MSPs: each subscriber keeps every MSP's to itself)."""
    events.publish(
        events.Happened(
            events.AGREEMENT_TOOK_EFFECT,
            partner=None,
            agreements=tuple(agreements),
            replaced=replaced,
        )
    )
