"""The business events of a Request for Information (see portal.core.events)."""

from portal.core import events


def rfi_submitted(*, rfi) -> None:
    """The customer submitted the RFI form for the first time: the webhooks hear
    ``rfi.submitted`` (its history entry is written by the caller with the answers changed)."""
    company = rfi.company
    events.publish(
        events.Happened(events.RFI_SUBMITTED, partner=company.partner, company=company, rfi=rfi)
    )


def rfi_answered(*, rfi) -> None:
    """A new version of the answers (the first one too) is saved: the vendor sync sends it to
    the vendor as a provisioning step of its own (``rfi.answered``)."""
    company = rfi.company
    events.publish(
        events.Happened(events.RFI_ANSWERED, partner=company.partner, company=company, rfi=rfi)
    )
