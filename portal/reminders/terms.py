"""The two reminders of a customer's commitment term: its end in 60, 30 and 7 days (the MSP's
days), and its renewal deadline (the last day changes for the renewal can be made) in 2 days.

A term is ``Company.commitment_ends_on``, the earliest end of the 1- or 3-year lines of the
version in effect (monthly terms, which renew every month, would swamp everyone). What the
reminder says renews, and at what seats, is the renewal plan's (``renewals.plan``), the one
the Renewals list and the renewal run ask.
"""

import datetime
from collections import defaultdict

from django.db.models import Case, F, IntegerField, Value, When

from portal.accounts.models import Partner
from portal.catalog.models import Commitment, Product
from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, AgreementLine, Company
from portal.renewals.deadlines import last_day
from portal.renewals.models import RenewalChange
from portal.renewals.plan import NotRenewable, renewal_plan

from .due import CATCH_UP_DAYS, Due, Key, Run, company_data, company_url, day, in_days, not_sent
from .models import DEFAULT_TERM_DAYS, Kind, TermDays

DEADLINE_DAYS = 2  # the renewal deadline's reminder: this many days before it
COMMITMENTS = (Commitment.ONE_YEAR, Commitment.THREE_YEARS)


def term_days_groups(run: Run) -> list[tuple[list[int], list[int]]]:
    """The MSPs by the days they chose: (days, partner ids), the default first. The ids are
    named even for the default so that the look-ups start from the index on (partner,
    commitment_ends_on): one short probe per partner and day, not a scan of a million."""
    chosen: dict[tuple, list[int]] = defaultdict(list)
    for partner_id, days in TermDays.objects.values_list("partner_id", "days"):
        if sorted(days, reverse=True) != DEFAULT_TERM_DAYS:
            chosen[tuple(sorted(days, reverse=True))].append(partner_id)
    others = {partner_id for ids in chosen.values() for partner_id in ids}
    default = [partner_id for partner_id in partner_ids(run) if partner_id not in others]
    return [(DEFAULT_TERM_DAYS, default), *((list(d), ids) for d, ids in chosen.items())]


def partner_ids(run: Run) -> list[int]:
    if "partner_ids" not in run.cache:
        run.cache["partner_ids"] = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    return run.cache["partner_ids"]


def stages(days: list[int]) -> dict[int, int]:
    """Days left → the reminder due then: its own day, or up to CATCH_UP_DAYS later (a day
    the job did not run), but never once the next one is due."""
    days = sorted(set(days), reverse=True)
    due = {}
    for i, stage in enumerate(days):
        following = days[i + 1] if i + 1 < len(days) else 0
        for left in range(stage, max(following, stage - CATCH_UP_DAYS), -1):
            due[left] = stage
    return due


class TermEnding:
    kind = Kind.TERM_ENDING

    def keys(self, run: Run) -> list[Key]:
        keys = []
        for days, partners in term_days_groups(run):
            on = {
                run.today + datetime.timedelta(days=left): stage
                for left, stage in stages(days).items()
            }
            stage = Case(
                *(When(commitment_ends_on=date, then=Value(s)) for date, s in on.items()),
                output_field=IntegerField(),
            )
            companies = Company.objects.filter(
                partner_id__in=partners,
                status=Company.Status.COMPLETE,
                commitment_ends_on__in=list(on),
            ).annotate(r_deadline=F("commitment_ends_on"), r_days=stage)
            keys += not_sent(companies, self.kind)
        return sorted(keys)

    def dues(self, keys: list[Key], run: Run) -> list[Due]:
        return [
            _term_due(self.kind, term, run, key)
            for key, term in _terms(keys, run).items()
            if term.company.commitment_ends_on == key.deadline
        ]


class RenewalDeadline:
    kind = Kind.RENEWAL_DEADLINE

    def keys(self, run: Run) -> list[Key]:
        # The last day is a product's deadline days before the term end: the terms ending
        # that many days (and up to DEADLINE_DAYS more) from today, for each product's days.
        offsets = set(Product.objects.order_by().values_list("renewal_deadline_days", flat=True))
        on = {
            run.today + datetime.timedelta(days=k + extra)
            for k in offsets
            for extra in range(DEADLINE_DAYS + 1)
        }
        companies = Company.objects.filter(
            partner_id__in=partner_ids(run),
            status=Company.Status.COMPLETE,
            commitment_ends_on__in=on,
        ).annotate(r_deadline=F("commitment_ends_on"), r_days=Value(DEADLINE_DAYS))
        return not_sent(companies, self.kind)

    def dues(self, keys: list[Key], run: Run) -> list[Due]:
        dues = []
        window = run.today + datetime.timedelta(days=DEADLINE_DAYS)
        for key, term in _terms(keys, run).items():
            if term.company.commitment_ends_on != key.deadline:
                continue
            if term.last_day is not None and run.today <= term.last_day <= window:
                dues.append(_term_due(self.kind, term, run, key))
        return dues


