"""What needs the partner manager's attention, for the home page: one small function per kind.

Each reads the user's MSP only (``partner_id``), starts from the few rows of its kind (partial
indexes on the status that makes a row due), shows the first ``SHOWN`` with a link to where the
user acts, and counts the rest only when there is a rest: one query per kind, two when it
overflows, whatever the number of companies. Terms ending soon and renewal deadlines link to
Customers | Renewals with the window that holds them.
"""

import datetime
import heapq
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from portal.catalog.models import Commitment, Product
from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement, AgreementLine, Company
from portal.companies.selectors import companies_for
from portal.core.history import history_entries_for
from portal.core.models import HistoryEntry
from portal.orders.models import Order
from portal.renewals.upcoming import countdown
from portal.rfi.models import InformationRequest

from .renewals import WINDOWS, renewals_url

SHOWN = 5  # items listed per kind; the heading gives the count of all
TERMS_ENDING_DAYS = 30  # a commitment "ending soon" ends within this many days
DEADLINE_DAYS = 7  # a renewal deadline "soon" is within this many days
DEADLINE_LINES = SHOWN * 4  # lines read per deadline span: a customer has several due at once
QUOTE_WARNING_DAYS = 7  # a saved quote "about to expire": valid for at most this many days more
REJECTED_DAYS = 30  # a rejection stays on the home page for this long, unless acted on


@dataclass(frozen=True)
class Item:
    name: str  # the company
    url: str  # where the user acts on it
    note: str  # what is due, with its date


@dataclass
class Attention:
    key: str
    title: str
    count: int
    items: list[Item] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _gather(key: str, title: str, rows: QuerySet, item: Callable[[object], Item]) -> Attention:
    """The first SHOWN rows as items; the count from a second query only if there are more."""
    first = list(rows[: SHOWN + 1])
    count = len(first) if len(first) <= SHOWN else rows.count()
    return Attention(key, title, count, [item(row) for row in first[:SHOWN]])


def _detail(company_id: int, anchor: str = "") -> str:
    return reverse("companies:detail", args=[company_id]) + (f"#{anchor}" if anchor else "")


def _later_version() -> Exists:
    """A version of the same company made after this one: the MSP has acted since."""
    return Exists(
        Agreement.objects.filter(company=OuterRef("company"), version__gt=OuterRef("version"))
    )


def saved_orders(partner_id: int, today: datetime.date) -> Attention:
    """Orders saved with Save Prospect and Exit, never submitted (newest first). An order the
    vendor rejected is a draft again, but it is listed under rejections, with the reason."""
    rows = (
        Order.objects.filter(
            status=Order.Status.DRAFT, agreement__isnull=True, company__partner_id=partner_id
        )
        .select_related("company", "saved_by")
        .order_by("-saved_at", "-id")
    )

    def item(order: Order) -> Item:
        by = f" by {order.saved_by}" if order.saved_by else ""
        return Item(
            order.company.name,
            reverse("orders:review", args=[order.company_id]),
            f"Saved {timezone.localtime(order.saved_at):%Y-%m-%d}{by}, not submitted",
        )

    return _gather("saved_orders", "Saved orders not submitted", rows, item)


def expiring_quotes(partner_id: int, today: datetime.date) -> Attention:
    """Saved change quotes whose validity ends within QUOTE_WARNING_DAYS (soonest first)."""
    rows = (
        ChangeOrder.objects.filter(
            status=ChangeOrder.Status.QUOTE,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=QUOTE_WARNING_DAYS),
            company__partner_id=partner_id,
        )
        .select_related("company", "prior")
        .order_by("valid_until", "id")
    )

    def item(quote: ChangeOrder) -> Item:
        return Item(
            quote.company.name,
            reverse("changes:quote", args=[quote.pk]),
            f"{quote.get_kind_display()} quote, {quote.prior.total_users:,} → {quote.seats:,} "
            f"seats, valid until {quote.valid_until:%Y-%m-%d}",
        )

    return _gather("expiring_quotes", "Saved quotes about to expire", rows, item)


def waiting_for_vendor(partner_id: int, today: datetime.date) -> Attention:
    """Orders and changes submitted and not yet confirmed by the vendor (waiting longest first)."""
    rows = (
        Agreement.objects.filter(status__in=Agreement.PENDING, company__partner_id=partner_id)
        .select_related("company")
        .order_by("created_at", "id")
    )

    def item(agreement: Agreement) -> Item:
        return Item(
            agreement.company.name,
            _detail(agreement.company_id, f"agreement-{agreement.version}"),
            f"{agreement.get_status_display()} since "
            f"{timezone.localtime(agreement.created_at):%Y-%m-%d}",
        )

    return _gather("waiting", "Waiting for the vendor", rows, item)


