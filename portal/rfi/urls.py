from django.urls import path

from .views import InformationRequestFormView, InformationRequestResendView

app_name = "rfi"
urlpatterns = [
    path(
        "customers/<int:pk>/resend/",
        InformationRequestResendView.as_view(),
        name="resend",
    ),
    path("<str:token>/", InformationRequestFormView.as_view(), name="form"),
]
