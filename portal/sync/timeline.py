"""The vendor console's time line of a customer: its agreement versions in time (ahead, in
effect now, before; cancelled and rejected ones apart), who synced each and when, and the
terms of each line with the day its cancellation window ends.

Read only, and for vendor staff only: ``AgreementAdmin.get_urls`` serves it behind the
console's own sign-in (an MSP user never reaches it).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from portal.catalog.models import Billing, Commitment
from portal.companies.models import Agreement, AgreementLine, Company

from .models import ProvisioningRequest

Status = Agreement.Status
AHEAD = {Status.SCHEDULED, *Agreement.PENDING}
APART = {Status.CANCELLED, Status.REJECTED}


@dataclass(frozen=True)
class LineTerms:
    """One line of a version and its term, as the time line's table shows it."""

    code: str
    name: str
    seats: int
    term: str
    billing: str
    term_start: datetime.date | None
    term_end: datetime.date | None
    auto_renew: str
    # The last day the product can be cancelled: term start + the product's window.
    cancel_until: datetime.date | None


@dataclass(frozen=True)
class Settled:
    """What the vendor (or its staff) answered: synced or rejected, when and by whom."""

    outcome: str
    at: datetime.datetime
    by: str  # "" when nobody is on record


@dataclass(frozen=True)
class Version:
    agreement: Agreement
    kind: str
    submitted_by: str
    settled: Settled | None
    cancel_by: datetime.date | None  # a downsell the MSP may still cancel, until then
    lines: list[LineTerms] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.agreement.version

    @property
    def status(self) -> str:
        return self.agreement.get_status_display()

    @property
    def status_code(self) -> str:
        return self.agreement.status

    @property
    def pending(self) -> bool:
        return self.agreement.status in Agreement.PENDING

    @property
    def seats(self) -> int:
        return self.agreement.total_users

    @property
    def in_effect(self) -> str:
        """The days it is (was, will be) in effect, in words."""
        start, end = self.agreement.effective_from, self.agreement.effective_until
        if self.agreement.status in Agreement.PENDING:
            return f"Expected from {start:%Y-%m-%d}, once the vendor confirms it"
        if self.agreement.status in APART:
            return f"Was to take effect on {start:%Y-%m-%d}; never in effect"
        if end is None:
            return f"From {start:%Y-%m-%d}, with no end"
        return f"From {start:%Y-%m-%d} until {end:%Y-%m-%d}"


@dataclass(frozen=True)
class TimeLine:
    company: Company
    today: datetime.date
    ahead: list[Version]
    now: Version | None
    before: list[Version]
    apart: list[Version]

    @property
    def empty(self) -> bool:
        return not (self.ahead or self.now or self.before or self.apart)


def _label(choices, value: str, empty: str = "—") -> str:
    return str(choices(value).label) if value else empty


def line_terms(line: AgreementLine) -> LineTerms:
    one_time = not line.commitment
    start = line.term_start
    return LineTerms(
        code=line.code,
        name=line.name,
        seats=line.quantity,
        term="None (one-time charge)" if one_time else _label(Commitment, line.commitment),
        billing=_label(Billing, line.billing, "Once"),
        term_start=start,
        term_end=line.term_end,
        auto_renew="—" if one_time else ("Yes" if line.auto_renew else "No"),
        cancel_until=(
            start + datetime.timedelta(days=line.product.cancellation_days) if start else None
        ),
    )


def _settled(agreement: Agreement) -> Settled | None:
    request = next(iter(agreement.provisioning_requests.all()), None)
    if request is None or request.status not in ProvisioningRequest.SETTLED:
        if agreement.activated_at and agreement.status not in APART:
            # Made before the vendor sync existed (or by the demo data): synced, by nobody.
            return Settled("Synced", agreement.activated_at, "")
        return None
    if request.settled_by is not None:
        by = f"{request.settled_by} (vendor staff)"
    else:
        callback = next(
            (
                c
                for c in sorted(request.callbacks.all(), key=lambda c: (c.received_at, c.pk))
                if c.http_status == 200 and c.outcome == request.status
            ),
            None,
        )
        by = callback.get_source_display() if callback else "The vendor"
    return Settled(request.get_status_display(), request.settled_at, by)


def version_of(agreement: Agreement) -> Version:
    change = getattr(agreement, "change_order", None)
    cancel_by = None
    if change is not None and change.kind == "downsell" and agreement.status in AHEAD:
        cancel_by = change.cancel_by
    return Version(
        agreement=agreement,
        kind=change.get_kind_display() if change is not None else "New order",
        submitted_by=str(agreement.created_by) if agreement.created_by else "—",
        settled=_settled(agreement),
        cancel_by=cancel_by,
        lines=[line_terms(line) for line in agreement.lines.all()],
    )


def timeline_of(company: Company, today: datetime.date | None = None) -> TimeLine:
    """Every version of ``company`` with its lines, requests and change order: four queries,
    however many versions."""
    today = today or timezone.localdate()
    requests = (
        ProvisioningRequest.objects.filter(
            action__in=[ProvisioningRequest.Action.ORDER, ProvisioningRequest.Action.CHANGE]
        )
        .select_related("settled_by")
        .prefetch_related("callbacks")
        .order_by("-created_at", "-id")
    )
    agreements = (
        company.agreements.select_related("created_by", "change_order")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=AgreementLine.objects.select_related("product").order_by(
                    "product__position", "code"
                ),
            ),
            Prefetch("provisioning_requests", queryset=requests),
        )
        .order_by("-effective_from", "-version")
    )
    versions = [version_of(agreement) for agreement in agreements]
    return TimeLine(
        company=company,
        today=today,
        ahead=[v for v in versions if v.agreement.status in AHEAD],
        now=next((v for v in versions if v.agreement.status == Status.ACTIVE), None),
        before=[v for v in versions if v.agreement.status == Status.SUPERSEDED],
        apart=sorted(
            (v for v in versions if v.agreement.status in APART),
            key=lambda v: -v.version,
        ),
    )
