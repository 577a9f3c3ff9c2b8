"""E-mail through the outbox: ``message_queue`` renders a template trio
(``emails/<name>_subject.txt``, ``<name>.txt``, ``<name>.html``) and writes the message with
the change it reports, in the caller's transaction, so a rolled-back change never sends mail
and a committed one always does; ``messages_queue`` does it for a batch of e-mails in two
INSERTs. ``message_send`` is one try of the e-mail kind, which core declares in
``portal.core.tasks``.
"""

import datetime
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone

from ..bulk import insert_rows, reserve_ids
from ..logs import current_request_id
from .kinds import KINDS, Undelivered
from .models import OutgoingAttachment, OutgoingMessage


@dataclass(frozen=True)
class FileToAttach:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_templates(name: str) -> list:
    """The trio of ``name``: subject, text and HTML templates."""
    return [get_template(f"emails/{name}{end}") for end in ("_subject.txt", ".txt", ".html")]


def email_render(name: str, context: dict, templates: list | None = None) -> RenderedEmail:
    """The e-mail ``name`` with ``context``; ``templates``, its trio if looked up already."""
    subject, text, html = templates or email_templates(name)
    context = {"site_url": settings.SITE_URL, **context}
    return RenderedEmail(
        # A subject is one line, whatever the template's line breaks.
        subject=" ".join(subject.render(context).split()),
        text=text.render(context),
        html=html.render(context),
    )


def message_queue(
    *,
    template: str,
    to: list[str],
    context: dict,
    attachments: list[FileToAttach] = (),
    partner=None,
) -> OutgoingMessage:
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
        # The kind is declared by ``portal.core.tasks``, where its task keeps its name.
        KINDS[OutgoingMessage].enqueue(message.pk)
    return message


@dataclass(frozen=True)
class Mail:
    """One e-mail of ``messages_queue``: a template trio's name, its context and addresses."""

    template: str
    to: list[str]
    context: dict
    partner_id: int | None = None


def messages_queue(mails: list[Mail]) -> list[int]:
    """``message_queue`` for many e-mails at once (a batch job's): the messages written below
    the ORM (``core.bulk``: COPY on PostgreSQL) and a task for every few of them, so that a
    thousand e-mails cost a few statements. Their ids, in order."""
    if not mails:
        return []
    rows, trios = [], {}
    now, request_id = timezone.now(), current_request_id()
    for mail in mails:
        if mail.template not in trios:  # looked up once per batch rather than per e-mail
            trios[mail.template] = email_templates(mail.template)
        rendered = email_render(mail.template, mail.context, trios[mail.template])
        rows.append(
            [
                mail.partner_id,
                mail.template,
                json.dumps(list(mail.to)),
                rendered.subject[:300],
                rendered.text,
                rendered.html,
                OutgoingMessage.Status.QUEUED.value,
                0,
                "",
                now,
                request_id,
            ]
        )
    with transaction.atomic():
        ids = reserve_ids(OutgoingMessage, len(rows))
        insert_rows(
            OutgoingMessage,
            MESSAGE_COLUMNS,
            ([pk, *row] for pk, row in zip(ids, rows, strict=True)),
        )
        KINDS[OutgoingMessage].enqueue_many(ids)
    return ids


MESSAGE_COLUMNS = [
    "id",
    "partner_id",
    "template",
    "to",
    "subject",
    "text_body",
    "html_body",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "request_id",
]


def message_id(message: OutgoingMessage) -> str:
    """The e-mail's ``Message-ID``, the same on every delivery of one row (a worker that died
    after the mail server took the message sends it again), so mail clients drop the copy.
    The row's creation time keeps ids apart across databases that reuse primary keys."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    created = message.created_at.astimezone(datetime.UTC)
    return f"<outbox.{message.pk}.{created:%Y%m%d%H%M%S%f}@{host}>"


def message_send(message: OutgoingMessage) -> None:
    """One try: hand the message to the mail server (``EMAIL_BACKEND``)."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        headers={
            "Message-ID": message_id(message),
            "X-Portal-Message-Id": str(message.pk),
            **({"X-Request-ID": message.request_id} if message.request_id else {}),
        },
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for f in message.files.all():
        email.attach(f.filename, bytes(f.content), f.mimetype)
    try:
        email.send(fail_silently=False)
    except Exception as exc:  # any failure of the mail server is retried the same way
        raise Undelivered(f"{type(exc).__name__}: {exc}") from exc
