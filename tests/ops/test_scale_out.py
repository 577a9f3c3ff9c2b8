"""Scaled out on one PostgreSQL database: a gunicorn with two web processes and three task
workers; 200 orders and 200 changes submitted over HTTP by 16 concurrent clients (one in five
sent twice, as a client retries); one worker killed with SIGKILL mid-run. Every e-mail,
provisioning request and webhook is delivered, and at most the killed worker's one in-flight
delivery twice (its key tells the receiver it is the same); every agreement version is right;
nothing is left queued.

PostgreSQL only (the processes share the database; the SQLite test database lives in this
process's memory). ``SCALE_OUT_TASK_BACKEND=rq`` runs the same with Redis as the queue
(``.ci/run`` does, shorter).
"""

import datetime
import email
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.api.tokens import token_create
from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement, Company, CompanyProduct
from portal.core.outbox.mail import message_id
from portal.core.outbox.models import OutgoingMessage
from portal.orders.models import Order
from portal.sync.models import ProvisioningRequest
from portal.webhooks.delivery import DELIVERY_HEADER
from portal.webhooks.models import SUBSCRIBABLE, WebhookDelivery, WebhookEndpoint
from tests.api.test_scripted_flow import INFRASTRUCTURE
from tests.fixtures.customers import make_customer
from tests.fixtures.factories import make_company
from tests.fixtures.sync import SECRET
from tests.sync.vendor_server import VendorServer

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database: many processes"
    ),
    pytest.mark.django_db(transaction=True),
]

COUNT = int(os.environ.get("SCALE_OUT_COUNT", "200"))  # orders, and changes
CLIENTS = 16
WORKERS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"no {what} within {seconds} s"
        time.sleep(0.25)
    return found


class Processes:
    """The portal's processes, started with one environment and all stopped at the end."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.started = env, logs, []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=(self.logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


class Api:
    """A PSA tool's HTTP client: JSON, a bearer token, an Idempotency-Key on each POST."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def post(self, path: str, body: dict, key: str) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def the_world(acme, acme_admin, hooks_url: str):
    prospects = []
    for n in range(COUNT):
        company = make_company(
            acme,
            f"Scale Prospect {n:03}",
            domain=f"prospect{n}.scale.example",
            sector=Company.Sector.HEALTHCARE,
            implementation_lead=acme_admin,
            lead_name=str(acme_admin),
            permitted_users=100 + n,
        )
        CompanyProduct.objects.create(company=company, product_id=_product("S1"))
        prospects.append(company)
    customers = [
        make_customer(acme, acme_admin, f"Scale{n:03} Customer", {"S1": 682}, 682)
        for n in range(COUNT)
    ]
    WebhookEndpoint.objects.create(
        partner=acme, url=hooks_url, events=[event.value for event in SUBSCRIBABLE]
    )
    _, token = token_create(user=acme_admin, name="scale-out")
    return prospects, customers, token


def _product(code: str) -> int:
    from portal.catalog.models import Product

    return Product.objects.get(code=code).pk


def submit_order(api: Api, company: Company, repeat: bool) -> list:
    body = {
        "infrastructure": INFRASTRUCTURE,
        "order_number": f"PO-SCALE-{company.pk}",
        "accept_msa": True,
        "accept_authority": True,
    }
    path = f"/api/v1/prospects/{company.pk}/order/submit/"
    return [api.post(path, body, f"order-{company.pk}") for _ in range(2 if repeat else 1)]


def submit_change(api: Api, company: Company, repeat: bool) -> list:
    answers = []
    for _ in range(2 if repeat else 1):
        status, quote = api.post(
            f"/api/v1/customers/{company.pk}/change-quotes/", {"seats": 700}, f"quote-{company.pk}"
        )
        assert status == 201, quote
        answers.append(
            api.post(
                f"/api/v1/change-quotes/{quote['id']}/submit/",
                {"order_number_not_required": True, "accept_msa": True, "accept_authority": True},
                f"change-{company.pk}",
            )
        )
    return answers


def due_tasks() -> int:
    return DBTaskResult.objects.filter(status="READY", run_after__lte=timezone.now()).count()


def running_tasks() -> int:
    return DBTaskResult.objects.filter(status="RUNNING").count()


def queued_rows() -> int:
    return sum(
        model.objects.filter(status="queued").count()
        for model in (OutgoingMessage, ProvisioningRequest, WebhookDelivery)
    )


