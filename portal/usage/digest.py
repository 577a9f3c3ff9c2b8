"""The weekly reconciliation digest: one e-mail per MSP and week to its Admins, with what the
differences between licensed, used and billed seats add up to and the largest ones.

Once per MSP and week, however often the job runs or in how many workers: a ``UsageDigest``
row per (MSP, week) is inserted with ON CONFLICT DO NOTHING, and only the rows this run
inserted (read back by its ``run`` id) are e-mailed, in the same transaction."""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.core.outbox import Mail, messages_queue

from .models import Reconciliation, UsageDigest
from .reconciliation import refresh_due

LARGEST = 10  # rows named in the e-mail; the page lists the rest
DRIFT = Q(above__gt=0) | Q(below__gt=0) | Q(unbilled__gt=0)


def digests_send(today: datetime.date | None = None) -> int:
    """Queue this week's digest of every MSP with a difference to reconcile; how many."""
    today = today or timezone.localdate()
    week = today - datetime.timedelta(days=today.weekday())
    refresh_due()
    partners = sorted(
        set(Reconciliation.objects.filter(DRIFT).values_list("partner_id", flat=True))
    )
    if not partners:
        return 0
    run = uuid.uuid4()
    with transaction.atomic():
        UsageDigest.objects.bulk_create(
            [UsageDigest(partner_id=partner, week=week, run=run) for partner in partners],
            ignore_conflicts=True,
        )
        mine = list(UsageDigest.objects.filter(run=run).values_list("partner_id", flat=True))
        admins: dict[int, list[str]] = {}
        for partner, email in User.objects.filter(
            partner_id__in=mine, role=User.Role.ADMIN, is_active=True
        ).values_list("partner_id", "email"):
            admins.setdefault(partner, []).append(email)
        url = settings.SITE_URL + reverse("customers:reconciliation")
        mails = [
            Mail(
                template="usage_digest",
                to=sorted(admins[partner]),
                context={"week": week, "url": url, **_figures(partner)},
                partner_id=partner,
            )
            for partner in mine
            if partner in admins
        ]
        messages_queue(mails)
    return len(mails)


def _figures(partner: int) -> dict:
    rows = Reconciliation.objects.filter(DRIFT, partner_id=partner)
    totals: dict[str, list] = {}
    for currency, above, below, unbilled, at_stake in rows.values_list(
        "currency", "above", "below", "unbilled", "at_stake"
    ):
        total = totals.setdefault(currency, [0, 0, 0, Decimal(0), 0])
        total[0] += above
        total[1] += below
        total[2] += unbilled
        total[3] += Decimal(at_stake)
        total[4] += 1
    largest = rows.select_related("company").order_by("-at_stake", "-id")[:LARGEST]
    return {
        "totals": [
            {
                "currency": currency,
                "above": above,
                "below": below,
                "unbilled": unbilled,
                "at_stake": at_stake.quantize(Decimal("0.01")),
                "rows": count,
            }
            for currency, (above, below, unbilled, at_stake, count) in sorted(totals.items())
        ],
        "largest": [
            {
                "company": row.company.name,
                "product": row.code,
                "licensed": row.licensed,
                "used": row.used,
                "billed": row.billed,
                "at_stake": Decimal(row.at_stake).quantize(Decimal("0.01")),
                "currency": row.currency,
                "url": settings.SITE_URL + reverse("companies:detail", args=[row.company_id]),
            }
            for row in largest
        ],
    }
