"""The Price Book page: the MSP's selling price of each product it may sell, beside its
contracted price; its Admins set them. Margins are the MSP's own (no vendor page shows them)."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from portal.catalog.models import Product
from portal.catalog.selectors import price_table_for, products_enabled_for
from portal.core.models import HistoryEntry
from portal.core.tenancy import PartnerRequiredMixin
from portal.pricing import Money, PricedProduct
from portal.pricing.selling import SellingRule

from .forms import SellingPriceForm
from .models import SellingPrice
from .selectors import book_for
from .services import selling_price_clear, selling_price_set

HISTORY_SHOWN = 20


@dataclass(frozen=True)
class TierRow:
    min_quantity: int
    cost: Decimal
    price: Decimal | None
    margin: Decimal | None


@dataclass(frozen=True)
class BookRow:
    product: Product
    priced: PricedProduct | None  # None: no contracted price in force today
    price: SellingPrice | None
    form: SellingPriceForm | None  # for Admins
    currency: str

    @property
    def tiers(self) -> list[TierRow]:
        if self.priced is None:
            return []
        rule: SellingRule | None = self.price.rule if self.price else None
        rows = []
        for tier in self.priced.tiers:
            cost = Money(tier.unit_price, self.currency)
            sold = rule.unit_price(cost).amount if rule else None
            margin = sold - cost.amount if sold is not None else None
            rows.append(TierRow(tier.min_quantity, tier.unit_price, sold, margin))
        return rows


def prefix_of(product: Product) -> str:
    return f"p{product.pk}"


def book_rows(user, invalid: tuple[int, SellingPriceForm] | None = None) -> list[BookRow]:
    partner = user.partner
    table = price_table_for(partner)
    prices = book_for(partner)
    rows = []
    for product in products_enabled_for(partner):
        price = prices.get(product.pk)
        form = None
        if user.is_msp_admin:
            if invalid and invalid[0] == product.pk:
                form = invalid[1]
            else:
                form = SellingPriceForm.for_price(price, prefix_of(product))
        rows.append(
            BookRow(product, table.products.get(product.code), price, form, partner.currency)
        )
    return rows


def book_history(partner):
    kind = ContentType.objects.get_for_model(SellingPrice)
    return (
        HistoryEntry.objects.filter(partner=partner, content_type=kind)
        .select_related("actor")
        .order_by("-created_at", "-id")[:HISTORY_SHOWN]
    )


def render_book(request, invalid=None, status=200):
    partner = request.user.partner
    context = {
        "rows": book_rows(request.user, invalid),
        "currency": partner.currency,
        "history": book_history(partner),
    }
    return render(request, "pricebook/price_book.html", context, status=status)


class PriceBookView(PartnerRequiredMixin, View):
    def get(self, request):
        return render_book(request)


class PriceBookEditView(PartnerRequiredMixin, View):
    """Save or remove one product's price (Admins; a product the MSP may not sell is 404)."""

    admin_only = True

    def post(self, request, product_id: int):
        partner = request.user.partner
        product = get_object_or_404(products_enabled_for(partner), pk=product_id)
        anchor = reverse("pricebook:book") + "#" + prefix_of(product)
        if "remove" in request.POST:
            if selling_price_clear(partner=partner, product=product, actor=request.user):
                messages.success(request, f"Removed your price of {product.code}.")
            return redirect(anchor)
        form = SellingPriceForm(request.POST, prefix=prefix_of(product))
        if not form.is_valid():
            return render_book(request, invalid=(product.pk, form), status=400)
        price = selling_price_set(
            partner=partner,
            product=product,
            basis=form.cleaned_data["basis"],
            amount=form.cleaned_data["amount"],
            actor=request.user,
        )
        messages.success(request, f"Saved your price of {product.code}: {price.describe()}.")
        return redirect(anchor)
