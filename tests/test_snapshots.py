"""Frozen scrutiny reports: the status table as a meeting was shown it, never changed after (measures/snapshots.py)."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from core.admin_testing import admin_url, post_back
from core.tests.factories import UserFactory
from governance.models import Body, Meeting
from governance.tests.factories import MeetingFactory
from measures.models import Measure, ReportedValue, ScrutinySnapshot

pytestmark = pytest.mark.django_db


def signed_in(job, name):
    user = UserFactory(username=name, is_staff=True)
    user.groups.set(Group.objects.filter(name=job))
    client = Client()
    client.force_login(user)
    return client


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def fresh(path):
    """A page made afresh, not served from the page cache."""
    cache.clear()
    response = Client().get(path)
    assert response.status_code == 200, path
    return response


@pytest.fixture
def scrutiny_meeting(real_plan):
    body = Body.objects.get(slug="overview-and-scrutiny")
    return MeetingFactory(body=body, date=date(2025, 3, 14), status=Meeting.Status.HELD)


def take(client, meeting):
    page = client.get(admin_url(ScrutinySnapshot, "add"))
    response = client.post(admin_url(ScrutinySnapshot, "add"), post_back(page, meeting=str(meeting.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    return ScrutinySnapshot.objects.get(meeting=meeting)


def test_a_report_taken_to_scrutiny_shows_the_status_table_as_it_was(scrutiny_meeting):
    snapshot = take(signed_in("Performance officers", "reporter"), scrutiny_meeting)

    assert snapshot.title == "As reported to Overview and Scrutiny Committee on 14 March 2025"
    page = text(fresh(snapshot.get_absolute_url()))
    current = Measure.objects.filter(priority__edition__status="published")
    assert len(snapshot.rows) == current.count()
    measure = current.get(code="KPM-1.1")
    assert f"{measure.code} : {measure.title}" in page  # the code, a colon for screen readers, the name
    assert "Off track" in page or "On track" in page
    # Listed publicly, and linked from the meeting's page.
    assert snapshot.title in text(fresh("/measures/reports/"))
    assert snapshot.get_absolute_url() in fresh(scrutiny_meeting.get_absolute_url()).content.decode()


def test_a_report_is_byte_for_byte_the_same_after_new_figures_corrections_and_a_reload(scrutiny_meeting):
    snapshot = take(signed_in("Governance officers", "clerk"), scrutiny_meeting)
    page, download = (
        fresh(snapshot.get_absolute_url()).content,
        b"".join(fresh(f"{snapshot.get_absolute_url()}status.csv").streaming_content),
    )

    measure = Measure.objects.get(code="KPM-1.1")
    latest = measure.values.filter(locality=None, status="final").order_by("-period_end").first()
    latest.value = latest.value + 500  # a correction
    latest.save()
    ReportedValue.objects.create(
        measure=measure, period_start=date(2030, 4, 1), period_end=date(2031, 3, 31), value=Decimal("1"), status="final"
    )
    call_command("loadplan", "--illustrative", verbosity=0)

    assert fresh(snapshot.get_absolute_url()).content == page
    assert b"".join(fresh(f"{snapshot.get_absolute_url()}status.csv").streaming_content) == download
    # The current status page has moved on, and the report says what moved.
    since = text(fresh(f"{snapshot.get_absolute_url()}since/"))
    assert "KPM-1.1" in since and "Latest figure:" in since


def test_the_reports_csv_is_its_rows_with_what_and_when(scrutiny_meeting):
    snapshot = take(signed_in("Performance officers", "reporter"), scrutiny_meeting)

    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(fresh(f"{snapshot.get_absolute_url()}status.csv").streaming_content).decode())
        )
    )

    assert [row["measure_code"] for row in rows] == [row["measure_code"] for row in snapshot.rows]
    assert {row["as_reported_to"] for row in rows} == {snapshot.title}
    assert all(row["status"] and row["status_explanation"] for row in rows)


def test_nothing_moved_says_so(scrutiny_meeting):
    snapshot = take(signed_in("Performance officers", "reporter"), scrutiny_meeting)
    assert "Nothing has moved: every measure stands as reported." in text(fresh(f"{snapshot.get_absolute_url()}since/"))


def test_who_takes_a_report_and_that_nobody_changes_or_deletes_one(scrutiny_meeting):
    assert signed_in("Plan editors", "editor").get(admin_url(ScrutinySnapshot, "add")).status_code == 403
    snapshot = take(signed_in("Governance officers", "clerk"), scrutiny_meeting)
    clerk = signed_in("Performance officers", "reporter")
    page = clerk.get(admin_url(ScrutinySnapshot, "change", snapshot.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert clerk.post(admin_url(ScrutinySnapshot, "change", snapshot.pk), {"meeting": "1"}).status_code == 403
    superuser = Client()
    superuser.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    refused = superuser.post(admin_url(ScrutinySnapshot, "delete", snapshot.pk), {"post": "yes"})
    assert refused.status_code == 200 and "is the record of what the meeting was shown" in refused.content.decode()
    assert ScrutinySnapshot.objects.filter(pk=snapshot.pk).exists()


def test_a_report_to_an_unpublished_meeting_is_not_public(scrutiny_meeting):
    snapshot = take(signed_in("Performance officers", "reporter"), scrutiny_meeting)
    Meeting.objects.filter(pk=scrutiny_meeting.pk).update(is_published=False)
    cache.clear()
    assert Client().get(snapshot.get_absolute_url()).status_code == 404
    assert Client().get(f"{snapshot.get_absolute_url()}status.csv").status_code == 404
    assert snapshot.title not in text(fresh("/measures/reports/"))
