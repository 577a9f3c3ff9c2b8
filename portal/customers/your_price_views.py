"""An Admin gives a customer its own price of a product, or returns it to the price book's.
Another MSP's customer is a 404, as is a product the MSP may not sell; a user who is not an
Admin of the MSP gets a 404 too (the page shows them no form)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from portal.catalog.selectors import products_enabled_for
from portal.pricebook.forms import SellingPriceForm
from portal.pricebook.services import selling_price_clear, selling_price_set

from .views import CompanyDetailView
from .your_prices import prefix_of, your_prices_section


class YourPriceView(CompanyDetailView):
    http_method_names = ["post"]

    def post(self, request, pk: int, product_id: int):
        if not request.user.is_msp_admin:
            raise Http404("No such page.")
        self.object = company = self.get_object()
        partner = company.partner
        product = get_object_or_404(products_enabled_for(partner), pk=product_id)
        back = reverse("companies:detail", args=[company.pk]) + "#your-prices"
        if "remove" in request.POST:
            if selling_price_clear(
                partner=partner, product=product, actor=request.user, company=company
            ):
                messages.success(request, f"{product.code} is at the price book's price again.")
            return redirect(back)
        form = SellingPriceForm(request.POST, prefix=prefix_of(product.pk))
        if not form.is_valid():
            agreements = list(company.agreements.all())
            section = your_prices_section(request, company, agreements, (product.pk, form))
            return self.render_to_response(self.get_context_data(your_prices=section), status=400)
        price = selling_price_set(
            partner=partner,
            product=product,
            basis=form.cleaned_data["basis"],
            amount=form.cleaned_data["amount"],
            actor=request.user,
            company=company,
        )
        messages.success(request, f"{product.code} for {company.name}: {price.describe()}.")
        return redirect(back)
