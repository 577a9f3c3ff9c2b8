from django import forms
from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from portal.companies.billing import downsell_dates
from portal.companies.lifecycle import change_options_state
from portal.companies.models import Company
from portal.companies.seats import MAX_USERS
from portal.companies.selectors import active_agreement_of, company_for
from portal.core.http import client_ip
from portal.core.tenancy import PartnerRequiredMixin

from .forms import ChangeForm, ReviewForm
from .models import ChangeOrder
from .selectors import change_order_for, change_products_for, change_submitted_with, current_of
from .services import (
    ChangeRefused,
    change_submit,
    change_submit_reviewed,
    prices_changed,
    quote_delete,
    quote_fingerprint,
    quote_save,
    summary_lines,
)


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

    def review_page(self, form: ChangeForm, review: ReviewForm, status=200, offers=()):
        """Review Change Order of a valid change form, priced now; nothing is saved. Its form
        carries the change form's values, so Submit (or Back) gets what was reviewed.
        ``offers``: seat decreases Submit refused before the renewal, to schedule for it."""
        quote = form.quote
        action = (
            reverse("changes:quote", args=[self.change.pk])
            if self.change
            else reverse("changes:start", args=[self.company.pk])
        )
        return render(
            self.request,
            "changes/review.html",
            {
                "form": form,
                "review": review,
                "change": self.change,
                "company": self.company,
                "prior": self.prior,
                "action": action,
                "seats": form.proposal.seats,
                "lead": form.cleaned_data["implementation_lead"],
                "lines": summary_lines(quote, timing=form.timing),
                "totals": {"prior": quote.prior_totals, "new": quote.new_totals},
                "timing": form.timing,
                "initial": form.timing.initial(quote),
                "currency": quote.new_totals.currency,
                "downsell": _downsell_preview(form.kind, self.company),
                "quoted": quote_fingerprint(self.prior, quote, form.timing),
                "today": timezone.localdate(),
                "renewal_offers": offers,
            },
            status=status,
        )

    def submitted(self, change: ChangeOrder | None, made: bool):
        """Back to the customer's Agreements, saying what happened."""
        if made:
            messages.success(
                self.request,
                f"{change.agreement.get_status_display()} submitted for {self.company}: "
                f"agreement version {change.agreement.version}. The addendum is on its way to "
                f"{self.request.user.email}.",
            )
        else:
            messages.info(self.request, "This change order had already been submitted.")
        return redirect(reverse("companies:detail", args=[self.company.pk]) + "#agreements")

    def form(self, data=None) -> ChangeForm:
        return ChangeForm(
            data,
            company=self.company,
            current=current_of(self.prior),
            enabled=change_products_for(self.company.partner),
            change=self.change,
        )


class ChangeFormView(ChangeMixin, View):
    """Change Options: the form with its live Preview Change Quote. Review Order shows Review
    Change Order without saving anything; its Submit and its Back come here again."""

    template_name = "changes/change_form.html"

    def get(self, request, pk=None, change_pk=None):
        self.setup_change(pk, change_pk)
        if not self.state.enabled:
            return self.closed()
        form = self.form()
        notice = ""
        if not self.change and "true_up" in request.GET:
            form, notice = self.true_up(form)
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

    def true_up(self, form: ChangeForm) -> tuple[ChangeForm, str]:
        """Change Options with one product's seats set to the seats in use (True up, from
        Customers | Reconciliation): priced at once, as Preview Change Quote shows it."""
        code = self.request.GET.get("true_up", "")[:20]
        try:
            seats = int(self.request.GET.get("seats", ""))
        except ValueError:
            seats = 0
        data = form.true_up_data(code, seats) if 1 <= seats <= MAX_USERS else None
        if data is None:
            return form, "True up: the change form cannot set those seats; choose them below."
        filled = self.form(data)
        filled.is_valid()  # errors (a decrease only at renewal, say) show next to the fields
        now = next((line.quantity for line in self.prior.lines.all() if line.code == code), 0)
        return filled, (
            f"True up: {code} set from {now:,} to {seats:,} seats, the seats in use. Review the "
            "quote below; a decrease takes effect on the earliest date its term allows."
        )

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

    def reviewed(self, data) -> QueryDict:
        """The change's own values as Review Change Order carried them back, in hidden inputs.
        A control character there was not typed by the user, so it is refused (400), naming
        the input; the order details of that page are typed there and checked by ReviewForm."""
        own = QueryDict(mutable=True)
        for name in self.form().fields:
            if name in data:
                own.setlist(name, data.getlist(name))
        check = self.form(own)
        for field in check.fields.values():
            field.widget = forms.HiddenInput()
        check.full_clean()  # raises TextRefused, which the middleware answers
        return own

    def post(self, request, pk=None, change_pk=None):
        self.setup_change(pk, change_pk)
        if "submit" in request.POST:
            return self.submit()
        if not self.state.enabled:
            return self.closed()
        if "back" in request.POST:  # from Review Change Order, with the values reviewed
            form = self.form(self.reviewed(request.POST))
            review = ReviewForm(request.POST, msp=self.company.partner.name)
            review.is_valid()  # a control character in one of its hidden inputs: refused
            if review.has_bad_text and form.is_valid():
                # One typed in the order details: said there, as Submit would say it.
                return self.review_page(form, review, status=400)
            form.is_valid()
            return self.render(form)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        if "review" in request.POST:
            return self.review_page(form, ReviewForm(msp=self.company.partner.name))
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
        messages.success(
            request,
            f"Quote saved, valid until {change.valid_until}: find it under Saved quotes.",
        )
        return redirect("companies:detail", self.company.pk)

    def submit(self):
        """Submit on Review Change Order: the change as reviewed, recorded and submitted."""
        request = self.request
        review = ReviewForm(request.POST, msp=self.company.partner.name)
        if review.is_valid() and change_submitted_with(
            self.company, review.cleaned_data["idempotency_key"]
        ):
            return self.submitted(None, made=False)
        if not self.state.enabled:
            return self.closed()
        form = self.form(self.reviewed(request.POST))
        if not form.is_valid():
            return self.render(form, status=400)
        if not review.is_valid():
            return self.review_page(form, review, status=400)
        details = review.cleaned_data
        try:
            change, made = change_submit_reviewed(
                company=self.company,
                actor=request.user,
                proposal=form.proposal,
                lead=form.cleaned_data["implementation_lead"],
                quoted=details["quoted"],
                key=details["idempotency_key"],
                ip=client_ip(request),
                order_number=details["order_number"],
                order_number_not_required=details["order_number_not_required"],
                change=self.change,
            )
        except ChangeRefused as exc:
            review.add_error(None, str(exc))
            # The vendor's term policy may have changed since the review: a seat decrease it
            # now refuses before the renewal is offered for the renewal instead.
            now = self.form(self.reviewed(request.POST))
            now.is_valid()
            return self.review_page(form, review, status=409, offers=now.renewal_offers)
        return self.submitted(change, made)


