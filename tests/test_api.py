"""The open data API: what each endpoint gives, what it hides, how it filters, and how it refuses.

The real plan is loaded once for the module (`real_plan_for_module`); each test runs in its own
transaction inside that, so what a test adds is gone before the next one.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from core.testing import body
from governance.models import Body, KeyDecision, Meeting, Minutes, StatutoryDuty
from governance.tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MinutesFactory,
    StatutoryDutyFactory,
)
from measures.models import Measure, ReportedValue
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.models import Action, Locality, PartnerOrganisation, PlanEdition, Priority, PublicationStatus, Theme
from priorities.tests.factories import (
    ActionFactory,
    LocalityFactory,
    PartnerOrganisationFactory,
    PlanEditionFactory,
    PriorityFactory,
    ProgressUpdateFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_plan_for_module")]

API = "/api/v1/"
COLLECTIONS = [
    "editions",
    "priorities",
    "themes",
    "actions",
    "measures",
    "values",
    "localities",
    "partners",
    "bodies",
    "meetings",
    "key-decisions",
    "duties",
]
WRITES = ["post", "put", "patch", "delete"]


def get(client, path, **kwargs):
    response = client.get(path if path.startswith("/") else API + path, **kwargs)
    assert response["Content-Type"] == "application/json", (path, response.status_code, response.content[:200])
    return response


def results(client, path):
    response = get(client, path)
    assert response.status_code == 200, (path, response.json())
    return response.json()["results"]


def codes(client, path):
    return [measure["code"] for measure in results(client, path)]


# ---- the root and every collection ------------------------------------------------------------------


def test_the_root_lists_every_collection_the_licence_and_the_docs(client):
    root = get(client, API).json()
    assert list(root["collections"]) == COLLECTIONS
    assert root["collections"]["measures"] == "http://testserver/api/v1/measures/"
    assert root["licence"]["name"] == "Open Government Licence v3.0"
    assert root["licence"]["url"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    assert root["documentation"] == "http://testserver/api/docs/"
    assert root["schema"] == "http://testserver/api/schema/"
    assert root["downloads"] == "http://testserver/data/"


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_collection_is_a_page_of_records_each_with_a_working_link(client, localities, collection):
    page = get(client, f"{collection}/").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] > 0 and page["results"]
    first = page["results"][0]
    if "url" in first:
        record = get(client, first["url"].removeprefix("http://testserver")).json()
        assert record.items() >= first.items()  # the record itself, with anything the list leaves a link away
    if "web_url" in first:
        assert client.get(first["web_url"].removeprefix("http://testserver")).status_code == 200


def test_the_real_plan_is_all_there(client):
    assert get(client, "measures/?page_size=200").json()["count"] == 23
    current = Priority.objects.get(edition__slug="2022-2027", number=1)
    assert get(client, f"actions/?priority={current.slug}").json()["count"] == 11
    assert get(client, "duties/").json()["count"] == 8
    assert get(client, "localities/").json()["count"] == 0  # the plan names none of its "4 localities"
    edition = get(client, "editions/2022-2027/").json()
    assert edition["status"] == "published"
    assert edition["vision"].startswith("People in Kirklees live in cohesive communities")
    assert len(edition["commitments"]) == 6
    previous = get(client, "editions/2018-2021/").json()
    # The report to Cabinet asked Full Council to approve the plan; no decision or date is recorded.
    assert (previous["approval"], previous["approval_body"], previous["approval_date"]) == (
        "sought",
        "Full Council",
        None,
    )
    assert previous["approval_text"] == "Approval by Full Council sought; no decision is recorded"
    assert edition["source"].startswith("Kirklees Communities Partnership Plan 2022-2027")
    assert edition["provenance"] == edition["source"] + "."


def test_a_priority_in_the_list_links_to_its_themes_which_the_themes_list_gives(client):
    page = get(client, "priorities/?edition=2022-2027").json()
    first = page["results"][0]
    assert "themes" not in first  # the list costs the same however many themes a priority has
    themes = get(client, first["themes_url"].removeprefix("http://testserver")).json()["results"]
    detail = get(client, first["url"].removeprefix("http://testserver")).json()
    top = [theme["title"] for theme in detail["themes"]]
    assert top and all(title in [theme["title"] for theme in themes] for title in top)
    assert {theme["priority"] for theme in themes} == {first["id"]}


def test_a_priority_carries_its_themes_and_sub_themes(client):
    priority = Priority.objects.get(edition__slug="2022-2027", number=1)
    record = get(client, f"priorities/{priority.pk}/").json()
    assert record["title"] == "Tackling Violence, Abuse & Exploitation"
    violence = next(theme for theme in record["themes"] if theme["title"] == "Reducing Violence")
    assert "Youth Violence" in [sub["title"] for sub in violence["sub_themes"]]
    assert "Youth Violence" not in [theme["title"] for theme in record["themes"]]


def test_a_measure_gives_its_target_status_and_latest_value_as_its_page_does(client):
    record = get(client, "measures/KPM-1.1/").json()
    measure = Measure.objects.with_latest().get(code="KPM-1.1")
    assert record["title"] == measure.title
    assert record["baseline_value"] == "4404"
    assert record["target"] == measure.target_text
    assert record["status"] == {
        "code": measure.status.code,
        "label": measure.status.label,
        "explanation": measure.status.explanation,
    }
    assert record["status"]["explanation"].startswith(f"{measure.status.label}: ")
    assert record["direction_of_travel"]["label"] == measure.travel.label
    latest = measure.latest_reading
    assert record["latest_value"] == {
        "value": format(latest.value.normalize(), "f"),
        "period": latest.period_label,
        "period_end": latest.period_end.isoformat(),
        "illustrative": True,
    }
    assert record["csv_url"] == "http://testserver/measures/KPM-1.1/values.csv"


def test_a_measure_with_no_values_says_so(client):
    record = get(client, "measures/KPM-1.2/").json()  # its target is to mirror another plan's
    assert record["latest_value"] is None
    assert record["status"]["code"] == "target_not_set"


def test_a_meeting_carries_its_agenda_decisions_and_published_minutes(client):
    scrutiny = Meeting.objects.get(body__slug="overview-and-scrutiny")
    record = get(client, f"meetings/{scrutiny.pk}/").json()
    decisions = [decision for item in record["agenda_items"] for decision in item["decisions"]]
    assert len(decisions) == 2
    assert record["body"] == "overview-and-scrutiny"
    assert (record["date"], record["date_precision"], record["date_text"]) == (None, None, "date not stated")


def test_a_meeting_is_dated_only_as_far_as_it_is_known(client):
    board = Body.objects.get(slug="communities-board")
    on_the_day = MeetingFactory(body=board, date=date(2024, 1, 9))
    in_the_month = Meeting.objects.get(body=board, date=date(2022, 12, 1))
    in_the_year = MeetingFactory(body=board, date=date(2020, 1, 1), date_precision="year")
    undated = Meeting.objects.get(body__slug="overview-and-scrutiny")  # no record says when it met
    listed = {meeting["id"]: meeting for meeting in results(client, "meetings/?page_size=200")}
    for meeting, expected in [
        (on_the_day, {"date": "2024-01-09", "date_precision": "day", "date_text": "9 January 2024"}),
        (in_the_month, {"date": "2022-12", "date_precision": "month", "date_text": "December 2022"}),
        (in_the_year, {"date": "2020", "date_precision": "year", "date_text": "2020"}),
        (undated, {"date": None, "date_precision": None, "date_text": "date not stated"}),
    ]:
        record = get(client, f"meetings/{meeting.pk}/").json()
        assert {key: record[key] for key in expected} == expected
        assert {key: listed[meeting.pk][key] for key in expected} == expected
    # The filters still read the recorded date, where a month or a year counts as its first day.
    assert "2022-12" in [meeting["date"] for meeting in results(client, "meetings/?date_from=2022-12-01")]
    assert "2022-12" not in [meeting["date"] for meeting in results(client, "meetings/?date_from=2022-12-02")]
    assert [meeting["date"] for meeting in results(client, "meetings/?year=2020")] == ["2020"]
    # A meeting without a date comes last, and no date filter matches it.
    assert results(client, "meetings/?page_size=200")[-1]["id"] == undated.pk
    assert undated.pk not in [meeting["id"] for meeting in results(client, "meetings/?date_to=2030-01-01")]


# ---- only what is published -------------------------------------------------------------------------


@pytest.fixture
def unpublished():
    """One of each thing residents must never see, named so that it stands out."""
    board = Body.objects.get(slug="communities-board")
    draft = PlanEditionFactory(slug="draft-2028", title="Secret draft plan", status=PublicationStatus.DRAFT)
    priority = PriorityFactory(edition=draft, title="Secret priority", slug="secret-priority")
    measure = MeasureFactory(priority=priority, code="SECRET-1")
    ReportedValueFactory(measure=measure, value=Decimal("777"))
    action = ActionFactory(priority=priority, text="Secret action")
    provisional = ReportedValueFactory(
        measure=Measure.objects.get(code="KPM-1.1"),
        period_start=date(2030, 4, 1),
        period_end=date(2031, 3, 31),
        value=Decimal("9999"),
        status=ReportedValue.Status.PROVISIONAL,
    )
    # A locality's figure for a measure the plan does not report by locality is not shown on its page either.
    assert not Measure.objects.get(code="KPM-1.1").reported_by_locality
    ReportedValueFactory(
        measure=Measure.objects.get(code="KPM-1.1"),
        locality=LocalityFactory(name="Test locality"),
        value=Decimal("8888"),
    )
    private = MeetingFactory(body=board, is_published=False, location="Secret room")
    held = MeetingFactory(body=board, date=date(2024, 1, 9))
    AgendaItemFactory(meeting=held, minute="Secret minute")
    MinutesFactory(meeting=held, text="Secret minutes", status=Minutes.Status.DRAFT)
    StatutoryDutyFactory(body=board, number=99, edition=draft, text="Secret duty")
    return {"edition": draft, "priority": priority, "action": action, "provisional": provisional, "private": private}


def test_nothing_unpublished_is_listed(client, unpublished):
    for collection in COLLECTIONS:
        body = get(client, f"{collection}/?page_size=200").content.decode()
        assert "Secret" not in body and "SECRET" not in body, collection
        # Figures are JSON strings ("9999"); unquoted, the digits turn up by chance in a timestamp's microseconds.
        assert '"9999"' not in body and '"8888"' not in body, collection
        assert "draft-2028" not in body, collection


def test_nothing_unpublished_can_be_fetched_by_its_id(client, unpublished):
    for path in [
        "editions/draft-2028/",
        f"priorities/{unpublished['priority'].pk}/",
        f"actions/{unpublished['action'].pk}/",
        "measures/SECRET-1/",
        f"values/{unpublished['provisional'].pk}/",
        f"meetings/{unpublished['private'].pk}/",
    ]:
        response = get(client, path)
        assert response.status_code == 404, path
        assert response.json()["detail"]


def test_draft_minutes_keep_the_items_minutes_hidden_until_published(client, unpublished):
    held = Meeting.objects.get(date=date(2024, 1, 9))
    record = get(client, f"meetings/{held.pk}/").json()
    assert record["minutes"] is None
    assert record["agenda_items"][0]["minute"] is None
    minutes = Minutes.objects.get(meeting=held)
    minutes.status = Minutes.Status.PUBLISHED
    minutes.save()
    record = get(client, f"meetings/{held.pk}/").json()
    assert record["minutes"]["text"] == "Secret minutes"
    assert record["agenda_items"][0]["minute"] == "Secret minute"


def test_officers_signed_in_see_provisional_values_and_the_public_never_does(officer_client, unpublished):
    path = "values/?measure=KPM-1.1&status=provisional"
    assert results(Client(), path) == []
    values = results(officer_client, path)
    assert [(value["value"], value["status"]) for value in values] == [("9999", "provisional")]
    # A measure's status never rests on a provisional figure, whoever asks.
    assert get(officer_client, "measures/KPM-1.1/").json()["latest_value"]["value"] != "9999"


# ---- filters ----------------------------------------------------------------------------------------


def test_measures_filter_as_the_status_page_does(client, localities):
    reducing_risk = Priority.objects.get(edition__slug="2022-2027", number=4)
    assert codes(client, f"measures/?priority={reducing_risk.slug}") == [f"KPM-4.{n}" for n in range(1, 6)]
    fire = PartnerOrganisation.objects.get(fixture_key="partner:wy-fire-and-rescue-service")
    Measure.objects.filter(code="KPM-2.5").update(lead_partner=fire)  # the plan names none: an officer adds one
    assert codes(client, f"measures/?lead_partner={fire.pk}") == ["KPM-2.5"]
    higher = codes(client, "measures/?direction=higher&page_size=200")
    assert higher and all(Measure.objects.get(code=code).direction == "higher" for code in higher)
    for status in ("on_track", "off_track", "no_data"):
        listed = codes(client, f"measures/?status={status}&page_size=200")
        for code in listed:
            assert get(client, f"measures/{code}/").json()["status"]["code"] == status
    by_place = codes(client, "measures/?locality=south-kirklees-test-locality&page_size=200")
    assert by_place == ["KPM-2.6", "KPM-2.8"]  # the measures reported by locality, as on the status page
    # The page shows exactly the same measures for the same filters.
    page = client.get("/measures/?status=off_track").content.decode()
    assert sorted(set(re.findall(r"/measures/(KPM-[\d.]+)/", page))) == sorted(
        codes(client, "measures/?status=off_track&page_size=200")
    )


def test_values_filter_by_measure_period_range_place_and_kind(client, localities):
    everything = results(client, "values/?measure=KPM-2.6&page_size=200")
    assert everything and {value["measure"] for value in everything} == {"KPM-2.6"}
    in_range = results(client, "values/?measure=KPM-2.6&period_from=2023-04-01&period_to=2024-03-31")
    expected = [
        value for value in everything if value["period_start"] >= "2023-04-01" and value["period_end"] <= "2024-03-31"
    ]
    assert in_range == expected and 0 < len(in_range) < len(everything)
    kirklees = results(client, "values/?measure=KPM-2.6&locality=kirklees")
    assert kirklees and all(value["locality"] is None and value["geography_code"] == "E08000034" for value in kirklees)
    place = results(client, "values/?measure=KPM-2.6&locality=south-kirklees-test-locality")
    assert [(value["locality"], value["geography_code"], value["value"]) for value in place] == [
        ("south-kirklees-test-locality", None, "781")
    ]
    assert len(kirklees) + sum(
        len(results(client, f"values/?measure=KPM-2.6&locality={slug}"))
        for slug in Locality.objects.values_list("slug", flat=True)
    ) == len(everything)
    by_label = results(client, f"values/?measure=KPM-2.6&period={everything[0]['period']}")
    assert {value["period"] for value in by_label} == {everything[0]["period"]}
    assert results(client, "values/?illustrative=false") == []  # every loaded figure is illustrative
    assert len(results(client, "values/?illustrative=true&page_size=200")) == ReportedValue.objects.count()
    assert len(results(client, "values/?status=final&page_size=200")) == ReportedValue.objects.count()


def test_meetings_filter_by_body_year_and_date_range(client):
    board = results(client, "meetings/?body=communities-board")
    assert board and {meeting["body"] for meeting in board} == {"communities-board"}
    in_2022 = results(client, "meetings/?date_from=2022-01-01&date_to=2022-12-31")
    assert in_2022 and all(meeting["date"].startswith("2022") for meeting in in_2022)
    assert results(client, "meetings/?year=2022") == in_2022
    assert [meeting["date"] for meeting in board] == sorted((meeting["date"] for meeting in board), reverse=True)


def test_actions_filter_by_edition_priority_status_and_lead(client):
    current = Priority.objects.get(edition__slug="2022-2027", number=2)
    listed = results(client, f"actions/?priority={current.slug}")
    assert [action["reference"] for action in listed] == [f"2.{n}" for n in range(1, 10)]
    old = results(client, "actions/?edition=2018-2021&page_size=200")
    assert old and {action["edition"] for action in old} == {"2018-2021"}
    action = Action.objects.filter(priority=current).first()
    partner = PartnerOrganisationFactory(name="Kirklees Neighbourhood Housing test partner")
    action.lead_partners.add(partner)
    ProgressUpdateFactory(
        action=action, date=date(2024, 4, 2), status=Action.Status.AT_RISK, commentary="Behind on recruitment"
    )
    assert [a["id"] for a in results(client, f"actions/?lead_partner={partner.pk}")] == [action.pk]
    at_risk = results(client, "actions/?status=at_risk")
    assert [a["id"] for a in at_risk] == [action.pk]
    assert at_risk[0]["status_label"] == "At risk"
    assert at_risk[0]["updates"][0]["commentary"] == "Behind on recruitment"
    assert {p["name"] for p in at_risk[0]["lead_partners"]} >= {"Kirklees Neighbourhood Housing test partner"}
    led = results(client, "actions/?lead_body=communities-board&page_size=200")
    assert all(a["lead_body"] == "communities-board" for a in led)


def test_an_actions_status_is_its_latest_updates_and_its_flag_comes_from_its_dates(client):
    action = Action.objects.get(priority__edition__slug="2022-2027", priority__number=3, number=1)

    def shown():
        record = get(client, f"actions/{action.pk}/").json()
        return record["status"], record["status_label"], record["flag"]

    assert shown() == (
        "no_update",
        "No update yet",
        {
            "code": "update_due",
            "label": "Update due",
            "explanation": "No progress update since its plan began on 1 January 2022; first due by 2 July 2022",
        },
    )
    ProgressUpdateFactory(action=action, date=date(2024, 4, 2), status=Action.Status.ON_TRACK)
    ProgressUpdateFactory(action=action, date=date(2023, 1, 9), status=Action.Status.DELAYED)  # older, added later
    assert shown() == (
        "on_track",
        "On track",
        {
            "code": "update_due",
            "label": "Update due",
            "explanation": "Last progress update 2 April 2024; next due by 1 October 2024",
        },
    )
    action.due_date = date(2024, 3, 31)
    action.save()
    overdue = {"code": "overdue", "label": "Overdue", "explanation": "Due 31 March 2024; not completed"}
    assert shown() == ("on_track", "On track", overdue)
    ProgressUpdateFactory(action=action, date=date(2024, 5, 1), status=Action.Status.COMPLETED)
    assert shown() == ("completed", "Completed", None)
    assert [a["id"] for a in results(client, "actions/?status=completed")] == [action.pk]
    assert action.pk not in [a["id"] for a in results(client, "actions/?status=on_track&page_size=200")]


# ---- bad requests -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "parameter", "message"),
    [
        ("measures/?priority=no-such-priority", "priority", "Select a priority from the list"),
        ("measures/?status=great", "status", "Select a status from the list"),
        ("measures/?lead_partner=abc", "lead_partner", "Select a lead partner from the list"),
        ("measures/?locality=atlantis", "locality", "Select a locality from the list"),
        ("measures/?direction=sideways", "direction", "Select a direction from the list"),
        ("values/?measure=KPM-99", "measure", "Select a measure from the list"),
        ("values/?period_from=2023-13-01", "period_from", "Enter the date as YYYY-MM-DD"),
        ("values/?period_from=01/04/2022", "period_from", "Enter the date as YYYY-MM-DD"),
        ("values/?period_from=2024-04-01&period_to=2023-03-31", "period_to", "must be on or after its start"),
        ("values/?locality=nowhere", "locality", "Select a locality from the list"),
        ("values/?status=maybe", "status", "Select a status from the list"),
        ("values/?illustrative=banana", "illustrative", "Select a true or false from the list"),
        ("meetings/?body=the-moon", "body", "Select a body from the list"),
        ("meetings/?year=1066", "year", "Select a year from the list"),
        ("meetings/?date_to=yesterday", "date_to", "Enter the date as YYYY-MM-DD"),
        ("actions/?status=done-ish", "status", "Select a status from the list"),
        ("actions/?lead_body=%00", "lead_body", "Select a lead body from the list"),
        ("actions/?edition=2099-2100", "edition", "Select a plan edition from the list"),
        ("priorities/?edition=nope", "edition", "Select a plan edition from the list"),
        ("themes/?priority=0", "priority", "Select a priority from the list"),
        ("values/?page_size=lots", "page_size", "Give a whole number from 1 to 200"),
        ("values/?page_size=-3", "page_size", "Give a whole number from 1 to 200"),
    ],
)
def test_a_malformed_filter_is_a_400_saying_which_and_why(client, path, parameter, message):
    response = get(client, path)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Some of the query parameters are not valid."
    assert message in " ".join(body["errors"][parameter])


@pytest.mark.parametrize(
    "path",
    [
        "measures/KPM-99/",
        "measures/%2e%2e/",
        "editions/1999-2000/",
        "priorities/999999/",
        "actions/0/",
        "values/999999/",
        "localities/atlantis/",
        "bodies/the-moon/",
        "meetings/999999/",
        "meetings/not-a-number/",
        "key-decisions/999999/",
        "duties/-1/",
        "partners/abc/",
        "themes/1e3/",
        "values/?page=999",
        "values/?page=0",
        "values/?page=last-but-one",
        "nonsense/",
        "measures/KPM-1.1/values/",
    ],
)
def test_unknown_records_pages_and_paths_are_json_404s(client, path):
    response = get(client, path)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_unknown_api_path_outside_v1_is_a_json_404_too(client):
    for path in ("/api/", "/api/v2/measures/", "/api/v1"):
        response = get(client, path)
        assert response.status_code == 404
        assert "/api/v1/" in response.json()["detail"]


def test_pages_past_the_end_say_so(client):
    response = get(client, "values/?page=999")
    assert response.json()["detail"] == "There is no page 999 of these results."


def test_page_size_is_capped_and_pages_link_to_each_other(client):
    first = get(client, "actions/?page_size=25").json()
    assert len(first["results"]) == 25
    second = get(client, first["next"].removeprefix("http://testserver")).json()
    assert second["previous"] and not {a["id"] for a in second["results"]} & {a["id"] for a in first["results"]}
    assert len(get(client, "actions/?page_size=100000").json()["results"]) == min(200, Action.objects.count())


# ---- writes, formats, throttling --------------------------------------------------------------------


def schema_paths(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return schema["paths"]


def real_path(path):
    """A schema path with a real record's id, slug or code put in."""
    examples = {
        "{id}": None,
        "{slug}": None,
        "{code}": "KPM-1.1",
    }
    collection = path.split("/")[3]
    if "{slug}" in path:
        examples["{slug}"] = {
            "editions": "2022-2027",
            "localities": "south-kirklees-test-locality",
            "bodies": "communities-board",
        }[collection]
    if "{id}" in path:
        model = {
            "priorities": Priority,
            "themes": Theme,
            "actions": Action,
            "values": ReportedValue,
            "partners": PartnerOrganisation,
            "meetings": Meeting,
            "key-decisions": KeyDecision,
            "duties": StatutoryDuty,
        }[collection]
        examples["{id}"] = str(model.objects.order_by("pk").values_list("pk", flat=True).first())
    for placeholder, value in examples.items():
        if value is not None:
            path = path.replace(placeholder, value)
    return path


