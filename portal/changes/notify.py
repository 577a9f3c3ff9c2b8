"""The two e-mails of a submitted change order, queued in the submit's transaction.

``change_submitted`` goes to the user who submitted, with the change addendum attached;
``change_notice`` tells the customer's implementation lead what changed. A lead who submitted
the change gets only the first: it already says everything the notice would.
"""

from django.conf import settings
from django.urls import reverse

from portal.core.outbox import FileToAttach, message_queue

from .models import ChangeOrder


def change_notify(*, change: ChangeOrder, actor, pdf: bytes, filename: str) -> None:
    """Queue both e-mails; call inside the transaction that submitted ``change``."""
    company = change.company
    lead = change.implementation_lead or company.implementation_lead
    # A deactivated user can no longer act on the customer, so mail to them would go unread.
    notify_lead = lead is not None and lead.is_active and lead.pk != actor.pk
    lines = list(change.lines.all())
    context = {
        "change": change,
        "company": company,
        "partner": company.partner,
        "prior": change.prior,
        "agreement": change.agreement,
        "kind": change.get_kind_display(),
        "kind_label": f"{change.get_kind_display()} Pending Order",
        "downsell": change.kind == ChangeOrder.Kind.DOWNSELL,
        "added": [line for line in lines if line.prior_quantity is None],
        "removed": [line for line in lines if line.quantity is None],
        "resized": [
            line
            for line in lines
            if None not in (line.prior_quantity, line.quantity)
            and line.prior_quantity != line.quantity
        ],
        "customer_url": settings.SITE_URL + reverse("companies:detail", args=[company.pk]),
        "submitter": actor,
        "lead": lead if notify_lead else None,
    }
    message_queue(
        template="change_submitted",
        to=[actor.email],
        context={**context, "user": actor, "filename": filename},
        attachments=[FileToAttach(filename, pdf)],
        partner=company.partner,
    )
    if notify_lead:
        message_queue(
            template="change_notice",
            to=[lead.email],
            context=context,
            partner=company.partner,
        )
