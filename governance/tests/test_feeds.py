"""The Atom feeds of meetings and of published minutes, read as a feed reader would."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time

import pytest

from governance.models import Body, Meeting, Minutes
from governance.tests.factories import MeetingFactory, MinutesFactory

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def read_feed(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - the portal's own output, not untrusted input
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    # What RFC 4287 requires of a feed: an id, a title, an updated time, and an author.
    for required in ("atom:id", "atom:title", "atom:updated", "atom:author/atom:name"):
        assert feed.find(required, ATOM) is not None, required
    return feed


def entries(feed):
    result = []
    for entry in feed.findall("atom:entry", ATOM):
        # What RFC 4287 requires of every entry; a published time is optional.
        for required in ("atom:id", "atom:title", "atom:updated"):
            assert entry.find(required, ATOM) is not None, required
        published = entry.findtext("atom:published", None, ATOM)
        result.append(
            {
                "title": entry.findtext("atom:title", None, ATOM),
                "id": entry.findtext("atom:id", None, ATOM),
                "link": entry.find("atom:link[@rel='alternate']", ATOM).get("href"),
                "published": datetime.fromisoformat(published) if published else None,
                "updated": datetime.fromisoformat(entry.findtext("atom:updated", None, ATOM)),
            }
        )
    return result


def test_the_meeting_feed_lists_every_public_meeting_newest_first(client, real_plan):
    feed = entries(read_feed(client, "/meetings/feed/"))
    assert len(feed) == 10
    assert [entry["title"] for entry in feed[:3]] == [
        "Kirklees Communities Partnership Board, 25 July 2023",
        "Kirklees Communities Partnership Board, 22 March 2023",
        "Kirklees Communities Partnership Board, December 2022",
    ]
    # No record says when Overview and Scrutiny met on the 2020 refresh: it comes last, with no date.
    assert [entry["title"] for entry in feed[-2:]] == [
        "Cabinet, 18 June 2019",
        "Overview and Scrutiny Committee, date not stated",
    ]
    cabinet = Meeting.objects.get(body__slug="cabinet")
    assert feed[-2]["link"] == f"http://testserver/meetings/{cabinet.pk}/"


def test_feed_dates_are_timezone_aware_and_in_london_time(client, real_plan):
    feed = entries(read_feed(client, "/meetings/feed/"))
    dated = [entry for entry in feed if entry["published"] is not None]
    assert len(dated) == 3  # the meetings known to the day
    for entry in feed:
        assert entry["updated"].tzinfo is not None
    for entry in dated:
        assert entry["published"].tzinfo is not None
        assert entry["updated"] >= entry["published"]
    # A summer meeting is at midnight British Summer Time; a winter one at midnight GMT.
    assert feed[0]["published"].isoformat() == "2023-07-25T00:00:00+01:00"
    assert feed[1]["published"].isoformat() == "2023-03-22T00:00:00+00:00"


def test_a_meeting_with_a_start_time_is_dated_at_that_time(client):
    MeetingFactory(date=date(2024, 6, 4), start_time=time(14, 30))
    (entry,) = entries(read_feed(client, "/meetings/feed/"))
    assert entry["published"].isoformat() == "2024-06-04T14:30:00+01:00"


def test_only_a_meeting_known_to_the_day_has_a_published_date(client):
    day = MeetingFactory(date=date(2024, 1, 9))
    month = MeetingFactory(date=date(2022, 12, 1), date_precision=Meeting.DatePrecision.MONTH)
    year = MeetingFactory(date=date(2020, 1, 1), date_precision=Meeting.DatePrecision.YEAR)
    changed = {
        day: datetime(2024, 2, 1, 10, 0, tzinfo=UTC),
        month: datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        year: datetime(2023, 3, 14, 16, 45, tzinfo=UTC),
    }
    for meeting, updated_at in changed.items():
        Meeting.objects.filter(pk=meeting.pk).update(updated_at=updated_at)
    feed = read_feed(client, "/meetings/feed/")
    on_the_day, in_the_month, in_the_year = entries(feed)
    assert on_the_day["title"].endswith(", 9 January 2024")
    assert on_the_day["published"].isoformat() == "2024-01-09T00:00:00+00:00"
    assert on_the_day["updated"] == changed[day]
    # No midnight on the 1st that nobody recorded: only when the record last changed.
    assert in_the_month["title"].endswith(", December 2022")
    assert in_the_month["published"] is None
    assert in_the_month["updated"] == changed[month]
    assert in_the_year["title"].endswith(", 2020")
    assert in_the_year["published"] is None
    assert in_the_year["updated"] == changed[year]
    # The feed was last updated when its most recently changed entry was.
    assert datetime.fromisoformat(feed.findtext("atom:updated", None, ATOM)) == changed[month]


def test_feed_entry_ids_are_unique_and_stable_whatever_the_host(client, real_plan):
    first = [entry["id"] for entry in entries(read_feed(client, "/meetings/feed/"))]
    again = [entry["id"] for entry in entries(read_feed(client, "/meetings/feed/"))]
    elsewhere = [entry["id"] for entry in entries(read_feed(client, "/meetings/feed/", HTTP_HOST="localhost"))]
    assert first == again == elsewhere
    assert len(set(first)) == len(first)
    assert all(guid.startswith("tag:kirklees.gov.uk,2026:") for guid in first)
    minutes_ids = [entry["id"] for entry in entries(read_feed(client, "/meetings/minutes/feed/"))]
    assert not set(minutes_ids) & set(first)


def test_the_minutes_feed_lists_the_published_minutes_and_links_them(client, real_plan):
    feed = entries(read_feed(client, "/meetings/minutes/feed/"))
    # The eight Board minutes the Council lists, and Overview and Scrutiny's on the 2020 refresh.
    assert len(feed) == 9
    assert feed[0]["title"] == "Minutes: Kirklees Communities Partnership Board, 25 July 2023"
    assert "Minutes: Kirklees Communities Partnership Board, September 2021" in [entry["title"] for entry in feed]
    assert "Minutes: Overview and Scrutiny Committee, date not stated" in [entry["title"] for entry in feed]
    scrutiny = Meeting.objects.get(body__slug="overview-and-scrutiny")
    assert f"http://testserver/meetings/{scrutiny.pk}/#minutes" in [entry["link"] for entry in feed]
    # The source does not say when they were published, so the feed does not claim a date.
    assert all(entry["published"] is None for entry in feed)


def test_minutes_are_dated_when_published_not_when_the_meeting_was(client):
    MinutesFactory(meeting__date=date(2024, 1, 16), published_on=date(2024, 3, 5))
    (entry,) = entries(read_feed(client, "/meetings/minutes/feed/"))
    assert entry["published"].isoformat() == "2024-03-05T00:00:00+00:00"


def test_the_feeds_leave_out_draft_minutes_and_unpublished_meetings(client, real_plan):
    board = Body.objects.get(slug="communities-board")
    MinutesFactory(meeting__body=board, meeting__date=date(2024, 1, 16), status=Minutes.Status.DRAFT)
    MinutesFactory(meeting__body=board, meeting__date=date(2024, 2, 20), meeting__is_published=False)
    meetings = [entry["title"] for entry in entries(read_feed(client, "/meetings/feed/"))]
    minutes = [entry["title"] for entry in entries(read_feed(client, "/meetings/minutes/feed/"))]
    assert "Kirklees Communities Partnership Board, 16 January 2024" in meetings
    assert not any("20 February 2024" in title for title in meetings + minutes)
    assert not any("16 January 2024" in title for title in minutes)
    assert len(minutes) == 9


def test_the_feeds_are_empty_but_valid_with_nothing_published(client):
    assert entries(read_feed(client, "/meetings/feed/")) == []
    assert entries(read_feed(client, "/meetings/minutes/feed/")) == []


def test_every_page_advertises_the_feeds(client, real_plan):
    content = client.get("/meetings/").content.decode()
    assert 'rel="alternate" type="application/atom+xml" title="Partnership meetings" href="/meetings/feed/"' in content
    assert 'href="/meetings/minutes/feed/"' in content