def table_sizes():
    models = [PlanEdition, Priority, Action, Measure, ReportedValue, Locality, PartnerOrganisation, Body, Meeting]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.parametrize("as_officer", [False, True])
def test_every_write_to_every_api_path_is_refused_and_changes_nothing(officer_client, localities, as_officer):
    who = officer_client if as_officer else Client()
    paths = schema_paths(who)
    assert len(paths) == 2 * len(COLLECTIONS)
    before = table_sizes()
    for template, operations in paths.items():
        assert set(operations) == {"get"}, template  # the schema offers reading only
        path = real_path(template)
        assert who.get(path).status_code == 200, path
        for method in WRITES:
            response = getattr(who, method)(path, data={"title": "Changed"}, content_type="application/json")
            assert response.status_code in (401, 403, 405), (method, path, response.status_code)
            assert response.json()["detail"]
    assert table_sizes() == before
    assert Measure.objects.get(code="KPM-1.1").title != "Changed"


def test_json_only_even_when_a_browser_asks_for_html(client):
    response = client.get(API + "measures/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"] == "application/json"
    assert client.get(API + "measures/?format=api").status_code == 404


def test_any_web_page_may_read_the_open_data_but_not_the_pages_or_with_cookies(client):
    origin = {"HTTP_ORIGIN": "https://data.example.org"}
    for path in ["/api/v1/", "/api/v1/measures/KPM-1.1/", "/api/schema/", "/measures/values.csv", "/plans/actions.csv"]:
        response = client.get(path, **origin)
        assert response.status_code == 200, path
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in response, path
    for path in ["/measures/", "/admin/login/", "/data/"]:
        assert "Access-Control-Allow-Origin" not in client.get(path, **origin), path
    preflight = client.options("/api/v1/measures/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE", **origin)
    assert "DELETE" not in preflight["Access-Control-Allow-Methods"]
    assert "GET" in preflight["Access-Control-Allow-Methods"]