class PreviewView(ChangeMixin, View):
    """Preview Change Quote, again, as the form changes (htmx)."""

    def post(self, request, pk=None, change_pk=None):
        self.setup_change(pk, change_pk)
        if not self.state.enabled:
            raise Http404
        form = self.form(request.POST)
        form.is_valid()
        # The seats' errors go next to the seats field, out of band.
        context = {"form": form, "company": self.company, "oob": True}
        return render(request, "changes/_preview.html", context)


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
    """Review Change Order of a saved quote as it was saved (priced today); Submit goes
    through Change Options like any other review. A POST here submits the saved quote as
    stored, at its stored prices."""

    def saved(self):
        """The saved quote's change form, priced today; None if it no longer passes."""
        form = self.form(self.form().initial_data())
        return form if form.is_valid() else None

    def get(self, request, change_pk):
        self.setup_change(change_pk=change_pk)
        if self.change.status == ChangeOrder.Status.SUBMITTED:
            return redirect("companies:detail", self.company.pk)
        if not self.state.enabled:
            return self.closed()
        if (form := self.saved()) is None:
            return redirect("changes:quote", self.change.pk)
        return self.review_page(form, ReviewForm(msp=self.company.partner.name))

    def post(self, request, change_pk):
        self.setup_change(change_pk=change_pk)
        form = ReviewForm(request.POST, msp=self.company.partner.name)
        if self.change.status == ChangeOrder.Status.SUBMITTED:
            if form.is_valid() and form.cleaned_data["idempotency_key"] == (
                self.change.idempotency_key
            ):
                return self.submitted(self.change, made=False)
        if not form.is_valid():
            return self.refused(form, status=400)
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
            return self.refused(form, status=409)
        return self.submitted(change, made)

    def refused(self, review, status):
        if self.change.status != ChangeOrder.Status.QUOTE or (change := self.saved()) is None:
            messages.error(self.request, " ".join(review.non_field_errors()) or "Not submitted.")
            return redirect(self.renewal_offer_url())
        return self.review_page(change, review, status=status)

    def renewal_offer_url(self) -> str:
        """The customer's page; where the saved quote lowers seats that now go down only at
        renewal, its Renewal section asking to schedule that for the renewal instead."""
        url = reverse("companies:detail", args=[self.company.pk])
        if self.change.status == ChangeOrder.Status.QUOTE:
            form = self.form(self.form().initial_data())
            form.is_valid()
            if form.renewal_offers:
                offer = form.renewal_offers[0]
                return f"{url}?{urlencode({'renewal': offer.code, 'seats': offer.seats})}#renewal"
        return url


def _downsell_preview(kind: str, company: Company):
    if kind != ChangeOrder.Kind.DOWNSELL:
        return None
    return downsell_dates(
        next_billing_date=company.next_billing_date,
        notice_days=company.partner.downsell_notice_days,
        today=timezone.localdate(),
    )
