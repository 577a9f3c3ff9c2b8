"""One signed POST of JSON per delivery try: provisioning requests to the vendor, webhooks to
an MSP's own systems.

``signed_post`` returns the HTTP status of a 2xx answer, or raises ``Undelivered`` saying why
not and whether another try could help: a timeout, a connection failure, a 5xx, 408, 425 or
429 is worth retrying; any other 4xx will not get better by itself and is ``permanent``.
"""

import http.client
import json
import urllib.error
import urllib.request

from .signing import signed_headers

RETRIED_4XX = {408, 425, 429}


class Undelivered(Exception):
    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.code = code


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx is raised as an HTTPError


_FOLLOWING = urllib.request.build_opener()
_NOT_FOLLOWING = urllib.request.build_opener(_NoRedirects)


def json_body(payload: dict) -> bytes:
    """The exact bytes signed and sent: the same for every try of one row."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def signed_post(
    url: str,
    body: bytes,
    *,
    secret: str,
    headers: dict[str, str],
    timeout: float,
    json_answer: bool = True,
    follow_redirects: bool = True,
) -> int:
    """POST ``body`` signed with ``secret`` (see ``signing``) and ``headers`` to ``url``.

    ``json_answer``: only a 2xx with a JSON object counts as received. Without
    ``follow_redirects`` a 3xx fails at once: the address to register is the final one."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "msp-partner-portal",
        **headers,
        **signed_headers(secret, body),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = _FOLLOWING if follow_redirects else _NOT_FOLLOWING
    try:
        with opener.open(request, timeout=timeout) as answer:
            code, text = answer.status, answer.read(65536)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode(errors="replace").strip() if exc.fp else ""
        redirected = not follow_redirects and 300 <= exc.code < 400
        raise Undelivered(
            f"HTTP {exc.code} {exc.reason}"
            + (" (redirects are not followed)" if redirected else "")
            + (f": {detail}" if detail else ""),
            permanent=redirected or (400 <= exc.code < 500 and exc.code not in RETRIED_4XX),
            code=exc.code,
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Undelivered(f"{type(reason).__name__}: {reason}") from None
    if json_answer:
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            shown = text[:120].decode(errors="replace")
            raise Undelivered(f"HTTP {code} with an unreadable answer: {shown!r}", code=code)
    return code
