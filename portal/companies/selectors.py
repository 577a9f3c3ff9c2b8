"""Reads of companies, agreements and attachments, always scoped to the user's partner.

``<noun>_for(user, pk)`` is one row of the user's MSP (another MSP's is a 404);
``<nouns>_for(user)`` the MSP's rows; ``<noun>_of(company)`` a read of a company already found.
"""

from django.db.models import Count, Prefetch, QuerySet, Sum

from portal.core.tenancy import for_partner, get_for_partner_or_404

from .models import (
    Agreement,
    AgreementLine,
    Attachment,
    Company,
    CompanyTally,
    Customer,
    CustomerContact,
    CustomerNote,
    Prospect,
)

# What the screens and the API read of a company found by its id (the MSP's name and notice
# days, the lead the order and the RFI go to): joined in, not fetched one by one.
RELATED = ("partner", "implementation_lead")


def companies_for(user) -> QuerySet[Company]:
    """Every company of the user's partner, prospects and customers alike."""
    return for_partner(Company, user)


def company_for(user, pk: int, *, page: bool = False) -> Company:
    """A prospect or customer of the user's partner; ``page`` adds what the customer page shows
    (the secondary contact, its RFI, every agreement version with who made it, the change order
    behind it and its lines, attachments)."""
    queryset = Company.objects.select_related(*RELATED)
    if page:
        # Joined rather than read one relation at a time: the page is the busiest of the portal
        # and each query costs it about a millisecond. The RFI and the change order are the
        # reverse sides of one-to-one links (rfi, changes), read by their names.
        versions = Agreement.objects.select_related("created_by", "change_order")
        lines = AgreementLine.objects.select_related("product")  # the Renewal section's terms
        versions = versions.prefetch_related(Prefetch("lines", queryset=lines))
        versions = versions.order_by("-version")
        queryset = queryset.select_related("secondary_contact", "rfi").prefetch_related(
            Prefetch("agreements", queryset=versions),
            "attachments",
        )
    return get_for_partner_or_404(queryset, user, pk=pk)


def prospects_for(user) -> QuerySet[Prospect]:
    return for_partner(Prospect, user)


def prospect_for(user, pk: int) -> Prospect:
    """A company of the user's partner that is still a prospect; any other is a 404."""
    return get_for_partner_or_404(prospects_for(user), user, pk=pk)


def customers_for(user) -> QuerySet[Customer]:
    """The companies that have ordered: In Progress and Complete."""
    return for_partner(Customer, user)


def customer_for(user, pk: int) -> Customer:
    """A customer of the user's partner; a prospect, or another MSP's company, is a 404."""
    return get_for_partner_or_404(customers_for(user).select_related(*RELATED), user, pk=pk)


def company_counts_for(user) -> dict[str, int]:
    """How many companies the user's partner has in each status (kept tallies: no counting)."""
    counts = {status.value: 0 for status in Company.Status}
    counts.update(for_partner(CompanyTally, user).values_list("status", "count"))
    return counts


def fee_totals_for(user, status: str) -> list[dict]:
    """The monthly fees of the user's partner's customers in ``status``, added up per currency:
    ``[{"currency": "USD", "total": Decimal, "customers": 12}]`` (one index-only read)."""
    rows = (
        companies_for(user)
        .filter(status=status)
        .exclude(fees_currency="")
        .values("fees_currency")
        # Counted on a column of the (partner, status, fees_currency, monthly_fees) index, not
        # the id: the whole answer then comes from the index alone.
        .annotate(total=Sum("monthly_fees"), customers=Count("fees_currency"))
        .order_by("fees_currency")
    )
    return [
        {"currency": row["fees_currency"], "total": row["total"], "customers": row["customers"]}
        for row in rows
    ]


def recent_customers_for(user, *, limit: int):
    return customers_for(user).order_by("-updated_at", "-id")[:limit]


def agreement_for(user, pk: int, *, company_pk: int) -> Agreement:
    """An agreement version of the user's partner's company ``company_pk`` (with its change
    order's prior version, which Cancel downsell reads)."""
    return get_for_partner_or_404(
        Agreement.objects.select_related("change_order__prior"),
        user,
        partner_path="company__partner",
        pk=pk,
        company_id=company_pk,
    )


def active_agreement_of(company: Company) -> Agreement | None:
    """The version in effect, with its lines."""
    return (
        company.agreements.filter(status=Agreement.Status.ACTIVE)
        .prefetch_related("lines")
        .order_by("-version")
        .first()
    )


def attachment_for(user, pk: int, *, company_pk: int) -> Attachment:
    """An attachment of the user's partner's company ``company_pk``."""
    return get_for_partner_or_404(
        Attachment, user, partner_path="company__partner", pk=pk, company_id=company_pk
    )


def contact_for(user, pk: int, *, company_pk: int):
    """A contact of the user's partner's company ``company_pk``."""
    return get_for_partner_or_404(
        CustomerContact.objects.select_related("company"),
        user,
        partner_path="company__partner",
        pk=pk,
        company_id=company_pk,
    )


def note_for(user, pk: int, *, company_pk: int):
    """A note on the user's partner's company ``company_pk``."""
    return get_for_partner_or_404(
        CustomerNote.objects.select_related("company", "author"),
        user,
        partner_path="company__partner",
        pk=pk,
        company_id=company_pk,
    )


def notes_of(company: Company):
    """The company's notes, newest first, with their authors."""
    return company.notes.select_related("author").order_by("-created_at", "-id")