def test_scaled_out_processes_deliver_everything_once_through_a_killed_worker(
    acme, acme_admin, catalog, price_list, infrastructure_choices, settings, tmp_path
):
    settings.WORKER_LOST_AFTER_SECONDS = 2  # for the outbox_recover this test runs
    mail_dir = tmp_path / "mail"
    with VendorServer() as vendor, VendorServer() as hooks:
        prospects, customers, token = the_world(acme, acme_admin, hooks.url)
        db = connection.settings_dict
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "SYNC_VENDOR_URL": vendor.url,
            "SYNC_SECRET": SECRET,
            "SYNC_TIMEOUT_SECONDS": "10",
            "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1",
            "WEBHOOK_TIMEOUT_SECONDS": "10",
            "EMAIL_FILE_PATH": str(mail_dir),
            "API_RATE": "1000000/min",
            "API_RATE_PER_USER": "1000000/min",
            "API_RATE_PER_PARTNER": "1000000/min",
            "LOG_FORMAT": "json",
        }
        processes = Processes(env, tmp_path)
        try:
            processes.start(
                "web",
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
            )
            workers = [
                processes.start(f"worker{n}", "manage.py", "portal_worker", "--interval", "0.2")
                for n in range(WORKERS)
            ]
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: _answers(base + "/readyz"), 60, "ready web process")
            api = Api(base, token)

            # when: 16 clients submit the orders and changes, one in five twice
            killed = threading.Event()

            def kill_one_worker_mid_run():
                wait_for(lambda: len(vendor.received) >= COUNT // 4, 600, "deliveries")
                os.kill(workers[0].pid, signal.SIGKILL)
                killed.set()

            killer = threading.Thread(target=kill_one_worker_mid_run, daemon=True)
            killer.start()
            jobs = [(submit_order, company) for company in prospects]
            jobs += [(submit_change, company) for company in customers]
            with ThreadPoolExecutor(CLIENTS) as pool:
                futures = [
                    pool.submit(job, api, company, n % 5 == 0)
                    for n, (job, company) in enumerate(jobs)
                ]
                answers = [future.result() for future in futures]
            killer.join(300)
            assert killed.is_set(), "the worker was never killed"

            # then: the live workers finish; the dead one's task and row go to another
            wait_for(lambda: due_tasks() == 0 and running_tasks() <= 1, 600, "idle workers")
            # Only the dead worker still claims a row: its claim runs out (as it would in
            # a minute), and outbox_recover hands the row and its task to the live workers.
            for model in (OutgoingMessage, ProvisioningRequest, WebhookDelivery):
                model.objects.filter(status="queued", claimed_until__gt=timezone.now()).update(
                    claimed_until=timezone.now() - datetime.timedelta(seconds=1)
                )
            time.sleep(settings.WORKER_LOST_AFTER_SECONDS + 1)  # the dead worker's last beat
            call_command("outbox_recover", verbosity=0)
            wait_for(
                lambda: due_tasks() == 0 and running_tasks() == 0 and queued_rows() == 0,
                300,
                "everything delivered",
            )
        finally:
            processes.stop_all()

    # The HTTP answers: each submit once, a repeat answered as the first.
    for pair in answers:
        assert pair[0][0] == 201 and all(status in (200, 201) for status, _ in pair), pair
        assert len({body.get("order_id", body.get("id")) for _, body in pair}) == 1, pair
    for company in prospects:
        assert Order.objects.filter(company=company).count() == 1
        assert list(Agreement.objects.filter(company=company).values_list("version", "status")) == [
            (1, "new_pending")
        ]
    for company in customers:
        assert ChangeOrder.objects.filter(company=company).count() == 1
        versions = Agreement.objects.filter(company=company).order_by("-version")
        assert [(a.version, a.status, a.total_users) for a in versions] == [
            (2, "upsell_pending", 700),
            (1, "active", 682),
        ]

    # Every row delivered; the receivers saw each key, at most one of them twice.
    requests = ProvisioningRequest.objects.all()
    assert set(requests.values_list("status", flat=True)) == {"sent"}
    received = Counter(json.loads(r["body"])["request_id"] for r in vendor.received)
    assert set(received) == {str(key) for key in requests.values_list("key", flat=True)}
    webhooks = WebhookDelivery.objects.all()
    assert webhooks.count() >= 2 * COUNT
    assert set(webhooks.values_list("status", flat=True)) == {"sent"}
    delivered = Counter(r["headers"][DELIVERY_HEADER] for r in hooks.received)
    assert set(delivered) == {str(key) for key in webhooks.values_list("key", flat=True)}
    messages = list(OutgoingMessage.objects.all())
    assert {m.status for m in messages} == {"sent"}
    sent = Counter(
        email.message_from_bytes(path.read_bytes())["Message-ID"] for path in mail_dir.iterdir()
    )
    assert set(sent) == {message_id(m) for m in messages}
    twice = sum(n - 1 for counter in (received, delivered, sent) for n in counter.values())
    assert twice <= 1, (received.most_common(2), delivered.most_common(2), sent.most_common(2))
    assert not DBTaskResult.objects.filter(status__in=["READY", "RUNNING", "FAILED"]).exists()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False
