"""Billed seats entered on the customer page: what the MSP's PSA bills for a product now. Any
user of the MSP may enter them; another MSP's customer, or a product not billed per seat, is a
404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from portal.usage.billing import Billed, billable_products, billed_seats_set
from portal.usage.models import BilledSeats

from .usage_section import BilledSeatsForm, billed_prefix, usage_section
from .views import CompanyDetailView


class BilledSeatsView(CompanyDetailView):
    http_method_names = ["post"]

    def post(self, request, pk: int, product_id: int):
        self.object = company = self.get_object()
        product = next((p for p in billable_products(company.partner) if p.pk == product_id), None)
        if product is None:
            raise Http404("No such product.")
        form = BilledSeatsForm(request.POST, prefix=billed_prefix(product.pk))
        if not form.is_valid():
            section = usage_section(company, timezone.localdate(), (product.pk, form))
            return self.render_to_response(self.get_context_data(usage=section), status=400)
        seats = form.cleaned_data["seats"]
        changed = billed_seats_set(
            [Billed(company, product, seats)],
            actor=request.user,
            source=BilledSeats.Source.ENTERED,
        )
        if changed:
            messages.success(request, f"Billed seats of {product.code} set to {seats:,}.")
        else:
            messages.info(request, f"{product.code} is billed {seats:,} seats already.")
        return redirect(reverse("companies:detail", args=[company.pk]) + "#usage")
