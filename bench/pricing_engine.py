"""Time the pricing engine: a five-line order, and a change quote on a 682-seat customer.

Target: a quote well under a millisecond, so the live preview is bound by the network only.
"""

import statistics
import time
from decimal import Decimal

from portal.pricing import (
    Charge,
    PricedProduct,
    PriceTable,
    Term,
    Tier,
    price_change,
    price_order,
)

ROUNDS, REPEAT = 2_000, 7


def table() -> PriceTable:
    def product(code, charge, term, tiers):
        return PricedProduct(
            code=code,
            name=code,
            charge=charge,
            term=term,
            tiers=tuple(Tier(q, Decimal(p)) for q, p in tiers),
        )

    return PriceTable(
        currency="USD",
        products={
            "S1": product(
                "S1",
                Charge.PER_SEAT,
                Term.MONTHLY,
                [(1, "3.50"), (250, "3.20"), (500, "2.95"), (1000, "2.70")],
            ),
            "C1": product("C1", Charge.PER_SEAT, Term.MONTHLY, [(1, "1.25"), (250, "1.10")]),
            "A1": product("A1", Charge.PER_SEAT, Term.MONTHLY, [(1, "0.90")]),
            "A3": product("A3", Charge.PER_SEAT, Term.ANNUAL, [(1, "10.00")]),
            "OB1": product("OB1", Charge.FLAT, Term.ONE_TIME, [(1, "500.00")]),
        },
    )


def per_call_us(fn) -> tuple[float, float]:
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            fn()
        samples.append((time.perf_counter() - start) / ROUNDS * 1e6)
    return statistics.median(samples), max(samples)


def main() -> None:
    prices = table()
    order = {"S1": 682, "C1": 682, "A1": 40, "A3": 682, "OB1": 1}
    prior = price_order(prices, {"S1": 682, "C1": 682}).lines
    proposed = {"S1": 700, "C1": 700, "A1": 25}

    for label, fn in [
        ("price_order, 5 lines", lambda: price_order(prices, order)),
        ("price_change, 682 -> 700 + add-on", lambda: price_change(prices, prior, proposed)),
    ]:
        median, worst = per_call_us(fn)
        print(f"{label:40s} median {median:8.1f} µs/quote   worst run {worst:8.1f} µs/quote")


if __name__ == "__main__":
    main()
