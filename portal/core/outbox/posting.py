"""One signed POST of JSON per delivery try: provisioning requests to the vendor, webhooks to
an MSP's own systems.

``signed_post`` returns the HTTP status of a 2xx answer, or raises ``Undelivered`` saying why
not and whether another try could help: a timeout, a connection failure, a 5xx, 408, 425 or
429 is worth retrying; any other 4xx will not get better by itself and is ``permanent``.
"""

import functools
import http.client
import json
import socket
import threading
import urllib.error
import urllib.request

from portal.core.logs import REQUEST_ID
from portal.core.signing import signed_headers

from .kinds import Undelivered

RETRIED_4XX = {408, 425, 429}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx is raised as an HTTPError


_FOLLOWING = urllib.request.build_opener()
_NOT_FOLLOWING = urllib.request.build_opener(_NoRedirects)


class _Pinned:
    """A connection to vetted IP addresses only (tried in turn; the name is still sent as Host
    and as the TLS server name), cut off after ``deadline`` seconds in all, however slowly the
    other side trickles its answer: a name that resolves again differently cannot redirect
    it, and a slow receiver cannot hold a worker."""

    def __init__(self, *args, ips: list[str], deadline: float, **kwargs):
        super().__init__(*args, **kwargs)
        self._ips, self._deadline = ips, deadline
        self._timer = self._watched = None

    def _open_socket(self) -> socket.socket:
        error: OSError = OSError("no address to connect to")
        for ip in self._ips:
            try:
                sock = socket.create_connection((ip, self.port), self.timeout, self.source_address)
                break
            except OSError as exc:
                error = exc
        else:
            raise error
        # A duplicate of the socket for the timer: TLS takes the original over (its own
        # descriptor is then gone), while a shutdown through the duplicate still ends it.
        self._watched = sock.dup()
        self._timer = threading.Timer(self._deadline, _cut, args=(self._watched,))
        self._timer.daemon = True
        self._timer.start()
        return sock

    def close(self):
        if self._timer is not None:
            self._timer.cancel()
            self._watched.close()
            self._timer = self._watched = None
        super().close()


def _cut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    def connect(self):
        self.sock = self._open_socket()


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    def connect(self):
        self.sock = self._context.wrap_socket(self._open_socket(), server_hostname=self.host)


def _pinned_opener(ips: list[str], deadline: float):
    class Plain(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(functools.partial(_PinnedHTTP, ips=ips, deadline=deadline), req)

    class Secure(urllib.request.HTTPSHandler):
        def https_open(self, req):
            connection = functools.partial(_PinnedHTTPS, ips=ips, deadline=deadline)
            return self.do_open(connection, req, context=self._context)

    # Straight to the vetted addresses: an HTTP(S)_PROXY from the environment would be asked
    # to connect somewhere else.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects, Plain, Secure)


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
    connect_to: list[str] | None = None,
) -> int:
    """POST ``body`` signed with ``secret`` (see ``signing``) and ``headers`` to ``url``.

    ``json_answer``: only a 2xx with a JSON object counts as received (else the answer is
    not read, and an error's text is not kept either: the other side is not ours to quote).
    Without ``follow_redirects`` a 3xx fails at once: the address to register is the final
    one. ``connect_to``: the vetted IP addresses of the URL's host, the only ones connected to
    (no proxy); the whole try then ends after ``timeout`` seconds, and redirects are not
    followed."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "msp-partner-portal",
        **headers,
        **signed_headers(secret, body),
    }
    if request_id := REQUEST_ID.get():
        headers["X-Request-ID"] = request_id  # the receiver's logs can name our request
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    if connect_to:
        opener, follow_redirects = _pinned_opener(connect_to, timeout), False
    else:
        opener = _FOLLOWING if follow_redirects else _NOT_FOLLOWING
    try:
        with opener.open(request, timeout=timeout) as answer:
            code, text = answer.status, answer.read(65536) if json_answer else b""
    except urllib.error.HTTPError as exc:
        quoted = json_answer and exc.fp
        detail = exc.read(300).decode(errors="replace").strip() if quoted else ""
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
