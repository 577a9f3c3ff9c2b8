from django.urls import path

from . import detail_views as d
from . import manage_renewal_views as r
from .billed_seats_views import BilledSeatsView
from .search_views import SearchView, SuggestView
from .views import AttachmentDownloadView, CompanyDetailView, DownsellCancelView, SyncWatchView
from .your_price_views import YourPriceView

# The namespace the customer pages have always had (their URLs start with companies/).
app_name = "companies"
urlpatterns = [
    path("<int:pk>/", CompanyDetailView.as_view(), name="detail"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/cancel-downsell/",
        DownsellCancelView.as_view(),
        name="downsell_cancel",
    ),
    path("<int:pk>/agreements/<int:agreement_pk>/sync/", SyncWatchView.as_view(), name="sync"),
    path("<int:pk>/details/", d.DetailsEditView.as_view(), name="details_edit"),
    path("<int:pk>/contacts/", d.ContactAddView.as_view(), name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/", d.ContactEditView.as_view(), name="contact_edit"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/remove/",
        d.ContactRemoveView.as_view(),
        name="contact_remove",
    ),
    path("<int:pk>/notes/", d.NoteAddView.as_view(), name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/", d.NoteEditView.as_view(), name="note_edit"),
    path("<int:pk>/notes/<int:note_pk>/remove/", d.NoteRemoveView.as_view(), name="note_remove"),
    path("<int:pk>/renewal/auto-renew/", r.AutoRenewView.as_view(), name="renewal_auto_renew"),
    path("<int:pk>/renewal/changes/", r.RenewalChangeView.as_view(), name="renewal_change"),
    path(
        "<int:pk>/renewal/changes/<int:change_pk>/cancel/",
        r.RenewalChangeCancelView.as_view(),
        name="renewal_change_cancel",
    ),
    path("<int:pk>/prices/<int:product_id>/", YourPriceView.as_view(), name="your_price"),
    path("<int:pk>/billed-seats/<int:product_id>/", BilledSeatsView.as_view(), name="billed_seats"),
]
urlpatterns += [
    path("search/", SearchView.as_view(), name="search"),
    path("search/suggest/", SuggestView.as_view(), name="search_suggest"),
]
