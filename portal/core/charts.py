"""Charts drawn on the server as SVG: lines (recurring fees in time, the months ahead
dotted; seats in use against a licence's steps) and bars (stacked, above and below zero).
Pure geometry, no ORM, no request: the dashboards and the customer page's Usage section draw
with it, ``templates/core/_chart_drawing.html`` renders a drawing.

The figures stay Decimal in the tables and downloads; only the drawing turns them into
coordinates. Every mark carries a <title> with its figure, and every chart goes with a table
of the same figures, so nothing is shown only as a picture.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 14, 34


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # the colour's class in charts.css: chart-cost, chart-sold, chart-new, …
    values: tuple[Decimal | int | None, ...]
    step: bool = False  # a level held until the next value (seats licensed), not a slope


@dataclass
class Drawing:
    """What the template draws; each list holds plain tuples of coordinates and words."""

    width: int = WIDTH
    height: int = HEIGHT
    grid: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    xlabels: list[tuple[float, str]] = field(default_factory=list)  # (x, label)
    lines: list[tuple[str, str, bool]] = field(default_factory=list)  # (css, points, ahead)
    dots: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, y, css, title
    bars: list[tuple[float, float, float, float, str, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css, name)
    zero: float = 0.0
    ahead_from: float | None = None  # x where the forecast starts
    names: list[tuple[float, str]] = field(default_factory=list)  # (y, label): horizontal bars
    horizontal: bool = False


def nice_scale(low: float, high: float, ticks: int = 4, *, zero: bool = True) -> list[float]:
    """Round tick values from below ``low`` (and 0) to above ``high``. Without ``zero`` the
    scale spans only the values, with a little room (a line of 680 seats moving by a few);
    it still never goes below 0 for values that do not."""
    if zero:
        low, high = min(low, 0.0), max(high, 0.0)
    else:
        room = max((high - low) * 0.25, abs(high) * 0.05, 1.0)
        low, high = (low - room if low < 0 else max(low - room, 0.0)), high + room
    if high == low:
        high = low + 1
    raw = (high - low) / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    values = []
    value = start
    while value < high + step * 0.999:
        values.append(round(value, 6))
        value += step
    return values


def short(value: float) -> str:
    """An axis label: 1,250 → 1.3k, 2,500,000 → 2.5M."""
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if size >= 1_000:
        return f"{value / 1_000:.1f}k".replace(".0k", "k")
    return f"{value:g}"


class _Frame:
    def __init__(self, drawing: Drawing, count: int, scale: list[float]):
        self.d = drawing
        self.count = max(count, 1)
        self.low, self.high = scale[0], scale[-1]
        self.slot = (WIDTH - LEFT - RIGHT) / self.count
        for tick in scale:
            drawing.grid.append((self.y(tick), short(tick)))
        # The axis at zero, or at the bottom of a scale that starts above it.
        drawing.zero = self.y(min(max(0, self.low), self.high))

    def x(self, index: int) -> float:
        return round(LEFT + self.slot * (index + 0.5), 1)

    def y(self, value: float) -> float:
        span = HEIGHT - TOP - BOTTOM
        return round(TOP + span * (self.high - value) / (self.high - self.low), 1)


def _labels(frame: _Frame, labels: list[str], axis: dict[int, str] | None = None) -> None:
    if axis is not None:  # the caller's few, for points too many to label each
        for index, text in sorted(axis.items()):
            frame.d.xlabels.append((frame.x(index), text))
        return
    # Every label when they fit, else every other one (a phone shows the chart smaller).
    every = 1 if len(labels) <= 8 else 2
    for index, text in enumerate(labels):
        if index % every == 0:
            frame.d.xlabels.append((frame.x(index), text))


def _points(frame: _Frame, part: list[tuple[int, float]], step: bool) -> str:
    if not step:
        return " ".join(f"{frame.x(i)},{frame.y(v)}" for i, v in part)
    # A step: level until the value changes, between two points' slots.
    corners = [(frame.x(part[0][0]), frame.y(part[0][1]))]
    for (_, before), (i, value) in zip(part, part[1:], strict=False):
        if value != before:
            middle = round(frame.x(i) - frame.slot / 2, 1)
            corners += [(middle, frame.y(before)), (middle, frame.y(value))]
    corners.append((frame.x(part[-1][0]), frame.y(part[-1][1])))
    return " ".join(f"{x},{y}" for x, y in corners)


def line_chart(
    labels: list[str],
    series: list[Series],
    ahead: int = 0,
    *,
    axis: dict[int, str] | None = None,
    dots: str = "every",
    zero: bool = True,
) -> Drawing:
    """One line per series over ``labels``; the last ``ahead`` points dotted (a forecast).
    A missing value (None) breaks the line. ``axis``: the labels to write under it, by index
    (else every label, or every other one); ``dots``: a dot on ``"every"`` point or on each
    series' ``"last"`` only (90 days of points would touch); ``zero``: the scale takes in 0."""
    drawing = Drawing()
    numbers = [float(v) for s in series for v in s.values if v is not None]
    scale = nice_scale(min(numbers, default=0), max(numbers, default=0), zero=zero)
    frame = _Frame(drawing, len(labels), scale)
    _labels(frame, labels, axis)
    first_ahead = len(labels) - ahead
    if ahead:
        drawing.ahead_from = round(frame.x(first_ahead) - frame.slot / 2, 1)
    for one in series:
        drawing.legend.append((one.css, one.name))
        runs: list[list[tuple[int, float]]] = [[]]
        for index, value in enumerate(one.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((index, float(value)))
        shown = [(i, v) for i, v in enumerate(one.values) if v is not None]
        for index, value in shown if dots == "every" else shown[-1:]:
            drawing.dots.append(
                (frame.x(index), frame.y(float(value)), one.css, f"{labels[index]}: {value:,}")
            )
        for run in runs:
            past = [(i, v) for i, v in run if i < first_ahead]
            later = [(i, v) for i, v in run if i >= first_ahead - 1]
            for part, dotted in ((past, False), (later, True)):
                if len(part) > 1:
                    drawing.lines.append((one.css, _points(frame, part, one.step), dotted))
    return drawing


def bar_chart(labels: list[str], series: list[Series]) -> Drawing:
    """Bars stacked per label: positive values upwards from zero, negative ones downwards."""
    drawing = Drawing()
    ups = [
        sum(float(s.values[i] or 0) for s in series if (s.values[i] or 0) > 0)
        for i in range(len(labels))
    ]
    downs = [
        sum(float(s.values[i] or 0) for s in series if (s.values[i] or 0) < 0)
        for i in range(len(labels))
    ]
    frame = _Frame(drawing, len(labels), nice_scale(min(downs, default=0), max(ups, default=0)))
    _labels(frame, labels)
    width = round(frame.slot * 0.6, 1)
    for one in series:
        drawing.legend.append((one.css, one.name))
    for index, text in enumerate(labels):
        above, below = 0.0, 0.0
        for one in series:
            value = one.values[index]
            if not value:
                continue
            amount = float(value)
            start = above if amount > 0 else below
            end = start + amount
            top, bottom = frame.y(max(start, end)), frame.y(min(start, end))
            drawing.bars.append(
                (
                    round(frame.x(index) - width / 2, 1),
                    top,
                    width,
                    max(round(bottom - top, 1), 0.5),
                    one.css,
                    f"{text}, {one.name}: {value:,}",
                )
            )
            if amount > 0:
                above = end
            else:
                below = end
    return drawing


def hbar_chart(labels: list[str], series: Series) -> Drawing:
    """Horizontal bars, one per label (names too long to stand under a bar): the label on
    its own line above its bar, the bar's length its value."""
    row = 34
    drawing = Drawing(height=TOP + row * len(labels) + BOTTOM, horizontal=True)
    numbers = [float(v or 0) for v in series.values]
    scale = nice_scale(0, max(numbers, default=0))
    span = WIDTH - LEFT - RIGHT
    drawing.zero = LEFT
    for tick in scale:
        drawing.xlabels.append((round(LEFT + span * tick / scale[-1], 1), short(tick)))
    drawing.legend.append((series.css, series.name))
    for index, (text, value) in enumerate(zip(labels, numbers, strict=True)):
        top = TOP + row * index
        drawing.names.append((top + 11, text))
        drawing.bars.append(
            (
                LEFT,
                top + 15,
                max(round(span * value / scale[-1], 1), 0.5),
                14,
                series.css,
                f"{text}: {series.values[index]:,}",
            )
        )
    return drawing
