"""The annual refresh end to end in real Chromium: copy the plan into a draft, edit it, publish it, compare."""

import pytest
from django.conf import settings
from django.test import Client

from core.admin_testing import admin_url
from core.tests.factories import OfficerFactory
from priorities.models import PlanEdition, Priority

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_page(browser, live_site):
    client = Client()
    client.force_login(OfficerFactory(username="editor-in-chromium"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_site.url}])
    page = context.new_page()
    yield page
    context.close()


def test_copy_edit_publish_and_compare(officer_page, page, live_site, assert_accessible):
    site = live_site.url
    current = PlanEdition.objects.get(slug="2022-2027")
    officer_page.goto(f"{site}{admin_url(PlanEdition, 'change', current.pk)}")
    officer_page.get_by_role("link", name="Prepare the next edition from this one").click()
    officer_page.get_by_label("Title").fill("Kirklees Communities Partnership Plan – Refresh, 2025")
    officer_page.get_by_label("Slug").fill("2025-refresh")
    officer_page.get_by_label("First year it covers").fill("2025")
    officer_page.get_by_label("Last year it covers").fill("2027")
    officer_page.get_by_role("button", name="Prepare the draft").click()
    assert "is prepared as a draft" in officer_page.locator(".messagelist").inner_text()

    # The public does not see it; the officer previews it.
    assert page.goto(f"{site}/plans/2025-refresh/").status == 404
    officer_page.get_by_role("link", name="Preview this draft").click()
    assert "Preview of a draft" in officer_page.locator(".govuk-notification-banner").inner_text()

    # Edit a priority of the draft.
    draft = PlanEdition.objects.get(slug="2025-refresh")
    priority = draft.priorities.order_by("number").first()
    officer_page.goto(f"{site}{admin_url(Priority, 'change', priority.pk)}")
    officer_page.locator("#id_title").fill("Tackling violence, abuse and exploitation together")
    officer_page.get_by_role("button", name="Save", exact=True).first.click()
    assert "was changed successfully" in officer_page.locator(".messagelist").inner_text()

    # Publish it.
    officer_page.goto(f"{site}{admin_url(PlanEdition, 'change', draft.pk)}")
    officer_page.get_by_role("link", name="Publish this draft").click()
    officer_page.get_by_label("What the papers record").select_option("sought")
    officer_page.get_by_label("Who approved it").fill("Cabinet")
    officer_page.get_by_role("button", name="Yes, publish it as the current plan").click()
    assert "is published as the current plan" in officer_page.locator(".messagelist").inner_text()

    # The public now reads it, and what changed.
    assert page.goto(f"{site}/plans/2022-2027/").status == 200  # archived, still at its own address
    assert page.goto(f"{site}/plans/2025-refresh/").status == 200
    page.get_by_role("link", name="What changed from Kirklees Communities Partnership Plan 2022-2027").click()
    summary = page.locator("main").inner_text()
    assert "Priorities: 0 added, 0 removed, 1 changed, 3 the same" in summary
    assert "Tackling violence, abuse and exploitation together" in summary
    assert_accessible()
