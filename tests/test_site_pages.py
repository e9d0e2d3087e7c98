"""The site's own pages: home, plan on a page, priority pages, search, the statutory pages and errors."""

import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.testing import sitemap, text, title
from governance.models import Meeting
from governance.tests.factories import MeetingFactory
from measures.models import Measure, ReportedValue
from measures.status import MeasureStatus
from measures.tests.factories import MeasureFactory, ReportedValueFactory, add_test_localities
from priorities.models import PlanEdition, Priority, PublicationStatus
from priorities.tests.factories import (
    ActionFactory,
    PlanEditionFactory,
    PriorityFactory,
    PublishedEditionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

CURRENT = "2022-2027"


def priority_url(number, edition=CURRENT):
    priority = Priority.objects.get(edition__slug=edition, number=number)
    return f"/plans/{edition}/{priority.slug}/"


# ---- home ---------------------------------------------------------------------------------------


def test_home_shows_the_vision_the_priorities_the_measures_and_the_board(client, real_plan):
    page = text(client.get("/"))
    assert "Our vision: People in Kirklees live in cohesive communities, feel safe and are protected from harm" in page
    for heading in ("Tackling Violence, Abuse & Exploitation", "Reducing Risk"):
        assert heading in page
    assert "11 actions the Board will take; 5 key performance measures" in page
    # The illustrative values make 3 measures on track and 3 off track.
    assert "On track 3 measures" in page
    assert "Off track 3 measures" in page
    assert "Latest meeting 25 July 2023" in page
    assert "No meeting has been scheduled yet." in page


def test_home_shows_the_next_board_meeting_once_scheduled(client, real_plan):
    board = Meeting.objects.filter(body__slug="communities-board").first().body
    MeetingFactory(body=board, date=timezone.localdate() + timedelta(days=30), status=Meeting.Status.SCHEDULED)
    page = text(client.get("/"))
    assert f"Next meeting {(timezone.localdate() + timedelta(days=30)):%-d %B %Y}" in page


def test_home_without_a_published_plan_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "has not been published here yet" in text(response)


# ---- plan on a page -----------------------------------------------------------------------------


def test_plan_on_a_page_lists_every_measure_by_priority_with_its_status(client, real_plan):
    page = text(client.get("/plan/"))
    for heading in ("Reducing Serious Violence", "Neighbourhood Crime & ASB", "Reducing Risk"):
        assert heading in page
    assert (
        "Violent offences resulting in injury Below 4,404 (2021/22 baseline) 4,612 in 2023/24 (illustrative) Off track"
        in page
    )
    assert "Knife crime Set by the West Yorkshire Police and Crime Plan 2021-2024 No data yet Target not set" in page
    assert "Insert ICF Measures" not in page  # an editors' placeholder, not a measure
    assert "sample data for demonstration, not real figures" in page


def test_provisional_values_never_reach_the_public_pages(client, real_plan):
    measure = PlanEdition.objects.get(slug=CURRENT).priorities.get(number=2).measures.get(code="KPM-2.7")
    ReportedValueFactory(measure=measure, value=Decimal(39999), status=ReportedValue.Status.PROVISIONAL)
    for url in ("/", "/plan/", priority_url(2)):
        assert "39,999" not in text(client.get(url)), url


# ---- priority pages -----------------------------------------------------------------------------


def test_a_priority_page_has_everything_the_plan_says_about_it(client, real_plan):
    page = text(client.get(priority_url(1)))
    assert "Tackling Violence, Abuse & Exploitation" in page
    assert "The Partnership in Kirklees will focus on keeping people safe" in page
    assert "What this includes" in page
    assert "Reducing Violence Youth Violence Serious Violence" in page
    assert "Disrupt Organised Crime Groups (OCGs)" in page
    assert page.count("No update yet") == 11
    assert (
        "Repeat domestic violence incidents Below 47.9% (2021/22 baseline) 46.3% in 2023/24 (illustrative) On track"
        in page
    )
    assert "violence against the person accounts for 44% of overall crime" in page


def test_a_priority_page_lays_out_the_plans_lists(client, real_plan):
    html = client.get(priority_url(2)).content.decode()
    assert "<li>Personal ASB (which is targeted towards individual or household" in html
    assert '<p class="govuk-body">We know that incidents of Anti-Social Behaviour' in html
    assert '<p class="govuk-body">The SIA provides a comprehensive assessment' in html


def test_a_previous_editions_priority_says_it_was_replaced(client, real_plan):
    page = text(client.get(priority_url(1, edition="2018-2021")))
    assert "Preventing and reducing crime" in page
    assert "which a later edition has replaced" in page


@pytest.mark.parametrize(
    "url",
    [
        f"/plans/{CURRENT}/no-such-priority/",
        "/plans/1999-2000/reducing-risk/",
        "/plans/%20/%20/",
    ],
)
def test_unknown_priorities_are_not_found(client, real_plan, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_draft_editions_are_never_shown(client, real_plan):
    draft = PlanEditionFactory(slug="2027-2032", title="Draft plan 2027-2032", status=PublicationStatus.DRAFT)
    priority = PriorityFactory(edition=draft, title="A draft priority", slug="draft-priority")
    ActionFactory(priority=priority, text="A draft action")
    assert client.get(f"/plans/{draft.slug}/{priority.slug}/").status_code == 404
    for url in ("/", "/plan/", "/search/?q=draft"):
        page = text(client.get(url))
        assert "A draft priority" not in page and "A draft action" not in page, url


# ---- search -------------------------------------------------------------------------------------


def test_search_finds_priorities_actions_measures_and_meetings(client, real_plan):
    page = text(client.get("/search/", {"q": "burglary"}))
    assert "Residential burglary" in page
    assert "Reducing Anti-Social Behaviour (ASB) & Neighbourhood Crime" in page
    meetings = text(client.get("/search/", {"q": "refresh"}))
    assert "Kirklees Communities Partnership Plan – Refresh, October 2020" in meetings


def test_search_explains_a_query_that_is_too_short_or_finds_nothing(client, real_plan):
    short = client.get("/search/", {"q": "a"})
    assert short.status_code == 400
    assert "There is a problem Enter at least 2 characters to search for" in text(short)
    assert title(short).startswith("Error: Search")
    nothing = text(client.get("/search/", {"q": "zebra crossing"}))
    assert "No results for “zebra crossing”" in nothing


# ---- statutory pages, errors, robots, security --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/accessibility/",
            "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2",
        ),
        ("/accessibility/", "contact the Equality Advisory and Support Service (EASS)"),
        ("/cookies/", "The public pages of this website do not set any cookies"),
        ("/privacy/", "Names in meeting records"),
        ("/contact/", "Safer@Kirklees.gov.uk"),
    ],
)
def test_statutory_pages(client, db, url, expected):
    assert expected in text(client.get(url))


