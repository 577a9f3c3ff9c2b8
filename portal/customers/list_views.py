"""Customers | In Progress and Customers | Complete: the company list (companies.list_views)
with the columns of each, as the seeds show them."""

from portal.companies.columns import COMPLETE_LIST, IN_PROGRESS_LIST
from portal.companies.list_views import CompanyListView
from portal.companies.models import Company
from portal.rfi.models import rfi_progress_of


class CustomerListView(CompanyListView):
    noun = "customer"
    search_label = "Search Customers"


class InProgressListView(CustomerListView):
    status = Company.Status.IN_PROGRESS
    title = "Customers | In Progress"
    columns = IN_PROGRESS_LIST

    def page_rows(self):
        return Company.objects.select_related("rfi")

    def rows_html(self, companies):
        # The Request for Information column: where each new customer's answers are.
        for company in companies:
            company.rfi_progress = rfi_progress_of(company)
        return super().rows_html(companies)


class CompleteListView(CustomerListView):
    status = Company.Status.COMPLETE
    title = "Customers | Complete"
    columns = COMPLETE_LIST
