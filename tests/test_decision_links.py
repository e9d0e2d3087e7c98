"""Decisions, agenda items and minutes name the editions, priorities, actions and measures they concern: the pages
of those list them, and the API carries the links both ways, never naming a draft or a meeting kept private."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.admin_testing import admin_url, post_back
from core.testing import text
from governance.models import Meeting, Minutes
from governance.tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    MinutesFactory,
)
from measures.tests.factories import MeasureFactory
from priorities.models import PublicationStatus
from priorities.tests.factories import ActionFactory, PlanEditionFactory, PriorityFactory, PublishedEditionFactory

pytestmark = pytest.mark.django_db

API = "http://testserver/api/v1"


@pytest.fixture
def plan():
    """A published plan with one priority, action and measure, and a draft refresh with its own."""
    edition = PublishedEditionFactory(slug="2022-2027", title="Communities Partnership Plan 2022-2027")
    priority = PriorityFactory(edition=edition, title="Tackling violence", slug="tackling-violence")
    draft = PlanEditionFactory(slug="secret-refresh", title="Secret refresh", status=PublicationStatus.DRAFT)
    draft_priority = PriorityFactory(edition=draft, title="Secret priority", slug="secret-priority")
    return {
        "edition": edition,
        "priority": priority,
        "action": ActionFactory(priority=priority, number=1, text="Run a knife crime campaign"),
        "measure": MeasureFactory(priority=priority, code="KPM-1.1", title="Violent crime"),
        "draft": draft,
        "draft_priority": draft_priority,
        "draft_action": ActionFactory(priority=draft_priority, number=1, text="A secret action"),
        "draft_measure": MeasureFactory(priority=draft_priority, code="SECRET-1", title="A secret measure"),
    }


def decision(*, on, words="That the report be noted.", body=None, **meeting):
    """A decision at a new meeting of `body` (a new body unless given), naming each record in `on`."""
    meeting = MeetingFactory(body=body or BodyFactory(), **meeting)
    made = DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting, title="Performance"), text=words)
    name(made, on)
    return made


def name(record, on):
    """Make a decision, agenda item or minutes name each record in `on`."""
    for concerned in on:
        field = {"planedition": "editions", "priority": "priorities", "action": "actions", "measure": "measures"}
        getattr(record, field[concerned._meta.model_name]).add(concerned)


def api(client, path):
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 200, path
    return response.json()


def meeting_url(meeting):
    return f"{API}/meetings/{meeting.pk}/"


# ---- decisions -------------------------------------------------------------------------------------------


def test_a_decision_naming_a_measure_is_in_the_measures_record_and_the_meeting_names_the_measure(client, plan):
    measure = plan["measure"]
    board = BodyFactory(name="Communities Board")
    older = decision(on=[measure], words="That the rise be reported to scrutiny.", body=board, date=date(2024, 1, 9))
    newer = decision(on=[measure], words="That the target be kept.", body=board, date=date(2025, 3, 18))

    record = api(client, "measures/KPM-1.1/")
    assert [item["text"] for item in record["decisions"]] == [
        "That the target be kept.",
        "That the rise be reported to scrutiny.",
    ]
    first = record["decisions"][0]
    assert first["meeting"] == meeting_url(newer.agenda_item.meeting)
    assert first["date"] == "2025-03-18"
    assert first["body_name"] == "Communities Board"
    assert first["agenda_item"] == "Performance"
    assert first["web_url"] == f"http://testserver{newer.get_absolute_url()}"
    # The list gives each measure the same decisions as its own record does.
    assert api(client, "measures/")["results"][0]["decisions"] == record["decisions"]

    meeting = api(client, f"meetings/{older.agenda_item.meeting.pk}/")
    assert meeting["agenda_items"][0]["decisions"][0]["measures"] == [f"{API}/measures/KPM-1.1/"]
    assert client.get(meeting["agenda_items"][0]["decisions"][0]["measures"][0]).json()["code"] == "KPM-1.1"


def test_a_decision_on_an_item_naming_a_priority_is_about_the_priority_in_the_api_as_on_its_page(client, plan):
    priority = plan["priority"]
    item = AgendaItemFactory(meeting=MeetingFactory(body=BodyFactory(name="Scrutiny")), title="Violence")
    name(item, [priority])
    DecisionFactory(agenda_item=item, text="That the violence strategy be endorsed.")

    assert "That the violence strategy be endorsed." in text(client.get(priority.get_absolute_url()))
    record = api(client, f"priorities/{priority.pk}/")
    assert [made["text"] for made in record["decisions"]] == ["That the violence strategy be endorsed."]
    meeting = api(client, f"meetings/{item.meeting.pk}/")
    assert meeting["agenda_items"][0]["priorities"] == [f"{API}/priorities/{priority.pk}/"]


# ---- minutes ---------------------------------------------------------------------------------------------


def test_minutes_naming_an_action_appear_on_the_action_page_and_in_the_api(client, plan):
    action = plan["action"]
    minutes = MinutesFactory(meeting=MeetingFactory(body=BodyFactory(name="Communities Board"), date=date(2024, 1, 9)))
    name(minutes, [action])

    response = client.get(action.get_absolute_url())
    assert "Minutes of the Communities Board meeting, 9 January 2024" in text(response)
    assert f'href="{minutes.meeting.get_absolute_url()}#minutes"' in response.content.decode()

    record = api(client, f"actions/{action.pk}/")
    assert [(item["meeting"], item["date"]) for item in record["minutes"]] == [
        (meeting_url(minutes.meeting), "2024-01-09")
    ]
    meeting = api(client, f"meetings/{minutes.meeting.pk}/")
    assert meeting["minutes"]["actions"] == [f"{API}/actions/{action.pk}/"]


def test_an_officer_names_what_the_minutes_concern_on_the_meetings_page(officer_client, plan):
    action = plan["action"]
    minutes = MinutesFactory(meeting=MeetingFactory(body=BodyFactory(name="Communities Board"), date=date(2024, 1, 9)))
    url = admin_url(Meeting, "change", minutes.meeting.pk)
    page = officer_client.get(url)
    assert "admin-autocomplete" in page.content.decode()  # chosen by searching, as on a decision

    saved = officer_client.post(url, post_back(page, **{"minutes-0-actions": [str(action.pk)]}))

    assert saved.status_code == 302
    assert list(minutes.actions.all()) == [action]
    reader = Client()
    assert "Minutes of the Communities Board meeting, 9 January 2024" in text(reader.get(action.get_absolute_url()))


def test_minutes_not_yet_published_are_never_named(client, plan):
    action = plan["action"]
    draft = MinutesFactory(meeting=MeetingFactory(date=date(2024, 1, 9)), status=Minutes.Status.DRAFT)
    name(draft, [action])

    assert "Minutes of" not in text(client.get(action.get_absolute_url()))
    assert api(client, f"actions/{action.pk}/")["minutes"] == []
    assert api(client, f"meetings/{draft.meeting.pk}/")["minutes"] is None


def test_a_change_to_what_minutes_name_is_seen_at_once_through_the_page_cache(client, plan):
    measure = plan["measure"]
    minutes = MinutesFactory(meeting=MeetingFactory(date=date(2024, 1, 9)))
    assert api(client, "measures/KPM-1.1/")["minutes"] == []
    assert queries(client, "/api/v1/measures/KPM-1.1/")[0] == 0  # served from the cache

    minutes.measures.add(measure)

    assert len(api(client, "measures/KPM-1.1/")["minutes"]) == 1
    assert "Minutes of the" in text(client.get(measure.get_absolute_url()))


# ---- what the public never sees ----------------------------------------------------------------------------


def test_a_draft_edition_is_never_named_in_the_public_api_or_pages(client, plan):
    drafts = [plan["draft"], plan["draft_priority"], plan["draft_action"], plan["draft_measure"]]
    made = decision(on=[*drafts, plan["measure"]], words="That the refresh be prepared.", date=date(2025, 3, 18))
    name(made.agenda_item, drafts[1:])  # an item names its edition as its plan edition
    made.agenda_item.plan_edition = plan["draft"]
    made.agenda_item.save()
    name(MinutesFactory(meeting=made.agenda_item.meeting), drafts)

    meeting = api(client, f"meetings/{made.agenda_item.meeting.pk}/")
    item = meeting["agenda_items"][0]
    assert (item["plan_edition"], item["priorities"], item["actions"], item["measures"]) == (None, [], [], [])
    named = item["decisions"][0]
    assert (named["editions"], named["priorities"], named["actions"]) == ([], [], [])
    assert named["measures"] == [f"{API}/measures/KPM-1.1/"]  # the published plan's measure is named
    minutes = meeting["minutes"]
    assert (minutes["editions"], minutes["priorities"], minutes["actions"], minutes["measures"]) == ([], [], [], [])
    for page in ("/api/v1/meetings/", f"/api/v1/meetings/{made.agenda_item.meeting.pk}/", "/api/v1/measures/"):
        content = client.get(page).content.decode()
        assert "secret" not in content.lower(), page
    assert "Secret" not in text(client.get(made.agenda_item.meeting.get_absolute_url()))
    # The published plan's measure lists the decision.
    assert "That the refresh be prepared." in text(client.get(plan["measure"].get_absolute_url()))


def test_an_unpublished_meetings_decisions_and_minutes_never_appear(client, plan):
    measure = plan["measure"]
    private = decision(on=[measure], words="In private session.", is_published=False)
    name(MinutesFactory(meeting=private.agenda_item.meeting), [measure])

    record = api(client, "measures/KPM-1.1/")
    assert (record["decisions"], record["minutes"]) == ([], [])
    page = text(client.get(measure.get_absolute_url()))
    assert "In private session." not in page and "Minutes of the" not in page
    assert api(client, "meetings/")["results"] == []


# ---- costs -------------------------------------------------------------------------------------------------


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(captured), response


LISTS = ["editions/", "priorities/", "actions/", "measures/", "meetings/"]


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_queries_with_one_or_many_linked_decisions(client, plan, path):
    public = [plan["edition"], plan["priority"], plan["action"], plan["measure"]]
    board = BodyFactory(name="Communities Board")

    def meeting_about_the_plan(on):
        """A meeting with an item on the plan, a decision and minutes naming it, and a decision on the item."""
        made = decision(on=public, body=board, date=on)
        item = made.agenda_item
        name(item, public[1:])
        item.plan_edition = plan["edition"]
        item.save()
        DecisionFactory(agenda_item=item)
        name(MinutesFactory(meeting=item.meeting), public)

    meeting_about_the_plan(date(2019, 1, 1))
    one, few = queries(client, f"/api/v1/{path}")

    for n in range(6):
        meeting_about_the_plan(date(2020 + n, 1, 1))
        PriorityFactory(edition=plan["edition"])
        MeasureFactory(priority=plan["priority"])
        ActionFactory(priority=plan["priority"])
    many, more = queries(client, f"/api/v1/{path}")

    assert len(more.content) > 2 * len(few.content)  # the links are there, many more of them
    assert many == one


@pytest.mark.parametrize("record", ["edition", "priority", "action", "measure"])
def test_a_page_costs_the_same_queries_with_one_or_many_decisions_and_minutes_about_it(client, plan, record):
    about = plan[record]
    decision(on=[about])
    name(MinutesFactory(meeting=MeetingFactory(date=date(2019, 1, 1))), [about])
    one, _ = queries(client, about.get_absolute_url())

    for n in range(25):
        decision(on=[about], date=date(2020, 1, 1 + n))
        name(MinutesFactory(meeting=MeetingFactory(date=date(2021, 1, 1 + n))), [about])
    many, more = queries(client, about.get_absolute_url())

    assert text(more).count("Minutes of the") == 20  # the 20 most recent
    assert many == one


def test_a_page_of_meetings_without_agendas_costs_what_a_page_with_full_ones_does(client, plan):
    """A list's queries do not depend on what its page happens to hold: the newest meetings often have no
    agenda yet, and a page of them must not be cheaper than one whose decisions and minutes name the plan."""
    public = [plan["edition"], plan["priority"], plan["action"], plan["measure"]]
    board = BodyFactory(name="Communities Board")
    for year in range(2019, 2022):
        made = decision(on=public, body=board, date=date(year, 1, 1))
        name(made.agenda_item, public[1:])
        name(MinutesFactory(meeting=made.agenda_item.meeting), public)
    full, with_agendas = queries(client, "/api/v1/meetings/")

    for month in range(1, 13):
        MeetingFactory(body=board, date=date(2026, month, 1))
    bare, newest = queries(client, "/api/v1/meetings/?page_size=5")

    assert [meeting["agenda_items"] for meeting in newest.json()["results"]] == [[]] * 5
    assert any(meeting["agenda_items"][0]["decisions"][0]["measures"] for meeting in with_agendas.json()["results"])
    assert bare == full


@pytest.mark.parametrize("path", ["editions/", "priorities/", "actions/", "measures/"])
def test_a_list_costs_the_same_queries_whether_or_not_an_agenda_item_names_its_records(client, plan, path):
    """The decisions made on an item about a record are asked for whatever the page holds, so a page costs
    the same before and after an officer first links an agenda item to a priority, action or measure."""
    before, _ = queries(client, f"/api/v1/{path}")

    item = AgendaItemFactory(
        meeting=MeetingFactory(body=BodyFactory()), title="Performance", plan_edition=plan["edition"]
    )
    name(item, [plan["priority"], plan["action"], plan["measure"]])
    DecisionFactory(agenda_item=item, text="That the performance report be noted.")
    after, response = queries(client, f"/api/v1/{path}")

    assert "That the performance report be noted." in response.content.decode()
    assert after == before


def test_the_decision_that_approved_an_edition_links_to_it_from_its_meeting(client, plan):
    approval = decision(on=[], words="That the plan be approved.", date=date(2022, 3, 1))
    approval.approves_edition = plan["edition"]
    approval.save()

    meeting = client.get(f"/api/v1/meetings/{approval.agenda_item.meeting.pk}/").json()
    edition = client.get("/api/v1/editions/2022-2027/").json()

    assert meeting["agenda_items"][0]["decisions"][0]["editions"] == [f"{API}/editions/2022-2027/"]
    assert [made["text"] for made in edition["decisions"]] == ["That the plan be approved."]


def test_a_record_in_the_api_carries_its_newest_twenty_decisions_as_its_page_does(client, plan):
    """A list of measures must not grow with every meeting that ever discussed them: the newest 20, as on
    the measure's page; each meeting's record has all of its decisions."""
    for year in range(2000, 2025):
        decision(on=[plan["measure"]], words=f"That the {year} figures be noted.", date=date(year, 6, 1))

    listed = client.get("/api/v1/measures/").json()["results"][0]["decisions"]
    page = text(client.get("/measures/KPM-1.1/"))

    assert [made["text"] for made in listed] == [f"That the {year} figures be noted." for year in range(2024, 2004, -1)]
    assert "That the 2005 figures be noted." in page
    assert "That the 2004 figures be noted." not in page
