"""The CSV downloads: what a spreadsheet or a script reading them gets."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from core.testing import body
from measures.models import Measure, ReportedValue
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.models import PublicationStatus
from priorities.tests.factories import PlanEditionFactory, PriorityFactory
from tests.test_open_data import VALUE_HEADER

# The status table's columns, as a spreadsheet shows them.
STATUS_HEADER = [
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
    "as_at",
    "filters",
    "address",
]


def read(response):
    """The CSV as a list of rows, parsed strictly as RFC 4180 text."""
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"), newline=""), strict=True))


# ---- the status table as CSV ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_status_csv_has_the_rows_and_columns_of_the_page(client, real_plan):
    response = client.get("/measures/status.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="measure-status.csv"'
    rows = read(response)
    assert rows[0] == STATUS_HEADER
    current = Measure.objects.filter(priority__edition__status=PublicationStatus.PUBLISHED)
    assert [row[1] for row in rows[1:]] == [m.code for m in current.order_by("priority__number", "number")]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record == {
        "priority": "1. Tackling Violence, Abuse & Exploitation",
        "measure_code": "KPM-1.1",
        "measure_title": "Violent offences resulting in injury",
        "baseline": "4404",
        "baseline_period": "2021/22",
        "latest_value": "4612",
        "latest_period": "2023/24",
        "target": "Below 4,404 (2021/22 baseline)",
        "status": "Off track",
        "direction_of_travel": "Getting worse",
        "lead_partner": "",  # the plan names no lead partner
        "unit": "offences",
        "illustrative": "true",
        "measure_source": "Kirklees Communities Partnership Plan 2022-2027, Strategic Priority 1, "
        "Key Performance measures.",
        "commentary": "",  # none was loaded: the plan gives none
        "revision": "",
        "status_explanation": "Off track: 4,612 in 2023/24 (illustrative) is above the target of below 4,404 "
        "(2021/22 baseline); lower is better",
        # What the file is: made today, of every measure, from this address.
        "as_at": timezone.localdate().isoformat(),
        "filters": "None: every measure of the current plan",
        "address": "http://testserver/measures/status.csv",
    }
    no_data = dict(zip(rows[0], rows[[row[1] for row in rows].index("KPM-2.2")], strict=True))
    assert (no_data["latest_value"], no_data["status"], no_data["illustrative"]) == ("", "No data yet", "false")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "status=off_track",
        "priority=reducing-risk",
        "locality=south-kirklees-test-locality",
        "priority=reducing-risk&status=on_track",
    ],
)
def test_status_csv_keeps_the_pages_filters(client, localities, query):
    page = client.get(f"/measures/?{query}").text
    shown = re.findall(r'id="measure-[^"]+">\s*<th[^>]*><a[^>]*>([^<]+)<', page)
    assert f'href="/measures/status.csv?{query.replace("&", "&amp;")}"' in page
    rows = read(client.get(f"/measures/status.csv?{query}"))
    assert shown and [row[1] for row in rows[1:]] == shown


@pytest.mark.django_db
def test_status_csv_by_locality_adds_that_localitys_figure(client, localities):
    response = client.get("/measures/status.csv?locality=south-kirklees-test-locality")
    assert response["Content-Disposition"] == 'attachment; filename="measure-status-south-kirklees-test-locality.csv"'
    rows = read(response)
    assert rows[0] == [
        *STATUS_HEADER[:7],
        "locality",
        "locality_latest_value",
        "locality_latest_period",
        *STATUS_HEADER[7:],
    ]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["measure_code"], record["latest_value"], record["locality_latest_value"]) == (
        "KPM-2.6",
        "1988",
        "781",
    )
    assert (record["locality"], record["status"]) == ("South Kirklees test locality", "Off track")
    assert record["filters"] == "Locality: South Kirklees test locality"
    assert record["address"] == "http://testserver/measures/status.csv?locality=south-kirklees-test-locality"


@pytest.mark.django_db
def test_status_csv_says_on_every_row_which_filters_made_it_and_why_each_status(client, localities):
    query = "priority=reducing-risk&status=on_track&direction=lower"
    rows = read(client.get(f"/measures/status.csv?{query}"))
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert records
    for record in records:
        assert record["filters"] == "Priority: 4. Reducing Risk; Status: On track; Better when: Lower is better"
        assert record["address"] == f"http://testserver/measures/status.csv?{query}"
        assert record["as_at"] == timezone.localdate().isoformat()
        assert record["status_explanation"].startswith("On track: ")


@pytest.mark.django_db
def test_status_csv_with_an_invalid_filter_says_why(client, real_plan):
    response = client.get("/measures/status.csv?status=bogus")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().splitlines() == [
        "status: Select a status from the list. Choose one of: on_track, within_tolerance, off_track, no_data, "
        "target_not_set.",
        "Every download's filters are described at /data/",
    ]


@pytest.mark.django_db
def test_status_csv_without_a_published_plan_is_just_the_header(client, db):
    PlanEditionFactory(status=PublicationStatus.DRAFT)
    assert read(client.get("/measures/status.csv")) == [STATUS_HEADER]


# ---- a measure's values as CSV -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_measure_csv_is_tidy_long_data(client, localities):
    response = client.get("/measures/KPM-2.6/values.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kpm-2.6-values.csv"'
    rows = read(response)
    assert rows[0] == VALUE_HEADER
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["period"], r["geography_code"], r["locality"], r["value"], r["status"]) for r in records] == [
        ("2022/23", "E08000034", "", "1902", "On track"),
        ("2023/24", "E08000034", "", "1988", "Off track"),
        ("2023/24", "", "North Kirklees test locality", "512", ""),
        ("2023/24", "", "East Kirklees test locality", "455", ""),
        ("2023/24", "", "South Kirklees test locality", "781", ""),
        ("2023/24", "", "West Kirklees test locality", "240", ""),
    ]
    first = records[0]
    today = date.today().isoformat()
    assert first == {
        "measure_code": "KPM-2.6",
        "measure_title": "Vehicle offences",
        "priority_number": "2",
        "priority": "Reducing Anti-Social Behaviour (ASB) & Neighbourhood Crime",
        "period": "2022/23",
        "period_start": "2022-04-01",
        "period_end": "2023-03-31",
        "geography_code": "E08000034",
        "locality": "",
        "value": "1902",
        "unit": "offences",
        "baseline": "1971",
        "baseline_period": "2021/22",
        "target": "Below 1,971 (2021/22 baseline)",
        "direction": "Lower is better",
        "status": "On track",
        "source": "",  # the plan does not say where vehicle offence figures come from
        "illustrative": "true",
        "last_updated": first["last_updated"],
        "measure_source": "Kirklees Communities Partnership Plan 2022-2027, Strategic Priority 2, "
        "Key Performance measures.",
        "commentary": "",
        "revised_on": "",
        "revision_reason": "",
        "reported_against": "KPM-2.6",  # reported against the measure itself
    }
    assert first["last_updated"] <= today and re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["last_updated"])


@pytest.mark.django_db
def test_measure_csv_gives_percentages_as_plain_numbers(client, real_plan):
    rows = read(client.get("/measures/KPM-1.4/values.csv"))
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    values = [(r["value"], r["unit"], r["baseline"]) for r in records]
    assert values == [("47.1", "percentage", "47.9"), ("46.3", "percentage", "47.9")]


@pytest.mark.django_db
def test_measure_csv_leaves_out_provisional_values_and_neutralises_formulas(client, db):
    edition = PlanEditionFactory(
        status=PublicationStatus.PUBLISHED,
        approval="decision",
        approval_body="Cabinet",
        approval_date=date(2022, 9, 20),
    )
    measure = MeasureFactory(
        priority=PriorityFactory(edition=edition, title="=Priority"),
        code="T-1",
        title='=HYPERLINK("http://example.com","Click")',
        data_source="@Police",
    )
    ReportedValueFactory(measure=measure, value=Decimal("4000"), note="-fine")
    ReportedValueFactory(
        measure=measure,
        period_start=date(2023, 4, 1),
        period_end=date(2024, 3, 31),
        value=Decimal(9999),
        status=ReportedValue.Status.PROVISIONAL,
    )
    rows = read(client.get("/measures/T-1/values.csv"))
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["measure_title"] == '\'=HYPERLINK("http://example.com","Click")'
    assert record["priority"] == "'=Priority"
    assert record["source"] == "'@Police"
    assert record["value"] == "4000"
    assert record["illustrative"] == "false"


@pytest.mark.django_db
def test_measure_csv_of_a_measure_without_values_is_just_the_header(client, real_plan):
    assert read(client.get("/measures/KPM-2.2/values.csv")) == [VALUE_HEADER]


@pytest.mark.django_db
def test_measure_csv_of_a_draft_is_not_found(client, db):
    draft = PlanEditionFactory(status=PublicationStatus.DRAFT)
    ReportedValueFactory(measure=MeasureFactory(priority=PriorityFactory(edition=draft), code="D-1"))
    assert client.get("/measures/D-1/values.csv").status_code == 404
