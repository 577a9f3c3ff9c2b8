"""First of the middleware: answers ``/healthz``, ``/readyz`` and ``/metrics`` before anything
else runs (no session, no host check: a load balancer calls by address), and for every other
request sets its id, counts its queries and time, and writes its one log line."""

import json
import logging
import time

from django.db import connections
from django.http import HttpResponse

from portal.core.logs import PARTNER_ID, REQUEST_ID, TASKS_QUEUED, USER_ID, new_request_id

from .health import readiness
from .metrics import LATENCY, QUERIES, REQUESTS, metrics

logger = logging.getLogger("portal.requests")


def healthz(request) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def readyz(request) -> HttpResponse:
    checks = readiness()
    ready = all(outcome == "ok" for outcome in checks.values())
    body = json.dumps({"status": "ready" if ready else "unready", "checks": checks})
    return HttpResponse(body, status=200 if ready else 503, content_type="application/json")


OWN = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}


class QueryCount:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class OpsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        own = OWN.get(request.path)
        if own is not None:
            response = own(request)
            response["Cache-Control"] = "no-store"
            return response
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        values = {REQUEST_ID: request_id, PARTNER_ID: None, USER_ID: None, TASKS_QUEUED: []}
        tokens = {var: var.set(value) for var, value in values.items()}
        queries = QueryCount()
        started = time.perf_counter()
        try:
            with connections["default"].execute_wrapper(queries):
                response = self.get_response(request)
            seconds = time.perf_counter() - started
            self._done(request, response, seconds, queries.count)
        finally:
            for var, token in tokens.items():
                var.reset(token)
        response["X-Request-ID"] = request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Once the sign-in is known: the lines the view writes name the user and MSP."""
        _who(request)

    def _done(self, request, response, seconds: float, queries: int) -> None:
        _who(request)
        match = request.resolver_match
        route = (match.route or match.view_name) if match else "unmatched"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        LATENCY.labels(route).observe(seconds)
        QUERIES.labels(route).observe(queries)
        logger.info(
            "%s %s %s %.0f ms %s queries",
            request.method,
            route,
            response.status_code,
            seconds * 1000,
            queries,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "queries": queries,
                "tasks": TASKS_QUEUED.get() or None,
            },
        )


def _who(request) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        USER_ID.set(user.pk)
        PARTNER_ID.set(getattr(user, "partner_id", None))
