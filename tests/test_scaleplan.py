"""`manage.py scaleplan`: a throwaway benchmark database holding N times the plan, every copy flagged illustrative."""

from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.testing import text
from governance.models import AgendaItem, Attendance, Decision, Document, Meeting, Minutes
from kcpp.management.commands.scaleplan import PREFIX, SOURCE
from measures.models import Measure, ReportedValue
from priorities.models import Action, Priority, Theme

pytestmark = pytest.mark.django_db

# What is copied, and the field of each copy that says, where the record is read, that it is a copy.
COPIED = {
    Theme: "title",
    Action: "text",
    Measure: "title",
    Meeting: "location",
    AgendaItem: "title",
    Decision: "text",
    Attendance: "name",
    Minutes: None,  # the minutes of the plan's meetings are published as papers, with no text of their own
    Document: "title",
}


def scale(factor, **options):
    call_command("scaleplan", factor=factor, verbosity=0, **options)


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def per_priority():
    """Each priority's themes, actions, measures and reported values."""
    return {
        priority.pk: (
            priority.themes.count(),
            priority.actions.count(),
            priority.measures.count(),
            ReportedValue.objects.filter(measure__priority=priority).count(),
        )
        for priority in Priority.objects.all()
    }


def test_it_refuses_a_database_with_no_plan_loaded(db):
    with pytest.raises(CommandError, match="The plan is not loaded"):
        scale(3, scratch=True)
    assert Measure.objects.count() == 0


def test_it_refuses_without_being_told_the_database_is_a_scratch_one_and_changes_nothing(real_plan):
    before = row_counts()
    with pytest.raises(CommandError, match="--scratch"):
        call_command("scaleplan", "--factor", "3")
    assert row_counts() == before


def test_factor_three_gives_each_priority_three_times_its_themes_actions_measures_and_values(real_plan):
    before = per_priority()
    meetings = {
        model: model.objects.count() for model in (Meeting, AgendaItem, Decision, Attendance, Minutes, Document)
    }
    scale(3, scratch=True)
    assert per_priority() == {pk: tuple(3 * count for count in counts) for pk, counts in before.items()}
    assert {model: model.objects.count() for model in meetings} == {model: 3 * n for model, n in meetings.items()}
    assert all(count > 0 for count in meetings.values())
    # Editions, priorities, bodies and the rest are not copied.
    assert Priority.objects.count() == len(before)


def test_everything_it_adds_is_flagged_illustrative_and_the_plan_is_unchanged(real_plan):
    plan = {model: list(model.objects.order_by("pk").values()) for model in COPIED}
    values = list(ReportedValue.objects.order_by("pk").values())
    scale(3, scratch=True)
    for model, field in COPIED.items():
        assert (
            list(model.objects.filter(pk__in=[row["id"] for row in plan[model]]).order_by("pk").values()) == plan[model]
        )
        added = model.objects.exclude(pk__in=[row["id"] for row in plan[model]])
        assert added.count() == 2 * len(plan[model])
        for copy in added:
            assert copy.source == SOURCE
            assert copy.fixture_key.startswith(PREFIX)
            assert copy.provenance == f"{SOURCE}."
            if field:
                assert "(illustrative copy " in getattr(copy, field), copy
    added = ReportedValue.objects.exclude(pk__in=[row["id"] for row in values])
    assert added.count() == 2 * len(values)
    assert all(value.is_illustrative and value.note == f"{SOURCE}." for value in added)
    assert list(ReportedValue.objects.filter(pk__in=[row["id"] for row in values]).order_by("pk").values()) == values


def test_every_copy_passes_its_models_own_checks(real_plan):
    scale(3, scratch=True)
    for model in COPIED:
        for copy in model.objects.filter(fixture_key__startswith=PREFIX):
            copy.full_clean()
    for value in ReportedValue.objects.filter(measure__fixture_key__startswith=PREFIX):
        value.full_clean()


def test_copies_follow_the_plans_own_records_and_meetings_are_dated_a_month_earlier_each_time(real_plan):
    scale(3, scratch=True)
    measures = list(Measure.objects.filter(priority__number=1, priority__edition__slug="2022-2027"))
    plan = [measure for measure in measures if not measure.fixture_key.startswith(PREFIX)]
    assert measures[: len(plan)] == plan  # in the plan's order, the copies after
    assert [measure.code for measure in measures[len(plan) :]][:2] == [
        f"{plan[0].code}-copy-2",
        f"{plan[1].code}-copy-2",
    ]
    meeting = Meeting.objects.get(date=date(2023, 7, 25))
    copies = Meeting.objects.filter(fixture_key__in=[f"{PREFIX}copy-{k}/{meeting.fixture_key}" for k in (2, 3)])
    assert sorted(copies.values_list("date", flat=True)) == [date(2023, 5, 25), date(2023, 6, 25)]
    assert {copy.agenda_items.count() for copy in copies} == {meeting.agenda_items.count()}


def test_running_it_again_adds_only_what_is_missing(real_plan):
    measures = Measure.objects.count()
    scale(3, scratch=True)
    scale(3, scratch=True)
    assert Measure.objects.count() == 3 * measures
    scale(4, scratch=True)
    assert Measure.objects.count() == 4 * measures
    assert ReportedValue.objects.filter(measure__fixture_key__startswith=f"{PREFIX}copy-4/").exists()


def test_pages_still_render_and_show_the_copies_as_illustrative(client, real_plan):
    assert "(illustrative copy 2)" not in client.get("/measures/").content.decode()  # and now in the page cache
    scale(3, scratch=True)
    measure = Measure.objects.filter(fixture_key__startswith=PREFIX).select_related("priority__edition").first()
    action = Action.objects.filter(fixture_key__startswith=PREFIX).select_related("priority__edition").first()
    meeting = Meeting.objects.filter(fixture_key__startswith=PREFIX, agenda_items__isnull=False).first()
    pages = [
        "/",
        "/plan/",
        "/measures/",
        "/meetings/",
        "/governance/",
        "/search/?q=crime",
        measure.priority.edition.get_absolute_url(),
        measure.priority.get_absolute_url(),
        measure.get_absolute_url(),
        action.get_absolute_url(),
        meeting.get_absolute_url(),
        "/api/v1/measures/",
        "/measures/values.csv",
        "/plans/actions.csv",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "(illustrative copy 2)" in text(client.get("/measures/"))
    page = text(client.get(measure.get_absolute_url()))
    assert measure.title in page and f"Source: {SOURCE}." in page
    assert "(illustrative copy" in text(client.get(meeting.get_absolute_url()))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_on_postgresql_the_planner_knows_the_scaled_sizes_so_benchmarks_plan_as_production_would(real_plan):
    """A bulk load leaves the planner's statistics at the old sizes unless they are gathered again, and then
    each list is planned as if it held a handful of rows (a 100x benchmark ran 2-3x slow for it)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the statistics of the plan before scaling, whatever an earlier run left
    scale(5, scratch=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [ReportedValue._meta.db_table])
        estimated = cursor.fetchone()[0]
    assert estimated == ReportedValue.objects.count()
