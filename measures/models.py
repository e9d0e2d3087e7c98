"""Key performance measures, their targets, the values reported against them, and their status."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.models import HistoricalRecords

from priorities.models import Locality, PartnerOrganisation, Priority, PublicationStatus

AMOUNT = {"max_digits": 12, "decimal_places": 3}


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


class Status(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    WITHIN_TOLERANCE = "within_tolerance", "Within tolerance"
    OFF_TRACK = "off_track", "Off track"
    NO_DATA = "no_data", "No data yet"
    TARGET_NOT_SET = "target_not_set", "Target not set"


class Trend(models.TextChoices):
    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Getting worse"
    NO_CHANGE = "no_change", "No change"
    NOT_ENOUGH_DATA = "not_enough_data", "Not enough data"


@dataclass(frozen=True)
class Reading:
    """A value for a period, as the status rules need it."""

    value: Decimal
    period_label: str
    period_end: date | None = None
    is_illustrative: bool = False


@dataclass(frozen=True)
class Assessment:
    """A computed status or direction of travel, with the one-line explanation shown to users."""

    code: str
    label: str
    explanation: str


def lower_first(text):
    return text[:1].lower() + text[1:]


def financial_year_label(start_year):
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def period_label_for(start, end):
    """The conventional label for a reporting period: 2022/23, 2023/24 Q1, 2021, or the dates."""
    if start.month == 4 and start.day == 1 and end == date(start.year + 1, 3, 31):
        return financial_year_label(start.year)
    if start.month == 1 and start.day == 1 and end == date(start.year, 12, 31):
        return str(start.year)
    if start.day == 1 and start.month in (1, 4, 7, 10):
        end_month = start.month + 2
        next_month_start = date(start.year + (end_month == 12), end_month % 12 + 1, 1)
        if (next_month_start - end).days == 1:
            fy_start = start.year if start.month >= 4 else start.year - 1
            quarter = (start.month - 4) % 12 // 3 + 1
            return f"{financial_year_label(fy_start)} Q{quarter}"
    return f"{start:%-d %b %Y} to {end:%-d %b %Y}"


def period_end_for_label(label):
    """The last day of a period named like 2021/22 (a financial year) or 2021 (a year), else None."""
    match = re.fullmatch(r"(\d{4})(?:/(\d{2}))?", label.strip())
    if not match:
        return None
    year = int(match.group(1))
    return date(year + 1, 3, 31) if match.group(2) else date(year, 12, 31)


class MeasureQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(priority__edition__status=PublicationStatus.DRAFT)

    def with_latest_value(self, *, include_provisional=False):
        """Annotate each measure with its latest and previous Kirklees-wide values.

        The status and direction of travel are computed from these, so a list of measures costs
        one query however long it is. Provisional values are left out unless asked for: they are
        not shown publicly and a status must not rest on them.
        """
        values = ReportedValue.objects.filter(measure=OuterRef("pk"), locality__isnull=True)
        if not include_provisional:
            values = values.filter(status=ReportedValue.Status.FINAL)
        values = values.order_by("-period_end", "-period_start")
        annotations = {}
        for prefix, rows in (("latest", values[:1]), ("previous", values[1:2])):
            for field in ("value", "period_label", "period_end", "is_illustrative"):
                annotations[f"{prefix}_{field}"] = Subquery(rows.values(field))
        return self.annotate(**annotations)


class Measure(models.Model):
    """A key performance measure of a priority, with its baseline and target."""

    class Unit(models.TextChoices):
        COUNT = "count", "Number"
        PERCENT = "percent", "Percentage"
        RATE = "rate", "Rate"

    class Kind(models.TextChoices):
        POPULATION = "population", "Shared population indicator"
        DELIVERY = "delivery", "Measure of the partnership's own delivery"

    class Frequency(models.TextChoices):
        ANNUAL = "annual", "Annually"
        QUARTERLY = "quarterly", "Quarterly"
        MONTHLY = "monthly", "Monthly"

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="measures")
    number = models.PositiveSmallIntegerField(help_text="Order within the priority.")
    code = models.CharField(max_length=20, unique=True, help_text="Short reference, e.g. KPM-1.1.")
    title = models.CharField(max_length=200, help_text="A short name for lists and charts.")
    plan_wording = models.TextField(help_text="The measure word for word as the plan states it, target included.")
    definition = models.TextField(blank=True, help_text="Exactly what is counted, and how.")
    unit = models.CharField(max_length=10, choices=Unit, default=Unit.COUNT)
    unit_label = models.CharField(
        max_length=50, blank=True, help_text="What is counted, e.g. offences, incidents. Leave empty for percentages."
    )
    decimal_places = models.PositiveSmallIntegerField(
        default=0, help_text="How many decimal places values are reported to (0 to 3)."
    )
    direction = models.CharField(
        max_length=10, choices=Direction, blank=True, help_text="May be left empty only while the target is not set."
    )
    baseline_value = models.DecimalField(**AMOUNT, null=True, blank=True)
    baseline_period = models.CharField(max_length=30, blank=True, help_text="e.g. 2021/22, or 2021 for a survey year.")
    baseline_period_end = models.DateField(
        null=True, blank=True, help_text="Last day of the baseline period; needed for a change-per-year target."
    )
    data_source = models.CharField(max_length=200, blank=True, help_text="Where the figures come from.")
    lead_partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="measures_led"
    )
    reporting_frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.ANNUAL)
    reported_by_locality = models.BooleanField(
        default=False, help_text="Tick if values are also reported for each of the four localities."
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.POPULATION)
    target_kind = models.CharField(max_length=20, choices=TargetKind, default=TargetKind.NOT_SET)
    target_value = models.DecimalField(
        **AMOUNT,
        null=True,
        blank=True,
        help_text="The threshold for a fixed-threshold target; the amount per year for a change-per-year "
        "target; the other plan's figure, once known, for a target set by another plan.",
    )
    target_set_by = models.CharField(
        max_length=200, blank=True, help_text="For a target set by another plan: the plan's name."
    )
    tolerance = models.DecimalField(
        **AMOUNT,
        null=True,
        blank=True,
        help_text="How far a value may miss the target and count as 'within tolerance' (amber), in the "
        "measure's own unit. Leave empty for no amber band.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "number"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "number"], name="unique_measure_number"),
            models.CheckConstraint(
                condition=Q(decimal_places__lte=3),
                name="measure_decimal_places_max_3",
                violation_error_message="Values can be reported to at most 3 decimal places.",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="measure_tolerance_not_negative",
                violation_error_message="The tolerance cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        if self.baseline_period_end is None and self.baseline_period:
            self.baseline_period_end = period_end_for_label(self.baseline_period)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("measures:measure-detail", kwargs={"code": self.code})

    @property
    def is_public(self):
        return self.priority.is_public

    def deletion_refusal(self):
        return self.priority.edition.refusal_for_part(self)

    # ---- validation -------------------------------------------------------------------------

    def clean(self):
        errors = {}
        kind = self.target_kind
        needs_value = (TargetKind.BELOW_THRESHOLD, TargetKind.ABOVE_THRESHOLD, TargetKind.CHANGE_PER_YEAR)
        takes_no_value = (TargetKind.BELOW_BASELINE, TargetKind.ABOVE_BASELINE, TargetKind.NOT_SET)
        if kind in needs_value and self.target_value is None:
            errors["target_value"] = f"A target '{TargetKind(kind).label.lower()}' needs a value."
        elif kind in takes_no_value and self.target_value is not None:
            errors["target_value"] = (
                f"A target '{TargetKind(kind).label.lower()}' takes no value: leave it empty, "
                "or choose a target kind that uses one."
            )
        if kind == TargetKind.SET_ELSEWHERE and not self.target_set_by:
            errors["target_set_by"] = "Name the plan that sets this target."
        if kind != TargetKind.SET_ELSEWHERE and self.target_set_by:
            errors["target_set_by"] = "Only a target set by another plan names one."
        if kind == TargetKind.CHANGE_PER_YEAR and self.target_value is not None and self.target_value <= 0:
            errors["target_value"] = "Give the change per year as a positive amount; the direction says which way."
        wrong_way = {
            Direction.HIGHER: (TargetKind.BELOW_BASELINE, TargetKind.BELOW_THRESHOLD),
            Direction.LOWER: (TargetKind.ABOVE_BASELINE, TargetKind.ABOVE_THRESHOLD),
        }
        if self.direction and kind in wrong_way[self.direction]:
            errors["target_kind"] = (
                f"A target '{TargetKind(kind).label.lower()}' contradicts '{Direction(self.direction).label.lower()}'."
            )
        if not self.direction and kind != TargetKind.NOT_SET:
            errors["direction"] = "Say whether lower or higher is better: the target depends on it."
        if self.baseline_value is not None and not self.baseline_period:
            errors["baseline_period"] = "Say which period the baseline is for."
        if self.baseline_period and self.baseline_value is None:
            errors["baseline_value"] = "Give the baseline value for that period."
        if self.unit == self.Unit.PERCENT:
            for field in ("baseline_value", "target_value"):
                value = getattr(self, field)
                if (
                    value is not None
                    and field not in errors
                    and not 0 <= value <= 100
                    and kind != TargetKind.CHANGE_PER_YEAR
                ):
                    errors[field] = "A percentage is between 0 and 100."
        if self.decimal_places is not None and self.decimal_places > 3:
            errors["decimal_places"] = "Values can be reported to at most 3 decimal places."
        if errors:
            raise ValidationError(errors)

    # ---- presentation of numbers --------------------------------------------------------------

    def format_value(self, value):
        """A value as people read it: 4,404 or 47.9%."""
        if value is None:
            return "no value"
        text = f"{Decimal(value):,.{self.decimal_places}f}"
        return f"{text}%" if self.unit == self.Unit.PERCENT else text

    def format_amount(self, value):
        """A difference in the measure's unit: 10, or 2.5 percentage points."""
        text = f"{Decimal(value):,.{self.decimal_places}f}"
        return f"{text} percentage points" if self.unit == self.Unit.PERCENT else text

    @property
    def baseline_text(self):
        if self.baseline_value is None:
            return "Not recorded"
        return f"{self.format_value(self.baseline_value)} ({self.baseline_period})"

    @property
    def target_text(self):
        """The target in words, as the plan sets it."""
        kind = self.target_kind
        lower = self.direction == Direction.LOWER
        if kind in (TargetKind.BELOW_BASELINE, TargetKind.ABOVE_BASELINE):
            side = "below" if kind == TargetKind.BELOW_BASELINE else "above"
            if self.baseline_value is None:
                return f"{side.capitalize()} the baseline (baseline not yet recorded)"
            return f"{side.capitalize()} {self.format_value(self.baseline_value)} ({self.baseline_period} baseline)"
        if kind in (TargetKind.BELOW_THRESHOLD, TargetKind.ABOVE_THRESHOLD):
            side = "Below" if kind == TargetKind.BELOW_THRESHOLD else "Above"
            return f"{side} {self.format_value(self.target_value)}"
        if kind == TargetKind.CHANGE_PER_YEAR:
            change = "A fall" if lower else "A rise"
            return f"{change} of {self.format_amount(self.target_value)} a year"
        if kind == TargetKind.SET_ELSEWHERE:
            if self.target_value is None:
                return f"Set by the {self.target_set_by}"
            side = "At most" if lower else "At least"
            return f"{side} {self.format_value(self.target_value)}, set by the {self.target_set_by}"
        return "To be confirmed"

    # ---- status rules ---------------------------------------------------------------------------

    @property
    def target_is_set(self):
        kind = self.target_kind
        if kind == TargetKind.NOT_SET:
            return False
        if kind in (TargetKind.BELOW_BASELINE, TargetKind.ABOVE_BASELINE):
            return self.baseline_value is not None
        return self.target_value is not None

    def target_for(self, reading, previous=None):
        """The figure the reading must beat, or None when the target cannot yet be applied."""
        kind = self.target_kind
        if kind in (TargetKind.BELOW_BASELINE, TargetKind.ABOVE_BASELINE):
            return self.baseline_value
        if kind in (TargetKind.BELOW_THRESHOLD, TargetKind.ABOVE_THRESHOLD):
            return self.target_value
        if kind == TargetKind.SET_ELSEWHERE:
            return self.target_value
        if kind == TargetKind.CHANGE_PER_YEAR:
            if self.target_value is None:
                return None
            if self.baseline_value is not None and self.baseline_period_end and reading.period_end:
                start_value, start_end = self.baseline_value, self.baseline_period_end
            elif previous is not None and previous.period_end and reading.period_end:
                start_value, start_end = previous.value, previous.period_end
            else:
                return None
            years = max(1, round((reading.period_end - start_end).days / 365.25))
            step = self.target_value * years
            return start_value - step if self.direction == Direction.LOWER else start_value + step
        return None

    def _target_words(self, target, previous):
        """The target as applied to one reading, for the explanation."""
        kind = self.target_kind
        if kind in (TargetKind.BELOW_BASELINE, TargetKind.ABOVE_BASELINE):
            side = "below" if kind == TargetKind.BELOW_BASELINE else "above"
            return f"{side} {self.format_value(target)} ({self.baseline_period} baseline)"
        if kind in (TargetKind.BELOW_THRESHOLD, TargetKind.ABOVE_THRESHOLD):
            side = "below" if kind == TargetKind.BELOW_THRESHOLD else "above"
            return f"{side} {self.format_value(target)}"
        side = "at most" if self.direction == Direction.LOWER else "at least"
        if kind == TargetKind.CHANGE_PER_YEAR:
            change = "fewer" if self.direction == Direction.LOWER else "more"
            if self.baseline_value is not None and self.baseline_period_end:
                since = f"the {self.baseline_period} baseline of {self.format_value(self.baseline_value)}"
            else:
                since = f"{previous.period_label}'s {self.format_value(previous.value)}"
            amount = self.format_amount(self.target_value)
            return f"{side} {self.format_value(target)} ({amount} {change} a year than {since})"
        return f"{side} {self.format_value(target)} (set by the {self.target_set_by})"

    def _meets(self, value, target):
        strict = self.target_kind in (
            TargetKind.BELOW_BASELINE,
            TargetKind.ABOVE_BASELINE,
            TargetKind.BELOW_THRESHOLD,
            TargetKind.ABOVE_THRESHOLD,
        )
        if self.direction == Direction.LOWER:
            return value < target if strict else value <= target
        return value > target if strict else value >= target

    def _why_target_not_set(self):
        kind = self.target_kind
        if kind == TargetKind.SET_ELSEWHERE:
            return f"the target is to mirror the {self.target_set_by}, and that figure has not been recorded here yet"
        if kind in (TargetKind.BELOW_BASELINE, TargetKind.ABOVE_BASELINE):
            change = "a reduction on" if kind == TargetKind.BELOW_BASELINE else "an increase on"
            return f"the target is {change} the baseline, and no baseline has been recorded yet"
        return "the target is still to be confirmed"

    def assess(self, latest, previous=None):
        """Status of the measure given its latest reading (and the one before, if any).

        Takes the readings as arguments and runs no query, so a list of measures annotated by
        `Measure.objects.with_latest_value()` is assessed in memory.
        """
        if not self.target_is_set:
            explanation = f"Target not set: {self._why_target_not_set()}"
            if latest is not None:
                explanation += f"; the latest value is {self.format_value(latest.value)} in {latest.period_label}"
            return Assessment(Status.TARGET_NOT_SET, Status.TARGET_NOT_SET.label, explanation)
        if latest is None:
            if self.baseline_value is not None:
                since = f"since the {self.baseline_period} baseline of {self.format_value(self.baseline_value)}"
            else:
                since = f"against the target of {lower_first(self.target_text)}"
            return Assessment(Status.NO_DATA, Status.NO_DATA.label, f"No data yet: no value has been reported {since}")
        direction = Direction(self.direction).label.lower()
        target = self.target_for(latest, previous)
        if target is None:  # a change per year with nothing to measure it from
            return Assessment(
                Status.NO_DATA,
                Status.NO_DATA.label,
                f"Not enough data yet: the target is {lower_first(self.target_text)}, "
                f"and there is no baseline or earlier value to measure {latest.period_label}'s "
                f"{self.format_value(latest.value)} against",
            )
        value = latest.value
        relation = "equal to" if value == target else ("below" if value < target else "above")
        reading = f"{self.format_value(value)} in {latest.period_label}"
        if latest.is_illustrative:
            reading += " (illustrative)"
        body = f"{reading} is {relation} the target of {self._target_words(target, previous)}"
        if self._meets(value, target):
            status = Status.ON_TRACK
        elif self.tolerance is not None and abs(value - target) <= self.tolerance:
            status = Status.WITHIN_TOLERANCE
            body += f", within the tolerance of {self.format_amount(self.tolerance)}"
        else:
            status = Status.OFF_TRACK
        return Assessment(status, status.label, f"{status.label}: {body}; {direction}")

    def travel(self, latest, previous):
        """Direction of travel from the previous period (or the baseline) to the latest one."""
        if (
            latest is not None
            and previous is None
            and self.baseline_value is not None
            and self.baseline_period != latest.period_label
        ):
            previous = Reading(self.baseline_value, f"the {self.baseline_period} baseline")
        if latest is None or previous is None or not self.direction:
            return Assessment(Trend.NOT_ENOUGH_DATA, Trend.NOT_ENOUGH_DATA.label, "Not enough data to show a trend")
        label = previous.period_label
        if latest.value == previous.value:
            return Assessment(
                Trend.NO_CHANGE, Trend.NO_CHANGE.label, f"No change: {self.format_value(latest.value)}, as in {label}"
            )
        went_down = latest.value < previous.value
        better = went_down == (self.direction == Direction.LOWER)
        trend = Trend.IMPROVING if better else Trend.WORSENING
        way = "down" if went_down else "up"
        return Assessment(
            trend,
            trend.label,
            f"{trend.label}: {way} from {self.format_value(previous.value)} in {label} "
            f"to {self.format_value(latest.value)} in {latest.period_label}",
        )

    # ---- the annotated readings ---------------------------------------------------------------

    def _annotated_reading(self, prefix):
        try:
            value = getattr(self, f"{prefix}_value")
        except AttributeError:
            raise AttributeError(
                "Status needs the latest values: load measures with Measure.objects.with_latest_value()."
            ) from None
        if value is None:
            return None
        return Reading(
            value=Decimal(value),
            period_label=getattr(self, f"{prefix}_period_label"),
            period_end=getattr(self, f"{prefix}_period_end"),
            is_illustrative=bool(getattr(self, f"{prefix}_is_illustrative")),
        )

    @property
    def latest_reading(self):
        return self._annotated_reading("latest")

    @property
    def previous_reading(self):
        return self._annotated_reading("previous")

    @property
    def latest_text(self):
        """The latest final value as a reader sees it: '4,612 in 2023/24 (illustrative)', or 'No data yet'."""
        reading = self.latest_reading
        if reading is None:
            return "No data yet"
        illustrative = " (illustrative)" if reading.is_illustrative else ""
        return f"{self.format_value(reading.value)} in {reading.period_label}{illustrative}"

    @property
    def status(self):
        return self.assess(self.latest_reading, self.previous_reading)

    @property
    def direction_of_travel(self):
        return self.travel(self.latest_reading, self.previous_reading)


