"""What is coming up: the next meetings and the key decisions due, and every meeting as an iCalendar feed.

A calendar needs a day. A meeting whose records give only the month or the year, or no date at all, is
never put in a feed (the first of the month would be a day nobody recorded); the feed's description
says how many are left out. A meeting with a recorded start time starts then, in London time, with the
VTIMEZONE that says what London time is; one without is an all-day event. No record gives an end time,
so no event has one: RFC 5545 takes a timed event without one to end as it starts.

The feeds follow RFC 5545 and RFC 7986, and are written by the `icalendar` library, which escapes
commas, semicolons and new lines and folds long lines.
"""

from datetime import date, datetime, timedelta

from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.template.defaultfilters import pluralize
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vDuration

from governance.models import AgendaItem, KeyDecision, Meeting

# Stable whatever host serves the feed, so a calendar that has an event never gets it twice.
UID_DOMAIN = "communities-partnership.kirklees.gov.uk"
PRODID = "-//Kirklees Communities Partnership//Meetings//EN"
# How often a calendar app that subscribes should fetch the feed again.
REFRESH = timedelta(days=1)

# A meeting's recorded status as a calendar's: one called off is cancelled on its day; one whose status
# no record gives gets none.
EVENT_STATUS = {
    Meeting.Status.SCHEDULED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.POSTPONED: "CANCELLED",
}
CALLED_OFF = {Meeting.Status.CANCELLED, Meeting.Status.POSTPONED}

# A key decision is still to be taken while it is proposed or deferred: not once approved or withdrawn.
KEY_DECISION_PENDING = [KeyDecision.Status.PROPOSED, KeyDecision.Status.DEFERRED]


def upcoming_meetings(meetings, today):
    """The meetings still to come, soonest first: those on `today` or later, by their date as far as it is known.

    A meeting known to the day counts from that day; one known only to the month, or to the year, while
    that month or year lasts. A meeting recorded as held is over, and one whose date is not stated is
    never "upcoming".
    """
    to_come = (
        Q(date_precision=Meeting.DatePrecision.DAY, date__gte=today)
        | Q(date_precision=Meeting.DatePrecision.MONTH, date__gte=today.replace(day=1))
        | Q(date_precision=Meeting.DatePrecision.YEAR, date__gte=today.replace(month=1, day=1))
    )
    return (
        meetings.filter(to_come)
        .exclude(status=Meeting.Status.HELD)
        .select_related("body")
        .order_by("date", F("start_time").asc(nulls_first=True), "body__order", "body__name", "pk")
    )


def key_decisions_due(today):
    """Key decisions due on `today` or later and not yet taken or withdrawn, soonest first."""
    return (
        KeyDecision.objects.filter(due_date__gte=today, status__in=KEY_DECISION_PENDING)
        .select_related("decision_maker")
        .order_by("due_date", "title", "pk")
    )


def on_a_day(meeting):
    """Whether the records give the meeting's day, so that a calendar can show it."""
    return meeting.date is not None and meeting.date_precision == Meeting.DatePrecision.DAY


def calendar_meetings(meetings):
    """The meetings a calendar can show, with their agenda, in order; and how many it cannot (no day given).

    Two queries whatever the number of meetings: the meetings with their bodies, and the agenda items.
    """
    meetings = list(meetings.select_related("body").order_by(F("date").asc(nulls_last=True), "start_time", "pk"))
    dated = [meeting for meeting in meetings if on_a_day(meeting)]
    items = AgendaItem.objects.only("meeting", "number", "agenda_number", "title").order_by("number")
    prefetch_related_objects(dated, Prefetch("agenda_items", queryset=items))
    return dated, len(meetings) - len(dated)


def meeting_event(meeting, url):
    """One meeting as a VEVENT; `url` is its page's full address."""
    zone = timezone.get_default_timezone()
    if meeting.start_time:
        start, end = datetime.combine(meeting.date, meeting.start_time, tzinfo=zone), None
    else:
        start, end = meeting.date, meeting.date + timedelta(days=1)  # all day: the day itself, no more
    summary = f"{meeting.body.name} meeting"
    if meeting.status in CALLED_OFF:
        summary += f" ({meeting.get_status_display().lower()})"
    return Event.new(
        uid=f"meeting-{meeting.pk}@{UID_DOMAIN}",
        # With no METHOD, DTSTAMP is when the record was last revised (RFC 5545, 3.8.7.2): the same in every
        # copy of the feed until the meeting changes.
        stamp=meeting.updated_at,
        last_modified=meeting.updated_at,
        start=start,
        end=end,
        summary=summary,
        location=meeting.location or None,
        url=url,
        description=meeting_description(meeting, url),
        status=EVENT_STATUS.get(meeting.status),
    )


def meeting_description(meeting, url):
    """The event's notes: the meeting's status, its agenda as recorded, and where to read its papers."""
    items = [str(item) for item in meeting.agenda_items.all()]
    agenda = "Agenda:\n" + "\n".join(items) if items else "No agenda items are recorded yet."
    return f"Status: {meeting.status_text}.\n\n{agenda}\n\nAgenda, papers and minutes: {url}"


def meetings_calendar(meetings, *, name, description, url, feed_url, uid, absolute):
    """The iCalendar feed (bytes) of those of `meetings` (residents' to see) that have a day.

    `url` is the page that lists them and `feed_url` the feed's own address; `uid` names the calendar
    (stable, as its events' are); `absolute(path)` makes a full address of a meeting page's.
    """
    dated, undated = calendar_meetings(meetings)
    if undated:
        description += (
            f" {undated} published meeting{pluralize(undated)} whose day the records do not give "
            f"{pluralize(undated, 'is,are')} left out, rather than put on a day nobody recorded: see {url}"
        )
    calendar = Calendar.new(
        prodid=PRODID,
        uid=f"{uid}@{UID_DOMAIN}",
        name=name,
        description=description,
        url=url,
        source=feed_url,
        calscale="GREGORIAN",
    )
    calendar.add("X-WR-TIMEZONE", timezone.get_default_timezone_name())
    # RFC 7986 wants the VALUE parameter, which the library's own setter leaves out.
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))  # REFRESH-INTERVAL as older calendar apps know it
    # Always the time zone, so that the feed is a valid calendar even with no event (RFC 5545 wants one
    # component at least), for the years its meetings span.
    years = [meeting.date.year for meeting in dated] or [timezone.localdate().year]
    calendar.add_component(
        Timezone.from_tzid(
            timezone.get_default_timezone_name(),
            first_date=date(min(years), 1, 1),
            last_date=date(max(years) + 1, 1, 1),
        )
    )
    for meeting in dated:
        calendar.add_component(meeting_event(meeting, absolute(meeting.get_absolute_url())))
    return calendar.to_ical()
