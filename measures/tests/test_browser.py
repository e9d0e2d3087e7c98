"""The measure pages in real Chromium: WCAG 2.2 AA by axe, and a keyboard user can see where they are."""

import pytest

from measures.models import Measure
from measures.tests.factories import MeasureFactory
from priorities.models import Priority

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/measures/",
        "/measures/?status=off_track",
        "/measures/?locality=south-kirklees-test-locality",
        "/measures/KPM-2.6/",  # values, a chart and values by locality
        "/measures/KPM-4.2/",  # a target that changes each year
        "/measures/KPM-2.2/",  # no values yet
    ],
)
def test_measure_pages_meet_wcag_22_aa(assert_accessible, path):
    assert_accessible(path)


def test_the_status_page_with_a_filter_error_meets_wcag_22_aa(assert_accessible):
    assert_accessible("/measures/?status=bogus", status=400)


def test_keyboard_focus_on_the_status_table_links_is_visible(page, live_site):
    page.goto(f"{live_site.url}/measures/")
    target = page.locator("table a").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tabbing never reached the first measure in the table")
    background, outline, shadow = target.evaluate(
        "element => { const style = getComputedStyle(element);"
        " return [style.backgroundColor, style.outlineStyle, style.boxShadow]; }"
    )
    assert background == "rgb(255, 221, 0)" or outline != "none" or shadow != "none", (background, outline, shadow)


def test_the_filters_work_from_the_keyboard_and_stay_in_the_address(page, live_site):
    page.goto(f"{live_site.url}/measures/")
    page.select_option("#id_status", "off_track")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/measures/?*")
    assert "status=off_track" in page.url
    assert page.locator("table tbody tr").count() == 3
    assert page.locator("#id_status").input_value() == "off_track"
    href = page.get_by_role("link", name="Download this table as CSV").get_attribute("href")
    assert href.endswith("status=off_track")


def test_the_status_page_prints_without_the_filters(page, live_site):
    page.goto(f"{live_site.url}/measures/")
    page.emulate_media(media="print")
    assert not page.locator("form.kcpp-no-print").is_visible()
    assert not page.get_by_role("link", name="Download this table as CSV").is_visible()
    assert page.locator("table").first.is_visible()


def test_a_long_status_table_in_pages_meets_wcag_22_aa_and_reflows(assert_accessible, page, live_site):
    """The pagination, the page that shows them all for printing, and the page for a page that does not exist."""
    priority = Priority.objects.get(edition__slug="2022-2027", number=1)
    for number in range(100, 160):  # 83 measures in all: four pages of 25
        MeasureFactory(priority=priority, number=number, code=f"X-{number}", title=f"Extra measure {number}")
    assert Measure.objects.filter(priority__edition__slug="2022-2027").count() == 83
    for path in ("/measures/", "/measures/?page=2", "/measures/?page=all"):
        checked = assert_accessible(path)
        assert checked.get_by_role("link", name="Download this table as CSV").is_visible()
    assert_accessible("/measures/?page=9", status=404)
    assert page.get_by_role("link", name="Go to the first page of the measures").is_visible()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_site.url}/measures/?page=2")
    assert page.get_by_role("navigation", name="Pagination").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
