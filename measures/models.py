"""Key performance measures, their targets, the values reported against them, and their status.

Which reported values the public sees is `ReportedValue.objects.published()`; how a status is
judged is `measures/status.py`.
"""

import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Case, CharField, Count, Exists, F, Func, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.dateparse import parse_date
from simple_history.models import HistoricalRecords

from core.models import Approval, FourEyes, Sourced, revision_text
from measures import status as rules
from measures.status import FREQUENCY_PERIODS, Direction, PeriodKind, Reading, TargetKind, period_kind_for
from priorities.models import Locality, PartnerOrganisation, Priority, PublicationStatus, VisibleToMixin

AMOUNT = {"max_digits": 12, "decimal_places": 3}


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


def _reading_json(values):
    """One reading of `values` as a JSON object: value (as text, to keep every digit), period, end, illustrative."""
    return values.values(
        json=JSONObject(
            value=Cast("value", CharField()),
            period_label="period_label",
            period_end="period_end",
            is_illustrative="is_illustrative",
            period_kind="period_kind",
            commentary="commentary",
            revised_on="revised_on",
            revision_reason="revision_reason",
        )
    )


def _reading_from_json(data):
    if data is None:
        return None
    end = data["period_end"]
    return Reading(
        value=Decimal(data["value"]),
        period_label=data["period_label"],
        period_end=parse_date(end) if isinstance(end, str) else end,
        is_illustrative=bool(data["is_illustrative"]),
        period_kind=data["period_kind"],
        commentary=data["commentary"],
        revision=revision_text(data["revised_on"], data["revision_reason"]),
    )


def public_measure(path=""):
    """The measures residents may see, reached by `path` ("measure__" from a value): a published or archived
    edition's, never a draft's. A condition, so that a value's query joins its edition instead of listing
    every public measure."""
    return ~Q(**{f"{path}priority__edition__status": PublicationStatus.DRAFT})


