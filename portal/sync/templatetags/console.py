"""The vendor console's front page: what needs a look, with links to the filtered lists."""

import datetime

from django import template
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from portal.core.models import OutgoingMessage
from portal.sync.models import ProvisioningRequest

register = template.Library()

# Delivered but not confirmed after this long: worth asking the vendor about.
AWAITING_TOO_LONG = datetime.timedelta(days=1)


def _counts(model) -> dict[str, int]:
    rows = model.objects.values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


@register.inclusion_tag("admin/_sync_summary.html")
def sync_summary():
    requests = _counts(ProvisioningRequest)
    mail = _counts(OutgoingMessage)
    request_list = reverse("admin:sync_provisioningrequest_changelist")
    mail_list = reverse("admin:core_outgoingmessage_changelist")
    # A new order whose Request for Information is not answered waits for the customer, not
    # for the vendor: counted on its own, and not as "too long".
    waiting_for_rfi = ProvisioningRequest.objects.filter(
        action=ProvisioningRequest.Action.ORDER, company__rfi__answers_version=0
    ).exclude(status__in=ProvisioningRequest.SETTLED)
    stale = (
        ProvisioningRequest.objects.filter(
            status=ProvisioningRequest.Status.SENT,
            delivered_at__lt=timezone.now() - AWAITING_TOO_LONG,
        )
        .exclude(pk__in=waiting_for_rfi.values("pk"))
        .count()
    )
    agreement_list = reverse("admin:companies_agreement_changelist")
    return {
        "rows": [
            (
                "Provisioning requests failed",
                requests.get("failed", 0),
                f"{request_list}?status__exact=failed",
            ),
            (
                "Provisioning requests waiting to be delivered",
                requests.get("queued", 0),
                f"{request_list}?status__exact=queued",
            ),
            (
                "Delivered, awaiting the vendor's confirmation",
                requests.get("sent", 0),
                f"{request_list}?status__exact=sent",
            ),
            ("… of them for more than a day", stale, f"{request_list}?status__exact=sent"),
            (
                "New orders waiting for their Request for Information",
                waiting_for_rfi.count(),
                f"{agreement_list}?status__exact=new_pending",
            ),
            ("E-mails failed", mail.get("failed", 0), f"{mail_list}?status__exact=failed"),
            (
                "E-mails waiting to be sent",
                mail.get("queued", 0),
                f"{mail_list}?status__exact=queued",
            ),
        ]
    }
