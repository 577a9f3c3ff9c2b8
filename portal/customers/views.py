import re

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views import View
from django.views.generic import DetailView, TemplateView

from portal.changes.downsell import (
    CannotCancel,
    downsell_cancel,
    downsell_refusal,
)
from portal.changes.selectors import saved_quotes_of
from portal.companies.agreements import agreement_totals
from portal.companies.lifecycle import change_options_state
from portal.companies.models import Agreement, Attachment, Company
from portal.companies.selectors import (
    agreement_for,
    attachment_for,
    company_counts_for,
    company_for,
)
from portal.companies.versions import Standing, change_of, downsell_open, standing
from portal.core.history import history_for
from portal.core.tenancy import PartnerRequiredMixin
from portal.orders.selectors import order_of

from .attention import attention_for, recent_activity, recent_customers
from .in_time import current_products
from .renewal_section import renewal_section
from .sections import company_sections
from .usage_section import usage_section
from .your_prices import your_prices_section

# Addenda are named "<Order|Change> addendum - <Company> - v<version>.pdf"
# (portal.orders.addendum.addendum_file_name): the version at the end links one to its agreement.
ADDENDUM_NAME = re.compile(r"addendum - .* - v(\d+)\.pdf$", re.IGNORECASE)


def addenda_by_version(attachments) -> dict[int, Attachment]:
    """The newest addendum of each agreement version among the company's attachments."""
    found: dict[int, Attachment] = {}
    for attachment in sorted(attachments, key=lambda a: (a.created_at, a.pk)):
        if match := ADDENDUM_NAME.search(attachment.name):
            found[int(match.group(1))] = attachment
    return found


class CompanyDetailView(PartnerRequiredMixin, DetailView):
    template_name = "companies/company_detail.html"
    context_object_name = "company"

    def get_object(self, queryset=None):
        return company_for(self.request.user, self.kwargs["pk"], page=True)

    def get_context_data(self, **kwargs):
        company = self.object
        # Contacts and notes; a view answering their forms gives its bound form in kwargs.
        kwargs = {**company_sections(self.request, company), **kwargs}
        today = timezone.localdate()
        if "renewal" not in kwargs:  # Manage renewal (a view answering its forms gives it)
            kwargs["renewal"] = renewal_section(self.request, company, today)
        agreements = list(company.agreements.all())
        if "usage" not in kwargs:  # a view answering its forms gives it
            kwargs["usage"] = usage_section(company, today)
        if "your_prices" not in kwargs:  # a view answering its forms gives it
            kwargs["your_prices"] = your_prices_section(self.request, company, agreements)
        rows = self.agreement_rows(agreements, today)
        # What the customer has: in effect now, and scheduled from a later date if anything is.
        cancels = {row["agreement"].version: row["cancel"] for row in rows if row["cancel"]}
        current = current_products(agreements, today, cancels)
        if not current["columns"]:  # then the page lists the products of interest instead
            prefetch_related_objects([company], "products__product")
        return super().get_context_data(
            agreements=rows,
            current=current,
            change_options=self.change_options(company, agreements, today),
            pending=next((a for a in agreements if a.status in Agreement.PENDING), None),
            order=order_of(company),
            quotes=list(saved_quotes_of(company)),
            customer_quotes=list(company.customer_quotes.select_related("created_by")[:20]),
            history=history_for(company)[:50],
            today=today,
            **kwargs,
        )

    def change_options(self, company, agreements, today) -> dict | None:
        if company.status in (Company.Status.PROSPECT, Company.Status.FORMER):
            return None  # nothing to change: a former customer is reopened by a New order
        state = change_options_state(company, today=today, agreements=agreements)
        return {"state": state, "url": reverse("changes:start", args=[company.pk])}

    def agreement_rows(self, agreements: list[Agreement], today) -> list[dict]:
        addenda = addenda_by_version(self.object.attachments.all())
        rows = []
        for agreement in agreements:
            change = change_of(agreement)
            cancel = None
            if downsell_open(agreement):
                reason = downsell_refusal(agreement, change, today)
                cancel = {"enabled": not reason, "reason": reason}
            rows.append(
                {
                    "agreement": agreement,
                    "effective": effective_text(agreement, change),
                    "totals": agreement_totals(agreement),
                    "change": change,
                    "addendum": addenda.get(agreement.version),
                    "cancel": cancel,
                }
            )
        return rows


def effective_text(agreement: Agreement, change) -> str:
    """The Agreements tab's Effective column: from when until when the version is (or was, or
    will be) in effect — the same dates the current products' columns show."""
    since, until = agreement.effective_from, agreement.effective_until
    match standing(agreement):
        case Standing.PENDING:
            # Its day is known only for a downsell (the billing date); else the day it syncs.
            if change is not None and change.effective_on:
                return format_html(
                    'from <span class="nowrap">{}</span>, once synced',
                    f"{change.effective_on:%Y-%m-%d}",
                )
            return "once synced"
        case Standing.OVER if agreement.status != Agreement.Status.SUPERSEDED:
            return "never in effect"  # cancelled or rejected
    # Each date on one line: a narrow column breaks between them, never inside one.
    if until:
        return format_html(
            '<span class="nowrap">{} –</span> <span class="nowrap">{}</span>',
            f"{since:%Y-%m-%d}",
            f"{until:%Y-%m-%d}",
        )
    return format_html('from <span class="nowrap">{}</span>', f"{since:%Y-%m-%d}")


class DownsellCancelView(PartnerRequiredMixin, View):
    """Cancel downsell: the version will not take effect and the one before stays in effect."""

    def post(self, request, pk: int, agreement_pk: int):
        agreement = agreement_for(request.user, agreement_pk, company_pk=pk)
        change = change_of(agreement)
        try:
            downsell_cancel(agreement=agreement, actor=request.user)
        except CannotCancel as exc:
            messages.error(request, f"The downsell was not cancelled. {exc}")
        else:
            # downsell_cancel only succeeds for a downsell, which has its change order.
            prior = change.prior
            messages.success(
                request,
                f"Downsell cancelled: agreement version {agreement.version} will not take "
                f"effect; the customer keeps version {prior.version} with "
                f"{prior.total_users:,} seat{pluralize(prior.total_users)}.",
            )
        return redirect(reverse("companies:detail", args=[pk]) + "#agreements")


class SyncWatchView(PartnerRequiredMixin, View):
    """Polled by the customer page while a version waits for the vendor: no content until the
    vendor has answered, then htmx reloads the page to show what changed."""

    def get(self, request, pk: int, agreement_pk: int):
        agreement = agreement_for(request.user, agreement_pk, company_pk=pk)
        if agreement.status in Agreement.PENDING:
            return HttpResponse(status=204)
        return HttpResponse(headers={"HX-Refresh": "true"})


class AttachmentDownloadView(PartnerRequiredMixin, View):
    def get(self, request, pk: int, attachment_pk: int):
        return attachment_download(user=request.user, company_pk=pk, pk=attachment_pk)


def attachment_download(*, user, company_pk: int, pk: int) -> FileResponse:
    """An attachment of the user's partner's company, as a download (404 for anyone else's)."""
    attachment = attachment_for(user, pk, company_pk=company_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


class HomeView(PartnerRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def dispatch(self, request, *args, **kwargs):
        # Vendor staff have no partner: their home is the vendor console.
        if request.user.is_authenticated and request.user.is_staff and not request.user.partner_id:
            return redirect("admin:index")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            counts=company_counts_for(user),
            attention=attention_for(user),
            customers=recent_customers(user, limit=10),
            activity=recent_activity(user, limit=10),
            **kwargs,
        )