def rejected(partner_id: int, today: datetime.date) -> Attention:
    """Orders and changes the vendor rejected in the last REJECTED_DAYS, until the MSP submits
    another order or change for the company (newest first)."""
    since = timezone.now() - datetime.timedelta(days=REJECTED_DAYS)
    rows = (
        Agreement.objects.filter(
            status=Agreement.Status.REJECTED,
            created_at__gte=since,
            company__partner_id=partner_id,
        )
        .exclude(_later_version())
        .select_related("company")
        .order_by("-created_at", "-id")
    )

    def item(agreement: Agreement) -> Item:
        company = agreement.company
        # A rejected new order puts the prospect's order back to a draft: correct it there.
        if company.status == Company.Status.PROSPECT:
            url, what = reverse("orders:review", args=[company.pk]), "Order"
        else:
            url, what = _detail(company.pk, f"agreement-{agreement.version}"), "Change"
        reason = f": {agreement.reason}" if agreement.reason else ""
        return Item(company.name, url, f"{what} (version {agreement.version}) rejected{reason}")

    return _gather("rejected", "Rejected by the vendor", rows, item)


def unanswered_rfis(partner_id: int, today: datetime.date) -> Attention:
    """New customers whose Request for Information has been sent and not answered, or whose
    answers the vendor returned (oldest first): the vendor needs them to provision."""
    rows = (
        InformationRequest.objects.filter(
            Q(status=InformationRequest.Status.SENT)
            | Q(vendor_state=InformationRequest.Vendor.RETURNED),
            company__partner_id=partner_id,
            company__status=Company.Status.IN_PROGRESS,
        )
        .select_related("company")
        .order_by("sent_at", "id")
    )

    def item(rfi: InformationRequest) -> Item:
        if rfi.status == InformationRequest.Status.SENT:
            sent = timezone.localtime(rfi.sent_at)
            note = f"Sent {sent:%Y-%m-%d} to {rfi.sent_to}, not answered"
        else:
            note = f"Returned by the vendor: {rfi.vendor_reason}"
        return Item(rfi.company.name, _detail(rfi.company_id, "rfi"), note)

    return _gather("rfis", "Requests for Information not answered", rows, item)


def downsell_deadlines(partner_id: int, today: datetime.date) -> Attention:
    """Downsells not yet in effect that can still be cancelled, by their deadline (soonest
    first): as ``changes.downsell.downsell_refusal`` decides, without a query per row."""
    # Pending with the vendor, or confirmed and Scheduled: not in effect yet either way.
    open_downsell = Q(
        agreement__status__in=[Agreement.Status.DOWNSELL_PENDING, Agreement.Status.SCHEDULED]
    )
    rows = (
        ChangeOrder.objects.filter(
            open_downsell,
            kind=ChangeOrder.Kind.DOWNSELL,
            status=ChangeOrder.Status.SUBMITTED,
            cancel_by__gte=today,
            company__partner_id=partner_id,
        )
        .select_related("company", "agreement", "prior")
        .order_by("cancel_by", "id")
    )

    def item(change: ChangeOrder) -> Item:
        billing = f", takes effect {change.effective_on:%Y-%m-%d}" if change.effective_on else ""
        return Item(
            change.company.name,
            _detail(change.company_id, f"agreement-{change.agreement.version}"),
            f"Cancel downsell by {change.cancel_by:%Y-%m-%d} "
            f"({change.prior.total_users:,} → {change.seats:,} seats{billing})",
        )

    return _gather("downsells", "Downsell cancel deadlines", rows, item)


def _renewals_link(name: str, term_end: datetime.date, today: datetime.date) -> str:
    """Customers | Renewals with the shortest window that holds the day, searched for the name."""
    days = (term_end - today).days
    within = next((w for w in WINDOWS if days <= int(w)), None)
    if within is None:
        return renewals_url(q=name, **{"from": today.isoformat(), "to": term_end.isoformat()})
    return renewals_url(within=within, q=name)


def terms_ending(partner_id: int, today: datetime.date) -> Attention:
    """Commitments (1- and 3-year terms) ending within TERMS_ENDING_DAYS, soonest first: read
    from the (partner, commitment_ends_on, id) index."""
    rows = Company.objects.filter(
        partner_id=partner_id,
        commitment_ends_on__gte=today,
        commitment_ends_on__lte=today + datetime.timedelta(days=TERMS_ENDING_DAYS),
    ).order_by("commitment_ends_on", "id")

    def item(company: Company) -> Item:
        ends = company.commitment_ends_on
        return Item(
            company.name,
            _renewals_link(company.name, ends, today),
            f"Term ends {ends:%Y-%m-%d} ({countdown(ends, today)})",
        )

    return _gather("terms_ending", "Terms ending soon", rows, item)


