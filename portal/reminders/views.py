"""Reminder preferences (linked from the profile page): which reminders the user gets and how;
for an MSP's Admins, the days before a term ends that its reminders go out."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from portal.core.tenancy import PartnerRequiredMixin

from .forms import PreferencesForm, TermDaysForm
from .preferences import deliveries_of, preferences_save, term_days_of, term_days_save


class PreferencesView(PartnerRequiredMixin, View):
    template_name = "reminders/preferences.html"

    def render(self, request, form=None, days_form=None, status=200):
        user = request.user
        form = form or PreferencesForm(initial=deliveries_of(user))
        if user.is_msp_admin and days_form is None:
            days = ", ".join(str(d) for d in term_days_of(user.partner))
            days_form = TermDaysForm(initial={"days": days})
        context = {"form": form, "days_form": days_form}
        if not user.is_msp_admin:
            context["term_days"] = term_days_of(user.partner)
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(request)

    def post(self, request):
        form = PreferencesForm(request.POST)
        if not form.is_valid():
            return self.render(request, form=form, status=400)
        if preferences_save(user=request.user, deliveries=form.cleaned_data):
            messages.success(request, "Your reminder preferences are saved.")
        else:
            messages.info(request, "Nothing changed.")
        return redirect("reminders:preferences")


class TermDaysView(PartnerRequiredMixin, View):
    """The MSP's days, posted from the preferences page (Admins only; others get a 404)."""

    admin_only = True

    def post(self, request):
        form = TermDaysForm(request.POST)
        if not form.is_valid():
            return PreferencesView().render(request, days_form=form, status=400)
        changed = term_days_save(
            partner=request.user.partner, actor=request.user, days=form.cleaned_data["days"]
        )
        if changed:
            messages.success(request, "The days before a term ends are saved for your MSP.")
        else:
            messages.info(request, "Nothing changed.")
        return redirect("reminders:preferences")