@override_settings(API_ANON_RATE="5/minute")
def test_anonymous_clients_are_throttled_with_a_clear_message_and_officers_are_not(officer_client):
    anonymous = Client()
    # Five different questions (an answer served from the page cache costs nothing and is not counted).
    for page_size in range(1, 6):
        assert get(anonymous, f"localities/?page_size={page_size}").status_code == 200
    response = get(anonymous, "localities/?page_size=6")
    assert response.status_code == 429
    assert "Request was throttled" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    for page_size in range(1, 7):
        assert get(officer_client, f"localities/?page_size={page_size}").status_code == 200


def test_the_default_limit_is_one_no_reader_meets(settings):
    count, period = settings.API_ANON_RATE.split("/")
    assert period in ("minute", "min", "m") and int(count) >= 120


# ---- the schema and its documentation ---------------------------------------------------------------


def test_the_schema_validates_with_no_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    assert "title: Kirklees Communities Partnership open data API" in schema
    assert "Open Government Licence v3.0" in schema


def test_the_schema_documents_the_filters_and_the_errors(client):
    paths = schema_paths(client)
    values = paths["/api/v1/values/"]["get"]
    names = {parameter["name"] for parameter in values["parameters"]}
    assert {"measure", "period_from", "period_to", "locality", "status", "page", "page_size"} <= names
    assert {"200", "400", "404", "429"} <= set(values["responses"])
    measures = {parameter["name"] for parameter in paths["/api/v1/measures/"]["get"]["parameters"]}
    assert {"priority", "status", "lead_partner", "locality", "direction"} <= measures
    meetings = {parameter["name"] for parameter in paths["/api/v1/meetings/"]["get"]["parameters"]}
    assert {"body", "year", "date_from", "date_to"} <= meetings
    actions = {parameter["name"] for parameter in paths["/api/v1/actions/"]["get"]["parameters"]}
    assert {"priority", "status", "lead_partner", "lead_body"} <= actions


