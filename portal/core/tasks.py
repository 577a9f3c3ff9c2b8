"""core's tasks: the delivery of e-mail, core's kind of outbox row (see ``portal.core.outbox``),
and the periodic clean-ups (``purge``, on the scheduler)."""

from django_tasks import task

from .outbox import Kind, housekeeping_all, register
from .outbox.mail import message_send
from .outbox.models import OutgoingMessage


@task()
def deliver_message(message_id: int) -> str:
    return EMAIL.deliver(message_id)


@task()
def deliver_messages(message_ids: list[int]) -> str:
    """A batch job's e-mails (``messages_queue``), one after the other."""
    return EMAIL.deliver_many(message_ids)


EMAIL = register(
    Kind(
        OutgoingMessage,
        deliver_message,
        message_send,
        "OUTBOX",
        "email",
        timeout_setting="EMAIL_TIMEOUT",
        done_at="sent_at",
        code_field=None,  # a mail server's answer is not kept
        related=("files",),
        nothing="nothing to send",
        task_many=deliver_messages,
    )
)


def message_deliver(*, message_id: int) -> str:
    """One try of the message, as its task makes it."""
    return EMAIL.deliver(message_id)


@task()
def purge() -> str:
    """The apps' periodic clean-ups (``HOUSEKEEPING``): old idempotency keys, rate counts,
    finished task results, scheduler runs …"""
    forgot = housekeeping_all()
    done = ", ".join(f"{count} {name}" for name, count in forgot.items() if count)
    return f"Forgot: {done}" if done else "Nothing to forget"
