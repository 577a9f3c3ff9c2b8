"""Manage renewal's forms on the customer page: auto-renew off and on, a change scheduled for
a line's renewal, and its cancel.

With htmx the answer is the page itself, of which the section is swapped in place, saying
what was done (or what was refused, next to the line); without JavaScript a POST redirects
back to the section with the message (or shows the page with the refusal). Who may: any user
of the customer's MSP, as for the other changes of a customer (Change Options; there is no
read-only role); another MSP's customer is a 404.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from portal.renewals.models import RenewalChange
from portal.renewals.services import (
    auto_renew_set,
    renewal_change_cancel,
    renewal_change_schedule,
)

from .renewal_section import AutoRenewForm, posted_form, renewal_section
from .views import CompanyDetailView

FIELDS = ("seats", "commitment")


def _messages(error: ValidationError) -> tuple[dict[str, list[str]], list[str]]:
    """A service's refusal: messages by form field, and those of no field the form shows."""
    if not hasattr(error, "error_dict"):
        return {}, list(error.messages)
    by_field = error.message_dict
    fields = {name: by_field[name] for name in FIELDS if name in by_field}
    others = [m for name, msgs in by_field.items() if name not in FIELDS for m in msgs]
    return fields, others


class RenewalView(CompanyDetailView):
    http_method_names = ["post"]

    def setup_company(self):
        self.object = company = self.get_object()
        return company

    def done(self, text: str):
        if self.request.htmx:
            return self.section({"notice": text})
        messages.success(self.request, text)
        url = reverse("companies:detail", args=[self.object.pk])
        return redirect(f"{url}#renewal")

    def refused(self, bound: dict):
        return self.section(bound, status=200 if self.request.htmx else 400)

    def section(self, bound: dict, status: int = 200):
        # Read again: the page shows the customer as the service left it.
        self.object = self.get_object()
        today = timezone.localdate()
        section = renewal_section(self.request, self.object, today, bound)
        context = self.get_context_data(renewal=section)
        return self.render_to_response(context, status=status)


class AutoRenewView(RenewalView):
    def post(self, request, pk: int):
        company = self.setup_company()
        form = AutoRenewForm(request.POST)
        if not form.is_valid():
            raise BadRequest("Say which product and whether on or off.")  # a hand-made POST
        code, on = form.cleaned_data["code"], form.cleaned_data["on"] == "on"
        try:
            line = auto_renew_set(company=company, code=code, on=on, actor=request.user)
        except ValidationError as exc:
            fields, others = _messages(exc)
            return self.refused({"code": code, "errors": others + sum(fields.values(), [])})
        end = f"{line.term_end:%Y-%m-%d}"
        if on:
            return self.done(f"Auto-renew of {code} is on: it renews on {end}.")
        return self.done(f"Auto-renew of {code} is off: it ends at its term end on {end}.")


class RenewalChangeView(RenewalView):
    def post(self, request, pk: int):
        company = self.setup_company()
        form = posted_form(request.POST)
        code = form.data.get("code", "")
        if form.is_valid():
            values = form.cleaned_data
            try:
                change = renewal_change_schedule(
                    company=company,
                    code=values["code"],
                    kind=values["kind"],
                    seats=values["seats"],
                    commitment=values["commitment"],
                    actor=request.user,
                )
            except ValidationError as exc:
                fields, others = _messages(exc)
                for name, texts in fields.items():
                    for text in texts:
                        form.add_error(name, text)
                return self.refused({"code": code, "errors": others, "form": form})
            return self.done(
                f"Scheduled for the renewal of {change.code} on {change.renews_on:%Y-%m-%d}: "
                f"{change.describe()}."
            )
        return self.refused({"code": code, "errors": form.non_field_errors(), "form": form})


class RenewalChangeCancelView(RenewalView):
    def post(self, request, pk: int, change_pk: int):
        company = self.setup_company()
        try:
            change = company.renewal_changes.get(pk=change_pk)
        except RenewalChange.DoesNotExist:
            raise Http404("No such change.") from None
        try:
            renewal_change_cancel(change=change, actor=request.user)
        except ValidationError as exc:
            return self.refused({"code": change.code, "errors": exc.messages})
        return self.done(
            f"Cancelled for the renewal of {change.code} on {change.renews_on:%Y-%m-%d}: "
            f"{change.describe()}."
        )
