"""A measure's reported values as a line chart, laid out in Python for the template to draw as inline SVG.

Nothing here writes markup: it computes coordinates, tick labels and a text summary, and
`templates/measures/_chart.html` places them. Styling comes from the `kcpp-chart*` classes, since
the Content-Security-Policy forbids inline styles. No chart library: the series are short, and
server-drawn SVG prints, zooms and works without JavaScript.
"""

import math
from dataclasses import dataclass

from measures import status as rules
from measures.status import Direction

WIDTH = 720
HEIGHT = 380
LEFT = 80  # room for the value axis labels
RIGHT = WIDTH - 130  # room for the direct labels of the target and baseline lines
TOP = 24
BOTTOM = 300  # the x axis; period labels below it, then the key
INSET = 28  # keeps the first and last points off the axes
MAX_PERIOD_LABELS = 8
MAX_VALUE_LABELS = 12
LABEL_GAP = 18  # the least vertical distance between two line labels


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    period: str
    value_text: str
    is_illustrative: bool
    show_label: bool
    label_y: float


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ReferenceLine:
    """The target or the baseline: a dashed or dotted line with a direct label at its right end."""

    kind: str  # "target" or "baseline": the CSS class kcpp-chart__<kind>
    d: str
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class KeyItem:
    kind: str  # "line", "target", "baseline" or "illustrative"
    x: float
    y: float
    label: str

    @property
    def marker_x(self):
        return self.x + 12

    @property
    def text_x(self):
        return self.x + 32


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    title: str
    summary: str
    line_d: str
    points: list
    value_ticks: list
    period_ticks: list
    reference_lines: list
    key: list

    @property
    def value_label_x(self):
        return self.left - 8

    @property
    def period_label_y(self):
        return self.bottom + 24


def _round(number):
    return round(float(number), 1)


