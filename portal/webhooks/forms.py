"""Add Webhook and the edit form."""

from urllib.parse import urlsplit

from django import forms
from django.core.validators import URLValidator

from portal.core.text import Form

from .models import HTTP_URL, SUBSCRIBABLE, WebhookEndpoint

NO_EVENTS = "Tick at least one event: an endpoint with none would never be sent anything."


class EndpointForm(Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where your system receives the webhooks, e.g. https://psa.example.com/hooks/portal",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(event.value, event.label) for event in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_EVENTS},
    )
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="An inactive endpoint is sent nothing (Send test still works).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "url", "spellcheck": "false"}
        )

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint, data=None) -> "EndpointForm":
        initial = {"url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
        return cls(data, initial=initial)

    def clean_url(self) -> str:
        # A plain CharField rather than a URLField: that one would quietly add a scheme to
        # "example.com/hook" and accept ftp://, where the Admin should be told.
        url = self.cleaned_data["url"].strip()
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise forms.ValidationError(HTTP_URL, code="scheme")
        URLValidator(schemes=["http", "https"], message=HTTP_URL)(url)
        return url
