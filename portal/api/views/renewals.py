"""Customers | Renewals: the customers whose term ends in a window, with their renewal, paged
and filtered like the screen (the same query, ``customers.renewals``)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from portal.customers.renewals import WINDOWS, renewal_page
from portal.renewals.upcoming import renewals_for

from .. import serializers as s
from ..errors import FieldErrors
from .base import PortalView

PARAMETERS = [
    OpenApiParameter(
        "within",
        str,
        enum=list(WINDOWS),
        description="Terms ending within this many days from today (default 30).",
    ),
    OpenApiParameter("from", str, description="Or a window from this day (YYYY-MM-DD) ..."),
    OpenApiParameter("to", str, description="... to this day (YYYY-MM-DD), at most 3 years."),
    OpenApiParameter(
        "monthly",
        str,
        enum=["1"],
        description="1: every term (each customer's next renewal); else only 1- and 3-year "
        "commitments.",
    ),
    OpenApiParameter("lead", int, description="An implementation lead's user id."),
    OpenApiParameter("mine", str, enum=["1"], description="1: the caller's own accounts."),
    OpenApiParameter("q", str, description="Part of the company name."),
    OpenApiParameter("letter", str, description="First letter, A–Z, or # for a digit."),
    OpenApiParameter(
        "sort", str, description="ends (the default: soonest first) or name; a leading - reverses."
    ),
    OpenApiParameter("page", int, description="Pages of 50, from 1."),
]


class RenewingLineOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    seats = serializers.IntegerField(help_text="Seats now.")
    seats_after = serializers.IntegerField(
        allow_null=True, help_text="Seats from the renewal; null: the product ends then."
    )
    auto_renew = serializers.BooleanField()
    removed = serializers.BooleanField(help_text="Removal scheduled for the renewal.")


class ScheduledChangeOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    kind = serializers.CharField(help_text="seats, remove or term.")
    seats = serializers.IntegerField(allow_null=True)
    term = serializers.CharField(source="commitment", help_text="For kind term: the new term.")
    summary = serializers.CharField(source="describe")


class RenewalRow(serializers.Serializer):
    """A customer and its next renewal in the window."""

    id = serializers.IntegerField(source="company.pk")
    name = serializers.CharField(source="company.name")
    renews_on = serializers.DateField(help_text="The day the term ends (and renews).")
    countdown = serializers.CharField(help_text="today, tomorrow, in 12 days.")
    lines = RenewingLineOut(many=True, help_text="The products whose term ends that day.")
    seats = serializers.IntegerField(help_text="Seats renewing.")
    currency = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="The renewing lines at the prices in force that day; null: not priced.",
    )
    value_at_todays_prices = serializers.DecimalField(
        source="value_today", max_digits=14, decimal_places=2, allow_null=True
    )
    difference = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="value less value_at_todays_prices, when the prices change before then.",
    )
    last_day = serializers.DateField(
        allow_null=True, help_text="The last day changes for the renewal can be made."
    )
    open = serializers.BooleanField(help_text="Whether that day has not passed.")
    changes = ScheduledChangeOut(many=True, help_text="Changes scheduled for the renewal.")
    ends_everything = serializers.BooleanField(help_text="Nothing renews: a former customer.")
    problem = serializers.CharField(help_text="Why the renewal has no value, if it has none.")


class RenewalPageOut(s.PageOut):
    window_from = serializers.DateField()
    window_to = serializers.DateField()
    monthly = serializers.BooleanField()
    results = RenewalRow(many=True)


class RenewalListView(PortalView):
    @extend_schema(
        operation_id="renewals_list",
        parameters=PARAMETERS,
        responses=RenewalPageOut,
        summary="Customers | Renewals",
    )
    def get(self, request):
        state, window, _, page, _ = renewal_page(request.user, request.query_params)
        if state.refused:
            errors = {name: [text] for name, text in state.filter_errors.items()}
            raise FieldErrors(errors or {"q": [state.error]})
        renewals = renewals_for(
            page.object_list,
            monthly=window.monthly,
            today=timezone.localdate(),
            partner=request.user.partner,
        )

        def link(number):
            return request.build_absolute_uri(request.path + state.url(page=number))

        answer = {
            "count": page.count,
            "page": page.number,
            "num_pages": page.num_pages,
            "capped": False,
            "next": link(page.next_page_number) if page.has_next else None,
            "previous": link(page.previous_page_number) if page.has_previous else None,
            "window_from": window.start,
            "window_to": window.end,
            "monthly": window.monthly,
            "results": renewals,
        }
        return Response(RenewalPageOut(answer).data)
