"""Customer quotes: made by the MSP from a saved change quote and shown to it (with its margin);
opened by the end customer through the signed link, without logging in, to accept or decline.
Another MSP's quote is a 404; a link that is not one of ours is a 404 that says nothing more."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from portal.changes.models import ChangeOrder
from portal.companies.models import Company
from portal.core.http import client_ip
from portal.core.tenancy import PartnerRequiredMixin, for_partner
from portal.pricing import Money

from .branding import BadLogo, logo_png
from .forms import AcceptForm, BrandingForm, DeclineForm
from .links import quote_for_token, quote_token, quote_url
from .make import NotQuotable, as_lines, prices_moved, quote_totals
from .models import CustomerQuote, QuoteBranding
from .pdf import quote_context, quote_file_name, quote_pdf
from .services import CannotAnswer, quote_answer, quote_make


def pdf_response(quote: CustomerQuote) -> HttpResponse:
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{quote_file_name(quote)}"'
    return response


class QuoteMakeView(PartnerRequiredMixin, View):
    def post(self, request, change_pk: int):
        changes = for_partner(ChangeOrder, request.user, partner_path="company__partner")
        change = get_object_or_404(
            changes.select_related("company__partner"),
            pk=change_pk,
            status=ChangeOrder.Status.QUOTE,
        )
        try:
            quote = quote_make(company=change.company, change=change, actor=request.user)
        except NotQuotable as error:
            messages.error(request, str(error))
            url = reverse("companies:detail", args=[change.company_id])
            return redirect(f"{url}#saved-quotes")
        return made(request, quote)


class QuoteMakeOrderView(PartnerRequiredMixin, View):
    """A quote of a prospect's order: its products and seats as saved."""

    def post(self, request, pk: int):
        company = get_object_or_404(
            for_partner(Company, request.user).select_related("partner"),
            pk=pk,
            status=Company.Status.PROSPECT,
        )
        try:
            quote = quote_make(company=company, actor=request.user)
        except NotQuotable as error:
            messages.error(request, str(error))
            return redirect("companies:detail", pk=company.pk)
        return made(request, quote)


def made(request, quote: CustomerQuote):
    messages.success(request, f"Customer quote {quote.number} made: send its link or PDF.")
    return redirect("quotes:detail", pk=quote.pk)


class MspQuoteMixin(PartnerRequiredMixin):
    def get_quote(self, pk: int) -> CustomerQuote:
        return get_object_or_404(
            for_partner(CustomerQuote, self.request.user).select_related(
                "company", "change", "created_by"
            ),
            pk=pk,
        )


class QuoteDetailView(MspQuoteMixin, View):
    def get(self, request, pk: int):
        quote = self.get_quote(pk)
        lines = as_lines(quote.lines, quote.currency)
        costs = [Money(row["cost"], quote.currency) * row["quantity"] for row in quote.lines]
        rows = [
            {"line": line, "cost": cost.rounded(), "margin": line.payment - cost.rounded()}
            for line, cost in zip(lines, costs, strict=True)
        ]
        review = None
        if quote.status == CustomerQuote.Status.ACCEPTED:
            if quote.is_order and quote.company.status == Company.Status.PROSPECT:
                review = reverse("orders:review", args=[quote.company_id])
            elif quote.change is not None and quote.change.status == ChangeOrder.Status.QUOTE:
                review = reverse("changes:review", args=[quote.change_id])
        context = {
            "quote": quote,
            "company": quote.company,
            "rows": rows,
            "totals": quote_totals(quote.lines, quote.currency),
            "link": quote_url(quote),
            "moved": prices_moved(quote) if quote.status == CustomerQuote.Status.OPEN else "",
            "review": review,
        }
        return render(request, "quotes/quote_detail.html", context)


class QuotePdfView(MspQuoteMixin, View):
    def get(self, request, pk: int):
        return pdf_response(self.get_quote(pk))


