from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views import View
from django.views.generic import TemplateView

from portal.companies.domains import domain_verify
from portal.companies.models import Company
from portal.companies.selectors import company_counts
from portal.companies.services import company_create, company_delete, company_update
from portal.core.lists import Column, ListState, filter_list, page_links, paginate
from portal.core.tenancy import PartnerRequiredMixin, for_partner, get_for_partner_or_404

from .forms import ProspectForm

PER_PAGE = 50
SEARCH_CAP = 500  # a search lists its first 500 matches; more letters narrow it
COLUMNS = [
    Column("name", "Company Name", "name_key"),
    Column("domain", "Domain", "domain"),
    Column("users", "Permitted Users", "permitted_users", numeric=True),
    Column("lead", "Implementation Lead", "lead_name"),
    Column("provision", "Expected Provision Date", "expected_provision_date"),
    Column("changed", "Last Changed", "updated_at"),
]


ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td class="num">{}</td><td>{}</td><td>{}</td>'
    '<td><time datetime="{}">{}</time></td></tr>'
)


def rows_html(companies: list[Company], detail_url: str) -> str:
    """The table body, escaped by format_html_join.

    Built in Python: the template language spends longer on 50 rows × 6 cells than the
    database spends finding them.
    """
    base = detail_url.removesuffix("0/")

    def cells(company: Company):
        changed = timezone.localtime(company.updated_at)
        provision = company.expected_provision_date
        return (
            f"{base}{company.pk}/",
            company.name,
            company.domain or "—",
            company.permitted_users or "—",
            company.lead_name or "—",
            provision.isoformat() if provision else "—",
            changed.isoformat(),
            changed.strftime("%Y-%m-%d %H:%M"),
        )

    return format_html_join("\n", ROW, (cells(company) for company in companies))


def prospects_of(user):
    return for_partner(Company, user).filter(status=Company.Status.PROSPECT)


class ProspectListView(PartnerRequiredMixin, TemplateView):
    template_name = "prospects/prospect_list.html"

    def get_context_data(self, **kwargs):
        state = ListState.from_query(self.request.GET, COLUMNS, default_sort="name")
        queryset = filter_list(prospects_of(self.request.user), state, COLUMNS)
        # Unfiltered, the kept tally gives the total without counting 100,000 rows.
        filtered = bool(state.q or state.letter)
        page = paginate(
            queryset,
            state.page,
            PER_PAGE,
            rows=Company.objects.all(),
            cap=SEARCH_CAP if state.q else None,
            count=None if filtered else company_counts(user=self.request.user)["prospect"],
        )
        detail_url = reverse("companies:detail", args=[0])
        return super().get_context_data(
            state=state,
            page=page,
            rows=rows_html(page.object_list, detail_url),
            letters=state.letter_links(),
            headers=state.header_links(COLUMNS),
            pages=page_links(state, page),
            clear_url=state.url(q=None, letter=None, page=None),
            **kwargs,
        )


class ProspectFormView(PartnerRequiredMixin, View):
    """Create Prospect and its edit page: one form, two sections."""

    template_name = "prospects/prospect_form.html"

    def get_company(self) -> Company | None:
        if "pk" not in self.kwargs:
            return None
        return get_for_partner_or_404(
            prospects_of(self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

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
        return get_for_partner_or_404(prospects_of(self.request.user), self.request.user, pk=pk)

    def get(self, request, pk):
        return render(request, self.template_name, {"company": self.get_company(pk)})

    def post(self, request, pk):
        company = self.get_company(pk)
        name = company.name
        company_delete(company=company, actor=request.user)
        messages.success(request, f"Prospect {name} deleted. The history keeps a record of it.")
        return redirect(reverse("prospects:list"))
