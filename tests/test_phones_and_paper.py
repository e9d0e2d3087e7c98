"""Pages that work on a phone and on paper: what a resident notices on a small screen, and a councillor on a printout.

On a phone: no page scrolls sideways (tests/test_browser.py), every kind of page meets WCAG 2.2 AA at a
phone's width as at a desktop's, a wide table scrolls in its own named box, and a chart's words stay
legible. On paper: the status page says what it shows, as at when and where it came from. Everywhere:
one breadcrumb rule, a title of its own for each page, and counts that lead to what they count.
"""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import WCAG_22_AA
from core.testing import text, title
from governance.models import Meeting
from measures.models import Measure
from measures.snapshots import take_snapshot
from measures.status import STATUS_MEANINGS, TRAVEL_MEANINGS, MeasureStatus
from measures.tests.factories import MeasureFactory
from measures.views import priority_status_summary
from priorities.models import Priority
from tests.test_browser import PHONES, REFLOW_PAGES, address

SITE = "Kirklees Communities Partnership"
PRIORITY = "/plans/2022-2027/tackling-violence-abuse-and-exploitation/"


def status_rows(response):
    """The measure codes in the status page's tables, in order."""
    return re.findall(r'id="measure-[^"]+">\s*<th[^>]*><a[^>]*>([^<]+)<', response.content.decode())


def crumbs(response):
    """The page's breadcrumbs as (label, href or None for the unlinked last), or None if it has none."""
    nav = re.search(r'<nav class="govuk-breadcrumbs".*?</nav>', response.content.decode(), flags=re.S)
    if nav is None:
        return None
    items = re.findall(r"<li[^>]*>(.*?)</li>", nav.group(0), flags=re.S)
    trail = []
    for item in items:
        link = re.search(r'href="([^"]+)"', item)
        trail.append((text(item), unescape(link.group(1)) if link else None))
        if link is None:
            assert 'aria-current="page"' in item, item
    return trail


# ---- the home page's counts and a priority's summary lead to what they count --------------------------


@pytest.mark.django_db
def test_each_count_on_the_home_page_leads_to_the_measures_it_counts(client, real_plan):
    html = client.get("/").content.decode()
    counts = re.findall(
        r'<a class="govuk-link" href="(/measures/\?status=([a-z_]+))">(\d+) measures?'
        r'<span class="govuk-visually-hidden"> ([^<]+)</span></a>',
        html,
    )
    assert {code for _, code, _, _ in counts} == {"on_track", "off_track", "no_data", "target_not_set"}
    for url, code, count, hidden in counts:
        assert hidden == MeasureStatus(code).label.lower()  # a screen reader hears "3 measures on track"
        filtered = client.get(url)
        assert len(status_rows(filtered)) == int(count), url
        assert f"{count} measure" in text(filtered) and "match your filters" in text(filtered)
    # A status no measure has is said, not linked to an empty list.
    assert "Within tolerance 0 measures" in text(client.get("/"))
    assert "?status=within_tolerance" not in html


@pytest.mark.django_db
def test_a_priority_summary_counts_its_measures_by_status_in_one_query(real_plan, django_assert_num_queries):
    priority = Priority.objects.get(edition__slug="2022-2027", number=1)
    with django_assert_num_queries(1):
        summary = priority_status_summary(priority)
    measures = Measure.objects.filter(priority=priority).with_latest()
    assert summary.total == len(measures) == 5
    counted = {item.code: item.count for item in summary.counts}
    for status in MeasureStatus:
        assert counted[status.value] == sum(measure.status.code == status.value for measure in measures)
    assert summary.has_illustrative


