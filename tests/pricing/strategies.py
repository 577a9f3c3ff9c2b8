"""Hypothesis strategies: random price tables and quantities over a small set of codes."""

from decimal import Decimal

from hypothesis import strategies as st

from portal.pricing import Charge, PricedProduct, PriceTable, Term, Tier

CODES = ("P1", "P2", "P3", "P4", "P5", "P6")

prices = st.decimals(
    min_value=0, max_value=Decimal("9999.9999"), places=4, allow_nan=False, allow_infinity=False
)
quantities = st.dictionaries(st.sampled_from(CODES), st.integers(min_value=0, max_value=5000))


@st.composite
def tier_starts(draw, charge: Charge) -> list[int]:
    if charge is Charge.FLAT:
        return [1]
    return [1, *sorted(draw(st.sets(st.integers(min_value=2, max_value=3000), max_size=4)))]


@st.composite
def products(draw, code: str) -> PricedProduct:
    charge = draw(st.sampled_from(Charge))
    term = draw(st.sampled_from(Term))
    tiers = tuple(Tier(start, draw(prices)) for start in draw(tier_starts(charge)))
    return PricedProduct(code, f"Product {code}", charge, term, tiers)


@st.composite
def tables(draw) -> PriceTable:
    return PriceTable.of("USD", [draw(products(code)) for code in CODES])


@st.composite
def repriced(draw, table: PriceTable) -> PriceTable:
    """The same products and terms with other tiers and prices (a later price list)."""
    products = []
    for product in table.products.values():
        starts = draw(tier_starts(product.charge))
        tiers = tuple(Tier(start, draw(prices)) for start in starts)
        products.append(
            PricedProduct(product.code, product.name, product.charge, product.term, tiers)
        )
    return PriceTable.of(table.currency, products)
