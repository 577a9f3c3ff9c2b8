"""Saving a change quote and submitting a change order."""

import datetime
import hashlib
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


# Another change of this customer became pending between our check and our insert.
SUBMITTED_MEANWHILE = (
    "Another change order for this customer was submitted a moment ago and is waiting to "
    "sync; this one was not submitted."
)


class ChangeRefused(Exception):
    """The change cannot be submitted; the message says why, in the user's words."""


class PricesChanged(ChangeRefused):
    """The quote was priced again and its figures changed: the user must look again."""


# What a submit found moved since the quote was priced.
PRICES, PRORATIONS = "prices", "prorations"


class ProrationsChanged(PricesChanged):
    """Prices as saved, but the prorated charges are today's: the user must look again."""


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
    """Save Quote: the proposal with its prices, valid for a while."""
    created = change is None
    change = _quote_fill(
        change or ChangeOrder(company=company, created_by=actor), prior, proposal, kind, lead, quote
    )
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.ORDER,
        summary=f"{change.get_kind_display()} quote {'saved' if created else 'changed'}: "
        f"{prior.total_users:,} → {proposal.seats:,} seats, valid until {change.valid_until}",
    )
    return change


def _quote_fill(change, prior, proposal, kind, lead, quote) -> ChangeOrder:
    """The change as proposed and priced, saved with its summary lines."""
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
    codes = [line.code for line in quote.proposed]
    products = Product.objects.in_bulk(codes, field_name="code")
    store_lines(change, quote, rules.timing(current_of(prior), quote, kind, products))
    return change


def store_lines(
    change: ChangeOrder, quote: ChangeQuote, timing: rules.Timing | None = None
) -> None:
    """The quote's Change Order Summary rows, with their prices (and its terms and prorated
    charges), in place of the old ones."""
    change.lines.all().delete()
    ChangeLine.objects.bulk_create(summary_lines(quote, change, timing))


def summary_lines(
    quote: ChangeQuote, change: ChangeOrder | None = None, timing: rules.Timing | None = None
) -> list[ChangeLine]:
    """The Change Order Summary rows of a quote (unsaved): Review Change Order shows them as
    the addendum will, before anything is saved."""
    products = _products(quote)
    rows = [
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
    ]
    if timing is not None:
        _add_timing(rows, timing)
    return rows


def _add_timing(rows: list[ChangeLine], timing: rules.Timing) -> None:
    prorated = {line.code: line for line in timing.prorated}
    for row in rows:
        if row.quantity is None:
            continue  # dropped: no term, no charge
        if term := timing.terms.get(row.code):
            row.commitment, row.term_end = term.commitment, term.term_end
        row.co_termed_with = timing.co_termed.get(row.code, "")
        if line := prorated.get(row.code):
            row.prorated_charge = line.charge.amount
            row.period_start, row.period_end = line.period.start, line.period.end
            row.prorated_from = line.period.end - datetime.timedelta(days=line.days_left)


def _products(quote: ChangeQuote) -> dict[str, Product]:
    return Product.objects.in_bulk({row.code for row in quote.rows()}, field_name="code")


def _figures(rows) -> list[tuple]:
    return [
        (row.code, row.prior_quantity, row.quantity, row.prior_unit_price, row.unit_price)
        for row in rows
    ]


def _prorated(rows) -> list[tuple]:
    return [(row.code, row.prorated_charge, row.period_end) for row in rows]


def prorations_changed(change: ChangeOrder, quote: ChangeQuote, timing: rules.Timing) -> bool:
    """Whether the prorated charges of the change priced today differ from those it stored
    (a saved quote submitted on a later day has fewer days left to charge)."""
    return _prorated(summary_lines(quote, None, timing)) != _prorated(change.lines.all())


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


def quote_fingerprint(
    prior: Agreement, quote: ChangeQuote, timing: rules.Timing | None = None
) -> str:
    """What Review Change Order showed (the version compared with, every quantity and price,
    the prorated charges), in a few characters the page carries to Submit."""
    charges = [(x.code, x.charge.amount, x.period.end) for x in timing.prorated] if timing else []
    figures = repr((prior.pk, _quote_figures(quote), charges)).encode()
    return hashlib.sha256(figures).hexdigest()[:32]


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
        raise ChangeRefused(SUBMITTED_MEANWHILE) from None
    if repriced == PRICES:  # raised only now, so that the new prices stay saved on the quote
        raise PricesChanged(
            "The contracted prices have changed since this quote was priced: it shows the new "
            "prices now. Check them and submit again."
        )
    if repriced == PRORATIONS:
        raise ProrationsChanged(
            "The prorated charges have changed since this quote was saved (fewer days are "
            "left of the billing period): it shows today's charges now. Check them and submit "
            "again."
        )
    return change, made


def _locked(company_pk: int) -> Company:
    """The customer, locked: one submit at a time per customer, whichever way it comes."""
    return Company.objects.select_for_update().select_related("partner").get(pk=company_pk)


def _prior_checked(company: Company) -> Agreement:
    """The agreement in effect, when no other change is waiting to sync."""
    if pending := company.agreements.filter(status__in=Agreement.PENDING).first():
        raise ChangeRefused(
            f"A change is already pending for {company} ({pending.get_status_display()}, "
            f"submitted {timezone.localtime(pending.created_at):%Y-%m-%d %H:%M}); this one "
            "was not submitted. Try again once it has synced."
        )
    if scheduled := company.agreements.filter(status=Agreement.Status.SCHEDULED).first():
        raise ChangeRefused(
            f"Agreement version {scheduled.version} is scheduled to take effect on "
            f"{scheduled.effective_from:%Y-%m-%d}; a change can be submitted from then."
        )
    return active_agreement_of(company)


