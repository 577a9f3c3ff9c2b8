"""The charts' geometry: round ticks that take in zero (or span only the values), forecast
points dotted, a licence drawn as steps, bars stacked above and below zero, and a title on
every mark."""

from decimal import Decimal

from portal.core.charts import Series, bar_chart, hbar_chart, line_chart, nice_scale, short


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


def test_a_step_series_holds_its_level_until_the_value_changes():
    drawing = line_chart(
        list("abcdef"), [Series("Licensed", "chart-licensed", (5, 5, 5, 8, 8, 8), step=True)]
    )
    ((_, points, _),) = drawing.lines
    corners = [tuple(float(n) for n in point.split(",")) for point in points.split()]
    assert len(corners) == 4  # level, up between c and d, level
    assert corners[0][1] == corners[1][1] and corners[2][1] == corners[3][1]
    assert corners[1][0] == corners[2][0]  # straight up
    assert corners[2][1] < corners[1][1]  # 8 is higher than 5


def test_dots_only_on_the_last_points_and_a_few_axis_labels():
    drawing = line_chart(
        [f"day {n}" for n in range(90)],
        [Series("In use", "chart-in-use", tuple([None] * 10 + list(range(80))))],
        axis={0: "Sep 2", 13: "Sep 15"},
        dots="last",
    )
    assert [title for *_, title in drawing.dots] == ["day 89: 79"]
    assert [text for _, text in drawing.xlabels] == ["Sep 2", "Sep 15"]


def test_a_scale_without_zero_spans_the_values_and_the_axis_sits_at_its_bottom():
    scale = nice_scale(640, 682, zero=False)
    assert 0 < scale[0] <= 640 and 682 <= scale[-1] < 800
    assert nice_scale(0, 0, zero=False)[0] == 0  # never below zero for counts
    drawing = line_chart(list("ab"), [Series("In use", "chart-in-use", (640, 682))], zero=False)
    assert drawing.zero == max(y for y, _ in drawing.grid)  # the lowest tick, not y of 0


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
