"""The Users pages, for an MSP's Admins only (anyone else gets a 404, like a missing page).

The user shown on a page is called ``member`` in templates: ``user`` is the one signed in.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from portal.core.history import history_for
from portal.core.tenancy import PartnerRequiredMixin

from . import two_step
from .selectors import is_only_active_admin, user_for, users_for
from .services import (
    LAST_ADMIN,
    SELF_DEACTIVATION,
    LastAdminError,
    user_deactivate,
    user_invite,
    user_invite_again,
    user_reactivate,
    user_update,
)
from .two_step_views import TwoStepRequirementForm
from .user_forms import UserEditForm, UserInviteForm


class AdminOnlyMixin(PartnerRequiredMixin):
    admin_only = True

    def get_member(self):
        return user_for(self.request.user, self.kwargs["pk"])


class UserListView(AdminOnlyMixin, TemplateView):
    template_name = "accounts/user_list.html"

    def get_context_data(self, **kwargs):
        members = users_for(self.request.user)
        return super().get_context_data(
            members=members,
            two_step_on=two_step.enabled_user_ids(members),
            requirement_form=TwoStepRequirementForm.for_partner(self.request.user.partner),
            **kwargs,
        )


class UserCreateView(AdminOnlyMixin, View):
    template_name = "accounts/user_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": UserInviteForm()})

    def post(self, request):
        form = UserInviteForm(request.POST)
        if form.is_valid():
            try:
                member = user_invite(
                    partner=request.user.partner, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"{member} added. An invitation to choose a password is on its way to "
                    f"{member.email}.",
                )
                return redirect("users:list")
        return render(request, self.template_name, {"form": form})


class UserEditView(AdminOnlyMixin, View):
    template_name = "accounts/user_form.html"

    def render(self, member, form):
        context = {"member": member, "form": form, "history": history_for(member)[:50]}
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        member = self.get_member()
        return self.render(member, UserEditForm.for_user(member))

    def post(self, request, pk):
        member = self.get_member()
        form = UserEditForm.for_user(member, request.POST)
        if not form.is_valid():
            return self.render(member, form)
        try:
            user_update(user=member, actor=request.user, **form.cleaned_data)
        except LastAdminError as exc:
            form.add_error("role", exc)
            return self.render(member, form)
        messages.success(request, f"Saved {member}.")
        if member.pk == request.user.pk and not member.is_msp_admin:
            return redirect("home")  # no longer an Admin: the users page is closed to them now
        return redirect("users:list")


class UserDeactivateView(AdminOnlyMixin, View):
    """A confirmation page, then the POST that deactivates."""

    template_name = "accounts/user_confirm_deactivate.html"

    def get(self, request, pk):
        member = self.get_member()
        if not member.is_active:
            return redirect("users:edit", pk=member.pk)
        # Say up front why the button is disabled; the service checks again when it is pressed.
        errors = []
        if is_only_active_admin(member):
            errors.append(LAST_ADMIN.format(name=member, partner=member.partner))
        elif member.pk == request.user.pk:
            errors.append(SELF_DEACTIVATION)
        return render(request, self.template_name, {"member": member, "errors": errors})

    def post(self, request, pk):
        member = self.get_member()
        try:
            user_deactivate(user=member, actor=request.user)
        except ValidationError as exc:
            context = {"member": member, "errors": exc.messages}
            return render(request, self.template_name, context)
        messages.success(
            request, f"{member} deactivated. They can no longer log in; their history stays."
        )
        return redirect("users:list")


class UserReactivateView(AdminOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        member = user_reactivate(user=self.get_member(), actor=request.user)
        messages.success(request, f"{member} reactivated. They can log in again.")
        return redirect("users:list")


class UserInviteAgainView(AdminOnlyMixin, View):
    """For an invitation whose link expired before the user chose a password."""

    http_method_names = ["post"]

    def post(self, request, pk):
        member = self.get_member()
        try:
            user_invite_again(user=member, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"A new invitation is on its way to {member.email}.")
        return redirect("users:edit", pk=member.pk)
