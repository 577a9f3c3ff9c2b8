"""Saving a change quote and submitting a change order."""

import datetime
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.catalog.models import Product
from portal.catalog.selectors import price_table_for
from portal.companies.billing import downsell_dates
from portal.companies.models import Agreement, Company
from portal.companies.selectors import active_agreement_of
from portal.companies.services import agreement_create, company_update
from portal.core.history import history_record
from portal.core.models import HistoryEntry
from portal.pricing import ChangeQuote

from . import proposal as rules
from .events import change_submitted
from .models import ChangeLine, ChangeOrder
from .proposal import Proposal
from .selectors import current_of

PENDING_STATUS = {
    ChangeOrder.Kind.UPSELL: Agreement.Status.UPSELL_PENDING,
    ChangeOrder.Kind.DOWNSELL: Agreement.Status.DOWNSELL_PENDING,
    ChangeOrder.Kind.UPGRADE: Agreement.Status.UPGRADE_PENDING,
}


class ChangeRefused(Exception):
    """The change cannot be submitted; the message says why, in the user's words."""


class PricesChanged(ChangeRefused):
    """The quote was priced again and its figures changed: the user must look again."""


def quote_validity() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.QUOTE_VALID_DAYS)


@transaction.atomic
def quote_save(
    *,
    company: Company,
    actor,
    prior: Agreement,
    proposal: Proposal,
    kind: str,
    lead,
    quote: ChangeQuote,
    change: ChangeOrder | None = None,
) -> ChangeOrder:
    """Save Quote (and Review Order): the proposal with its prices, valid for a while."""
    created = change is None
    change = change or ChangeOrder(company=company, created_by=actor)
    change.prior = prior
    change.seats = proposal.seats
    change.mode = proposal.mode
    change.primary = proposal.primary
    change.addons = {addon.code: seats for addon, seats in proposal.addons.items()}
    change.implementation_lead = lead
    change.kind = kind
    change.currency = quote.new_totals.currency
    change.valid_until = quote_validity()
    change.updated_at = timezone.now()
    change.save()
    store_lines(change, quote)
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.ORDER,
        summary=f"{change.get_kind_display()} quote {'saved' if created else 'changed'}: "
        f"{prior.total_users:,} → {proposal.seats:,} seats, valid until {change.valid_until}",
    )
    return change


def store_lines(change: ChangeOrder, quote: ChangeQuote) -> None:
    """The quote's Change Order Summary rows, with their prices, in place of the old ones."""
    change.lines.all().delete()
    products = _products(quote)
    ChangeLine.objects.bulk_create(
        ChangeLine(
            change_order=change,
            product=products[row.code],
            code=row.code,
            name=row.name,
            term=row.term.value,
            charge=(row.current or row.prior).charge.value,
            prior_quantity=row.prior.quantity if row.prior else None,
            prior_unit_price=row.prior.unit_price.amount if row.prior else None,
            prior_payment=row.prior.payment.amount if row.prior else None,
            quantity=row.current.quantity if row.current else None,
            unit_price=row.current.unit_price.amount if row.current else None,
            payment=row.current.payment.amount if row.current else None,
            position=position,
        )
        for position, row in enumerate(quote.rows())
    )


def _products(quote: ChangeQuote) -> dict[str, Product]:
    return Product.objects.in_bulk({row.code for row in quote.rows()}, field_name="code")


def _figures(rows) -> list[tuple]:
    return [
        (row.code, row.prior_quantity, row.quantity, row.prior_unit_price, row.unit_price)
        for row in rows
    ]


def _quote_figures(quote: ChangeQuote) -> list[tuple]:
    return [
        (
            row.code,
            row.prior.quantity if row.prior else None,
            row.current.quantity if row.current else None,
            row.prior.unit_price.amount if row.prior else None,
            row.current.unit_price.amount if row.current else None,
        )
        for row in quote.rows()
    ]


def prices_changed(change: ChangeOrder, quote: ChangeQuote) -> bool:
    """Whether pricing the change today gives other quantities or prices than it stored."""
    return _quote_figures(quote) != _figures(change.lines.all())


@transaction.atomic
def quote_delete(*, change: ChangeOrder, actor) -> None:
    if change.status != ChangeOrder.Status.QUOTE:
        raise ChangeRefused("A submitted change order cannot be deleted.")
    history_record(
        actor=actor,
        obj=change.company,
        action=HistoryEntry.Action.ORDER,
        summary=f"{change.get_kind_display()} quote of {change.updated_at:%Y-%m-%d} deleted",
    )
    change.delete()


