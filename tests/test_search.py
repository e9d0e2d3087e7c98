"""The search (kcpp/search.py and its page): what it finds, how it shows it, what it refuses, and what it costs.

Every test runs on whichever database the suite runs on: SQLite by default, PostgreSQL with DATABASE_URL.
"""

import re

import pytest
from django.core.management import call_command
from django.db import connection

from core.testing import text, title
from governance.models import Minutes
from governance.tests.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, MinutesFactory
from kcpp import search
from priorities.models import Priority, PublicationStatus
from priorities.tests.factories import ActionFactory, PlanEditionFactory, PriorityFactory, ThemeFactory

CURRENT = "2022-2027"


def found(words):
    """Every result's address, kind by kind, as the search finds them."""
    query = search.parse(words)
    counts = search.counts(query)
    return {
        kind.slug: sorted(result.url for result in search.Found(kind, query, counts[kind.slug]))
        for kind in search.KINDS
        if counts[kind.slug]
    }


def first_priority():
    return Priority.objects.get(edition__slug=CURRENT, number=1)


def results_html(response):
    """The part of a search page that lists results."""
    html = response.content.decode()
    return html[html.index('id="results-count"') :]


# ---- reading what was typed (no database) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "searches"),
    [
        ("burglary", ["burglary"]),
        ("anti-social", ["antisocial", "anti social"]),
        ("antisocial", ["antisocial", "anti social"]),
        ("anti social", ["antisocial", "anti social"]),
        ("Anti-Social behaviour", ["antisocial behaviour", "anti social behaviour"]),
        ("reoffending or knife -crime", ["reoffending or knife -crime", "re offending or knife -crime"]),
        ('"hate crime" OR "knife crime"', ['"hate crime" or "knife crime"']),
        ("KPM-1.1", ["kpm-1.1"]),
        # A part that is a stop word would be dropped: kept with its hyphen, it is searched for as written.
        ("well-being", ["wellbeing", "well-being"]),
    ],
)
def test_what_is_typed_is_searched_for_in_each_spelling(typed, searches):
    assert search.parse(typed).websearches() == searches


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("burglaries", "burglar"),
        ("burglary", "burglar"),
        ("crimes", "crime"),
        ("tackling", "tackl"),
        ("class", "class"),
    ],
)
def test_sqlite_matches_words_by_a_crude_stem(word, stem):
    assert search.stem(word) == stem


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the words to search for"),
        ("   ", "Enter the words to search for"),
        ("a", "Enter at least 2 characters to search for"),
        ("x" * 101, "Search for 100 characters or fewer"),
        ("a\x00b", "Search for words and numbers only: remove the characters that cannot be typed"),
        ("knife\tcrime", "Search for words and numbers only: remove the characters that cannot be typed"),
        ("?!", "Search for words or numbers"),
        ("the and", "Search for words that say more: common words such as “the” and “and” are left out"),
        ("-crime", "Say what to search for as well as what to leave out (the words after a minus sign)"),
    ],
)
def test_a_search_that_cannot_be_run_says_what_to_change(typed, message):
    with pytest.raises(search.BadSearch, match=re.escape(message)):
        search.parse(typed)


# ---- what it finds ---------------------------------------------------------------------------------------


def test_anti_social_antisocial_and_anti_social_find_the_same_items(real_plan):
    priority = first_priority()
    joined = ActionFactory(priority=priority, number=90, text="Reduce antisocial driving near schools")
    apart = ActionFactory(priority=priority, number=91, text="Map anti social behaviour hotspots")
    spellings = [found(words) for words in ("anti-social", "antisocial", "anti social", "Anti-Social")]
    assert all(spelling == spellings[0] for spelling in spellings[1:])
    actions = spellings[0]["actions"]
    assert joined.get_absolute_url() in actions and apart.get_absolute_url() in actions
    # and the plan's own "anti-social", in its priorities, themes and actions
    assert "/plans/2022-2027/reducing-anti-social-behaviour-and-neighbourhood-crime/" in spellings[0]["priorities"]
    assert len(actions) >= 4 and spellings[0]["themes"]


