"""Atom feeds of the partnership's public meetings and of their published minutes.

Meetings carry dates, some known only to the month or year; feeds need timezone-aware datetimes, so a
meeting known to the day is published at its start time when known, otherwise at midnight (London
time). A meeting known only to the month or year has no published time at all (the first of the month
would be a day nobody knows); Atom needs only an updated time, which is when the record last changed.
Titles use the date as recorded ("December 2022"). Entry ids are tag URIs built from the record's id,
so they stay the same whatever host serves the feed.
"""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from governance.models import NEWEST_FIRST, Meeting, Minutes

FEED_ITEMS = 50
TAG_AUTHORITY = "kirklees.gov.uk,2026"
AUTHOR = "Kirklees Communities Partnership"


def aware(day, at=None):
    """A date (and time, if known) as a timezone-aware datetime in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day, at or time.min))


class MeetingFeed(Feed):
    feed_type = Atom1Feed
    title = "Kirklees Communities Partnership: meetings"
    subtitle = description = "Meetings of the Communities Board and the bodies that govern the partnership plan."
    author_name = AUTHOR

    def link(self):
        return reverse("governance:meeting-list")

    def items(self):
        return (
            Meeting.objects.public()
            .select_related("body")
            .with_minutes_published()
            .order_by(NEWEST_FIRST, "-pk")[:FEED_ITEMS]
        )

    def item_title(self, meeting):
        shown = meeting.status and meeting.status != meeting.Status.HELD
        status = f" ({meeting.get_status_display().lower()})" if shown else ""
        return f"{meeting.body.name}, {meeting.date_text}{status}"

    def item_description(self, meeting):
        minutes = "Minutes published." if meeting.minutes_published else "Minutes not published yet."
        return f"{meeting.body.name} meeting, {meeting.date_text}. Status: {meeting.status_text}. {minutes}"

    def item_link(self, meeting):
        return meeting.get_absolute_url()

    def item_guid(self, meeting):
        return f"tag:{TAG_AUTHORITY}:communities-partnership/meeting/{meeting.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, meeting):
        if meeting.date is None or meeting.date_precision != meeting.DatePrecision.DAY:
            return None
        return aware(meeting.date, meeting.start_time)

    def item_updateddate(self, meeting):
        published = self.item_pubdate(meeting)
        return max(meeting.updated_at, published) if published else meeting.updated_at


class MinutesFeed(Feed):
    feed_type = Atom1Feed
    title = "Kirklees Communities Partnership: published minutes"
    subtitle = description = "Minutes of partnership meetings, as they are published."
    author_name = AUTHOR

    def link(self):
        return reverse("governance:meeting-list")

    def items(self):
        return (
            Minutes.objects.published()
            .select_related("meeting__body")
            .order_by(models.F("meeting__date").desc(nulls_last=True), "-pk")[:FEED_ITEMS]
        )

    def item_title(self, minutes):
        return f"Minutes: {minutes.meeting.body.name}, {minutes.meeting.date_text}"

    def item_description(self, minutes):
        meeting = minutes.meeting
        return f"The minutes of the {meeting.body.name} meeting of {meeting.date_text} are published."

    def item_link(self, minutes):
        return minutes.get_absolute_url()

    def item_guid(self, minutes):
        return f"tag:{TAG_AUTHORITY}:communities-partnership/minutes/{minutes.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, minutes):
        # When they were published, not when the meeting was: minutes often follow weeks later. Left out when
        # the record does not say; the entry's updated time still says when they last changed.
        return aware(minutes.published_on) if minutes.published_on else None

    def item_updateddate(self, minutes):
        published = self.item_pubdate(minutes)
        return max(minutes.updated_at, published) if published else minutes.updated_at
