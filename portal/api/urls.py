from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .views import catalog, prospects

v1 = [
    path("prospects/", prospects.ProspectListView.as_view(), name="prospects"),
    path("prospects/verify-domain/", prospects.VerifyDomainView.as_view(), name="verify_domain"),
    path("prospects/<int:pk>/", prospects.ProspectDetailView.as_view(), name="prospect"),
    path("price-list/", catalog.PriceListView.as_view(), name="price_list"),
]

urlpatterns = [
    path("v1/", include((v1, "api"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
