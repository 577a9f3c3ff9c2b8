"""The transactional outbox: messages are rows written with the change they report.

``message_queue`` writes the message and enqueues its delivery on the database task queue in
the caller's transaction, so a rolled-back change never sends mail and a committed one always
does. ``message_deliver`` is what the task runs (see ``delivery``): one try, then either sent, a
retry later, or failed for good after ``OUTBOX_MAX_ATTEMPTS``.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .delivery import claim, finish, redeliver
from .emails import email_render
from .models import OutgoingAttachment, OutgoingMessage


@dataclass(frozen=True)
class FileToAttach:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def message_queue(
    *,
    template: str,
    to: list[str],
    context: dict,
    attachments: list[FileToAttach] = (),
    partner=None,
) -> OutgoingMessage:
    from .tasks import deliver_message, enqueue_in_transaction

    rendered = email_render(template, context)
    with transaction.atomic():
        message = OutgoingMessage.objects.create(
            partner=partner,
            template=template,
            to=list(to),
            subject=rendered.subject,
            text_body=rendered.text,
            html_body=rendered.html,
        )
        OutgoingAttachment.objects.bulk_create(
            OutgoingAttachment(
                message=message, filename=f.filename, mimetype=f.mimetype, content=f.content
            )
            for f in attachments
        )
        enqueue_in_transaction(deliver_message, message_id=message.pk)
    return message


def message_deliver(*, message_id: int) -> str:
    from .tasks import deliver_message, enqueue_in_transaction

    lease = datetime.timedelta(seconds=settings.EMAIL_TIMEOUT + 60)
    message = claim(OutgoingMessage.objects.prefetch_related("files"), message_id, lease=lease)
    if message is None:
        return "nothing to send"
    # The mail server is called outside any transaction: on SQLite a write transaction would
    # hold up every other writer for as long as the server takes to answer.
    try:
        _send(message)
    except Exception as exc:  # any failure of the mail server is retried the same way
        error = f"{type(exc).__name__}: {exc}"
    else:
        error = None
    return finish(
        message,
        error=error,
        done_status=OutgoingMessage.Status.SENT,
        done_fields={"sent_at": timezone.now()},
        max_attempts=settings.OUTBOX_MAX_ATTEMPTS,
        base_seconds=settings.OUTBOX_RETRY_BASE_SECONDS,
        retry=lambda when: enqueue_in_transaction(
            deliver_message, run_after=when, message_id=message.pk
        ),
    )


def message_retry(*, message: OutgoingMessage) -> bool:
    """Staff give a failed message another round of tries; False if it is not failed."""
    from .tasks import deliver_message, enqueue_in_transaction

    return redeliver(
        message, retry=lambda: enqueue_in_transaction(deliver_message, message_id=message.pk)
    )


def message_id(message: OutgoingMessage) -> str:
    """The e-mail's ``Message-ID``, the same on every delivery of one row (a worker that died
    after the mail server took the message sends it again), so mail clients drop the copy.
    The row's creation time keeps ids apart across databases that reuse primary keys."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    created = message.created_at.astimezone(datetime.UTC)
    return f"<outbox.{message.pk}.{created:%Y%m%d%H%M%S%f}@{host}>"


def _send(message: OutgoingMessage) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        headers={"Message-ID": message_id(message), "X-Portal-Message-Id": str(message.pk)},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for f in message.files.all():
        email.attach(f.filename, bytes(f.content), f.mimetype)
    email.send(fail_silently=False)