def _checked(company: Company, current, proposal: Proposal) -> rules.Checked:
    products = current.products | {p.code: p for p in proposal.addons}
    if proposal.primary:
        products[proposal.primary.code] = proposal.primary
    checked = rules.check(price_table_for(partner=company.partner), current, proposal, products)
    if checked.problems:
        raise ChangeRefused(" ".join(checked.problems))
    return checked


@transaction.atomic
def _submit(change, actor, key, ip, order_number, not_required):
    company = _locked(change.company_id)
    change = ChangeOrder.objects.select_for_update().get(pk=change.pk)
    if change.status == ChangeOrder.Status.SUBMITTED:
        if change.idempotency_key == key:
            return change, False, None
        raise ChangeRefused("This change order was submitted already.")
    prior = _prior_checked(company)
    if prior is None or prior.pk != change.prior_id:
        raise ChangeRefused(
            "The customer's agreement has changed since this quote was made: open Change "
            "Options and quote again."
        )
    current = current_of(prior)
    proposal = proposal_of(change, Product.objects.in_bulk(list(change.addons), field_name="code"))
    checked = _checked(company, current, proposal)
    kind, quote = checked.kind, checked.quote
    if prices_changed(change, quote):
        store_lines(change, quote, checked.timing)
        change.valid_until = quote_validity()
        change.save(update_fields=["valid_until"])
        return change, False, PRICES
    if prorations_changed(change, quote, checked.timing):
        # Priced on an earlier day: today's prorated charges are stored and shown first.
        store_lines(change, quote, checked.timing)
        return change, False, PRORATIONS
    _submitted(
        company, change, actor, kind, quote, proposal.seats, key, ip, order_number, not_required
    )
    return change, True, None


def change_submit_reviewed(
    *,
    company: Company,
    actor,
    proposal: Proposal,
    lead,
    quoted: str,
    key: uuid.UUID,
    ip: str | None,
    order_number: str,
    order_number_not_required: bool,
    change: ChangeOrder | None = None,
) -> tuple[ChangeOrder, bool]:
    """Submit from Review Change Order, which saved nothing: the change as reviewed is
    recorded and submitted in one transaction (a saved quote ``change`` becomes it). Returns
    (change, made); ``made`` False: this form (``key``) had submitted it already. Raises
    PricesChanged when today's figures are not the ones the page showed (``quoted``)."""
    try:
        with transaction.atomic():
            company = _locked(company.pk)
            if done := ChangeOrder.objects.filter(idempotency_key=key).first():
                if done.company_id == company.pk:
                    return done, False
                raise ChangeRefused("This change order was submitted already.")
            if change is not None:
                change = ChangeOrder.objects.select_for_update().get(pk=change.pk)
                if change.status == ChangeOrder.Status.SUBMITTED:
                    raise ChangeRefused("This change order was submitted already.")
            prior = _prior_checked(company)
            if prior is None:
                raise ChangeRefused("The customer has no agreement in effect to change.")
            checked = _checked(company, current_of(prior), proposal)
            if quote_fingerprint(prior, checked.quote, checked.timing) != quoted:
                raise PricesChanged(
                    "The contracted prices or the agreement have changed since this page was "
                    "shown (or, a day later, the prorated charges): it shows today's figures "
                    "now. Check them and submit again."
                )
            change = _quote_fill(
                change or ChangeOrder(company=company, created_by=actor),
                prior,
                proposal,
                checked.kind,
                lead,
                checked.quote,
            )
            _submitted(
                company,
                change,
                actor,
                checked.kind,
                checked.quote,
                proposal.seats,
                key,
                ip,
                order_number,
                order_number_not_required,
            )
            return change, True
    except IntegrityError:
        raise ChangeRefused(SUBMITTED_MEANWHILE) from None


def _submitted(company, change, actor, kind, quote, seats, key, ip, order_number, not_required):
    """The new agreement version, the change order submitted, the customer updated and the
    event told: the steps of every submit, in the caller's transaction."""
    if kind == ChangeOrder.Kind.DOWNSELL:
        change.effective_on, change.cancel_by = downsell_dates(
            next_billing_date=company.next_billing_date,
            notice_days=company.partner.downsell_notice_days,
            today=timezone.localdate(),
        )
    proposed = list(quote.proposed)
    agreement = agreement_create(
        company=company,
        lines=proposed,
        status=PENDING_STATUS[kind],
        total_users=seats,
        currency=quote.new_totals.currency,
        actor=actor,
        terms=rules.line_terms(
            current_of(change.prior),
            [line.code for line in proposed],
            Product.objects.in_bulk([line.code for line in proposed], field_name="code"),
        ),
        # A downsell takes effect at its billing date; anything else when provisioned.
        effective_from=change.effective_on,
    )
    now = timezone.now()
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


def _apply_to_company(company: Company, change: ChangeOrder, actor) -> None:
    """The lead the change order names is the customer's from now on (its seats are the
    Permitted Users once it is in effect: versions_move)."""
    fields = {}
    if change.implementation_lead_id:
        fields["implementation_lead"] = change.implementation_lead
        if company.secondary_contact_id == change.implementation_lead_id:
            fields["secondary_contact"] = None
    if fields:
        company_update(company=company, actor=actor, **fields)
