"""Issue 13, calendar and forward plan: the meetings' iCalendar feeds, read back as a calendar app reads them,
and what the governance pages say is coming up (the next meetings, the key decisions due)."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from core.testing import text
from governance.models import Body, KeyDecision, Meeting
from governance.tests.factories import AgendaItemFactory, BodyFactory, KeyDecisionFactory, MeetingFactory
from governance.tests.test_views import items_in

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def read_calendar(client, url, **headers):
    """The feed as a calendar app takes it: checked against what RFC 5545 asks of the file, then parsed."""
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.ics"')
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), "RFC 5545 folds lines longer than 75 octets"
    assert b"\n" not in raw.replace(b"\r\n", b""), "lines end with CRLF only"
    calendar = Calendar.from_ical(raw)
    calendar.validate()  # a PRODID, a VERSION and at least one component
    assert calendar.get_missing_tzids() == set(), "every time zone an event uses is described"
    for event in calendar.events:
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL", "DESCRIPTION"):
            assert required in event, required
    return calendar


def summaries(calendar):
    return [str(event["SUMMARY"]) for event in calendar.events]


def soon(days):
    return timezone.localdate() + timedelta(days=days)


# ---- the feeds --------------------------------------------------------------------------------------------------


def test_the_feed_has_each_published_meeting_known_to_the_day_and_says_what_it_leaves_out(client, real_plan):
    calendar = read_calendar(client, "/meetings/calendar.ics")
    # Three of the real plan's ten meetings are known to the day; the others only to the month, or not dated.
    assert summaries(calendar) == [
        "Cabinet meeting",
        "Kirklees Communities Partnership Board meeting",
        "Kirklees Communities Partnership Board meeting",
    ]
    assert [event.start for event in calendar.events] == [date(2019, 6, 18), date(2023, 3, 22), date(2023, 7, 25)]
    cabinet = Meeting.objects.get(body__slug="cabinet")
    (event,) = [event for event in calendar.events if event.start == date(2019, 6, 18)]
    assert str(event["URL"]) == f"http://testserver/meetings/{cabinet.pk}/"
    assert str(event["UID"]) == f"meeting-{cabinet.pk}@communities-partnership.kirklees.gov.uk"
    assert "Agenda:\nKirklees Communities Partnership Plan" in str(event["DESCRIPTION"])
    # The records do not say whether the Cabinet met as planned: the feed claims neither way.
    assert "STATUS" not in event
    assert "Status: Not stated in the records." in str(event["DESCRIPTION"])
    assert calendar.calendar_name == "Kirklees Communities Partnership meetings"
    assert calendar.description.endswith(
        "7 published meetings whose day the records do not give are left out, rather than put on a day nobody "
        "recorded: see http://testserver/meetings/"
    )


def test_unpublished_meetings_and_meetings_without_a_day_are_left_out(client):
    board = BodyFactory(name="Test Board")
    MeetingFactory(body=board, date=date(2024, 1, 9))
    MeetingFactory(body=board, date=date(2024, 2, 6), is_published=False)
    MeetingFactory(body=board, date=None)
    MeetingFactory(body=board, date=date(2022, 12, 1), date_precision=Meeting.DatePrecision.MONTH)
    MeetingFactory(body=board, date=date(2020, 1, 1), date_precision=Meeting.DatePrecision.YEAR)
    for url in ("/meetings/calendar.ics", f"/governance/{board.slug}/calendar.ics"):
        calendar = read_calendar(client, url)
        assert [event.start for event in calendar.events] == [date(2024, 1, 9)]
        # Neither 1 December 2022 nor 1 January 2020, days nobody recorded.
        assert b"20221201" not in calendar.to_ical() and b"20200101" not in calendar.to_ical()
        # The unpublished meeting is neither shown nor counted.
        assert "3 published meetings whose day the records do not give are left out" in calendar.description


def test_an_empty_feed_is_still_a_valid_calendar(client):
    calendar = read_calendar(client, "/meetings/calendar.ics")
    assert calendar.events == []
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/London"]
    assert "left out" not in calendar.description


def test_a_bodys_feed_has_only_its_meetings(client, real_plan):
    calendar = read_calendar(client, "/governance/communities-board/calendar.ics")
    assert summaries(calendar) == ["Kirklees Communities Partnership Board meeting"] * 2
    assert (
        calendar.calendar_name == "Kirklees Communities Partnership Board meetings (Kirklees Communities Partnership)"
    )
    board = Body.objects.get(slug="communities-board")
    assert str(calendar.url) == f"http://testserver{board.get_absolute_url()}"
    # Six Board meetings are known only to the month.
    assert "6 published meetings whose day the records do not give are left out" in calendar.description
    assert read_calendar(client, "/governance/cabinet/calendar.ics").events[0].start == date(2019, 6, 18)
    assert client.get("/governance/no-such-body/calendar.ics").status_code == 404


def test_a_meeting_without_a_time_is_all_day_and_one_with_a_time_starts_then_in_london_time(client):
    MeetingFactory(date=date(2024, 6, 4), start_time=time(14, 30), body__name="Summer Board")
    MeetingFactory(date=date(2024, 1, 16), start_time=time(10, 0), body__name="Winter Board")
    MeetingFactory(date=date(2024, 3, 5), body__name="Untimed Board")
    calendar = read_calendar(client, "/meetings/calendar.ics")
    events = {str(event["SUMMARY"]): event for event in calendar.events}

    all_day = events["Untimed Board meeting"]
    assert all_day.start == date(2024, 3, 5)  # a date, not a date and time
    assert all_day.end == date(2024, 3, 6)  # the one day
    assert b"DTSTART;VALUE=DATE:20240305" in calendar.to_ical()

    summer, winter = events["Summer Board meeting"], events["Winter Board meeting"]
    assert summer.start == datetime(2024, 6, 4, 14, 30, tzinfo=LONDON)
    assert summer.start.utcoffset() == timedelta(hours=1)  # British Summer Time
    assert winter.start.utcoffset() == timedelta(0)
    assert summer["DTSTART"].params["TZID"] == "Europe/London"
    # No record gives an end time, so none is made up.
    assert "DTEND" not in summer and "DURATION" not in summer
    (london,) = calendar.timezones
    assert london.tz_name == "Europe/London"
    # The time zone as described in the feed puts the meeting where London time does.
    assert summer.start.astimezone(london.to_tz()).utcoffset() == timedelta(hours=1)


def test_commas_and_semicolons_are_escaped_and_read_back_as_written(client):
    meeting = MeetingFactory(
        body__name="Children, Young People; Families Board",
        location="Council Chamber, Town Hall; Huddersfield",
    )
    AgendaItemFactory(meeting=meeting, number=1, agenda_number="1", title="Minutes; matters arising, and actions")
    response = client.get("/meetings/calendar.ics")
    raw = response.content.decode()
    assert "SUMMARY:Children\\, Young People\\; Families Board meeting" in raw
    assert "LOCATION:Council Chamber\\, Town Hall\\; Huddersfield" in raw
    (event,) = read_calendar(client, "/meetings/calendar.ics").events
    assert str(event["SUMMARY"]) == "Children, Young People; Families Board meeting"
    assert str(event["LOCATION"]) == "Council Chamber, Town Hall; Huddersfield"
    assert "1. Minutes; matters arising, and actions" in str(event["DESCRIPTION"])


def test_an_event_gives_the_place_only_when_recorded_and_the_agenda_in_order(client):
    meeting = MeetingFactory(date=date(2024, 1, 9))
    AgendaItemFactory(meeting=meeting, number=2, agenda_number="7", title="Knife crime update")
    AgendaItemFactory(meeting=meeting, number=1, agenda_number="6", title="Partnership plan refresh")
    MeetingFactory(date=date(2024, 2, 6), location="Dewsbury Town Hall")
    calendar = read_calendar(client, "/meetings/calendar.ics")
    first, second = calendar.events
    assert "LOCATION" not in first
    assert str(first["DESCRIPTION"]) == (
        "Status: Held.\n\nAgenda:\n6. Partnership plan refresh\n7. Knife crime update\n\n"
        f"Agenda, papers and minutes: http://testserver/meetings/{meeting.pk}/"
    )
    assert str(second["LOCATION"]) == "Dewsbury Town Hall"
    assert "No agenda items are recorded yet." in str(second["DESCRIPTION"])


@pytest.mark.parametrize(
    ("status", "event_status", "summary"),
    [
        (Meeting.Status.SCHEDULED, "CONFIRMED", "Test Board meeting"),
        (Meeting.Status.HELD, "CONFIRMED", "Test Board meeting"),
        (Meeting.Status.CANCELLED, "CANCELLED", "Test Board meeting (cancelled)"),
        (Meeting.Status.POSTPONED, "CANCELLED", "Test Board meeting (postponed)"),
        ("", None, "Test Board meeting"),
    ],
)
def test_a_cancelled_meeting_is_cancelled_in_the_calendar(client, status, event_status, summary):
    MeetingFactory(body__name="Test Board", status=status)
    (event,) = read_calendar(client, "/meetings/calendar.ics").events
    assert event.get("STATUS") == event_status
    assert str(event["SUMMARY"]) == summary


def test_the_feed_is_the_same_from_any_host_and_unchanged_until_a_meeting_changes(client):
    meeting = MeetingFactory(date=date(2024, 1, 9))
    first = client.get("/meetings/calendar.ics")
    again = client.get("/meetings/calendar.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304  # a calendar app that has it fetches nothing
    (event,) = read_calendar(client, "/meetings/calendar.ics", HTTP_HOST="localhost").events
    assert str(event["UID"]) == f"meeting-{meeting.pk}@communities-partnership.kirklees.gov.uk"
    # When the record last changed (to the second), not when the feed was fetched.
    assert event.stamp == meeting.updated_at.replace(microsecond=0)
    meeting.location = "Huddersfield Town Hall"
    meeting.save()
    changed = client.get("/meetings/calendar.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    (event,) = Calendar.from_ical(changed.content).events
    assert str(event["LOCATION"]) == "Huddersfield Town Hall"
    assert event.stamp == meeting.updated_at.replace(microsecond=0)


def add_meetings(count, body=None):
    """`count` published meetings known to the day, each with two agenda items, some timed and some placed."""
    for n in range(count):
        meeting = MeetingFactory(
            body=body or BodyFactory(),
            date=date(2024, 1, 1) + timedelta(days=7 * n),
            start_time=time(14) if n % 2 else None,
            location="Town Hall" if n % 3 else "",
        )
        AgendaItemFactory(meeting=meeting, number=1)
        AgendaItemFactory(meeting=meeting, number=2)
    MeetingFactory(body=body or BodyFactory(), date=None)


@pytest.mark.parametrize(("url", "queries"), [("/meetings/calendar.ics", 2), ("/governance/{slug}/calendar.ics", 3)])
def test_a_feed_costs_the_same_queries_for_one_meeting_or_forty(client, django_assert_num_queries, url, queries):
    board = BodyFactory()
    add_meetings(1, body=board)
    path = url.format(slug=board.slug)
    with django_assert_num_queries(queries):
        assert len(read_calendar(client, path).events) == 1
    add_meetings(39, body=board)
    cache.clear()  # the page cache would answer without the database at all
    with django_assert_num_queries(queries):
        assert len(read_calendar(client, path).events) == 40


# ---- what is coming up, on the governance pages -----------------------------------------------------------------


def test_the_governance_page_lists_the_next_meetings_soonest_first_with_links(client):
    board, cabinet = BodyFactory(name="Test Board"), BodyFactory(name="Cabinet")
    later = MeetingFactory(body=board, date=soon(30), status=Meeting.Status.SCHEDULED)
    MeetingFactory(body=cabinet, date=soon(2), start_time=time(14, 30), status=Meeting.Status.SCHEDULED)
    MeetingFactory(body=board, date=timezone.localdate(), status="")  # today, whether held not stated
    MeetingFactory(body=board, date=soon(9), status=Meeting.Status.CANCELLED)
    # Not to come: past, held, not dated, or kept off the public pages.
    MeetingFactory(body=board, date=soon(-1), status=Meeting.Status.SCHEDULED)
    MeetingFactory(body=board, date=timezone.localdate(), status=Meeting.Status.HELD)
    MeetingFactory(body=board, date=None, status=Meeting.Status.SCHEDULED)
    MeetingFactory(body=board, date=soon(5), is_published=False)

    response = client.get("/governance/")
    rows = items_in(response, "upcoming-meetings-list", "div")
    assert rows == [
        f"{timezone.localdate():%-d %B %Y}: Test Board Test Board Not stated in the records",
        f"{soon(2):%-d %B %Y}, 2:30pm: Cabinet Cabinet Scheduled",
        f"{soon(9):%-d %B %Y}: Test Board Test Board Cancelled",
        f"{soon(30):%-d %B %Y}: Test Board Test Board Scheduled",
    ]
    assert f'href="{later.get_absolute_url()}"' in response.content.decode()
    assert "No meetings are scheduled." not in text(response)


def test_a_meeting_known_only_to_this_month_is_still_to_come_but_not_one_of_last_month(client):
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    MeetingFactory(date=this_month, date_precision=Meeting.DatePrecision.MONTH, status=Meeting.Status.SCHEDULED)
    MeetingFactory(date=last_month, date_precision=Meeting.DatePrecision.MONTH, status=Meeting.Status.SCHEDULED)
    rows = items_in(client.get("/governance/"), "upcoming-meetings-list", "div")
    assert len(rows) == 1
    assert rows[0].startswith(f"{this_month:%B %Y}:")  # the month, as recorded: no day made up


def test_only_the_next_five_are_listed_with_a_link_to_the_rest(client):
    for days in range(1, 8):
        MeetingFactory(date=soon(days), status=Meeting.Status.SCHEDULED)
    response = client.get("/governance/")
    assert len(items_in(response, "upcoming-meetings-list", "div")) == 5
    assert "These are the next 5. See every meeting" in text(response)


def test_with_nothing_to_come_the_pages_say_so(client, real_plan):
    # The real plan's meetings and its one key decision are all in the past.
    page = text(client.get("/governance/"))
    assert "Upcoming meetings No meetings are scheduled." in page
    assert "Key decisions due No key decisions are due." in page
    page = text(client.get("/governance/communities-board/"))
    assert "Upcoming meetings No meetings are scheduled." in page
    assert "Key decisions due" not in page  # the Board takes no key decisions: nothing to say


def test_a_body_page_lists_only_its_own_next_meetings_and_key_decisions_due(client):
    board, other = BodyFactory(name="Test Board"), BodyFactory(name="Other Board")
    MeetingFactory(body=board, date=soon(14), status=Meeting.Status.SCHEDULED)
    MeetingFactory(body=other, date=soon(7), status=Meeting.Status.SCHEDULED)
    KeyDecisionFactory(title="Adopt the refreshed plan", decision_maker=board, due_date=soon(20))
    KeyDecisionFactory(title="Someone else's decision", decision_maker=other, due_date=soon(10))
    response = client.get(f"/governance/{board.slug}/")
    assert items_in(response, "upcoming-meetings-list", "div") == [f"{soon(14):%-d %B %Y} Scheduled"]
    assert items_in(response, "key-decisions-due-list", "div") == [f"Due {soon(20):%-d %B %Y} Adopt the refreshed plan"]


def test_the_key_decisions_due_are_those_still_to_take_soonest_first_with_their_due_date_and_body(client):
    cabinet, council = BodyFactory(name="Cabinet"), BodyFactory(name="Full Council")
    KeyDecisionFactory(title="Adopt the plan", decision_maker=council, due_date=soon(60))
    KeyDecisionFactory(title="Refresh the plan", decision_maker=cabinet, due_date=timezone.localdate())
    KeyDecisionFactory(
        title="Fund the youth service", decision_maker=cabinet, due_date=soon(10), status=KeyDecision.Status.DEFERRED
    )
    # Not due: past, already taken, or withdrawn.
    KeyDecisionFactory(title="Last year's plan", decision_maker=cabinet, due_date=soon(-1))
    KeyDecisionFactory(
        title="Taken early",
        decision_maker=cabinet,
        due_date=soon(5),
        status=KeyDecision.Status.RECOMMENDATIONS_APPROVED,
    )
    KeyDecisionFactory(title="Dropped", decision_maker=cabinet, due_date=soon(5), status=KeyDecision.Status.WITHDRAWN)
    response = client.get("/governance/")
    assert items_in(response, "key-decisions-due-list", "div") == [
        f"Due {timezone.localdate():%-d %B %Y} Refresh the plan Decision maker: Cabinet",
        f"Due {soon(10):%-d %B %Y} Fund the youth service (deferred) Decision maker: Cabinet",
        f"Due {soon(60):%-d %B %Y} Adopt the plan Decision maker: Full Council",
    ]
    refresh = KeyDecision.objects.get(title="Refresh the plan")
    content = response.content.decode()
    # Each leads to its full record further down the page, and to the body that takes it.
    assert f'href="/governance/#key-decision-{refresh.pk}"' in content
    assert f'id="key-decision-{refresh.pk}"' in content
    assert f'href="{cabinet.get_absolute_url()}"' in content


@pytest.mark.parametrize("url", ["/governance/", "/governance/{slug}/"])
def test_what_is_coming_up_costs_no_query_per_meeting_or_decision(client, django_assert_num_queries, url):
    board = BodyFactory()
    path = url.format(slug=board.slug)
    MeetingFactory(body=board, date=soon(1), status=Meeting.Status.SCHEDULED)
    KeyDecisionFactory(decision_maker=board, due_date=soon(1))
    with CaptureQueriesContext(connection) as once:
        response = client.get(path)
    assert len(items_in(response, "upcoming-meetings-list", "div")) == 1
    for days in range(2, 12):
        MeetingFactory(body=BodyFactory() if days % 2 else board, date=soon(days), status=Meeting.Status.SCHEDULED)
        KeyDecisionFactory(decision_maker=board, due_date=soon(days))
    cache.clear()
    with django_assert_num_queries(len(once)):
        response = client.get(path)
    assert len(items_in(response, "key-decisions-due-list", "div")) == 11


# ---- the links to the feeds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "feed", "link"),
    [
        ("/meetings/", "/meetings/calendar.ics", "Add every body's meetings to your calendar (ICS file)"),
        ("/governance/", "/meetings/calendar.ics", "Add every body's meetings to your calendar (ICS file)"),
        (
            "/governance/communities-board/",
            "/governance/communities-board/calendar.ics",
            "Add meetings of the Kirklees Communities Partnership Board to your calendar (ICS file)",
        ),
    ],
)
def test_the_meeting_and_body_pages_offer_their_calendar_to_add_or_subscribe_to(client, real_plan, page, feed, link):
    response = client.get(page)
    content = response.content.decode()
    assert f'<a class="govuk-link" href="{feed}">' in content
    assert link in text(response)
    # The full address, to give a calendar app that subscribes to it.
    assert f'<code class="govuk-!-text-break-word">http://testserver{feed}</code>' in content
    # And the same address where a browser or an app looks for feeds by itself.
    assert re.search(rf'<link rel="alternate" type="text/calendar" title="[^"]+" href="{feed}">', content)
    read_calendar(client, feed)