def renewal_deadlines(partner_id: int, today: datetime.date) -> Attention:
    """Commitments whose renewal deadline (the last day changes can be made: the product's
    ``renewal_deadline_days`` before the term ends) is within DEADLINE_DAYS, soonest first.

    A deadline is the term end less a number of days set per product: one query per distinct
    number (a vendor sets a few), each reading its lines in term-end order from the customers
    whose next commitment ends within reach (the commitment_ends_on index), then merged.
    """
    # Of every product: a line may be of one the partner's agreement no longer enables.
    spans = sorted(
        Product.objects.order_by().values_list("renewal_deadline_days", flat=True).distinct()
    )
    if not spans:
        return Attention("deadlines", "Renewal deadlines", 0)
    reach = today + datetime.timedelta(days=DEADLINE_DAYS + spans[-1])
    due = AgreementLine.objects.filter(
        agreement__status=Agreement.Status.ACTIVE,
        agreement__company__partner_id=partner_id,
        agreement__company__commitment_ends_on__lte=reach,
        commitment__in=[Commitment.ONE_YEAR, Commitment.THREE_YEARS],
    )
    lines = due.filter(
        reduce(
            operator.or_,
            (
                Q(
                    product__renewal_deadline_days=span,
                    term_end__gte=today + datetime.timedelta(days=span),
                    term_end__lte=today + datetime.timedelta(days=DEADLINE_DAYS + span),
                )
                for span in spans
            ),
        )
    )
    firsts, read_all = [], True
    for span in spans:
        rows = list(
            lines.filter(product__renewal_deadline_days=span)
            .order_by("term_end", "id")
            .values_list("agreement__company_id", "agreement__company__name", "term_end")[
                : DEADLINE_LINES + 1
            ]
        )
        read_all = read_all and len(rows) <= DEADLINE_LINES
        firsts.append(
            [
                (end - datetime.timedelta(days=span), end, company, name)
                for company, name, end in rows
            ]
        )
    # Counted again only when some span had more lines than were read (as _gather does).
    if read_all:
        count = len({company for first in firsts for _, _, company, _ in first})
    else:
        count = lines.values("agreement__company_id").distinct().count()
    items, seen = [], set()
    for last, end, company, name in heapq.merge(*firsts):
        if company in seen:
            continue
        seen.add(company)
        items.append(
            Item(
                name,
                _renewals_link(name, end, today),
                f"Last day for renewal changes {last:%Y-%m-%d} ({countdown(last, today)}); "
                f"term ends {end:%Y-%m-%d}",
            )
        )
    return Attention("deadlines", "Renewal deadlines", count, items[:SHOWN])


KINDS = [
    terms_ending,
    renewal_deadlines,
    saved_orders,
    expiring_quotes,
    waiting_for_vendor,
    rejected,
    unanswered_rfis,
    downsell_deadlines,
]


def attention_for(user, today: datetime.date | None = None) -> list[Attention]:
    """Every kind with something due for the user's MSP, in the order of KINDS."""
    if not getattr(user, "partner_id", None):
        return []
    today = today or timezone.localdate()
    found = (kind(user.partner_id, today) for kind in KINDS)
    return [attention for attention in found if attention.count]


def recent_customers(user, *, limit: int = 10) -> list[Company]:
    """The customers changed last: In Progress and Complete each read newest first from their
    own (partner, status, updated_at, id) index, then merged. One query over both statuses
    sorts every customer of the MSP (30 ms at 100,000 companies on PostgreSQL)."""
    firsts = [
        list(companies_for(user).filter(status=status).order_by("-updated_at", "-id")[:limit])
        for status in (Company.Status.IN_PROGRESS, Company.Status.COMPLETE)
    ]
    merged = heapq.merge(*firsts, key=lambda c: (c.updated_at, c.pk), reverse=True)
    return list(merged)[:limit]


@dataclass(frozen=True)
class Activity:
    entry: HistoryEntry
    url: str  # the company's History Log; "" for what has no page (a user, a deleted company)


def recent_activity(user, *, limit: int = 10) -> list[Activity]:
    """The newest History Log entries of the user's MSP, each linked to its company's page:
    two queries (the entries, then which of their companies still exist)."""
    entries = list(history_entries_for(user)[:limit])
    company_type = ContentType.objects.get_for_model(Company)
    ids = {e.object_id for e in entries if e.content_type_id == company_type.pk}
    existing = set(
        companies_for(user).filter(pk__in=ids).values_list("pk", flat=True) if ids else ()
    )
    return [
        Activity(
            entry,
            _detail(entry.object_id, "history")
            if entry.object_id in existing and entry.content_type_id == company_type.pk
            else "",
        )
        for entry in entries
    ]