class MeasureQuerySet(VisibleToMixin, models.QuerySet):
    def public(self):
        """Measures residents may see: those of published or archived editions, never a draft's."""
        return self.filter(public_measure())

    def with_latest(self, *, values=None):
        """Annotate each measure with its latest and previous Kirklees-wide readings, in the same query: of its
        figures, its own and those it carries on from earlier editions (`ReportedValue.objects.series_of()`).

        Latest and previous are for the kind of period the status is judged on (`status.judged_on()`,
        which this SQL follows): full years for an annual measure. The newest reading of any period
        is there too, to show a year to date beside the status. The status and direction of travel
        are computed from these, so a list of measures costs one query however long it is. `values`
        are the reported values to read them from: the published ones (final, never provisional)
        unless an officer's view asks for others.
        """
        values = ReportedValue.objects.published() if values is None else values
        newest = values.kirklees_wide().series_of().newest_first()
        readings = newest.filter(period_kind=OuterRef("judged_on_kind"))
        return self._judged_on(values).annotate(
            latest_json=Subquery(_reading_json(readings)[:1]),
            previous_json=Subquery(_reading_json(readings)[1:2]),
            newest_json=Subquery(_reading_json(newest)[:1]),
        )

    def with_status(self):
        """Annotate each measure with `status_code`, its status worked out in SQL.

        The same answer as `Measure.status` on measures loaded `with_latest()` (`status.assessed_in_sql()`
        follows `status.assess()`, and a test holds them to it), for filtering and counting measures by
        status in the database however many there are.
        """
        if "status_code" in self.query.annotations:
            return self
        measures, assessed = self._latest_assessed()
        return measures.annotate(status_code=self._status_of(Subquery(assessed.values("measure_status")[:1])))

    def status_summary(self):
        """How many of these measures have each status, and whether any rests on an illustrative figure
        (`status.StatusSummary`): one query, grouping the measures by their status."""
        measures, assessed = self._latest_assessed()
        # The latest reading's status and whether it is illustrative, from one subquery: "on_track illustrative".
        illustrative = Case(When(is_illustrative=True, then=Value(" illustrative")), default=Value(""))
        flagged = assessed.annotate(
            flagged=Func("measure_status", illustrative, template="(%(expressions)s)", arg_joiner=" || ")
        )
        counted = (
            measures.annotate(flagged_status=self._status_of(Subquery(flagged.values("flagged")[:1])))
            .values("flagged_status")
            .annotate(measures=Count("pk"))
            .order_by()
        )
        tally, total, any_illustrative = Counter(), 0, False
        for row in counted:
            code, _, illustrative = row["flagged_status"].partition(" ")
            tally[code] += row["measures"]
            total += row["measures"]
            any_illustrative = any_illustrative or bool(illustrative)
        return rules.StatusSummary.tallied(tally, total, any_illustrative)

    def _latest_assessed(self):
        """These measures with the kind of period each is judged on, and their readings of that kind newest
        first, each with the status it gives its measure as its latest (`status.assessed_in_sql()`)."""
        # A public measure's published Kirklees-wide figures are its final ones (see `published()`), and a
        # draft's measure has none (`_status_of`): asked once per measure, rather than of every figure. The
        # measures a public one was carried from are public too: an edition is copied only from a public one.
        values = ReportedValue.objects.final()
        readings = values.kirklees_wide().series_of().filter(period_kind=OuterRef("judged_on_kind"))
        return self._judged_on(values), rules.assessed_in_sql(readings).newest_first()

    @staticmethod
    def _status_of(latest):
        """A measure's status in SQL, given `latest`, what its latest published reading says (NULL for none)."""
        without_a_reading = rules.unassessed_in_sql()
        return Case(
            When(priority__edition__status=PublicationStatus.DRAFT, then=without_a_reading),
            default=Coalesce(latest, without_a_reading),
        )

    def _judged_on(self, values):
        """Annotate each measure with `judged_on_kind`, the kind of period its status is judged on, unless
        it has it already: its stated frequency's, else a full year where it has a baseline, else the kind
        most of its figures are for (`status.judged_on()`)."""
        if "judged_on_kind" in self.query.annotations:
            return self
        # Each period counted once, however many editions reported it: the figures `series_of()` keeps, without
        # asking it which edition's figure stands (a query of its own, three times over in `with_latest()`).
        period = Concat(Cast("period_start", CharField()), Cast("period_end", CharField()), output_field=CharField())
        most_common = (
            values.kirklees_wide()
            .series_of(superseded=True)
            .order_by()
            .values("period_kind")
            .annotate(figures=Count(period, distinct=True), last_end=Max("period_end"))
            .order_by("-figures", "-last_end")
            .values("period_kind")[:1]
        )
        judged_on = Case(
            *(
                When(reporting_frequency=frequency, then=Value(kind.value))
                for frequency, kind in FREQUENCY_PERIODS.items()
            ),
            When(baseline_period_end__isnull=False, then=Value(PeriodKind.YEAR.value)),
            default=Subquery(most_common),
            output_field=CharField(),
        )
        return self.annotate(judged_on_kind=judged_on)

    def with_latest_for_locality(self, locality):
        """Annotate each measure (loaded `with_latest()`) with one locality's latest published reading
        for the kind of period its status is judged on."""
        measures = self if "judged_on_kind" in self.query.annotations else self.with_latest()
        readings = (
            ReportedValue.objects.published()
            .for_locality(locality)
            .series_of()
            .filter(period_kind=OuterRef("judged_on_kind"))
        )
        return measures.annotate(locality_json=Subquery(_reading_json(readings.newest_first())[:1]))


