"""How a measure's status is judged: the rule that decides whether a measure is on track, within
tolerance or off track, and its direction of travel.

The plan sets each measure's target in one of a few ways (`TargetKind`). `RULES` has one entry per
kind: whether the target can be applied yet, the figure a reading must beat, the target in words,
and how the chart draws it. `assess()` compares a measure's latest final reading with that figure;
`travel()` compares it with the reading before. The model, the pages, the charts, the CSV downloads
and the API all use these two functions, so a status reads the same everywhere.

A status is judged only on figures for the measure's own reporting period (`judged_on()`): an
annual measure on full years. A figure for a shorter period (a quarter of an annual measure, say) is
shown beside the status as the year to date, never instead of it.

Nothing here runs a query: give it readings (see `Measure.objects.with_latest()`). The same rules are
written in SQL beside them (`assessed_in_sql()`), so that measures can be counted and filtered by status
in the database however many there are; a test holds the two to the same answers.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Case, DecimalField, F, Func, IntegerField, OuterRef, Value, When, Window
from django.db.models.functions import Greatest, Lag
from django.db.models.lookups import Exact, In, IsNull


class Direction(models.TextChoices):
    LOWER = "lower", "Lower is better"
    HIGHER = "higher", "Higher is better"


class TargetKind(models.TextChoices):
    BELOW_BASELINE = "below_baseline", "Below the baseline"
    ABOVE_BASELINE = "above_baseline", "Above the baseline"
    BELOW_THRESHOLD = "below_threshold", "Below a fixed threshold"
    ABOVE_THRESHOLD = "above_threshold", "Above a fixed threshold"
    CHANGE_PER_YEAR = "change_per_year", "A change per year from the baseline"
    SET_ELSEWHERE = "set_elsewhere", "Set by another plan"
    NOT_SET = "not_set", "Not yet set"


class MeasureStatus(models.TextChoices):
    """Where a measure stands against its target (not to be confused with a value's final or provisional)."""

    ON_TRACK = "on_track", "On track"
    WITHIN_TOLERANCE = "within_tolerance", "Within tolerance"
    OFF_TRACK = "off_track", "Off track"
    NO_DATA = "no_data", "No data yet"
    TARGET_NOT_SET = "target_not_set", "Target not set"


class Travel(models.TextChoices):
    """A measure's direction of travel: whether its latest reading is better than the one before."""

    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Getting worse"
    NO_CHANGE = "no_change", "No change"
    NOT_ENOUGH_DATA = "not_enough_data", "Not enough data"


class PeriodKind(models.TextChoices):
    """How long a reported value's period is."""

    YEAR = "year", "Full-year"
    QUARTER = "quarter", "Quarterly"
    MONTH = "month", "Monthly"
    OTHER = "other", "Other"


def period_kind_for(start, end):
    """A period's kind from its first and last days: a year, a quarter, a month, or another length."""
    days = (end - start).days + 1
    if 365 <= days <= 366:
        return PeriodKind.YEAR
    if 89 <= days <= 92:
        return PeriodKind.QUARTER
    if 28 <= days <= 31:
        return PeriodKind.MONTH
    return PeriodKind.OTHER


# The period each stated reporting frequency is judged on (the measure's Frequency choices).
FREQUENCY_PERIODS = {"annual": PeriodKind.YEAR, "quarterly": PeriodKind.QUARTER, "monthly": PeriodKind.MONTH}


# The kinds of period that are part of a longer one: a quarter, a month or a year to date within a year.
SHORTER_PERIODS = {
    PeriodKind.YEAR: {PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.OTHER},
    PeriodKind.QUARTER: {PeriodKind.MONTH},
    PeriodKind.MONTH: set(),
}


def most_common_kind(kinds):
    """The kind of period most of these figures (oldest first) are for; on a tie, the newer one's."""
    counts = Counter(kinds)
    return max(reversed(kinds), key=lambda kind: counts[kind]) if kinds else None


def judged_on(measure, kinds_of_figures=()):
    """The kind of period a measure's status is judged on, and why, as (kind or None, reason).

    Its stated reporting frequency decides; where the plan states none, its baseline (always for a
    full year here), else the period most of its figures are for (`kinds_of_figures`, oldest first).
    The SQL in `Measure.objects.with_latest()` follows the same order.
    """
    if measure.reporting_frequency:
        kind = FREQUENCY_PERIODS[measure.reporting_frequency]
        return kind, f"{kind.label} figures: it is reported {measure.get_reporting_frequency_display().lower()}"
    unstated = "the plan does not say how often it is reported"
    if measure.baseline_period_end is not None:
        return PeriodKind.YEAR, f"Full-year figures, like its baseline: {unstated}"
    if kinds_of_figures:
        kind = PeriodKind(most_common_kind(list(kinds_of_figures)))
        return kind, f"{kind.label} figures, like most of its figures: {unstated}"
    return None, f"Not known yet: {unstated}, and it has no baseline or figures"


@dataclass(frozen=True)
class Reading:
    """A value for a period, as the status rules need it."""

    value: Decimal
    period_label: str
    period_end: date | None = None
    is_illustrative: bool = False
    period_kind: str = ""
    # What the officers say lies behind the figure, and the public note of its latest correction, if any.
    commentary: str = ""
    revision: str = ""


@dataclass(frozen=True)
class Assessment:
    """A computed status or direction of travel, with the one-line explanation shown to users."""

    code: str
    label: str
    explanation: str


def any_illustrative(readings):
    """Whether any of these readings (None for none) is sample data, so that what shows them must say so."""
    return any(reading is not None and reading.is_illustrative for reading in readings)


def lower_first(text):
    return text[:1].lower() + text[1:]


# ---- one entry per kind of target ------------------------------------------------------------------


def _lower(measure):
    return measure.direction == Direction.LOWER


def _at_most_or_least(measure):
    return "at most" if _lower(measure) else "at least"


def _baseline_target(measure, reading, previous):
    return measure.baseline_value


def _fixed_target(measure, reading, previous):
    return measure.target_value


def _change_per_year_target(measure, reading, previous):
    """The baseline (or, without one, the previous reading) moved by the yearly change for each year since."""
    if measure.target_value is None:
        return None
    if measure.baseline_value is not None and measure.baseline_period_end and reading.period_end:
        start_value, start_end = measure.baseline_value, measure.baseline_period_end
    elif previous is not None and previous.period_end and reading.period_end:
        start_value, start_end = previous.value, previous.period_end
    else:
        return None
    years = max(1, round((reading.period_end - start_end).days / 365.25))
    step = measure.target_value * years
    return start_value - step if _lower(measure) else start_value + step


def _baseline_words(side):
    def in_words(measure):
        if measure.baseline_value is None:
            return f"{side.capitalize()} the baseline (baseline not yet recorded)"
        baseline = measure.format_value(measure.baseline_value)
        return f"{side.capitalize()} {baseline} ({measure.baseline_period} baseline)"

    def applied(measure, target, previous):
        return f"{side} {measure.format_value(target)} ({measure.baseline_period} baseline)"

    def why_not_set(measure):
        change = "a reduction on" if side == "below" else "an increase on"
        return f"the target is {change} the baseline, and no baseline has been recorded yet"

    return in_words, applied, why_not_set


def _threshold_words(side):
    def in_words(measure):
        return f"{side.capitalize()} {measure.format_value(measure.target_value)}"

    def applied(measure, target, previous):
        return f"{side} {measure.format_value(target)}"

    return in_words, applied


def _change_per_year_in_words(measure):
    change = "A fall" if _lower(measure) else "A rise"
    return f"{change} of {measure.format_amount(measure.target_value)} a year"


def _change_per_year_applied(measure, target, previous):
    change = "fewer" if _lower(measure) else "more"
    if measure.baseline_value is not None and measure.baseline_period_end:
        since = f"the {measure.baseline_period} baseline of {measure.format_value(measure.baseline_value)}"
    else:
        since = f"{previous.period_label}'s {measure.format_value(previous.value)}"
    amount = measure.format_amount(measure.target_value)
    return f"{_at_most_or_least(measure)} {measure.format_value(target)} ({amount} {change} a year than {since})"


def _set_elsewhere_in_words(measure):
    if measure.target_value is None:
        return f"Set by the {measure.target_set_by}"
    side = "At most" if _lower(measure) else "At least"
    return f"{side} {measure.format_value(measure.target_value)}, set by the {measure.target_set_by}"


def _set_elsewhere_applied(measure, target, previous):
    return f"{_at_most_or_least(measure)} {measure.format_value(target)} (set by the {measure.target_set_by})"


def _still_to_be_confirmed(measure):
    return "the target is still to be confirmed"


# ---- the same rules in SQL, for counting and filtering measures in the database --------------------


class DaysBetween(Func):
    """`(end - start).days` in SQL: the whole days from one date to another."""

    template = "(%(expressions)s)"  # PostgreSQL: a date minus a date is a number of days
    arg_joiner = " - "
    output_field = IntegerField()

    def __init__(self, start, end):
        super().__init__(end, start)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


# The SQL below reads a reported value in a subquery of its measure's: the measure's own fields are the
# outer query's (`OuterRef`), with no join to ask for them again.

# +1 where higher is better, -1 where lower is: a difference times this is how much better it is.
_BETTER_WAY = Case(When(Exact(OuterRef("direction"), Direction.LOWER), then=Value(-1)), default=Value(1))


def _years_since(start_end):
    """`max(1, round(days / 365.25))` in whole numbers, from `start_end` to the reading's end: round(4d / 1461)
    is (4d + 730) // 1461, as no whole number of days is exactly half way."""
    days = DaysBetween(start_end, F("period_end"))
    return Greatest(Value(1), (days * Value(4) + Value(730)) / Value(1461))


def _change_per_year_target_sql():
    """`_change_per_year_target` in SQL: the baseline, else the reading before (`previous_value`, ending
    `previous_end`), moved by the change per year for each year since."""

    def moved(start, start_end):
        return start + OuterRef("target_value") * _years_since(start_end) * _BETTER_WAY

    from_baseline = IsNull(OuterRef("baseline_value"), False) & IsNull(OuterRef("baseline_period_end"), False)
    return (
        (from_baseline, moved(OuterRef("baseline_value"), OuterRef("baseline_period_end"))),
        (IsNull(F("previous_end"), False), moved(F("previous_value"), F("previous_end"))),
    )


@dataclass(frozen=True)
class TargetRule:
    """How one kind of target is judged, explained and drawn."""

    # What must be recorded before the target can be applied: "baseline_value", "target_value", or None (never).
    needs: str | None
    # The figure a reading must beat: (measure, reading, previous reading) -> Decimal, or None.
    target: Callable
    # True: the reading must be strictly beyond the target; False: reaching it is enough.
    strict: bool
    # The target as the plan sets it, in words: (measure) -> str.
    in_words: Callable
    # The target as applied to one reading, for the explanation: (measure, target, previous) -> str.
    applied: Callable
    # Why the target cannot be applied yet: (measure) -> str.
    why_not_set: Callable
    # How the chart draws it: "level", one line at the latest target, or "path", a target for each reading.
    chart: str = "level"
    # `target` in SQL, over a reported value (see `assessed_in_sql`): (condition or None for always, figure)
    # pairs, the first whose condition holds giving the figure; none where the target is never applied.
    target_in_sql: tuple = field(kw_only=True)


_below_baseline = _baseline_words("below")
_above_baseline = _baseline_words("above")
_below_threshold = _threshold_words("below")
_above_threshold = _threshold_words("above")

RULES = {
    TargetKind.BELOW_BASELINE: TargetRule(
        "baseline_value",
        _baseline_target,
        True,
        *_below_baseline,
        target_in_sql=((None, OuterRef("baseline_value")),),
    ),
    TargetKind.ABOVE_BASELINE: TargetRule(
        "baseline_value",
        _baseline_target,
        True,
        *_above_baseline,
        target_in_sql=((None, OuterRef("baseline_value")),),
    ),
    TargetKind.BELOW_THRESHOLD: TargetRule(
        "target_value",
        _fixed_target,
        True,
        *_below_threshold,
        _still_to_be_confirmed,
        target_in_sql=((None, OuterRef("target_value")),),
    ),
    TargetKind.ABOVE_THRESHOLD: TargetRule(
        "target_value",
        _fixed_target,
        True,
        *_above_threshold,
        _still_to_be_confirmed,
        target_in_sql=((None, OuterRef("target_value")),),
    ),
    TargetKind.CHANGE_PER_YEAR: TargetRule(
        "target_value",
        _change_per_year_target,
        False,
        _change_per_year_in_words,
        _change_per_year_applied,
        _still_to_be_confirmed,
        chart="path",
        target_in_sql=_change_per_year_target_sql(),
    ),
    TargetKind.SET_ELSEWHERE: TargetRule(
        "target_value",
        _fixed_target,
        False,
        _set_elsewhere_in_words,
        _set_elsewhere_applied,
        lambda measure: (
            f"the target is to mirror the {measure.target_set_by}, and that figure has not been recorded here yet"
        ),
        target_in_sql=((None, OuterRef("target_value")),),
    ),
    TargetKind.NOT_SET: TargetRule(
        None,
        lambda measure, reading, previous: None,
        False,
        lambda measure: "To be confirmed",
        lambda measure, target, previous: "",
        _still_to_be_confirmed,
        target_in_sql=(),
    ),
}


def rule_for(measure):
    return RULES[TargetKind(measure.target_kind)]


def target_is_set(measure):
    needs = rule_for(measure).needs
    return needs is not None and getattr(measure, needs) is not None


def target_for(measure, reading, previous=None):
    """The figure the reading must beat, or None when the target cannot yet be applied."""
    return rule_for(measure).target(measure, reading, previous)


def meets(measure, value, target):
    if rule_for(measure).strict:
        return value < target if _lower(measure) else value > target
    return value <= target if _lower(measure) else value >= target


# ---- the status and the direction of travel ----------------------------------------------------------


def assess(measure, latest, previous=None):
    """The measure's status given its latest reading (and the one before, if any), with why."""
    rule = rule_for(measure)
    if not target_is_set(measure):
        explanation = f"Target not set: {rule.why_not_set(measure)}"
        if latest is not None:
            explanation += f"; the latest value is {measure.format_value(latest.value)} in {latest.period_label}"
        return Assessment(MeasureStatus.TARGET_NOT_SET, MeasureStatus.TARGET_NOT_SET.label, explanation)
    if latest is None:
        if measure.baseline_value is not None:
            since = f"since the {measure.baseline_period} baseline of {measure.format_value(measure.baseline_value)}"
        else:
            since = f"against the target of {lower_first(rule.in_words(measure))}"
        return Assessment(
            MeasureStatus.NO_DATA, MeasureStatus.NO_DATA.label, f"No data yet: no value has been reported {since}"
        )
    direction = Direction(measure.direction).label.lower()
    target = rule.target(measure, latest, previous)
    if target is None:  # a change per year with nothing to measure it from
        return Assessment(
            MeasureStatus.NO_DATA,
            MeasureStatus.NO_DATA.label,
            f"Not enough data yet: the target is {lower_first(rule.in_words(measure))}, "
            f"and there is no baseline or earlier value to measure {latest.period_label}'s "
            f"{measure.format_value(latest.value)} against",
        )
    value = latest.value
    relation = "equal to" if value == target else ("below" if value < target else "above")
    body = f"{measure.format_reading(latest)} is {relation} the target of {rule.applied(measure, target, previous)}"
    if meets(measure, value, target):
        status = MeasureStatus.ON_TRACK
    elif measure.tolerance is not None and abs(value - target) <= measure.tolerance:
        status = MeasureStatus.WITHIN_TOLERANCE
        body += f", within the tolerance of {measure.format_amount(measure.tolerance)}"
    else:
        status = MeasureStatus.OFF_TRACK
    return Assessment(status, status.label, f"{status.label}: {body}; {direction}")


def target_is_set_in_sql(field=F):
    """`target_is_set()` in SQL, over measures; with `field=OuterRef`, over a subquery of a measure's values:
    the field its kind of target needs is recorded."""
    kinds_needing = {}
    for kind, rule in RULES.items():
        if rule.needs is not None:
            kinds_needing.setdefault(rule.needs, []).append(kind)
    needed = Case(*(When(In(field("target_kind"), kinds), then=field(needs)) for needs, kinds in kinds_needing.items()))
    return IsNull(needed, False)


# Values have at most three decimal places, so any two differ by 0.001 or more, or not at all. Comparing
# with half of that to spare decides as exact arithmetic does on SQLite too, which keeps decimals as
# floating point (where 46.3 - 47.9 is not quite -1.6).
_HALF = Value(Decimal("0.0005"))


def unassessed_in_sql():
    """`assess()` in SQL for a measure without a reading to judge: no data yet, unless its target is not set."""
    return Case(
        When(target_is_set_in_sql(), then=Value(MeasureStatus.NO_DATA.value)),
        default=Value(MeasureStatus.TARGET_NOT_SET.value),
    )


def assessed_in_sql(readings):
    """`assess()` in SQL: annotate each reported value with `measure_status`, the status it gives its measure
    as its latest reading.

    `readings` are one measure's readings of one kind of period (a change per year without a baseline
    is measured from the one before among them). For counting and filtering measures by status in the
    database (`Measure.objects.with_status()`); the pages' words still come from `assess()`. Kept shallow:
    SQLite refuses expressions nested much deeper.
    """
    # The kinds whose target is the same figure share a branch: the shorter the SQL, the sooner it is made.
    kinds_of = {}
    for kind, rule in RULES.items():
        for condition, figure in rule.target_in_sql:
            kinds_of.setdefault((condition, figure), []).append(kind)

    def kind_in(kinds):
        return In(OuterRef("target_kind"), kinds)

    target = Case(
        *(
            When(kind_in(kinds) if condition is None else kind_in(kinds) & condition, then=figure)
            for (condition, figure), kinds in kinds_of.items()
        ),
        output_field=DecimalField(),
    )
    # How much better than the target the value is: at least a thousandth where it must be beyond it.
    needed = Case(When(kind_in([kind for kind, rule in RULES.items() if rule.strict]), then=_HALF), default=-_HALF)
    status = Case(
        When(~target_is_set_in_sql(OuterRef), then=Value(MeasureStatus.TARGET_NOT_SET.value)),
        When(better_by__isnull=True, then=Value(MeasureStatus.NO_DATA.value)),
        When(better_by__gte=needed, then=Value(MeasureStatus.ON_TRACK.value)),
        When(better_by__gte=-OuterRef("tolerance") - _HALF, then=Value(MeasureStatus.WITHIN_TOLERANCE.value)),
        default=Value(MeasureStatus.OFF_TRACK.value),
    )
    oldest_first = [F("period_end").asc(), F("period_start").asc()]
    return (
        readings.annotate(
            previous_value=Window(Lag("value"), order_by=oldest_first),
            previous_end=Window(Lag("period_end"), order_by=oldest_first),
        )
        .annotate(better_by=(F("value") - target) * _BETTER_WAY)
        .annotate(measure_status=status)
    )


def travel(measure, latest, previous):
    """Direction of travel from the previous period (or the baseline) to the latest one."""
    if (
        latest is not None
        and previous is None
        and measure.baseline_value is not None
        and measure.baseline_period != latest.period_label
    ):
        previous = Reading(measure.baseline_value, f"the {measure.baseline_period} baseline")
    if latest is None or previous is None or not measure.direction:
        return Assessment(Travel.NOT_ENOUGH_DATA, Travel.NOT_ENOUGH_DATA.label, "Not enough data to show a trend")
    label = previous.period_label
    if latest.value == previous.value:
        return Assessment(
            Travel.NO_CHANGE,
            Travel.NO_CHANGE.label,
            f"No change: {measure.format_value(latest.value)}, as in {label}",
        )
    went_down = latest.value < previous.value
    better = went_down == _lower(measure)
    trend = Travel.IMPROVING if better else Travel.WORSENING
    way = "down" if went_down else "up"
    return Assessment(
        trend,
        trend.label,
        f"{trend.label}: {way} from {measure.format_value(previous.value)} in {label} "
        f"to {measure.format_value(latest.value)} in {latest.period_label}",
    )


def unjudged_text(reading, judged_kind):
    """Why a figure gave its measure no status: its period is not the kind the status is judged on."""
    if judged_kind == PeriodKind.YEAR:
        return "Year to date: not a full year, so it does not set the status"
    return f"Not a {PeriodKind(judged_kind).label.lower()} figure, so it does not set the status"


def statuses_at_the_time(measure, values):
    """{value id: the status it gave the measure then} for a measure's Kirklees-wide reported values.

    `values` are oldest first. Only those for the kind of period the status is judged on have a
    status, each measured against the one of that kind before it; the others (a year to date) have none.
    """
    kind = judged_on(measure, [value.period_kind for value in values])[0]
    statuses, previous = {}, None
    for value in values:
        if value.period_kind != kind:
            continue
        statuses[value.pk] = assess(measure, value.reading, previous)
        previous = value.reading
    return statuses


# ---- what each status means, for a reader's key -------------------------------------------------------

# What each status and direction of travel means in general, whatever the measure: the key on the status
# page. `assess()` and `travel()` say why one measure has the one it has.
STATUS_MEANINGS = {
    MeasureStatus.ON_TRACK: "The latest final figure meets the measure’s target.",
    MeasureStatus.WITHIN_TOLERANCE: "The latest final figure misses the target, but by no more than the tolerance "
    "set for the measure.",
    MeasureStatus.OFF_TRACK: "The latest final figure misses the target by more than any tolerance set for the "
    "measure.",
    MeasureStatus.NO_DATA: "The target is set, but no final figure has been reported to judge against it (or, "
    "for a target of a change each year, there is no baseline or earlier figure to measure the change from).",
    MeasureStatus.TARGET_NOT_SET: "The measure cannot be judged yet: the plan has not set its target, or what "
    "the target depends on (a baseline, or another plan’s figure) has not been recorded here.",
}
TRAVEL_MEANINGS = {
    Travel.IMPROVING: "The latest final figure is better than the one before it (or than the baseline, for the "
    "first figure), in the direction the plan wants.",
    Travel.WORSENING: "The latest final figure is worse than the one before it (or than the baseline).",
    Travel.NO_CHANGE: "The latest final figure is the same as the one before it (or as the baseline).",
    Travel.NOT_ENOUGH_DATA: "There is no earlier figure or baseline to compare the latest with, or the plan does "
    "not say which way is better.",
}


def status_meanings():
    """Every status, in the order a reader scans them, as an Assessment whose explanation is what it means."""
    return [Assessment(status.value, status.label, STATUS_MEANINGS[status]) for status in MeasureStatus]


def travel_meanings():
    """Every direction of travel as an Assessment whose explanation is what it means."""
    return [Assessment(travel.value, travel.label, TRAVEL_MEANINGS[travel]) for travel in Travel]


# ---- counts for a list of measures -------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: Assessment  # code and label, for the status tag
    count: int

    @property
    def code(self):
        return self.status.code

    @property
    def label(self):
        return self.status.label


@dataclass(frozen=True)
class StatusSummary:
    """How many measures have each status, in the order a reader scans them, and whether any rests on sample data."""

    counts: list
    total: int
    has_illustrative: bool

    @classmethod
    def of(cls, measures):
        """From measures loaded with `Measure.objects.with_latest()`: no query."""
        measures = list(measures)
        tally = Counter(measure.status.code for measure in measures)
        return cls.tallied(tally, len(measures), any_illustrative(measure.latest_reading for measure in measures))

    @classmethod
    def tallied(cls, tally, total, has_illustrative):
        """From a count of measures by status code (see `Measure.objects.status_summary()`)."""
        counts = [
            StatusCount(Assessment(status.value, status.label, ""), tally.get(status.value, 0))
            for status in MeasureStatus
        ]
        return cls(counts, total, has_illustrative)
