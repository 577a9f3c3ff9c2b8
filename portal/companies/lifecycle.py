"""What happens to agreement versions after an order is submitted: the vendor confirms (syncs)
or rejects it. Also whether Change Options is open for a customer, and if not, why.

Each state change runs in one transaction holding a row lock on the company, so that a vendor
callback, a staff action and a user's cancel of the same customer happen one after the other;
the moves themselves go through ``versions.versions_move``, which writes their history entry.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Partner
from portal.catalog.models import ListPrice, PriceList, Product

from .billing import first_of_next_month
from .events import agreement_rejected, agreement_synced
from .models import Agreement, AgreementLine, Company
from .services import company_set_status, terms_begin
from .versions import company_fees_refresh, versions_move

WHEN_CONFIRMED = "when the vendor confirms it"


def company_lock(agreement: Agreement) -> tuple[Company, Agreement]:
    """The company locked, and the agreement as it is now (not as the caller read it)."""
    company = Company.objects.select_for_update().get(pk=agreement.company_id)
    return company, Agreement.objects.get(pk=agreement.pk)


@transaction.atomic
def agreement_confirm(*, agreement: Agreement, actor, reason: str = "") -> Agreement:
    """The vendor has provisioned a pending version: it becomes Active and the version it
    replaces Superseded; a new customer becomes Complete with a billing date.

    Anything but a pending version is returned as it is, so that a repeated callback (or a
    confirm after a cancel) changes nothing.
    """
    company, agreement = company_lock(agreement)
    if agreement.status not in Agreement.PENDING:
        return agreement
    today = timezone.localdate()
    was = agreement.get_status_display()
    new_business = agreement.status == Agreement.Status.NEW_ORDER_PENDING
    in_effect = (
        company.agreements.filter(status=Agreement.Status.ACTIVE).exclude(pk=agreement.pk).first()
    )
    also, ends = {}, []
    if in_effect is not None and agreement.effective_from > today:
        # A downsell waits for its billing date; the version in effect stops then.
        moves = [(agreement, Agreement.Status.SCHEDULED)]
        ends = [(in_effect, agreement.effective_from)]
        outcome = f"Scheduled from {agreement.effective_from:%Y-%m-%d}"
    else:
        moves = [(agreement, Agreement.Status.ACTIVE)]
        if in_effect is not None:
            moves.append((in_effect, Agreement.Status.SUPERSEDED))
        outcome = "Active"
    # A new customer's first billing date; a former customer reopened starts billing afresh.
    if new_business and (company.next_billing_date is None or company.next_billing_date <= today):
        company.next_billing_date = first_of_next_month(today)
        company.updated_at = timezone.now()
        company.save(update_fields=["next_billing_date", "updated_at"])
        also["Next billing date"] = [None, str(company.next_billing_date)]
    versions_move(
        company=company,
        moves=moves,
        ends=ends,
        actor=actor,
        summary=f"Agreement version {agreement.version} synced with the vendor: {was} → {outcome}",
        also=also,
        today=today,
    )
    terms_begin(agreement)
    # The terms' dates were set after the move refreshed the figures: the next renewal (the
    # Renewals list's and the run's look-up) is known only now.
    company_fees_refresh(company)
    if new_business and company.status == Company.Status.IN_PROGRESS:
        company_set_status(company=company, status=Company.Status.COMPLETE, actor=actor)
    # Subscribers e-mail the submitter (sync) and tell the webhooks.
    agreement_synced(agreement=agreement, actor=actor, reason=reason)
    return agreement


@transaction.atomic
def agreement_reject(*, agreement: Agreement, actor, reason: str) -> Agreement:
    """The vendor refuses a pending version, and the state before it comes back: for a change,
    the version in effect before stays in effect; a new customer is a prospect again, with its
    order saved as a draft, so that the MSP can correct it and submit it again (a former
    customer reopened by the order is a former customer again, its new order a draft)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Give the reason for rejecting the agreement version.")
    company, agreement = company_lock(agreement)
    if agreement.status not in Agreement.PENDING:
        return agreement
    new_business = agreement.status == Agreement.Status.NEW_ORDER_PENDING
    versions_move(
        company=company,
        moves=[(agreement, Agreement.Status.REJECTED)],
        actor=actor,
        summary=f"Agreement version {agreement.version} rejected by the vendor: {reason}",
        reason=reason,
    )
    if new_business and company.status == Company.Status.IN_PROGRESS:
        # A customer whose products all ended before (a version Ended) was reopened by this
        # order: it is a former customer again, not a prospect.
        reopened = company.agreements.filter(status=Agreement.Status.ENDED).exists()
        back = Company.Status.FORMER if reopened else Company.Status.PROSPECT
        company_set_status(company=company, status=back, actor=actor)
    # Subscribers put a new customer's order back to a draft (orders), e-mail the submitter
    # (sync) and tell the webhooks.
    agreement_rejected(agreement=agreement, actor=actor, reason=reason)
    return agreement


