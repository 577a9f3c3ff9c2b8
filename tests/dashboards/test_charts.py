"""The charts' geometry: round ticks that take in zero, forecast points dotted, bars stacked
above and below zero, and a title on every mark."""

from decimal import Decimal

from portal.dashboards.charts import Series, bar_chart, hbar_chart, line_chart, nice_scale, short


def test_the_scale_has_round_ticks_and_takes_in_zero():
    assert nice_scale(1200, 13_000) == [0, 5000, 10_000, 15_000]
    assert nice_scale(-455, 2465) == [-1000, 0, 1000, 2000, 3000]


def test_axis_labels_are_short():
    assert [short(v) for v in (0, 250, 1500, 2_000_000)] == ["0", "250", "1.5k", "2M"]


def test_the_months_ahead_are_dotted_and_join_the_last_month_shown():
    values = tuple(Decimal(v) for v in (10, 20, 30, 25, 25))
    drawing = line_chart(list("abcde"), [Series("Cost", "chart-cost", values)], ahead=2)
    solid = [points for _, points, dotted in drawing.lines if not dotted]
    dotted = [points for _, points, dotted in drawing.lines if dotted]
    assert len(solid[0].split()) == 3  # a, b, c
    assert len(dotted[0].split()) == 3  # from c on: d and e
    assert drawing.ahead_from is not None
    assert [title for *_, title in drawing.dots][0] == "a: 10"


def test_a_missing_value_breaks_the_line():
    drawing = line_chart(list("abcd"), [Series("Yours", "chart-sold", (1, 2, None, 4))])
    assert [len(points.split()) for _, points, _ in drawing.lines] == [2]
    assert len(drawing.dots) == 3


def test_bars_stack_up_from_zero_and_down_below_it():
    drawing = bar_chart(
        ["Jan"],
        [
            Series("New", "chart-new", (Decimal(100),)),
            Series("Expansion", "chart-expansion", (Decimal(50),)),
            Series("Lost", "chart-lost", (Decimal(-40),)),
        ],
    )
    new, expansion, lost = drawing.bars
    assert new[1] + new[3] == drawing.zero  # its bottom on zero
    assert expansion[1] + expansion[3] == new[1]  # on top of New
    assert lost[1] == drawing.zero  # hangs below zero
    assert lost[5] == "Jan, Lost: -40"


def test_horizontal_bars_are_as_long_as_their_values():
    drawing = hbar_chart(["A", "B"], Series("Fees", "chart-cost", (Decimal(100), Decimal(50))))
    (_, _, long, *_), (_, _, half, *_) = drawing.bars
    assert abs(long - 2 * half) < 0.2
    assert [name for _, name in drawing.names] == ["A", "B"]
