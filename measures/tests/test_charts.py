"""The measure chart's layout: what a reader sees in it follows from the values, the baseline and the target."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from measures.charts import LABEL_GAP, PHONE, WIDE, Box, line_chart, nice_step, value_axis
from measures.models import Measure
from measures.status import Direction, Reading, TargetKind

D = Decimal
BASELINE = D(4404)


def measure(kind=TargetKind.BELOW_BASELINE, direction=Direction.LOWER, *, baseline=BASELINE, target=None, **fields):
    return Measure(
        code="T-1",
        title="Violent offences",
        target_kind=kind,
        direction=direction,
        baseline_value=baseline,
        baseline_period="2021/22" if baseline is not None else "",
        baseline_period_end=date(2022, 3, 31) if baseline is not None else None,
        target_value=target,
        **fields,
    )


def year(start, value, illustrative=False):
    return Reading(D(value), f"{start}/{(start + 1) % 100:02d}", date(start + 1, 3, 31), illustrative)


def test_no_values_means_no_chart():
    assert line_chart(measure(), []) is None


def test_points_run_left_to_right_and_higher_values_sit_higher():
    chart = line_chart(measure(), [year(2022, 4520), year(2023, 4612), year(2024, 4300)])
    xs = [point.x for point in chart.points]
    assert xs == sorted(xs) and chart.frame.left < xs[0] and xs[-1] < chart.frame.right
    low, high, lowest = chart.points
    assert high.y < low.y < lowest.y  # SVG y grows downwards
    assert [point.value_text for point in chart.points] == ["4,520", "4,612", "4,300"]
    assert [tick.label for tick in chart.period_ticks] == ["2022/23", "2023/24", "2024/25"]
    assert chart.line_d.startswith(f"M {xs[0]},") and chart.line_d.count(" L ") == 2


def test_a_single_value_sits_in_the_middle():
    chart = line_chart(measure(), [year(2023, 4612)])
    assert chart.points[0].x == (chart.frame.left + chart.frame.right) / 2


def test_the_value_axis_runs_from_zero_past_values_baseline_and_target_with_round_ticks():
    chart = line_chart(
        measure(
            TargetKind.BELOW_THRESHOLD, baseline=D("47.9"), target=D(60), unit=Measure.Unit.PERCENT, decimal_places=1
        ),
        [year(2022, "47.1"), year(2023, "46.3")],
    )
    labels = [tick.label for tick in chart.value_ticks]
    assert labels == ["0%", "20%", "40%", "60%", "80%"]
    positions = [tick.position for tick in chart.value_ticks]
    assert positions[0] == chart.frame.bottom and positions[-1] == chart.frame.top


@pytest.mark.parametrize(
    ("numbers", "percent", "expected"),
    [
        ([4404, 4520, 4612], False, (0, 5000, 1000)),
        ([231, 219], False, (0, 250, 50)),
        ([57, 60], True, (0, 80, 20)),
        ([0, 5], False, (0, 6, 2)),
        ([95, 100], True, (0, 100, 20)),  # a percentage never goes above 100
        ([140, 150], True, (0, 200, 50)),  # unless a figure does
        ([7, 7], False, (0, 8, 2)),
        ([0, 0], False, (0, 1.5, 0.5)),
        ([-5, 10], False, (-10, 15, 5)),  # below zero only for a figure below it
    ],
)
def test_value_axis(numbers, percent, expected):
    assert value_axis(numbers, percent=percent) == pytest.approx(expected)


@pytest.mark.parametrize(("span", "step"), [(4, 1), (8, 2), (20, 5), (36, 10), (0.4, 0.1), (250, 50), (4843, 1000)])
def test_steps_are_round_numbers(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_a_target_below_the_baseline_is_one_line_said_to_be_the_baseline():
    chart = line_chart(measure(), [year(2022, 4520)])
    [line] = chart.reference_lines
    assert line.kind == "target" and line.label == "Target = baseline"
    assert line.d.endswith(f"L {chart.frame.right},{line.label_y}")
    assert [item.label for item in chart.key] == ["Reported value", "Target, same as the baseline"]


def test_a_fixed_threshold_and_a_baseline_are_two_labelled_lines_that_do_not_overprint():
    chart = line_chart(
        measure(TargetKind.BELOW_THRESHOLD, baseline=D("59.5"), target=D(60), unit="percent", decimal_places=1),
        [year(2023, 57)],
    )
    target, baseline = chart.reference_lines
    assert (target.kind, target.label, baseline.kind, baseline.label) == ("target", "Target", "baseline", "Baseline")
    assert abs(target.label_y - baseline.label_y) >= 2 * LABEL_GAP  # each is two lines: name and value
    assert target.label_y < baseline.label_y  # 60% is above 59.5%
    assert (target.value_text, baseline.value_text) == ("60.0%", "59.5%")


def test_a_change_per_year_target_steps_down_with_the_periods():
    chart = line_chart(
        measure(TargetKind.CHANGE_PER_YEAR, baseline=None, target=D(10)),
        [year(2021, 240), year(2022, 231), year(2023, 219)],
    )
    [line] = chart.reference_lines
    # No baseline: each year's target is 10 fewer than the year before (none for the first year).
    assert line.d.count("M") == 1 and line.d.count("L") == 1
    first_y, second_y = (float(part.split(",")[1]) for part in line.d.replace("M ", "").split(" L "))
    assert second_y > first_y  # 221 is lower than 230, so further down


def test_no_target_line_while_the_target_is_not_set():
    chart = line_chart(
        measure(TargetKind.SET_ELSEWHERE, baseline=None, target_set_by="Police and Crime Plan"), [year(2023, 100)]
    )
    assert chart.reference_lines == []
    assert "Target: Set by the Police and Crime Plan." in chart.summary


def test_illustrative_values_are_marked_in_the_chart_and_its_key():
    chart = line_chart(measure(), [year(2022, 4520, illustrative=True), year(2023, 4612)])
    assert [point.is_illustrative for point in chart.points] == [True, False]
    assert chart.key[-1].label == "Illustrative value"
    assert "Illustrative values are sample data, not real figures." in chart.summary
    plain = line_chart(measure(), [year(2022, 4520)])
    assert "Illustrative value" not in [item.label for item in plain.key]
    assert "Illustrative" not in plain.summary


def test_the_summary_says_what_the_chart_shows():
    chart = line_chart(measure(), [year(2022, 4520), year(2023, 4612, illustrative=True)])
    assert chart.summary == (
        "Violent offences, Kirklees: 2 reported values, 2022/23 to 2023/24. "
        "Latest: 4,612 in 2023/24 (illustrative). Target: Below 4,404 (2021/22 baseline). "
        "Baseline: 4,404 (2021/22). Lower is better. Illustrative values are sample data, not real figures."
    )


def test_a_long_series_keeps_its_labels_readable():
    readings = [year(start, 100 + start % 7) for start in range(2000, 2030)]
    chart = line_chart(measure(TargetKind.NOT_SET, "", baseline=None), readings)
    for layout in (chart, chart.phone):
        assert len(layout.period_ticks) <= layout.frame.max_period_labels
        assert layout.period_ticks[-1].label == "2029/30"
        assert [point.show_label for point in layout.points].count(True) == 1
        assert layout.points[-1].show_label


def test_a_value_label_moves_below_its_point_when_a_line_runs_just_above():
    chart = line_chart(measure(baseline=D(4404)), [year(2022, 3000), year(2023, 4390)])
    far, near = chart.points
    assert far.label_y < far.y  # nothing close: above the point
    assert near.label_y > near.y  # the target line is just above 4,390: below the point


def test_the_rendered_chart_is_an_image_with_a_text_summary_and_no_inline_style():
    chart = line_chart(measure(), [year(2022, 4520, illustrative=True), year(2023, 4612)])
    html = render_to_string("measures/_chart.html", {"chart": chart})
    wide, phone = html.split("</svg>")[:2]
    assert 'class="kcpp-chart kcpp-chart--wide"' in wide and 'class="kcpp-chart kcpp-chart--phone"' in phone
    for svg, name in ((wide, "wide"), (phone, "phone")):
        assert 'role="img"' in svg
        assert f'aria-labelledby="chart-{name}-title" aria-describedby="chart-{name}-summary"' in svg
        assert f'<title id="chart-{name}-title">Violent offences: reported values for Kirklees</title>' in svg
        assert f'<desc id="chart-{name}-summary">Violent offences, Kirklees: 2 reported values' in svg
        assert svg.count('<circle class="kcpp-chart__point') == 3  # two values and the key's illustrative marker
        assert svg.count("kcpp-chart__point--illustrative") == 2
    assert "style" not in html.replace('class="', "")
    # The wide chart labels every value and the target in the margin (two lines); the phone's the latest value
    # and the target in one line.
    texts = len(chart.value_ticks) + len(chart.period_ticks) + 2 + 2 + len(chart.key)
    assert wide.count("<text") == texts
    assert phone.count("<text") == len(chart.phone.value_ticks) + len(chart.phone.period_ticks) + 1 + 1 + 3
    assert "The value axis starts at zero, as on every chart here. The same figures are in the table below." in html


def labels(svg):
    """The words of every label of a rendered chart, in order."""
    return [text.strip() for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


@pytest.mark.parametrize("layout", ["wide", "phone"])
def test_two_measures_of_very_different_sizes_both_start_their_axis_at_zero(layout):
    """One rule for every chart: a reader comparing two charts compares heights from the same zero."""
    offences = line_chart(measure(), [year(2022, 4520), year(2023, 4612)])
    satisfied = measure(TargetKind.ABOVE_THRESHOLD, Direction.HIGHER, baseline=None, target=D(72), unit="percent")
    percentages = line_chart(satisfied, [year(2023, 69)])
    for chart, zero, values in ((offences, "0", [4520, 4612]), (percentages, "0%", [69])):
        chart = chart if layout == "wide" else chart.phone
        svg = render_to_string("measures/_chart_svg.html", {"layout": chart})
        assert labels(svg)[0] == zero
        assert chart.value_ticks[0].position == chart.frame.bottom  # the zero is on the period axis
        # Each point stands as far above it as its value is large.
        axis_max = float(chart.value_ticks[-1].label.rstrip("%").replace(",", ""))
        for point, value in zip(chart.points, values, strict=True):
            height = (chart.frame.bottom - point.y) / (chart.frame.bottom - chart.frame.top)
            assert height == pytest.approx(value / axis_max, abs=0.002)


def test_the_target_and_the_baseline_are_lines_labelled_with_what_they_are_and_their_value():
    chart = line_chart(
        measure(
            TargetKind.BELOW_THRESHOLD, baseline=D("47.9"), target=D(60), unit=Measure.Unit.PERCENT, decimal_places=1
        ),
        [year(2022, "47.1"), year(2023, "46.3")],
    )
    wide = render_to_string("measures/_chart_svg.html", {"layout": chart})
    assert 'class="kcpp-chart__target"' in wide and 'class="kcpp-chart__baseline"' in wide
    words = labels(wide)
    assert words[words.index("Target") + 1] == "60.0%"
    assert words[words.index("Baseline") + 1] == "47.9%"
    phone = labels(render_to_string("measures/_chart_svg.html", {"layout": chart.phone}))
    assert "Target 60.0%" in phone and "Baseline 47.9%" in phone
    # The key says which line is which.
    assert {"Reported value", "Target", "Baseline"} <= set(words) and {"Target", "Baseline"} <= set(phone)


CASES = [
    (measure(), [year(2022, 4520), year(2023, 4612)]),
    (measure(), [year(2022, 4000), year(2023, 4390), year(2024, 4410)]),
    (
        measure(TargetKind.BELOW_THRESHOLD, baseline=D("59.5"), target=D(60), unit=Measure.Unit.PERCENT),
        [year(2023, 57)],
    ),
    (measure(TargetKind.CHANGE_PER_YEAR, baseline=None, target=D(10)), [year(2022, 231), year(2023, 219)]),
    (measure(TargetKind.CHANGE_PER_YEAR, target=D(10)), [year(start, 4400 - start) for start in range(2022, 2027)]),
]


@pytest.mark.parametrize(("case", "readings"), CASES)
def test_on_a_phone_the_line_labels_stay_clear_of_the_points_and_each_other_inside_the_chart(case, readings):
    chart = line_chart(case, readings).phone
    assert chart.frame == PHONE and chart.reference_lines
    marks = [Box(point.x - 6, point.y - 6, point.x + 6, point.y + 6) for point in chart.points]
    marks += [
        Box.of_text(point.x, point.label_y, point.value_text, middle=False)
        for point in chart.points
        if point.show_label
    ]
    boxes = [
        Box.of_text(line.label_x, line.label_y, words, line.anchor)
        for line in chart.reference_lines
        for words, _ in line.texts
    ]
    for index, box in enumerate(boxes):
        assert box.inside(0, 0, PHONE.width, PHONE.bottom)
        assert not any(box.overlaps(mark) for mark in marks), chart.reference_lines
        assert not any(box.overlaps(other) for other in boxes[index + 1 :])


def test_the_wide_chart_labels_its_lines_in_the_margin_beside_the_plot():
    chart = line_chart(*CASES[2])
    assert chart.frame == WIDE
    for line in chart.reference_lines:
        assert line.in_margin and line.label_x > WIDE.right
        assert len(line.texts) == 2  # the name, and the value below it