@dataclass(frozen=True)
class ChangeOptions:
    """Whether the Change Options button is open, and if not, why and when it opens again."""

    enabled: bool
    reason: str = ""
    opens_again: str = ""


OPEN = ChangeOptions(enabled=True)


def _submitted(agreement: Agreement) -> str:
    when = timezone.localtime(agreement.created_at)
    by = f" by {agreement.created_by}" if agreement.created_by_id else ""
    return f"submitted {when:%Y-%m-%d %H:%M}{by}"


def _off_the_price_list(active: Agreement, partner_id: int, today: datetime.date) -> list[Product]:
    """The primary products of the agreement that the current price list (the latest of the
    partner's currency in effect ``today``) does not have.

    One query, written out: every customer page asks it, and the ORM took longer to build it
    (a subquery inside an anti-join) than the database to answer it. With no price list in
    effect, no product is on it."""
    line, product = AgreementLine._meta.db_table, Product._meta.db_table
    price, price_list = ListPrice._meta.db_table, PriceList._meta.db_table
    partner = Partner._meta.db_table
    # Named, not ``p.*``: a statement kept prepared must not change its columns under a
    # migration that adds one.
    columns = ", ".join(f"p.{field.column}" for field in Product._meta.concrete_fields)
    sql = f"""
        SELECT {columns} FROM {line} l JOIN {product} p ON p.id = l.product_id
        WHERE l.agreement_id = %s AND p.kind = %s AND NOT EXISTS (
            SELECT 1 FROM {price} lp WHERE lp.product_id = l.product_id AND lp.price_list_id = (
                SELECT pl.id FROM {price_list} pl JOIN {partner} pa ON pa.currency = pl.currency
                WHERE pa.id = %s AND pl.effective_from <= %s
                ORDER BY pl.effective_from DESC, pl.id DESC LIMIT 1
            )
        )
        ORDER BY l.id
    """  # noqa: S608 (table names from the models; the values are parameters)
    return list(Product.objects.raw(sql, [active.pk, Product.Kind.PRIMARY, partner_id, today]))


def change_options_state(
    company: Company,
    *,
    today: datetime.date | None = None,
    agreements: list[Agreement] | None = None,
) -> ChangeOptions:
    """Change Options is open for a Complete customer with an Active agreement, no version
    waiting to sync, and every primary product on the vendor's current price list.

    ``agreements``: all of the company's versions, already read with ``created_by`` (the
    customer page has them), to save a query.
    """
    today = today or timezone.localdate()
    if company.status == Company.Status.PROSPECT:
        return ChangeOptions(False, "Only a customer can be changed.")
    if agreements is None:
        agreements = list(company.agreements.select_related("created_by"))
    agreements = sorted(agreements, key=lambda a: a.version, reverse=True)
    pending = next((a for a in agreements if a.status in Agreement.PENDING), None)
    if pending is not None:
        if pending.status == Agreement.Status.NEW_ORDER_PENDING:
            return ChangeOptions(
                False, "The order for this customer is waiting to be provisioned.", WHEN_CONFIRMED
            )
        return ChangeOptions(
            False,
            f"A change ({pending.get_status_display()}, {_submitted(pending)}) is waiting to "
            "sync with the vendor.",
            WHEN_CONFIRMED,
        )
    if company.status != Company.Status.COMPLETE:
        return ChangeOptions(False, "The order for this customer has not been provisioned yet.")
    scheduled = next((a for a in agreements if a.status == Agreement.Status.SCHEDULED), None)
    if scheduled is not None:
        when = f"{scheduled.effective_from:%Y-%m-%d}"
        return ChangeOptions(
            False,
            f"Agreement version {scheduled.version} ({scheduled.total_users:,} seats) is "
            f"scheduled to take effect on {when}; the next change can be made from then.",
            f"on {when}",
        )
    active = next((a for a in agreements if a.status == Agreement.Status.ACTIVE), None)
    if active is None:
        return ChangeOptions(False, "This customer has no agreement in effect.")
    if missing := _off_the_price_list(active, company.partner_id, today):
        names = " and ".join(str(product) for product in missing)
        verb = "is" if len(missing) == 1 else "are"
        return ChangeOptions(
            False,
            f"{names} {verb} not on the vendor's current price list: ask the vendor to change "
            "this customer.",
        )
    return OPEN
