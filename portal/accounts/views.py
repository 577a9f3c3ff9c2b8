"""Sign-in security pages: password reset and change, the user's sessions, and the MSP's
security log."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.views import View
from django.views.generic import TemplateView

from portal.core.http import client_ip
from portal.core.tenancy import PartnerRequiredMixin

from .email_limits import TooManyEmails, password_reset_take
from .forms import OutboxPasswordResetForm, PasswordChangeForm, SetPasswordForm
from .links import set_password_tokens
from .models import SecurityEvent, UserSession
from .security import Kind, record, user_for_email
from .selectors import security_events_for
from .sessions import session_end, sessions_end_others


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    token_generator = set_password_tokens

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            password_reset_take(email=email, address=client_ip(self.request))
        except TooManyEmails as exc:
            form.add_error("email", f"Too many links were asked for. {exc}")
            return self.form_invalid(form)
        if user := user_for_email(email):
            record(Kind.PASSWORD_RESET_REQUESTED, user=user, request=self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    token_generator = set_password_tokens

    def form_valid(self, form):
        response = super().form_valid(form)
        # The old password's sessions die with it (their hash no longer matches); their rows
        # and store entries go too.
        sessions_end_others(user=form.user, keep_key=None, request=self.request)
        record(Kind.PASSWORD_RESET, user=form.user, request=self.request, actor=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("sessions")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # keeps this session, under a new key
        new_key = self.request.session.session_key
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
        ended = sessions_end_others(user=form.user, keep_key=new_key, request=self.request)
        record(Kind.PASSWORD_CHANGED, user=form.user, request=self.request)
        note = f" {ended} other session{'s' if ended != 1 else ''} signed out." if ended else ""
        messages.success(self.request, f"Your password has been changed.{note}")
        return response


class SessionsView(LoginRequiredMixin, TemplateView):
    """Where I am signed in: this browser and every other, each of which I can sign out."""

    template_name = "accounts/sessions.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sessions=UserSession.objects.filter(user=self.request.user),
            current_key=self.request.session.session_key,
            settings_idle=settings.SESSION_IDLE_MINUTES,
            settings_max=settings.SESSION_MAX_HOURS,
            **kwargs,
        )


class SessionEndView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        session = get_object_or_404(UserSession, pk=pk, user=request.user)
        current = session.session_key == request.session.session_key
        session_end(session=session, request=request)
        if current:
            return redirect("login")
        messages.success(request, "That session has been signed out.")
        return redirect("sessions")


class SessionsEndOthersView(LoginRequiredMixin, View):
    def post(self, request):
        ended = sessions_end_others(
            user=request.user, keep_key=request.session.session_key, request=request
        )
        messages.success(request, f"{ended} other session{'s' if ended != 1 else ''} signed out.")
        return redirect("sessions")


class SecurityLogView(PartnerRequiredMixin, TemplateView):
    """Users | Security Log: the MSP's sign-ins, failures and account changes, newest first."""

    admin_only = True
    template_name = "accounts/security_log.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        events = security_events_for(self.request.user)
        kind = self.request.GET.get("kind", "")
        if kind in SecurityEvent.Kind.values:
            events = events.filter(kind=kind)
        else:
            kind = ""
        page = Paginator(events, self.per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page, kinds=SecurityEvent.Kind.choices, kind=kind, **kwargs
        )
