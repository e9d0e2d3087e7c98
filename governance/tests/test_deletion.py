"""Deleting meeting records from the admin: published minutes stay, and nothing is cascaded away unseen."""

from core.admin_testing import admin_url, form_errors, post_back
from governance.models import Attendance, Meeting, Minutes
from governance.tests.factories import AgendaItemFactory, AttendanceFactory, MinutesFactory


def delete(client, obj):
    return client.post(admin_url(type(obj), "delete", obj.pk), {"post": "yes"})


def test_published_minutes_cannot_be_deleted_and_the_officer_is_told_what_to_do(officer_client):
    minutes = MinutesFactory(status=Minutes.Status.PUBLISHED)

    response = delete(officer_client, minutes)

    assert response.status_code == 200
    content = response.content.decode()
    assert "are published. Correct them by editing them" in content
    assert "set them back to draft first" in content
    assert Minutes.objects.filter(pk=minutes.pk).exists()


def test_draft_minutes_are_deleted(officer_client):
    minutes = MinutesFactory(status=Minutes.Status.DRAFT)

    response = delete(officer_client, minutes)

    assert response.status_code == 302
    assert not Minutes.objects.filter(pk=minutes.pk).exists()


def test_published_minutes_cannot_be_deleted_from_the_meeting_page(officer_client):
    minutes = MinutesFactory(status=Minutes.Status.PUBLISHED)
    page = officer_client.get(admin_url(Meeting, "change", minutes.meeting.pk))

    response = officer_client.post(
        admin_url(Meeting, "change", minutes.meeting.pk), post_back(page, **{"minutes-0-DELETE": "on"})
    )

    assert response.status_code == 200
    assert any("are published" in message for message in form_errors(response))
    assert Minutes.objects.filter(pk=minutes.pk).exists()


def test_a_meeting_with_minutes_or_agenda_items_cannot_be_deleted(officer_client):
    item = AgendaItemFactory(title="Communities Partnership Plan")
    MinutesFactory(meeting=item.meeting)

    response = delete(officer_client, item.meeting)

    assert response.status_code == 200
    content = response.content.decode()
    assert "would require deleting the following protected related objects" in content
    assert "Communities Partnership Plan" in content
    assert Meeting.objects.filter(pk=item.meeting.pk).exists()


def test_a_meeting_with_only_attendance_is_deleted_with_it(officer_client):
    attendance = AttendanceFactory(name="A. Member")

    page = officer_client.get(admin_url(Meeting, "delete", attendance.meeting.pk))
    assert "A. Member" in page.content.decode()  # the officer is told the attendance goes too
    response = delete(officer_client, attendance.meeting)

    assert response.status_code == 302
    assert not Attendance.objects.exists()
