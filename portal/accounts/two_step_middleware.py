"""Hold a signed-in user at the second step until it is passed.

After the password, a user who has two-step verification on sees only the verify page; one
who must have it (vendor staff, users of an MSP that requires it) and has not set it up sees
only the set-up pages. Logging out always works. An API call with a token is let through: the
token is a factor of its own, checked by the API.
"""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from portal.core.http import error_body

from . import two_step

SIGN_OUT = {"logout"}
# What an unverified user with a device may use to pass the step.
VERIFY = SIGN_OUT | {
    "two_step_verify",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}
# What a user who must set two-step verification up may use to do so.
ENROL = SIGN_OUT | {
    "two_step_manage",
    "two_step_authenticator_start",
    "two_step_authenticator",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:js-i18n-catalog",
}


TWO_STEP_FIRST = (
    "Finish signing in with your second step first, or call the API with a token "
    "(Authorization: Bearer msp_…)."
)


def _with_next(url_name: str, request) -> str:
    url = reverse(url_name)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


class TwoStepMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.path_info.startswith("/api/") and request.headers.get(
            "Authorization", ""
        ).lower().startswith("bearer "):
            return None  # the API's token authentication decides; the session is not used
        name = request.resolver_match.view_name if request.resolver_match else ""
        if two_step.is_enabled(user):
            allowed, to = VERIFY, "two_step_verify"
        elif two_step.is_required(user):
            allowed, to = ENROL, "two_step_manage"
        else:
            return None
        if name not in allowed:
            if request.path_info.startswith("/api/v1/"):
                # A program gets the API's JSON error, not a page it cannot follow.
                return JsonResponse(
                    error_body(403, "two_step_required", TWO_STEP_FIRST), status=403
                )
            return redirect(_with_next(to, request))
        request.two_step_pending = True  # the page shows no menu of pages still closed
        return None