def test_the_schema_documents_a_meeting_date_as_far_as_it_is_known(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    field = schema["components"]["schemas"]["Meeting"]["properties"]["date"]
    assert field["type"] == "string"
    assert "format" not in field  # not `date`, which would promise a whole day
    pattern = re.compile(field["pattern"])
    assert all(pattern.search(known) for known in ["2024-01-09", "2022-12", "2020"])
    assert not any(pattern.search(other) for other in ["2022-13", "2024-1-9", "2024-01-09T10:00", "December 2022"])
    assert all(form in field["description"] for form in ["`2024-01-09`", "`2022-12`", "`2020`"])


def test_the_docs_page_is_served_from_our_own_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open data API" in html
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in source for source in sources)
    assert all(not source.startswith(("http:", "https:", "//")) for source in sources), sources
    script = next(source for source in sources if "script=" in source)
    init = client.get(script.replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.content.decode()
    assert client.get(next(source for source in sources if "swagger-ui-bundle.js" in source)).status_code == 200


# ---- the same figures everywhere --------------------------------------------------------------------


def csv_rows(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))


def test_the_figures_agree_across_the_api_the_csv_downloads_and_the_pages(client, localities):
    place_names = dict(Locality.objects.values_list("slug", "name"))
    everything = csv_rows(client, "/measures/values.csv")
    status_table = {row["measure_code"]: row for row in csv_rows(client, "/measures/status.csv")}
    measures = results(client, "measures/?page_size=200")
    compared = 0
    for measure in measures:
        code = measure["code"]
        api_values = results(client, f"values/?measure={code}&page_size=200")
        own_csv = csv_rows(client, f"/measures/{code}/values.csv")
        assert [row for row in everything if row["measure_code"] == code] == own_csv, code
        # Every value: the same period, place and figure in the API and in the CSV, in the same order.
        assert [
            (v["period"], v["period_start"], v["period_end"], place_names.get(v["locality"], ""), v["value"])
            for v in api_values
        ] == [(r["period"], r["period_start"], r["period_end"], r["locality"], r["value"]) for r in own_csv], code
        assert [str(v["illustrative"]).lower() for v in api_values] == [r["illustrative"] for r in own_csv]
        page = client.get(f"/measures/{code}/").content.decode()
        assert measure["status"]["label"] in page
        if code in status_table:
            row = status_table[code]
            assert row["status"] == measure["status"]["label"], code
            assert row["latest_value"] == (measure["latest_value"] or {}).get("value", ""), code
        latest = measure["latest_value"]
        if latest is None:
            assert not [r for r in own_csv if not r["locality"]], code
            continue
        kirklees = [r for r in own_csv if not r["locality"]]
        assert (kirklees[-1]["value"], kirklees[-1]["period"]) == (latest["value"], latest["period"]), code
        assert kirklees[-1]["status"] == measure["status"]["label"], code
        shown = Measure.objects.get(code=code).format_value(Decimal(latest["value"]))
        assert shown in page and latest["period"] in page, code
        compared += 1
    assert compared >= 6  # the illustrative values give several measures figures to compare
