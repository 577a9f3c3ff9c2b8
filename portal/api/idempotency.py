"""``Idempotency-Key`` on POST: a retried request gets the first answer instead of a second
effect.

The key is claimed by inserting a row (unique per user and key) in its own, committed,
transaction before the view runs, so two concurrent requests cannot both run: the loser sees
the row and answers 409 (still running), 422 (another body) or the stored response.
"""

import datetime
import hashlib
import json
import uuid
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from portal.core.text import message, problem

from .errors import ApiError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEPT_HEADERS = ("Location",)


def fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    # Unchecked: the view finds its object (a 404) before it refuses the body's text (a 400).
    data = request.raw_data if hasattr(request, "raw_data") else request.data
    if hasattr(data, "lists"):  # a form or multipart body: its fields, then its files
        fields = {key: values for key, values in data.lists() if key not in request.FILES}
        digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"\n{name}={upload.name}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(json.dumps(data, sort_keys=True, default=str).encode())
    return digest.hexdigest()


# An Idempotency-Key made into an order's or change order's own key (unique on the row), so
# that a retry finds what it submitted even after the stored answer is forgotten.
SUBMISSION_NAMESPACE = uuid.UUID("6f1d7c52-3b0e-4f5e-9a51-0c6b2f9a7d10")


def submission_key(request) -> uuid.UUID:
    """The key a submit stores on what it makes: from the header if given, else a new one."""
    header = request.headers.get(HEADER)
    if not header:
        return uuid.uuid4()
    return uuid.uuid5(SUBMISSION_NAMESPACE, f"{request.user.pk}:{header.strip()}")


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.IDEMPOTENCY_KEEP_HOURS)


def purge_expired() -> int:
    """Forget the keys older than ``IDEMPOTENCY_KEEP_HOURS``; how many."""
    cutoff = timezone.now() - keep_for()
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]


# A request still "in progress" after this long died with its process: as it ran in one
# transaction, it left nothing behind, and its key may run again.
STALE = datetime.timedelta(minutes=5)


def _take_over(found: IdempotencyKey) -> bool:
    now = timezone.now()
    taken = IdempotencyKey.objects.filter(
        pk=found.pk, state=IdempotencyKey.State.IN_PROGRESS, created_at=found.created_at
    ).update(created_at=now)
    found.created_at = now
    return bool(taken)


def _claim(user, key: str, print_: str) -> IdempotencyKey:
    """The key's row: a new one (in progress) if this request is the first with ``key``, else
    the answered one; raises while the first still runs, or for another body."""
    # The user's expired keys go as they make new ones; ``idempotency_purge`` catches the rest.
    expired = timezone.now() - keep_for()
    IdempotencyKey.objects.filter(user=user, created_at__lt=expired).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
    except IntegrityError:
        pass
    found = IdempotencyKey.objects.filter(user=user, key=key).first()
    if found is None:  # released by a failed first request just now: take it
        return _claim(user, key, print_)
    if found.fingerprint != print_:
        raise ApiError(
            f"This {HEADER} was used with another request; use a new key for a new request.",
            status_code=422,
            code="idempotency_key_reused",
        )
    if found.state == IdempotencyKey.State.IN_PROGRESS:
        if found.created_at < timezone.now() - STALE and _take_over(found):
            return found
        raise ApiError(
            f"A request with this {HEADER} is still in progress; try again shortly.",
            status_code=409,
            code="idempotency_key_in_use",
        )
    return found


class _Undo(Exception):
    """Roll back what the view wrote, and answer ``response`` all the same."""

    def __init__(self, response):
        self.response = response


def _answer(view, method, request, args, kwargs):
    try:
        return method(view, request, *args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a refusal is an answer too: keep it
        return view.handle_exception(exc)  # re-raises what is not an API error


def _mine(row: IdempotencyKey):
    """The key's row as long as this request still holds it (not taken over meanwhile)."""
    return IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at)


def _store(row: IdempotencyKey, response) -> None:
    _mine(row).update(
        state=IdempotencyKey.State.DONE,
        response_status=response.status_code,
        response_body=response.data,
        response_headers={h: response[h] for h in KEPT_HEADERS if h in response},
    )


def idempotent(method):
    """Wraps a view's ``post``: with the header, the first answer is stored and replayed.

    A success is stored in the view's own transaction, so a process that dies midway leaves
    neither the effect nor the answer, and the key is taken over once it is stale. A refusal
    of the request itself (400, 404, 422) is stored after it; a 409 (the object's state,
    which may change) and a server error are not: the same key may try again.
    """

    @wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return method(view, request, *args, **kwargs)
        key = key.strip()
        if not 0 < len(key) <= 255:
            raise ApiError(
                f"{HEADER} must have 1 to 255 characters.",
                status_code=400,
                code="invalid",
                fields={HEADER: ["Use 1 to 255 characters, such as a UUID."]},
            )
        if what := problem(key):  # stored with the answer: PostgreSQL takes no NUL
            raise ApiError(
                message(what, HEADER),
                status_code=400,
                code="invalid",
                fields={HEADER: [message(what, "This header")]},
            )
        row = _claim(request.user, key, fingerprint(request))
        if row.state == IdempotencyKey.State.DONE:
            headers = {**row.response_headers, REPLAYED: "true"}
            return Response(row.response_body, status=row.response_status, headers=headers)
        try:
            with transaction.atomic():
                # Held until this request's transaction ends: a retry that finds the key
                # stale waits here for it rather than running the view a second time.
                _mine(row).select_for_update().first()
                response = _answer(view, method, request, args, kwargs)
                if response.status_code >= 500 or not hasattr(response, "data"):
                    raise _Undo(response)
                if response.status_code < 400:
                    _store(row, response)
        except _Undo as undo:
            _mine(row).delete()
            return undo.response
        except BaseException:
            _mine(row).delete()
            raise
        if response.status_code == 409:
            _mine(row).delete()
        elif response.status_code >= 400:
            _store(row, response)
        return response

    return wrapper
