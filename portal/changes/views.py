from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from portal.companies.billing import downsell_dates
from portal.companies.lifecycle import change_options_state
from portal.companies.models import Company
from portal.companies.selectors import active_agreement_of, company_for
from portal.core.http import client_ip
from portal.core.tenancy import PartnerRequiredMixin

from .forms import ChangeForm, ReviewForm
from .models import ChangeOrder
from .selectors import change_order_for, change_products_for, change_totals_of, current_of
from .services import ChangeRefused, change_submit, prices_changed, quote_delete, quote_save


class ChangeMixin(PartnerRequiredMixin):
    """The customer (and the saved quote) of the URL, if Change Options is open for it."""

    def setup_change(self, pk=None, change_pk=None):
        user = self.request.user
        self.change = None
        if change_pk is not None:
            self.change = change_order_for(user, change_pk)
            self.company = self.change.company
        else:
            self.company = company_for(user, pk)
        self.state = change_options_state(self.company)
        self.prior = active_agreement_of(self.company)

    def closed(self):
        """Change Options is not open: back to the customer, saying why."""
        messages.error(self.request, f"Change Options is not available: {self.state.reason}")
        return redirect("companies:detail", self.company.pk)

    def form(self, data=None) -> ChangeForm:
        return ChangeForm(
            data,
            company=self.company,
            current=current_of(self.prior),
            enabled=change_products_for(self.company.partner),
            change=self.change,
        )


class ChangeFormView(ChangeMixin, View):
    """Change Options: the form with its live Preview Change Quote."""

    template_name = "changes/change_form.html"

    def get(self, request, pk=None, change_pk=None):
        self.setup_change(pk, change_pk)
        if not self.state.enabled:
            return self.closed()
        form = self.form()
        notice = ""
        if self.change:
            # A saved quote is shown at today's prices; say so when they differ.
            repriced = self.form(form.initial_data())
            if repriced.is_valid() and prices_changed(self.change, repriced.quote):
                notice = (
                    "Prices have changed since this quote was saved on "
                    f"{timezone.localtime(self.change.updated_at):%Y-%m-%d}: the preview shows "
                    "today's prices. Save Quote keeps them."
                )
            form = repriced
            if self.change.valid_until and self.change.valid_until < timezone.localdate():
                notice = (
                    f"This quote expired on {self.change.valid_until}; it is shown at today's "
                    "prices. " + notice
                ).strip()
        return self.render(form, notice=notice)

    def render(self, form, status=200, notice=""):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "company": self.company,
                "change": self.change,
                "prior": self.prior,
                "notice": notice,
            },
            status=status,
        )

    def post(self, request, pk=None, change_pk=None):
        self.setup_change(pk, change_pk)
        if not self.state.enabled:
            return self.closed()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        change = quote_save(
            company=self.company,
            actor=request.user,
            prior=self.prior,
            proposal=form.proposal,
            kind=form.kind,
            lead=form.cleaned_data["implementation_lead"],
            quote=form.quote,
            change=self.change,
        )
        if "review" in request.POST:
            return redirect("changes:review", change.pk)
        messages.success(
            request,
            f"Quote saved, valid until {change.valid_until}: find it under Saved quotes.",
        )
        return redirect("companies:detail", self.company.pk)


class PreviewView(ChangeMixin, View):
    """Preview Change Quote, again, as the form changes (htmx)."""

    def post(self, request, pk=None, change_pk=None):
        self.setup_change(pk, change_pk)
        if not self.state.enabled:
            raise Http404
        form = self.form(request.POST)
        form.is_valid()
        return render(request, "changes/_preview.html", {"form": form, "company": self.company})


class QuoteDeleteView(ChangeMixin, View):
    def post(self, request, change_pk):
        self.setup_change(change_pk=change_pk)
        try:
            quote_delete(change=self.change, actor=request.user)
        except ChangeRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Quote deleted.")
        return redirect("companies:detail", self.company.pk)


class ReviewView(ChangeMixin, View):
    """Review Change Order: Downsell Notice, Change Order Summary, Order Details, Submit."""

    template_name = "changes/review.html"

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "change": self.change,
                "company": self.company,
                "prior": self.prior,
                "downsell": _downsell_preview(self.change, self.company),
                "totals": change_totals_of(self.change),
            },
            status=status,
        )

    def get(self, request, change_pk):
        self.setup_change(change_pk=change_pk)
        if self.change.status == ChangeOrder.Status.SUBMITTED:
            return redirect("companies:detail", self.company.pk)
        if not self.state.enabled:
            return self.closed()
        return self.render(ReviewForm(msp=self.company.partner.name))

    def post(self, request, change_pk):
        self.setup_change(change_pk=change_pk)
        form = ReviewForm(request.POST, msp=self.company.partner.name)
        if self.change.status == ChangeOrder.Status.SUBMITTED:
            if form.is_valid() and form.cleaned_data["idempotency_key"] == (
                self.change.idempotency_key
            ):
                messages.info(request, "This change order had already been submitted.")
                return redirect("companies:detail", self.company.pk)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            change, made = change_submit(
                change=self.change,
                actor=request.user,
                key=form.cleaned_data["idempotency_key"],
                ip=client_ip(request),
                order_number=form.cleaned_data["order_number"],
                order_number_not_required=form.cleaned_data["order_number_not_required"],
            )
        except ChangeRefused as exc:
            self.change.refresh_from_db()
            form.add_error(None, str(exc))
            return self.render(form, status=409)
        if made:
            messages.success(
                request,
                f"{change.agreement.get_status_display()} submitted for {self.company}: "
                f"agreement version {change.agreement.version}. The addendum is on its way to "
                f"{request.user.email}.",
            )
        else:
            messages.info(request, "This change order had already been submitted.")
        return redirect(reverse("companies:detail", args=[self.company.pk]) + "#agreements")


def _downsell_preview(change: ChangeOrder, company: Company):
    if change.kind != ChangeOrder.Kind.DOWNSELL:
        return None
    return downsell_dates(
        next_billing_date=company.next_billing_date,
        notice_days=company.partner.downsell_notice_days,
        today=timezone.localdate(),
    )
