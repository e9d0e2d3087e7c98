"""A measure's reported values as a line chart, laid out in Python for the template to draw as inline SVG.

Nothing here writes markup: it computes coordinates, tick labels and a text summary, and
`templates/measures/_chart.html` places them. Styling comes from the `kcpp-chart*` classes, since
the Content-Security-Policy forbids inline styles. No chart library: the series are short, and
server-drawn SVG prints, zooms and works without JavaScript.

One rule for every chart's value axis: it starts from zero (`value_axis`), so the height of a point
shows the size of its value and two charts can be compared by eye. Differences near the top of a tall
axis look small, as they are; the figures themselves are in the table beside the chart.

Each chart is laid out twice, for two frames: `WIDE` for a screen wider than a phone and for paper,
with the target and baseline labelled in the margin at the right, and `PHONE`, narrower, so that its
text stays legible when the chart is shrunk to a phone's width, with those labels inside the plot.
The stylesheet shows one or the other.
"""

import math
from dataclasses import dataclass, replace

from measures import status as rules
from measures.status import Direction

FONT = 16  # the labels' size in the viewBox's units (the stylesheet's kcpp-chart__label)
CHAR = 8  # about how wide a character of a label is, in the same units, to lay out the key
MAX_VALUE_LABELS = 12
LABEL_GAP = 18  # the least vertical distance between two one-line labels
HEADROOM = 1.05  # the axis goes a little above the highest value, so the top point is not on the edge


@dataclass(frozen=True)
class Frame:
    """Where a chart's parts go in its viewBox, for one kind of screen."""

    name: str  # "wide" or "phone": the CSS class kcpp-chart--<name>, and the ids of its title and summary
    width: int
    left: int  # the value axis; its labels to the left of it
    right: int  # the right end of the plot
    top: int
    bottom: int  # the period axis; the period labels below it, then the key
    inset: int  # keeps the first and last points off the axes
    max_period_labels: int
    labels_in_margin: bool  # target and baseline labels in the right margin (two lines), or inside the plot
    every_value_labelled: bool  # each point's value written beside it, or only the latest's

    @property
    def value_label_x(self):
        return self.left - 8

    @property
    def period_label_y(self):
        return self.bottom + 24

    @property
    def key_y(self):
        return self.bottom + 56


# 720 wide: at most 720 pixels on a screen, so labels are at most 16 pixels; and on paper.
WIDE = Frame("wide", 720, 80, 590, 24, 300, 28, 8, labels_in_margin=True, every_value_labelled=True)
# 320 wide: on a 320-pixel screen (290 pixels of content) labels are about 14.5 pixels, and the
# stylesheet keeps the chart at most 400 pixels wide, so they are never more than 20.
PHONE = Frame("phone", 320, 56, 308, 24, 240, 20, 3, labels_in_margin=False, every_value_labelled=False)


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
    """The target or the baseline: a dashed or dotted line, labelled with what it is and its value."""

    kind: str  # "target" or "baseline": the CSS class kcpp-chart__<kind>
    d: str
    label: str  # "Target", "Baseline" or "Target = baseline"
    value_text: str  # the value it stands at (the latest target, where the target changes each year)
    corners: tuple  # the (x, y) where the line starts, bends and ends: where a label may sit beside it
    label_x: float = 0
    label_y: float = 0
    anchor: str = "start"  # the label's SVG text-anchor
    in_margin: bool = True  # two lines in the right margin, or one line over the plot

    @property
    def texts(self):
        """The label's lines, each (words, y): the name above the value in the margin, or both on one line."""
        if self.in_margin:
            return [
                (self.label, _round(self.label_y - LABEL_GAP / 2)),
                (self.value_text, _round(self.label_y + LABEL_GAP / 2)),
            ]
        return [(f"{self.label} {self.value_text}", self.label_y)]


