"""The OpenAPI schema: the token scheme, the ``Idempotency-Key`` header and the error responses
every operation can give, added to each operation here rather than repeated on every view."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, created on your profile page.",
        }


class ErrorDetail(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by input field; nested inputs are named like `products.C1`.",
    )
    retry_after = serializers.IntegerField(required=False, help_text="Seconds, with a 429.")


class Error(serializers.Serializer):
    error = ErrorDetail()


ERRORS = {
    "400": "The input is invalid, or a query parameter holds a control character: `fields` "
    "says where.",
    "401": "No API token, or one that is unknown or revoked.",
    "403": "Signed in with a session without its CSRF token.",
    "404": "No such object for your MSP (another MSP's objects are not found either), or an "
    "endpoint your role may not use.",
    "409": "Refused in the object's current state, or the request with this Idempotency-Key "
    "is still in progress.",
    "422": "This Idempotency-Key was used with another request body.",
    "429": "Too many requests for this token: wait `Retry-After` seconds.",
}
WRITE_ONLY_ERRORS = {"409", "422"}  # a 400 also answers a query parameter of any read

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID is best). The same key with the same body replays the first "
        "response; with another body it is refused (422); while the first is still running, "
        "409. Keys are kept for at least 24 hours."
    ),
)


class PortalAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            parameters = [*parameters, IDEMPOTENCY_KEY]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        for code, description in ERRORS.items():
            if code in responses or (code in WRITE_ONLY_ERRORS and not writes):
                continue
            if code == "422" and self.method != "POST":
                continue
            responses[code] = self._get_response_for_code(
                OpenApiResponse(Error, description=description), code, direction=direction
            )
        return responses
