"""Reads of companies, always scoped to the user's partner."""

from django.db.models import Count, Prefetch

from portal.core.tenancy import for_partner, get_for_partner_or_404

from .models import Agreement, Company


def company_counts(*, user) -> dict[str, int]:
    rows = for_partner(Company, user).values("status").annotate(n=Count("id")).order_by()
    counts = {status.value: 0 for status in Company.Status}
    counts.update({row["status"]: row["n"] for row in rows})
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
