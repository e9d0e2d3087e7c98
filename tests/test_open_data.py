"""Open data: the CSV downloads of every measure's values and of the plan's actions, and the data page.

What a person opening a file in a spreadsheet, or a script reading it, gets; what a wrong filter
gets them; and what the data page tells them.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import body, sitemap, text, title
from governance.models import Body
from measures import status as rules
from measures.models import Measure, ReportedValue, TargetKind
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.models import Action, PartnerOrganisation, PlanEdition, Priority, PublicationStatus
from priorities.tests.factories import (
    ActionFactory,
    LocalityFactory,
    PartnerOrganisationFactory,
    PlanEditionFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    PublishedEditionFactory,
)

VALUES = "/measures/values.csv"
ACTIONS = "/plans/actions.csv"
DATA = "/data/"
CURRENT = "2022-2027"
KIRKLEES = "E08000034"

VALUE_HEADER = [
    "measure_code",
    "measure_title",
    "priority_number",
    "priority",
    "period",
    "period_start",
    "period_end",
    "geography_code",
    "locality",
    "value",
    "unit",
    "baseline",
    "baseline_period",
    "target",
    "direction",
    "status",
    "source",
    "illustrative",
    "last_updated",
    "measure_source",
    "commentary",
    "revised_on",
    "revision_reason",
    "reported_against",
]
ACTION_HEADER = [
    "edition",
    "priority_number",
    "priority",
    "action_ref",
    "action",
    "editors_note",
    "lead_body",
    "lead_partners",
    "status",
    "flag",
    "start_date",
    "due_date",
    "progress_percent",
    "latest_update_date",
    "latest_update",
    "last_updated",
    "action_source",
]


def read(response):
    """The CSV as a list of rows, parsed strictly as RFC 4180 text."""
    assert response.status_code == 200, body(response)
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"), newline=""), strict=True))


def records(response):
    """The CSV's rows as dicts keyed by its header."""
    header, *rows = read(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def where(record):
    return (record["measure_code"], record["period"], record["locality"])


def current_priority(number):
    return Priority.objects.get(edition__slug=CURRENT, number=number)


# ---- every measure's values ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_measures_values_come_as_one_tidy_file(client, localities):
    response = client.get(VALUES)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kcp-measure-values.csv"'
    header, *rows = read(response)
    assert header == VALUE_HEADER
    assert len(rows) == ReportedValue.objects.filter(status=ReportedValue.Status.FINAL).count() == 14
    found = [where(record) for record in records(response)]
    # The plan's order, oldest period first, Kirklees (no locality) before its localities in their order.
    assert found == [
        ("KPM-1.1", "2022/23", ""),
        ("KPM-1.1", "2023/24", ""),
        ("KPM-1.4", "2022/23", ""),
        ("KPM-1.4", "2023/24", ""),
        ("KPM-2.1", "2023/24", ""),
        ("KPM-2.6", "2022/23", ""),
        ("KPM-2.6", "2023/24", ""),
        ("KPM-2.6", "2023/24", "North Kirklees test locality"),
        ("KPM-2.6", "2023/24", "East Kirklees test locality"),
        ("KPM-2.6", "2023/24", "South Kirklees test locality"),
        ("KPM-2.6", "2023/24", "West Kirklees test locality"),
        ("KPM-3.2", "2023/24", ""),
        ("KPM-4.2", "2022/23", ""),
        ("KPM-4.2", "2023/24", ""),
    ]
    first = records(response)[0]
    assert first == {
        "measure_code": "KPM-1.1",
        "measure_title": "Violent offences resulting in injury",
        "priority_number": "1",
        "priority": "Tackling Violence, Abuse & Exploitation",
        "period": "2022/23",
        "period_start": "2022-04-01",
        "period_end": "2023-03-31",
        "geography_code": KIRKLEES,
        "locality": "",
        "value": "4520",
        "unit": "offences",
        "baseline": "4404",
        "baseline_period": "2021/22",
        "target": "Below 4,404 (2021/22 baseline)",
        "direction": "Lower is better",
        "status": "Off track",
        "source": "",  # the plan does not say where the figures for this measure come from
        "illustrative": "true",
        "last_updated": first["last_updated"],
        "measure_source": "Kirklees Communities Partnership Plan 2022-2027, Strategic Priority 1, "
        "Key Performance measures.",
        "commentary": "",  # none was loaded: the plan gives none
        "revised_on": "",
        "revision_reason": "",
        "reported_against": "KPM-1.1",  # reported against the measure itself
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["last_updated"])
    south = records(response)[9]
    assert (south["geography_code"], south["locality"], south["value"], south["status"]) == (
        "",
        "South Kirklees test locality",
        "781",
        "",  # the plan's targets are for Kirklees as a whole
    )


@pytest.mark.django_db
def test_each_measures_own_file_has_exactly_its_rows_of_the_all_measures_file(client, localities):
    everything = records(client.get(VALUES))
    assert everything
    for measure in Measure.objects.public():
        own = records(client.get(f"/measures/{measure.code}/values.csv"))
        assert own == [record for record in everything if record["measure_code"] == measure.code], measure.code


@pytest.mark.django_db
def test_the_files_are_rfc_4180_csv_that_round_trips(client, real_plan):
    tricky = 'Knives, "blades"\nand other weapons'
    measure = MeasureFactory(priority=current_priority(1), number=90, code="KPM-1.90", title=tricky)
    ReportedValueFactory(measure=measure)
    ActionFactory(priority=current_priority(1), number=90, text=tricky)
    for url in (VALUES, f"/measures/{measure.code}/values.csv", ACTIONS):
        response = client.get(url)
        sent = body(response)
        assert not sent.startswith(b"\xef\xbb\xbf")  # no byte-order mark: strict parsers would read it as data
        rows = read(response)
        assert sent.count(b"\r\n") == len(rows), url  # every record ends CRLF; the quoted newline stays inside
        assert b'"Knives, ""blades""\nand other weapons"' in sent, url
        assert any(tricky in row for row in rows), url
    assert b'"Tackling Violence, Abuse & Exploitation"' in body(client.get(VALUES))


@pytest.mark.django_db
def test_text_cells_that_spreadsheets_would_run_as_formulas_are_neutralised(client, real_plan):
    measure = MeasureFactory(
        priority=current_priority(2),
        number=90,
        code="KPM-2.90",
        title='=HYPERLINK("http://example.com","Click")',
        data_source="@SUM(A1:A9)",
        unit_label="-offences",
        reported_by_locality=True,
        baseline_value=Decimal(5),
    )
    ReportedValueFactory(measure=measure, value=Decimal(3))
    ReportedValueFactory(measure=measure, value=Decimal(2), locality=LocalityFactory(name="+Town", order=9))
    action = ActionFactory(priority=current_priority(2), number=90, text="=1+2")
    action.lead_partners.add(PartnerOrganisationFactory(name="@Partner"))
    ProgressUpdateFactory(action=action, date=date(2024, 5, 1), commentary="-10% on last year")

    kirklees, town = records(client.get("/measures/KPM-2.90/values.csv"))
    assert kirklees["measure_title"] == '\'=HYPERLINK("http://example.com","Click")'
    assert kirklees["source"] == "'@SUM(A1:A9)"
    assert kirklees["unit"] == "'-offences"
    assert town["locality"] == "'+Town"
    assert (kirklees["value"], kirklees["baseline"], town["value"]) == ("3", "5", "2")  # numbers stay numbers
    row = next(record for record in records(client.get(ACTIONS)) if record["action_ref"] == "2.90")
    assert (row["action"], row["lead_partners"], row["latest_update"]) == ("'=1+2", "'@Partner", "'-10% on last year")
    assert row["latest_update_date"] == "2024-05-01"


@pytest.mark.django_db
def test_drafts_and_provisional_values_are_in_no_download(client, localities):
    draft = PlanEditionFactory(status=PublicationStatus.DRAFT, slug="2027-2032")
    draft_priority = PriorityFactory(edition=draft, title="A draft priority")
    ReportedValueFactory(
        measure=MeasureFactory(priority=draft_priority, code="DRAFT-1", title="A draft measure"), value=Decimal(1234)
    )
    ActionFactory(priority=draft_priority, text="A draft action")
    provisional = {"period_start": date(2024, 4, 1), "period_end": date(2025, 3, 31)}
    provisional["status"] = ReportedValue.Status.PROVISIONAL
    ReportedValueFactory(measure=Measure.objects.get(code="KPM-1.1"), value=Decimal(9999), **provisional)
    ReportedValueFactory(
        measure=Measure.objects.get(code="KPM-2.6"),
        locality=localities[2],
        value=Decimal(8888),
        **provisional,
    )
    for url in (
        VALUES,
        f"{VALUES}?locality=south-kirklees-test-locality",
        f"{VALUES}?status=final",
        "/measures/KPM-1.1/values.csv",
        "/measures/KPM-2.6/values.csv",
        "/measures/status.csv",
        ACTIONS,
    ):
        sent = body(client.get(url)).decode()
        for secret in ("DRAFT-1", "A draft", "2027-2032", "9999", "8888", "2024/25"):
            assert secret not in sent, (url, secret)
    assert read(client.get(f"{VALUES}?status=provisional")) == [VALUE_HEADER]
    assert client.get(f"{VALUES}?measure=DRAFT-1").status_code == 400
    assert client.get(f"{ACTIONS}?edition=2027-2032").status_code == 400
    assert client.get("/measures/DRAFT-1/values.csv").status_code == 404


@pytest.mark.django_db
def test_previous_plans_values_follow_the_current_plans_and_stray_locality_values_stay_out(client, localities):
    archived = PlanEdition.objects.get(slug="2018-2021")
    old = MeasureFactory(priority=archived.priorities.get(number=1), number=1, code="OLD-1", title="An old measure")
    ReportedValueFactory(measure=old, period_start=date(2019, 4, 1), period_end=date(2020, 3, 31), value=10)
    # A locality's figure for a measure not reported by locality is not shown on its page, so not published either.
    ReportedValueFactory(measure=Measure.objects.get(code="KPM-1.1"), locality=localities[3])
    rows = records(client.get(VALUES))
    assert where(rows[-1]) == ("OLD-1", "2019/20", "")
    assert rows[-1]["status"] == "On track"  # 10 is below its 4,404 baseline
    for url in (VALUES, "/measures/KPM-1.1/values.csv"):
        kpm_11 = [where(r) for r in records(client.get(url)) if r["measure_code"] == "KPM-1.1"]
        assert kpm_11 == [("KPM-1.1", "2022/23", ""), ("KPM-1.1", "2023/24", "")], url


ALL = None  # every row: a filter left empty, or one that every row meets


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("measure=KPM-2.6", lambda r: r["measure_code"] == "KPM-2.6"),
        (
            "measure=KPM-1.1&period_from=2022-04-01&period_to=2024-03-31",  # the data page's worked example
            lambda r: r["measure_code"] == "KPM-1.1",
        ),
        ("measure=KPM-1.1&period_from=2023-04-01", lambda r: where(r) == ("KPM-1.1", "2023/24", "")),
        ("period_from=2023-04-01", lambda r: r["period_start"] >= "2023-04-01"),
        ("period_to=2023-03-31", lambda r: r["period_end"] <= "2023-03-31"),
        ("period=2022/23", lambda r: r["period"] == "2022/23"),
        ("locality=south-kirklees-test-locality", lambda r: r["locality"] == "South Kirklees test locality"),
        ("locality=kirklees", lambda r: r["geography_code"] == KIRKLEES),
        ("illustrative=false", lambda r: where(r) == ("KPM-1.1", "2022/23", "")),
        ("illustrative=true", lambda r: where(r) != ("KPM-1.1", "2022/23", "")),
        ("status=final", ALL),
        ("status=provisional", lambda r: False),
        ("measure=&period_from=&period_to=&period=&locality=&status=&illustrative=", ALL),
        ("utm_source=newsletter", ALL),
    ],
)
def test_value_filters_narrow_the_rows_as_documented(client, localities, query, expected):
    ReportedValue.objects.filter(measure__code="KPM-1.1", period_label="2022/23").update(is_illustrative=False)
    everything = records(client.get(VALUES))
    found = records(client.get(f"{VALUES}?{query}"))
    # The filtered rows are the matching rows of the whole file, unchanged: statuses included.
    assert found == [record for record in everything if expected is ALL or expected(record)]
    assert (len(found) == len(everything)) == (expected is ALL)


