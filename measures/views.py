"""The public measure pages: the status table for scrutiny, each measure's page, and the CSV downloads.

Only what residents may see: measures of published or archived editions (never drafts), and only
the values `ReportedValue.objects.published()` gives (never provisional ones). Each page costs a
fixed number of queries, however many measures and values there are: each row's status comes from
`Measure.objects.with_latest()` and is computed in Python by measures/status.py; the counts by status
and the status filter are worked out in the database (`Measure.objects.with_status()`). The CSVs are
streamed, a chunk of rows at a time.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from core.decisions import decisions_about, minutes_about
from core.downloads import CHUNK, csv_response, filter_errors_response
from core.pagination import PagedListMixin
from measures import status as rules
from measures.charts import line_chart
from measures.csv_export import VALUE_CSV_HEADER, series_rows, value_rows
from measures.filters import MeasureFilter, ReportedValueFilter
from measures.models import Measure, ReportedValue
from measures.status import Assessment, Reading, StatusSummary
from priorities.models import Locality, PlanEdition

# ---- the status page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    """One measure as the status table shows it, with its status worked out once."""

    measure: Measure
    status: Assessment
    travel: Assessment
    latest: Reading | None
    locality_latest: Reading | None

    @classmethod
    def of(cls, measure, *, locality=None):
        locality_latest = measure.locality_reading if locality is not None else None
        return cls(measure, measure.status, measure.travel, measure.latest_reading, locality_latest)

    @property
    def is_illustrative(self):
        return rules.any_illustrative([self.latest, self.locality_latest])

    @property
    def latest_shown(self):
        return self.measure.show(self.latest)

    @property
    def year_to_date_shown(self):
        return self.measure.show(self.measure.year_to_date)

    @property
    def locality_shown(self):
        return self.measure.show(self.locality_latest)


def applied_filters(filterset):
    """The filters a bound, valid MeasureFilter applies, in the form's order, as (label, value) in words:
    ("Status", "Off track"). Read from the cleaned form: no query."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    applied = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        choices = dict(field.choices) if not hasattr(value, "pk") else {}
        applied.append((str(field.label), str(choices.get(value, value))))
    return applied


def filters_text(applied):
    """The filters in one line, for a printout or a download: "Status: Off track; Locality: Huddersfield"."""
    return "; ".join(f"{label}: {value}" for label, value in applied) or "None: every measure of the current plan"


def latest_period(rows):
    """The most recent period any of these rows' latest figures is for, or "" if none has a figure."""
    readings = [row.latest for row in rows if row.latest is not None and row.latest.period_end is not None]
    return max(readings, key=lambda reading: reading.period_end).period_label if readings else ""


def status_table(edition):
    """The measures of the status table and of its CSV, in the table's order, each with its latest readings."""
    if edition is None:
        return Measure.objects.none()
    return (
        Measure.objects.filter(priority__edition=edition)
        .with_latest()
        .select_related("priority", "lead_partner")
        .defer("plan_wording", "definition", "priority__introduction", "priority__sia_summary")
        .order_by("priority__number", "number", "pk")
    )


class MeasureStatusView(PagedListMixin, FilterView):
    """Every measure of the current plan with its status, by priority, for the scrutiny committee.

    In pages of 25, or all on one page to print (`?page=all`). The counts by status are of every
    measure the filters match, counted in the database (`status_summary()`), not only this page's.
    """

    filterset_class = MeasureFilter
    template_name = "measures/measure_status.html"
    list_name = "the measures"  # in pages of 25: the plan's own 23 fit on the first

    def get(self, request, *args, **kwargs):
        self.edition = PlanEdition.objects.current()
        response = super().get(request, *args, **kwargs)
        if not self.filters_valid:
            response.status_code = 400  # a wrong filter value is the request's fault; the page says which
        return response

    def get_queryset(self):
        return status_table(self.edition)

    @property
    def filters_valid(self):
        return self.edition is None or not self.filterset.is_bound or self.filterset.is_valid()

    @property
    def locality(self):
        return self.filterset.form.cleaned_data.get("locality") if self.filterset.is_bound else None

    def filter_query(self):
        """The chosen filters as a query string, for the CSV link: only the filters, nothing else."""
        names = self.filterset.form.fields
        return urlencode([(name, self.request.GET[name]) for name in names if self.request.GET.get(name)])

    def get_paginate_by(self, queryset):
        # A wrong filter shows no measures, and no page of them is missing.
        return super().get_paginate_by(queryset) if self.filters_valid else None

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.summary.total  # counted with the statuses: no query of its own
        return paginator

    def get_context_data(self, **kwargs):
        shown = self.filters_valid and self.edition is not None
        self.summary = self.object_list.status_summary() if shown else StatusSummary.tallied({}, 0, False)
        context = super().get_context_data(**kwargs)
        locality = self.locality if shown else None
        rows = [StatusRow.of(measure, locality=locality) for measure in context["object_list"]] if shown else []
        groups = []
        for row in rows:
            if not groups or groups[-1]["priority"] != row.measure.priority:
                groups.append({"priority": row.measure.priority, "rows": []})
            groups[-1]["rows"].append(row)
        query = self.filter_query()
        applied = applied_filters(self.filterset) if shown else []
        context.update(
            edition=self.edition,
            filters_valid=self.filters_valid,
            has_filters=bool(query),
            # What the page is, in its title and on paper: the filters, the date, and where it came from.
            applied_filters=applied,
            filters_text=filters_text(applied),
            as_at=timezone.localdate(),
            latest_period=latest_period(rows),
            page_address=self.request.build_absolute_uri(),
            status_meanings=rules.status_meanings(),
            travel_meanings=rules.travel_meanings(),
            locality=locality,
            groups=groups,
            row_count=self.summary.total,
            status_counts=self.summary.counts,
            any_illustrative=self.summary.has_illustrative or any(row.is_illustrative for row in rows),
            csv_url=reverse("measures:status-csv") + (f"?{query}" if query else ""),
            breadcrumbs=[("Home", reverse("home")), ("Measure status", None)],
        )
        return context


