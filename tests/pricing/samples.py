"""Concrete contracted prices for the worked cases (figures chosen to exercise rounding)."""

from decimal import Decimal

from portal.pricing import Charge, Money, PricedProduct, PriceTable, Term, Tier

D = Decimal


def s1(tier_500: str = "3.4875") -> PricedProduct:
    return PricedProduct(
        "S1",
        "Email Security Cloud Gateway",
        Charge.PER_SEAT,
        Term.MONTHLY,
        (Tier(1, D("4.50")), Tier(100, D("3.95")), Tier(500, D(tier_500)), Tier(1000, D("3.10"))),
    )


C1 = PricedProduct(
    "C1", "Continuity", Charge.PER_SEAT, Term.MONTHLY, (Tier(1, D("1.20")), Tier(250, D("0.9975")))
)
S2 = PricedProduct("S2", "Email Security Plus", Charge.PER_SEAT, Term.MONTHLY, (Tier(10, D("6")),))
A1 = PricedProduct("A1", "Archive", Charge.PER_SEAT, Term.ANNUAL, (Tier(1, D("12.00")),))
T1 = PricedProduct("T1", "Admin Training", Charge.PER_SEAT, Term.ONE_TIME, (Tier(1, D("35.50")),))
ONB = PricedProduct("ONB", "Onboarding", Charge.FLAT, Term.ONE_TIME, (Tier(1, D("250.00")),))
SUP = PricedProduct("SUP", "Premium Support", Charge.FLAT, Term.MONTHLY, (Tier(1, D("99.00")),))


def table(currency: str = "USD", s1_tier_500: str = "3.4875") -> PriceTable:
    return PriceTable.of(currency, [s1(s1_tier_500), C1, S2, A1, T1, ONB, SUP])


def usd(amount: str) -> Money:
    return Money(D(amount), "USD")
