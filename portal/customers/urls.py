from django.urls import path

from . import reconciliation_views as rv
from .billed_views import BilledTemplateView, BilledUploadView
from .list_views import EXPORTS, CompleteListView, FormerListView, InProgressListView
from .renewal_views import RenewalCsvView, RenewalListView, RenewalXlsxView

app_name = "customers"
urlpatterns = [
    path("in-progress/", InProgressListView.as_view(), name="in_progress"),
    path("complete/", CompleteListView.as_view(), name="complete"),
    path("renewals/", RenewalListView.as_view(), name="renewals"),
    path("renewals/export.csv", RenewalCsvView.as_view(), name="renewals_csv"),
    path("renewals/export.xlsx", RenewalXlsxView.as_view(), name="renewals_xlsx"),
    path("reconciliation/", rv.ReconciliationListView.as_view(), name="reconciliation"),
    path(
        "reconciliation/export.csv", rv.ReconciliationCsvView.as_view(), name="reconciliation_csv"
    ),
    path(
        "reconciliation/export.xlsx",
        rv.ReconciliationXlsxView.as_view(),
        name="reconciliation_xlsx",
    ),
    path("reconciliation/bill-seats/", rv.BillSeatsView.as_view(), name="bill_seats"),
    path("reconciliation/true-up/", rv.TrueUpView.as_view(), name="true_up"),
    path("former/", FormerListView.as_view(), name="former"),
    path("in-progress/export.csv", EXPORTS["in_progress_csv"], name="in_progress_csv"),
    path("in-progress/export.xlsx", EXPORTS["in_progress_xlsx"], name="in_progress_xlsx"),
    path("complete/export.csv", EXPORTS["complete_csv"], name="complete_csv"),
    path("complete/export.xlsx", EXPORTS["complete_xlsx"], name="complete_xlsx"),
    path("reconciliation/billed-seats/", BilledUploadView.as_view(), name="billed_upload"),
    path(
        "reconciliation/billed-seats/template.csv",
        BilledTemplateView.as_view(),
        name="billed_template",
    ),
]
