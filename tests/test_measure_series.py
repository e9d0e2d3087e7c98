"""A measure carried into a refreshed plan carries on its series of figures (issue 13).

After the annual refresh is published, the new edition's copy of a measure (KPM-1.1-2025, carried from
KPM-1.1) shows the figures reported under the earlier edition, saying so, and is judged on the latest of
them against its own target, until it reports its own: on the status page and its CSV, on its page and
its values CSV, and on its priority's page. The earlier edition's measure never shows the later one's.
"""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import tablib
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.testing import body, text
from core.tests.factories import UserFactory
from measures.models import Measure, ReportedValue, ScrutinySnapshot
from measures.resources import import_values
from measures.snapshots import take_snapshot
from measures.tests.factories import ReportedValueFactory
from priorities.drafts import copy_edition, publish_edition
from priorities.models import PlanEdition
from tests.test_open_data import VALUE_HEADER

pytestmark = pytest.mark.django_db

CURRENT = "2022-2027"
PRIORITY = "tackling-violence-abuse-and-exploitation"
EARLIER = "Reported under the 2022–2027 plan as KPM-1.1"


def prepare(edition, year):
    return copy_edition(
        edition,
        title=f"Kirklees Communities Partnership Plan – Refresh, {year}",
        slug=f"{year}-refresh",
        kind=PlanEdition.Kind.REFRESH,
        start_year=year,
        end_year=2027,
    )


def publish(draft):
    publish_edition(draft, approval="", approval_body="", approval_date=None, approval_note="")
    return draft


def refresh(year=2025):
    """Prepare and publish the next refresh of the current plan, as officers do every year."""
    return publish(prepare(PlanEdition.objects.current(), year))


def status_row(response, code):
    """The status table's row for the measure `code`, as the page shows it."""
    rows = [row for group in response.context["groups"] for row in group["rows"] if row.measure.code == code]
    assert len(rows) == 1, code
    return rows[0]


def counts(summary):
    return {item.code: item.count for item in summary.counts}


def csv_rows(response):
    header, *rows = csv.reader(io.StringIO(body(response).decode()))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def figure(measure, year, value, **fields):
    """A final Kirklees-wide figure for the financial year from April `year`, reported against `measure`."""
    return ReportedValueFactory(measure=measure, year=year, value=Decimal(value), **fields)


@pytest.fixture
def carried(real_plan):
    """KPM-1.1 (with the illustrative 4,520 in 2022/23 and 4,612 in 2023/24) and its copy in the published refresh."""
    refresh()
    return Measure.objects.get(code="KPM-1.1"), Measure.objects.get(code="KPM-1.1-2025")


def test_the_status_page_judges_the_refreshed_plan_on_the_figures_carried_on(client, real_plan):
    before = client.get("/measures/")
    before_row = status_row(before, "KPM-1.1")
    refresh()

    after = client.get("/measures/")

    row = status_row(after, "KPM-1.1-2025")
    assert row.latest_shown.text == before_row.latest_shown.text == "4,612 in 2023/24 (illustrative)"
    assert (row.status.label, row.travel.label) == ("Off track", "Getting worse")
    # Counted in the database: every measure stands as it did before the refresh, none "No data yet" instead.
    assert after.context["edition"].slug == "2025-refresh"
    assert after.context["status_counts"] == before.context["status_counts"]
    assert "KPM-1.1-2025: Violent offences resulting in injury" in text(client.get("/measures/?status=off_track"))

    records = {record["measure_code"]: record for record in csv_rows(client.get("/measures/status.csv"))[1]}
    assert (records["KPM-1.1-2025"]["latest_value"], records["KPM-1.1-2025"]["latest_period"]) == ("4612", "2023/24")
    assert records["KPM-1.1-2025"]["status"] == "Off track"


def test_the_priority_page_of_the_refreshed_plan_counts_its_measures_as_they_stand(client, real_plan):
    before = client.get(f"/plans/{CURRENT}/{PRIORITY}/")
    refresh()

    response = client.get(f"/plans/2025-refresh/{PRIORITY}/")

    assert counts(response.context["status_summary"]) == counts(before.context["status_summary"])
    stand = "Its 5 key performance measures, each judged on its latest final figure: On track 1 measure on track Off "
    stand += "track 1 measure off track Target not set 3 measures target not set"
    assert stand in text(before)
    assert stand in text(response)


def test_the_measure_page_shows_the_earlier_figures_saying_where_they_were_reported(client, carried):
    response = client.get("/measures/KPM-1.1-2025/")

    page = text(response)
    assert "Off track: 4,612 in 2023/24 (illustrative) is above the target of below 4,404" in page
    assert "Getting worse: up from 4,520 in 2022/23 to 4,612 in 2023/24" in page
    assert "This measure carries on the same measure of an earlier edition of the plan" in page
    assert [(row.value.period_label, row.value_text, row.status.label) for row in response.context["series"]] == [
        ("2022/23", "4,520", "Off track"),
        ("2023/24", "4,612", "Off track"),
    ]
    assert f"2022/23 {EARLIER} 4,520" in page and f"2023/24 {EARLIER} 4,612" in page
    assert 'href="/measures/KPM-1.1/">Reported under the 2022–2027 plan as KPM-1.1</a>' in response.content.decode()