class Measure(Sourced):
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
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_into",
        help_text="The same measure in the edition this one was copied from, for comparing editions.",
    )
    # `carried_from` followed back, kept on each measure (and on each of its values), so that a measure's figures
    # (`ReportedValue.objects.series_of()`) are found through one index, however long the chain.
    series = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="The series of figures the measure belongs to: the same for a measure and its copies carried "
        "into later editions, which carry on its figures.",
    )
    generation = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="How many editions the series had before this measure's: 0 for a measure not carried from another.",
    )
    definition = models.TextField(blank=True, help_text="Exactly what is counted, and how.")
    unit = models.CharField(
        max_length=10,
        choices=Unit,
        blank=True,
        help_text="What kind of figure it is. Leave empty where the plan does not say.",
    )
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
    reporting_frequency = models.CharField(
        max_length=10,
        choices=Frequency,
        blank=True,
        help_text="How often the figure is reported. Leave empty where the plan does not say.",
    )
    reported_by_locality = models.BooleanField(
        default=False, help_text="Tick if values are also reported for each of the four localities."
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="measures_led",
        help_text="Officers who report this measure's figures (e.g. a partner's performance contact).",
    )
    kind = models.CharField(
        max_length=12,
        choices=Kind,
        blank=True,
        help_text="Whether the partnership shares the figure with others or it measures its own delivery. Leave "
        "empty where the plan does not say.",
    )
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

    @property
    def reported_under(self):
        """Where a figure reported against this measure was reported, as the measures carried from it show it:
        "Reported under the 2022–2027 plan as KPM-1.1". Reads its priority's edition, loaded with it."""
        edition = self.priority.edition
        if edition.kind == edition.Kind.REFRESH:
            plan = f"the {edition.start_year} refresh of the plan"
        else:
            plan = f"the {edition.start_year}–{edition.end_year} plan"
        return f"Reported under {plan} as {self.code}"

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

    # ---- how its figures read: the one formatter of a value and of a reading ---------------------

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

    def show(self, reading):
        """A reading as the pages, charts and admin show it, or None where there is none."""
        if reading is None:
            return None
        return ShownReading(self.format_value(reading.value), reading.period_label, reading.is_illustrative)

    def format_reading(self, reading):
        """A reading in a sentence: '4,612 in 2023/24 (illustrative)'."""
        return self.show(reading).text

    @property
    def baseline_text(self):
        if self.baseline_value is None:
            return "Not recorded"
        return f"{self.format_value(self.baseline_value)} ({self.baseline_period})"

    @property
    def target_text(self):
        """The target in words, as the plan sets it."""
        return rules.rule_for(self).in_words(self)

    @property
    def direction_text(self):
        return Direction(self.direction).label if self.direction else "Not yet set"

    @property
    def unit_text(self):
        """What a figure counts: its unit label, or the unit's name (percentage, number, rate); "" if not stated."""
        return self.unit_label or self.get_unit_display().lower()

    # ---- status: judged by measures/status.py from the annotated readings ------------------------

    @property
    def target_is_set(self):
        return rules.target_is_set(self)

    def assess(self, latest, previous=None):
        """Status of the measure given its latest reading (and the one before, if any). Runs no query."""
        return rules.assess(self, latest, previous)

    def _annotation(self, name):
        try:
            return getattr(self, name)
        except AttributeError:
            raise AttributeError(
                "Status needs the latest values: load measures with Measure.objects.with_latest()."
            ) from None

    def _annotated_reading(self, name):
        return _reading_from_json(self._annotation(f"{name}_json"))

    @property
    def latest_reading(self):
        return self._annotated_reading("latest")

    @property
    def previous_reading(self):
        return self._annotated_reading("previous")

    @property
    def newest_reading(self):
        """The newest Kirklees-wide reading, whatever its period."""
        return self._annotated_reading("newest")

    @property
    def judged_on(self):
        """The kind of period the status is judged on, and why: (PeriodKind or None, reason)."""
        kind = self._annotation("judged_on_kind")
        return rules.judged_on(self, [kind] if kind else [])

    @property
    def year_to_date(self):
        """A newer reading for a shorter period than the status is judged on (a quarter of an annual
        measure, say): shown beside the status, never instead of it. None when there is none."""
        newest, latest = self.newest_reading, self.latest_reading
        if newest is None or newest.period_kind not in rules.SHORTER_PERIODS.get(self.judged_on[0], ()):
            return None
        if latest is not None and newest.period_end <= latest.period_end:
            return None
        return newest

    @property
    def locality_reading(self):
        """The latest reading for the locality asked for in `with_latest_for_locality()`."""
        return self._annotated_reading("locality")

    @property
    def latest_text(self):
        """The latest final value as a reader sees it: '4,612 in 2023/24 (illustrative)', or 'No data yet'."""
        reading = self.latest_reading
        return "No data yet" if reading is None else self.format_reading(reading)

    @property
    def status(self):
        return rules.assess(self, self.latest_reading, self.previous_reading)

    @property
    def travel(self):
        """The direction of travel, from the reading before (or the baseline) to the latest."""
        return rules.travel(self, self.latest_reading, self.previous_reading)


