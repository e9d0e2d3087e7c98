"""The public plan-edition and action pages: what a resident sees, and what they never see."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing import sitemap, text
from priorities.models import Action, Commitment, PartnerOrganisation, PlanEdition
from priorities.sitemaps import SITEMAPS
from priorities.tests.factories import (
    ActionFactory,
    CommitmentFactory,
    LocalityFactory,
    PlanEditionFactory,
    PriorityFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/plans/"


def edition_url(slug):
    return reverse("priorities:edition-detail", kwargs={"slug": slug})


def action_url(edition, priority, number):
    return reverse("priorities:action-detail", kwargs={"edition": edition, "priority": priority, "number": number})


@pytest.fixture
def current(real_plan):
    return PlanEdition.objects.get(slug="2022-2027")


@pytest.fixture
def first_action(current):
    return Action.objects.get(priority__edition=current, priority__number=1, number=1)


@pytest.fixture
def draft(current):
    """A draft of the next plan, following the current one, with a priority, an action and an update."""
    edition = PlanEditionFactory(slug="2027-2032", title="Secret draft plan 2027-2032", follows=current)
    priority = PriorityFactory(edition=edition, slug="draft-priority", title="Secret draft priority")
    ProgressUpdateFactory(action=ActionFactory(priority=priority, number=1, text="Secret draft action"))
    CommitmentFactory(edition=edition, text="Secret draft commitment")
    return edition


# ---- the list of editions -----------------------------------------------------------------------


def test_the_list_shows_the_three_editions_newest_first_with_their_approvals(client, real_plan):
    page = text(client.get(LIST))
    titles = [
        "Kirklees Communities Partnership Plan 2022-2027",
        "Kirklees Communities Partnership Plan – Refresh, October 2020",
        "Kirklees Communities Partnership Plan 2018-2021",
    ]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Decision due by Cabinet on 20 September 2022; the date it was made is not recorded" in page
    assert "Approval by Full Council sought; no decision is recorded" in page
    assert "Presented to the Overview and Scrutiny Committee for discussion and comment." in page
    assert page.count("Annual refresh") == 1
    assert page.count("Current") == 1
    assert page.count("Previous") == 2
    assert "2018 to 2021" in page
    assert "2022 to 2027" in page


def test_the_list_shows_how_the_editions_follow_one_another(client, real_plan):
    html = client.get(LIST).content.decode()
    sections = dict(re.findall(r'<section [^>]*aria-labelledby="edition-([\w-]+)">(.*?)</section>', html, re.S))
    assert set(sections) == {"2022-2027", "2020-refresh", "2018-2021"}
    follows = r'Follows</dt>\s*<dd class="govuk-summary-list__value"><a class="govuk-link" href="([^"]+)"'
    assert re.search(follows, sections["2022-2027"])[1] == edition_url("2020-refresh")
    assert re.search(follows, sections["2020-refresh"])[1] == edition_url("2018-2021")
    assert "No earlier edition is published here" in sections["2018-2021"]
    assert edition_url("2020-refresh") in sections["2018-2021"].split("Followed by")[1]
    assert edition_url("2022-2027") in sections["2020-refresh"].split("Followed by")[1]
    assert "Nothing yet: this is the current plan" in sections["2022-2027"]


# ---- an edition's page --------------------------------------------------------------------------


def test_the_current_plan_shows_its_vision_six_commitments_and_four_priorities(client, current):
    response = client.get(edition_url("2022-2027"))
    page = text(response)
    html = response.content.decode()
    assert "People in Kirklees live in cohesive communities, feel safe and are protected from harm" in page
    assert "The Board’s six commitments" in page
    commitments = re.search(r'id="commitments".*?<ol [^>]*>(.*?)</ol>', html, re.S)[1]
    numbers = re.findall(r'<li value="(\d+)">', commitments)
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    assert "Identify and address inequalities as part of core business" in commitments
    for priority in current.priorities.all():
        assert f'href="{priority.get_absolute_url()}"' in html
        assert f"{priority.number}. {priority.title}" in page
    counts = re.findall(r"What the Board will do: (\d+) actions", page)
    assert counts == ["11", "9", "9", "7"]
    assert "Decision due by Cabinet on 20 September 2022" in page
    assert "Source: Kirklees Communities Partnership Plan 2022-2027; its approval: Forward-plan notice" in page
    assert (
        "Source: Kirklees Communities Partnership Plan 2022-2027, Kirklees Strategic Priorities 2022-2027 "
        "(the Communities Board commitments)." in page
    )
    assert "has been replaced" not in page


def test_the_2018_plan_shows_its_four_themes_and_that_a_newer_plan_replaced_it(client, current):
    response = client.get(edition_url("2018-2021"))
    page = text(response)
    for title in [
        "1. Preventing and reducing crime",
        "2. Tackling anti-social behaviour",
        "3. Protecting people from serious harm",
        "4. Improving place",
    ]:
        assert title in page
    assert "The four strategic priorities" in page
    assert "This edition has been replaced." in page
    notice = re.search(r'<div class="govuk-inset-text">(.*?)</div>', response.content.decode(), re.S)[1]
    assert f'href="{current.get_absolute_url()}"' in notice
    assert "Approval by Full Council sought; no decision is recorded" in page
    assert "Approved by" not in page
    assert "That the Communities Partnership Plan be approved by Full Council" in page
    assert f'href="{edition_url("2020-refresh")}"' in response.content.decode()


def test_the_refresh_shows_it_was_considered_by_overview_and_scrutiny(client, real_plan):
    response = client.get(edition_url("2020-refresh"))
    page = text(response)
    html = response.content.decode()
    assert "Annual refresh" in page
    assert "No approval recorded" in page
    assert "What the record says" in page
    assert "Overview and Scrutiny Committee" in page
    assert "This edition has been replaced." in page
    # The summary's paragraphs come out as paragraphs, and its "- " lines as a bulleted list.
    assert '<p class="govuk-body">The refreshed 2020 Kirklees Communities Partnership Plan outlines' in html
    assert "<li>The overall priorities/themes remained current" in html
    assert "- The overall priorities" not in page


def test_every_page_has_its_breadcrumbs(client, first_action):
    crumbs = r'<nav class="govuk-breadcrumbs".*?</nav>'
    action_page = client.get(first_action.get_absolute_url()).content.decode()
    trail = re.findall(r"<li [^>]*>(.*?)</li>", re.search(crumbs, action_page, re.S)[0], re.S)
    labels = [text(item) for item in trail]
    assert labels == [
        "Home",
        "Plan editions",
        "Kirklees Communities Partnership Plan 2022-2027",
        "Tackling Violence, Abuse & Exploitation",
        "Action 1.1",
    ]
    assert 'aria-current="page">Action 1.1' in trail[-1]
    assert f'href="{first_action.priority.get_absolute_url()}"' in trail[3]
    edition_page = client.get(edition_url("2022-2027")).content.decode()
    assert 'aria-current="page">Kirklees Communities Partnership Plan 2022-2027' in edition_page
    assert 'aria-current="page">Plan editions' in client.get(LIST).content.decode()


# ---- an action's page ---------------------------------------------------------------------------


def test_an_action_shows_its_lead_status_dates_and_partners(client, first_action):
    police = PartnerOrganisation.objects.get(name="West Yorkshire Police")
    first_action.lead_partners.add(police, PartnerOrganisation.objects.get(name="Kirklees Council"))
    ProgressUpdateFactory(action=first_action, date=date(2024, 6, 1), status=Action.Status.AT_RISK)
    first_action.start_date, first_action.due_date, first_action.progress = date(2023, 4, 1), date(2025, 3, 31), 40
    first_action.save()
    response = client.get(action_url("2022-2027", first_action.priority.slug, 1))
    page = text(response)
    html = response.content.decode()
    assert "Disrupt Organised Crime Groups (OCGs)" in page
    body = first_action.lead_body
    assert body.name == "Kirklees Communities Partnership Board"
    assert f'href="{reverse("governance:body-detail", kwargs={"slug": body.slug})}">{body.name}</a>' in html
    assert "West Yorkshire Police" in page
    assert "Kirklees Council" in page
    assert re.search(r'<strong class="govuk-tag [^"]*">At risk</strong>', html)
    assert "1 April 2023" in page
    assert "31 March 2025" in page
    assert "40% complete" in page
    assert f'href="{first_action.priority.get_absolute_url()}">1. Tackling Violence' in html
    assert "Kirklees Communities Partnership Plan 2022-2027" in page
    assert "previous edition" not in page


def test_a_new_action_says_it_has_no_update_and_no_progress(client, first_action):
    page = text(client.get(first_action.get_absolute_url()))
    assert "No update yet" in page
    assert "No progress has been reported yet." in page
    assert "None named" in page
    assert "Not set" in page


def test_progress_updates_are_shown_newest_first_with_their_commentary(client, first_action):
    ProgressUpdateFactory(action=first_action, date=date(2023, 1, 10), commentary="Oldest: work began.")
    ProgressUpdateFactory(
        action=first_action,
        date=date(2024, 6, 5),
        status=Action.Status.DELAYED,
        commentary="Newest: partner funding is late.",
        reported_by="West Yorkshire Police",
    )
    ProgressUpdateFactory(action=first_action, date=date(2023, 9, 20), commentary="Middle: operations under way.")
    page = text(client.get(first_action.get_absolute_url()))
    positions = [page.index(text) for text in ("5 June 2024", "20 September 2023", "10 January 2023")]
    assert positions == sorted(positions)
    assert page.index("Newest: partner funding is late.") < page.index("Middle:") < page.index("Oldest:")
    assert "Delayed" in page
    assert "Reported by West Yorkshire Police" in page
    assert "No progress has been reported yet" not in page


def long_date(day):
    return f"{day.day} {day:%B %Y}"


def status_shown(client, action, priority_page=False):
    """The status an action's page shows, or its row on its priority's page, as one line of text."""
    if priority_page:
        html = client.get(action.priority.get_absolute_url()).content.decode()
        row = re.search(
            rf'<tr class="govuk-table__row">\s*<td[^>]*><a [^>]*href="{action.get_absolute_url()}".*?</tr>', html, re.S
        )
        return text(re.findall(r"<td[^>]*>(.*?)</td>", row[0], re.S)[-1])
    html = client.get(action.get_absolute_url()).content.decode()
    return text(re.search(r'<dd [^>]*id="action-status">(.*?)</dd>', html, re.S)[1])


@pytest.mark.parametrize("priority_page", [False, True], ids=["action-page", "priority-page"])
def test_an_actions_status_is_its_latest_updates(client, first_action, priority_page):
    today = timezone.localdate()
    assert status_shown(client, first_action, priority_page).startswith("No update yet")
    ProgressUpdateFactory(action=first_action, date=today - timedelta(days=30), status=Action.Status.ON_TRACK)
    assert status_shown(client, first_action, priority_page) == "On track"
    # A report dated earlier, entered afterwards, is history: the status stays the latest one's.
    ProgressUpdateFactory(action=first_action, date=today - timedelta(days=60), status=Action.Status.DELAYED)
    assert status_shown(client, first_action, priority_page) == "On track"
    ProgressUpdateFactory(action=first_action, date=today, status=Action.Status.AT_RISK)
    assert status_shown(client, first_action, priority_page) == "At risk"


@pytest.mark.parametrize("priority_page", [False, True], ids=["action-page", "priority-page"])
def test_an_overdue_action_says_so_beside_its_status_with_its_due_date(client, first_action, priority_page):
    today = timezone.localdate()
    ProgressUpdateFactory(action=first_action, date=today - timedelta(days=10), status=Action.Status.DELAYED)
    first_action.due_date = today - timedelta(days=1)
    first_action.save()
    due = long_date(first_action.due_date)
    assert status_shown(client, first_action, priority_page) == f"Delayed Overdue Due {due}; not completed"
    first_action.due_date = today
    first_action.save()
    assert status_shown(client, first_action, priority_page) == "Delayed"


@pytest.mark.parametrize("priority_page", [False, True], ids=["action-page", "priority-page"])
def test_an_action_without_an_update_for_two_quarters_says_one_is_due(client, first_action, priority_page):
    today = timezone.localdate()
    last = ProgressUpdateFactory(action=first_action, date=today - timedelta(days=182))
    expected = f"On track Update due Last progress update {long_date(last.date)}; next due by {long_date(today)}"
    assert status_shown(client, first_action, priority_page) == expected
    last.date += timedelta(days=1)
    last.save()
    assert status_shown(client, first_action, priority_page) == "On track"


def test_an_action_without_any_update_counts_from_its_start_then_from_its_plans_first_year(client, first_action):
    today = timezone.localdate()
    first_action.start_date = today - timedelta(days=200)
    first_action.save()
    started, due = long_date(first_action.start_date), long_date(first_action.start_date + timedelta(days=182))
    assert status_shown(client, first_action) == (
        f"No update yet Update due No progress update since it started on {started}; first due by {due}"
    )
    first_action.start_date = None
    first_action.save()
    assert status_shown(client, first_action) == (
        "No update yet Update due No progress update since its plan began on 1 January 2022; first due by 2 July 2022"
    )


def test_a_completed_action_has_no_flag(client, first_action):
    today = timezone.localdate()
    first_action.due_date, first_action.progress = today - timedelta(days=400), 100
    first_action.save()
    ProgressUpdateFactory(action=first_action, date=today - timedelta(days=365), status=Action.Status.COMPLETED)
    assert status_shown(client, first_action) == "Completed"
    assert status_shown(client, first_action, priority_page=True) == "Completed"


# ---- every action of a priority, in pages --------------------------------------------------------------


def test_a_prioritys_actions_page_lists_them_all_in_pages_with_their_status_and_lead(client, first_action):
    priority = first_action.priority
    url = reverse("priorities:action-list", kwargs={"edition": "2022-2027", "priority": priority.slug})
    ProgressUpdateFactory(action=first_action, date=timezone.localdate(), status=Action.Status.AT_RISK)
    response = client.get(url)
    page, html = text(response), response.content.decode()
    assert "What the Board will do: Tackling Violence, Abuse & Exploitation" in page
    assert "The 11 actions the Kirklees Communities Board will take under this priority" in page
    assert page.count("No update yet") == 10 and "At risk" in page
    assert f'href="{first_action.get_absolute_url()}"' in html
    assert 'href="/plans/actions.csv?edition=2022-2027&amp;priority=tackling-violence-abuse-and-exploitation"' in html
    assert 'class="govuk-pagination"' not in html
    for number in range(100, 160):
        ActionFactory(priority=priority, number=number, text=f"Extra action {number}")
    first, last = text(client.get(url)), text(client.get(f"{url}?page=2"))
    assert "Showing actions 1 to 25 of 71." in first and "Extra action 113" in first
    assert "Extra action 114" not in first and "Showing actions 26 to 50 of 71." in last
    assert f'href="{url}">See all 71 actions of this priority</a>' in client.get(priority.get_absolute_url()).text


def test_a_previous_editions_priority_lists_its_actions_too(client, real_plan):
    response = client.get("/plans/2018-2021/improving-place/actions/")
    assert response.status_code == 200
    assert 'href="/plans/2018-2021/">Kirklees Communities Partnership Plan 2018-2021</a>' in response.text
    assert "Download this edition’s actions (CSV)" in text(response)
    assert 'href="/plans/actions.csv?edition=2018-2021"' in response.text


def test_an_action_of_a_previous_edition_says_so(client, real_plan):
    page = text(client.get(action_url("2018-2021", "improving-place", 4)))
    assert "Lead on collaborative work to ensure the successful resettlement of Syrian migrants" in page
    assert "This action is from a previous edition of the plan" in page


# ---- drafts and unknown addresses ---------------------------------------------------------------


def test_draft_editions_are_never_shown(client, draft):
    assert "Secret draft" not in text(client.get(LIST))
    current_page = text(client.get(edition_url("2022-2027")))
    assert "Secret draft" not in current_page
    assert "Nothing yet: this is the current plan" in current_page
    assert client.get(edition_url("2027-2032")).status_code == 404
    assert client.get(action_url("2027-2032", "draft-priority", 1)).status_code == 404


def test_an_archived_draft_predecessor_is_not_linked(client, real_plan):
    """A public edition that (wrongly) follows a draft does not lead readers to it."""
    hidden = PlanEditionFactory(slug="hidden-draft", title="Secret draft predecessor")
    PlanEdition.objects.filter(slug="2018-2021").update(follows=hidden)
    for url in (LIST, edition_url("2018-2021")):
        page = text(client.get(url))
        assert "Secret draft" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/plans/no-such-plan/",
        "/plans/2027-2032/",
        "/plans/Not%20a%20slug/",
        "/plans/2022-2027/no-such-priority/actions/1/",
        "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/99/",
        "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/0/",
        "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/one/",
        "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/-1/",
        "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/1.5/",
        "/plans/2022-2027/tackling-violence-abuse-and-exploitation/actions/99999999999999999999999/",
        "/plans/2022-2027/no-such-priority/actions/",
        "/plans/2027-2032/draft-priority/actions/",
        # A priority of another edition, under this edition's address.
        "/plans/2022-2027/improving-place/actions/1/",
        "/plans/no-such-plan/improving-place/actions/1/",
    ],
)
def test_unknown_or_malformed_addresses_are_not_found(client, draft, path):
    assert client.get(path).status_code == 404


# ---- addresses and the sitemap ------------------------------------------------------------------


def test_each_model_links_to_its_public_page(first_action):
    priority = first_action.priority
    edition = priority.edition
    assert edition.get_absolute_url() == "/plans/2022-2027/"
    assert priority.get_absolute_url() == f"/plans/2022-2027/{priority.slug}/"
    assert priority.themes.first().get_absolute_url() == f"/plans/2022-2027/{priority.slug}/#themes"
    assert Commitment.objects.filter(edition=edition).first().get_absolute_url() == "/plans/2022-2027/#commitments"
    assert first_action.get_absolute_url() == f"/plans/2022-2027/{priority.slug}/actions/1/"
    assert ProgressUpdateFactory(action=first_action).get_absolute_url() == first_action.get_absolute_url()
    status = reverse("measures:status")
    huddersfield = LocalityFactory(name="Huddersfield", slug="huddersfield")
    assert huddersfield.get_absolute_url() == f"{status}?locality={huddersfield.slug}"
    police = PartnerOrganisation.objects.get(name="West Yorkshire Police")
    assert police.get_absolute_url() == f"{status}?lead_partner={police.pk}"


def test_the_sitemap_lists_the_edition_list_and_every_public_edition_and_action(client, draft):
    editions, actions = SITEMAPS["editions"](), SITEMAPS["actions"]()
    edition_locations = [editions.location(item) for item in editions.items()]
    assert edition_locations == [LIST, edition_url("2022-2027"), edition_url("2020-refresh"), edition_url("2018-2021")]
    action_locations = {actions.location(item) for item in actions.items()}
    public_actions = Action.objects.exclude(priority__edition=draft)
    assert action_locations == {action.get_absolute_url() for action in public_actions}
    assert len(action_locations) == 36 + 24
    assert not any("2027-2032" in location for location in action_locations)
    for location in [*edition_locations, *sorted(action_locations)[:3]]:
        assert client.get(location).status_code == 200


def test_the_site_sitemap_includes_the_edition_and_action_pages(client, draft, first_action):
    xml = sitemap(client)
    assert "<loc>http://testserver/plans/</loc>" in xml
    assert "<loc>http://testserver/plans/2018-2021/</loc>" in xml
    assert f"<loc>http://testserver{first_action.get_absolute_url()}</loc>" in xml
    assert "2027-2032" not in xml
