"""What happens to agreement versions after an order is submitted: the vendor confirms (syncs)
or rejects it, and a downsell can be cancelled until its deadline. Also whether Change Options
is open for a customer, and if not, why.

Each state change runs in one transaction holding a row lock on the company, so that a vendor
callback, a staff action and a user's cancel of the same customer happen one after the other,
and each writes its history entry in that transaction.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from portal.accounts.models import Partner
from portal.catalog.models import ListPrice, PriceList, Product
from portal.changes.models import ChangeOrder
from portal.core.history import history_record
from portal.core.models import HistoryEntry
from portal.orders.models import Order
from portal.sync.models import ProvisioningRequest
from portal.sync.requests import provisioning_queue
from portal.webhooks.models import Event
from portal.webhooks.payloads import agreement_data
from portal.webhooks.services import webhook_emit

from .billing import first_of_next_month
from .models import Agreement, AgreementLine, Company
from .services import company_set_status, company_update

WHEN_CONFIRMED = "when the vendor confirms it"


class CannotCancel(ValidationError):
    """The downsell cannot be cancelled; the message says why, in the user's words."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def _lock(agreement: Agreement) -> tuple[Company, Agreement]:
    """The company locked, and the agreement as it is now (not as the caller read it)."""
    company = Company.objects.select_for_update().get(pk=agreement.company_id)
    return company, Agreement.objects.get(pk=agreement.pk)


def _restore_users(company: Company, in_effect: Agreement | None, actor) -> None:
    """Submitting a change set the customer's permitted users to its seats; once the change
    is cancelled or rejected, the version in effect again decides them."""
    if in_effect is not None and company.permitted_users != in_effect.total_users:
        company_update(company=company, actor=actor, permitted_users=in_effect.total_users)


@transaction.atomic
def agreement_confirm(*, agreement: Agreement, actor) -> Agreement:
    """The vendor has provisioned a pending version: it becomes Active and the version it
    replaces Superseded; a new customer becomes Complete with a billing date.

    Anything but a pending version is returned as it is, so that a repeated callback (or a
    confirm after a cancel) changes nothing.
    """
    company, agreement = _lock(agreement)
    if agreement.status not in Agreement.PENDING:
        return agreement
    was = agreement.get_status_display()
    new_business = agreement.status == Agreement.Status.NEW_ORDER_PENDING
    replaced = list(
        company.agreements.filter(status=Agreement.Status.ACTIVE)
        .exclude(pk=agreement.pk)
        .values_list("version", flat=True)
    )
    company.agreements.filter(version__in=replaced).update(status=Agreement.Status.SUPERSEDED)
    now = timezone.now()
    agreement.status = Agreement.Status.ACTIVE
    agreement.activated_at = now
    agreement.save(update_fields=["status", "activated_at"])
    changes = {f"Agreement version {agreement.version}": [was, "Active"]}
    for version in replaced:
        changes[f"Agreement version {version}"] = ["Active", "Superseded"]
    if new_business and company.next_billing_date is None:
        company.next_billing_date = first_of_next_month(timezone.localdate(now))
        company.updated_at = now
        company.save(update_fields=["next_billing_date", "updated_at"])
        changes["Next billing date"] = [None, str(company.next_billing_date)]
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.STATUS,
        summary=f"Agreement version {agreement.version} synced with the vendor: {was} → Active",
        changes=changes,
    )
    if new_business and company.status == Company.Status.IN_PROGRESS:
        company_set_status(company=company, status=Company.Status.COMPLETE, actor=actor)
    return agreement


