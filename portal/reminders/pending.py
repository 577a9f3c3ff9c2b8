"""The reminders of what waits for someone at the MSP: a downsell's cancel deadline in 2 days,
a saved change quote about to expire, an RFI not answered after 3 days, a saved order not
submitted after 14 days. Each starts from the partial index its home page list uses."""

import datetime

from django.db.models import F, Q, Value
from django.db.models.functions import TruncDate
from django.urls import reverse

from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement, Company
from portal.orders.models import Order
from portal.rfi.models import InformationRequest

from .due import (
    CATCH_UP_DAYS,
    Due,
    Key,
    Run,
    company_data,
    company_url,
    day,
    in_days,
    local_day,
    not_sent,
)
from .models import Kind

DOWNSELL_DAYS = 2  # before its cancel-by day
QUOTE_DAYS = 3  # before a saved quote's last valid day
RFI_DAYS = 3  # after the RFI was sent
ORDER_DAYS = 14  # after the order was saved


def _days(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _seats(change: ChangeOrder) -> str:
    return f"{change.prior.total_users:,} → {change.seats:,}"


class DownsellDeadline:
    kind = Kind.DOWNSELL_DEADLINE

    def _due(self, run: Run):
        # Pending with the vendor, or confirmed and Scheduled: cancellable until cancel_by.
        return ChangeOrder.objects.filter(
            kind=ChangeOrder.Kind.DOWNSELL,
            status=ChangeOrder.Status.SUBMITTED,
            agreement__status__in=[Agreement.Status.DOWNSELL_PENDING, Agreement.Status.SCHEDULED],
            cancel_by__gte=run.today,
            cancel_by__lte=run.today + _days(DOWNSELL_DAYS),
        )

    def keys(self, run: Run) -> list[Key]:
        due = self._due(run).annotate(r_deadline=F("cancel_by"), r_days=Value(DOWNSELL_DAYS))
        return not_sent(due, self.kind)

    def dues(self, keys: list[Key], run: Run) -> list[Due]:
        by_id = {key.object_id: key for key in keys}
        rows = self._due(run).filter(pk__in=by_id).select_related("company", "agreement", "prior")
        return [
            self._reminder(c, by_id[c.pk], run) for c in rows if c.cancel_by == by_id[c.pk].deadline
        ]

    def _reminder(self, change: ChangeOrder, key: Key, run: Run) -> Due:
        company = change.company
        facts = [
            ("Seats", _seats(change)),
            ("Cancel by", in_days(change.cancel_by, run.today)),
        ]
        if change.effective_on:
            facts.append(("Takes effect", day(change.effective_on)))
        return Due(
            kind=self.kind,
            key=key,
            partner_id=company.partner_id,
            company_id=company.pk,
            company_name=company.name,
            title=(
                f"{company.name}: the downsell to {change.seats:,} seats can be cancelled until "
                f"{in_days(change.cancel_by, run.today)}"
            ),
            facts=facts,
            url=company_url(company.pk, f"agreement-{change.agreement.version}"),
            data={
                "company": company_data(company),
                "change_order": {
                    "id": change.pk,
                    "kind": change.kind,
                    "order_number": change.order_number,
                    "seats": change.seats,
                    "prior_seats": change.prior.total_users,
                    "effective_on": _iso(change.effective_on),
                    "cancel_by": change.cancel_by.isoformat(),
                    "version": change.agreement.version,
                },
            },
            owners=(change.submitted_by_id, change.created_by_id),
            leads=(change.implementation_lead_id, company.implementation_lead_id),
            admins=True,
        )


class QuoteExpiring:
    kind = Kind.QUOTE_EXPIRING

    def _due(self, run: Run):
        return ChangeOrder.objects.filter(
            status=ChangeOrder.Status.QUOTE,
            valid_until__gte=run.today,
            valid_until__lte=run.today + _days(QUOTE_DAYS),
        )

    def keys(self, run: Run) -> list[Key]:
        due = self._due(run).annotate(r_deadline=F("valid_until"), r_days=Value(QUOTE_DAYS))
        return not_sent(due, self.kind)

    def dues(self, keys: list[Key], run: Run) -> list[Due]:
        by_id = {key.object_id: key for key in keys}
        rows = self._due(run).filter(pk__in=by_id).select_related("company", "prior")
        return [
            self._reminder(q, by_id[q.pk], run)
            for q in rows
            if q.valid_until == by_id[q.pk].deadline
        ]

    def _reminder(self, quote: ChangeOrder, key: Key, run: Run) -> Due:
        company = quote.company
        return Due(
            kind=self.kind,
            key=key,
            partner_id=company.partner_id,
            company_id=company.pk,
            company_name=company.name,
            title=(
                f"{company.name}: the saved {quote.get_kind_display().lower()} quote is valid "
                f"until {in_days(quote.valid_until, run.today)}"
            ),
            facts=[
                ("Quote", f"{quote.get_kind_display()}, {_seats(quote)} seats"),
                ("Valid until", in_days(quote.valid_until, run.today)),
            ],
            url=reverse("changes:quote", args=[quote.pk]),
            data={
                "company": company_data(company),
                "change_order": {
                    "id": quote.pk,
                    "kind": quote.kind,
                    "seats": quote.seats,
                    "prior_seats": quote.prior.total_users,
                    "valid_until": quote.valid_until.isoformat(),
                },
            },
            owners=(quote.created_by_id,),
            leads=(quote.implementation_lead_id,),
        )


class _Overdue:
    """A reminder ``days`` after the time in ``stamp`` (an RFI sent, an order saved), keyed by
    that day: sent once per stamp, and again if the stamp moves (sent again, saved again)."""

    kind: str
    stamp: str
    days: int

    def _overdue(self, run: Run) -> dict:
        overdue = run.now - _days(self.days)
        return {
            f"{self.stamp}__lte": overdue,
            f"{self.stamp}__gt": overdue - _days(CATCH_UP_DAYS),
        }

    def keys(self, run: Run) -> list[Key]:
        due = self._due(run).annotate(r_deadline=TruncDate(self.stamp), r_days=Value(self.days))
        return not_sent(due, self.kind)

    def dues(self, keys: list[Key], run: Run) -> list[Due]:
        by_id = {key.object_id: key for key in keys}
        rows = self._due(run).filter(pk__in=by_id).select_related("company")
        return [
            self._reminder(row, by_id[row.pk])
            for row in rows
            if local_day(getattr(row, self.stamp)) == day(by_id[row.pk].deadline)
        ]


class RfiUnanswered(_Overdue):
    kind = Kind.RFI_UNANSWERED
    stamp, days = "sent_at", RFI_DAYS

    def _due(self, run: Run):
        return InformationRequest.objects.filter(
            status=InformationRequest.Status.SENT,
            company__status=Company.Status.IN_PROGRESS,
            **self._overdue(run),
        )

    def _reminder(self, rfi: InformationRequest, key: Key) -> Due:
        company = rfi.company
        return Due(
            kind=self.kind,
            key=key,
            partner_id=company.partner_id,
            company_id=company.pk,
            company_name=company.name,
            title=(
                f"{company.name}: the Request for Information sent {local_day(rfi.sent_at)} "
                "is not answered"
            ),
            facts=[("Sent to", rfi.sent_to), ("Sent", local_day(rfi.sent_at))],
            url=company_url(company.pk, "rfi"),
            data={
                "company": company_data(company),
                "rfi": {
                    "id": rfi.pk,
                    "status": rfi.status,
                    "sent_to": rfi.sent_to,
                    "sent_at": rfi.sent_at.isoformat(),
                },
            },
            owners=(rfi.sent_by_id,),
            leads=(company.implementation_lead_id,),
        )


class OrderNotSubmitted(_Overdue):
    kind = Kind.ORDER_NOT_SUBMITTED
    stamp, days = "saved_at", ORDER_DAYS

    def _due(self, run: Run):
        # A draft the vendor rejected is listed on the home page with its reason instead.
        return Order.objects.filter(
            Q(company__status=Company.Status.PROSPECT),
            status=Order.Status.DRAFT,
            agreement__isnull=True,
            **self._overdue(run),
        )

    def _reminder(self, order: Order, key: Key) -> Due:
        company = order.company
        return Due(
            kind=self.kind,
            key=key,
            partner_id=company.partner_id,
            company_id=company.pk,
            company_name=company.name,
            title=f"{company.name}: the order saved {local_day(order.saved_at)} is not submitted",
            facts=[("Saved", local_day(order.saved_at))],
            url=reverse("orders:review", args=[company.pk]),
            data={
                "company": company_data(company),
                "order": {"id": order.pk, "saved_at": order.saved_at.isoformat()},
            },
            owners=(order.saved_by_id,),
            leads=(company.implementation_lead_id,),
        )