def proposal_of(change: ChangeOrder, products: dict) -> Proposal:
    return Proposal(
        seats=change.seats,
        mode=change.mode,
        primary=change.primary,
        addons={products[code]: seats for code, seats in change.addons.items()},
    )


def change_submit(
    *,
    change: ChangeOrder,
    actor,
    key: uuid.UUID,
    ip: str | None,
    order_number: str,
    order_number_not_required: bool,
) -> tuple[ChangeOrder, bool]:
    """Submit. Returns (change, made); ``made`` False: this form had submitted it already."""
    try:
        change, made, repriced = _submit(
            change, actor, key, ip, order_number, order_number_not_required
        )
    except IntegrityError:
        # Another change of this customer became pending between our check and our insert.
        raise ChangeRefused(
            "Another change order for this customer was submitted a moment ago and is "
            "waiting to sync; this one was not submitted."
        ) from None
    if repriced:  # raised only now, so that the new prices stay saved on the quote
        raise PricesChanged(
            "The contracted prices have changed since this quote was priced: it shows the new "
            "prices now. Check them and submit again."
        )
    return change, made


@transaction.atomic
def _submit(change, actor, key, ip, order_number, not_required):
    company = (
        Company.objects.select_for_update().select_related("partner").get(pk=change.company_id)
    )
    change = ChangeOrder.objects.select_for_update().get(pk=change.pk)
    if change.status == ChangeOrder.Status.SUBMITTED:
        if change.idempotency_key == key:
            return change, False, False
        raise ChangeRefused("This change order was submitted already.")
    if pending := company.agreements.filter(status__in=Agreement.PENDING).first():
        raise ChangeRefused(
            f"A change is already pending for {company} ({pending.get_status_display()}, "
            f"submitted {timezone.localtime(pending.created_at):%Y-%m-%d %H:%M}); this one "
            "was not submitted. Try again once it has synced."
        )
    prior = active_agreement_of(company)
    if prior is None or prior.pk != change.prior_id:
        raise ChangeRefused(
            "The customer's agreement has changed since this quote was made: open Change "
            "Options and quote again."
        )
    current = current_of(prior)
    proposal = proposal_of(change, Product.objects.in_bulk(list(change.addons), field_name="code"))
    products = current.products | {p.code: p for p in proposal.addons}
    if proposal.primary:
        products[proposal.primary.code] = proposal.primary
    checked = rules.check(price_table_for(partner=company.partner), current, proposal, products)
    if checked.problems:
        raise ChangeRefused(" ".join(checked.problems))
    kind, quote = checked.kind, checked.quote
    if prices_changed(change, quote):
        store_lines(change, quote)
        change.valid_until = quote_validity()
        change.save(update_fields=["valid_until"])
        return change, False, True

    agreement = agreement_create(
        company=company,
        lines=list(quote.proposed),
        status=PENDING_STATUS[kind],
        total_users=proposal.seats,
        currency=quote.new_totals.currency,
        actor=actor,
    )
    now = timezone.now()
    if kind == ChangeOrder.Kind.DOWNSELL:
        change.effective_on, change.cancel_by = downsell_dates(
            next_billing_date=company.next_billing_date,
            notice_days=company.partner.downsell_notice_days,
            today=timezone.localdate(),
        )
    change.status = ChangeOrder.Status.SUBMITTED
    change.kind = kind
    change.idempotency_key = key
    change.agreement = agreement
    change.order_number = order_number
    change.order_number_not_required = not_required
    change.submitted_by, change.submitted_at, change.submitted_from_ip = actor, now, ip
    change.updated_at = now
    change.save()
    _apply_to_company(company, change, actor)
    change_submitted(change=change, actor=actor)
    return change, True, False


def _apply_to_company(company: Company, change: ChangeOrder, actor) -> None:
    """The lead and the user count the change order names are the customer's from now on."""
    fields = {"permitted_users": change.seats}
    if change.implementation_lead_id:
        fields["implementation_lead"] = change.implementation_lead
        if company.secondary_contact_id == change.implementation_lead_id:
            fields["secondary_contact"] = None
    company_update(company=company, actor=actor, **fields)
