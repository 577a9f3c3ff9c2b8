from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views import View

from portal.companies.columns import PROSPECT_LIST
from portal.companies.domains import domain_verify
from portal.companies.list_views import CompanyListView, pk_url
from portal.companies.models import Company, Prospect
from portal.companies.selectors import prospect_for
from portal.companies.services import company_create, company_delete, company_update
from portal.core.tenancy import PartnerRequiredMixin
from portal.orders.models import Order

from .forms import ProspectForm

SAVED_ORDER = mark_safe(' <span class="badge badge-saved">Saved order</span>')
PROVISION_CELL = '<td><a class="button" href="{}">Provision</a></td>'


def prospect_rows():
    """Loads a page's prospects by their ids, each marked if it has a saved order."""
    # Read with the page's rows, in the query that loads them: never for the whole list.
    draft = Order.objects.filter(company=OuterRef("pk"), status=Order.Status.DRAFT)
    return Prospect.objects.annotate(has_saved_order=Exists(draft))


class ProspectListView(CompanyListView):
    template_name = "prospects/prospect_list.html"
    status = Company.Status.PROSPECT
    title = "Prospect List"
    noun = "prospect"
    search_label = "Search Prospects"
    columns = PROSPECT_LIST
    cache_content = True

    def page_rows(self):
        return prospect_rows()

    @cached_property
    def provision_url(self):
        return pk_url("orders:review")

    def name_badge(self, company: Company) -> str:
        return SAVED_ORDER if company.has_saved_order else ""

    def row_end(self, company: Company) -> str:
        return format_html(PROVISION_CELL, self.provision_url(company.pk))


class ProspectFormView(PartnerRequiredMixin, View):
    """Create Prospect and its edit page: one form, two sections."""

    template_name = "prospects/prospect_form.html"

    def get_company(self) -> Prospect | None:
        if "pk" not in self.kwargs:
            return None
        return prospect_for(self.request.user, self.kwargs["pk"])

    def form(self, company, data=None) -> ProspectForm:
        return ProspectForm(data, instance=company or Company(), partner=self.request.user.partner)

    def render(self, form, company, check=None):
        return render(
            self.request, self.template_name, {"form": form, "company": company, "check": check}
        )

    def get(self, request, pk=None):
        company = self.get_company()
        return self.render(self.form(company), company)

    def post(self, request, pk=None):
        company = self.get_company()
        form = self.form(company, request.POST)
        if "verify" in request.POST:
            # Verify without JavaScript: show the check, keep what was typed, save nothing.
            check = domain_verify(
                request.POST.get("domain", ""),
                partner_id=request.user.partner_id,
                exclude_pk=company.pk if company else None,
            )
            return self.render(self.form(company, request.POST.copy()), company, check)
        if not form.is_valid():
            return self.render(form, company)
        if company:
            # The form has already written its values onto its instance: the service gets the
            # row as stored, so that the history compares before with after.
            company = company_update(
                company=self.get_company(),
                actor=request.user,
                products=form.chosen_products(),
                **form.company_fields(),
            )
            messages.success(request, f"Saved {company.name}.")
        else:
            company = company_create(
                partner=request.user.partner,
                actor=request.user,
                products=form.chosen_products(),
                **form.company_fields(),
            )
            messages.success(request, f"Prospect {company.name} created.")
        if form.name_warning:
            messages.warning(request, f"“{company.name}”: {form.name_warning}")
        if "review_order" in request.POST:
            return redirect("orders:review", company.pk)
        return redirect("prospects:list")


class VerifyDomainView(PartnerRequiredMixin, View):
    """Verify, for htmx: the result replaces the line under the domain field."""

    def post(self, request):
        exclude = request.POST.get("company") or None
        check = domain_verify(
            request.POST.get("domain", ""),
            partner_id=request.user.partner_id,
            exclude_pk=int(exclude) if exclude and exclude.isdigit() else None,
        )
        return render(request, "prospects/_verify.html", {"check": check})


class ProspectDeleteView(PartnerRequiredMixin, View):
    admin_only = True
    template_name = "prospects/prospect_confirm_delete.html"

    def get_company(self, pk):
        return prospect_for(self.request.user, pk)

    def get(self, request, pk):
        return render(request, self.template_name, {"company": self.get_company(pk)})

    def post(self, request, pk):
        company = self.get_company(pk)
        name = company.name
        company_delete(company=company, actor=request.user)
        messages.success(request, f"Prospect {name} deleted. The history keeps a record of it.")
        return redirect(reverse("prospects:list"))
