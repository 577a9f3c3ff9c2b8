"""The outbox: a message stands or falls with the transaction that queues it."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.core.models import OutgoingMessage
from portal.core.outbox import FileToAttach, message_queue


class FailingBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def queue_reset_mail(to="someone@example.com", **kwargs):
    return message_queue(
        template="password_reset",
        to=[to],
        context={"user": "Someone", "reset_path": "/accounts/reset/x/y/"},
        **kwargs,
    )


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_message_queued_in_a_rolled_back_transaction_is_never_sent(run_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_reset_mail()
        raise RuntimeError("the order failed")

    run_worker()

    assert OutgoingMessage.objects.count() == 0
    assert mail.outbox == []


def test_message_queued_in_a_committed_transaction_is_sent_by_the_worker(run_worker):
    with transaction.atomic():
        message = queue_reset_mail(
            attachments=[FileToAttach("addendum.pdf", b"%PDF-1.4 demo", "application/pdf")]
        )
    assert mail.outbox == []  # nothing goes out until the worker runs

    run_worker()

    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert message.attempts == 1
    [sent] = mail.outbox
    assert sent.to == ["someone@example.com"]
    assert sent.subject == "Choose a new password for the MSP Partner Portal"
    assert "/accounts/reset/x/y/" in sent.body
    assert sent.alternatives[0].mimetype == "text/html"
    assert sent.attachments[0][0] == "addendum.pdf"
    assert sent.attachments[0][1] == b"%PDF-1.4 demo"


def test_failing_send_is_retried_and_shown_as_failed_after_the_last_attempt(run_worker, settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.FailingBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 0  # retries are due at once, so one batch runs them all
    message = queue_reset_mail()

    run_worker()

    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.FAILED
    assert message.attempts == 3
    assert "mail server down" in message.last_error
    assert message.next_attempt_at is None


def test_retry_waits_longer_after_each_failure(run_worker, settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.FailingBackend"
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    message = queue_reset_mail()

    run_worker()  # one try; the retry is not due yet

    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.next_attempt_at is not None
    # 30 s ± 25 % jitter after the try
    assert 22 <= (message.next_attempt_at - message.created_at).total_seconds() <= 40


def test_a_message_whose_worker_died_mid_send_is_sent_once_after_recovery(run_worker):
    message = queue_reset_mail()
    # What a worker killed while the mail server was answering leaves behind: the message
    # claimed with its try counted, its task marked running for ever.
    before = timezone.now() - datetime.timedelta(minutes=5)
    OutgoingMessage.objects.filter(pk=message.pk).update(claimed_until=before, attempts=1)
    DBTaskResult.objects.update(status="RUNNING")

    run_worker()
    assert mail.outbox == []  # no task is left to send it

    call_command("outbox_recover", verbosity=0)
    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.claimed_until) == ("sent", 2, None)
    assert len(mail.outbox) == 1


def test_recovery_leaves_a_message_a_live_worker_holds(run_worker):
    message = queue_reset_mail()
    held = timezone.now() + datetime.timedelta(minutes=1)
    OutgoingMessage.objects.filter(pk=message.pk).update(
        claimed_until=held, created_at=timezone.now() - datetime.timedelta(hours=1)
    )

    call_command("outbox_recover", verbosity=0)
    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)
    assert mail.outbox == []
