from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from governance.models import Document, Meeting
from governance.tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


def messages(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("day", "precision", "text", "iso"),
    [
        (date(2023, 7, 25), Meeting.DatePrecision.DAY, "25 July 2023", "2023-07-25"),
        (date(2024, 1, 9), Meeting.DatePrecision.DAY, "9 January 2024", "2024-01-09"),
        (date(2022, 12, 1), Meeting.DatePrecision.MONTH, "December 2022", "2022-12"),
        (date(2020, 1, 1), Meeting.DatePrecision.YEAR, "2020", "2020"),
    ],
)
def test_a_meeting_date_shows_only_what_is_known(day, precision, text, iso):
    meeting = MeetingFactory.build(date=day, date_precision=precision)
    assert meeting.date_text == text
    assert meeting.date_iso == iso


def test_a_partly_known_date_must_be_entered_consistently():
    body = BodyFactory()
    assert "first day of the month" in messages(
        Meeting(body=body, date=date(2022, 12, 14), date_precision=Meeting.DatePrecision.MONTH)
    )
    assert "start time needs the exact day" in messages(
        Meeting(body=body, date=date(2022, 12, 1), date_precision=Meeting.DatePrecision.MONTH, start_time=time(10))
    )


def test_a_document_is_a_file_or_a_link_not_both_or_neither():
    meeting = MeetingFactory()
    assert "one of the two" in messages(Document(meeting=meeting, title="Minutes"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(meeting=meeting, title="Minutes")


def test_a_document_cannot_hang_off_another_meetings_agenda_item():
    item = AgendaItemFactory()
    document = Document(meeting=MeetingFactory(), agenda_item=item, title="Report", url="https://example.org/r.pdf")
    assert "belongs to another meeting" in messages(document)


def test_bodies_cannot_sit_under_their_own_groups():
    board = BodyFactory()
    group = BodyFactory(parent=board)
    board.parent = group
    assert "sit under one of its own groups" in messages(board)


def test_a_membership_says_where_it_is_recorded_and_a_partial_date_as_far_as_it_is_known():
    member = MembershipFactory.build(source="Report to Cabinet", recorded_on=date(2019, 6, 1))
    member.recorded_on_precision = "month"
    assert member.recorded_text == "As recorded in Report to Cabinet, June 2019"
    member.recorded_on = date(2019, 6, 18)
    assert "For a month-only date, give the first day of the month." in messages(member)
    member.recorded_on = None
    assert member.recorded_text == "As recorded in Report to Cabinet, date not stated"


def test_a_meeting_with_decisions_cannot_be_deleted():
    decision = DecisionFactory()
    with pytest.raises(ProtectedError):
        decision.agenda_item.meeting.delete()
    assert Meeting.objects.filter(pk=decision.agenda_item.meeting_id).exists()