@pytest.mark.django_db
def test_a_filtered_rows_status_is_the_one_its_value_gave_at_the_time(client):
    """A change per year with no baseline is measured from the value before: filtering that one out changes nothing."""
    edition = PublishedEditionFactory()
    measure = MeasureFactory(
        priority=PriorityFactory(edition=edition),
        code="T-KSI",
        target_kind=TargetKind.CHANGE_PER_YEAR,
        target_value=Decimal(10),
        baseline_value=None,
        baseline_period="",
        baseline_period_end=None,
    )
    ReportedValueFactory(measure=measure, period_start=date(2021, 4, 1), period_end=date(2022, 3, 31), value=100)
    ReportedValueFactory(measure=measure, period_start=date(2022, 4, 1), period_end=date(2023, 3, 31), value=95)
    # 95 misses 90, ten fewer than the year before; without that year there would be nothing to measure from.
    statuses = [(r["period"], r["status"]) for r in records(client.get("/measures/T-KSI/values.csv"))]
    assert statuses == [("2021/22", "No data yet"), ("2022/23", "Off track")]
    filtered = records(client.get(f"{VALUES}?measure=T-KSI&period_from=2022-04-01"))
    assert [(r["period"], r["status"]) for r in filtered] == [("2022/23", "Off track")]


