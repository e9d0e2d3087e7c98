"""Reported values loaded from a spreadsheet: the values CSV readers download, edited and loaded back.

A row names its value by measure_code, period_start, period_end and locality (empty for Kirklees as a
whole), exactly as `/measures/values.csv` writes them (in a measure's own values CSV, a figure it
carries on from an earlier edition names, in reported_against, the measure it was reported against:
the row is that figure); it sets the value, and the commentary where the
file has that column. A `correction_reason` column says why a final figure is corrected. Every other
column of the values CSV (titles, baseline, target, status, source, ...) is ignored, so the download
loads back as it is, changing nothing.

Each import is all or nothing, in one transaction: a preview first (a dry run, which checks every row
and writes none), then the same again for real, and a single row with a problem writes no row at all. A
new or changed figure is entered by the importing officer (`FourEyes.enter()`): provisional, not public,
until a second officer approves it. Changing a final figure needs a reason, an illustrative (sample)
figure is never imported over, and a lead imports only the figures of what they lead (kcpp/rules.py).
Rows are saved one by one (`save()`, its signals and all), and the history records each, with its
officer and "Imported from <file>": written together once every row is saved, not a record at a time.

What an import reads is fetched once for the whole file (the measures it names, the localities, and
the stored values of those measures), not once a row. The admin runs it through import-export's own
views (measures/admin_import.py); `import_values()` runs it the same way anywhere else.
"""

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.functions import Upper
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from core.downloads import FORMULA_STARTS
from measures.models import Measure, ReportedValue, period_label_for
from priorities.models import Locality

# The columns an import reads; any other column is ignored.
REQUIRED_COLUMNS = ["measure_code", "period_start", "period_end", "value"]
OPTIONAL_COLUMNS = ["locality", "commentary", "correction_reason"]
# The model's field behind each column, where the names differ (for naming the column in a message).
COLUMN_OF_FIELD = {"measure": "measure_code"}
# simple-history keeps at most this many characters of a change's reason.
CHANGE_REASON_MAX = 100
# History records written at a time.
HISTORY_BATCH = 1000


def spreadsheet_text(value):
    """A cell as text: trimmed, "" for an empty one, and without the apostrophe the values CSV puts before a
    text that a spreadsheet would take for a formula (core.downloads.cell), so the download loads back as it is."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return spreadsheet_text(value)


class DayWidget(widgets.Widget):
    """A day as the values CSV writes it (2024-03-31), as a UK spreadsheet may save it (31/03/2024), or an
    Excel date."""

    def __init__(self, which):
        super().__init__()
        self.which = which

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = spreadsheet_text(value)
        if not text:
            raise ValueError(f"Give the period's {self.which} day, as YYYY-MM-DD.")
        day = parse_day(text)
        if day is None:
            raise ValueError(f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2024-03-31.")
        return day


def parse_day(text):
    for parse in (date.fromisoformat, lambda text: datetime.fromisoformat(text).date()):
        try:
            return parse(text)
        except ValueError:
            pass
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


class FigureWidget(widgets.Widget):
    """A figure as a plain number (4612, 47.9): no thousands separators, no % sign, as the values CSV writes it."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int | float | Decimal):
            value = str(value)
        text = spreadsheet_text(value)
        if not text:
            raise ValueError("Give the figure, as a plain number: e.g. 4612 or 47.9.")
        try:
            figure = Decimal(text)
        except InvalidOperation:
            figure = None
        if figure is None or not figure.is_finite():
            raise ValueError(
                f"“{text}” is not a number: write it plainly, e.g. 4612 or 47.9, without thousands separators "
                "or a % sign."
            )
        return figure


class MeasureCodeWidget(widgets.Widget):
    """A measure by its code (KPM-1.1), from the measures the import fetched once (`measures`)."""

    measures = {}

    def clean(self, value, row=None, **kwargs):
        code = spreadsheet_text(value)
        if not code:
            raise ValueError("Give the measure's code, e.g. KPM-1.1.")
        measure = self.measures.get(code.upper())
        if measure is None:
            raise ValueError(f"No measure has the code “{code}”. Check it against the measure's page.")
        return measure


class LocalityWidget(widgets.Widget):
    """A locality by its name (or slug), from those the import fetched once; empty for Kirklees as a whole."""

    localities = {}

    def clean(self, value, row=None, **kwargs):
        name = spreadsheet_text(value)
        if not name:
            return None
        locality = self.localities.get(name.casefold())
        if locality is not None:
            return locality
        if name.casefold() == "kirklees":
            return None
        names = sorted({locality.name for locality in self.localities.values()})
        known = f"The localities are {', '.join(names)}." if names else "There are no localities yet."
        raise ValueError(f"No locality is called “{name}”. {known} Leave it empty for Kirklees as a whole.")


