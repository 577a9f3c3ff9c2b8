"""Billed seats from the MSP's PSA: one customer's (its history, and a figure set), and a batch
for many customers at once, all recorded or none.

Each figure goes through the service the upload uses (``usage.billing.billed_seats_set``, source
``api``): a figure equal to the latest one of that customer and product records nothing, so a
PSA may send its whole list every night. The checks are the upload's (``usage.billed_rows``):
one of the MSP's customers of Customers | Complete, a per-seat product the MSP sells, seats a
whole number from 0 to 1,000,000, each customer and product once in a batch.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.companies.models import Company
from portal.companies.seats import MAX_USERS
from portal.companies.selectors import customer_for
from portal.usage.billed_rows import BilledCheck, Refused
from portal.usage.billing import Billed, billed_seats_set
from portal.usage.models import BilledSeats
from portal.usage.selectors import billed_seats_of

from ..errors import ApiError, FieldErrors
from ..idempotency import idempotent
from ..schema import Error
from .base import Paged, PortalView, page_parameter, paged

HISTORY_PAGE = 50
MAX_ITEMS = 1_000
BIGGEST_ID = 2**63 - 1
SEATS_HELP = f"The seats the PSA bills: a whole number from 0 to {MAX_USERS:,}."
ONE_CUSTOMER = "Give the customer by customer_id or by domain, not both."


class BilledIn(serializers.Serializer):
    product = serializers.CharField(
        max_length=20, help_text="The code of a per-seat product your MSP sells, like S1."
    )
    seats = serializers.IntegerField(min_value=0, max_value=MAX_USERS, help_text=SEATS_HELP)


class BilledItemIn(BilledIn):
    customer_id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=BIGGEST_ID,
        help_text="The customer's id (as `GET /api/v1/customers/` lists it); or give `domain`.",
    )
    domain = serializers.CharField(
        required=False,
        max_length=253,
        help_text="The customer's domain, like example.com (without regard to case); or give "
        "`customer_id`.",
    )


class BilledBatchIn(serializers.Serializer):
    items = BilledItemIn(
        many=True, help_text=f"1 to {MAX_ITEMS:,} figures, each customer and product once."
    )


class BilledOut(serializers.Serializer):
    customer_id = serializers.IntegerField()
    customer_name = serializers.CharField()
    product = serializers.CharField()
    seats = serializers.IntegerField()


class BilledSetOut(BilledOut):
    changed = serializers.BooleanField(
        help_text="False: the customer's latest billed seats of the product were this figure "
        "already, and nothing was recorded."
    )


class BilledBatchOut(serializers.Serializer):
    changed = serializers.IntegerField(help_text="Figures recorded: they differed from the latest.")
    unchanged = serializers.IntegerField(help_text="Figures that were so already.")
    items = BilledOut(many=True, help_text="The items in the order given, each customer named.")


class BilledEntryOut(serializers.Serializer):
    product = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")
    seats = serializers.IntegerField()
    source = serializers.ChoiceField(
        BilledSeats.Source.choices,
        help_text="entered (on the customer page), uploaded (Upload Billed Seats), api, or "
        "true_up (Bill these seats on Customers | Reconciliation).",
    )
    source_label = serializers.CharField(source="get_source_display")
    entered_by = serializers.IntegerField(source="entered_by_id", allow_null=True)
    entered_by_name = serializers.SerializerMethodField()
    entered_at = serializers.DateTimeField()

    def get_entered_by_name(self, entry) -> str | None:
        return str(entry.entered_by) if entry.entered_by_id else None


class BilledPage(Paged):
    results = BilledEntryOut(many=True)


def _out(entry: Billed) -> dict:
    return {
        "customer_id": entry.company.pk,
        "customer_name": entry.company.name,
        "product": entry.product.code,
        "seats": entry.seats,
    }


class CustomerBilledSeatsView(PortalView):
    @extend_schema(
        operation_id="customers_billed_seats_list",
        parameters=[page_parameter(HISTORY_PAGE)],
        responses=BilledPage,
        summary="Billed seats of a customer: every entry, newest first",
        description="The newest entry of each product is what the customer is billed now; the "
        "others are its history.",
    )
    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        answer = paged(request, billed_seats_of(company), HISTORY_PAGE)
        return Response(BilledPage(answer).data)

    @extend_schema(
        operation_id="customers_billed_seats_set",
        request=BilledIn,
        responses={
            201: OpenApiResponse(BilledSetOut, description="Recorded: the figure is new."),
            200: OpenApiResponse(
                BilledSetOut, description="The figure was so already: nothing recorded."
            ),
            409: OpenApiResponse(
                Error,
                description="`not_billable`: the customer is not of Customers | Complete (in "
                "progress, or former).",
            ),
        },
        summary="Set a customer's billed seats of a product",
        description="Recorded with the source `api` and a History Log entry, when it differs "
        "from the latest figure; the same figure again records nothing (`changed` false).",
    )
    @idempotent
    def post(self, request, pk: int):
        company = customer_for(request.user, pk)
        payload = BilledIn(data=request.data)
        payload.is_valid(raise_exception=True)
        given = payload.validated_data
        check = BilledCheck(request.user.partner, ids=[company.pk])
        try:
            customer = check.customer_by_id(company.pk)
        except Refused as exc:
            raise ApiError(str(exc), status_code=409, code="not_billable") from None
        try:
            product = check.product(given["product"])
        except Refused as exc:
            raise FieldErrors({"product": [str(exc)]}) from None
        entry = Billed(customer, product, given["seats"])
        changed = billed_seats_set([entry], actor=request.user, source=BilledSeats.Source.API)
        return Response(
            BilledSetOut({**_out(entry), "changed": bool(changed)}).data,
            status=status.HTTP_201_CREATED if changed else status.HTTP_200_OK,
        )


class BilledBatchView(PortalView):
    @extend_schema(
        operation_id="billed_seats_batch",
        request=BilledBatchIn,
        responses={200: BilledBatchOut},
        summary="Set billed seats of many customers at once",
        description=f"Up to {MAX_ITEMS:,} figures, each naming its customer by `customer_id` or "
        "`domain`. All are checked first: if any item has a problem, nothing is recorded and "
        "the 400 names each problem by its item, like `items.3.domain`. Otherwise every "
        "figure that differs from the customer's latest is recorded (source `api`, a History "
        "Log entry each), in one transaction.",
    )
    @idempotent
    def post(self, request):
        items = request.data.get("items") if isinstance(request.data, dict) else None
        if not isinstance(items, list):
            raise FieldErrors(
                {"items": ["Give a list of figures: customer_id or domain, product, seats."]}
            )
        if not 0 < len(items) <= MAX_ITEMS:
            raise FieldErrors({"items": [f"Give 1 to {MAX_ITEMS:,} figures at once."]})
        given, errors = [], {}
        for index, item in enumerate(items):
            one = BilledItemIn(data=item)
            if not one.is_valid():
                errors.update(
                    {
                        f"items.{index}.{name}": list(messages)
                        for name, messages in one.errors.items()
                    }
                )
                continue
            data = one.validated_data
            if ("customer_id" in data) == ("domain" in data):
                errors[f"items.{index}.customer_id"] = [ONE_CUSTOMER]
                continue
            given.append((index, data))
        check = BilledCheck(
            request.user.partner,
            domains=[data["domain"] for _, data in given if "domain" in data],
            ids=[data["customer_id"] for _, data in given if "customer_id" in data],
        )
        entries = []
        for index, data in given:
            entry = _batch_entry(check, index, data, errors)
            if entry is not None:
                entries.append(entry)
        if errors:
            raise FieldErrors(
                errors,
                message=f"{len({name.split('.')[1] for name in errors}):,} of the {len(items):,} "
                "items have problems; nothing was recorded.",
            )
        changed = billed_seats_set(entries, actor=request.user, source=BilledSeats.Source.API)
        answer = {
            "changed": changed,
            "unchanged": len(entries) - changed,
            "items": [_out(entry) for entry in entries],
        }
        return Response(BilledBatchOut(answer).data)


def _batch_entry(check: BilledCheck, index: int, data: dict, errors: dict) -> Billed | None:
    """One item's figure, its problems added to ``errors`` under the item's fields."""
    where = f"items.{index}"
    customer: Company | None = None
    product = None
    field = "customer_id" if "customer_id" in data else "domain"
    try:
        if field == "customer_id":
            customer = check.customer_by_id(data["customer_id"])
        else:
            customer = check.customer_by_domain(data["domain"])
    except Refused as exc:
        errors[f"{where}.{field}"] = [str(exc)]
    try:
        product = check.product(data["product"])
    except Refused as exc:
        errors[f"{where}.product"] = [str(exc)]
    if customer is None or product is None:
        return None
    try:
        check.once(customer, product, where)
    except Refused as exc:
        errors[f"{where}.product"] = [str(exc)]
        return None
    return Billed(customer, product, data["seats"])
