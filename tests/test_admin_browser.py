"""The officer admin in real Chromium, with the real plan: every list fits a laptop's screen."""

import pytest
from django.conf import settings
from django.test import Client

from core.admin_testing import admin_id, admin_url, registered_admins
from core.tests.factories import OfficerFactory

pytestmark = pytest.mark.browser

ADMINS = [model_admin for app in ("priorities", "measures", "governance") for model_admin in registered_admins(app)]

# How far the page, or the table of the list within it, runs past the window: the officer would scroll sideways.
OVERFLOW = """() => {
    const page = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    const results = document.querySelector("#changelist .results");
    return Math.max(page, results ? results.scrollWidth - results.clientWidth : 0);
}"""


@pytest.fixture
def officer_page(browser, live_site):
    """A tab on the live site, signed in to the admin as an officer, in a laptop's window."""
    client = Client()
    client.force_login(OfficerFactory())
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_site.url}])
    page = context.new_page()
    yield page
    context.close()


def test_every_list_fits_a_laptops_screen(officer_page, live_site):
    wide = {}
    for model_admin in ADMINS:
        response = officer_page.goto(f"{live_site.url}{admin_url(model_admin.model, 'changelist')}")
        assert response.status == 200, admin_id(model_admin)
        if (overflow := officer_page.evaluate(OVERFLOW)) > 0:
            wide[admin_id(model_admin)] = overflow
    assert wide == {}
