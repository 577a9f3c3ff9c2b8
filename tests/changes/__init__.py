"""Change orders. The helpers build a customer's Active agreement and a submitted change of it by
hand, as the submit service leaves them, so the addendum and the e-mails are tested on their
own."""

import datetime
import uuid

from portal.catalog.selectors import price_table_for
from portal.changes.models import ChangeOrder
from portal.changes.services import store_lines
from portal.companies.agreements import agreement_lines
from portal.companies.models import Agreement, Company
from portal.companies.services import agreement_create
from portal.pricing import price_change, price_order

SUBMITTED_AT = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)
PENDING = {
    ChangeOrder.Kind.UPSELL: Agreement.Status.UPSELL_PENDING,
    ChangeOrder.Kind.DOWNSELL: Agreement.Status.DOWNSELL_PENDING,
    ChangeOrder.Kind.UPGRADE: Agreement.Status.UPGRADE_PENDING,
}


def active_agreement(company: Company, actor, quantities: dict[str, int], users: int):
    quote = price_order(price_table_for(partner=company.partner), quantities)
    return agreement_create(
        company=company,
        lines=list(quote.lines),
        status=Agreement.Status.ACTIVE,
        total_users=users,
        currency="USD",
        actor=actor,
    )


def submitted_change(
    company: Company, actor, prior: Agreement, proposed: dict[str, int], *, kind, seats, **fields
) -> ChangeOrder:
    """The change priced against ``prior``, its new agreement version and its summary lines."""
    quote = price_change(price_table_for(partner=company.partner), agreement_lines(prior), proposed)
    agreement = agreement_create(
        company=company,
        lines=list(quote.proposed),
        status=PENDING[kind],
        total_users=seats,
        currency="USD",
        actor=actor,
    )
    fields = {"order_number": "PO-7001", "submitted_from_ip": "203.0.113.7", **fields}
    change = ChangeOrder.objects.create(
        company=company,
        status=ChangeOrder.Status.SUBMITTED,
        prior=prior,
        seats=seats,
        kind=kind,
        currency="USD",
        idempotency_key=uuid.uuid4(),
        agreement=agreement,
        created_by=actor,
        submitted_by=actor,
        submitted_at=SUBMITTED_AT,
        **fields,
    )
    store_lines(change, quote)
    return change