class Term:
    """A company's term ending on its ``commitment_ends_on``, with the lines that end then."""

    def __init__(self, company: Company, lines: list[AgreementLine], changes: list):
        self.company = company
        self.ends_on = company.commitment_ends_on
        self.all_lines = lines
        self.lines = [line for line in lines if line.term_end == self.ends_on and line.commitment]
        self.changes = changes
        days = [
            last_day(line.term_end, line.product)
            for line in self.lines
            if line.commitment in COMMITMENTS
        ]
        self.last_day = min(days) if days else None


def _terms(keys: list[Key], run: Run) -> dict[Key, Term]:
    """The terms of the keys' companies, as they are now: two queries for the batch (the lines
    in effect with their company and product, and the changes scheduled)."""
    by_id = {key.object_id: key for key in keys}
    companies, lines = {}, defaultdict(list)
    rows = (
        AgreementLine.objects.filter(
            agreement__company_id__in=by_id,
            agreement__company__status=Company.Status.COMPLETE,
            agreement__status=Agreement.Status.ACTIVE,
        )
        .select_related("product", "agreement__company")
        .only(
            *(f.name for f in AgreementLine._meta.concrete_fields),
            "product__renewal_deadline_days",
            "agreement__company__partner_id",
            "agreement__company__name",
            "agreement__company__implementation_lead_id",
            "agreement__company__commitment_ends_on",
        )
        .order_by("agreement_id", "id")
    )
    for line in rows:
        company = line.agreement.company
        companies.setdefault(company.pk, company)
        lines[company.pk].append(line)
    changes = defaultdict(list)
    for change in RenewalChange.objects.filter(
        company_id__in=by_id, status=RenewalChange.Status.SCHEDULED
    ):
        changes[change.company_id].append(change)
    return {by_id[pk]: Term(company, lines[pk], changes[pk]) for pk, company in companies.items()}


def _price_table(run: Run, partner_id: int, on: datetime.date):
    tables = run.cache.setdefault("price_tables", {})
    if (partner_id, on) not in tables:
        partners = run.cache.setdefault("partners", {})
        if partner_id not in partners:
            partners[partner_id] = Partner.objects.get(pk=partner_id)
        tables[partner_id, on] = price_table_for(partners[partner_id], on)
    return tables[partner_id, on]


def _what_renews(term: Term, run: Run) -> tuple[list[tuple[str, str]], list[dict]]:
    """The facts (one per product ending then) and the webhook's lines: seats now and at the
    renewal (with the changes scheduled for it), auto-renew, the term it renews on."""
    try:
        plan = renewal_plan(
            lines=term.all_lines,
            changes=term.changes,
            table=_price_table(run, term.company.partner_id, term.ends_on),
            renews_on=term.ends_on,
        )
        renewed = {line.was.pk: line for line in plan.renewing}
        note = ""
    except NotRenewable as error:
        renewed, note = {}, str(error)
    facts, data = [], []
    for line in term.lines:
        after = renewed.get(line.pk)
        if after is not None:
            seats = f"{line.quantity:,} seats"
            if after.quantity != line.quantity:
                seats = f"{line.quantity:,} → {after.quantity:,} seats (scheduled)"
            what = f"renews at {seats}, {Commitment(after.commitment).label}, auto-renew on"
        elif line.auto_renew and note:
            what = f"{line.quantity:,} seats, auto-renew on: {note}"
        elif line.auto_renew:
            what = f"{line.quantity:,} seats, removed at renewal (scheduled)"
        else:
            what = f"{line.quantity:,} seats, auto-renew off: it ends on {day(term.ends_on)}"
        facts.append((f"{line.code} {line.name}", what))
        data.append(
            {
                "code": line.code,
                "name": line.name,
                "quantity": line.quantity,
                "renews": after is not None,
                "renewal_quantity": after.quantity if after is not None else None,
                "commitment": line.commitment,
                "renewal_commitment": after.commitment if after is not None else None,
                "auto_renew": line.auto_renew,
                "term_end": line.term_end.isoformat(),
            }
        )
    return facts, data


def _term_due(kind: str, term: Term, run: Run, key: Key) -> Due:
    company = term.company
    facts, lines = _what_renews(term, run)
    if kind == Kind.TERM_ENDING:
        title = f"{company.name}: term ends {in_days(term.ends_on, run.today)}"
    else:
        title = (
            f"{company.name}: last day for changes to the renewal on {day(term.ends_on)} is "
            f"{in_days(term.last_day, run.today)}"
        )
    facts = [("Term ends", in_days(term.ends_on, run.today)), *facts]
    if term.last_day is not None:
        facts.append(("Last day for changes", in_days(term.last_day, run.today)))
    return Due(
        kind=kind,
        key=key,
        partner_id=company.partner_id,
        company_id=company.pk,
        company_name=company.name,
        title=title,
        facts=facts,
        url=company_url(company.pk, "agreements"),
        data={
            "company": company_data(company),
            "term_end": term.ends_on.isoformat(),
            "days_left": (term.ends_on - run.today).days,
            "last_day_for_changes": term.last_day.isoformat() if term.last_day else None,
            "lines": lines,
        },
        leads=(company.implementation_lead_id,),
        admins=True,
    )