# ---- the plan's actions ------------------------------------------------------------------------------------


# ---- streamed, in the same queries however long --------------------------------------------------------------


@pytest.fixture
def small_chunks(monkeypatch):
    """Downloads read and written 7 rows at a time, so that a few hundred rows cross many chunks."""
    for module in ("core.downloads", "measures.csv_export", "measures.views", "priorities.csv_export"):
        monkeypatch.setattr(f"{module}.CHUNK", 7)


def fetched(client, url):
    """A download's response, its rows (header first) and the queries it took, its rows read as it was sent."""
    connection.features.supports_json_field  # noqa: B018 - SQLite asks once, on first use: not the download's cost
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        rows = read(response)
    return response, rows, len(queries)


def more_measures_with_their_values(localities):
    """Forty more measures of the current plan, a year of figures each from 2015 to 2024, some by locality too."""
    figures = [4500, 4300, 4350, 4100, 4404, 4200, 4600, 4000, 4390, 4410]
    for n in range(40):
        measure = MeasureFactory(
            priority=current_priority(n % 4 + 1), number=200 + n, code=f"BIG-{n:02d}", reported_by_locality=n % 3 == 0
        )
        if n % 5 == 0:
            measure.target_kind, measure.target_value, measure.baseline_value = TargetKind.CHANGE_PER_YEAR, 50, None
            measure.baseline_period, measure.baseline_period_end = "", None
            measure.save()
        for year, figure in zip(range(2015, 2025), figures, strict=True):
            ReportedValueFactory(measure=measure, year=year, value=Decimal(figure + n))
            if measure.reported_by_locality and year >= 2022:
                for locality in localities:
                    ReportedValueFactory(measure=measure, year=year, locality=locality, value=Decimal(900 + n))


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?locality=kirklees&period_from=2019-04-01", "?illustrative=false"])
def test_every_measures_values_stream_in_one_query_however_many_there_are(client, localities, small_chunks, query):
    url = f"{VALUES}{query}"
    _, small, small_queries = fetched(client, url)
    more_measures_with_their_values(localities)
    response, large, large_queries = fetched(client, url)
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="kcp-measure-values.csv"'
    assert large_queries == small_queries == 1
    assert len(large) > len(small) + 200
    # Each row's status is the one its figure gave its measure then, against the whole series before it.
    for record in records_of(large):
        if not record["measure_code"].startswith("BIG-"):
            continue
        measure = Measure.objects.get(code=record["measure_code"])
        series = list(ReportedValue.objects.published().kirklees_wide().filter(measure=measure).oldest_first())
        status_of = rules.statuses_at_the_time(measure, series)
        if record["locality"]:
            assert record["status"] == ""
            continue
        value = next(value for value in series if value.period_label == record["period"])
        assert record["status"] == status_of[value.pk].label, record


