"""The Webhooks pages, for an MSP's Admins only: anyone else, and any URL of another MSP's
endpoint, gets a 404."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from portal.core.history import history_for
from portal.core.tenancy import PartnerRequiredMixin

from .forms import EndpointForm
from .selectors import deliveries_of, delivery_of, webhook_endpoint_for, webhook_endpoints_for
from .services import (
    TestPending,
    endpoint_create,
    endpoint_delete,
    endpoint_regenerate_secret,
    endpoint_update,
    webhook_retry,
    webhook_send_test,
)


class AdminOnlyMixin(PartnerRequiredMixin):
    admin_only = True

    def get_endpoint(self):
        return webhook_endpoint_for(self.request.user, self.kwargs["pk"])


class EndpointListView(AdminOnlyMixin, TemplateView):
    template_name = "webhooks/endpoint_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            endpoints=webhook_endpoints_for(self.request.user), **kwargs
        )


class EndpointFormView(AdminOnlyMixin, View):
    """Add Webhook (no ``pk``) and Edit Webhook."""

    template_name = "webhooks/endpoint_form.html"

    def get(self, request, pk=None):
        endpoint = self.get_endpoint() if pk else None
        form = EndpointForm.for_endpoint(endpoint) if endpoint else EndpointForm()
        return render(request, self.template_name, {"endpoint": endpoint, "form": form})

    def post(self, request, pk=None):
        endpoint = self.get_endpoint() if pk else None
        form = EndpointForm(request.POST)
        if form.is_valid():
            try:
                if endpoint:
                    endpoint = endpoint_update(
                        endpoint=endpoint, actor=request.user, **form.cleaned_data
                    )
                else:
                    endpoint = endpoint_create(
                        partner=request.user.partner, actor=request.user, **form.cleaned_data
                    )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Saved the webhook for {endpoint.url}.")
                return redirect("webhooks:detail", pk=endpoint.pk)
        return render(request, self.template_name, {"endpoint": endpoint, "form": form})


class EndpointDetailView(AdminOnlyMixin, View):
    template_name = "webhooks/endpoint_detail.html"

    def get(self, request, pk):
        endpoint = self.get_endpoint()
        context = {
            "endpoint": endpoint,
            "deliveries": deliveries_of(endpoint),
            "history": history_for(endpoint)[:50],
            "timeout": settings.WEBHOOK_TIMEOUT_SECONDS,
        }
        return render(request, self.template_name, context)


class EndpointDeleteView(AdminOnlyMixin, View):
    """A confirmation page, then the POST that deletes."""

    template_name = "webhooks/endpoint_confirm_delete.html"

    def get(self, request, pk):
        return render(request, self.template_name, {"endpoint": self.get_endpoint()})

    def post(self, request, pk):
        endpoint = self.get_endpoint()
        endpoint_delete(endpoint=endpoint, actor=request.user)
        messages.success(request, f"Deleted the webhook for {endpoint.url}.")
        return redirect("webhooks:list")


class SendTestView(AdminOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        endpoint = self.get_endpoint()
        try:
            webhook_send_test(endpoint=endpoint, actor=request.user)
        except TestPending as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                "A test event is queued for delivery; its result shows in the delivery log "
                "below within a few seconds (reload the page).",
            )
        return redirect("webhooks:detail", pk=endpoint.pk)


class RegenerateSecretView(AdminOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        endpoint = endpoint_regenerate_secret(endpoint=self.get_endpoint(), actor=request.user)
        messages.success(
            request,
            "A new secret signs every delivery from now on. Give it to your system; the old one "
            "no longer works.",
        )
        return redirect("webhooks:detail", pk=endpoint.pk)


class SendAgainView(AdminOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, delivery_pk):
        endpoint = self.get_endpoint()
        delivery = delivery_of(endpoint, delivery_pk)
        if webhook_retry(delivery=delivery):
            messages.success(request, f"The {delivery.event} delivery is queued again.")
        else:
            messages.error(
                request,
                f"The {delivery.event} delivery is {delivery.get_status_display().lower()}, not "
                "failed: nothing to send again.",
            )
        return redirect("webhooks:detail", pk=endpoint.pk)
