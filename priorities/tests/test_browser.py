"""The plan-edition and action pages in real Chromium: axe finds nothing against WCAG 2.2 AA."""

from datetime import date

import pytest

from priorities.models import Action, PartnerOrganisation, Priority
from priorities.tests.factories import ActionFactory, ProgressUpdateFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/plans/", "/plans/2022-2027/", "/plans/2018-2021/", "/plans/2020-refresh/"])
def test_the_edition_pages_are_accessible(assert_accessible, path):
    assert_accessible(path)


def test_an_action_page_with_progress_updates_is_accessible(assert_accessible):
    action = Action.objects.get(priority__edition__slug="2022-2027", priority__number=2, number=3)
    action.lead_partners.add(PartnerOrganisation.objects.get(name="West Yorkshire Police"))
    action.progress, action.start_date = 30, date(2023, 4, 1)
    action.save()
    ProgressUpdateFactory(action=action, date=date(2023, 10, 2), status=Action.Status.ON_TRACK)
    ProgressUpdateFactory(
        action=action, date=date(2024, 4, 8), status=Action.Status.AT_RISK, commentary="Funding is late."
    )
    page = assert_accessible(action.get_absolute_url())
    assert page.get_by_text("Funding is late.").is_visible()
    assert page.get_by_text("Update due", exact=True).is_visible()  # no update since April 2024


def test_an_action_page_with_no_updates_is_accessible(assert_accessible):
    page = assert_accessible("/plans/2018-2021/improving-place/actions/1/")
    assert page.get_by_text("No progress has been reported yet").is_visible()


def test_a_prioritys_actions_page_is_accessible_with_its_pages(assert_accessible, page, live_site):
    path = "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/"
    assert_accessible(path)
    priority = Priority.objects.get(edition__slug="2022-2027", number=1)
    for number in range(100, 150):
        ActionFactory(priority=priority, number=number, text=f"Extra action {number}")
    assert_accessible(path).get_by_role("navigation", name="Pagination").is_visible()
    assert_accessible(f"{path}?page=2")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_site.url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