@dataclass(frozen=True)
class Box:
    """The space a mark or a label takes up on the chart, to keep labels off each other and off the points."""

    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def of_text(cls, x, y, words, anchor="middle", *, middle=True):
        """Around `words` written at (x, y): y its middle (dominant-baseline: middle) or else its baseline."""
        width = CHAR * len(words)
        start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        top = y - FONT / 2 - 1 if middle else y - FONT + 2
        return cls(start, top, start + width, top + FONT + 2)

    def overlaps(self, other):
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )

    def inside(self, left, top, right, bottom):
        return left <= self.left and self.right <= right and top <= self.top and self.bottom <= bottom


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
    frame: Frame
    height: int
    title: str
    summary: str
    line_d: str
    points: list
    value_ticks: list
    period_ticks: list
    reference_lines: list
    key: list
    phone: "Chart | None" = None  # the same chart laid out for a phone (on the wide one)

    @property
    def id(self):
        """The start of the ids of its title and summary, one for each frame, since both are on the page."""
        return f"chart-{self.frame.name}"


def _round(number):
    return round(float(number), 1)


def nice_step(span, ticks=6):
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` ticks over `span`."""
    raw = span / (ticks - 1)
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    nice = 1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
    return nice * 10**exponent


def value_axis(numbers, *, percent=False):
    """The axis minimum, maximum and step for a set of numbers: from zero (or below it, for a negative
    number) to a round number a little above the highest, at most 100% where every number is a
    percentage no more than 100."""
    low, high = min(0, *numbers), max(0, *numbers)
    if low == high:  # every number is zero
        high = 1
    high, low = high * HEADROOM, low * HEADROOM
    if percent and max(numbers) <= 100:
        high = min(high, 100)
    step = nice_step(high - low)
    axis_min = math.floor(round(low / step, 9)) * step
    axis_max = math.ceil(round(high / step, 9)) * step
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
    """Lay out a line chart of a measure's Kirklees-wide readings (oldest first), or None if there are none.

    The chart is laid out for `WIDE`; its `phone` is the same chart laid out for `PHONE`.
    """
    readings = list(readings)
    if not readings:
        return None
    return replace(_layout(measure, readings, WIDE), phone=_layout(measure, readings, PHONE))


def _layout(measure, readings, frame):
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
    left, right, top, bottom = frame.left, frame.right, frame.top, frame.bottom

    def y_of(number):
        return _round(bottom - (float(number) - axis_min) / (axis_max - axis_min) * (bottom - top))

    count = len(readings)
    if count == 1:
        xs = [_round((left + right) / 2)]
    else:
        spacing = (right - left - 2 * frame.inset) / (count - 1)
        xs = [_round(left + frame.inset + index * spacing) for index in range(count)]

    ys = [y_of(reading.value) for reading in readings]
    line_d = " ".join(f"{'M' if index == 0 else 'L'} {x},{y}" for index, (x, y) in enumerate(zip(xs, ys, strict=True)))

    tick_count = round((axis_max - axis_min) / step)
    value_ticks = [
        Tick(y_of(axis_min + index * step), _tick_text(measure, axis_min + index * step, step))
        for index in range(tick_count + 1)
    ]
    every = math.ceil(count / frame.max_period_labels)
    period_ticks = [
        Tick(x, reading.period_label)
        for index, (x, reading) in enumerate(zip(xs, readings, strict=True))
        if (count - 1 - index) % every == 0
    ]

    def reference(kind, corners, label, value):
        d = " ".join(f"{'M' if index == 0 else 'L'} {x},{y}" for index, (x, y) in enumerate(corners))
        return ReferenceLine(kind, d, label, measure.format_value(value), tuple(corners))

    lines = []
    if constant_target and targets[-1] is not None:
        target_y = y_of(targets[-1])
        same_as_baseline = baseline is not None and targets[-1] == baseline
        label = "Target = baseline" if same_as_baseline else "Target"
        lines.append(reference("target", [(left, target_y), (right, target_y)], label, targets[-1]))
    elif not constant_target:
        drawn = [(x, y_of(target)) for x, target in zip(xs, targets, strict=True) if target is not None]
        if len(drawn) == 1:  # one target point: a short level line, so it shows as a line
            x, y = drawn[0]
            drawn = [(_round(x - frame.inset), y), (_round(x + frame.inset), y)]
        if drawn:
            latest_target = next(target for target in reversed(targets) if target is not None)
            lines.append(reference("target", drawn, "Target", latest_target))
    if baseline is not None and not (lines and lines[0].label == "Target = baseline"):
        baseline_y = y_of(baseline)
        lines.append(reference("baseline", [(left, baseline_y), (right, baseline_y)], "Baseline", baseline))
    # A value label sits above its point, or below it where a target or baseline line runs just above.
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
            show_label=index == count - 1 or (frame.every_value_labelled and count <= MAX_VALUE_LABELS),
            label_y=_round(y + 26 if any(y - 32 <= line_y <= y for line_y in crossing) else y - 14),
        )
        for index, (x, y, reading, crossing) in enumerate(zip(xs, ys, readings, line_ys, strict=True))
    ]
    if frame.labels_in_margin:
        lines = _spread_labels([replace(line, label_x=right + 8, label_y=line.corners[-1][1]) for line in lines])
    else:
        lines = _place_on_plot(lines, points, frame)

    key = _key(readings, lines, frame)
    return Chart(
        frame=frame,
        height=key[-1].y + 16 if frame.name == "phone" else frame.key_y + 24,
        title=f"{measure.title}: reported values for Kirklees",
        summary=summary_text(measure, readings),
        line_d=line_d,
        points=points,
        value_ticks=value_ticks,
        period_ticks=period_ticks,
        reference_lines=lines,
        key=key,
    )


def _spread_labels(lines, gap=2 * LABEL_GAP):
    """Move the margin labels of lines that lie close together apart, so they do not overprint."""
    if len(lines) < 2:
        return lines
    upper, lower = sorted(lines, key=lambda line: line.label_y)
    if lower.label_y - upper.label_y < gap:
        middle = (upper.label_y + lower.label_y) / 2
        upper = replace(upper, label_y=_round(middle - gap / 2))
        lower = replace(lower, label_y=_round(middle + gap / 2))
    return sorted([upper, lower], key=lambda line: line.kind != "target")


def _place_on_plot(lines, points, frame):
    """Put each line's one-line label over the plot, just above or below the line near one of its ends or
    its middle (a changing target's: its end): the first place that covers no point, no value label and
    no other line's label.

    On a chart as narrow as a phone's there is no room in a margin, and with the axis from zero the points
    often lie close to the target.
    """
    taken = [Box(point.x - 8, point.y - 8, point.x + 8, point.y + 8) for point in points]
    taken += [
        Box.of_text(point.x, point.label_y, point.value_text, middle=False) for point in points if point.show_label
    ]
    placed = []
    for line in lines:
        words = f"{line.label} {line.value_text}"
        (first_x, first_y), (last_x, last_y) = line.corners[0], line.corners[-1]
        if first_y == last_y and len(line.corners) == 2:  # level: at its start, its end or its middle
            along = [(first_x + 6, first_y, "start"), (last_x - 6, last_y, "end")]
            along.append(((first_x + last_x) / 2, first_y, "middle"))
        else:  # a target that changes each year: by its latest figure, which the label gives
            along = [(last_x - 6, last_y, "end")]
        spots = [(x, _round(y + side), anchor) for side in (-12, 12) for x, y, anchor in along]
        # Failing those, on the line's level just beyond an end, where a short line leaves room; then a little
        # further above or below it.
        spots += [(first_x - 6, first_y, "end"), (last_x + 6, last_y, "start")]
        spots += [(x, _round(y + side), anchor) for side in (-28, 28, -44, 44) for x, y, anchor in along]
        for x, y, anchor in spots:
            box = Box.of_text(x, y, words, anchor)
            if box.inside(4, 4, frame.width - 4, frame.bottom - 2) and not any(box.overlaps(other) for other in taken):
                break
        else:
            x, y, anchor = spots[0]  # nowhere clear: above the line at its start, where the halo keeps it legible
        taken.append(Box.of_text(x, y, words, anchor))
        placed.append(replace(line, label_x=_round(x), label_y=y, anchor=anchor, in_margin=False))
    return placed


def _key(readings, lines, frame):
    """The chart's key, below the period labels: what each line and marker means. In one row on the wide
    chart; one item a row on the phone's, which has no room for more."""
    items = [("line", "Reported value")]
    for line in lines:
        items.append((line.kind, "Target, same as the baseline" if line.label == "Target = baseline" else line.label))
    if rules.any_illustrative(readings):
        items.append(("illustrative", "Illustrative value"))
    key, x, y = [], frame.left, frame.key_y
    for kind, label in items:
        if frame.name == "phone":
            key.append(KeyItem(kind, 8, y, label))
            y += 26
        else:
            key.append(KeyItem(kind, x, y, label))
            x += 32 + CHAR * len(label) + 24
    return key
