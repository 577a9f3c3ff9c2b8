"""Saving and submitting the order of a prospect, or of a former customer reopened by it."""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.catalog.models import Product
from portal.companies.models import Agreement, Company
from portal.companies.services import (
    agreement_create,
    company_set_status,
    company_update,
)
from portal.companies.terms import LineTerm
from portal.core.history import history_record
from portal.core.models import HistoryEntry

from .events import order_submitted
from .models import Order
from .quote import order_quote
from .rules import check_shown_total

# Who can be ordered for: a prospect (its first order), a former customer (reopened).
ORDERABLE = (Company.Status.PROSPECT, Company.Status.FORMER)


class AlreadySubmitted(Exception):
    """The company is a customer already: its order was submitted from another form (another
    tab), or it became a customer another way."""

    def __init__(self, company: Company):
        super().__init__(f"{company} is a customer already.")
        self.company = company


@dataclass(frozen=True)
class OrderInput:
    """What the order form holds, checked."""

    implementation_lead: object
    permitted_users: int
    products: dict[Product, int | None]
    infrastructure: dict[str, str]
    order_number: str
    order_number_not_required: bool
    shown_initial: Decimal | None = None  # the Total Initial Fees the user saw, to submit at
    # Product code → the term chosen for it (a product without one gets its default term).
    terms: dict[str, LineTerm] = field(default_factory=dict)


@transaction.atomic
def order_save(*, company: Company, actor, data: OrderInput) -> Order:
    """Save Prospect and Exit: the prospect's changes and the draft order; nothing is ordered."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status not in ORDERABLE:
        raise AlreadySubmitted(company)
    _update_prospect(company, actor, data)
    order, created = Order.objects.get_or_create(company=company, status=Order.Status.DRAFT)
    _fill(order, data, actor)
    order.save()
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.ORDER,
        summary="Order saved, not submitted" if created else "Saved order changed",
    )
    return order


def order_submit(*, company: Company, actor, data: OrderInput, key: uuid.UUID, ip: str | None):
    """Submit Order. Returns (order, made): ``made`` is False when this form's key had already
    made the order (a second click, a retry), which is then returned unchanged."""
    try:
        return _submit(company, actor, data, key, ip)
    except IntegrityError:
        # The unique key is the last guard should two requests with one key ever pass the lock.
        order = Order.objects.filter(idempotency_key=key, company=company).first()
        if order is None:
            raise
        return order, False


@transaction.atomic
def _submit(company, actor, data, key, ip) -> tuple[Order, bool]:
    # The lock makes a second submission of this prospect wait until the first has committed,
    # then see it.
    company = Company.objects.select_for_update().get(pk=company.pk)
    done = Order.objects.filter(idempotency_key=key, status=Order.Status.SUBMITTED).first()
    if done and done.company_id == company.pk:
        return done, False
    if company.status not in ORDERABLE:
        raise AlreadySubmitted(company)
    _update_prospect(company, actor, data)
    quote = order_quote(company.partner, data.products, data.permitted_users)
    check_shown_total(quote, data.shown_initial)  # under the lock: raises PricesMoved
    agreement = agreement_create(
        company=company,
        lines=list(quote.lines),
        status=Agreement.Status.NEW_ORDER_PENDING,
        total_users=data.permitted_users,
        currency=quote.totals.currency,
        actor=actor,
        terms=data.terms,
    )
    # The draft saved before (or the order the vendor rejected, a draft again), else a new one:
    # a former customer's earlier order stays as it was submitted.
    order, _ = Order.objects.get_or_create(company=company, status=Order.Status.DRAFT)
    _fill(order, data, actor)
    order.status = Order.Status.SUBMITTED
    order.idempotency_key = key
    order.agreement = agreement
    order.submitted_by = actor
    order.submitted_at = order.saved_at
    order.submitted_from_ip = ip
    order.msa_version = company.partner.msa_version
    order.save()
    # A prospect becomes a customer, a former customer one again: In Progress until provisioned.
    company_set_status(company=company, status=Company.Status.IN_PROGRESS, actor=actor)
    order_submitted(order=order, actor=actor)
    return order, True


def _fill(order: Order, data: OrderInput, actor) -> None:
    order.infrastructure = data.infrastructure
    order.terms = {
        code: {"commitment": term.commitment, "auto_renew": term.auto_renew}
        for code, term in data.terms.items()
    }
    order.order_number = data.order_number
    order.order_number_not_required = data.order_number_not_required
    order.saved_by = actor
    order.saved_at = timezone.now()


def _update_prospect(company: Company, actor, data: OrderInput) -> None:
    lead = data.implementation_lead
    company_update(
        company=company,
        actor=actor,
        products=data.products,
        implementation_lead=lead,
        # The secondary contact must differ from the lead: a new lead may have been it.
        secondary_contact=None
        if company.secondary_contact_id == getattr(lead, "pk", None)
        else company.secondary_contact,
        permitted_users=data.permitted_users,
    )
