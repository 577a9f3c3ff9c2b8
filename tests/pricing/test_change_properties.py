from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from portal.pricing import Term, Totals, price_change, price_order

from .strategies import quantities, repriced, tables


def term_sum(lines, term):
    return sum((line.payment.amount for line in lines if line.term == term), Decimal(0))


@given(tables(), quantities)
def test_no_difference_no_change_lines(prices, ordered):
    prior = price_order(prices, ordered).lines
    quote = price_change(prices, prior, ordered)
    assert quote.changes == ()
    assert quote.added == ()
    assert quote.kept == prior
    assert quote.kind == "none"
    assert quote.net_totals == Totals.zero("USD")


@given(tables(), quantities, quantities)
def test_direct_price_is_prior_plus_changes_same_table(prices, before, after):
    prior = price_order(prices, before).lines
    quote = price_change(prices, prior, after)
    direct = price_order(prices, after).totals
    assert quote.new_totals == direct
    for term in Term:
        step = term_sum(quote.changes + quote.added, term)
        assert direct.by_term(term).amount == term_sum(prior, term) + step
        assert quote.net_totals.by_term(term).amount == step


@given(st.data(), tables(), quantities, quantities)
def test_direct_price_is_prior_plus_changes_after_repricing(data, old, before, after):
    prices = data.draw(repriced(old))
    prior = price_order(old, before).lines
    quote = price_change(prices, prior, after)
    direct = price_order(prices, after).totals
    for term in Term:
        step = term_sum(quote.changes + quote.added, term)
        assert direct.by_term(term).amount == term_sum(prior, term) + step


@given(st.data(), tables(), quantities, quantities)
def test_change_lines_pair_prior_and_new(data, old, before, after):
    prices = data.draw(repriced(old))
    prior = price_order(old, before).lines
    quote = price_change(prices, prior, after)
    by_code = {line.code: line for line in prior}
    negatives = [line for line in quote.changes if line.quantity < 0]
    positives = [line for line in quote.changes if line.quantity > 0]
    # Every negative line is a prior line, at its own unit price, taken away.
    assert all(line.negated() == by_code[line.code] for line in negatives)
    # Kept, added and new change lines together are exactly the proposed set.
    assert Counter(quote.kept + quote.added + tuple(positives)) == Counter(quote.proposed)
    # Each prior product is either kept or shown negated, never both.
    kept = {line.code for line in quote.kept}
    assert kept.isdisjoint(line.code for line in negatives)
    assert kept | {line.code for line in negatives} == set(by_code)
    # A new line directly follows its negative line.
    for index, line in enumerate(quote.changes):
        if line.quantity > 0:
            assert quote.changes[index - 1].code == line.code
            assert quote.changes[index - 1].quantity < 0
