from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import (
    billed,
    catalog,
    changes,
    customer_details,
    customers,
    imports,
    manage_renewal,
    me,
    orders,
    prospects,
    renewals,
    users,
)
from .views.base import NoSuchEndpointView

v1 = [
    path("me/", me.MeView.as_view(), name="me"),
    path("implementation-leads/", me.LeadListView.as_view(), name="implementation_leads"),
    path("prospects/", prospects.ProspectListView.as_view(), name="prospects"),
    path("prospects/import/", imports.ProspectImportView.as_view(), name="prospects_import"),
    path(
        "prospects/imports/<int:pk>/",
        imports.ProspectImportDetailView.as_view(),
        name="prospect_import",
    ),
    path("prospects/verify-domain/", prospects.VerifyDomainView.as_view(), name="verify_domain"),
    path("prospects/<int:pk>/", prospects.ProspectDetailView.as_view(), name="prospect"),
    path("prospects/<int:pk>/order/", orders.OrderView.as_view(), name="order"),
    path(
        "prospects/<int:pk>/order/preview/", orders.OrderPreviewView.as_view(), name="order_preview"
    ),
    path("prospects/<int:pk>/order/submit/", orders.OrderSubmitView.as_view(), name="order_submit"),
    path("price-list/", catalog.PriceListView.as_view(), name="price_list"),
    path("customers/", customers.CustomerListView.as_view(), name="customers"),
    path("renewals/", renewals.RenewalListView.as_view(), name="renewals"),
    path("customers/<int:pk>/", customers.CustomerDetailView.as_view(), name="customer"),
    path(
        "customers/<int:pk>/agreements/",
        customers.AgreementListView.as_view(),
        name="customer_agreements",
    ),
    path(
        "customers/<int:pk>/agreements/<int:agreement_pk>/cancel-downsell/",
        customers.DownsellCancelView.as_view(),
        name="downsell_cancel",
    ),
    path(
        "customers/<int:pk>/contacts/",
        customer_details.ContactListView.as_view(),
        name="customer_contacts",
    ),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/",
        customer_details.ContactDetailView.as_view(),
        name="customer_contact",
    ),
    path(
        "customers/<int:pk>/notes/", customer_details.NoteListView.as_view(), name="customer_notes"
    ),
    path(
        "customers/<int:pk>/notes/<int:note_pk>/",
        customer_details.NoteDetailView.as_view(),
        name="customer_note",
    ),
    path("customers/<int:pk>/history/", customers.HistoryView.as_view(), name="customer_history"),
    path(
        "customers/<int:pk>/billed-seats/",
        billed.CustomerBilledSeatsView.as_view(),
        name="customer_billed_seats",
    ),
    path("billed-seats/", billed.BilledBatchView.as_view(), name="billed_seats"),
    path(
        "customers/<int:pk>/renewal/", manage_renewal.RenewalView.as_view(), name="customer_renewal"
    ),
    path(
        "customers/<int:pk>/renewal/changes/",
        manage_renewal.RenewalChangeListView.as_view(),
        name="customer_renewal_changes",
    ),
    path(
        "customers/<int:pk>/renewal/changes/<int:renewal_change_pk>/",
        manage_renewal.RenewalChangeDetailView.as_view(),
        name="customer_renewal_change",
    ),
    path(
        "customers/<int:pk>/attachments/",
        customers.AttachmentListView.as_view(),
        name="customer_attachments",
    ),
    path(
        "customers/<int:pk>/attachments/<int:attachment_pk>/",
        customers.AttachmentDownloadView.as_view(),
        name="customer_attachment",
    ),
    path(
        "customers/<int:pk>/change-quotes/",
        changes.ChangeQuoteListView.as_view(),
        name="change_quotes",
    ),
    path(
        "customers/<int:pk>/change-quotes/preview/",
        changes.ChangePreviewView.as_view(),
        name="change_preview",
    ),
    path("change-quotes/<int:pk>/", changes.ChangeQuoteView.as_view(), name="change_quote"),
    path(
        "change-quotes/<int:pk>/submit/",
        changes.ChangeSubmitView.as_view(),
        name="change_submit",
    ),
    path("users/", users.UserListView.as_view(), name="users"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user"),
    path("users/<int:pk>/deactivate/", users.UserDeactivateView.as_view(), name="user_deactivate"),
    path("users/<int:pk>/reactivate/", users.UserReactivateView.as_view(), name="user_reactivate"),
    path(
        "users/<int:pk>/invite-again/",
        users.UserInviteAgainView.as_view(),
        name="user_invite_again",
    ),
]

# The split view serves Swagger UI's start-up script as a file (the CSP runs no inline one).
# Swagger UI draws its icons as data: SVG images: allowed on this page only.
api_docs = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html")
)

urlpatterns = [
    path("v1/", include((v1, "api"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
    # Anything else under /api/ is an API 404 too: the JSON error, not the HTML page.
    re_path(r"^", NoSuchEndpointView.as_view()),
]