@pytest.mark.django_db
def test_the_status_table_streams_in_the_same_queries_however_long(client, localities, small_chunks):
    _, small, small_queries = fetched(client, "/measures/status.csv")
    more_measures_with_their_values(localities)
    response, large, large_queries = fetched(client, "/measures/status.csv")
    assert response.streaming
    assert large_queries == small_queries == 2  # the current plan, and the measures with their readings
    assert len(large) == len(small) + 40
    page = client.get("/measures/?page=all")
    assert [row[1] for row in large[1:]] == re.findall(r'id="measure-[^"]+">\s*<th[^>]*><a[^>]*>([^<]+)<', page.text)


@pytest.mark.django_db
def test_the_plans_actions_stream_with_their_lead_partners_in_two_queries(client, real_plan, small_chunks):
    _, small, small_queries = fetched(client, ACTIONS)
    partners = PartnerOrganisationFactory.create_batch(5)
    for n in range(150):
        action = ActionFactory(priority=current_priority(n % 4 + 1), number=300 + n, text=f"Extra action {n}")
        action.lead_partners.add(*partners[n % 4 : n % 4 + n % 3])
    response, large, large_queries = fetched(client, ACTIONS)
    assert response.streaming
    assert large_queries == small_queries == 2  # the actions, and beside them their lead partners
    assert len(large) == len(small) + 150
    for record in records_of(large):
        number = int(record["action_ref"].split(".")[1])
        action = Action.objects.get(
            priority__edition__slug=record["edition"], priority__number=record["priority_number"], number=number
        )
        assert record["lead_partners"] == "; ".join(
            action.lead_partners.order_by("name").values_list("name", flat=True)
        )


