"""Two-step verification pages: the second step of signing in, and the user's own settings
(authenticator app, recovery codes, passkeys, turning it off)."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache

from portal.core.tenancy import PartnerRequiredMixin
from portal.core.text import Form

from . import two_step
from .two_step import TwoStepError


class CodeForm(Form):
    code = forms.CharField(
        label="Authenticator code or recovery code",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class NewAuthenticatorForm(Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="The 6 digits the app shows for this account.",
    )


def _next_url(request, default: str = "home") -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(default)


def _home(user) -> str:
    return "admin:index" if user.is_staff and not user.partner_id else "home"


def _secret_groups(device) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(device) -> str:
    # Drawn here as SVG markup: no image request, no inline style (the page runs under a CSP).
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, border=2, omitsize=False, title="QR code of the secret")


@method_decorator(never_cache, name="dispatch")
class VerifyView(LoginRequiredMixin, View):
    """The second step of signing in (also used to verify again before a sensitive change)."""

    template_name = "accounts/two_step_verify.html"

    def render(self, request, form, status=200):
        user = request.user
        context = {
            "form": form,
            "next": _next_url(request, _home(user)),
            "has_authenticator": two_step.authenticator_for(user) is not None,
            "has_passkeys": two_step.passkeys_available() and two_step.passkeys_for(user).exists(),
            "again": user.is_verified(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        if not two_step.is_enabled(request.user):
            return redirect(_next_url(request, _home(request.user)))
        form = CodeForm()
        form.fields["code"].widget.attrs["autofocus"] = True
        return self.render(request, form)

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                device = two_step.code_check(
                    user=request.user, code=form.cleaned_data["code"], request=request
                )
            except TwoStepError as exc:
                form.add_error("code", str(exc))
            else:
                two_step.session_verify(request, device)
                if device.name == two_step.RECOVERY_NAME:
                    left = two_step.recovery_codes_left(request.user)
                    messages.warning(
                        request,
                        f"You used a recovery code: {left} left. Make new ones on your "
                        "two-step verification page if you are running low.",
                    )
                return redirect(_next_url(request, _home(request.user)))
        return self.render(request, form, status=400)


@method_decorator(never_cache, name="dispatch")
class ManageView(LoginRequiredMixin, View):
    """The user's own two-step settings."""

    template_name = "accounts/two_step_manage.html"

    def get(self, request, status=200, **bound):
        user = request.user
        context = {
            "enabled": two_step.is_enabled(user),
            "required_reason": two_step.required_reason(user),
            "authenticator": two_step.authenticator_for(user),
            "passkeys": two_step.passkeys_for(user),
            "passkeys_available": two_step.passkeys_available(),
            "recovery_left": two_step.recovery_codes_left(user),
            "recovery_total": two_step.RECOVERY_CODE_COUNT,
            "verified": user.is_verified(),
            "next": request.GET.get("next", ""),
            "remove_form": bound.get("remove_form") or CodeForm(prefix="remove"),
            "off_form": bound.get("off_form") or _off_form(user),
        }
        return render(request, self.template_name, context, status=status)


def _off_form(user, data=None) -> CodeForm:
    form = CodeForm(data, prefix="off")
    # With passkeys only there is no code to type: a passkey verification minutes ago does.
    has_codes = two_step.authenticator_for(user) or two_step.recovery_codes_left(user)
    form.fields["code"].required = bool(has_codes)
    return form


class AuthenticatorStartView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        Form(request.POST).is_valid()  # a control character in ``next`` is refused (400)
        try:
            two_step.authenticator_start(user=request.user)
        except TwoStepError as exc:
            messages.error(request, str(exc))
            return redirect("two_step_manage")
        url = reverse("two_step_authenticator")
        if next_url := request.POST.get("next"):
            url += "?" + urlencode({"next": next_url})
        return redirect(url)