@pytest.mark.django_db
def test_a_priority_page_opens_with_how_its_measures_stand(client, real_plan):
    """Needs PriorityDetailView to pass `status_summary=priority_status_summary(priority)` (kcpp/views.py)."""
    response = client.get(PRIORITY)
    html = response.content.decode()
    summary = re.search(r'id="how-its-measures-stand">(.*?)</div>', html, flags=re.S)
    assert summary, "the priority page has no summary of its measures' statuses"
    assert html.index('id="how-its-measures-stand"') < html.index('id="actions"')  # before the rest of the page
    words = text(summary.group(1))
    assert words.startswith("Its 5 key performance measures, each judged on its latest final figure:")
    links = re.findall(r'href="([^"]+)">(\d+) measures?', summary.group(1))
    assert links  # each count leads to the status page, filtered to this priority and that status
    for url, count in links:
        url = unescape(url)
        assert url.startswith("/measures/?priority=tackling-violence-abuse-and-exploitation&status=")
        assert len(status_rows(client.get(url))) == int(count)
    assert "Some of these statuses rest on illustrative figures" in words


@pytest.mark.django_db
def test_an_earlier_editions_priority_counts_its_measures_without_links_to_the_current_status_page(client, real_plan):
    priority = Priority.objects.get(edition__slug="2022-2027", number=1)
    priority.edition.status = "archived"
    priority.edition.save()
    html = client.get(PRIORITY).content.decode()
    summary = re.search(r'id="how-its-measures-stand">(.*?)</div>', html, flags=re.S).group(1)
    assert 'href="/measures/' not in summary and re.search(r"\d+ measures?", text(summary))


# ---- the status page: a key, and what a printout says about itself ------------------------------------------


@pytest.mark.django_db
def test_the_status_page_has_a_key_to_every_status_and_direction_of_travel(client, real_plan):
    response = client.get("/measures/")
    html = response.content.decode()
    assert 'href="#status-key">What each status means</a>' in html
    key = text(re.search(r'id="status-key".*?</dl>', html, flags=re.S).group(0))
    for status in MeasureStatus:
        assert f"{status.label} {STATUS_MEANINGS[status]}" in key, status
    travel = text(re.search(r'id="travel-meanings".*?</dl>', html, flags=re.S).group(0))
    for direction, meaning in TRAVEL_MEANINGS.items():
        assert f"{direction.label} {meaning}" in travel
    # Each status in the key wears the tag it wears in the table.
    meanings = re.search(r'id="status-meanings".*?</dl>', html, flags=re.S).group(0)
    assert '<strong class="govuk-tag govuk-tag--red">Off track</strong>' in meanings


@pytest.mark.django_db
def test_the_printed_status_page_says_what_it_shows_as_at_when_and_where_it_came_from(client, localities):
    query = "status=off_track&locality=south-kirklees-test-locality"
    response = client.get(f"/measures/?{query}")
    printed = text(re.search(r'id="printed-details">(.*?)</dl>', response.content.decode(), flags=re.S).group(1))
    today = timezone.localdate()
    assert f"Filters Status: Off track; Locality: South Kirklees test locality As at {today:%-d %B %Y}" in printed
    assert "the latest final figures on that day, the most recent of them for 2023/24" in printed
    assert f"Web address http://testserver/measures/?{query}" in printed
    assert "Showing" not in printed  # one page: nothing to say about pages
    everything = text(client.get("/measures/?page=all").content.decode())
    assert "Filters None: every measure of the current plan" in everything


@pytest.mark.django_db
def test_a_status_page_in_pages_says_on_paper_and_in_its_title_which_page_it_is(client, real_plan):
    priority = Priority.objects.get(edition__slug="2022-2027", number=1)
    for number in range(100, 130):  # 53 measures in all: three pages of 25
        MeasureFactory(priority=priority, number=number, code=f"X-{number}", title=f"Extra measure {number}")
    second = client.get("/measures/?page=2")
    assert title(second) == f"Measure status (page 2 of 3) – {SITE}"
    assert "Showing Measures 26 to 50 of 53, page 2 of 3" in text(second)
    assert title(client.get("/measures/?page=all")) == f"Measure status (all on one page) – {SITE}"
    assert title(client.get("/measures/?status=off_track&page=1")) == f"Measure status: Off track – {SITE}"


# ---- one breadcrumb rule, and a title of its own for each page ----------------------------------------------


def a_status_report():
    """A status report taken to the latest meeting (the plan has none until an officer takes one), and the
    addresses of its page and of what moved since."""
    snapshot = take_snapshot(Meeting.objects.public().order_by("-date").first(), None)
    return [snapshot.get_absolute_url(), reverse("measures:snapshot-compare", args=[snapshot.pk])]


