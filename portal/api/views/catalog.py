"""My MSP's contracted price list: every product its agreement enables, with volume tiers."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from portal.catalog.models import CHARGE_CHOICES, TERM_CHOICES, Commitment, FewerSeats
from portal.catalog.selectors import price_table_for, products_enabled_for

from .base import PortalView


class TierOut(serializers.Serializer):
    min_quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=4)


class PricedProductOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(["primary", "addon"])
    charge = serializers.ChoiceField(CHARGE_CHOICES)
    term = serializers.ChoiceField(TERM_CHOICES, help_text="The price's term: what it is per.")
    terms_offered = serializers.ListField(
        child=serializers.ChoiceField(Commitment.choices),
        help_text="The subscription terms the vendor offers: monthly, 1y, 3y (none for a "
        "one-time charge).",
    )
    cancellation_days = serializers.IntegerField(
        help_text="Days after a purchase or renewal in which it can be cancelled."
    )
    fewer_seats = serializers.ChoiceField(
        FewerSeats.choices,
        help_text="When the seats of a commitment may go down: only at renewal, or at the next "
        "billing date (a monthly term's always may, after the MSP's notice days).",
    )
    renewal_deadline_days = serializers.IntegerField(
        help_text="Changes for a renewal can be made and cancelled until this many days before "
        "the term ends."
    )
    needs_own_seats = serializers.BooleanField()
    addable_to = serializers.ListField(child=serializers.CharField())
    upgrades = serializers.ListField(child=serializers.CharField())
    tiers = TierOut(many=True, help_text="All units: the whole quantity at its tier's price.")


class PriceListOut(serializers.Serializer):
    currency = serializers.CharField()
    products = PricedProductOut(many=True)


class PriceListView(PortalView):
    @extend_schema(operation_id="price_list_read", responses=PriceListOut, summary="Price list")
    def get(self, request):
        partner = request.user.partner
        table = price_table_for(partner=partner)
        products = products_enabled_for(partner=partner).prefetch_related("addable_to", "upgrades")
        rows = [
            {
                "code": product.code,
                "name": product.name,
                "kind": product.kind,
                "charge": product.charge,
                "term": product.term,
                "terms_offered": []
                if product.term == "one_time"
                else [term.value for term in product.terms()],
                "cancellation_days": product.cancellation_days,
                "fewer_seats": product.fewer_seats,
                "renewal_deadline_days": product.renewal_deadline_days,
                "needs_own_seats": product.needs_own_seats,
                "addable_to": sorted(p.code for p in product.addable_to.all()),
                "upgrades": sorted(p.code for p in product.upgrades.all()),
                "tiers": [
                    {"min_quantity": t.min_quantity, "unit_price": t.unit_price}
                    for t in table.products[product.code].tiers
                ],
            }
            for product in products
            if product.code in table.products
        ]
        return Response(PriceListOut({"currency": table.currency, "products": rows}).data)