def records_of(rows):
    header, *rest = rows
    return [dict(zip(header, row, strict=True)) for row in rest]


@pytest.mark.django_db
def test_the_plans_actions_come_as_one_file_current_plan_first(client, real_plan):
    action = Action.objects.get(priority=current_priority(1), number=3)
    action.progress = 40
    action.start_date, action.due_date = date(2022, 10, 1), date(2025, 3, 31)
    action.save()
    action.lead_partners.add(
        *PartnerOrganisation.objects.filter(name__in=["West Yorkshire Police", "Kirklees Council"])
    )
    ProgressUpdateFactory(action=action, date=date(2023, 6, 1), commentary="Started the campaign.")
    ProgressUpdateFactory(
        action=action, date=date(2024, 1, 15), status="on_track", commentary="Reached every secondary school."
    )
    # Entered last but dated earlier: neither its status nor its words are the latest.
    ProgressUpdateFactory(action=action, date=date(2023, 9, 1), status="delayed", commentary="Half way.")

    response = client.get(ACTIONS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kcp-plan-actions.csv"'
    assert read(response)[0] == ACTION_HEADER
    rows = records(response)
    assert len(rows) == Action.objects.public().count() == 60
    editions = [row["edition"] for row in rows]
    assert editions == sorted(editions, key=lambda slug: slug != CURRENT)  # the current plan's actions first
    assert [row["action_ref"] for row in rows[:3]] == ["1.1", "1.2", "1.3"]
    assert rows[2] == {
        "edition": CURRENT,
        "priority_number": "1",
        "priority": "Tackling Violence, Abuse & Exploitation",
        "action_ref": "1.3",
        "action": action.text,
        "editors_note": "",
        "lead_body": "Kirklees Communities Partnership Board",
        "lead_partners": "Kirklees Council; West Yorkshire Police",
        "status": "On track",
        "flag": "Overdue",  # due 31 March 2025
        "start_date": "2022-10-01",
        "due_date": "2025-03-31",
        "progress_percent": "40",
        "latest_update_date": "2024-01-15",
        "latest_update": "Reached every secondary school.",
        "last_updated": rows[2]["last_updated"],
        "action_source": "Kirklees Communities Partnership Plan 2022-2027, Strategic Priority 1, "
        "The Kirklees Communities Board will.",
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rows[2]["last_updated"])
    assert (rows[0]["lead_partners"], rows[0]["status"], rows[0]["latest_update"]) == ("", "No update yet", "")
    assert rows[0]["flag"] == "Update due"  # nothing reported since the plan began in 2022


@pytest.mark.django_db
def test_action_filters_narrow_the_rows_as_documented(client, real_plan):
    police = PartnerOrganisation.objects.get(name="West Yorkshire Police")
    action = Action.objects.get(priority=current_priority(4), number=2)
    action.lead_body = Body.objects.get(slug="strategic-delivery-group")
    action.save()
    action.lead_partners.add(police)
    ProgressUpdateFactory(action=action, date=date(2024, 4, 2), status=Action.Status.AT_RISK)
    # Was at risk, is on track now: only its latest update's status counts.
    recovered = Action.objects.get(priority=current_priority(4), number=3)
    ProgressUpdateFactory(action=recovered, date=date(2024, 6, 3), status=Action.Status.ON_TRACK)
    ProgressUpdateFactory(action=recovered, date=date(2024, 1, 8), status=Action.Status.AT_RISK)
    everything = records(client.get(ACTIONS))

    def found(query):
        rows = records(client.get(f"{ACTIONS}?{query}"))
        assert all(row in everything for row in rows)
        return rows

    old = found("edition=2018-2021")
    assert {row["edition"] for row in old} == {"2018-2021"}
    assert len(old) == Action.objects.filter(priority__edition__slug="2018-2021").count() == 24
    risk = found(f"priority={current_priority(4).slug}")
    assert {(row["edition"], row["priority_number"]) for row in risk} == {(CURRENT, "4")}
    assert len(risk) == current_priority(4).actions.count()
    assert [row["action_ref"] for row in found("status=at_risk")] == ["4.2"]
    assert [row["action_ref"] for row in found("status=on_track")] == ["4.3"]
    assert len(found("status=no_update")) == len(everything) - 2
    assert [row["action_ref"] for row in found(f"lead_partner={police.pk}")] == ["4.2"]
    assert [row["action_ref"] for row in found("lead_body=strategic-delivery-group")] == ["4.2"]
    assert found("edition=2022-2027&status=at_risk&lead_body=communities-board") == []
    assert found("edition=&priority=&status=&lead_partner=&lead_body=") == everything


# ---- wrong filters ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"{VALUES}?period_from=2022-13-01", "period_from: Enter the date as YYYY-MM-DD, for example 2022-04-01."),
        (f"{VALUES}?period_from=2023-02-29", "period_from: Enter the date as YYYY-MM-DD, for example 2022-04-01."),
        (f"{VALUES}?period_to=yesterday", "period_to: Enter the date as YYYY-MM-DD, for example 2024-03-31."),
        (
            f"{VALUES}?period_from=2024-04-01&period_to=2023-03-31",
            "period_to: The end of the period range must be on or after its start.",
        ),
        (f"{VALUES}?measure=NOPE", "measure: Select a measure from the list. The measure's code, e.g. KPM-1.1."),
        (f"{VALUES}?measure=kpm-1.1", "measure: Select a measure from the list. The measure's code, e.g. KPM-1.1."),
        (
            f"{VALUES}?locality=mars",
            "locality: Select a locality from the list. A locality's slug (as listed at /api/v1/localities/), "
            "or kirklees for the figures for Kirklees as a whole.",
        ),
        (
            f"{VALUES}?locality=%00",
            "locality: Select a locality from the list. A locality's slug (as listed at /api/v1/localities/), "
            "or kirklees for the figures for Kirklees as a whole.",
        ),
        (
            f"{VALUES}?illustrative=banana",
            "illustrative: Select a true or false from the list. Choose one of: true, false.",
        ),
        (f"{VALUES}?status=draft", "status: Select a status from the list. Choose one of: provisional, final."),
        (f"{VALUES}?period=%00", "period: Null characters are not allowed."),
        (
            f"{ACTIONS}?status=bogus",
            "status: Select a status from the list. Choose one of: no_update, not_started, on_track, at_risk, "
            "delayed, completed.",
        ),
        (
            f"{ACTIONS}?edition=2030-2035",
            "edition: Select a plan edition from the list. The edition's slug, e.g. 2022-2027.",
        ),
        (
            f"{ACTIONS}?priority=preventing-and-reducing-crime",  # an archived edition's: not the current plan
            "priority: Select a priority from the list. "
            "The slug of a priority of the current plan, e.g. reducing-risk.",
        ),
        (
            f"{ACTIONS}?lead_partner=abc",
            "lead_partner: Select a lead partner from the list. The id of a partner organisation leading the action.",
        ),
        (
            f"{ACTIONS}?lead_partner=99999999999999999999",
            "lead_partner: Select a lead partner from the list. The id of a partner organisation leading the action.",
        ),
        (
            f"{ACTIONS}?lead_body=nope",
            "lead_body: Select a lead body from the list. The slug of the board or group overseeing the action, "
            "e.g. communities-board.",
        ),
    ],
)
def test_a_wrong_filter_gets_a_plain_message_naming_it_and_no_rows(client, real_plan, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert message in lines
    assert lines[-1] == "Every download's filters are described at /data/"
    assert "measure_code" not in response.content.decode()
    assert "action_ref" not in response.content.decode()


@pytest.mark.django_db
def test_every_wrong_filter_is_named_at_once(client, real_plan):
    response = client.get(f"{VALUES}?measure=NOPE&period_from=x&illustrative=banana")
    named = [line.split(":")[0] for line in response.content.decode().splitlines()[:-1]]
    assert named == ["measure", "period_from", "illustrative"]


# ---- the data page -------------------------------------------------------------------------------------------


def links(response):
    """The page's links as (href, link text) pairs, href unescaped."""
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', response.content.decode(), flags=re.S)
    return [(unescape(href), text(label)) for href, label in found]


def table_texts(response, table_id):
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', response.content.decode(), flags=re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody", 1)[1], flags=re.S)
    return [[text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)] for row in rows]


