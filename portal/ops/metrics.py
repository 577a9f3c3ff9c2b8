"""``/metrics`` in Prometheus' text format (prometheus-client).

Counted as they happen, in each process: requests and their latency and database queries by
route, sign-in failures, tasks run. Read from the database when scraped: tasks queued and
running, each outbox's backlog, oldest due row and failed deliveries, imports running, each
scheduled job's last run. With several processes set ``PROMETHEUS_MULTIPROC_DIR`` (one
directory, emptied at start) so that a scrape of any one sums them all.

Served only with ``METRICS_TOKEN`` as a bearer token or to ``METRICS_ALLOWED_ADDRESSES``
(addresses or networks); with neither set it is not served at all.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.http import HttpResponse, HttpResponseNotFound
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from portal.core.models import ScheduledRun
from portal.core.outbox.kinds import KINDS
from portal.core.outbox.models import FAILED, QUEUED
from portal.prospects.models import ProspectImport

disable_created_metrics()  # a "_created" series beside each counter only doubles the lines

REQUESTS = Counter("portal_http_requests", "Requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERIES = Histogram(
    "portal_http_request_queries",
    "Database queries a request made",
    ["route"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)
SIGN_IN_FAILURES = Counter("portal_sign_in_failures", "Failed sign-ins")
TASKS_RUN = Counter("portal_tasks_run", "Tasks run by this process", ["task", "outcome"])


class DatabaseCollector:
    """The figures kept in the database, read at each scrape (a few indexed counts)."""

    def collect(self):
        now = timezone.now()
        yield self._tasks()
        backlog = GaugeMetricFamily(
            "portal_outbox_backlog", "Rows waiting to be delivered", labels=["kind"]
        )
        oldest = GaugeMetricFamily(
            "portal_outbox_oldest_age_seconds",
            "Age of the oldest row waiting to be delivered",
            labels=["kind"],
        )
        failed = GaugeMetricFamily(
            "portal_outbox_failed", "Rows whose delivery failed for good", labels=["kind"]
        )
        for model, kind in KINDS.items():
            figures = model.objects.aggregate(
                waiting=Count("pk", filter=Q(status=QUEUED)),
                first=Min("created_at", filter=Q(status=QUEUED)),
                failed=Count("pk", filter=Q(status=FAILED)),
            )
            backlog.add_metric([kind.label], figures["waiting"])
            age = (now - figures["first"]).total_seconds() if figures["first"] else 0
            oldest.add_metric([kind.label], age)
            failed.add_metric([kind.label], figures["failed"])
        yield from (backlog, oldest, failed)
        running = ProspectImport.objects.filter(
            status__in=[
                ProspectImport.Status.PENDING,
                ProspectImport.Status.CHECKING,
                ProspectImport.Status.SAVING,
            ]
        ).count()
        yield GaugeMetricFamily(
            "portal_imports_running", "Prospect imports waiting or running", value=running
        )
        jobs = GaugeMetricFamily(
            "portal_scheduled_job_age_seconds",
            "Time since each periodic job was last enqueued",
            labels=["job"],
        )
        for job, last in ScheduledRun.objects.values_list("job").annotate(Max("enqueued_at")):
            jobs.add_metric([job.rsplit(".", 1)[-1]], (now - last).total_seconds())
        yield jobs

    def _tasks(self):
        tasks = GaugeMetricFamily(
            "portal_tasks", "Tasks queued (READY) and running", labels=["status"]
        )
        backend = task_backends["default"]
        if isinstance(backend, DatabaseBackend):
            from django_tasks_db.models import DBTaskResult

            counts = dict(
                DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
                .values_list("status")
                .annotate(Count("pk"))
            )
            for status in ("READY", "RUNNING"):
                tasks.add_metric([status], counts.get(status, 0))
        else:
            import django_rq

            queued = sum(django_rq.get_queue(name).count for name in backend.queues)
            tasks.add_metric(["READY"], queued)
        return tasks


def allowed(request) -> bool | None:
    """True: serve; False: refuse; None: metrics are not served here at all."""
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_ADDRESSES
    if not token and not networks:
        return None
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in networks)


def metrics(request) -> HttpResponse:
    permitted = allowed(request)
    if permitted is None:
        return HttpResponseNotFound()
    if not permitted:
        return HttpResponse("Not allowed.\n", status=403, content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    stored = CollectorRegistry()
    stored.register(DatabaseCollector())
    body = generate_latest(counted) + generate_latest(stored)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