def test_every_page_links_the_statutory_pages_and_sets_no_public_cookie(client, real_plan):
    response = client.get("/")
    for link in ('href="/accessibility/"', 'href="/cookies/"', 'href="/privacy/"', 'href="/contact/"'):
        assert link in response.content.decode()
    assert not response.cookies


def test_pages_carry_a_strict_content_security_policy_and_no_inline_styles(client, real_plan):
    for url in ("/", "/plan/", priority_url(3), "/search/?q=crime", "/accessibility/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        html = response.content.decode()
        assert " style=" not in html, url
        # Every script is a file from this site: none inline, so no nonce that would differ per request.
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(re.search(r'src="/static/', tag) for tag in scripts), url
        assert "nonce" not in html and "'nonce-" not in policy, url


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_the_500_page_needs_no_context(db):
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html


# ---- sitemap ------------------------------------------------------------------------------------


def test_the_sitemap_lists_every_public_page_and_nothing_private(client, real_plan):
    from governance.models import Body
    from measures.models import Measure
    from priorities.models import Action

    draft = PlanEditionFactory(slug="draft-edition", status=PublicationStatus.DRAFT)
    hidden = PriorityFactory(edition=draft, slug="hidden-priority")
    private = MeetingFactory(is_published=False)

    assert client.get("/sitemap.xml").status_code == 200
    locations = set(re.findall(r"<loc>http://testserver([^<]*)</loc>", sitemap(client)))

    expected = {"/", "/plan/", "/data/", "/search/", "/accessibility/", "/cookies/", "/privacy/", "/contact/"}
    expected |= {"/plans/", "/measures/", "/governance/", "/meetings/"}
    expected |= {p.get_absolute_url() for p in Priority.objects.public()}
    expected |= {e.get_absolute_url() for e in PlanEdition.objects.public()}
    expected |= {a.get_absolute_url() for a in Action.objects.public()}
    expected |= {m.get_absolute_url() for m in Measure.objects.public()}
    expected |= {b.get_absolute_url() for b in Body.objects.all()}
    expected |= {m.get_absolute_url() for m in Meeting.objects.filter(is_published=True)}
    assert expected <= locations
    assert len(expected) > 100  # the real plan: 60 actions, 23 measures, 13 bodies, 10 meetings and more
    for private_url in (hidden.get_absolute_url(), private.get_absolute_url(), "/admin/"):
        assert private_url not in locations
    # Every listed page opens.
    for location in sorted(locations)[:: max(1, len(locations) // 25)]:
        assert client.get(location).status_code == 200, location


def test_editors_notes_show_apart_from_the_plans_words(client):
    priority = PriorityFactory(
        edition=PublishedEditionFactory(), editors_note="Measures for this priority are still to come."
    )
    action = ActionFactory(
        priority=priority, text="Deliver services right first time, every", editors_note="The plan's text ends here."
    )

    page = text(client.get(priority.get_absolute_url()))
    assert (
        "Deliver services right first time, every Editors’ note (not the plan’s words): The plan's text ends here."
        in page
    )
    assert "Editors’ note (not the plan’s words): Measures for this priority are still to come." in page
    action_page = text(client.get(action.get_absolute_url()))
    assert "every Editors’ note (not the plan’s words): The plan's text ends here." in action_page
    api = client.get(f"/api/v1/actions/{action.pk}/").json()
    assert (api["text"], api["editors_note"]) == (
        "Deliver services right first time, every",
        "The plan's text ends here.",
    )


def test_plan_on_a_page_counts_23_measures_and_says_the_icf_measures_are_still_to_come(client, real_plan):
    page = text(client.get("/plan/"))
    assert (
        page.count(
            "Editors’ note (not the plan’s words): The plan leaves a place at the end of this priority's key "
            "performance measures for Inclusive Communities Framework measures, to be added once they are available."
        )
        == 1
    )
    assert "Insert ICF Measures" not in page  # the editors' placeholder itself is never published
    home = text(client.get("/"))
    assert "The status of each of the plan’s 23 key performance measures" in home


# ---- fast at any size: counts in the database, long lists a link or a page away ---------------------------


def test_the_homes_counts_are_every_measures_own_status_counted_in_one_query(
    client, real_plan, django_assert_num_queries
):
    add_test_localities()  # KPM-2.6's figures by place: the counts are Kirklees-wide all the same
    current = Measure.objects.filter(priority__edition__slug=CURRENT)
    statuses = Counter(measure.status.code for measure in current.with_latest())
    assert sum(statuses.values()) == 23 and len(statuses) >= 3
    with django_assert_num_queries(5):  # the plan, its priorities, the counts, and the Board's two meetings
        page = text(client.get("/"))
    for status in MeasureStatus:
        count = statuses.get(status.value, 0)
        assert f"{status.label} {count} measure{'s' if count != 1 else ''}" in page, status
    summary = current.status_summary()
    assert {count.code: count.count for count in summary.counts if count.count} == dict(statuses)
    assert (summary.total, summary.has_illustrative) == (23, True)


def test_the_counts_follow_a_new_figure_as_the_measures_own_status_does(client, real_plan):
    kpm = Measure.objects.get(code="KPM-1.1")
    before = Measure.objects.with_latest().get(pk=kpm.pk).status.code
    ReportedValueFactory(measure=kpm, year=2030, value=Decimal(1))  # far below its baseline: on track
    after = Measure.objects.with_latest().get(pk=kpm.pk).status.code
    assert (before, after) == ("off_track", "on_track")
    counts = {count.code: count.count for count in Measure.objects.filter(pk=kpm.pk).status_summary().counts}
    assert counts["on_track"] == 1 and counts["off_track"] == 0


def many_actions_and_measures(priority, count):
    """`count` more actions, top-level themes and measures for `priority`, numbered after the plan's own."""
    for number in range(100, 100 + count):
        ActionFactory(priority=priority, number=number, text=f"Extra action {number}")
        ThemeFactory(priority=priority, title=f"Extra theme {number}", order=number)
        MeasureFactory(priority=priority, number=number, title=f"Extra measure {number}")


def test_a_long_priority_page_shows_the_first_of_each_list_and_links_to_the_rest(client, real_plan):
    priority = Priority.objects.get(edition__slug=CURRENT, number=1)
    many_actions_and_measures(priority, 30)
    response = client.get(priority_url(1))
    html, page = response.content.decode(), text(response)
    assert "Extra action 100" in page and "Extra action 101" not in page  # 11 of the plan's, then 1 more
    assert f'href="{priority_url(1)}actions/">See all 41 actions of this priority</a>' in html
    assert "Extra measure 106" in page and "Extra measure 107" not in page  # 5 of the plan's, then 7 more
    assert f'href="/measures/?priority={priority.slug}">See all 35 measures of this priority' in html
    assert 'href="?themes=all#themes">Show all 33 themes of this priority</a>' in html
    assert "Extra theme 129" in text(client.get(f"{priority_url(1)}?themes=all"))


def test_the_plan_on_a_page_lists_the_first_measures_of_a_long_priority(client, real_plan):
    priority = Priority.objects.get(edition__slug=CURRENT, number=1)
    many_actions_and_measures(priority, 30)
    html = client.get("/plan/").content.decode()
    assert "Extra measure 106" in html and "Extra measure 107" not in html
    assert f'href="/measures/?priority={priority.slug}">See all 35 measures of priority 1 and their status' in html
    assert html.count("See all") == 1  # the other priorities are listed in full


def test_the_open_data_page_lists_the_first_measures_and_says_where_the_rest_are(client, real_plan):
    assert 'id="more-measures"' not in client.get("/data/").content.decode()  # the plan's 23 are all listed
    many_actions_and_measures(Priority.objects.get(edition__slug=CURRENT, number=4), 3)
    response = client.get("/data/")
    assert 'id="more-measures"' in response.content.decode()
    assert response.content.decode().count("values (CSV)</a></td>") == 25


def test_a_search_with_more_results_than_it_shows_says_so(client, real_plan):
    priority = Priority.objects.get(edition__slug=CURRENT, number=1)
    for number in range(100, 160):
        ActionFactory(priority=priority, number=number, text=f"Tackle knife crime, step {number}")
    page = text(client.get("/search/?q=knife"))
    assert "What the Board will do (60)" in page and "Show all 60 actions found for “knife”" in page
    assert page.count("Tackle knife crime, step") == 5
    all_of_them = text(client.get("/search/?q=knife&kind=actions"))
    assert "60 actions for “knife” Showing 1 to 20" in all_of_them


@pytest.mark.parametrize(
    ("address", "list_name"),
    [
        ("/measures/?status=off_track&", "the measures"),
        ("/meetings/?body=communities-board&", "the meetings"),
        ("/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/?", "this priority’s actions"),
        ("/search/?q=crime&kind=measures&", "these results"),
    ],
)
@pytest.mark.parametrize("asked", ["9", "0", "-1", "abc", "1.5", "last", ""])
def test_every_list_answers_a_page_it_does_not_have_the_same_way(client, real_plan, address, list_name, asked):
    response = client.get(f"{address}page={asked}")
    if asked == "":  # no page asked for: the first
        assert response.status_code == 200
        return
    assert response.status_code == 404
    page = text(response)
    assert title(response).startswith("Page not found")
    if asked.lstrip("-").isdigit():
        assert f"There is no page {asked} of {list_name}: it has 1 page." in page
    else:
        assert f"“{asked}” is not a page number." in page
    first_page = address.rstrip("?&")
    assert f'href="{first_page}">Go to the first page of {list_name}</a>' in response.content.decode().replace(
        "&amp;", "&"
    )