@dataclass(frozen=True)
class ShownReading:
    """A reading as people read it: the value in the measure's unit, its period, and whether it is sample data."""

    value: str
    period: str
    is_illustrative: bool

    @property
    def text(self):
        return f"{self.value} in {self.period}{' (illustrative)' if self.is_illustrative else ''}"


# The ONS Government Statistical Service (GSS) code of Kirklees, a metropolitan district. Open data
# keyed by GSS code joins with ONS and LG Inform figures for the same area.
KIRKLEES_GSS_CODE = "E08000034"


class ReportedValueQuerySet(models.QuerySet):
    """Which reported values are shown, and in which order: the one answer to "which values does the public see"."""

    def published(self, *, include_provisional=False):
        """The values residents may see: final values of public measures (never a draft's, never provisional).

        A locality's value counts only while its measure is reported by locality, as on the measure's
        page. Provisional values are added only when asked for, for officers who are signed in.
        """
        values = self.filter(public_measure("measure__")).filter(
            Q(locality__isnull=True) | Q(measure__reported_by_locality=True)
        )
        return values if include_provisional else values.final()

    def series_of(self, measure=None, *, superseded=False):
        """Of these values, the figures of `measure` (in a subquery of measures, None for the outer query's):
        its own and those of the earlier editions' measures it was carried from, never a later edition's.

        Each period and place once: where a later measure of the chain (up to `measure`) has a final figure
        for it, that one stands, as a final figure is what counts (`superseded=True` keeps the others too).
        One index finds them (the values' series and generation, their measure's), however long the chain,
        without reading the measures.
        """
        if measure is None:
            series, generation = OuterRef("series"), OuterRef("generation")
            generation_from_later = OuterRef(generation)  # `later` is a subquery one further in
        else:
            series = measure.series
            generation = generation_from_later = measure.generation
        figures = self.filter(series=series, generation__lte=generation)
        if superseded or generation == 0:  # a measure carried from none: nothing can stand instead of its figures
            return figures
        later = ReportedValue.objects.final().filter(
            series=OuterRef("series"),
            generation__gt=OuterRef("generation"),
            generation__lte=generation_from_later,
            period_start=OuterRef("period_start"),
            period_end=OuterRef("period_end"),
        )
        same_place = Q(locality=OuterRef("locality")) | Q(IsNull(OuterRef("locality"), True), locality__isnull=True)
        return figures.filter(~Exists(later.filter(same_place)))

    def final(self):
        return self.filter(status=ReportedValue.Status.FINAL)

    def kirklees_wide(self):
        return self.filter(locality__isnull=True)

    def for_locality(self, locality):
        return self.filter(locality=locality)

    def newest_first(self):
        # A later edition's figure first, where an officer's view shows a provisional one beside an earlier final.
        return self.order_by("-period_end", "-period_start", "-generation")

    def oldest_first(self):
        """Oldest period first, Kirklees before its localities, the localities in their order."""
        return self.order_by("period_start", "period_end", F("locality__order").asc(nulls_first=True), "locality__name")

    def in_row_order(self):
        """As the downloads and the API list them: current plan first, then each measure in the plan's order,
        oldest period first, Kirklees before its localities."""
        return self.order_by(
            "-measure__priority__edition__start_year",
            "measure__priority__number",
            "measure__number",
            "measure__code",
            "period_start",
            "period_end",
            F("locality__order").asc(nulls_first=True),
            "locality__name",
            "pk",
        )


