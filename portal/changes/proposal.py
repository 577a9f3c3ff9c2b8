"""What a change form proposes, as quantities per product, and the rules it must pass.

Pure over products and the agreement's lines (no queries): the form, the live preview, Save
Quote and Submit all check a change through here.
"""

import datetime
from dataclasses import dataclass, field

from portal.catalog.models import Product
from portal.companies.seats import seats_error
from portal.companies.terms import LineTerm, fewer_seats_refusal
from portal.orders.rules import go_together, missing_host, no_price_message
from portal.pricing import (
    ChangeQuote,
    Charge,
    Line,
    Money,
    NoPrice,
    PriceTable,
    ProratedLine,
    Term,
    TierMove,
    price_change,
    prorate_change,
    prorated_total,
    tier_moves,
)

from .models import ChangeOrder
from .periods import billing_period

Mode = ChangeOrder.Mode
NO_CHANGE = "No change to quote: change the Total Number of Seats or the products."
SEATS_TOO_LOW = "Enter at least 1 seat."
CHOOSE_PRODUCT = "Choose the product."  # Add to or Select New, without the product


@dataclass(frozen=True)
class Proposal:
    seats: int
    mode: str = Mode.KEEP
    primary: Product | None = None  # added (Add to) or chosen instead (Select New)
    addons: dict[Product, int | None] = field(default_factory=dict)  # → own seats or None


@dataclass(frozen=True)
class Current:
    """The agreement in effect, as the change form sees it."""

    lines: list[Line]
    products: dict[str, Product]  # code → product, for every code on the lines
    seats: int  # the total users of the agreement
    # code → the line's term as it runs today (its dates rolled on past renewals)
    terms: dict[str, LineTerm] = field(default_factory=dict)
    # The customer's billing date on record and the day the change is priced: the billing
    # periods its first charges are prorated over.
    next_billing_date: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def primaries(self) -> list[Product]:
        return [self.products[line.code] for line in self.lines if self._primary(line.code)]

    @property
    def addons(self) -> dict[str, int]:
        return {line.code: line.quantity for line in self.lines if not self._primary(line.code)}

    def _primary(self, code: str) -> bool:
        return self.products[code].kind == Product.Kind.PRIMARY


@dataclass(frozen=True)
class Start:
    """What the change form opens with: today's agreement, or the saved quote."""

    seats: int
    lead_id: int | None
    mode: str
    primary: str  # the product code added or selected, "" when kept
    addons: dict[str, int | None]  # code → seats


def start_of(current: Current, company, change: ChangeOrder | None) -> Start:
    if change:
        primary = change.primary.code if change.mode in (Mode.ADD, Mode.NEW) else ""
        return Start(
            change.seats, change.implementation_lead_id, change.mode, primary, change.addons
        )
    return Start(current.seats, company.implementation_lead_id, Mode.KEEP, "", current.addons)


def can_add(current: Current, enabled: list[Product]) -> list[Product]:
    """Primary products that may be ordered next to the current ones (Add to)."""
    have = set(current.primaries)
    return [
        p
        for p in enabled
        if p.kind == Product.Kind.PRIMARY
        and p not in have
        and not have & set(p.upgrades.all())
        and any(go_together(p, c) for c in have)
    ]


def can_select(current: Current, enabled: list[Product]) -> list[Product]:
    """Primary products that upgrade a current one (Select New)."""
    have = set(current.primaries)
    return [
        p
        for p in enabled
        if p.kind == Product.Kind.PRIMARY and p not in have and have & set(p.upgrades.all())
    ]


def quantities(current: Current, proposal: Proposal) -> dict[str, int]:
    """Seats apply to every per-seat primary and to add-ons without a seat count of their own
    (a flat product is priced once whatever its quantity)."""
    primaries = list(current.primaries)
    if proposal.primary and proposal.mode == Mode.NEW:
        replaced = set(proposal.primary.upgrades.all())
        primaries = [p for p in primaries if p not in replaced] + [proposal.primary]
    elif proposal.primary and proposal.mode == Mode.ADD:
        primaries.append(proposal.primary)
    result = {p.code: _quantity(p, proposal.seats) for p in primaries}
    for addon, own in proposal.addons.items():
        result[addon.code] = (
            own if addon.needs_own_seats and own else _quantity(addon, proposal.seats)
        )
    return result


def _quantity(product: Product, seats: int) -> int:
    return 1 if product.charge == Charge.FLAT else seats


def kind(current: Current, proposal: Proposal) -> str | None:
    """Upgrade when products come or go, downsell when a quantity goes down, upsell when one
    goes up; None when nothing changes."""
    before = {line.code: line.quantity for line in current.lines}
    after = quantities(current, proposal)
    if before.keys() != after.keys():
        return ChangeOrder.Kind.UPGRADE
    if before == after:
        return None
    if any(after[code] < quantity for code, quantity in before.items()):
        return ChangeOrder.Kind.DOWNSELL
    return ChangeOrder.Kind.UPSELL


@dataclass(frozen=True)
class RenewalOffer:
    """A seat decrease refused before the renewal, to schedule for it instead (Manage
    renewal, on the customer page: linked by URL, the renewals app being above this one)."""

    code: str
    seats: int
    renews_on: datetime.date | None
    refusal: str


def renewal_offers(
    current: Current, proposal: Proposal, products: dict[str, Product]
) -> list[RenewalOffer]:
    """Each product whose seats the proposal lowers before the vendor's policy allows it
    (a commitment's seats go down only at renewal), with the date they can."""
    wanted = quantities(current, proposal)
    before = {line.code: line.quantity for line in current.lines}
    offers = []
    for code, quantity in wanted.items():
        term = current.terms.get(code)
        if term is not None and quantity < before.get(code, 0):
            if refusal := fewer_seats_refusal(
                product=products[code], commitment=term.commitment, term_end=term.term_end
            ):
                offers.append(RenewalOffer(code, quantity, term.term_end, refusal))
    return offers


