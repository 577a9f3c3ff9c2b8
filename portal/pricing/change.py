"""Change quotes: the agreement in effect against a proposed set of quantities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .lines import Line, Totals, price_order
from .money import CurrencyMismatch, Money
from .table import Charge, PriceTable, Term


class ChangeKind(StrEnum):
    UPSELL = "upsell"
    DOWNSELL = "downsell"
    UPGRADE = "upgrade"
    NONE = "none"


@dataclass(frozen=True)
class ChangeRow:
    """One product of a Change Order Summary: what it was and what it will be (None = absent)."""

    code: str
    name: str
    term: Term
    prior: Line | None
    current: Line | None


@dataclass(frozen=True)
class ChangeQuote:
    prior: tuple[Line, ...]
    added: tuple[Line, ...]
    kept: tuple[Line, ...]
    changes: tuple[Line, ...]
    proposed: tuple[Line, ...]
    prior_totals: Totals
    new_totals: Totals

    @property
    def removed(self) -> tuple[Line, ...]:
        """Prior lines whose product is not in the proposed set."""
        codes = {line.code for line in self.proposed}
        return tuple(line for line in self.prior if line.code not in codes)

    @property
    def net_totals(self) -> Totals:
        """How much each term's fees go up (positive) or down (negative)."""
        return self.new_totals - self.prior_totals

    @property
    def kind(self) -> ChangeKind:
        before = {line.code: line.quantity for line in self.prior}
        after = {line.code: line.quantity for line in self.proposed}
        if before.keys() != after.keys():
            return ChangeKind.UPGRADE
        if not self.changes:
            return ChangeKind.NONE
        if any(after[code] < quantity for code, quantity in before.items()):
            return ChangeKind.DOWNSELL
        return ChangeKind.UPSELL

    def rows(self) -> tuple[ChangeRow, ...]:
        """Every product before or after the change: prior products first, then added ones."""
        current = {line.code: line for line in self.proposed}
        rows = [
            ChangeRow(line.code, line.name, line.term, line, current.get(line.code))
            for line in self.prior
        ]
        rows += [ChangeRow(line.code, line.name, line.term, None, line) for line in self.added]
        return tuple(rows)


@dataclass(frozen=True)
class TierMove:
    """A per-seat price that changed because the seat count moved into another volume tier:
    the tier the new quantity falls in (last None: no upper end) and its unit price."""

    first: int
    last: int | None
    unit_price: Money


def tier_moves(table: PriceTable, quote: ChangeQuote) -> dict[str, TierMove]:
    """Product code → the tier now applying, for each kept per-seat product whose unit price
    changed with its quantity's tier (a contract price change in the same tier is not one)."""
    prior = {line.code: line for line in quote.prior}
    moves = {}
    for line in quote.proposed:
        old = prior.get(line.code)
        if old is None or line.charge is not Charge.PER_SEAT or old.unit_price == line.unit_price:
            continue
        product = table.product(line.code)
        tier = product.tier_for(line.quantity)
        if tier is None or tier == product.tier_for(old.quantity):
            continue
        moves[line.code] = TierMove(*product.tier_seats(tier), line.unit_price)
    return moves


def _unchanged(old: Line, new: Line) -> bool:
    return (
        old.quantity == new.quantity
        and old.unit_price == new.unit_price
        and old.term == new.term
        and old.charge == new.charge
    )


def _check_prior(table: PriceTable, prior: Sequence[Line]) -> None:
    seen = set()
    for line in prior:
        if line.code in seen:
            raise ValueError(f"{line.code}: appears twice in the agreement in effect")
        seen.add(line.code)
        if line.quantity < 1:
            raise ValueError(f"{line.code}: an agreement line needs a positive quantity")
        if line.currency != table.currency:
            raise CurrencyMismatch(
                f"{line.code}: agreement in {line.currency}, prices in {table.currency}"
            )


def price_change(
    table: PriceTable, prior: Sequence[Line], proposed: Mapping[str, int]
) -> ChangeQuote:
    """Compare the agreement in effect with the proposed quantities, product by product.

    `prior` keeps its own unit prices (copied onto the agreement at order time). A product whose
    quantity or price changes shows its prior line negated, then its new line; a product that is
    dropped shows only the negated line.
    """
    _check_prior(table, prior)
    new_lines = price_order(table, proposed).lines
    new_by_code = {line.code: line for line in new_lines}
    prior_codes = {line.code for line in prior}

    kept: list[Line] = []
    changes: list[Line] = []
    for old in prior:
        new = new_by_code.get(old.code)
        if new is not None and _unchanged(old, new):
            kept.append(old)
            continue
        changes.append(old.negated())
        if new is not None:
            changes.append(new)

    return ChangeQuote(
        prior=tuple(prior),
        added=tuple(line for line in new_lines if line.code not in prior_codes),
        kept=tuple(kept),
        changes=tuple(changes),
        proposed=new_lines,
        prior_totals=Totals.of(prior, table.currency),
        new_totals=Totals.of(new_lines, table.currency),
    )
