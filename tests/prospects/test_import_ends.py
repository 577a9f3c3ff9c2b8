"""Every import ends, imported or not imported with the reason: past its time limit, when its
task fails, when its worker dies; and the worker goes on delivering e-mail after a hostile file."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from portal.companies.models import Company
from portal.core.outbox import message_queue
from portal.prospects import import_services, importing
from portal.prospects.import_services import import_run, import_start, imports_expire
from portal.prospects.models import ProspectImport

from .hostile_files import dimension_bomb
from .upload_helpers import csv_bytes, row

MANY = csv_bytes([row(f"Company {i:04}", f"c{i}.example") for i in range(1500)])


def started(acme, acme_admin, content=MANY, name="p.csv") -> ProspectImport:
    return import_start(partner=acme, actor=acme_admin, filename=name, content=content)


def as_left_by_a_dead_worker(upload: ProspectImport, *, deadline_ago: datetime.timedelta):
    """What a worker killed in the middle of checking leaves: "Checking rows", for good."""
    ProspectImport.objects.filter(pk=upload.pk).update(
        status=ProspectImport.Status.CHECKING,
        checked_rows=500,
        deadline=timezone.now() - deadline_ago,
    )


def test_an_import_past_its_time_limit_ends_failed_with_the_reason(
    acme, acme_admin, catalog, settings
):
    settings.PROSPECT_IMPORT_TIME_LIMIT_SECONDS = 0  # the clock is looked at every 1,000 rows

    upload = started(acme, acme_admin)
    assert import_run(import_id=upload.pk) == ProspectImport.Status.FAILED

    upload.refresh_from_db()
    assert upload.finished and upload.finished_at
    assert upload.message.startswith("Stopped: the import ran past its time limit of 0 seconds.")
    assert "Nothing was imported" in upload.message
    assert upload.content == b""
    assert not Company.objects.exists()


class AnHourLater:
    @staticmethod
    def now():
        return timezone.now() + datetime.timedelta(hours=1)


def test_an_import_past_its_time_limit_while_saving_saves_nothing(
    acme, acme_admin, catalog, monkeypatch
):
    def check_then_let_the_time_run_out(*args, **kwargs):
        plan = check_file(*args, **kwargs)
        monkeypatch.setattr(importing, "timezone", AnHourLater)
        return plan

    check_file = importing.check_file
    monkeypatch.setattr(importing, "check_file", check_then_let_the_time_run_out)

    upload = started(acme, acme_admin)
    import_run(import_id=upload.pk)

    upload.refresh_from_db()
    assert upload.status == ProspectImport.Status.FAILED
    assert "ran past its time limit" in upload.message
    assert not Company.objects.exists()


def test_an_import_whose_task_fails_ends_failed_with_the_reason(
    acme, acme_admin, catalog, monkeypatch
):
    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("portal.prospects.imports.Checker.parse", out_of_memory)

    upload = started(acme, acme_admin)
    assert import_run(import_id=upload.pk) == ProspectImport.Status.FAILED

    upload.refresh_from_db()
    assert upload.message.startswith("Stopped on an unexpected error. Nothing was imported")
    assert not Company.objects.exists()


def test_an_import_left_checking_by_a_dead_worker_is_ended_by_outbox_recover(
    acme, acme_admin, catalog
):
    running = started(acme, acme_admin)
    as_left_by_a_dead_worker(running, deadline_ago=datetime.timedelta(seconds=-60))
    dead = started(acme, acme_admin, content=csv_bytes([row()]))
    as_left_by_a_dead_worker(dead, deadline_ago=datetime.timedelta(minutes=2))

    call_command("outbox_recover", verbosity=0)

    running.refresh_from_db()
    dead.refresh_from_db()
    assert running.status == ProspectImport.Status.CHECKING  # its deadline is still ahead
    assert dead.status == ProspectImport.Status.FAILED
    assert dead.message.startswith("Stopped without finishing: its worker stopped, or it ran")
    assert dead.finished_at is not None and dead.content == b""


def test_the_progress_page_ends_an_import_whose_worker_died(client, acme, acme_admin, catalog):
    upload = started(acme, acme_admin)
    as_left_by_a_dead_worker(upload, deadline_ago=datetime.timedelta(minutes=2))
    client.force_login(acme_admin)

    fragment = client.get(
        reverse("prospects:upload_result", args=[upload.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Not imported: failed" in fragment
    assert "Stopped without finishing" in fragment
    assert "hx-trigger" not in fragment  # the page stops asking


def test_an_import_no_worker_took_up_is_ended_after_the_wait_limit(
    acme, acme_admin, catalog, settings
):
    settings.PROSPECT_IMPORT_WAIT_LIMIT_SECONDS = 3600
    upload = started(acme, acme_admin)
    ProspectImport.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=59)
    )
    assert imports_expire() == 0
    ProspectImport.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=61)
    )

    assert imports_expire() == 1

    upload.refresh_from_db()
    assert upload.status == ProspectImport.Status.FAILED
    assert upload.message == (
        "No worker started this import within 60 minutes. Nothing was imported; "
        "upload the file again."
    )
    # Its task, should it come at last, leaves it as it is.
    assert import_run(import_id=upload.pk) == ProspectImport.Status.FAILED
    assert not Company.objects.exists()


def test_a_save_that_finds_its_import_ended_meanwhile_keeps_nothing(
    acme, acme_admin, catalog, monkeypatch
):
    # As when outbox_recover ends the import while its rows are being written (here in the
    # same transaction, which SQLite's single writer leaves as the only way to show it).
    def save_then_be_ended(upload, plan, deadline):
        saved = real_save(upload, plan, deadline)
        ProspectImport.objects.filter(pk=upload.pk).update(
            status=ProspectImport.Status.FAILED, message="Ended meanwhile."
        )
        return saved

    real_save = importing._save
    monkeypatch.setattr(importing, "_save", save_then_be_ended)

    upload = started(acme, acme_admin)
    import_run(import_id=upload.pk)

    assert ProspectImport.objects.get(pk=upload.pk).status != ProspectImport.Status.DONE
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "outcome"),
    [
        (dimension_bomb(), "bomb.xlsx", ProspectImport.Status.DONE),
        (csv_bytes([row(**{"Company Name": "North\x00wind"})]), "nul.csv", "invalid"),
    ],
    ids=["dimension-bomb", "nul-byte"],
)
def test_the_worker_goes_on_delivering_email_after_a_hostile_import(
    acme, acme_admin, catalog, settings, run_worker, monkeypatch, content, name, outcome
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(import_services, "INLINE_BYTES", 10)  # to the worker
    upload = started(acme, acme_admin, content=content, name=name)
    with transaction.atomic():
        message_queue(
            template="password_reset",
            to=["someone@example.com"],
            context={"user": "Someone", "reset_path": "/accounts/reset/x/y/"},
        )

    run_worker()

    upload.refresh_from_db()
    assert (upload.status, upload.finished) == (outcome, True)
    [sent] = mail.outbox
    assert sent.to == ["someone@example.com"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database: two real connections"
)
@pytest.mark.django_db(transaction=True)
def test_an_import_ended_by_outbox_recover_while_saving_keeps_nothing(
    acme, acme_admin, catalog, monkeypatch
):
    rows_written, ended = threading.Event(), threading.Event()

    def save_and_wait(upload, plan, deadline):
        saved = real_save(upload, plan, deadline)
        rows_written.set()
        ended.wait(timeout=30)
        return saved

    real_save = importing._save
    monkeypatch.setattr(importing, "_save", save_and_wait)
    upload = started(acme, acme_admin, content=csv_bytes([row()]))
    outcome = []

    def worker():
        try:
            outcome.append(import_run(import_id=upload.pk))
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    assert rows_written.wait(timeout=30)
    # Its worker seen as dead: the deadline long past, outbox_recover ends the import.
    ProspectImport.objects.filter(pk=upload.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert imports_expire() == 1
    ended.set()
    thread.join(timeout=30)

    upload.refresh_from_db()
    assert upload.status == ProspectImport.Status.FAILED
    assert upload.message.startswith("Stopped without finishing")
    assert not Company.objects.exists()  # the rows it had written are rolled back
