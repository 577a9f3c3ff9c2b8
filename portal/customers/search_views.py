"""The header search's pages: the results (a plain GET form, no script needed) and the
suggestions the header's script lists as the user types."""

from django.http import HttpResponse, JsonResponse
from django.views import View
from django.views.generic import TemplateView

from portal.companies.list_views import pk_url
from portal.core.tenancy import PartnerRequiredMixin
from portal.core.text import query_refusals

from .search import Found, company_search, suggestions

SHOWN = 20  # per group on the results page: a jump to one company; the lists list them all
SUGGESTED = 8


class SearchView(PartnerRequiredMixin, TemplateView):
    """Prospects and customers of the user's MSP matching ``q``, listed apart."""

    template_name = "companies/search_results.html"
    reports_query_text = True  # a control character: said under the search box, not a 400 page

    def get(self, request, *args, **kwargs):
        # The search's own problems are said as the lists say them ("The search holds …");
        # any other parameter's by its name.
        refused = query_refusals(request.GET)
        refused.pop("q", None)
        if refused:
            found = Found(error=next(iter(refused.values())))
        else:
            found = company_search(request.user, request.GET.get("q", ""), limit=SHOWN)
        context = self.get_context_data(found=found, shown=SHOWN, **kwargs)
        return self.render_to_response(context, status=400 if found.error else 200)


class SuggestView(PartnerRequiredMixin, View):
    """JSON for the suggestion list: name, status, domain and the company's page, or why the
    search cannot run. Built into the page with textContent by header_search.js."""

    reports_query_text = True  # the error goes in the JSON, for the script to show

    def get(self, request):
        if refused := query_refusals(request.GET):
            # Plain text: JSON would escape the backslash of a name shown as "x\x00y".
            return HttpResponse(
                next(iter(refused.values())), status=400, content_type="text/plain; charset=utf-8"
            )
        found = company_search(request.user, request.GET.get("q", ""), limit=SUGGESTED)
        detail = pk_url("companies:detail")
        return JsonResponse(
            {
                "error": found.error,
                "results": [
                    {
                        "name": company.name,
                        "status": company.get_status_display(),
                        "domain": company.domain,
                        "url": detail(company.pk),
                    }
                    for company in suggestions(found, SUGGESTED)
                ],
            },
            status=400 if found.error else 200,
            json_dumps_params={"ensure_ascii": False},
        )
