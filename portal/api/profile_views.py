"""The profile page: who I am, and my personal API tokens (made, shown once, revoked)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from portal.accounts import two_step
from portal.core.tenancy import PartnerRequiredMixin
from portal.core.text import Form

from .models import ApiToken
from .tokens import token_create, token_revoke

MAX_TOKENS = 20


class TokenForm(Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What uses it, such as “ConnectWise sync”.",
    )

    code = forms.CharField(
        label="Authenticator code or recovery code",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
        help_text="A token works without your second step, so making one asks for it again.",
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user
        # With two-step verification on, a token needs the second step within the last few
        # minutes: the code here, or a fresh pass on the verify page (for a passkey).
        self.needs_code = two_step.is_enabled(self.user) and not two_step.verified_recently(request)
        if not self.needs_code:
            del self.fields["code"]

    def clean_code(self):
        try:
            device = two_step.code_check(
                user=self.user,
                code=self.cleaned_data["code"],
                request=self.request,
                purpose="creating an API token",
            )
        except two_step.TwoStepError as exc:
            raise forms.ValidationError(str(exc)) from exc
        two_step.session_verify(self.request, device)
        return ""

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        tokens = ApiToken.objects.filter(user=self.user, revoked_at__isnull=True)
        if tokens.filter(name__iexact=name).exists():
            raise forms.ValidationError("You have an active token of that name already.")
        if tokens.count() >= MAX_TOKENS:
            raise forms.ValidationError(
                f"You have {MAX_TOKENS} active tokens: revoke one you no longer use first."
            )
        return name


@method_decorator(never_cache, name="dispatch")  # a new token is on the page: keep no copy
class ProfileView(PartnerRequiredMixin, View):
    template_name = "api/profile.html"

    def render(self, request, form, new_token: str = "", status: int = 200):
        tokens = ApiToken.objects.filter(user=request.user)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "tokens": tokens,
                "new_token": new_token,
                "two_step_on": two_step.is_enabled(request.user),
            },
            status=status,
        )

    def get(self, request):
        return self.render(request, TokenForm(request=request))

    def post(self, request):
        form = TokenForm(request.POST, request=request)
        if not form.is_valid():
            return self.render(request, form, status=400)
        token, raw = token_create(user=request.user, name=form.cleaned_data["name"])
        # Shown in this response only: it is stored hashed and can't be shown again.
        return self.render(request, TokenForm(request=request), new_token=raw)


class TokenRevokeView(PartnerRequiredMixin, View):
    def post(self, request, pk: int):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        if token_revoke(token=token, actor=request.user):
            messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
        return redirect("profile")