def priority_status_summary(priority):
    """How a priority's measures stand, for the top of its page: how many have each status, and whether any
    status rests on an illustrative figure (a `StatusSummary`). One query, however many measures it has."""
    return Measure.objects.filter(priority=priority).status_summary()


STATUS_CSV_HEADER = [
    "priority",
    "measure_code",
    "measure_title",
    "baseline",
    "baseline_period",
    "latest_value",
    "latest_period",
    "target",
    "status",
    "direction_of_travel",
    "lead_partner",
    "unit",
    "illustrative",
    "measure_source",
    "commentary",
    "revision",
    "status_explanation",
    # What the file is, on every row: the day it was made, the filters it was made with, and its address.
    "as_at",
    "filters",
    "address",
]


def status_row(measure, locality, about=("", "", "")):
    """A measure's row of the status table as CSV, with `locality`'s latest figure if one was chosen, and
    `about`, the file's as_at, filters and address."""
    row = StatusRow.of(measure, locality=locality)
    latest = row.latest
    cells = [
        f"{measure.priority.number}. {measure.priority.title}",
        measure.code,
        measure.title,
        measure.baseline_value,
        measure.baseline_period,
        latest.value if latest else None,
        latest.period_label if latest else "",
        measure.target_text,
        row.status.label,
        row.travel.label,
        measure.lead_partner.name if measure.lead_partner else "",
        measure.unit_text,
        row.is_illustrative,
        measure.provenance,
        latest.commentary if latest else "",
        latest.revision if latest else "",
        row.status.explanation,
        *about,
    ]
    if locality is not None:
        here = row.locality_latest
        cells[7:7] = [locality.name, here.value if here else None, here.period_label if here else ""]
    return cells


class MeasureStatusCSVView(View):
    """The status table as CSV: the same filters, the same rows and the same columns as the page, all pages."""

    def get(self, request):
        edition = PlanEdition.objects.current()
        filterset = MeasureFilter(request.GET or None, queryset=status_table(edition), request=request)
        valid = not filterset.is_bound or filterset.is_valid()
        if not valid and edition is not None:
            return filter_errors_response(filterset)
        locality = filterset.form.cleaned_data.get("locality") if filterset.is_bound and valid else None
        header = list(STATUS_CSV_HEADER)
        if locality is not None:
            header[7:7] = ["locality", "locality_latest_value", "locality_latest_period"]
        measures = filterset.qs if valid else Measure.objects.none()  # no plan published: the header alone
        about = (
            timezone.localdate().isoformat(),
            filters_text(applied_filters(filterset)),
            request.build_absolute_uri(),
        )
        rows = (status_row(measure, locality, about) for measure in measures.iterator(chunk_size=CHUNK))
        filename = f"measure-status-{locality.slug}.csv" if locality else "measure-status.csv"
        return csv_response(filename, header, rows)


# ---- a measure's page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesRow:
    """A Kirklees-wide value in the measure's table, with the status it gave the measure then.

    A figure for another kind of period than the status is judged on (a quarter of an annual
    measure) gave it no status: `unjudged` says why instead.
    """

    value: ReportedValue
    status: Assessment | None
    value_text: str
    unjudged: str = ""
    # The measure of an earlier edition it was reported against, for a measure carried from that one; else None.
    reported_under: Measure | None = None