class ReportedValue(models.Model):
    """A figure reported for a measure, for one period and, optionally, one locality."""

    class Status(models.TextChoices):
        PROVISIONAL = "provisional", "Provisional"
        FINAL = "final", "Final"

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(
        max_length=40,
        blank=True,
        help_text="Leave empty to fill in from the dates: 2022/23 for a financial year, 2023/24 Q1 for a quarter.",
    )
    locality = models.ForeignKey(
        Locality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_values",
        help_text="Leave empty for the figure for the whole of Kirklees.",
    )
    value = models.DecimalField(**AMOUNT)
    status = models.CharField(
        max_length=12,
        choices=Status,
        default=Status.PROVISIONAL,
        help_text="Provisional values are never shown publicly and do not count towards the status.",
    )
    note = models.TextField(blank=True, help_text="Anything a reader needs to know to interpret the figure.")
    is_illustrative = models.BooleanField(
        default=False, help_text="Sample data for demonstration, not a real figure. Marked as such wherever shown."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "-period_end", "locality"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="value_period_end_after_start",
                violation_error_message="The period cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["measure", "period_start", "period_end"],
                condition=Q(locality__isnull=True),
                name="one_kirklees_value_per_period",
                violation_error_message="There is already a Kirklees-wide value for this measure and period.",
            ),
            models.UniqueConstraint(
                fields=["measure", "period_start", "period_end", "locality"],
                condition=Q(locality__isnull=False),
                name="one_locality_value_per_period",
                violation_error_message="There is already a value for this measure, period and locality.",
            ),
        ]

    def __str__(self):
        where = f", {self.locality}" if self.locality_id else ""
        value = "" if self.value is None else f"{Decimal(self.value).normalize():,f}"
        return f"{self.period_label or self.period_start}{where}: {value}"

    def save(self, *args, **kwargs):
        if not self.period_label and self.period_start and self.period_end:
            self.period_label = period_label_for(self.period_start, self.period_end)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.measure.get_absolute_url()

    def deletion_refusal(self):
        """A final value counts towards the public status: it is corrected, not deleted."""
        if self.status != ReportedValue.Status.FINAL:
            return None
        where = f" {self.locality}" if self.locality_id else ""
        return (
            f"The {self.period_label}{where} value of {self.measure.code} ({self.measure.format_value(self.value)}) "
            "is final, so it counts towards the measure's public status. "
            "Correct the figure by editing it (the history keeps the old one). "
            "If it really must go, mark it provisional first."
        )

    def clean(self):
        errors = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                add("period_end", "The period cannot end before it starts.")
            elif not self.period_label:
                self.period_label = period_label_for(self.period_start, self.period_end)
        # The measure may be unsaved (values added inline with a new measure), so use the object.
        try:
            measure = self.measure
        except ObjectDoesNotExist:
            measure = None
        if measure is not None and self.value is not None:
            if self.locality_id and not measure.reported_by_locality:
                add(
                    "locality",
                    f"{measure.code} is not reported by locality. Leave the locality empty, or tick "
                    "'reported by locality' on the measure first.",
                )
            exponent = self.value.normalize().as_tuple().exponent
            if isinstance(exponent, int) and -exponent > measure.decimal_places:
                add(
                    "value",
                    f"{measure.code} is reported to {measure.decimal_places} decimal places; "
                    f"{self.value} has more. Round it, or change the measure's decimal places.",
                )
            if measure.unit == Measure.Unit.PERCENT and not 0 <= self.value <= 100:
                add("value", "A percentage is between 0 and 100.")
            elif self.value < 0:
                add("value", "A count or rate cannot be negative.")
        if errors:
            raise ValidationError(errors)