@method_decorator(never_cache, name="dispatch")
class AuthenticatorView(LoginRequiredMixin, View):
    """Scan the QR code (or type the secret), then confirm with a code from the app."""

    template_name = "accounts/two_step_authenticator.html"

    def render(self, request, device, form, status=200):
        context = {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _secret_groups(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        device = two_step.pending_authenticator_for(request.user)
        if device is None:
            return redirect("two_step_manage")
        return self.render(request, device, NewAuthenticatorForm())

    def post(self, request):
        device = two_step.pending_authenticator_for(request.user)
        if device is None:
            messages.error(request, "Start again: that set-up is no longer open.")
            return redirect("two_step_manage")
        form = NewAuthenticatorForm(request.POST)
        if form.is_valid():
            try:
                codes = two_step.authenticator_confirm(
                    device=device, code=form.cleaned_data["code"], request=request
                )
            except TwoStepError as exc:
                form.add_error("code", str(exc))
            else:
                two_step.session_verify(request, device)
                messages.success(request, "Two-step verification is on: your app makes the codes.")
                if codes:
                    return _show_codes(request, codes)
                return redirect(_next_url(request, "two_step_manage"))
        return self.render(request, device, form, status=400)


def _show_codes(request, codes: list[str]):
    # Rendered in this response only: they are not shown again.
    context = {"codes": codes, "next": _next_url(request, _home(request.user))}
    response = render(request, "accounts/two_step_recovery_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


class RecoveryCodesView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if not two_step.is_enabled(request.user):
            messages.error(request, "Turn two-step verification on first.")
            return redirect("two_step_manage")
        codes = two_step.recovery_codes_regenerate(user=request.user, request=request)
        return _show_codes(request, codes)


class AuthenticatorRemoveView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = CodeForm(request.POST, prefix="remove")
        if form.is_valid():
            try:
                two_step.authenticator_remove(
                    user=request.user, code=form.cleaned_data["code"], request=request
                )
            except TwoStepError as exc:
                form.add_error("code", str(exc))
            else:
                messages.success(request, "Authenticator app removed.")
                return redirect("two_step_manage")
        return ManageView().get(request, status=400, remove_form=form)


class PasskeyRemoveView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        passkey = get_object_or_404(two_step.passkeys_for(request.user), pk=pk)
        try:
            two_step.passkey_remove(user=request.user, passkey=passkey, request=request)
        except TwoStepError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Passkey “{passkey.name}” removed.")
        return redirect("two_step_manage")


class TurnOffView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = _off_form(request.user, request.POST)
        if form.is_valid():
            try:
                two_step.two_step_disable(
                    user=request.user,
                    code=form.cleaned_data["code"],
                    recently_verified=two_step.verified_recently(request),
                    request=request,
                )
            except TwoStepError as exc:
                form.add_error("code", str(exc))
            else:
                messages.success(request, "Two-step verification is off.")
                return redirect("two_step_manage")
        return ManageView().get(request, status=400, off_form=form)


def admin_login(request):
    """The vendor console's sign-in page is the portal's. A password posted to the console's
    own form still works (and is throttled the same); either way the second step follows,
    as for every page."""
    if request.method == "GET" and not request.user.is_authenticated:
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
    return admin.site.login(request)  # tells a signed-in MSP user the console is not theirs


class TwoStepRequirementForm(Form):
    require_two_step = forms.BooleanField(
        label="Require two-step verification for all users",
        required=False,
        help_text=(
            "Users who have not set it up are asked to, right after their next sign-in, "
            "before they can use the portal."
        ),
    )

    @classmethod
    def for_partner(cls, partner):
        return cls(initial={"require_two_step": partner.require_two_step})


class TwoStepRequirementView(PartnerRequiredMixin, View):
    """The MSP's rule, set by its Admins on the Users page."""

    admin_only = True
    http_method_names = ["post"]

    def post(self, request):
        form = TwoStepRequirementForm(request.POST)
        form.is_valid()  # a lone checkbox: anything but "on" reads as unticked
        required = form.cleaned_data.get("require_two_step", False)
        changed = two_step.partner_require_two_step(
            partner=request.user.partner, required=required, actor=request.user, request=request
        )
        if not changed:
            messages.info(request, "Nothing changed.")
        elif required:
            messages.success(
                request,
                "Two-step verification is now required for all users of "
                f"{request.user.partner}. Those without it set it up at their next page.",
            )
        else:
            messages.success(request, "Two-step verification is now each user's choice.")
        return redirect("users:list")