@pytest.mark.django_db
@pytest.mark.django_db
def test_the_data_page_says_when_no_figures_are_published_yet(client):
    call_command("loadplan", verbosity=0)  # the real plan only: its sources give baselines, not later figures
    page = text(client.get(DATA))
    assert "No figures have been published for the measures yet" in page
    assert len(read(client.get(VALUES))) == 1  # the header row, as the page says
    measure = Measure.objects.get(code="KPM-1.1")
    ReportedValueFactory(measure=measure, status=ReportedValue.Status.PROVISIONAL)
    assert "No figures have been published for the measures yet" in text(client.get(DATA))
    ReportedValueFactory(measure=measure, period_start=date(2023, 4, 1), period_end=date(2024, 3, 31))
    assert "No figures have been published for the measures yet" not in text(client.get(DATA))


def test_the_data_page_links_every_download_and_the_api(client, real_plan):
    response = client.get(DATA)
    assert response.status_code == 200
    assert title(response).startswith("Open data – ")
    page = text(response)
    assert "Home Open data Open data" in page  # the breadcrumbs, then the heading
    found = dict(links(response))
    assert found[VALUES] == "Download every measure’s values (CSV)"
    assert found["/measures/status.csv"] == "Download the measure status table (CSV)"
    assert found[ACTIONS] == "Download the plan’s actions (CSV)"
    current = Measure.objects.filter(priority__edition__slug=CURRENT)
    assert current.count() == 23
    for measure in current:
        assert found[f"/measures/{measure.code}/values.csv"] == f"{measure.code} values (CSV)"
    assert found["/api/docs/"] == "API documentation"
    assert found["/api/schema/"] == "OpenAPI schema"
    assert found["/api/v1/"] == "API root"
    # Every download the page offers opens as a CSV file.
    downloads = [href for href, _ in links(response) if href.endswith(".csv") or ".csv?" in href]
    assert len(downloads) == 3 + 23 + 1  # the three files, each measure's, and the worked example
    for href in downloads:
        download = client.get(href)
        assert (download.status_code, download["Content-Type"]) == (200, "text/csv; charset=utf-8"), href