def test_the_target_is_the_new_editions_and_the_figures_the_series(client, carried):
    new = carried[1]
    # The refresh sets a new target, a threshold of 4,650: the same figures now meet it.
    Measure.objects.filter(pk=new.pk).update(target_kind="below_threshold", target_value=Decimal(4650))

    assert "On track: 4,612 in 2023/24 (illustrative) is below the target of below 4,650" in text(
        client.get("/measures/KPM-1.1-2025/")
    )
    assert status_row(client.get("/measures/"), "KPM-1.1-2025").status.label == "On track"
    assert "KPM-1.1-2025" in text(client.get("/measures/?status=on_track"))
    # The earlier edition's measure keeps its own target.
    assert "Off track: 4,612 in 2023/24 (illustrative) is above the target of below 4,404" in text(
        client.get("/measures/KPM-1.1/")
    )


def test_the_measures_values_csv_lists_the_series_naming_the_measure_each_was_reported_against(client, carried):
    new = carried[1]
    figure(new, 2024, 4480)

    header, records = csv_rows(client.get("/measures/KPM-1.1-2025/values.csv"))

    assert header == VALUE_HEADER
    assert [
        (record["measure_code"], record["period"], record["value"], record["status"], record["reported_against"])
        for record in records
    ] == [
        ("KPM-1.1-2025", "2022/23", "4520", "Off track", "KPM-1.1"),
        ("KPM-1.1-2025", "2023/24", "4612", "Off track", "KPM-1.1"),
        ("KPM-1.1-2025", "2024/25", "4480", "Off track", "KPM-1.1-2025"),
    ]
    # The file of every measure lists each figure once, under the measure it was reported against.
    every = csv_rows(client.get("/measures/values.csv"))[1]
    assert sorted(
        (r["measure_code"], r["period"], r["reported_against"]) for r in every if "KPM-1.1" in r["measure_code"]
    ) == [
        ("KPM-1.1", "2022/23", "KPM-1.1"),
        ("KPM-1.1", "2023/24", "KPM-1.1"),
        ("KPM-1.1-2025", "2024/25", "KPM-1.1-2025"),
    ]


def test_a_carried_measures_values_csv_loads_back_unchanged_and_a_row_added_to_it_is_its_own(client, carried):
    old, new = carried
    officer = UserFactory(username="performance", is_staff=True)
    officer.groups.add(Group.objects.get(name="Performance officers"))
    downloaded = body(client.get("/measures/KPM-1.1-2025/values.csv")).decode()

    def load(csv_text):
        dataset = tablib.Dataset().load(csv_text, format="csv")
        return import_values(dataset, officer=officer, file_name="kpm-1.1-2025-values.csv", dry_run=False)

    assert load(downloaded).report.counts == "0 new, 0 changed, 2 unchanged"
    assert not new.values.exists()
    # Next year's figure, added as officers do: the last row copied, its period and figure changed.
    header, *rows = list(csv.reader(io.StringIO(downloaded)))
    added = dict(zip(header, rows[-1], strict=True))
    added.update(period="2024/25", period_start="2024-04-01", period_end="2025-03-31", value="4390")
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows, [added[name] for name in header]])

    result = load(out.getvalue())

    assert (result.report.problems, result.report.counts) == ([], "1 new, 0 changed, 2 unchanged")
    assert list(new.values.values_list("period_label", "value")) == [("2024/25", Decimal(4390))]
    assert list(old.values.order_by("period_end").values_list("period_label", flat=True)) == ["2022/23", "2023/24"]


def test_the_earlier_editions_measure_never_shows_the_later_ones_figures(client, carried):
    old, new = carried
    figure(new, 2024, 4300)

    archived = client.get("/measures/KPM-1.1/")
    assert "Off track: 4,612 in 2023/24 (illustrative)" in text(archived)
    assert [row.value.period_label for row in archived.context["series"]] == ["2022/23", "2023/24"]
    assert "2024/25" not in text(archived)
    assert "carries on" not in text(archived)
    assert [record["period"] for record in csv_rows(client.get("/measures/KPM-1.1/values.csv"))[1]] == [
        "2022/23",
        "2023/24",
    ]

    current = client.get("/measures/KPM-1.1-2025/")
    assert "On track: 4,300 in 2024/25 is below the target of below 4,404" in text(current)
    assert [(row.value.period_label, row.reported_under) for row in current.context["series"]] == [
        ("2022/23", old),
        ("2023/24", old),
        ("2024/25", None),  # its own: no label
    ]


