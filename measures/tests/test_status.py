"""The status rules: every target kind, each direction it allows, and each data situation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from measures import status as rules
from measures.models import Measure
from measures.status import Direction, MeasureStatus, Reading, TargetKind, Travel
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.tests.factories import PlanEditionFactory, PriorityFactory, PublishedEditionFactory

D = Decimal
LOWER, HIGHER = Direction.LOWER, Direction.HIGHER
FY22 = date(2022, 3, 31)
FY23 = date(2023, 3, 31)
FY24 = date(2024, 3, 31)


def measure(kind, direction, *, baseline=None, target=None, set_by="", tolerance=None, unit="count", places=0):
    return Measure(
        code="T-1",
        title="Test measure",
        target_kind=kind,
        direction=direction,
        baseline_value=baseline,
        baseline_period="2021/22" if baseline is not None else "",
        baseline_period_end=FY22 if baseline is not None else None,
        target_value=target,
        target_set_by=set_by,
        tolerance=tolerance,
        unit=unit,
        decimal_places=places,
    )


def reading(value, label="2023/24", end=FY24, illustrative=False):
    return Reading(D(value), label, end, illustrative)


PCP = "West Yorkshire Police and Crime Plan"

# (id, measure, latest, previous, expected status, expected explanation)
CASES = [
    # ---- below the baseline, lower is better -----------------------------------------------
    (
        "below-baseline/no-data",
        measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D(4404)),
        None,
        None,
        MeasureStatus.NO_DATA,
        "No data yet: no value has been reported since the 2021/22 baseline of 4,404",
    ),
    (
        "below-baseline/met",
        measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D(4404)),
        reading(4100),
        None,
        MeasureStatus.ON_TRACK,
        "On track: 4,100 in 2023/24 is below the target of below 4,404 (2021/22 baseline); lower is better",
    ),
    (
        "below-baseline/missed",
        measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D(4404)),
        reading(4612),
        None,
        MeasureStatus.OFF_TRACK,
        "Off track: 4,612 in 2023/24 is above the target of below 4,404 (2021/22 baseline); lower is better",
    ),
    (
        "below-baseline/equal-is-not-below",
        measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D(4404)),
        reading(4404),
        None,
        MeasureStatus.OFF_TRACK,
        "Off track: 4,404 in 2023/24 is equal to the target of below 4,404 (2021/22 baseline); lower is better",
    ),
    (
        "below-baseline/within-tolerance",
        measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D(4404), tolerance=D(50)),
        reading(4420),
        None,
        MeasureStatus.WITHIN_TOLERANCE,
        "Within tolerance: 4,420 in 2023/24 is above the target of below 4,404 (2021/22 baseline), "
        "within the tolerance of 50; lower is better",
    ),
    (
        "below-baseline/beyond-tolerance",
        measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D(4404), tolerance=D(50)),
        reading(4455),
        None,
        MeasureStatus.OFF_TRACK,
        "Off track: 4,455 in 2023/24 is above the target of below 4,404 (2021/22 baseline); lower is better",
    ),
    (
        "below-baseline/no-baseline",
        measure(TargetKind.BELOW_BASELINE, LOWER),
        reading(12),
        None,
        MeasureStatus.TARGET_NOT_SET,
        "Target not set: the target is a reduction on the baseline, and no baseline has been recorded yet; "
        "the latest value is 12 in 2023/24",
    ),
    (
        "below-baseline/percent-illustrative",
        measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D("47.9"), unit="percent", places=1),
        reading("46.3", illustrative=True),
        None,
        MeasureStatus.ON_TRACK,
        "On track: 46.3% in 2023/24 (illustrative) is below the target of below 47.9% (2021/22 baseline); "
        "lower is better",
    ),
    # ---- above the baseline, higher is better ----------------------------------------------
    (
        "above-baseline/no-data",
        measure(TargetKind.ABOVE_BASELINE, HIGHER, baseline=D(68), unit="percent"),
        None,
        None,
        MeasureStatus.NO_DATA,
        "No data yet: no value has been reported since the 2021/22 baseline of 68%",
    ),
    (
        "above-baseline/met",
        measure(TargetKind.ABOVE_BASELINE, HIGHER, baseline=D(68), unit="percent"),
        reading(70),
        None,
        MeasureStatus.ON_TRACK,
        "On track: 70% in 2023/24 is above the target of above 68% (2021/22 baseline); higher is better",
    ),
    (
        "above-baseline/missed",
        measure(TargetKind.ABOVE_BASELINE, HIGHER, baseline=D(68), unit="percent"),
        reading(61),
        None,
        MeasureStatus.OFF_TRACK,
        "Off track: 61% in 2023/24 is below the target of above 68% (2021/22 baseline); higher is better",
    ),
    (
        "above-baseline/within-tolerance",
        measure(TargetKind.ABOVE_BASELINE, HIGHER, baseline=D(68), unit="percent", tolerance=D(2)),
        reading(67),
        None,
        MeasureStatus.WITHIN_TOLERANCE,
        "Within tolerance: 67% in 2023/24 is below the target of above 68% (2021/22 baseline), "
        "within the tolerance of 2 percentage points; higher is better",
    ),
    (
        "above-baseline/no-baseline",
        measure(TargetKind.ABOVE_BASELINE, HIGHER),
        None,
        None,
        MeasureStatus.TARGET_NOT_SET,
        "Target not set: the target is an increase on the baseline, and no baseline has been recorded yet",
    ),
    # ---- below a fixed threshold ------------------------------------------------------------
    (
        "below-threshold/no-data",
        measure(TargetKind.BELOW_THRESHOLD, LOWER, target=D(60), unit="percent"),
        None,
        None,
        MeasureStatus.NO_DATA,
        "No data yet: no value has been reported against the target of below 60%",
    ),
    (
        "below-threshold/met",
        measure(TargetKind.BELOW_THRESHOLD, LOWER, target=D(60), unit="percent"),
        reading(57),
        None,
        MeasureStatus.ON_TRACK,
        "On track: 57% in 2023/24 is below the target of below 60%; lower is better",
    ),
    (
        "below-threshold/missed",
        measure(TargetKind.BELOW_THRESHOLD, LOWER, target=D(60), unit="percent"),
        reading(64),
        None,
        MeasureStatus.OFF_TRACK,
        "Off track: 64% in 2023/24 is above the target of below 60%; lower is better",
    ),
    (
        "below-threshold/within-tolerance",
        measure(TargetKind.BELOW_THRESHOLD, LOWER, target=D(60), unit="percent", tolerance=D(1)),
        reading(60),
        None,
        MeasureStatus.WITHIN_TOLERANCE,
        "Within tolerance: 60% in 2023/24 is equal to the target of below 60%, within the tolerance of "
        "1 percentage points; lower is better",
    ),
    # ---- above a fixed threshold ------------------------------------------------------------
    (
        "above-threshold/no-data",
        measure(TargetKind.ABOVE_THRESHOLD, HIGHER, target=D(72), unit="percent"),
        None,
        None,
        MeasureStatus.NO_DATA,
        "No data yet: no value has been reported against the target of above 72%",
    ),
    (
        "above-threshold/met",
        measure(TargetKind.ABOVE_THRESHOLD, HIGHER, target=D(72), unit="percent"),
        reading(74),
        None,
        MeasureStatus.ON_TRACK,
        "On track: 74% in 2023/24 is above the target of above 72%; higher is better",
    ),
    (
        "above-threshold/missed",
        measure(TargetKind.ABOVE_THRESHOLD, HIGHER, target=D(72), unit="percent"),
        reading(69),
        None,
        MeasureStatus.OFF_TRACK,
        "Off track: 69% in 2023/24 is below the target of above 72%; higher is better",
    ),
    (
        "above-threshold/within-tolerance",
        measure(TargetKind.ABOVE_THRESHOLD, HIGHER, target=D(72), unit="percent", tolerance=D(3)),
        reading(69),
        None,
        MeasureStatus.WITHIN_TOLERANCE,
        "Within tolerance: 69% in 2023/24 is below the target of above 72%, within the tolerance of "
        "3 percentage points; higher is better",
    ),
    # ---- a change per year ------------------------------------------------------------------
    (
        "change-per-year/lower/no-data",
        measure(TargetKind.CHANGE_PER_YEAR, LOWER, target=D(10)),
        None,
        None,
        MeasureStatus.NO_DATA,
        "No data yet: no value has been reported against the target of a fall of 10 a year",
    ),
    (
        "change-per-year/lower/one-value-nothing-to-compare",
        measure(TargetKind.CHANGE_PER_YEAR, LOWER, target=D(10)),
        reading(231, "2022/23", FY23),
        None,
        MeasureStatus.NO_DATA,
        "Not enough data yet: the target is a fall of 10 a year, and there is no baseline or earlier value "
        "to measure 2022/23's 231 against",
    ),
    (
        "change-per-year/lower/met-against-previous",
        measure(TargetKind.CHANGE_PER_YEAR, LOWER, target=D(10)),
        reading(219),
        reading(231, "2022/23", FY23),
        MeasureStatus.ON_TRACK,
        "On track: 219 in 2023/24 is below the target of at most 221 (10 fewer a year than 2022/23's 231); "
        "lower is better",
    ),
    (
        "change-per-year/lower/exactly-the-change-is-met",
        measure(TargetKind.CHANGE_PER_YEAR, LOWER, target=D(10)),
        reading(221),
        reading(231, "2022/23", FY23),
        MeasureStatus.ON_TRACK,
        "On track: 221 in 2023/24 is equal to the target of at most 221 (10 fewer a year than 2022/23's 231); "
        "lower is better",
    ),
    (
        "change-per-year/lower/missed-against-baseline-two-years-on",
        measure(TargetKind.CHANGE_PER_YEAR, LOWER, target=D(10), baseline=D(250)),
        reading(240),
        reading(235, "2022/23", FY23),
        MeasureStatus.OFF_TRACK,
        "Off track: 240 in 2023/24 is above the target of at most 230 (10 fewer a year than the 2021/22 "
        "baseline of 250); lower is better",
    ),
    (
        "change-per-year/higher/met",
        measure(TargetKind.CHANGE_PER_YEAR, HIGHER, target=D(5), baseline=D(100)),
        reading(111),
        None,
        MeasureStatus.ON_TRACK,
        "On track: 111 in 2023/24 is above the target of at least 110 (5 more a year than the 2021/22 baseline "
        "of 100); higher is better",
    ),
    (
        "change-per-year/higher/within-tolerance",
        measure(TargetKind.CHANGE_PER_YEAR, HIGHER, target=D(5), baseline=D(100), tolerance=D(2)),
        reading(108),
        None,
        MeasureStatus.WITHIN_TOLERANCE,
        "Within tolerance: 108 in 2023/24 is below the target of at least 110 (5 more a year than the 2021/22 "
        "baseline of 100), within the tolerance of 2; higher is better",
    ),
    # ---- set by another plan ----------------------------------------------------------------
    (
        "set-elsewhere/lower/not-recorded",
        measure(TargetKind.SET_ELSEWHERE, LOWER, set_by=PCP),
        reading(300),
        None,
        MeasureStatus.TARGET_NOT_SET,
        "Target not set: the target is to mirror the West Yorkshire Police and Crime Plan, and that figure has "
        "not been recorded here yet; the latest value is 300 in 2023/24",
    ),
    (
        "set-elsewhere/lower/recorded-and-met",
        measure(TargetKind.SET_ELSEWHERE, LOWER, set_by=PCP, target=D(320)),
        reading(300),
        None,
        MeasureStatus.ON_TRACK,
        "On track: 300 in 2023/24 is below the target of at most 320 (set by the West Yorkshire Police and "
        "Crime Plan); lower is better",
    ),
    (
        "set-elsewhere/higher/recorded-and-missed",
        measure(TargetKind.SET_ELSEWHERE, HIGHER, set_by=PCP, target=D(320)),
        reading(300),
        None,
        MeasureStatus.OFF_TRACK,
        "Off track: 300 in 2023/24 is below the target of at least 320 (set by the West Yorkshire Police and "
        "Crime Plan); higher is better",
    ),
    (
        "set-elsewhere/higher/no-data",
        measure(TargetKind.SET_ELSEWHERE, HIGHER, set_by=PCP, target=D(320)),
        None,
        None,
        MeasureStatus.NO_DATA,
        "No data yet: no value has been reported against the target of at least 320, set by the West Yorkshire "
        "Police and Crime Plan",
    ),
    # ---- not yet set ------------------------------------------------------------------------
    (
        "not-set/no-direction/no-data",
        measure(TargetKind.NOT_SET, ""),
        None,
        None,
        MeasureStatus.TARGET_NOT_SET,
        "Target not set: the target is still to be confirmed",
    ),
    (
        "not-set/lower/with-data",
        measure(TargetKind.NOT_SET, LOWER),
        reading(5),
        None,
        MeasureStatus.TARGET_NOT_SET,
        "Target not set: the target is still to be confirmed; the latest value is 5 in 2023/24",
    ),
    (
        "not-set/higher/no-data",
        measure(TargetKind.NOT_SET, HIGHER),
        None,
        None,
        MeasureStatus.TARGET_NOT_SET,
        "Target not set: the target is still to be confirmed",
    ),
]


@pytest.mark.parametrize(
    ("m", "latest", "previous", "status", "explanation"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_status(m, latest, previous, status, explanation):
    assessment = m.assess(latest, previous)
    assert (assessment.code, assessment.explanation) == (status, explanation)
    assert assessment.label == MeasureStatus(status).label


def test_every_target_kind_and_direction_is_covered():
    covered = {(c[1].target_kind, c[1].direction) for c in CASES}
    allowed = {
        (kind, direction)
        for kind in TargetKind
        for direction in (LOWER, HIGHER)
        if not (kind.startswith("below") and direction == HIGHER)
        and not (kind.startswith("above") and direction == LOWER)
    }
    assert allowed <= covered


TRAVEL = [
    (
        "lower/down-is-better",
        LOWER,
        reading(4612),
        reading(4700, "2022/23", FY23),
        Travel.IMPROVING,
        "Improving: down from 4,700 in 2022/23 to 4,612 in 2023/24",
    ),
    (
        "lower/up-is-worse",
        LOWER,
        reading(4612),
        reading(4520, "2022/23", FY23),
        Travel.WORSENING,
        "Getting worse: up from 4,520 in 2022/23 to 4,612 in 2023/24",
    ),
    (
        "higher/up-is-better",
        HIGHER,
        reading(74),
        reading(70, "2022/23", FY23),
        Travel.IMPROVING,
        "Improving: up from 70 in 2022/23 to 74 in 2023/24",
    ),
    (
        "higher/down-is-worse",
        HIGHER,
        reading(66),
        reading(70, "2022/23", FY23),
        Travel.WORSENING,
        "Getting worse: down from 70 in 2022/23 to 66 in 2023/24",
    ),
    ("no-change", LOWER, reading(70), reading(70, "2022/23", FY23), Travel.NO_CHANGE, "No change: 70, as in 2022/23"),
    ("one-value-no-baseline", LOWER, reading(70), None, Travel.NOT_ENOUGH_DATA, "Not enough data to show a trend"),
    ("no-values", LOWER, None, None, Travel.NOT_ENOUGH_DATA, "Not enough data to show a trend"),
]


@pytest.mark.parametrize(
    ("direction", "latest", "previous", "trend", "explanation"), [t[1:] for t in TRAVEL], ids=[t[0] for t in TRAVEL]
)
def test_direction_of_travel(direction, latest, previous, trend, explanation):
    result = rules.travel(measure(TargetKind.NOT_SET, direction), latest, previous)
    assert (result.code, result.explanation) == (trend, explanation)


def test_direction_of_travel_falls_back_to_the_baseline():
    m = measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D(4404))
    result = rules.travel(m, reading(4300), None)
    assert result.code == Travel.IMPROVING
    assert result.explanation == "Improving: down from 4,404 in the 2021/22 baseline to 4,300 in 2023/24"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"target_kind": TargetKind.BELOW_BASELINE, "direction": HIGHER}, "target_kind", "contradicts"),
        ({"target_kind": TargetKind.ABOVE_THRESHOLD, "direction": LOWER}, "target_kind", "contradicts"),
        ({"target_kind": TargetKind.BELOW_THRESHOLD, "direction": LOWER}, "target_value", "needs a value"),
        ({"target_kind": TargetKind.CHANGE_PER_YEAR, "direction": LOWER}, "target_value", "needs a value"),
        (
            {"target_kind": TargetKind.CHANGE_PER_YEAR, "direction": LOWER, "target_value": D(-10)},
            "target_value",
            "positive amount",
        ),
        (
            {"target_kind": TargetKind.BELOW_BASELINE, "direction": LOWER, "target_value": D(5)},
            "target_value",
            "takes no value",
        ),
        ({"target_kind": TargetKind.SET_ELSEWHERE, "direction": LOWER}, "target_set_by", "Name the plan"),
        ({"target_kind": TargetKind.BELOW_BASELINE, "direction": ""}, "direction", "lower or higher"),
        (
            {"target_kind": TargetKind.NOT_SET, "direction": LOWER, "baseline_value": D(5)},
            "baseline_period",
            "which period",
        ),
        (
            {"target_kind": TargetKind.ABOVE_THRESHOLD, "direction": HIGHER, "target_value": D(120), "unit": "percent"},
            "target_value",
            "between 0 and 100",
        ),
    ],
)
def test_measure_rules_reject_contradictory_targets(fields, field, message):
    m = Measure(code="T-1", title="T", plan_wording="T", **fields)
    with pytest.raises(ValidationError) as error:
        m.clean()
    assert message in " ".join(error.value.message_dict[field])


def test_every_kind_of_target_has_a_rule():
    """A kind of target added to the model without its entry in the status table would crash every page showing it."""
    assert set(rules.RULES) == set(TargetKind)
    for kind in TargetKind:
        assert rules.RULES[kind].chart in ("level", "path"), kind


# ---- the same rules in SQL -------------------------------------------------------------------------------


def saved(m, readings, edition=None):
    """`m` saved under a published plan (or `edition`), with `readings` (oldest first) as its final
    Kirklees-wide values."""
    fields = ["target_kind", "direction", "baseline_value", "baseline_period", "baseline_period_end"]
    fields += ["target_value", "target_set_by", "tolerance", "unit", "decimal_places"]
    edition = edition or PublishedEditionFactory()
    measure = MeasureFactory(priority=PriorityFactory(edition=edition), **{name: getattr(m, name) for name in fields})
    for r in readings:
        start = date(r.period_end.year - 1, r.period_end.month, r.period_end.day) + timedelta(days=1)
        ReportedValueFactory(
            measure=measure,
            period_start=start,
            period_end=r.period_end,
            value=r.value,
            is_illustrative=r.is_illustrative,
        )
    return measure


@pytest.mark.django_db
@pytest.mark.parametrize(("m", "latest", "previous", "status"), [c[1:5] for c in CASES], ids=[c[0] for c in CASES])
def test_the_status_worked_out_in_sql_is_the_status(m, latest, previous, status):
    """Every case of the table, as the database counts and filters it, is as `assess()` judges it."""
    measure = saved(m, [r for r in (previous, latest) if r is not None])
    assert Measure.objects.with_latest().get(pk=measure.pk).status.code == status
    assert Measure.objects.with_status().get(pk=measure.pk).status_code == status
    summary = Measure.objects.filter(pk=measure.pk).status_summary()
    assert {count.code: count.count for count in summary.counts if count.count} == {status: 1}
    assert summary.has_illustrative == bool(latest and latest.is_illustrative)
    assert Measure.objects.with_status().filter(status_code=status).get() == measure


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "tolerance", "status"),
    [
        # Against a target of below 47.9: decimals that SQLite keeps as floating point, where 46.3 - 47.9
        # is not quite -1.6.
        ("47.899", None, MeasureStatus.ON_TRACK),
        ("47.9", None, MeasureStatus.OFF_TRACK),
        ("47.9", "0", MeasureStatus.WITHIN_TOLERANCE),
        ("49.5", "1.6", MeasureStatus.WITHIN_TOLERANCE),
        ("49.501", "1.6", MeasureStatus.OFF_TRACK),
        ("46.3", "1.6", MeasureStatus.ON_TRACK),
    ],
)
def test_the_status_in_sql_compares_decimals_exactly(value, tolerance, status):
    m = measure(TargetKind.BELOW_THRESHOLD, LOWER, target=D("47.9"), tolerance=D(tolerance) if tolerance else None)
    m.decimal_places = 3
    assert m.assess(reading(value)).code == status
    assert Measure.objects.with_status().get(pk=saved(m, [reading(value)]).pk).status_code == status


def test_whole_years_in_sql_round_as_python_does():
    """The SQL counts (4d + 730) // 1461 whole years for Python's round(d / 365.25), at least one."""
    for days in range(-800, 40000):
        assert max(1, (4 * days + 730) // 1461) == max(1, round(days / 365.25)), days


@pytest.mark.django_db
def test_the_status_in_sql_reads_only_published_figures():
    """A draft's measure has no published figures, and a provisional figure is none, as `with_latest()` has it."""
    m = measure(TargetKind.BELOW_BASELINE, LOWER, baseline=D(4404))
    published = saved(m, [reading(4100)])
    ReportedValueFactory(measure=published, year=2024, value=D(9999), status="provisional")
    draft = saved(m, [reading(4100)], edition=PlanEditionFactory())
    statuses = dict(Measure.objects.with_status().values_list("pk", "status_code"))
    assert statuses == {published.pk: MeasureStatus.ON_TRACK, draft.pk: MeasureStatus.NO_DATA}
    assert {m.pk: m.status.code for m in Measure.objects.with_latest()} == statuses