@pytest.mark.django_db
def test_the_data_pages_worked_example_gives_what_it_says(client, real_plan):
    response = client.get(DATA)
    example = "/measures/values.csv?measure=KPM-1.1&period_from=2022-04-01&period_to=2024-03-31"
    assert dict(links(response))[example] == example
    assert "the values of measure KPM-1.1 for the periods from 1 April 2022 to 31 March 2024" in text(response)
    assert [where(r) for r in records(client.get(example))] == [("KPM-1.1", "2022/23", ""), ("KPM-1.1", "2023/24", "")]


@pytest.mark.django_db
def test_the_data_page_documents_every_filter_and_column(client, real_plan):
    response = client.get(DATA)
    assert [row[0] for row in table_texts(response, "value-filters")] == [
        "measure",
        "period_from",
        "period_to",
        "period",
        "locality",
        "status",
        "illustrative",
    ]
    assert [row[0] for row in table_texts(response, "action-filters")] == [
        "edition",
        "priority",
        "status",
        "lead_partner",
        "lead_body",
    ]
    assert [row[0] for row in table_texts(response, "value-columns")] == VALUE_HEADER
    assert [row[0] for row in table_texts(response, "action-columns")] == ACTION_HEADER
    filters = {row[0]: row[1:] for row in table_texts(response, "value-filters")}
    assert filters["period_from"] == ["Periods starting on or after", "An ISO 8601 date, e.g. 2022-04-01."]
    assert "final figures only" in filters["status"][1]
    statuses = {row[0]: row[2] for row in table_texts(response, "action-filters")}["status"]
    assert statuses.startswith("One of: no_update (No update yet), not_started (Not started)")
    # The status file's columns that say why, and what the file is, named as its header names them.
    status_file = re.search(r'id="status-file-columns">(.*?)</p>', response.text, flags=re.S).group(1)
    header = read(client.get("/measures/status.csv"))[0]
    for column in ("status_explanation", "as_at", "filters", "address"):
        assert f"<code>{column}</code>" in status_file and column in header


