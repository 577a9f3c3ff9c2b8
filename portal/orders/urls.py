from django.urls import path

from .views import EditionsView, OrderView, QuoteView

app_name = "orders"
urlpatterns = [
    path("<int:pk>/", OrderView.as_view(), name="review"),
    path("<int:pk>/quote/", QuoteView.as_view(), name="quote"),
    path("server-os-editions/", EditionsView.as_view(), name="editions"),
]
