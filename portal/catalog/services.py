"""Changes to the catalog that the vendor's staff make in the console, with their history."""

from django.db import transaction

from portal.core.history import changed_fields, history_record
from portal.core.models import HistoryEntry

from .models import Commitment, FewerSeats, Product

POLICY = ["terms_offered", "cancellation_days", "fewer_seats", "renewal_deadline_days"]


def term_policy_shown(product: Product) -> dict[str, str | int]:
    """The policy as the console shows it (labels, not codes), for the history's before/after."""
    return {
        "terms_offered": ", ".join(term.label for term in product.terms()),
        "cancellation_days": product.cancellation_days,
        "fewer_seats": str(FewerSeats(product.fewer_seats).label),
        "renewal_deadline_days": product.renewal_deadline_days,
    }


@transaction.atomic
def term_policy_set(
    *,
    product: Product,
    terms_offered: list[str],
    cancellation_days: int,
    fewer_seats: str,
    renewal_deadline_days: int | None = None,
    actor,
) -> Product:
    """Set the product's term policy; one history entry with the before and after of what
    changed (none when nothing did). The row is locked, so the "before" is what was saved."""
    saved = Product.objects.select_for_update().get(pk=product.pk)
    before = term_policy_shown(saved)
    saved.terms_offered = [term.value for term in Commitment if term.value in terms_offered]
    saved.cancellation_days = cancellation_days
    saved.fewer_seats = fewer_seats
    if renewal_deadline_days is not None:
        saved.renewal_deadline_days = renewal_deadline_days
    # The model's own rules too (at least one known term, 0–90 days), whoever calls.
    saved.clean_fields(exclude=[f.name for f in Product._meta.fields if f.name not in POLICY])
    changes = changed_fields(before, term_policy_shown(saved))
    if changes:
        saved.save(update_fields=POLICY)
        history_record(
            actor=actor,
            obj=saved,
            action=HistoryEntry.Action.UPDATE,
            summary=f"Term policy of {saved.code} changed",
            changes=changes,
        )
    for name in POLICY:
        setattr(product, name, getattr(saved, name))
    return saved