def locality_table(measure, values, localities):
    """Values by locality: a row per period, a cell per locality (None where nothing was reported)."""
    by_period = {}
    for value in values:
        key = (value.period_start, value.period_end)
        row = by_period.setdefault(key, {"period": value.period_label, "kirklees": None, "cells": {}})
        cell = measure.show(value.reading)
        if value.locality_id is None:
            row["kirklees"] = cell
        else:
            row["cells"][value.locality_id] = cell
    rows = []
    for key in sorted(by_period):
        row = by_period[key]
        if row["cells"]:
            rows.append({**row, "cells": [row["cells"].get(locality.pk) for locality in localities]})
    return rows


# The long texts of the measure a figure was reported against, its priority and its edition: the page reads
# only their codes and years, so each figure's row stays small.
LONG_MEASURE_TEXTS = (
    "plan_wording",
    "definition",
    "priority__introduction",
    "priority__sia_summary",
    "priority__editors_note",
    "priority__edition__vision",
    "priority__edition__summary",
    "priority__edition__sia_overview",
    "priority__edition__approval_note",
)


class MeasureDetailView(DetailView):
    """A measure: what it counts, its target and status, and every final figure of its series: its own, and
    those reported under the earlier editions it was carried from, each saying which."""

    template_name = "measures/measure_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        # Measures of published and archived editions; a draft edition's measures are not found (404).
        return (
            Measure.objects.visible_to(self.request.user)
            .with_latest()
            .select_related("priority__edition", "lead_partner")
        )

    def published_values(self):
        """The measure's published figures, oldest first, Kirklees before its localities: its own and those
        reported under the earlier editions it was carried from (`series_of()`), each with the measure it
        was reported against."""
        return list(
            ReportedValue.objects.published()
            .series_of(self.object)
            .select_related("locality", "measure__priority__edition")
            .defer(*(f"measure__{name}" for name in LONG_MEASURE_TEXTS))
            .oldest_first()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = self.object
        values = self.published_values()
        kirklees = [value for value in values if value.locality_id is None]
        status_of = rules.statuses_at_the_time(measure, kirklees)
        series = [
            SeriesRow(
                value,
                status_of.get(value.pk),
                measure.show(value.reading).value,
                "" if value.pk in status_of else rules.unjudged_text(value.reading, measure.judged_on[0]),
                value.measure if value.measure_id != measure.pk else None,
            )
            for value in kirklees
        ]
        localities = list(Locality.objects.order_by("order", "name")) if measure.reported_by_locality else []
        by_locality = locality_table(measure, values, localities) if localities else []
        edition = measure.priority.edition
        priority_url = reverse("priority-detail", kwargs={"edition": edition.slug, "slug": measure.priority.slug})
        context.update(
            measure=measure,
            values=values,
            edition=edition,
            is_current=edition.is_current,
            status=measure.status,
            travel=measure.travel,
            direction=measure.direction_text,
            series=series,
            carries_on=any(row.reported_under is not None for row in series),
            chart=line_chart(measure, [value.reading for value in kirklees if value.pk in status_of]),
            decisions=decisions_about(measure),
            minutes_about=minutes_about(measure),
            judged_on=measure.judged_on[1],
            year_to_date=measure.show(measure.year_to_date),
            localities=localities,
            by_locality=by_locality,
            any_illustrative=rules.any_illustrative(value.reading for value in values),
            csv_url=reverse("measures:measure-values-csv", kwargs={"code": measure.code}),
            priority_url=priority_url,
            breadcrumbs=[
                ("Home", reverse("home")),
                ("Measure status", reverse("measures:status")),
                (measure.priority.title, priority_url),
                (measure.code, None),
            ],
        )
        return context


class MeasureValuesCSVView(View):
    """A measure's final figures as tidy open data, in the all-measures CSV's columns: its own, and those reported
    under the earlier editions it was carried from, each naming the measure it was reported against."""

    def get(self, request, code):
        # A draft's measure is not found.
        measure = get_object_or_404(Measure.objects.public().select_related("priority"), code=code)
        rows = series_rows(measure)
        return csv_response(f"{measure.code.lower()}-values.csv", VALUE_CSV_HEADER, rows)


class ValuesCSVView(View):
    """Every public measure's final values as tidy open data, filtered with the API's parameters, streamed."""

    def get(self, request):
        filterset = ReportedValueFilter(request.GET, queryset=ReportedValue.objects.published(), request=request)
        if not filterset.is_valid():
            return filter_errors_response(filterset)
        return csv_response("kcp-measure-values.csv", VALUE_CSV_HEADER, value_rows(filterset.qs))
