"""The measures' reported values as tidy open data: one row per measure, period and place.

The CSV of every measure (`value_rows`) lists each figure once, under the measure it was reported
against. A measure's own CSV (`series_rows`) has the same columns and lists its series: its own figures
and those reported under the earlier editions it was carried from, each naming the measure it was
reported against. Only what residents may see is published: `ReportedValue.objects.published()`
decides which values those are.
"""

from itertools import groupby
from operator import attrgetter

from django.db.models import Case, Q, Value, When

from core.downloads import CHUNK
from measures import status as rules
from measures.models import KIRKLEES_GSS_CODE, ReportedValue
from measures.status import MeasureStatus

# ---- the tidy values ---------------------------------------------------------------------------------


def _status_labels():
    return ", ".join(str(label) for label in MeasureStatus.labels)


# (column, what it holds): the header of every values CSV, and its description on the open data page.
VALUE_COLUMNS = [
    ("measure_code", "The measure’s code, e.g. KPM-1.1"),
    ("measure_title", "The measure’s short name"),
    ("priority_number", "The number of the plan’s priority the measure belongs to"),
    ("priority", "The priority’s title"),
    (
        "period",
        "The period the figure is for, as the portal shows it: 2023/24 for a financial year "
        "(1 April to 31 March), 2023/24 Q1 for its first quarter, 2023 for a calendar year",
    ),
    ("period_start", "The first day of the period (YYYY-MM-DD)"),
    ("period_end", "The last day of the period (YYYY-MM-DD)"),
    (
        "geography_code",
        f"The ONS GSS code of Kirklees, {KIRKLEES_GSS_CODE}, on figures for Kirklees as a whole; "
        "empty on figures for a locality",
    ),
    ("locality", "The locality the figure is for; empty for Kirklees as a whole"),
    ("value", "The figure, as a plain number: no thousands separators, no % sign"),
    ("unit", "What the figure counts, e.g. offences, or percentage; empty where the plan does not say"),
    ("baseline", "The plan’s baseline figure for the measure"),
    ("baseline_period", "The period of the baseline"),
    ("target", "The plan’s target for the measure, in words"),
    ("direction", "Whether lower or higher is better"),
    (
        "status",
        f"For a figure for Kirklees as a whole, the status it gave the measure then ({_status_labels()}); "
        "empty for a locality, because the plan sets its targets for Kirklees as a whole, and for a figure "
        "for a shorter period than the measure is judged on (a year to date)",
    ),
    ("source", "Where the figures come from"),
    ("illustrative", "true for illustrative (sample) data for demonstration, not a real figure; false for a real one"),
    ("last_updated", "The day the figure was last changed (YYYY-MM-DD)"),
    (
        "measure_source",
        "Where the measure, its baseline and its target come from: the source document and section, or that "
        "an officer entered it",
    ),
    ("commentary", "What lies behind the figure for this period, as the officers agreed it; empty if none"),
    ("revised_on", "The day a correction of the figure was approved (YYYY-MM-DD); empty if it was never corrected"),
    ("revision_reason", "Why the figure was corrected, e.g. restated by the partner who reports it; empty if never"),
    (
        "reported_against",
        "The code of the measure the figure was reported against: the row's own measure_code, except in a "
        "measure's own file, where a figure reported under an earlier edition of the plan, which the measure "
        "carries on, names that edition's measure (KPM-1.1 in the file of KPM-1.1-2025)",
    ),
]
VALUE_CSV_HEADER = [name for name, _ in VALUE_COLUMNS]

# The long texts of the measure and priority a value's row names, which no column holds.
LONG_TEXTS = [
    "measure__plan_wording",
    "measure__definition",
    "measure__priority__introduction",
    "measure__priority__sia_summary",
    "measure__priority__editors_note",
]


def value_row(value, status, measure=None):
    """`value`'s row as a figure of `measure` (by default the measure it was reported against)."""
    measure, kirklees_wide = measure or value.measure, value.locality_id is None
    return [
        measure.code,
        measure.title,
        measure.priority.number,
        measure.priority.title,
        value.period_label,
        value.period_start,
        value.period_end,
        value.geography_code,
        "" if kirklees_wide else value.locality.name,
        value.value,
        measure.unit_text,
        measure.baseline_value,
        measure.baseline_period,
        measure.target_text,
        measure.direction_text,
        status,
        measure.data_source,
        value.is_illustrative,
        value.updated_at,
        measure.provenance,
        value.commentary,
        value.revised_on if value.revision_reason else None,
        value.revision_reason if value.revised_on else "",
        value.measure.code,
    ]


def value_rows(values):
    """The CSV rows of `values` (published values, filtered as wanted), in order, read as they are written.

    A Kirklees-wide figure's status is the one it gave its measure then, assessed against the figure
    before it in the measure's whole series, even where a filter left that one out, so a row's status
    never depends on which rows were asked for. So one query reads each measure's series beside the
    rows asked for, a measure at a time, in the rows' order: however many rows, one query and one
    measure's figures in memory.
    """
    wanted = Q(pk__in=values.values("pk"))
    rows = (
        ReportedValue.objects.published()
        .filter(measure__in=values.values("measure"))
        .filter(wanted | Q(locality__isnull=True))
        .annotate(is_wanted=Case(When(wanted, then=Value(True)), default=Value(False)))
        .select_related("measure__priority", "locality")
        # The plan's long texts are no column of the file: left in the database, a chunk of rows is small.
        .defer(*LONG_TEXTS)
        .in_row_order()
    )
    for _, of_measure in groupby(rows.iterator(chunk_size=CHUNK), key=attrgetter("measure_id")):
        of_measure = list(of_measure)
        kirklees = [value for value in of_measure if value.locality_id is None]
        status_of = rules.statuses_at_the_time(of_measure[0].measure, kirklees) if kirklees else {}
        for value in of_measure:
            if value.is_wanted:
                status = status_of.get(value.pk)
                yield value_row(value, status.label if status else "")


def series_rows(measure):
    """The CSV rows of `measure`'s published figures (`series_of()`), oldest first, Kirklees before its localities,
    each as a figure of `measure` (its code, target and the status the figure gave it then), naming the measure
    it was reported against. One query; `measure` is loaded with its priority."""
    values = list(
        ReportedValue.objects.published()
        .series_of(measure)
        .select_related("measure", "locality")
        .defer("measure__plan_wording", "measure__definition")
        .oldest_first()
    )
    status_of = rules.statuses_at_the_time(measure, [value for value in values if value.locality_id is None])
    for value in values:
        status = status_of.get(value.pk)
        yield value_row(value, status.label if status else "", measure)
