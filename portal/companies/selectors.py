"""Reads of companies, always scoped to the user's partner."""

from django.db.models import Prefetch

from portal.core.tenancy import for_partner, get_for_partner_or_404

from .models import Agreement, Company, CompanyTally


def company_counts(*, user) -> dict[str, int]:
    """How many companies the user's partner has in each status (kept tallies: no counting)."""
    counts = {status.value: 0 for status in Company.Status}
    counts.update(for_partner(CompanyTally, user).values_list("status", "count"))
    return counts


def recent_customers(*, user, limit: int):
    return (
        for_partner(Company, user)
        .exclude(status=Company.Status.PROSPECT)
        .order_by("-updated_at", "-id")[:limit]
    )


def company_for_page(*, user, pk: int) -> Company:
    queryset = Company.objects.select_related(
        "implementation_lead", "secondary_contact"
    ).prefetch_related(
        "products__product",
        Prefetch(
            "agreements",
            queryset=Agreement.objects.prefetch_related("lines").order_by("-version"),
        ),
        "attachments",
    )
    return get_for_partner_or_404(queryset, user, pk=pk)


def agreement_for(*, user, company_pk: int, pk: int) -> Agreement:
    """An agreement version of the user's partner's company (with its change order's prior
    version, which Cancel downsell reads)."""
    return get_for_partner_or_404(
        Agreement.objects.select_related("change_order__prior"),
        user,
        partner_path="company__partner",
        pk=pk,
        company_id=company_pk,
    )
