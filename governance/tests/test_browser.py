"""The governance and meeting pages in real Chromium: WCAG 2.2 AA by axe, with the real record loaded."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from governance.models import Body, Meeting
from governance.tests.factories import KeyDecisionFactory, MeetingFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/governance/",
        "/governance/communities-board/",
        "/governance/community-outcome-groups/",
        "/meetings/",
        "/meetings/?body=communities-board",
        "/meetings/?year=2019",
    ],
)
def test_governance_pages_meet_wcag_22_aa(assert_accessible, path):
    assert_accessible(path)


def test_a_filter_error_meets_wcag_22_aa(assert_accessible):
    page = assert_accessible("/meetings/?body=nonexistent&year=abc", status=400)
    # GOV.UK Frontend moves focus to the error summary, and its link leads to the field.
    page.locator(".govuk-error-summary__list a").first.click()
    assert page.locator("#id_body").evaluate("element => element === document.activeElement")


@pytest.mark.parametrize("body", ["overview-and-scrutiny", "cabinet"])
def test_a_meeting_page_with_its_agenda_and_decisions_meets_wcag_22_aa(assert_accessible, body):
    meeting = Meeting.objects.get(body__slug=body)
    page = assert_accessible(f"/meetings/{meeting.pk}/")
    assert page.locator("#item-1-decision-1").is_visible()


def test_the_filters_work_from_the_keyboard_and_stay_in_the_address(page, live_site):
    page.goto(f"{live_site.url}/meetings/")
    page.select_option("#id_body", "communities-board")
    page.get_by_role("button", name="Apply filters").press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith("/meetings/?body=communities-board&year=")
    assert page.locator("#id_body").input_value() == "communities-board"
    assert page.get_by_text("8 meetings match your filters.").is_visible()
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_load_state()
    assert page.url.endswith("/meetings/")


def soon(days):
    return timezone.localdate() + timedelta(days=days)


@pytest.mark.parametrize("path", ["/governance/", "/governance/communities-board/"])
def test_what_is_coming_up_meets_wcag_22_aa_and_fits_a_320_pixel_screen(page, assert_accessible, path):
    """The real plan has nothing to come: add a meeting with a time and a key decision due, as officers would."""
    board = Body.objects.get(slug="communities-board")
    MeetingFactory(body=board, date=soon(14), start_time=time(14), status=Meeting.Status.SCHEDULED)
    MeetingFactory(body=board, date=soon(40), status=Meeting.Status.CANCELLED)
    KeyDecisionFactory(title="Kirklees Communities Partnership Plan refresh", decision_maker=board, due_date=soon(30))
    assert_accessible(path)
    page.get_by_text("Subscribe, so that new and changed meetings appear in your calendar").click()
    assert_accessible()
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for listing in ("#upcoming-meetings-list", "#key-decisions-due-list"):
        assert page.locator(listing).evaluate("element => element.scrollWidth <= element.clientWidth"), listing