def seat_refusals(current: Current, proposal: Proposal, products: dict[str, Product]) -> list[str]:
    """Why each seat decrease of the proposal must wait for the renewal (``renewal_offers``)."""
    return [offer.refusal for offer in renewal_offers(current, proposal, products)]


def errors(current: Current, proposal: Proposal, products: dict[str, Product]) -> list[str]:
    """Why the proposal cannot be quoted, in the user's words (empty: it can)."""
    problems = []
    wanted = quantities(current, proposal)
    product_change = set(wanted) != {line.code for line in current.lines}
    if product_change and proposal.seats < current.seats:
        problems.append(
            f"Product changes cannot be combined with a seat decrease ({current.seats:,} → "
            f"{proposal.seats:,}): submit the seat decrease first, then the product change."
        )
    problems += seat_refusals(current, proposal, products)
    chosen = {products[code] for code in wanted}
    for addon, own in proposal.addons.items():
        if addon.needs_own_seats and (message := seats_error(addon.name, own, proposal.seats)):
            problems.append(message)
        if names := missing_host(addon, chosen):
            problems.append(f"{addon.code} can only be added to {names}.")
    return problems


def host_of(current: Current) -> tuple[str, LineTerm] | None:
    """The term a product added mid-term joins: the first primary's (code, term)."""
    return next(
        ((p.code, current.terms[p.code]) for p in current.primaries if p.code in current.terms),
        None,
    )


def line_terms(current: Current, codes, products: dict[str, Product]) -> dict[str, LineTerm]:
    """The terms of the changed version's lines: a product kept runs on in its term; one
    added (an add-on, another or a new primary) is co-termed with the first primary's term,
    so that the customer has one renewal date, when the vendor offers the product on that
    term (else it runs on its own default term). Its start is the day it is provisioned."""
    host = host_of(current)
    terms = {}
    for code in codes:
        if code in current.terms:
            terms[code] = current.terms[code]
        elif host is not None and host[1].commitment in products[code].terms_offered:
            terms[code] = LineTerm(host[1].commitment, host[1].auto_renew, None, host[1].term_end)
    return terms


@dataclass(frozen=True)
class Timing:
    """When the lines of a change run and what it charges now: each line's term (``terms``),
    the product each added one is co-termed with (``co_termed``: code → host code), and the
    prorated first charges of what it buys or increases mid-period."""

    terms: dict[str, LineTerm]
    co_termed: dict[str, str]
    prorated: tuple[ProratedLine, ...]
    currency: str

    @property
    def prorated_total(self) -> Money:
        return prorated_total(self.prorated, self.currency)

    def initial(self, quote: ChangeQuote) -> Money:
        """Total Initial Fees of the change: the new version's fees and the prorated
        charges."""
        return quote.new_totals.initial + self.prorated_total


def timing(
    current: Current, quote: ChangeQuote, change_kind: str | None, products: dict[str, Product]
) -> Timing:
    """The change's terms and prorated charges, priced ``current.today``. A downsell takes
    effect at a billing date: it charges nothing before it."""
    codes = [line.code for line in quote.proposed]
    terms = line_terms(current, codes, products)
    host = host_of(current)
    co_termed = {
        code: host[0] for code in codes if host and code not in current.terms and code in terms
    }
    prorated: tuple[ProratedLine, ...] = ()
    if change_kind != ChangeOrder.Kind.DOWNSELL and current.today is not None:
        periods = {
            line.code: billing_period(
                line.term,
                next_billing_date=current.next_billing_date,
                term_end=terms[line.code].term_end if line.code in terms else None,
                today=current.today,
            )
            for line in quote.proposed
            if line.term is not Term.ONE_TIME
        }
        prorated = prorate_change(quote, periods, current.today)
    return Timing(terms, co_termed, prorated, quote.new_totals.currency)


def quote(table: PriceTable, current: Current, proposal: Proposal) -> ChangeQuote:
    """The change quote; raises NoPrice for a product without a contracted price."""
    return price_change(table, current.lines, quantities(current, proposal))


@dataclass
class Checked:
    """A proposal through every rule: its kind and quote, or why it cannot be quoted."""

    problems: list[str]
    kind: str | None = None
    quote: ChangeQuote | None = None
    tiers: dict[str, TierMove] = field(default_factory=dict)  # code → the tier moved into
    timing: Timing | None = None


def check(
    table: PriceTable,
    current: Current,
    proposal: Proposal,
    products: dict[str, Product],
    *,
    priceable: bool = True,
) -> Checked:
    """The rules, then the prices (unless ``priceable`` is False: another input is not valid):
    what the form, the API and Submit all ask."""
    problems = errors(current, proposal, products)
    change_kind = kind(current, proposal)
    if not problems and change_kind is None:
        problems = [NO_CHANGE]
    if problems or not priceable:
        return Checked(problems)
    try:
        priced = quote(table, current, proposal)
    except NoPrice as exc:
        return Checked([no_price_message(exc)])
    return Checked(
        [],
        change_kind,
        priced,
        tier_moves(table, priced),
        timing(current, priced, change_kind, products),
    )


def as_is(table: PriceTable, current: Current) -> ChangeQuote | None:
    """The agreement in effect priced as the change form prices "no change" (its quantities
    at today's prices), for the preview before anything is changed; None without a price."""
    try:
        return price_change(
            table, current.lines, {line.code: line.quantity for line in current.lines}
        )
    except NoPrice:
        return None
