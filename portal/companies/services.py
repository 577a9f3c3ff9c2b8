"""Every write to companies, agreements and attachments: one function per action."""

import datetime
from collections.abc import Mapping

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.catalog.models import Product
from portal.core.history import changed_fields, history_record, snapshot
from portal.core.models import HistoryEntry
from portal.pricing import Line

from .domains import normalize_domain
from .models import Agreement, AgreementLine, Attachment, Company, CompanyProduct
from .terms import LineTerm, billing_of, default_term, term_end_of
from .versions import company_fees_refresh


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow."""


@transaction.atomic
def company_set_status(*, company: Company, status: str, actor) -> Company:
    current = Company.Status(company.status)
    target = Company.Status(status)
    if target not in Company.TRANSITIONS[current]:
        raise InvalidTransition(f"{company} cannot go from {current.label} to {target.label}.")
    company.status = target
    company.updated_at = timezone.now()
    company.save(update_fields=["status", "updated_at"])
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.STATUS,
        summary=f"Status changed to {target.label}",
        changes={"status": [current.label, target.label]},
    )
    return company


@transaction.atomic
def agreement_create(
    *,
    company: Company,
    lines: list[Line],
    status: str,
    total_users: int,
    currency: str,
    actor,
    terms: Mapping[str, LineTerm] | None = None,
    effective_from: datetime.date | None = None,
) -> Agreement:
    """A new agreement version with its priced lines copied on.

    ``terms``: each product code's term (a product kept carries its dates on, one co-termed
    has its end); a code without one gets the product's default term. ``effective_from``: the
    day it is to take effect (today unless said: a downsell's billing date).
    """
    terms = terms or {}
    last = company.agreements.order_by("-version").values_list("version", flat=True).first()
    agreement = Agreement.objects.create(
        effective_from=effective_from or timezone.localdate(),
        company=company,
        version=(last or 0) + 1,
        status=status,
        total_users=total_users,
        currency=currency,
        created_by=actor if getattr(actor, "pk", None) else None,
        activated_at=timezone.now() if status == Agreement.Status.ACTIVE else None,
    )
    products = Product.objects.in_bulk([line.code for line in lines], field_name="code")
    rows = []
    for line in lines:
        product = products[line.code]
        term = terms.get(line.code) or LineTerm(default_term(product))
        priced_once = line.term.value == "one_time"
        rows.append(
            AgreementLine(
                agreement=agreement,
                product=product,
                code=line.code,
                name=line.name,
                term=line.term.value,
                charge=line.charge.value,
                quantity=line.quantity,
                unit_price=line.unit_price.amount,
                payment=line.payment.amount,
                commitment="" if priced_once else term.commitment,
                billing=billing_of(line.term.value),
                term_start=None if priced_once else term.term_start,
                term_end=None if priced_once else term.term_end,
                auto_renew=not priced_once and term.auto_renew,
            )
        )
    AgreementLine.objects.bulk_create(rows)
    if status == Agreement.Status.ACTIVE:
        terms_begin(agreement)
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.ORDER,
        summary=f"Agreement version {agreement.version}: {agreement.get_status_display()}",
        changes={"agreement": [last, agreement.version]},
    )
    company_fees_refresh(company)
    return agreement


def terms_begin(agreement: Agreement) -> None:
    """The terms of the version's new lines start the day it takes effect (a line kept or
    co-termed has its dates already)."""
    start = agreement.effective_from
    billing = agreement.company.next_billing_date
    for line in agreement.lines.filter(term_start__isnull=True).exclude(commitment=""):
        line.term_start = start
        full = term_end_of(start, line.commitment)
        if line.term_end is None and line.commitment == "monthly" and billing:
            # A monthly term runs to the customer's next billing date, as its invoices do.
            line.term_end = billing if start < billing <= full else None
        line.term_end = line.term_end or full
        line.save(update_fields=["term_start", "term_end"])


@transaction.atomic
def attachment_add(
    *, company: Company, name: str, content: bytes, content_type: str, actor
) -> Attachment:
    attachment = Attachment(
        company=company,
        name=name,
        content_type=content_type,
        size=len(content),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    # Storage is not transactional: the file is written first and removed again if the row
    # cannot be saved. (A rollback further out leaves an unreferenced file, never a dead row.)
    attachment.file.save(name, ContentFile(content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Attachment added: {name}",
    )
    return attachment


# Fields a person edits on the prospect form, in the order the history shows them.
EDITABLE = [
    "company_type",
    "name",
    "domain",
    "website",
    "sector",
    "implementation_lead",
    "secondary_contact",
    "expected_provision_date",
    "permitted_users",
]


def labelled(changes: dict) -> dict:
    """Changes under the labels people see, so the History Log reads without translation."""

    def label(name: str) -> str:
        if name == "products":
            return "Products"
        return str(Company._meta.get_field(name).verbose_name).capitalize()

    return {label(name): values for name, values in changes.items()}


def _apply(company: Company, fields: dict) -> None:
    for name, value in fields.items():
        setattr(company, name, value)
    if "domain" in fields:
        company.domain = normalize_domain(company.domain or "")
    company.lead_name = str(company.implementation_lead) if company.implementation_lead else ""
    company.updated_at = timezone.now()


def _products_snapshot(company: Company) -> list[str]:
    return sorted(str(item) for item in company.products.select_related("product"))


def product_codes(products) -> str:
    """A prospect's products as the lists filter them, kept on the company: " S1 A1 "."""
    codes = [p.code for p in sorted(products, key=lambda p: (p.position, p.code))]
    return f" {' '.join(codes)} " if codes else ""


def _set_products(company: Company, products: dict) -> None:
    company.products.all().delete()
    CompanyProduct.objects.bulk_create(
        CompanyProduct(company=company, product=product, seats=seats)
        for product, seats in products.items()
    )
    if company.status == Company.Status.PROSPECT:
        # A customer's codes are those it pays for (versions.company_fees_refresh).
        company.fee_products = product_codes(products)
        Company.objects.filter(pk=company.pk).update(fee_products=company.fee_products)


@transaction.atomic
def company_create(*, partner, actor, name: str, products: dict | None = None, **fields) -> Company:
    """A new prospect, with the products it is interested in (``{product: seats or None}``)."""
    company = Company(partner=partner)
    _apply(company, {"name": name, **fields})
    company.save()
    _set_products(company, products or {})
    history_record(
        actor=actor, obj=company, action=HistoryEntry.Action.CREATE, summary="Prospect created"
    )
    return company


@transaction.atomic
def company_update(*, company: Company, actor, products: dict | None = None, **fields) -> Company:
    """Change a company's details; the history keeps the before/after of what changed."""
    before = {**snapshot(company, EDITABLE), "products": _products_snapshot(company)}
    _apply(company, fields)
    company.save()
    if products is not None:
        _set_products(company, products)
    changes = changed_fields(
        before, {**snapshot(company, EDITABLE), "products": _products_snapshot(company)}
    )
    if changes:
        changes = labelled(changes)
        history_record(
            actor=actor,
            obj=company,
            action=HistoryEntry.Action.UPDATE,
            summary=f"Changed {', '.join(changes).lower()}",
            changes=changes,
        )
    return company


@transaction.atomic
def company_delete(*, company: Company, actor) -> None:
    """Delete a prospect. Its history entries stay: they do not depend on the row."""
    if company.status != Company.Status.PROSPECT:
        raise InvalidTransition("Only a prospect can be deleted; a customer has agreements.")
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.DELETE,
        summary="Prospect deleted",
        changes=snapshot(company, EDITABLE),
    )
    company.delete()