def test_a_plural_finds_the_singular_and_the_singular_the_plural(real_plan):
    burglaries = found("burglaries")
    assert burglaries == found("burglary")
    assert "/measures/KPM-2.8/" in burglaries["measures"]  # "Residential burglary"
    assert burglaries["themes"]  # "Domestic Burglary"


def test_a_decision_and_published_minutes_are_found_on_their_meetings_page(client, real_plan):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number=3, title="Serious violence duty")
    DecisionFactory(agenda_item=item, number=2, text="RESOLVED that officers map cuckooing in each ward.")
    MinutesFactory(meeting=meeting, text="The Board heard how cuckooing has grown since 2022.")
    private = MeetingFactory(is_published=False)
    DecisionFactory(agenda_item=AgendaItemFactory(meeting=private), text="That the cuckooing report stay private.")
    MinutesFactory(meeting=MeetingFactory(), text="Draft: cuckooing discussed.", status=Minutes.Status.DRAFT)

    assert found("cuckooing") == {
        "decisions": [f"/meetings/{meeting.pk}/#item-3-decision-2"],
        "minutes": [f"/meetings/{meeting.pk}/#minutes"],
    }
    page = client.get("/search/?q=cuckooing")
    assert "Resolution on “Serious violence duty”" in text(page)
    assert "<mark>cuckooing</mark>" in page.content.decode()
    assert "1 decision for “cuckooing”" in text(client.get("/search/?q=cuckooing&kind=decisions"))
    meeting_page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="item-3-decision-2"' in meeting_page and 'id="minutes"' in meeting_page


def test_a_draft_editions_priority_and_its_parts_are_never_found(client, real_plan):
    draft = PlanEditionFactory(slug="2027-2032", status=PublicationStatus.DRAFT)
    priority = PriorityFactory(edition=draft, title="Quokka safety", slug="quokka-safety", introduction="Quokkas.")
    ThemeFactory(priority=priority, title="Quokka crossings")
    ActionFactory(priority=priority, text="Count the quokkas")
    assert found("quokka") == {}
    for address in ("/search/?q=quokka", "/search/?q=quokka&kind=priorities"):
        page = text(client.get(address))
        assert "Quokka" not in page.replace("“quokka”", ""), address
    assert "No results for “quokka” Check the spelling or try fewer words." in text(client.get("/search/?q=quokka"))


def test_the_best_match_comes_first(real_plan):
    priority = first_priority()
    ActionFactory(
        priority=priority, number=90, text="Once a year, review how partners share data, including on quokkas"
    )
    best = ActionFactory(
        priority=priority, number=91, text="Protect quokkas: count the quokkas and their quokka habitats"
    )
    query = search.parse("quokka")
    assert search.Found(search.BY_SLUG["actions"], query, 2)[0:2][0].url == best.get_absolute_url()


# ---- how the page shows it ---------------------------------------------------------------------------


def test_results_are_grouped_by_kind_with_their_counts_and_a_link_to_all_of_a_kind(client, real_plan):
    priority = first_priority()
    for number in range(90, 97):
        ActionFactory(priority=priority, number=number, text=f"Tackle quokka crime, step {number}")
    ThemeFactory(priority=priority, title="Quokka welfare")
    response = client.get("/search/?q=quokka")
    page = text(response)
    assert "8 results for “quokka”" in page
    assert "Themes (1) What the Board will do (7)" in page  # the list of kinds
    assert "What the Board will do (7) Action 1.9" in page  # the group's heading, then its results
    assert page.count("Tackle quokka crime, step") == search.SHOWN
    assert "Show all 7 actions found for “quokka”" in page
    assert 'href="/search/?q=quokka&amp;kind=actions"' in response.content.decode()
    assert "Key performance measures (0)" in page and 'kind=measures"' not in response.content.decode()


