"""The migration that made an action's status its latest progress update's keeps every status an officer entered.

Its RunPython functions run directly on the models as they were before the migration (the state after
0002), over a table that has the old `status` column again for the length of the test: the column is
added inside the test's transaction, and goes when that is rolled back.
"""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from priorities.models import Action, ProgressUpdate
from priorities.tests.factories import ActionFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("priorities.migrations.0003_status_from_progress_updates")
approval = importlib.import_module("priorities.migrations.0006_progress_update_approval")
KEPT = "Status recorded on the action before an action's status came from its progress updates."
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def old_apps():
    """The models as they were before the migration, over tables with the action's stored status again."""
    with connection.cursor() as cursor:
        for table in ("priorities_action", "priorities_historicalaction"):
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN status varchar(20) NOT NULL DEFAULT 'no_update'")
    return MigrationLoader(connection).project_state(("priorities", "0002_editors_notes")).apps


def stored(old_apps, action, status, last_changed):
    """Give `action` the status an officer stored on it, and the time it last changed."""
    OldAction = old_apps.get_model("priorities", "Action")
    OldAction.objects.filter(pk=action.pk).update(status=status, updated_at=last_changed)


def migrate_forward(old_apps):
    """The migration, then the later one that keeps every update made before approvals existed public."""
    migration.keep_statuses_as_updates(old_apps, None)
    approval.updates_already_public_stay_final(MigrationLoader(connection).project_state().apps, None)


def status_of(action):
    return Action.objects.with_status().get(pk=action.pk).status


def test_a_status_stored_on_an_action_becomes_a_progress_update_dated_the_day_it_last_changed(old_apps):
    # At risk, set on the action after its latest update said on track.
    overtaken = ActionFactory()
    ProgressUpdateFactory(action=overtaken, date=date(2024, 1, 10), status=Action.Status.ON_TRACK)
    stored(old_apps, overtaken, "at_risk", datetime(2024, 3, 5, 9, 30, tzinfo=LONDON))
    # Completed, on an action without any update; last changed just after midnight in London.
    without_updates = ActionFactory()
    stored(old_apps, without_updates, "completed", datetime(2024, 7, 1, 0, 15, tzinfo=LONDON))
    # The same as its latest update says, and never set: nothing to keep.
    agreeing, untouched = ActionFactory(), ActionFactory()
    ProgressUpdateFactory(action=agreeing, date=date(2024, 2, 1), status=Action.Status.DELAYED)
    stored(old_apps, agreeing, "delayed", datetime(2024, 3, 1, 12, tzinfo=LONDON))
    ProgressUpdateFactory(action=untouched, date=date(2024, 2, 1), status=Action.Status.ON_TRACK)
    before = ProgressUpdate.objects.count()

    migrate_forward(old_apps)

    kept = ProgressUpdate.objects.filter(commentary=KEPT).order_by("action_id")
    assert [(update.action_id, update.date, update.status) for update in kept] == [
        (overtaken.pk, date(2024, 3, 5), "at_risk"),
        (without_updates.pk, date(2024, 7, 1), "completed"),
    ]
    assert ProgressUpdate.objects.count() == before + 2
    assert [status_of(action) for action in (overtaken, without_updates, agreeing, untouched)] == [
        "at_risk",
        "completed",
        "delayed",
        "on_track",
    ]
    assert kept[0].history.get().history_type == "+"


def test_a_status_stored_before_a_newer_update_is_kept_as_history_but_the_update_still_gives_the_status(old_apps):
    action = ActionFactory()
    ProgressUpdateFactory(action=action, date=date(2024, 6, 1), status=Action.Status.ON_TRACK)
    stored(old_apps, action, "not_started", datetime(2024, 2, 1, 10, tzinfo=LONDON))

    migrate_forward(old_apps)

    assert action.updates.get(commentary=KEPT).date == date(2024, 2, 1)
    assert status_of(action) == "on_track"


def test_going_back_copies_each_actions_latest_update_status_onto_it(old_apps):
    with_update, without = ActionFactory(), ActionFactory()
    ProgressUpdateFactory(action=with_update, date=date(2024, 1, 10), status=Action.Status.AT_RISK)
    ProgressUpdateFactory(action=with_update, date=date(2023, 1, 10), status=Action.Status.ON_TRACK)
    stored(old_apps, without, "on_track", datetime(2024, 3, 5, 9, 30, tzinfo=LONDON))

    migration.copy_latest_status_back(old_apps, None)

    OldAction = old_apps.get_model("priorities", "Action")
    statuses = dict(OldAction.objects.filter(pk__in=[with_update.pk, without.pk]).values_list("pk", "status"))
    assert statuses == {with_update.pk: "at_risk", without.pk: "no_update"}
