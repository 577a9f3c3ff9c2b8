from django.urls import path

from .views import PriceBookEditView, PriceBookView

app_name = "pricebook"

urlpatterns = [
    path("", PriceBookView.as_view(), name="book"),
    path("<int:product_id>/", PriceBookEditView.as_view(), name="edit"),
]
