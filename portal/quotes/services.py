"""Making a customer quote, and the customer's answer: each in one transaction, with its
History Log entry (the MSP's own), the e-mail to the MSP and the webhook."""

import datetime

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.changes.models import ChangeOrder
from portal.core import events
from portal.core.history import history_record
from portal.core.models import HistoryEntry
from portal.core.outbox.mail import message_queue

from .make import change_lines, order_lines, prices_moved
from .models import VALID_DAYS, CustomerQuote


class CannotAnswer(ValueError):
    """The quote cannot be accepted (or declined) now; the message says why."""


def quote_make(*, company, actor, change: ChangeOrder | None = None) -> CustomerQuote:
    """A quote for the customer of the saved change quote ``change``, or for the prospect
    ``company``'s order (raises NotQuotable)."""
    lines = change_lines(change) if change is not None else order_lines(company)
    seats = change.seats if change is not None else company.permitted_users
    today = timezone.localdate()
    with transaction.atomic():
        quote = CustomerQuote.objects.create(
            partner=company.partner,
            company=company,
            change=change,
            was_change=change is not None,
            currency=change.currency if change is not None else company.partner.currency,
            seats=seats,
            lines=lines,
            valid_until=today + datetime.timedelta(days=VALID_DAYS),
            created_by=actor,
        )
        history_record(
            actor=actor,
            obj=company,
            action=HistoryEntry.Action.CREATE,
            summary=f"Customer quote {quote.number} made: {seats:,} seats, valid until "
            f"{quote.valid_until:%Y-%m-%d}",
            msp_only=True,
        )
    return quote


def quote_answer(
    *, quote_id: int, accept: bool, name: str, title: str, comment: str, ip, agent: str
) -> CustomerQuote:
    """The customer accepts (or declines) the quote. Once only: a second answer, a quote past
    its validity or whose prices have moved is refused (``CannotAnswer``)."""
    with transaction.atomic():
        quote = (
            CustomerQuote.objects.select_for_update(of=("self",))
            .select_related("company", "partner", "change", "created_by")
            .get(pk=quote_id)
        )
        if quote.status != CustomerQuote.Status.OPEN:
            raise CannotAnswer(f"This quote was {quote.get_status_display().lower()} already.")
        if quote.expired():
            raise CannotAnswer(
                f"This quote expired on {quote.valid_until:%Y-%m-%d}: ask {quote.partner} for a "
                "new one."
            )
        if accept and (moved := prices_moved(quote)):
            raise CannotAnswer(f"{moved} Ask {quote.partner} for a new quote.")
        quote.status = CustomerQuote.Status.ACCEPTED if accept else CustomerQuote.Status.DECLINED
        quote.answered_at = timezone.now()
        quote.answered_name, quote.answered_title = name, title
        quote.answered_ip, quote.answered_agent = ip, agent[:300]
        quote.comment = comment
        quote.save()
        verb = "accepted" if accept else "declined"
        history_record(
            actor=None,
            obj=quote.company,
            action=HistoryEntry.Action.STATUS,
            summary=f"Customer quote {quote.number} {verb} by {name}"
            + (f", {title}" if title else ""),
            msp_only=True,
        )
        _tell_msp(quote, verb)
    return quote


def _tell_msp(quote: CustomerQuote, verb: str) -> None:
    admins = User.objects.filter(partner=quote.partner, role=User.Role.ADMIN, is_active=True)
    to = sorted({*admins.values_list("email", flat=True), *_creator(quote)})
    if to:
        message_queue(
            template=f"quote_{verb}",
            to=to,
            context={"quote": quote, "company": quote.company},
            partner=quote.partner,
        )
    events.publish(
        events.Happened(
            events.QUOTE_ACCEPTED if verb == "accepted" else events.QUOTE_DECLINED,
            partner=quote.partner,
            quote=quote,
        )
    )


def _creator(quote: CustomerQuote) -> list[str]:
    user = quote.created_by
    return [user.email] if user is not None and user.is_active else []
