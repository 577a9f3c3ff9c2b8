"""The signed link to the form: works without logging in, expires, and only the newest works.

The token carries the request's id and link version, signed with the secret key and a salt of
its own (a token made for anything else never opens the form) and stamped with the time it was
made, so that ``RFI_LINK_MAX_AGE_DAYS`` later it is refused.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import InformationRequest

SALT = "portal.rfi.link"


class LinkProblem(Exception):
    """The link does not open the form; ``status`` is the HTTP status of the page that says so."""

    status = 404


class LinkInvalid(LinkProblem):
    """Tampered with, cut short, or made for a request that no longer exists."""


class LinkExpired(LinkProblem):
    status = 410


class LinkReplaced(LinkProblem):
    """A newer link has been sent since (Resend)."""

    status = 410


def link_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RFI_LINK_MAX_AGE_DAYS)


def rfi_token(rfi: InformationRequest) -> str:
    return signing.dumps({"rfi": rfi.pk, "v": rfi.link_version}, salt=SALT)


def rfi_url(rfi: InformationRequest) -> str:
    """The absolute link for the e-mail."""
    return settings.SITE_URL + reverse("rfi:form", args=[rfi_token(rfi)])


def rfi_for_token(token: str) -> InformationRequest:
    """The request the link opens, or a ``LinkProblem`` saying why it opens none."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("rfi"), int):
        raise LinkInvalid
    rfi = (
        InformationRequest.objects.select_related("company__partner", "sent_by")
        .filter(pk=payload["rfi"])
        .first()
    )
    if rfi is None:
        raise LinkInvalid
    if payload.get("v") != rfi.link_version:
        raise LinkReplaced
    return rfi