def every_page_kind(client):
    """Each kind of public page, fetched: (path, response)."""
    pages = []
    for path in [*REFLOW_PAGES, *a_status_report()]:
        path, status = address(path)
        response = client.get(path)
        assert response.status_code == status, path
        pages.append((path, response))
    return pages


@pytest.mark.django_db
def test_every_page_follows_the_one_breadcrumb_rule(client, localities):
    for path, response in every_page_kind(client):
        trail = crumbs(response)
        if path == "/" or response.status_code == 404:
            assert trail is None, path  # the home page and the error pages have none
            continue
        assert trail and len(trail) >= 2, path
        assert trail[0] == ("Home", "/"), path  # from Home...
        assert trail[-1][1] is None and trail[-1][0], path  # ...to this page, last, named, not a link
        for label, url in trail[1:-1]:  # through the pages above it, each named as its own trail names it
            above = client.get(url)
            assert above.status_code == 200 and url != path, (path, url)
            assert crumbs(above)[-1] == (label, None) or url == "/", (path, label, crumbs(above)[-1])


@pytest.mark.django_db
def test_every_page_has_a_title_of_its_own(client, localities):
    titles = {}
    for path, response in every_page_kind(client):
        name = title(response)
        assert name.endswith(f" – {SITE}") and name != f" – {SITE}", path
        if response.status_code != 404:
            titles.setdefault(name, []).append(path)
    # Two addresses may share a title only where they show the same thing (the status table is 23 measures:
    # all of them on one page, with or without ?page=all).
    shared = {name: paths for name, paths in titles.items() if len(paths) > 1}
    assert shared == {f"Measure status – {SITE}": ["/measures/", "/measures/?page=all"]}
    # A priority, its actions and an action say which edition of the plan they are from.
    assert titles[
        f"Building resilient and inclusive communities: priority 3 of the Kirklees Communities Partnership Plan "
        f"2022-2027 – {SITE}"
    ]
    for path in (
        "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/",
        "/plans/2022-2027/reducing-risk/actions/7/",
    ):
        assert "Kirklees Communities Partnership Plan 2022-2027" in title(client.get(path)), path


# ---- in a browser: phones and paper ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def screens(browser, plan_server):
    """One browser tab for each screen width, kept for the module: a tab for each page would be slow."""
    opened = {}

    def screen(width):
        if width not in opened:
            context = browser.new_context(viewport={"width": width, "height": 800})
            opened[width] = (context, context.new_page())
        return opened[width][1]

    yield screen
    for context, _ in opened.values():
        context.close()


