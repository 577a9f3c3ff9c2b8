from django.urls import path

from . import views

app_name = "quotes"

urlpatterns = [
    path("make/<int:change_pk>/", views.QuoteMakeView.as_view(), name="make"),
    path("make/order/<int:pk>/", views.QuoteMakeOrderView.as_view(), name="make_order"),
    path("branding/", views.BrandingView.as_view(), name="branding"),
    path("branding/logo.png", views.LogoView.as_view(), name="logo"),
    path("<int:pk>/", views.QuoteDetailView.as_view(), name="detail"),
    path("<int:pk>/quote.pdf", views.QuotePdfView.as_view(), name="pdf"),
    # The end customer's, through the signed link: no login.
    path("c/<str:token>/", views.PublicQuoteView.as_view(), name="public"),
    path("c/<str:token>/logo.png", views.PublicLogoView.as_view(), name="public_logo"),
    path("c/<str:token>/quote.pdf", views.PublicQuotePdfView.as_view(), name="public_pdf"),
]
