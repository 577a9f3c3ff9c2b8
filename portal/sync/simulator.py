"""The built-in simulated provisioner, used when no vendor endpoint is configured.

It stands in for the vendor: a request it "received" is confirmed after
``SYNC_SIMULATOR_DELAY_SECONDS`` with a signed callback that goes through ``callbacks.receive``
exactly as the vendor's would (only the HTTP hop is skipped), so a fresh machine runs the
whole lifecycle: submitted, synced, Active, Complete. It also reports each day's usage, as the
vendor's systems count it.
"""

import datetime
import json
import uuid
import zlib
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from portal.companies.models import AgreementLine
from portal.companies.monthly import IN_TIME
from portal.core.signing import signed_headers
from portal.usage.models import UsageReport
from portal.usage.reports import MAX_FIGURES
from portal.usage.reports import receive as receive_usage

from .callbacks import receive
from .models import ProvisioningCallback, ProvisioningRequest
from .signing import sync_secret


def simulate_confirmation(*, request_id: int) -> str:
    request = ProvisioningRequest.objects.filter(pk=request_id).first()
    if request is None:
        return "no such request"
    body = json.dumps(
        {"request_id": str(request.key), "partner_id": request.partner_id, "status": "synced"}
    ).encode()
    answer = receive(
        body=body,
        headers=signed_headers(sync_secret(), body),
        source=ProvisioningCallback.Source.SIMULATOR,
    )
    return f"{answer.http_status} {answer.body}"


# Usage: what the vendor's systems count in use, reported daily for every customer


def usage_on(day: datetime.date) -> dict[int, list[dict]]:
    """The simulated vendor's count of each per-seat product in use on ``day``, per partner,
    for the customers licensed for it that day. What a customer really uses does not follow
    its licence: it is the seats it was first licensed for, with a steady drift (some
    customers above, a true-up due; some below, shelfware; most close), moving a seat or two
    from day to day. So a true-up to the seats in use clears the drift."""
    lines = AgreementLine.objects.filter(
        Q(agreement__effective_until__isnull=True) | Q(agreement__effective_until__gt=day),
        agreement__status__in=IN_TIME,
        agreement__effective_from__lte=day,
        charge="per_seat",
    ).values_list("agreement__company__partner_id", "agreement__company_id", "code")
    first = _first_licensed(day)
    found: dict[int, list[dict]] = defaultdict(list)
    for partner, company, code in lines.order_by("agreement__company_id", "code"):
        found[partner].append(
            {
                "customer_id": company,
                "product": code,
                "day": day.isoformat(),
                "in_use": _in_use(company, code, first[(company, code)], day),
            }
        )
    return found


def _first_licensed(day: datetime.date) -> dict[tuple[int, str], int]:
    """(customer, code) → the seats of the first version in time to license it."""
    first: dict[tuple[int, str], int] = {}
    rows = AgreementLine.objects.filter(
        agreement__status__in=IN_TIME, agreement__effective_from__lte=day, charge="per_seat"
    ).order_by("agreement__company_id", "agreement__effective_from", "agreement__version")
    for company, code, quantity in rows.values_list("agreement__company_id", "code", "quantity"):
        first.setdefault((company, code), quantity)
    return first


DRIFT = (-15, -8, -3, 0, 0, 0, 0, 1, 3, 6)  # percent, by the customer and product's lot


def _in_use(company: int, code: str, licensed: int, day: datetime.date) -> int:
    lot = zlib.crc32(f"{company}:{code}".encode())
    steady = licensed * DRIFT[lot % len(DRIFT)] // 100
    wobble = zlib.crc32(f"{lot}:{day.isoformat()}".encode()) % 3 - 1  # -1, 0 or 1 seat
    return max(0, licensed + steady + (wobble if licensed > 20 else 0))


def simulate_usage(day: datetime.date, *, again: int = 0) -> list[str]:
    """The vendor's usage reports for ``day``, one per partner (batches of the most a report
    holds), through ``usage.reports.receive`` as the vendor's would come. A second run on the
    same day sends the same report ids: answered ``repeated``. ``again``: the vendor reports
    the day once more (after a change it provisioned), as new reports."""
    answers = []
    moment = timezone.now()
    for partner, figures in usage_on(day).items():
        for start in range(0, len(figures), MAX_FIGURES):
            name = f"{partner}:{day.isoformat()}:{start}" + (f":again{again}" if again else "")
            report_id = uuid.uuid5(USAGE_IDS, name)
            body = json.dumps(
                {
                    "report_id": str(report_id),
                    "reported_at": moment.isoformat(),
                    "partner_id": partner,
                    "figures": figures[start : start + MAX_FIGURES],
                }
            ).encode()
            answer = receive_usage(
                body=body,
                headers=signed_headers(sync_secret(), body),
                secret=sync_secret(),
                source=UsageReport.Source.SIMULATOR,
            )
            answers.append(f"{answer.http_status} {answer.body.get('status', answer.body)}")
    return answers


USAGE_IDS = uuid.UUID("6f1c8a54-2d55-4a0b-9b1e-5b0f3f0c7a11")  # the simulated reports' ids
