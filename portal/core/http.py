from django.conf import settings


def client_ip(request) -> str | None:
    """The address of the person: behind the operator's proxy, the one the proxy appended
    last to X-Forwarded-For (earlier entries are whatever the client sent)."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if last := forwarded.split(",")[-1].strip():
            return last
    return request.META.get("REMOTE_ADDR") or None


# The API's one error shape; also used outside the API app by middleware that answers /api/ calls.
def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    error = {"status": status_code, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}
