"""The real ``outbox_recover --every`` and ``portal_worker`` processes outlive the loss of
every database connection they hold, and a stranded e-mail is still delivered once.

PostgreSQL only: the processes share the test database with this one, and the server can
terminate their connections (``pg_terminate_backend``), as a restart or fail-over does.
"""

import datetime
import email
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.db import close_old_connections, connection
from django.utils import timezone

from portal.core.models import OutgoingMessage, WorkerBeat
from portal.core.outbox import message_id

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database: three processes"
    ),
    pytest.mark.django_db(transaction=True),
]

OTHERS = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


def start(tmp_path, name: str, *args: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "PYTEST_", "DJANGO_SETTINGS"))
    }
    env |= {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "SITE_URL": "https://portal.example.com",
        "DB_RECONNECT_MAX_SECONDS": "2",
        "WORKER_LOST_AFTER_SECONDS": "6",
        "LOG_LEVEL": "INFO",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=(tmp_path / f"{name}.log").open("w"),
        stderr=subprocess.STDOUT,
    )


def others() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pid {OTHERS}")  # noqa: S608  (a constant)
        return {pid for (pid,) in cursor.fetchall()}


def terminate_all_others() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pid, pg_terminate_backend(pid) {OTHERS}")  # noqa: S608
        return {pid for pid, _ in cursor.fetchall()}


def wait_for(condition, seconds: float, what: str, processes) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for process in processes:
            assert process.poll() is None, f"a process stopped while waiting for {what}"
        assert time.monotonic() < deadline, f"no {what} within {seconds} s"
        time.sleep(0.2)


def stranded_email(to: str, **fields) -> OutgoingMessage:
    return OutgoingMessage.objects.create(
        template="password_reset",
        to=[to],
        subject="Choose a new password",
        text_body="A stranded e-mail.",
        **fields,
    )


def test_recovery_and_worker_outlive_terminated_connections_and_deliver_once(tmp_path, settings):
    worker = start(
        tmp_path,
        "worker",
        "portal_worker",
        "--queue-name",
        "*",
        "--interval",
        "0.2",
        "--no-startup-delay",
        "--no-reload",
    )
    recover = start(tmp_path, "recover", "outbox_recover", "--every", "0.5")
    processes = (worker, recover)
    try:
        # The worker's loop and heartbeat and outbox_recover each hold a connection.
        wait_for(
            lambda: WorkerBeat.objects.exists() and len(others()) >= 3,
            90,
            "connections from both processes",
            processes,
        )
        killed: set[int] = set()
        until = time.monotonic() + 3  # for a few seconds, as a fail-over would
        while time.monotonic() < until:
            killed |= terminate_all_others()
            time.sleep(0.1)
        assert len(killed) >= 3

        # What dead workers left: one e-mail claimed with its lease run out, one whose task
        # was lost before it ever ran.
        now = timezone.now()
        claimed = stranded_email(
            "claimed@example.com", attempts=1, claimed_until=now - datetime.timedelta(seconds=1)
        )
        lost = stranded_email("lost@example.com", created_at=now - datetime.timedelta(hours=1))

        wait_for(
            lambda: OutgoingMessage.objects.filter(status="sent").count() == 2,
            90,
            "delivery of the stranded e-mails",
            processes,
        )
        time.sleep(2)  # a second delivery, if any, would have come by now
        assert worker.poll() is None and recover.poll() is None
        assert others() and not others() & killed  # both came back on new connections
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    sent = [
        email.message_from_bytes(path.read_bytes()) for path in (tmp_path / "mail").glob("*.eml")
    ]
    assert sorted(m["To"] for m in sent) == ["claimed@example.com", "lost@example.com"]
    for message in (claimed, lost):
        message.refresh_from_db()
        assert message.status == "sent"
    settings.SITE_URL = "https://portal.example.com"  # as the processes had it
    assert {m["Message-ID"] for m in sent} == {message_id(m) for m in (claimed, lost)}
    # Both stopped cleanly on SIGTERM.
    assert worker.returncode == 0 and recover.returncode in (0, -15)
    assert not WorkerBeat.objects.exists()


def test_a_web_request_on_a_connection_the_server_dropped_gets_a_new_one(client, acme_admin):
    """Each request starts with ``close_old_connections``; with ``CONN_HEALTH_CHECKS`` the
    first query then finds a kept connection dead and opens another instead of failing."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    client.force_login(acme_admin)
    connection.ensure_connection()
    dropped = connection.connection.info.backend_pid
    other = connection.copy()
    try:
        with other.cursor() as cursor:  # as a restart or fail-over would
            cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    finally:
        other.close()

    close_old_connections()  # what request_started does (the test client leaves it out)
    assert client.get("/").status_code in (200, 302)
    assert connection.connection.info.backend_pid != dropped