class StoredValues(BaseInstanceLoader):
    """Finds a row's stored value among those the import fetched at its start, without a query."""

    def get_instance(self, row):
        return self.resource.stored_value(row)


@dataclass
class ImportedRow:
    """What one row of the file does, as the preview lists it."""

    number: int
    kind: str  # "new", "changed" or "unchanged"
    measure: str
    period: str
    place: str
    value: str
    changes: list[str] = field(default_factory=list)


@dataclass
class RowProblem:
    """Why one row cannot be imported, naming its column where there is one (row None: the whole file)."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        return f"Row {self.row}, {self.column}: {self.message}" if self.column else f"Row {self.row}: {self.message}"


class ImportReport:
    """An import's outcome in an officer's terms: how many rows are new, changed and unchanged, each row that
    adds or changes a figure, and every problem, each naming its row as a spreadsheet numbers it (the header
    is row 1) and its column."""

    def __init__(self, result, file_name):
        self.file_name = file_name
        rows = [row for row in result.rows if getattr(row, "preview", None) is not None]
        self.changes = [row.preview for row in rows if row.preview.kind != "unchanged"]
        self.unchanged = [row.preview for row in rows if row.preview.kind == "unchanged"]
        self.new = sum(preview.kind == "new" for preview in self.changes)
        self.changed = len(self.changes) - self.new
        self.problems = [RowProblem(None, "", message_of(error.error)) for error in result.base_errors]
        for invalid in result.invalid_rows:
            for name, messages in invalid.error_dict.items():
                column = "" if name == NON_FIELD_ERRORS else name
                self.problems.extend(RowProblem(invalid.number + 1, column, message) for message in messages)
        for failed in result.error_rows:
            self.problems.extend(RowProblem(failed.number + 1, "", message_of(error.error)) for error in failed.errors)
        self.problems.sort(key=lambda problem: (problem.row or 0, problem.column))

    @property
    def counts(self):
        """ "3 new, 2 changed, 995 unchanged"."""
        return f"{self.new} new, {self.changed} changed, {len(self.unchanged)} unchanged"

    @property
    def rows_with_problems(self):
        return len({problem.row for problem in self.problems})


def message_of(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or type(error).__name__


class ReportedValueResource(resources.ModelResource):
    """Reported values by measure, period and locality; see the module's description."""

    measure = Field(attribute="measure", column_name="measure_code", widget=MeasureCodeWidget())
    period_start = Field(attribute="period_start", column_name="period_start", widget=DayWidget("first"))
    period_end = Field(attribute="period_end", column_name="period_end", widget=DayWidget("last"))
    locality = Field(attribute="locality", column_name="locality", widget=LocalityWidget())
    value = Field(attribute="value", column_name="value", widget=FigureWidget())
    commentary = Field(attribute="commentary", column_name="commentary", widget=TextWidget())

    class Meta:
        model = ReportedValue
        fields = ("measure", "period_start", "period_end", "locality", "value", "commentary")
        import_id_fields = ("measure", "period_start", "period_end", "locality")
        instance_loader_class = StoredValues
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        # Unchanged rows are found by comparing with the stored value (`skip_row`), not with a copy of each
        # row's instance, and the preview shows each change in words, not as HTML.
        skip_diff = True
        store_instance = True

    @classmethod
    def get_display_name(cls):
        return "Reported values"

    # ---- before the first row: the file's columns, and everything the rows will look up ---------------

    def before_import(self, dataset, **kwargs):
        self.officer = kwargs.get("user")
        self.file_name = os.path.basename(kwargs.get("file_name") or "") or "a file"
        self.permitted = {}
        self.seen = {}
        self.saved = {"new": [], "changed": []}
        dataset.headers = [spreadsheet_text(header).lower().replace(" ", "_") for header in dataset.headers or []]
        missing = [column for column in REQUIRED_COLUMNS if column not in dataset.headers]
        if missing:
            del dataset[0 : len(dataset)]
            names = " and ".join(filter(None, [", ".join(missing[:-1]), missing[-1]]))
            raise ValueError(
                f"The file has no {names} column{'s' if len(missing) > 1 else ''}. Its first row must name the columns "
                "as the values CSV does: measure_code, period_start, period_end, locality (empty for Kirklees as "
                "a whole), value, and commentary and correction_reason where wanted."
            )
        if "locality" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="locality")
        codes = {spreadsheet_text(code).upper() for code in dataset["measure_code"]} - {""}
        if "reported_against" in dataset.headers:
            codes |= {spreadsheet_text(code).upper() for code in dataset["reported_against"]} - {""}
        measures = (
            Measure.objects.annotate(upper_code=Upper("code"))
            .filter(upper_code__in=codes)
            .select_related("priority")
            .defer("plan_wording", "definition")
        )
        self.fields["measure"].widget.measures = {measure.code.upper(): measure for measure in measures}
        localities = {}
        for locality in Locality.objects.all():
            localities[locality.slug.casefold()] = locality
            localities[locality.name.casefold()] = locality
        self.fields["locality"].widget.localities = localities
        by_id = {measure.pk: measure for measure in self.fields["measure"].widget.measures.values()}
        self.stored = {}
        for value in ReportedValue.objects.filter(measure__in=list(by_id)).select_related("locality"):
            value.measure = by_id[value.measure_id]
            self.stored[(value.measure_id, value.period_start, value.period_end, value.locality_id)] = value
        if "reported_against" in dataset.headers:
            self.name_carried_figures(dataset)

    def name_carried_figures(self, dataset):
        """Rows of a measure's own values CSV that are figures it carries on from an earlier edition (their
        reported_against names a measure it was carried from, with a figure for that period and place) name
        that measure's figure instead, so the file loads back unchanged. Any other row is the measure's own."""
        measures = self.fields["measure"].widget.measures
        named = []
        for row in dataset.dict:
            code = row["measure_code"]
            measure = measures.get(spreadsheet_text(code).upper())
            earlier = measures.get(spreadsheet_text(row["reported_against"]).upper())
            carried_from = (
                measure is not None
                and earlier is not None
                and earlier.series == measure.series
                and earlier.generation < measure.generation
            )
            if carried_from and self.row_key({**row, "measure_code": earlier.code}) in self.stored:
                code = earlier.code
            named.append(code)
        column = dataset.headers.index("measure_code")
        del dataset["measure_code"]
        dataset.insert_col(column, named, header="measure_code")

    def get_instance(self, instance_loader, row):
        return instance_loader.get_instance(row)

    def row_key(self, row):
        """The row's measure, period and locality as stored, or None while any of them cannot be read."""
        try:
            measure = self.fields["measure"].clean(row)
            start, end = self.fields["period_start"].clean(row), self.fields["period_end"].clean(row)
            locality = self.fields["locality"].clean(row)
        except ValueError:
            return None
        return (measure.pk, start, end, locality.pk if locality else None)

    def stored_value(self, row):
        key = self.row_key(row)
        return None if key is None else self.stored.get(key)

    def after_init_instance(self, instance, new, row, **kwargs):
        # As stored before this row: what the row is compared with, and what the preview shows as before.
        instance.stored_as = None if new else (instance.value, instance.commentary, instance.is_final)

    # ---- each row ---------------------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        if is_blank(row):
            return
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        key = self.row_key(row)
        if key is not None:
            number = kwargs.get("row_number", 0) + 1
            if key in self.seen:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    f"Row {self.seen[key]} is for the same measure, period and place: keep one of the two."
                )
            else:
                self.seen[key] = number
        if not errors and self.changes(instance):
            errors = self.refusals(instance, row)
        if errors:
            raise ValidationError(errors)

    def changes(self, instance):
        """What the row changes in its value, in words ([] for none); a new value is all change."""
        if instance.stored_as is None:
            return ["new"]
        value, commentary, _ = instance.stored_as
        changed = []
        if instance.value is not None and instance.value != value:
            changed.append(f"value was {instance.measure.format_value(value)}")
        if instance.commentary != commentary:
            changed.append("commentary removed" if not instance.commentary else "commentary changed")
        return changed

    def refusals(self, instance, row):
        """Why this officer may not add or change this value from a file: {column: [message]}, empty if they may."""
        measure = instance.measure
        name = value_name(instance)
        if not self.may_report(instance):
            return {
                "measure": [
                    f"You may import figures only for the measures you lead, and {measure.code} is not one of "
                    "them: remove the row, or ask a performance officer or its lead to import it."
                ]
            }
        if instance.stored_as is None:
            return {}
        if instance.is_illustrative:
            return {
                "value": [
                    f"{name} is an illustrative (sample) figure, loaded to show how the pages work, and an import "
                    "never changes one: put back its figure or remove the row."
                ]
            }
        if instance.stored_as[2] and not spreadsheet_text(row.get("correction_reason")):
            reason = f"{name} is final and public: say why it is corrected in the correction_reason column."
            return {"correction_reason": [reason]}
        return {}

    def may_report(self, instance):
        """kcpp/rules.py's answer for adding (or changing) this value, asked once a measure: the rule for a
        reported value depends only on its measure."""
        action = "add" if instance.stored_as is None else "change"
        key = (action, instance.measure_id)
        if key not in self.permitted:
            self.permitted[key] = self.officer is not None and self.officer.has_perm(
                f"measures.{action}_reportedvalue", instance
            )
        return self.permitted[key]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if is_blank(row):
            return True
        if import_validation_errors:
            return False
        return not self.changes(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own rules (`ReportedValue.clean()`: decimal places, percentages, negative figures, a
        locality's figure for a measure not reported by locality), each error named by its column.

        Whether the value exists already was answered from the values fetched at the start and the rows
        before (`import_instance`), so the uniqueness constraints are not asked of the database again for
        each row; they still guard every save."""
        errors = dict(import_validation_errors or {})
        # Its related records were read from the database at the start (or are the stored value's own): not
        # asked for again, a query each.
        exclude = [*errors, "measure", "locality", "entered_by", "approved_by"]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError({COLUMN_OF_FIELD.get(name, name): messages for name, messages in errors.items()})

    def save_instance(self, instance, is_create, row, **kwargs):
        # A preview writes nothing (import-export would save each row and roll it all back): every check is
        # made before saving, and what a row adds or changes is known without it.
        if not kwargs.get("dry_run"):
            super().save_instance(instance, is_create, row, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        reason = spreadsheet_text(row.get("correction_reason"))
        corrects_public = instance.stored_as is not None and (instance.stored_as[2] or instance.revision_reason)
        instance.enter(self.officer, correction_reason=reason if corrects_public else "")
        # Its history is recorded with the others' once every row is saved (`after_import`): a record each, as
        # saving it would make, without making one at a time.
        instance.skip_history_when_saving = True
        instance._history_user = self.officer
        instance._change_reason = f"Imported from {self.file_name}"[:CHANGE_REASON_MAX]

    def after_save_instance(self, instance, row, **kwargs):
        del instance.skip_history_when_saving
        self.saved["changed" if instance.stored_as else "new"].append(instance)

    def after_import_row(self, row, row_result, **kwargs):
        instance = row_result.instance
        if instance is None or is_blank(row) or not row_result.is_valid():
            return
        row_result.preview = self.preview(instance, row, row_result, kwargs["row_number"] + 1)

    def preview(self, instance, row, row_result, number):
        measure = instance.measure
        kind = {RowResult.IMPORT_TYPE_NEW: "new", RowResult.IMPORT_TYPE_UPDATE: "changed"}.get(
            row_result.import_type, "unchanged"
        )
        changes = [] if kind != "changed" else self.changes(instance)
        if kind == "changed" and instance.stored_as[2]:
            changes.append(f"a correction of a final figure: “{spreadsheet_text(row.get('correction_reason'))}”")
        return ImportedRow(
            number=number,
            kind=kind,
            measure=measure.code,
            period=instance.period_label or period_label_for(instance.period_start, instance.period_end),
            place=instance.locality.name if instance.locality_id else "Kirklees",
            value=measure.format_value(instance.value),
            changes=changes,
        )

    def after_import(self, dataset, result, **kwargs):
        if not (result.has_errors() or result.has_validation_errors()):
            for kind, values in self.saved.items():
                ReportedValue.history.bulk_history_create(values, batch_size=HISTORY_BATCH, update=kind == "changed")
        result.report = ImportReport(result, getattr(self, "file_name", ""))


def is_blank(row):
    return all(spreadsheet_text(cell) == "" for cell in row.values())


def value_name(instance):
    """How a message names a value: "KPM-1.1 2023/24", "KPM-2.6 2023/24 for Batley and Spen"."""
    period = instance.period_label or period_label_for(instance.period_start, instance.period_end)
    where = f" for {instance.locality.name}" if instance.locality_id else ""
    return f"{instance.measure.code} {period}{where}"


def import_values(dataset, *, officer, file_name, dry_run):
    """Import `dataset` (a tablib Dataset of the file's rows) as `officer`: all of it, or, with any problem in
    any row, nothing. A dry run (the preview) checks every row and writes none. Returns import-export's
    result, with its `report` (`ImportReport`)."""
    return ReportedValueResource().import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        file_name=file_name,
        user=officer,
        retain_instance_in_row_result=True,
    )
