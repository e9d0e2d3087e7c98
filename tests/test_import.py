"""Importing reported values from a spreadsheet (issue 12): what an officer sees and what the portal keeps.

The values CSV readers download loads back unchanged; a file with one bad row writes nothing and says
which row and column; what is imported is provisional, entered by the importer and recorded in the
history as imported; a final figure is corrected only with a reason; a lead imports only what they
lead; sample figures are never imported over. The resource is tried directly, and the admin's pages
through Django's test client.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing import body, text
from core.tests.factories import UserFactory
from measures.models import Measure, ReportedValue
from measures.resources import import_values
from measures.tests.factories import MeasureFactory, ReportedValueFactory

IMPORT_URL = "/admin/measures/reportedvalue/import/"
CONFIRM_URL = "/admin/measures/reportedvalue/process_import/"
HEADER = ["measure_code", "period_start", "period_end", "locality", "value", "commentary", "correction_reason"]


# ---- helpers ----------------------------------------------------------------------------------------------


def officer(job, username=None):
    user = UserFactory(username=username or job.lower().replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=job))
    return user


@pytest.fixture
def performance_officer(db):
    return officer("Performance officers")


@pytest.fixture
def publisher(db):
    return officer("Publishers")


def values_csv(client, path="/measures/values.csv"):
    response = client.get(path)
    assert response.status_code == 200
    return body(response).decode()


def rows_csv(*rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def load(csv_text, *, by, file_name="values.csv", dry_run=False):
    return import_values(
        tablib.Dataset().load(csv_text, format="csv"), officer=by, file_name=file_name, dry_run=dry_run
    )


def problems(result):
    return [str(problem) for problem in result.report.problems]


def history_count():
    return ReportedValue.history.count()


def final_figure(code="KPM-1.1", year=2024, value="4300", **kwargs):
    """A real (not illustrative) final figure, as a second officer approved it."""
    return ReportedValueFactory(
        measure=Measure.objects.get(code=code), year=year, value=Decimal(value), is_illustrative=False, **kwargs
    )


def stored(code, start, end, locality=None):
    return ReportedValue.objects.get(measure__code=code, period_start=start, period_end=end, locality__name=locality)


def upload(client, name, content, content_type="text/csv"):
    """Choose a file on the import page and press "Preview the import", posting what a browser posts."""
    chosen = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(IMPORT_URL, {"import_file": chosen, "format": "", "resource": "0"})


def confirm(client, preview):
    """Press "Import" on a preview page: post back its confirmation form as a browser would."""
    form = preview.context["confirm_form"]
    return client.post(CONFIRM_URL, {name: form.initial.get(name, "") for name in form.fields})


# ---- the values CSV loads back as it is --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("download", "of"), [("/measures/values.csv", {}), ("/measures/KPM-1.1/values.csv", {"measure__code": "KPM-1.1"})]
)
def test_the_values_csv_readers_download_loads_back_changing_nothing(
    real_plan, client, performance_officer, download, of
):
    final_figure(commentary="-3% on 2022/23: a formula to a spreadsheet, so the CSV writes it with an apostrophe")
    published = ReportedValue.objects.published().filter(**of).count()
    csv_text = values_csv(client, download)
    assert "'-3% on 2022/23" in csv_text
    before = list(ReportedValue.objects.order_by("pk").values())
    history = history_count()

    result = load(csv_text, by=performance_officer)

    assert result.report.problems == []
    assert result.report.counts == f"0 new, 0 changed, {published} unchanged"
    assert list(ReportedValue.objects.order_by("pk").values()) == before
    assert history_count() == history


# ---- one bad row: nothing written, and the row and column named ----------------------------------------------


GOOD_ROWS = [
    ["KPM-1.1", "2024-04-01", "2025-03-31", "", "4301", "", ""],
    ["KPM-2.1", "2024-04-01", "2025-03-31", "", "71", "Survey of 1,000 residents", ""],
]
BAD_ROWS = {
    "too many decimal places": (
        ["KPM-1.1", "2025-04-01", "2026-03-31", "", "4612.5", "", ""],
        "value",
        "0 decimal places",
    ),
    "negative": (["KPM-1.1", "2025-04-01", "2026-03-31", "", "-5", "", ""], "value", "cannot be negative"),
    "percentage over 100": (["KPM-2.1", "2025-04-01", "2026-03-31", "", "120", "", ""], "value", "between 0 and 100"),
    "unknown measure": (
        ["KPM-9.9", "2025-04-01", "2026-03-31", "", "5", "", ""],
        "measure_code",
        "No measure has the code “KPM-9.9”",
    ),
    "unknown locality": (
        ["KPM-2.6", "2025-04-01", "2026-03-31", "Nowhere", "5", "", ""],
        "locality",
        "No locality is called “Nowhere”",
    ),
    "locality of a measure not reported by locality": (
        ["KPM-1.1", "2025-04-01", "2026-03-31", "North Kirklees test locality", "5", "", ""],
        "locality",
        "KPM-1.1 is not reported by locality",
    ),
    "unreadable date": (
        ["KPM-1.1", "2025-04-01", "31-03-2026", "", "5", "", ""],
        "period_end",
        "“31-03-2026” is not a date",
    ),
    "end before start": (
        ["KPM-1.1", "2025-04-01", "2024-03-31", "", "5", "", ""],
        "period_end",
        "cannot end before it starts",
    ),
    "unreadable number": (
        ["KPM-1.1", "2025-04-01", "2026-03-31", "", "4,612", "", ""],
        "value",
        "“4,612” is not a number",
    ),
    "no figure": (["KPM-1.1", "2025-04-01", "2026-03-31", "", "", "", ""], "value", "Give the figure"),
}


@pytest.mark.parametrize("bad", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row_and_column(
    real_plan, localities, performance_officer, bad
):
    row, column, message = bad
    count, history = ReportedValue.objects.count(), history_count()

    result = load(rows_csv(*GOOD_ROWS, row), by=performance_officer)

    assert ReportedValue.objects.count() == count
    assert history_count() == history
    [problem] = problems(result)
    # The header is row 1 and the bad row the third after it, as a spreadsheet numbers them.
    assert problem.startswith(f"Row 4, {column}: ")
    assert message in problem


def test_a_file_without_the_columns_it_needs_is_refused_whole(real_plan, performance_officer):
    result = load(
        rows_csv(["KPM-1.1", "2024-04-01", "4301"], header=["measure_code", "period_start", "value"]),
        by=performance_officer,
    )

    assert problems(result) == [
        "The file has no period_end column. Its first row must name the columns as the values CSV does: "
        "measure_code, period_start, period_end, locality (empty for Kirklees as a whole), value, and commentary "
        "and correction_reason where wanted."
    ]
    assert not ReportedValue.objects.filter(period_start=date(2024, 4, 1)).exists()


def test_the_same_value_twice_in_a_file_is_refused(real_plan, performance_officer):
    result = load(rows_csv(GOOD_ROWS[0], GOOD_ROWS[1], [*GOOD_ROWS[0][:4], "4302", "", ""]), by=performance_officer)

    assert problems(result) == ["Row 4: Row 2 is for the same measure, period and place: keep one of the two."]
    assert not ReportedValue.objects.filter(period_start=date(2024, 4, 1)).exists()


# ---- what is imported: provisional, the importer's, in the history -------------------------------------------


def test_new_rows_are_provisional_entered_by_the_importer_and_recorded_as_imported(
    real_plan, client, performance_officer, publisher
):
    result = load(rows_csv(*GOOD_ROWS), by=performance_officer, file_name="kpm-2024-25.csv")

    assert result.report.counts == "2 new, 0 changed, 0 unchanged"
    value = stored("KPM-2.1", date(2024, 4, 1), date(2025, 3, 31))
    assert (value.value, value.commentary, value.period_label) == (
        Decimal("71"),
        "Survey of 1,000 residents",
        "2024/25",
    )
    assert (value.status, value.entered_by, value.is_illustrative) == (
        ReportedValue.Status.PROVISIONAL,
        performance_officer,
        False,
    )
    [record] = value.history.all()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        performance_officer,
        "Imported from kpm-2024-25.csv",
    )
    # Not public until a second officer approves it; the importer cannot approve their own import.
    assert "2024-04-01" not in values_csv(client, "/measures/KPM-2.1/values.csv")
    assert (
        value.approval_refusal(performance_officer)
        == "You entered or last changed it, so another officer must approve it."
    )
    value.approve(publisher)
    value.save()
    assert "2024-04-01,2025-03-31" in values_csv(client, "/measures/KPM-2.1/values.csv")


def test_a_dry_run_shows_what_would_happen_and_writes_nothing(real_plan, performance_officer):
    history = history_count()

    result = load(rows_csv(*GOOD_ROWS), by=performance_officer, dry_run=True)

    assert result.report.counts == "2 new, 0 changed, 0 unchanged"
    assert [(row.number, row.kind, row.measure, row.period, row.value) for row in result.report.changes] == [
        (2, "new", "KPM-1.1", "2024/25", "4,301"),
        (3, "new", "KPM-2.1", "2024/25", "71%"),
    ]
    assert not ReportedValue.objects.filter(period_start=date(2024, 4, 1)).exists()
    assert history_count() == history


# ---- correcting a final figure --------------------------------------------------------------------------------


def test_changing_a_final_figure_without_a_reason_is_refused(real_plan, performance_officer):
    figure = final_figure()

    result = load(rows_csv(["KPM-1.1", "2024-04-01", "2025-03-31", "", "4350", "", ""]), by=performance_officer)

    assert problems(result) == [
        "Row 2, correction_reason: KPM-1.1 2024/25 is final and public: say why it is corrected in the "
        "correction_reason column."
    ]
    figure.refresh_from_db()
    assert (figure.value, figure.status) == (Decimal("4300"), ReportedValue.Status.FINAL)


def test_changing_a_final_commentary_needs_a_reason_too(real_plan, performance_officer):
    final_figure(commentary="As reported by West Yorkshire Police")

    result = load(rows_csv(["KPM-1.1", "2024-04-01", "2025-03-31", "", "4300", "Restated", ""]), by=performance_officer)

    assert [problem.column for problem in result.report.problems] == ["correction_reason"]


def test_a_final_figure_corrected_with_a_reason_becomes_provisional_keeping_the_reason(
    real_plan, client, performance_officer, publisher
):
    figure = final_figure()
    reason = "Figure restated by West Yorkshire Police"
    correction = rows_csv(["KPM-1.1", "2024-04-01", "2025-03-31", "", "4350", "", reason])

    [preview] = load(correction, by=performance_officer, dry_run=True).report.changes
    assert preview.changes == ["value was 4,300", f"a correction of a final figure: “{reason}”"]
    result = load(correction, by=performance_officer)

    assert result.report.counts == "0 new, 1 changed, 0 unchanged"
    figure.refresh_from_db()
    assert (figure.value, figure.status, figure.revision_reason, figure.entered_by) == (
        Decimal("4350"),
        ReportedValue.Status.PROVISIONAL,
        reason,
        performance_officer,
    )
    assert figure.history.latest().history_change_reason == "Imported from values.csv"
    assert "2024-04-01" not in values_csv(client, "/measures/KPM-1.1/values.csv")
    figure.approve(publisher)
    figure.save()
    assert figure.revision_text.endswith(f": {reason}")


def test_a_provisional_figure_is_changed_without_a_reason(real_plan, performance_officer, publisher):
    figure = final_figure(status=ReportedValue.Status.PROVISIONAL, entered_by=publisher)

    result = load(rows_csv(["KPM-1.1", "2024-04-01", "2025-03-31", "", "4350", "", ""]), by=performance_officer)

    assert result.report.problems == []
    figure.refresh_from_db()
    assert (figure.value, figure.entered_by, figure.revision_reason) == (Decimal("4350"), performance_officer, "")


# ---- sample figures and leads ---------------------------------------------------------------------------------


def test_an_illustrative_figure_is_never_imported_over(real_plan, performance_officer):
    sample = ReportedValue.objects.get(measure__code="KPM-1.1", period_start=date(2022, 4, 1), locality=None)
    assert sample.is_illustrative

    result = load(
        rows_csv(["KPM-1.1", "2022-04-01", "2023-03-31", "", "1", "", "A real figure at last"]), by=performance_officer
    )

    [problem] = problems(result)
    assert problem.startswith("Row 2, value: KPM-1.1 2022/23 is an illustrative (sample) figure")
    sample.refresh_from_db()
    assert sample.value != 1


def test_a_lead_imports_figures_only_for_the_measures_they_lead(real_plan, client):
    lead = officer("Leads")
    Measure.objects.get(code="KPM-1.1").leads.add(lead)
    others = ["KPM-2.1", "2024-04-01", "2025-03-31", "", "71", "", ""]

    refused = load(rows_csv(GOOD_ROWS[0], others), by=lead)

    assert problems(refused) == [
        "Row 3, measure_code: You may import figures only for the measures you lead, and KPM-2.1 is not one of "
        "them: remove the row, or ask a performance officer or its lead to import it."
    ]
    assert not ReportedValue.objects.filter(period_start=date(2024, 4, 1)).exists()
    # The whole values CSV, others' figures unchanged, with a figure of their own added: theirs is imported.
    everyone = (
        values_csv(client) + ",".join(["KPM-1.1", "", "", "", "", "2024-04-01", "2025-03-31", "", "", "4301"]) + "\r\n"
    )
    accepted = load(everyone, by=lead)
    assert accepted.report.problems == []
    assert accepted.report.counts == f"1 new, 0 changed, {ReportedValue.objects.published().count()} unchanged"


def test_figures_of_a_measure_in_a_draft_edition_import_like_any_other(performance_officer):
    draft = MeasureFactory(code="KPM-D.1")
    assert not draft.priority.edition.is_public

    result = load(rows_csv(["kpm-d.1", "2026-04-01", "2027-03-31", "", "12", "", ""]), by=performance_officer)

    assert result.report.counts == "1 new, 0 changed, 0 unchanged"
    assert draft.values.get().status == ReportedValue.Status.PROVISIONAL


# ---- the admin's pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("job", "may"),
    [("Performance officers", True), ("Leads", True), ("Plan editors", False), ("Publishers", False), (None, False)],
)
def test_only_officers_who_may_add_values_reach_the_import_page(db, client, job, may):
    user = officer(job) if job else UserFactory(is_staff=True)
    client.force_login(user)

    page = client.get(IMPORT_URL)
    assert page.status_code == (200 if may else 403)
    assert client.post(
        CONFIRM_URL, {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"}
    ).status_code in ((302,) if may else (403,))
    if job:
        listing = client.get(reverse("admin:measures_reportedvalue_changelist"))
        assert listing.status_code == 200
        assert ("Import from a spreadsheet" in text(listing)) == may


def test_the_preview_shows_each_row_as_new_changed_or_unchanged_and_saves_nothing(
    real_plan, client, performance_officer, publisher
):
    final_figure(year=2024, status=ReportedValue.Status.PROVISIONAL, entered_by=publisher)
    csv_text = values_csv(client)
    unchanged = ReportedValue.objects.published().count()
    csv_text += "KPM-1.1,,,,,2024-04-01,2025-03-31,,,4350\r\nKPM-2.1,,,,,2024-04-01,2025-03-31,,,71\r\n"
    client.force_login(performance_officer)
    history = history_count()

    preview = upload(client, "values.csv", csv_text.encode())

    assert preview.status_code == 200
    page = text(preview)
    assert f"What importing values.csv would do 1 new, 1 changed, {unchanged} unchanged." in page
    assert "Row Import Measure Period Place Figure What changes" in page
    assert f"{unchanged + 2} Changed KPM-1.1 2024/25 Kirklees 4,350 Value was 4,300" in page
    assert f"{unchanged + 3} New KPM-2.1 2024/25 Kirklees 71% A new figure" in page
    assert f"{unchanged} unchanged rows, left as they are" in page
    assert "2 Unchanged KPM-1.1 2022/23 Kirklees 4,520" in page
    assert 'value="Import 2 figures"' in preview.content.decode()
    assert history_count() == history
    assert not ReportedValue.objects.filter(measure__code="KPM-2.1", period_start=date(2024, 4, 1)).exists()

    imported = confirm(client, preview)

    assert imported.status_code == 302
    assert imported["Location"].endswith("?status__exact=provisional")
    message = text(client.get(imported["Location"]))
    assert f"Imported from values.csv: 1 new, 1 changed, {unchanged} unchanged." in message
    assert stored("KPM-1.1", date(2024, 4, 1), date(2025, 3, 31)).value == Decimal("4350")
    assert stored("KPM-2.1", date(2024, 4, 1), date(2025, 3, 31)).entered_by == performance_officer
    assert history_count() == history + 2


def test_the_preview_of_a_file_with_a_bad_row_names_it_and_offers_no_import(real_plan, client, performance_officer):
    client.force_login(performance_officer)

    preview = upload(client, "q1.csv", rows_csv(*GOOD_ROWS, BAD_ROWS["percentage over 100"][0]).encode())

    page = text(preview)
    assert "Nothing can be imported from q1.csv as it is. 1 problem to correct in the file" in page
    assert "Row 4, value: A percentage is between 0 and 100." in page
    assert "confirm_form" not in preview.context
    assert 'name="confirm"' not in preview.content.decode()


def test_the_real_values_csv_previews_as_nothing_to_import(real_plan, client, performance_officer):
    client.force_login(performance_officer)

    preview = upload(client, "kcp-measure-values.csv", values_csv(client).encode())

    count = ReportedValue.objects.published().count()
    assert f"0 new, 0 changed, {count} unchanged. Every row is as the portal holds it already" in text(preview)
    assert 'name="confirm"' not in preview.content.decode()


def test_what_changed_between_preview_and_import_stops_the_whole_import(
    real_plan, client, performance_officer, publisher
):
    figure = final_figure(status=ReportedValue.Status.PROVISIONAL, entered_by=publisher)
    client.force_login(performance_officer)
    preview = upload(
        client,
        "values.csv",
        rows_csv(GOOD_ROWS[1], ["KPM-1.1", "2024-04-01", "2025-03-31", "", "4350", "", ""]).encode(),
    )
    assert "1 new, 1 changed, 0 unchanged" in text(preview)
    figure.approve(UserFactory())  # approved meanwhile: now final, so changing it needs a reason
    figure.save()

    response = confirm(client, preview)

    assert response.status_code == 200
    page = text(response)
    assert "Nothing was imported from values.csv: figures in the portal changed after its preview." in page
    assert "Row 3, correction_reason: KPM-1.1 2024/25 is final and public" in page
    assert not ReportedValue.objects.filter(measure__code="KPM-2.1", period_start=date(2024, 4, 1)).exists()


def test_an_excel_workbook_imports_too(real_plan, client, performance_officer):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Measure code", "Period start", "Period end", "Locality", "Value", "Commentary"])
    sheet.append(["KPM-1.4", datetime(2024, 4, 1), datetime(2025, 3, 31), None, 47.9, "From the survey"])
    sheet.append(["KPM-1.1", "01/04/2024", "31/03/2025", None, 4301, None])
    sheet.append([None] * 6)  # a blank row, as Excel leaves after the data: ignored
    content = io.BytesIO()
    workbook.save(content)
    client.force_login(performance_officer)

    preview = upload(
        client, "values.xlsx", content.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )

    assert "2 new, 0 changed, 0 unchanged" in text(preview)
    assert confirm(client, preview).status_code == 302
    percentage = stored("KPM-1.4", date(2024, 4, 1), date(2025, 3, 31))
    assert (percentage.value, percentage.commentary) == (Decimal("47.9"), "From the survey")
    assert stored("KPM-1.1", date(2024, 4, 1), date(2025, 3, 31)).value == Decimal("4301")


def test_a_csv_saved_by_excel_on_windows_reads_as_written(real_plan, client, performance_officer):
    """Excel's "CSV (Comma delimited)" is Windows-1252, not UTF-8: its curly quotes still read as written."""
    client.force_login(performance_officer)
    file = rows_csv(["KPM-1.1", "01/04/2024", "31/03/2025", "", "4301", "Police’s “restated” figure", ""])

    preview = upload(client, "values.csv", file.encode("cp1252"))

    assert "1 new, 0 changed, 0 unchanged" in text(preview)
    confirm(client, preview)
    assert stored("KPM-1.1", date(2024, 4, 1), date(2025, 3, 31)).commentary == "Police’s “restated” figure"


def test_a_file_of_another_kind_is_refused_before_anything_is_read(db, client, performance_officer):
    client.force_login(performance_officer)

    page = upload(client, "values.pdf", b"%PDF-1.4", "application/pdf")

    assert "Choose a CSV file (.csv) or an Excel workbook (.xlsx)" in text(page)
    assert "confirm_form" not in page.context
