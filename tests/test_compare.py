"""What changed between two editions, as a resident or a scrutiny councillor reads it (kcpp/compare.py)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from measures.tests.factories import MeasureFactory
from priorities.models import PublicationStatus
from priorities.tests.factories import (
    ActionFactory,
    CommitmentFactory,
    PlanEditionFactory,
    PriorityFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" :", ":")


def compare_url(old, new):
    return f"/plans/compare/{old.slug}/{new.slug}/"


@pytest.fixture
def two_editions():
    old = PlanEditionFactory(slug="old", title="Old plan", status=PublicationStatus.ARCHIVED, approval="")
    new = PlanEditionFactory(slug="new", title="New plan", status=PublicationStatus.ARCHIVED, follows=old, approval="")
    return old, new


def test_the_real_refresh_compared_with_the_plan_it_refreshed(client, real_plan):
    response = client.get("/plans/compare/2018-2021/2020-refresh/")

    assert response.status_code == 200
    page = text(response)
    # The refresh recased every priority's title and renamed one: each is the same priority, changed.
    assert "Priorities: 0 added, 0 removed, 4 changed" in page
    content = response.content.decode()
    assert re.search(r"removed: </span>reducing</del>\s*<ins[^>]*><span[^>]*>added: </span>Reducing</ins>", content)
    assert "Improving the Place" in page and "Improving place" in page
    # The refresh restates no actions: the plan's 24 are listed as not in it.
    assert "Actions: 0 added, 24 removed" in page


def test_each_edition_links_to_what_changed_from_the_one_it_follows(client, real_plan):
    page = client.get("/plans/2022-2027/").content.decode()
    assert 'href="/plans/compare/2020-refresh/2022-2027/"' in page
    assert client.get("/plans/compare/2020-refresh/2022-2027/").status_code == 200


def test_an_item_carried_over_is_matched_however_it_moved_or_was_reworded(client, two_editions):
    old, new = two_editions
    first = PriorityFactory(edition=old, number=1, title="Tackling violence")
    second = PriorityFactory(edition=old, number=2, title="Safer neighbourhoods")
    # In the new edition they swap places, and one is reworded entirely.
    PriorityFactory(edition=new, number=1, title="Safer neighbourhoods", carried_from=second)
    renamed = PriorityFactory(edition=new, number=2, title="Stopping serious violence in Kirklees", carried_from=first)
    gone = ActionFactory(priority=first, text="Run a knife crime campaign")
    ActionFactory(priority=renamed, text="Run a knife crime campaign in schools", carried_from=gone)

    page = text(client.get(compare_url(old, new)))

    assert "Priorities: 0 added, 0 removed, 1 changed, 1 the same" in page
    assert "removed: Tackling violence added: Stopping serious violence in Kirklees" in page
    assert "Actions: 0 added, 0 removed, 1 changed" in page
    assert "campaign added: in schools" in page


def test_a_measures_target_change_is_shown_word_by_word(client, two_editions):
    old, new = two_editions
    measure = MeasureFactory(priority__edition=old, title="Knife crime", target_kind="below_baseline")
    MeasureFactory(
        priority__edition=new,
        title="Knife crime",
        target_kind="below_threshold",
        target_value=250,
        carried_from=measure,
    )

    response = client.get(compare_url(old, new))

    assert "Measures: 0 added, 0 removed, 1 changed" in text(response)
    assert "Target" in text(response)
    assert "<ins" in response.content.decode()


def test_words_are_escaped(client, two_editions):
    old, new = two_editions
    PriorityFactory(edition=old, title="Safer streets")
    PriorityFactory(edition=new, title="Safer streets <script>alert(1)</script>")

    content = client.get(compare_url(old, new)).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_a_draft_is_compared_only_for_signed_in_officers(client, officer_client, two_editions):
    old, _ = two_editions
    draft = PlanEditionFactory(slug="next", title="Next plan", status=PublicationStatus.DRAFT, approval="")
    PriorityFactory(edition=draft, title="A priority not yet public")

    assert Client().get(compare_url(old, draft)).status_code == 404
    officer_page = officer_client.get(compare_url(old, draft))
    assert officer_page.status_code == 200
    assert "A draft is compared here. Only signed-in officers can see this page" in text(officer_page)
    assert "A priority not yet public" in text(officer_page)


@pytest.mark.usefixtures("two_editions")
def test_wrong_addresses_are_not_found(client):
    assert client.get("/plans/compare/old/no-such-edition/").status_code == 404
    assert client.get("/plans/compare/old/old/").status_code == 404


def test_nothing_changed_says_so(client, two_editions):
    old, new = two_editions
    PriorityFactory(edition=old, title="Safer streets")
    PriorityFactory(edition=new, title="Safer streets")

    page = text(client.get(compare_url(old, new)))

    assert "Priorities: 0 added, 0 removed, 0 changed, 1 the same" in page


def test_the_comparison_costs_the_same_queries_however_large_the_editions(client, two_editions):
    old, new = two_editions

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(compare_url(old, new)).status_code == 200
        return len(captured)

    PriorityFactory(edition=old)
    small = queries()
    for edition in (old, new):
        for _ in range(3):
            priority = PriorityFactory(edition=edition)
            ActionFactory(priority=priority)
            MeasureFactory(priority=priority)
            ThemeFactory(priority=priority)
            CommitmentFactory(edition=edition)
    assert queries() == small
