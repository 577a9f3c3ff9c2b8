"""The renewal run's business events (see portal.core.events): one per batch and kind, of many
MSPs; the vendor sync and the webhooks subscribe to them, each keeping every MSP's to itself.
``renewal_json`` says what a renewal did, in the same words for the vendor and the webhooks."""

from portal.companies.models import Agreement
from portal.core import events


def agreements_renewed(*, agreements: list[Agreement], replaced: dict) -> None:
    """New versions made by renewals (``replaced``: company id → the version superseded)."""
    events.publish(
        events.Happened(
            events.AGREEMENT_RENEWED,
            partner=None,
            agreements=tuple(agreements),
            replaced=replaced,
        )
    )


def customers_ended(*, agreements: list[Agreement]) -> None:
    """Customers with nothing left at their renewal: their last versions, now Ended."""
    events.publish(
        events.Happened(events.CUSTOMER_ENDED, partner=None, agreements=tuple(agreements))
    )


def renewal_json(agreement: Agreement, replaced: Agreement | None = None) -> dict:
    """The day of the renewal, the products whose term renewed that day and those that ended.

    ``agreement`` is the version the renewal made (``replaced``: the one before it), or an
    Ended version (everything ended). Reads the versions' lines, prefetched by the run."""
    if replaced is None:
        ended = [line for line in agreement.lines.all() if line.commitment]
        return {
            "renews_on": _day(agreement.effective_until),
            "renewed": [],
            "ended": [line.code for line in ended],
        }
    before = {line.code: line for line in replaced.lines.all()}
    after = {line.code: line for line in agreement.lines.all()}
    renewed = [code for code, line in after.items() if _moved(before.get(code), line)]
    ended = [code for code in before if code not in after]
    day = min(
        (before[code].term_end for code in [*renewed, *ended] if before[code].term_end),
        default=agreement.effective_from,
    )
    return {"renews_on": _day(day), "renewed": renewed, "ended": ended}


def _moved(before, after) -> bool:
    return before is not None and before.term_end != after.term_end


def _day(value) -> str | None:
    return value.isoformat() if value else None
