"""HMAC-SHA256 signatures for JSON sent between systems: provisioning requests, callbacks.

The signature covers the timestamp and the exact body bytes, ``sha256=<hex>`` of
``HMAC(secret, "<unix seconds>." + body)``, sent in two headers. A receiver checks both: a
wrong signature means the body was forged or altered, an old timestamp that it is a replay.
"""

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Portal-Timestamp"
SIGNATURE_HEADER = "X-Portal-Signature"


class BadSignature(Exception):
    """Refused: the message says why, for the sender's log (never the secret); ``code`` is one
    of ``unsigned``, ``malformed``, ``mismatch`` or ``expired``."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(secret: str, headers, body: bytes, *, max_age: int, now: float | None = None) -> str:
    """Check the two headers of ``body``; returns the signature. Raises ``BadSignature``."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    given = headers.get(SIGNATURE_HEADER, "")
    if not timestamp or not given:
        raise BadSignature(
            f"{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required.", code="unsigned"
        )
    if not timestamp.isdigit():
        raise BadSignature(f"{TIMESTAMP_HEADER} must be a Unix time in seconds.", code="malformed")
    if not hmac.compare_digest(signature(secret, timestamp, body), given):
        raise BadSignature("The signature does not match the body.", code="mismatch")
    # Checked after the signature, so an attacker learns nothing from the timing of either.
    age = (time.time() if now is None else now) - int(timestamp)
    if abs(age) > max_age:
        raise BadSignature(
            f"The timestamp is {int(abs(age))} s {'old' if age > 0 else 'ahead'}; at most "
            f"{max_age} s is accepted (a replay is refused).",
            code="expired",
        )
    return given