# A table wider than the screen, not in a box that scrolls it, has a name, and takes the keyboard focus.
UNBOXED_WIDE_TABLES = """() => [...document.querySelectorAll("table")].filter(table => {
    if (table.getBoundingClientRect().width <= document.documentElement.clientWidth) return false;
    const box = table.closest(".kcpp-table-scroll");
    return !(box && box.getAttribute("role") === "region" && box.tabIndex === 0 && box.getAttribute("aria-label"));
}).map(table => table.id || (table.caption && table.caption.textContent.trim()))"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [*PHONES, 1280])
@pytest.mark.parametrize("path", REFLOW_PAGES)
def test_every_kind_of_page_meets_wcag_22_aa_on_a_phone_and_a_desktop(screens, live_site, path, width):
    from axe_playwright_python.sync_playwright import Axe

    page = screens(width)
    path, status = address(path)
    response = page.goto(f"{live_site.url}{path}")
    assert response.status == status, path
    results = Axe().run(page, options=WCAG_22_AA)
    assert results.violations_count == 0, f"{path} at {width}:\n{results.generate_report()}"
    assert page.evaluate(UNBOXED_WIDE_TABLES) == [], f"{path} at {width}"
    if width in PHONES:  # every table has a caption, which its scrolling box is named after
        captions = page.evaluate(
            "() => [...document.querySelectorAll('.kcpp-table-scroll table')].filter(table => !table.caption).length"
        )
        assert captions == 0, path


@pytest.mark.browser
def test_a_status_report_to_a_meeting_and_what_moved_since_work_on_a_phone(screens, live_site):
    from axe_playwright_python.sync_playwright import Axe

    for path in a_status_report():
        for width in [*PHONES, 1280]:
            page = screens(width)
            assert page.goto(f"{live_site.url}{path}").status == 200, path
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
            results = Axe().run(page, options=WCAG_22_AA)
            assert results.violations_count == 0, f"{path} at {width}:\n{results.generate_report()}"
            assert page.evaluate(UNBOXED_WIDE_TABLES) == [], (path, width)


# The size a chart's label is drawn at on the screen, in pixels: its size in the SVG, scaled as the SVG is.
LABEL_SIZES = """svg => [...svg.querySelectorAll("text")].map(label =>
    parseFloat(getComputedStyle(label).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width)"""


@pytest.mark.browser
@pytest.mark.parametrize("width", PHONES)
def test_a_charts_words_stay_legible_on_a_phone(screens, live_site, width):
    page = screens(width)
    page.goto(f"{live_site.url}/measures/KPM-4.2/")
    assert not page.locator("svg.kcpp-chart--wide").is_visible()
    phone = page.locator("svg.kcpp-chart--phone")
    assert phone.is_visible()
    assert min(phone.evaluate(LABEL_SIZES)) >= 14
    # Its axis from zero, and the target labelled with its value, are what the reader sees.
    labels = [label.strip() for label in phone.locator("text").all_text_contents()]
    assert labels[0] == "0" and "Target 221" in labels
    # The table beside it has the same figures.
    assert page.locator("#values-table").is_visible()


@pytest.mark.browser
def test_a_chart_on_a_desktop_and_on_paper_is_the_wide_one(screens, live_site):
    page = screens(1280)
    page.goto(f"{live_site.url}/measures/KPM-1.1/")
    wide = page.locator("svg.kcpp-chart--wide")
    assert wide.is_visible() and not page.locator("svg.kcpp-chart--phone").is_visible()
    assert min(wide.evaluate(LABEL_SIZES)) >= 15
    phone = screens(375)
    phone.goto(f"{live_site.url}/measures/KPM-1.1/")
    phone.emulate_media(media="print")
    try:  # printed from a phone, the page is paper-wide: the wide chart
        assert phone.locator("svg.kcpp-chart--wide").is_visible()
        assert not phone.locator("svg.kcpp-chart--phone").is_visible()
    finally:
        phone.emulate_media(media="screen")


@pytest.mark.browser
def test_the_status_page_on_paper_carries_its_filters_date_address_and_key(screens, live_site):
    page = screens(1280)
    page.goto(f"{live_site.url}/measures/?status=off_track")
    printed = page.locator("#printed-details")
    assert not printed.is_visible()  # on the screen, the filters and the address bar say as much
    page.emulate_media(media="print")
    try:
        assert printed.is_visible()
        words = " ".join(printed.inner_text().split())
        assert "Filters Status: Off track" in words
        assert f"As at {timezone.localdate():%-d %B %Y}" in words
        assert f"Web address {live_site.url}/measures/?status=off_track" in words
        assert page.get_by_role("heading", name="Measure status", exact=True).is_visible()
        assert page.locator("#status-meanings").is_visible()
        assert not page.locator("form.kcpp-no-print").is_visible()
        assert page.locator("table").first.is_visible()
    finally:
        page.emulate_media(media="screen")


@pytest.mark.browser
@pytest.mark.parametrize("width", PHONES)
def test_a_wide_status_table_scrolls_in_its_own_box_from_the_keyboard(screens, live_site, width):
    page = screens(width)
    page.goto(f"{live_site.url}/measures/")
    box = page.get_by_role(
        "region", name="Measures of priority 1, Tackling Violence, Abuse & Exploitation, and their status"
    )
    wider = box.evaluate("box => box.scrollWidth > box.clientWidth")
    assert wider  # eight columns do not fit a phone...
    box.focus()
    assert box.evaluate("box => box === document.activeElement")
    page.keyboard.press("ArrowRight")
    # ...so the box scrolls (smoothly: wait for it), and the page does not
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5000)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