def test_one_kind_of_result_shows_in_pages(client, real_plan):
    priority = first_priority()
    for number in range(100, 125):
        ActionFactory(priority=priority, number=number, text=f"Tackle quokka crime, step {number}")
    ThemeFactory(priority=priority, title="Quokka welfare")
    first = client.get("/search/?q=quokka&kind=actions")
    assert first.status_code == 200
    page = text(first)
    assert "25 actions for “quokka” Showing 1 to 20, most relevant first." in page
    assert page.count("Tackle quokka crime, step") == 20 and "Quokka welfare" not in page
    assert title(first).startswith("Search: quokka – What the Board will do –")
    second = client.get("/search/?q=quokka&kind=actions&page=2")
    assert text(second).count("Tackle quokka crime, step") == 5
    assert "(page 2 of 2)" in title(second)
    missing = client.get("/search/?q=quokka&kind=actions&page=3")
    assert missing.status_code == 404
    assert "There is no page 3 of these results: it has 2 pages." in text(missing)


def test_snippets_mark_the_words_found_and_escape_everything_else(client, real_plan):
    priority = first_priority()
    ActionFactory(priority=priority, number=90, text='Stop <script>alert("quokka")</script> & <b>quokka</b> harm')
    ThemeFactory(priority=priority, title="<i>Quokka</i> & friends")
    html = client.get("/search/?q=quokka").content.decode()
    results = html[html.index('id="results-count"') :]
    assert "<script>alert" not in results and "<b>" not in results and "<i>" not in results
    assert "<mark>quokka</mark>" in results and "<mark>Quokka</mark>" in results
    assert "&amp; " in results  # the ampersands, escaped
    if connection.vendor == "sqlite":  # PostgreSQL's snippets leave out what looks like a tag instead
        assert "&lt;script&gt;" in results


def test_every_result_links_to_a_public_page(client, real_plan):
    for urls in found("crime").values():
        for url in urls:
            assert client.get(url.partition("#")[0]).status_code == 200, url


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("/search/?q=", "Enter the words to search for"),
        ("/search/?q=a", "Enter at least 2 characters to search for"),
        ("/search/?q=" + "x" * 101, "Search for 100 characters or fewer"),
        ("/search/?q=a%00b", "remove the characters that cannot be typed"),
        ("/search/?q=the", "common words such as “the” and “and” are left out"),
        ("/search/?q=crime&kind=nonsense", "“nonsense” is not a kind of result: show all kinds, or one of priorities,"),
    ],
)
def test_bad_input_is_answered_400_saying_what_to_change(client, real_plan, address, message):
    response = client.get(address)
    assert response.status_code == 400
    assert title(response).startswith("Error: Search")
    assert "There is a problem" in text(response) and message in text(response)


def test_the_search_page_without_a_search_is_the_form(client, real_plan):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "There is a problem" not in text(response) and "results for" not in text(response)


# ---- what it costs ---------------------------------------------------------------------------------


# One query counts every kind's results; one more lists each kind with any (five kinds find "crime").
PINNED = {"/search/?q=crime": 6, "/search/?q=anti-social": 6, "/search/?q=crime&kind=actions": 2}


@pytest.mark.parametrize("factor", [1, 3])
def test_a_search_costs_the_same_queries_at_three_times_the_plan(client, real_plan, django_assert_num_queries, factor):
    if factor > 1:
        call_command("scaleplan", "--factor", str(factor), "--scratch", verbosity=0)
    for address, queries in PINNED.items():
        with django_assert_num_queries(queries):
            response = client.get(address)
        assert response.status_code == 200, address


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN indexes are PostgreSQL's")
def test_on_postgresql_every_kind_is_found_through_its_index(db):
    """The expressions the search matches on are the very ones the search_indexes migrations indexed."""
    query = search.parse("anti-social crime")
    with connection.cursor() as cursor:
        # Nothing but an index on what the search matches can then read the table: not a scan of it, nor of
        # an index on a column the query joins on (which the planner may prefer once it has statistics).
        for plan in ("seqscan", "indexscan", "nestloop"):
            cursor.execute(f"SET LOCAL enable_{plan} = off")
        for kind in search.KINDS:
            sql, params = kind.matches(query).query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert f"{kind.records().model._meta.db_table}_search" in plan, plan
