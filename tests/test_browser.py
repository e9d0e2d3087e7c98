"""The site's own pages in real Chromium: WCAG 2.2 AA by axe, and keyboard focus that can be seen."""

import pytest

from governance.models import Meeting

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/plan/",
        "/plans/2022-2027/tackling-violence-abuse-and-exploitation/",
        "/plans/2018-2021/preventing-and-reducing-crime/",
        "/plans/compare/2018-2021/2020-refresh/",
        "/plans/compare/2020-refresh/2022-2027/",
        "/search/",
        "/search/?q=crime",
        "/search/?q=anti-social&kind=actions",
        "/search/?q=zebra+crossing",
        "/accessibility/",
        "/cookies/",
        "/privacy/",
        "/contact/",
    ],
)
def test_site_pages_meet_wcag_22_aa(assert_accessible, path):
    assert_accessible(path)


def test_a_search_that_cannot_be_run_meets_wcag_22_aa(assert_accessible):
    assert_accessible("/search/?q=a", status=400)


def test_the_not_found_page_meets_wcag_22_aa(assert_accessible):
    assert_accessible("/plans/2022-2027/no-such-priority/", status=404)


def test_keyboard_users_reach_the_content_and_see_where_they_are(page, live_site):
    page.goto(f"{live_site.url}/")
    page.keyboard.press("Tab")
    skip_link = page.locator(".govuk-skip-link")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.is_visible()
    page.keyboard.press("Enter")
    # The jump to the content is a same-page navigation: wait for it rather than read the address at once,
    # which on a loaded machine can be a moment before the browser has updated it.
    page.wait_for_url("**/#main-content", timeout=5000)
    # Tab on to the first link in the content: GOV.UK's yellow focus state must show.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const style = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, style.backgroundColor, style.outlineStyle, style.boxShadow]; }"
    )
    assert focused[0] == "A"
    assert focused[1] == "rgb(255, 221, 0)" or focused[2] != "none" or focused[3] != "none", focused


def test_the_page_works_under_its_content_security_policy(page, live_site):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(f"{live_site.url}/")
    page.wait_for_load_state("networkidle")
    assert [text for text in messages if "Content Security Policy" in text] == []
    # GOV.UK Frontend's script ran: it marks the body once it has initialised.
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")


# Every kind of public page, at its widest: the longest tables and texts of the real plan. `{meeting}` stands
# for the latest meeting's id, which differs from one database to another.
REFLOW_PAGES = [
    "/",
    "/plan/",
    "/plans/",
    "/plans/2022-2027/",
    "/plans/2022-2027/building-resilient-and-inclusive-communities/",
    "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/",
    "/plans/2022-2027/reducing-risk/actions/7/",
    "/plans/compare/2018-2021/2020-refresh/",
    "/plans/compare/2020-refresh/2022-2027/",
    "/measures/",
    "/measures/?locality=south-kirklees-test-locality",
    "/measures/?page=all",
    "/measures/KPM-2.6/",
    "/measures/reports/",
    "/governance/",
    "/governance/communities-board/",
    "/meetings/",
    "/meetings/{meeting}/",
    "/search/?q=crime",
    "/data/",
    "/api/docs/",
    "/accessibility/",
    "/cookies/",
    "/privacy/",
    "/contact/",
    "/plans/2022-2027/no-such-priority/",
    "/meetings/?page=9",
]
# The pages above that answer 404: an address that does not exist, and a page a list does not have.
NOT_FOUND = {"/plans/2022-2027/no-such-priority/", "/meetings/?page=9"}
PHONES = [320, 375]  # the narrowest screen WCAG's reflow asks for, and a common phone's


def address(path):
    """A path of REFLOW_PAGES as the live site has it (its `{meeting}` filled in), and the status it answers."""
    status = 404 if path in NOT_FOUND else 200
    if "{meeting}" in path:
        path = path.format(meeting=Meeting.objects.public().order_by("-date").first().pk)
    return path, status


@pytest.mark.parametrize("width", PHONES)
@pytest.mark.parametrize("path", REFLOW_PAGES)
def test_no_page_scrolls_sideways_on_a_phone(page, live_site, path, width):
    """WCAG 2.2 reflow (1.4.10), which axe does not check: a wide table scrolls in its own box instead."""
    page.set_viewport_size({"width": width, "height": 640})
    path, status = address(path)
    response = page.goto(f"{live_site.url}{path}")
    assert response.status == status
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{path} is {scroll_width} pixels wide at {width}"