@transaction.atomic
def agreement_reject(*, agreement: Agreement, actor, reason: str) -> Agreement:
    """The vendor refuses a pending version, and the state before it comes back: for a change,
    the version in effect before stays in effect; a new customer is a prospect again, with its
    order saved as a draft, so that the MSP can correct it and submit it again."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Give the reason for rejecting the agreement version.")
    company, agreement = _lock(agreement)
    if agreement.status not in Agreement.PENDING:
        return agreement
    was = agreement.get_status_display()
    agreement.status = Agreement.Status.REJECTED
    agreement.reason = reason[: Agreement._meta.get_field("reason").max_length]
    agreement.save(update_fields=["status", "reason"])
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.STATUS,
        summary=f"Agreement version {agreement.version} rejected by the vendor: {reason}",
        changes={f"Agreement version {agreement.version}": [was, "Rejected"]},
    )
    if was == Agreement.Status.NEW_ORDER_PENDING.label:
        Order.objects.filter(company=company, agreement=agreement).update(status=Order.Status.DRAFT)
        if company.status == Company.Status.IN_PROGRESS:
            company_set_status(company=company, status=Company.Status.PROSPECT, actor=actor)
        return agreement
    _restore_users(
        company,
        company.agreements.filter(status=Agreement.Status.ACTIVE).order_by("-version").first(),
        actor,
    )
    return agreement


def _deadline_text(change: ChangeOrder) -> str:
    text = f"The deadline to cancel was {change.cancel_by:%Y-%m-%d}"
    if change.effective_on:
        days = (change.effective_on - change.cancel_by).days
        text += (
            f" ({days} day{'' if days == 1 else 's'} before the billing date "
            f"{change.effective_on:%Y-%m-%d})"
        )
    return text + "."


def downsell_open(agreement: Agreement, change: ChangeOrder | None, today: datetime.date) -> bool:
    """A downsell that has not taken effect yet: pending, or synced with its date ahead."""
    if change is None or change.kind != ChangeOrder.Kind.DOWNSELL:
        return False
    if agreement.status == Agreement.Status.DOWNSELL_PENDING:
        return True
    return (
        agreement.status == Agreement.Status.ACTIVE
        and change.effective_on is not None
        and change.effective_on > today
    )


def later_version(agreement: Agreement, agreements) -> Agreement | None:
    """The first version made after this one that was not cancelled or rejected."""
    closed = {Agreement.Status.CANCELLED, Agreement.Status.REJECTED}
    return min(
        (a for a in agreements if a.version > agreement.version and a.status not in closed),
        key=lambda a: a.version,
        default=None,
    )


def downsell_refusal(
    agreement: Agreement,
    change: ChangeOrder | None,
    today: datetime.date,
    *,
    later: Agreement | None = None,
) -> str:
    """Why this version cannot be cancelled ``today``, or "" if it can."""
    if change is None or change.kind != ChangeOrder.Kind.DOWNSELL:
        return f"Version {agreement.version} is not a downsell; only a downsell can be cancelled."
    if agreement.status == Agreement.Status.CANCELLED:
        return "This downsell has been cancelled already."
    if agreement.status == Agreement.Status.REJECTED:
        return "The vendor rejected this downsell: there is nothing to cancel."
    if not downsell_open(agreement, change, today):
        when = f" on {change.effective_on:%Y-%m-%d}" if change.effective_on else ""
        return f"This downsell took effect{when}: it can no longer be cancelled."
    if change.cancel_by is not None and today > change.cancel_by:
        return _deadline_text(change)
    if later is not None:
        # The later version was quoted against this downsell; undoing the downsell underneath
        # would leave that one built on a version no longer in effect.
        return (
            f"Version {later.version} ({later.get_status_display()}) was made after this "
            "downsell, so the downsell can no longer be cancelled."
        )
    return ""


@transaction.atomic
def downsell_cancel(
    *, agreement: Agreement, actor, today: datetime.date | None = None
) -> Agreement:
    """Cancel a downsell, pending or synced but not yet in effect, until its deadline
    (inclusive). The version it replaced is the one in effect again."""
    today = today or timezone.localdate()
    company, agreement = _lock(agreement)
    change = ChangeOrder.objects.filter(agreement=agreement).first()
    later = later_version(agreement, company.agreements.filter(version__gt=agreement.version))
    if reason := downsell_refusal(agreement, change, today, later=later):
        raise CannotCancel(reason)
    prior = Agreement.objects.get(pk=change.prior_id)
    was = agreement.get_status_display()
    agreement.status = Agreement.Status.CANCELLED
    agreement.reason = f"Cancelled by {actor or 'the system'}"[:300]
    agreement.save(update_fields=["status", "reason"])
    changes = {f"Agreement version {agreement.version}": [was, "Cancelled"]}
    if prior.status == Agreement.Status.SUPERSEDED:
        # A synced downsell had replaced it: it is the version in effect again.
        prior.status = Agreement.Status.ACTIVE
        prior.save(update_fields=["status"])
        changes[f"Agreement version {prior.version}"] = ["Superseded", "Active"]
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.STATUS,
        summary=f"Downsell cancelled: agreement version {agreement.version} "
        f"({agreement.total_users:,} seats) will not take effect; version {prior.version} "
        f"({prior.total_users:,} seats) stays in effect",
        changes=changes,
    )
    _restore_users(company, prior, actor)
    provisioning_queue(
        agreement=agreement,
        action=ProvisioningRequest.Action.CANCEL,
        submission=change,
        replaces=prior,
    )
    webhook_emit(
        partner=company.partner, event=Event.CHANGE_CANCELLED, data=agreement_data(agreement)
    )
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
    """The primary products of the agreement that the current price list does not have."""
    current_list = (
        PriceList.objects.filter(
            currency=Subquery(Partner.objects.filter(pk=partner_id).values("currency")[:1]),
            effective_from__lte=today,
        )
        .order_by("-effective_from", "-pk")
        .values("pk")[:1]
    )
    # One query: the lines of primary products with no list price on that list.
    lines = (
        AgreementLine.objects.filter(agreement=active, product__kind=Product.Kind.PRIMARY)
        .filter(
            ~Exists(
                ListPrice.objects.filter(
                    price_list=Subquery(current_list), product=OuterRef("product_id")
                )
            )
        )
        .select_related("product")
        .order_by("id")
    )
    return [line.product for line in lines]


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