@pytest.mark.django_db
def test_the_data_page_explains_the_format_and_the_licence(client, real_plan):
    response = client.get(DATA)
    page = text(response)
    for words in (
        "CSV files encoded as UTF-8, following RFC 4180, with one header row naming the columns",
        "dates in ISO 8601 form, YYYY-MM-DD",
        "Choose Data > From Text/CSV, and pick the file you downloaded",
        "65001: Unicode (UTF-8)",
        "They have true in the illustrative column",
        "starts with an apostrophe (') instead",
        "When you do, include this attribution statement: "
        "Contains public sector information licensed under the Open Government Licence v3.0.",
    ):
        assert words in page, words
    licence = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    main = response.content.decode().split('id="main-content"')[1].split("</main>")[0]
    assert f'href="{licence}" rel="license">Open Government Licence v3.0</a>' in main


@pytest.mark.django_db
def test_the_data_page_without_a_published_plan_still_offers_the_files(client, db):
    PriorityFactory(edition=PlanEditionFactory(status=PublicationStatus.DRAFT))
    response = client.get(DATA)
    assert response.status_code == 200
    assert "The current plan has not been published yet" in text(response)
    assert VALUES in dict(links(response))
    assert read(client.get(VALUES)) == [VALUE_HEADER]


@pytest.mark.django_db
def test_the_data_page_is_linked_from_every_footer_the_sitemap_and_the_downloads(client, real_plan):
    for url in ("/", "/plan/", "/measures/", "/meetings/", DATA):
        assert ("/data/", "Open data") in links(client.get(url)), url
    assert "<loc>http://testserver/data/</loc>" in sitemap(client)
    for url, csv_link in (
        ("/measures/", "/measures/status.csv"),
        ("/measures/KPM-2.6/", "/measures/KPM-2.6/values.csv"),
    ):
        html = client.get(url).content.decode()
        paragraph = re.search(rf'<p[^>]*>(?:(?!</p>).)*href="{csv_link}"(?:(?!</p>).)*</p>', html, flags=re.S).group(0)
        assert 'href="/data/">open data page</a>' in paragraph, url


@pytest.mark.browser
def test_the_data_page_meets_wcag_22_aa(assert_accessible):
    assert_accessible(DATA)
