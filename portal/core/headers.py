"""Response headers Django has no setting for: Permissions-Policy and a no-store default.

The Content-Security-Policy comes from django-csp (``CONTENT_SECURITY_POLICY`` in the
settings); HSTS, the HTTPS redirect, nosniff and Referrer-Policy from Django's
SecurityMiddleware.
"""

# Browser features the portal never uses, switched off for every page and anything it frames.
# Only names Chromium knows: it prints an error to the console for any other. The passkey
# features (publickey-credentials-*) keep their default, same origin, for two-step sign-in.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)
NO_STORE = "private, no-store"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer, and ``Cache-Control: private, no-store`` on every
    answer a view made without a Cache-Control of its own.

    Every page and API answer holds one MSP's data, and even the pages anyone may open (the
    customer's Request for Information form, sign-in) carry a tenant's name or a form token,
    so no shared cache or back button may keep a copy. Static files never get here: WhiteNoise
    answers them earlier, with their own long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cache-Control", NO_STORE)
        return response
