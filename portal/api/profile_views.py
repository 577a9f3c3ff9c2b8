"""The profile page: who I am, and my personal API tokens (made, shown once, revoked)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

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
            {"form": form, "tokens": tokens, "new_token": new_token},
            status=status,
        )

    def get(self, request):
        return self.render(request, TokenForm(user=request.user))

    def post(self, request):
        form = TokenForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(request, form, status=400)
        token, raw = token_create(user=request.user, name=form.cleaned_data["name"])
        # Shown in this response only: it is stored hashed and can't be shown again.
        return self.render(request, TokenForm(user=request.user), new_token=raw)


class TokenRevokeView(PartnerRequiredMixin, View):
    def post(self, request, pk: int):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        if token_revoke(token=token, actor=request.user):
            messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
        return redirect("profile")