def nice_step(span, ticks=5):
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` ticks over `span`."""
    raw = span / (ticks - 1)
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    nice = 1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
    return nice * 10**exponent


def value_axis(numbers, *, percent=False):
    """The axis minimum, maximum and step for a set of numbers, with a little room around them."""
    low, high = min(numbers), max(numbers)
    if low == high:
        pad = abs(low) * 0.1 or 1
        low, high = low - pad, high + pad
    else:
        pad = (high - low) * 0.1
        low, high = low - pad, high + pad
    step = nice_step(high - low)
    axis_min = math.floor(low / step) * step
    axis_max = math.ceil(high / step) * step
    if min(numbers) >= 0:
        axis_min = max(axis_min, 0)  # counts and percentages are never negative
    if percent:
        axis_max = min(axis_max, 100) if max(numbers) <= 100 else axis_max
    return axis_min, axis_max, step


def _tick_text(measure, number, step):
    places = max(0, -math.floor(math.log10(step)))
    text = f"{number:,.{places}f}"
    return f"{text}%" if measure.unit == measure.Unit.PERCENT else text


def _targets(measure, readings):
    """The target each reading is measured against (None where it cannot be applied)."""
    previous = None
    targets = []
    for reading in readings:
        targets.append(rules.target_for(measure, reading, previous) if rules.target_is_set(measure) else None)
        previous = reading
    return targets


def summary_text(measure, readings):
    """The chart in words, for screen readers (<desc>) and for anyone who cannot see the lines."""
    first, latest = readings[0], readings[-1]
    count = "1 reported value" if len(readings) == 1 else f"{len(readings)} reported values"
    span = first.period_label if len(readings) == 1 else f"{first.period_label} to {latest.period_label}"
    parts = [
        f"{measure.title}, Kirklees: {count}, {span}.",
        f"Latest: {measure.format_reading(latest)}.",
        f"Target: {measure.target_text}.",
        f"Baseline: {measure.baseline_text}.",
    ]
    if measure.direction:
        parts.append(f"{Direction(measure.direction).label}.")
    if rules.any_illustrative(readings):
        parts.append("Illustrative values are sample data, not real figures.")
    return " ".join(parts)


def line_chart(measure, readings):
    """Lay out a line chart of a measure's Kirklees-wide readings (oldest first), or None if there are none."""
    readings = list(readings)
    if not readings:
        return None
    targets = _targets(measure, readings)
    constant_target = rules.rule_for(measure).chart == "level"
    if constant_target:
        targets = [targets[-1]] * len(readings) if targets[-1] is not None else [None] * len(readings)
    baseline = measure.baseline_value

    numbers = [float(reading.value) for reading in readings]
    numbers += [float(target) for target in targets if target is not None]
    if baseline is not None:
        numbers.append(float(baseline))
    axis_min, axis_max, step = value_axis(numbers, percent=measure.unit == measure.Unit.PERCENT)

    def y_of(number):
        return _round(BOTTOM - (float(number) - axis_min) / (axis_max - axis_min) * (BOTTOM - TOP))

    count = len(readings)
    if count == 1:
        xs = [_round((LEFT + RIGHT) / 2)]
    else:
        spacing = (RIGHT - LEFT - 2 * INSET) / (count - 1)
        xs = [_round(LEFT + INSET + index * spacing) for index in range(count)]

    ys = [y_of(reading.value) for reading in readings]
    line_d = " ".join(f"{'M' if index == 0 else 'L'} {x},{y}" for index, (x, y) in enumerate(zip(xs, ys, strict=True)))

    tick_count = round((axis_max - axis_min) / step)
    value_ticks = [
        Tick(y_of(axis_min + index * step), _tick_text(measure, axis_min + index * step, step))
        for index in range(tick_count + 1)
    ]
    every = math.ceil(count / MAX_PERIOD_LABELS)
    period_ticks = [
        Tick(x, reading.period_label)
        for index, (x, reading) in enumerate(zip(xs, readings, strict=True))
        if (count - 1 - index) % every == 0
    ]

    lines = []
    target_y = None
    if constant_target and targets[-1] is not None:
        target_y = y_of(targets[-1])
        same_as_baseline = baseline is not None and targets[-1] == baseline
        label = "Target = baseline" if same_as_baseline else "Target"
        lines.append(ReferenceLine("target", f"M {LEFT},{target_y} H {RIGHT}", label, RIGHT + 8, target_y))
    elif not constant_target:
        drawn = [(x, y_of(target)) for x, target in zip(xs, targets, strict=True) if target is not None]
        if drawn:
            d = " ".join(f"{'M' if index == 0 else 'L'} {x},{y}" for index, (x, y) in enumerate(drawn))
            if len(drawn) == 1:  # one target point: a short level line, so it shows as a line
                x, y = drawn[0]
                d = f"M {_round(x - INSET)},{y} H {_round(x + INSET)}"
            lines.append(ReferenceLine("target", d, "Target", RIGHT + 8, drawn[-1][1]))
    if baseline is not None and not (lines and lines[0].label == "Target = baseline"):
        baseline_y = y_of(baseline)
        lines.append(ReferenceLine("baseline", f"M {LEFT},{baseline_y} H {RIGHT}", "Baseline", RIGHT + 8, baseline_y))
    # A value label sits above its point, or below it where a target or baseline line would cross it.
    line_ys = [[y_of(target)] if target is not None else [] for target in targets]
    if baseline is not None:
        line_ys = [[*crossing, y_of(baseline)] for crossing in line_ys]
    points = [
        Point(
            x=x,
            y=y,
            period=reading.period_label,
            value_text=measure.show(reading).value,
            is_illustrative=reading.is_illustrative,
            show_label=count <= MAX_VALUE_LABELS or index == count - 1,
            label_y=_round(y + 26 if any(y - 32 <= line_y <= y - 4 for line_y in crossing) else y - 14),
        )
        for index, (x, y, reading, crossing) in enumerate(zip(xs, ys, readings, line_ys, strict=True))
    ]
    lines = _spread_labels(lines)

    key = _key(measure, readings, lines)
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        top=TOP,
        bottom=BOTTOM,
        title=f"{measure.title}: reported values for Kirklees",
        summary=summary_text(measure, readings),
        line_d=line_d,
        points=points,
        value_ticks=value_ticks,
        period_ticks=period_ticks,
        reference_lines=lines,
        key=key,
    )


def _spread_labels(lines):
    """Move the direct labels of lines that lie close together apart, so they do not overprint."""
    if len(lines) < 2:
        return lines
    ordered = sorted(lines, key=lambda line: line.label_y)
    upper, lower = ordered
    if lower.label_y - upper.label_y < LABEL_GAP:
        middle = (upper.label_y + lower.label_y) / 2
        upper = ReferenceLine(upper.kind, upper.d, upper.label, upper.label_x, _round(middle - LABEL_GAP / 2))
        lower = ReferenceLine(lower.kind, lower.d, lower.label, lower.label_x, _round(middle + LABEL_GAP / 2))
    return sorted([upper, lower], key=lambda line: line.kind != "target")


def _key(measure, readings, lines):
    """The chart's key, in one row below the period labels: what each line and marker means."""
    items = [("line", "Reported value")]
    for line in lines:
        items.append((line.kind, "Target, same as the baseline" if line.label == "Target = baseline" else line.label))
    if rules.any_illustrative(readings):
        items.append(("illustrative", "Illustrative value"))
    key, x = [], LEFT
    for kind, label in items:
        key.append(KeyItem(kind, x, HEIGHT - 16, label))
        x += 32 + 8 * len(label) + 24
    return key