class ReportedValue(FourEyes):
    """A figure reported for a measure, for one period and, optionally, one locality, with its commentary.

    Entered provisional; public once a second officer approves it as final (`core.models.FourEyes`).
    """

    Status = Approval
    corrected_fields = ("value", "period_start", "period_end", "locality", "commentary", "note")

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    # Its measure's place in its series of figures (`Measure.series`, `Measure.generation`), kept with it on
    # saving, so that the figures of a measure and of those it was carried from are read from one index alone.
    series = models.UUIDField(editable=False, help_text="Its measure's series of figures.")
    generation = models.PositiveSmallIntegerField(editable=False, help_text="Its measure's generation in the series.")
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(
        max_length=40,
        blank=True,
        help_text="Leave empty to fill in from the dates: 2022/23 for a financial year, 2023/24 Q1 for a quarter.",
    )
    period_kind = models.CharField(
        max_length=10,
        choices=PeriodKind,
        default=PeriodKind.OTHER,
        editable=False,
        help_text="Worked out from the dates: a full year, a quarter, a month or another length.",
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
        choices=Approval,
        default=Approval.PROVISIONAL,
        editable=False,
        help_text="Provisional values are never shown publicly and do not count towards the status; a value "
        "becomes final when a second officer approves it.",
    )
    commentary = models.TextField(
        blank=True,
        help_text="What lies behind the figure for this period, as agreed with the lead: “rise due to a change "
        "in recording practice”. Shown with the figure on the measure's page, the status page and the downloads.",
    )
    note = models.TextField(blank=True, help_text="Anything a reader needs to know to interpret the figure.")
    is_illustrative = models.BooleanField(
        default=False, help_text="Sample data for demonstration, not a real figure. Marked as such wherever shown."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["series", "generation"])  # its measure's, which it names

    objects = ReportedValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "-period_end", "locality"]
        indexes = [models.Index(fields=["series", "period_end", "period_start"], name="value_series_period")]
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
        """As officers cite it: "KPM-1.1, 2023/24: 4,612", the figure as the public pages write it."""
        where = f", {self.locality}" if self.locality_id else ""
        try:
            measure = self.measure
        except ObjectDoesNotExist:
            measure = None
        value = "" if self.value is None or measure is None else measure.format_value(self.value)
        code = f"{measure.code}, " if measure is not None else ""
        return f"{code}{self.period_label or self.period_start}{where}: {value}"

    def save(self, *args, **kwargs):
        if self.measure_id is not None:
            self.series, self.generation = self.measure.series, self.measure.generation
        if self.period_start and self.period_end:
            self.period_kind = period_kind_for(self.period_start, self.period_end)
            if not self.period_label:
                self.period_label = period_label_for(self.period_start, self.period_end)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.measure.get_absolute_url()

    @property
    def geography_code(self):
        """The ONS (GSS) code of the area the figure is for: Kirklees's for its figures; None for a locality's."""
        return KIRKLEES_GSS_CODE if self.locality_id is None else None

    @property
    def reading(self):
        """The value as the status rules and the formatter read it."""
        return Reading(
            self.value,
            self.period_label,
            self.period_end,
            self.is_illustrative,
            self.period_kind,
            self.commentary,
            self.revision_text,
        )

    def deletion_refusal(self):
        """A final value counts towards the public status: it is corrected, not deleted."""
        if self.status != ReportedValue.Status.FINAL:
            return None
        where = f" {self.locality}" if self.locality_id else ""
        return (
            f"The {self.period_label}{where} value of {self.measure.code} ({self.measure.format_value(self.value)}) "
            "is final, so it counts towards the measure's public status. "
            "Correct the figure by editing it and saying why: the correction goes to a second officer for "
            "approval, and the history keeps the old figure."
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


class ScrutinySnapshot(models.Model):
    """The measure status table as it was reported to a meeting (of Overview and Scrutiny, say), frozen.

    Its rows are what the status page showed when it was taken: each measure's figures, status,
    explanation and commentary, as text. Nothing changes them afterwards, not later figures, corrections
    or reloading the plan: they are the record of what the meeting was shown (measures/snapshots.py).
    """

    meeting = models.ForeignKey(
        "governance.Meeting",
        on_delete=models.PROTECT,
        related_name="scrutiny_snapshots",
        help_text="The meeting the status report was taken to.",
    )
    title = models.CharField(max_length=300, editable=False)
    edition_title = models.CharField(max_length=200, editable=False)
    taken_at = models.DateTimeField(editable=False)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    rows = models.JSONField(editable=False, default=list)
    history = HistoricalRecords()  # who took it, and when: it is never changed after

    class Meta:
        ordering = ["-taken_at", "-pk"]
        verbose_name = "scrutiny status report"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("measures:snapshot-detail", kwargs={"pk": self.pk})

    def deletion_refusal(self):
        return (
            f"“{self}” is the record of what the meeting was shown, kept as it was taken. Take a new one for "
            "another meeting instead."
        )