def test_a_period_the_new_measure_reports_itself_stands_instead_of_the_earlier_figure(client, carried):
    old, new = carried
    # The partner restates 2023/24 for the new plan: 4,350, below the 4,404 baseline.
    figure(new, 2023, 4350)

    response = client.get("/measures/KPM-1.1-2025/")
    page = text(response)
    assert [(row.value.period_label, row.value_text, row.reported_under) for row in response.context["series"]] == [
        ("2022/23", "4,520", old),
        ("2023/24", "4,350", None),
    ]
    assert "On track: 4,350 in 2023/24 is below the target of below 4,404" in page
    # Measured from the figure before, not from the earlier edition's figure for the same year.
    assert "Improving: down from 4,520 in 2022/23 to 4,350 in 2023/24" in page
    assert "4,612" not in page
    assert status_row(client.get("/measures/"), "KPM-1.1-2025").status.label == "On track"
    assert "KPM-1.1-2025" in text(client.get("/measures/?status=on_track"))
    assert [(r["period"], r["value"]) for r in csv_rows(client.get("/measures/KPM-1.1-2025/values.csv"))[1]] == [
        ("2022/23", "4520"),
        ("2023/24", "4350"),
    ]
    # The earlier edition's page still shows what was reported under it.
    assert "Off track: 4,612 in 2023/24 (illustrative)" in text(client.get("/measures/KPM-1.1/"))


def test_a_provisional_figure_of_the_new_measure_hides_nothing_until_it_is_approved(client, carried):
    new = carried[1]
    figure(new, 2023, 4350, status=ReportedValue.Status.PROVISIONAL)

    response = client.get("/measures/KPM-1.1-2025/")

    assert [(row.value.period_label, row.value_text) for row in response.context["series"]] == [
        ("2022/23", "4,520"),
        ("2023/24", "4,612"),
    ]
    assert status_row(client.get("/measures/"), "KPM-1.1-2025").status.label == "Off track"


def test_a_draft_shows_the_carried_figures_only_to_officers_previewing_it(officer_client, real_plan):
    prepare(PlanEdition.objects.current(), 2025)

    client = Client()  # a resident
    assert client.get("/measures/KPM-1.1-2025/").status_code == 404
    assert client.get("/measures/KPM-1.1-2025/values.csv").status_code == 404
    assert "KPM-1.1-2025" not in text(client.get("/measures/"))
    preview = officer_client.get("/measures/KPM-1.1-2025/")
    assert preview.status_code == 200
    assert f"2023/24 {EARLIER} 4,612" in text(preview)


def test_a_report_taken_before_the_refresh_stays_as_it_was(client, officer, real_plan):
    from governance.models import Body, Meeting
    from governance.tests.factories import MeetingFactory

    meeting = MeetingFactory(
        body=Body.objects.get(slug="overview-and-scrutiny"), date=date(2025, 3, 14), status=Meeting.Status.HELD
    )
    snapshot = take_snapshot(meeting, officer)
    before = body(client.get(f"/measures/reports/{snapshot.pk}/status.csv"))
    refresh()
    figure(Measure.objects.get(code="KPM-1.1-2025"), 2023, 4350)

    assert body(client.get(f"/measures/reports/{snapshot.pk}/status.csv")) == before
    assert ScrutinySnapshot.objects.get(pk=snapshot.pk).rows == snapshot.rows


# ---- the same number of queries however long the chain ---------------------------------------------


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        body(response)
    assert response.status_code == 200, path
    return len(captured)


def test_the_status_page_and_a_measure_page_cost_the_same_queries_however_many_editions_carried_it(
    django_assert_num_queries, real_plan
):
    client = Client()
    first = Measure.objects.get(code="KPM-1.1")
    budgets = {path: queries(client, path) for path in ("/measures/", "/measures/?page=all", "/measures/KPM-1.1/")}

    for year in (2025, 2026, 2027):
        refresh(year)
        figure(Measure.objects.get(series=first.series, generation=year - 2024), year - 1, 4400 - year)
    newest = Measure.objects.get(series=first.series, generation=3)
    page = newest.get_absolute_url()

    for path in ("/measures/", "/measures/?page=all"):
        with django_assert_num_queries(budgets[path]):
            response = client.get(path)
        assert response.status_code == 200
    with django_assert_num_queries(budgets["/measures/KPM-1.1/"]):
        response = client.get(page)
    # Every edition's figures, oldest first, each once: the plan's two, then one reported under each refresh.
    assert [row.value.period_label for row in response.context["series"]] == [
        "2022/23",
        "2023/24",
        "2024/25",
        "2025/26",
        "2026/27",
    ]
    assert "Reported under the 2025 refresh of the plan as KPM-1.1-2025" in text(response)