class BrandingView(PartnerRequiredMixin, View):
    """What the MSP's quotes say of it: its Admins set it."""

    admin_only = True

    def branding(self):
        partner = self.request.user.partner
        return QuoteBranding.objects.filter(partner=partner).first() or QuoteBranding(
            partner=partner, name=partner.name
        )

    def get(self, request):
        branding = self.branding()
        return self.page(BrandingForm(instance=branding), branding)

    def page(self, form, branding, status=200):
        context = {"form": form, "branding": branding}
        return render(self.request, "quotes/branding.html", context, status=status)

    def post(self, request):
        branding = self.branding()
        form = BrandingForm(request.POST, request.FILES, instance=branding)
        if form.is_valid():
            upload = form.cleaned_data.get("logo_file")
            try:
                logo = logo_png(upload.read(512 * 1024 + 1)) if upload else None
            except BadLogo as error:
                form.add_error("logo_file", str(error))
            else:
                branding = form.save(commit=False)
                if logo is not None:
                    branding.logo = logo
                elif form.cleaned_data.get("remove_logo"):
                    branding.logo = None
                branding.updated_by = request.user
                branding.save()
                messages.success(request, "Saved what your quotes say of your MSP.")
                return redirect("quotes:branding")
        return self.page(form, branding, status=400)


def logo_response(partner) -> HttpResponse:
    branding = QuoteBranding.objects.filter(partner=partner).first()
    if branding is None or not branding.logo:
        raise Http404("No logo.")
    return HttpResponse(bytes(branding.logo), content_type="image/png")


class LogoView(PartnerRequiredMixin, View):
    def get(self, request):
        return logo_response(request.user.partner)


class PublicQuoteMixin:
    def get_quote(self, token: str) -> CustomerQuote:
        quote = quote_for_token(token)
        if quote is None:
            raise Http404("No such quote.")
        return quote


class PublicQuoteView(PublicQuoteMixin, View):
    """The end customer's page: the quote, and Accept or Decline while it is open."""

    def get(self, request, token: str):
        return self.page(self.get_quote(token), token)

    def page(self, quote, token, accept=None, decline=None, refusal="", status=200):
        is_open = quote.status == CustomerQuote.Status.OPEN and not quote.expired()
        moved = prices_moved(quote) if is_open else ""
        context = {
            **quote_context(quote),
            "token": token,
            "is_open": is_open,
            "moved": moved,
            "accept": accept or AcceptForm(),
            "decline": decline or DeclineForm(),
            "refusal": refusal,
            "pdf": reverse("quotes:public_pdf", args=[token]),
        }
        return render(self.request, "quotes/public.html", context, status=status)

    def post(self, request, token: str):
        quote = self.get_quote(token)
        if "accept" not in request.POST and "decline" not in request.POST:
            raise BadRequest("Accept or decline the quote with its button.")
        accepting = "accept" in request.POST
        form = AcceptForm(request.POST) if accepting else DeclineForm(request.POST)
        if not form.is_valid():
            forms = {"accept": form} if accepting else {"decline": form}
            return self.page(quote, token, status=400, **forms)
        data = form.cleaned_data
        try:
            quote = quote_answer(
                quote_id=quote.pk,
                accept=accepting,
                name=data.get("name", ""),
                title=data.get("title", ""),
                comment=data.get("comment", ""),
                ip=client_ip(request),
                agent=request.headers.get("User-Agent", ""),
            )
        except CannotAnswer as error:
            quote.refresh_from_db()
            return self.page(quote, token, refusal=str(error), status=409)
        return redirect("quotes:public", token=quote_token(quote))


class PublicLogoView(PublicQuoteMixin, View):
    def get(self, request, token: str):
        return logo_response(self.get_quote(token).partner)


class PublicQuotePdfView(PublicQuoteMixin, View):
    def get(self, request, token: str):
        return pdf_response(self.get_quote(token))
