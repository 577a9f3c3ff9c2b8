"""Scaled out on one PostgreSQL database: a gunicorn with two web processes and three task
workers; 200 orders and 200 changes submitted over HTTP by 16 concurrent clients (one in five
sent twice, as a client retries); one worker killed with SIGKILL mid-run. Every e-mail,
provisioning request and webhook is delivered, and at most the killed worker's one in-flight
delivery twice (its key tells the receiver it is the same); every agreement version is right;
nothing is left queued.

PostgreSQL only (the processes share the database; the SQLite test database lives in this
process's memory). With ``SCALE_OUT_REDIS_URL`` set (``.ci/run`` sets it, having installed
the ``redis`` extra), the same runs again, shorter, with Redis as the task queue
(``TASK_BACKEND=rq``) in a database of that Redis it empties.
"""

import datetime
import email
import json
import os
import signal
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
from tests.core.test_serve import free_port, wait_for
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


def the_world(acme, acme_admin, hooks_url: str, count: int):
    prospects = []
    for n in range(count):
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
        for n in range(count)
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


class DatabaseQueue:
    """The database task queue, as the workers see it."""

    env: dict = {}
    count = COUNT

    def worker(self) -> tuple[str, ...]:
        return ("manage.py", "portal_worker", "--interval", "0.2")

    def due(self) -> int:
        return DBTaskResult.objects.filter(status="READY", run_after__lte=timezone.now()).count()

    def running(self) -> int:
        return DBTaskResult.objects.filter(status="RUNNING").count()

    def settled(self) -> bool:
        return self.due() == 0 and self.running() == 0

    def left(self) -> int:
        """Tasks not finished well at the end (the dead worker's was run again)."""
        return DBTaskResult.objects.filter(status__in=["READY", "RUNNING", "FAILED"]).count()

    def close(self) -> None:
        pass


class RedisQueue:
    """Redis as the task queue (django-tasks-rq), in a database of its own, emptied."""

    count = min(COUNT, 50)

    def __init__(self, url: str):
        import redis
        import rq

        self.env = {"TASK_BACKEND": "rq", "REDIS_URL": url}
        self.redis = redis.Redis.from_url(url)
        self.redis.flushdb()
        self.queue = rq.Queue("default", connection=self.redis)

    def worker(self) -> tuple[str, ...]:
        return ("manage.py", "rqworker", "default", "--job-class", "django_tasks_rq.Job")

    def due(self) -> int:
        return self.queue.count

    def running(self) -> int:
        return self.queue.started_job_registry.count

    def settled(self) -> bool:
        return self.due() == 0 and self.running() <= 1  # the dead worker's job, see left()

    def left(self) -> int:
        """Jobs queued or failed at the end (the dead worker's job stays "started" until
        Redis's own clean-up fails it: its outbox row was handed to a new task)."""
        return self.queue.count + self.queue.failed_job_registry.count

    def close(self) -> None:
        self.redis.flushdb()


@pytest.fixture(params=["database", "redis"])
def queue(request):
    if request.param == "database":
        yield DatabaseQueue()
        return
    url = os.environ.get("SCALE_OUT_REDIS_URL")
    if not url:
        pytest.skip("SCALE_OUT_REDIS_URL is not set (.ci/run sets it)")
    found = RedisQueue(url)
    yield found
    found.close()


def queued_rows() -> int:
    return sum(
        model.objects.filter(status="queued").count()
        for model in (OutgoingMessage, ProvisioningRequest, WebhookDelivery)
    )


def test_scaled_out_processes_deliver_everything_once_through_a_killed_worker(
    acme, acme_admin, catalog, price_list, infrastructure_choices, queue, tmp_path
):
    count = queue.count
    mail_dir = tmp_path / "mail"
    with VendorServer() as vendor, VendorServer() as hooks:
        prospects, customers, token = the_world(acme, acme_admin, hooks.url, count)
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
            "WORKER_LOST_AFTER_SECONDS": "2",
            **queue.env,
        }
        processes = Processes(env, tmp_path)
        try:
            # As an operator would: the migrations of this configuration first (Redis's
            # django-rq has its own).
            assert processes.start("migrate", "manage.py", "migrate").wait(120) == 0
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
            workers = [processes.start(f"worker{n}", *queue.worker()) for n in range(WORKERS)]
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: _answers(base + "/readyz"), 60, "ready web process")
            api = Api(base, token)

            # when: 16 clients submit the orders and changes, one in five twice
            killed = threading.Event()

            def kill_one_worker_mid_run():
                wait_for(lambda: len(vendor.received) >= count // 4, 600, "deliveries")
                os.killpg(workers[0].pid, signal.SIGKILL)  # with any child running its task
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
            wait_for(lambda: queue.due() == 0 and queue.running() <= 1, 600, "idle workers")
            # Only the dead worker still claims a row: its claim runs out (as it would in
            # a minute), and outbox_recover hands the row and its task to the live workers.
            for model in (OutgoingMessage, ProvisioningRequest, WebhookDelivery):
                model.objects.filter(status="queued", claimed_until__gt=timezone.now()).update(
                    claimed_until=timezone.now() - datetime.timedelta(seconds=1)
                )
            time.sleep(3)  # past the dead worker's last beat (WORKER_LOST_AFTER_SECONDS)
            recover = processes.start("recover", "manage.py", "outbox_recover")
            assert recover.wait(120) == 0
            wait_for(lambda: queue.settled() and not queued_rows(), 300, "everything delivered")
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
    # ... each under the id of the request (or task) that wrote it, sent on in X-Request-ID.
    assert all(requests.values_list("request_id", flat=True))
    sent_with = {
        (json.loads(r["body"])["request_id"], header(r, "X-Request-ID")) for r in vendor.received
    }
    assert sent_with == {(str(key), rid) for key, rid in requests.values_list("key", "request_id")}
    webhooks = WebhookDelivery.objects.all()
    assert webhooks.count() >= 2 * count
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
    assert queue.left() == 0


def header(received: dict, name: str) -> str | None:
    """A header the receiver read, whatever its case (urllib sends "X-request-id")."""
    return {key.lower(): value for key, value in received["headers"].items()}.get(name.lower())


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False
