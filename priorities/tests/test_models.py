from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from priorities.models import Action, PlanEdition, PublicationStatus, Theme
from priorities.tests.factories import (
    ActionFactory,
    PlanEditionFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    PublishedEditionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def messages(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return " ".join(error.value.messages)


def test_only_one_edition_can_be_the_published_current_plan():
    PublishedEditionFactory()
    second = PublishedEditionFactory.build(slug="another")
    assert "Only one edition can be published" in messages(second)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert PlanEdition.objects.filter(status=PublicationStatus.PUBLISHED).count() == 1


def test_a_plan_cannot_be_published_without_its_approval():
    edition = PlanEditionFactory.build(status=PublicationStatus.PUBLISHED, approval="")
    assert "Record what is known about this plan's approval" in messages(edition)


@pytest.mark.parametrize(
    ("approval", "body", "day", "error", "text"),
    [
        ("decision", "Cabinet", date(2022, 9, 20), None, "Approved by Cabinet on 20 September 2022"),
        ("decision", "Cabinet", None, "Give the date of the decision", None),
        (
            "due",
            "Cabinet",
            date(2022, 9, 20),
            None,
            "Decision due by Cabinet on 20 September 2022; the date it was made is not recorded",
        ),
        ("due", "", date(2022, 9, 20), "Say who approved it", None),
        ("sought", "Full Council", None, None, "Approval by Full Council sought; no decision is recorded"),
        ("", "Cabinet", None, "Say what the approval record is", None),
        ("", "", None, None, "No approval recorded"),
    ],
)
def test_an_approval_record_says_no_more_than_is_recorded(approval, body, day, error, text):
    edition = PlanEditionFactory.build(
        kind=PlanEdition.Kind.REFRESH, approval=approval, approval_body=body, approval_date=day
    )
    if error:
        assert error in messages(edition)
    else:
        edition.full_clean()
        assert edition.approval_text == text


def test_a_refresh_can_be_archived_without_a_formal_approval():
    edition = PlanEditionFactory.build(kind=PlanEdition.Kind.REFRESH, status=PublicationStatus.ARCHIVED)
    edition.full_clean()


def test_an_edition_cannot_end_before_it_starts():
    edition = PlanEditionFactory.build(start_year=2027, end_year=2022)
    assert "last year cannot be before the first year" in messages(edition)


def test_public_editions_exclude_drafts():
    PlanEditionFactory(slug="draft")
    published = PublishedEditionFactory()
    archived = PlanEditionFactory(
        status=PublicationStatus.ARCHIVED, approval="decision", approval_body="Cabinet", approval_date=date(2019, 6, 18)
    )
    assert set(PlanEdition.objects.public()) == {published, archived}


def test_sub_themes_go_one_level_deep_within_the_same_priority():
    theme = ThemeFactory()
    sub = ThemeFactory(priority=theme.priority, parent=theme)
    deeper = Theme(priority=theme.priority, parent=sub, title="Too deep")
    assert "one level deep" in messages(deeper)
    elsewhere = Theme(priority=PriorityFactory(), parent=theme, title="Wrong priority")
    assert "different priority" in messages(elsewhere)


def test_action_progress_is_a_percentage_and_dates_run_forwards():
    action = ActionFactory.build(priority=PriorityFactory(), progress=120)
    assert "Progress is a percentage from 0 to 100." in messages(action)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(progress=150)
    late = ActionFactory.build(priority=PriorityFactory(), start_date=date(2024, 1, 1), due_date=date(2023, 1, 1))
    assert "due date cannot be before the start date" in messages(late)


@pytest.mark.parametrize(
    ("status", "progress", "refused"),
    [
        (Action.Status.COMPLETED, 60, True),
        (Action.Status.COMPLETED, 99, True),
        (Action.Status.COMPLETED, 100, False),
        (Action.Status.COMPLETED, None, False),
        (Action.Status.ON_TRACK, 60, False),
        (Action.Status.NO_UPDATE, 0, False),
    ],
)
def test_a_completed_action_is_fully_complete(status, progress, refused):
    action = ActionFactory.build(priority=PriorityFactory(), progress=progress)
    if refused:
        with pytest.raises(ValidationError, match=f"100% complete, but this one's progress is {progress}%"):
            action.check_progress(status)
    else:
        action.check_progress(status)


def test_a_priority_with_actions_cannot_be_deleted():
    action = ActionFactory()
    with pytest.raises(ProtectedError):
        action.priority.delete()
    assert Action.objects.filter(pk=action.pk).exists()


def test_every_change_is_recorded_in_history():
    action = ActionFactory(progress=10)
    action.progress = 40
    action.save()
    assert list(action.history.values_list("progress", flat=True)) == [40, 10]


# ---- an action's status: its latest progress update's ------------------------------------------------


def status_of(action):
    return Action.objects.with_status().get(pk=action.pk).status


def test_an_action_without_updates_has_no_update_yet():
    action = ActionFactory()
    assert status_of(action) == Action.Status.NO_UPDATE
    assert Action.objects.with_status().get(pk=action.pk).get_status_display() == "No update yet"


def test_the_latest_update_by_date_gives_the_status_whatever_order_they_were_entered_in():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, date=date(2024, 1, 10), status=Action.Status.ON_TRACK)
    assert status_of(action) == Action.Status.ON_TRACK
    ProgressUpdateFactory(action=action, date=date(2024, 4, 2), status=Action.Status.AT_RISK)
    assert status_of(action) == Action.Status.AT_RISK
    # An older report entered later is history: it does not change the status.
    ProgressUpdateFactory(action=action, date=date(2023, 12, 1), status=Action.Status.COMPLETED)
    assert status_of(action) == Action.Status.AT_RISK
    # Of two updates on the same day, the one entered later is the latest.
    ProgressUpdateFactory(action=action, date=date(2024, 4, 2), status=Action.Status.DELAYED)
    assert status_of(action) == Action.Status.DELAYED


def test_statuses_of_a_list_of_actions_cost_one_query(django_assert_num_queries):
    for status in (Action.Status.ON_TRACK, Action.Status.DELAYED, Action.Status.COMPLETED):
        action = ActionFactory()
        ProgressUpdateFactory(action=action, date=date(2023, 1, 1), status=Action.Status.NOT_STARTED)
        ProgressUpdateFactory(action=action, date=date(2024, 1, 1), status=status)
    ActionFactory()
    with django_assert_num_queries(1):
        statuses = [action.status for action in Action.objects.with_status().order_by("pk")]
    assert statuses == ["on_track", "delayed", "completed", "no_update"]
    assert Action.objects.with_status().filter(latest_status="no_update").count() == 1


def test_an_action_loaded_without_its_status_says_how_to_load_it():
    action = Action.objects.get(pk=ActionFactory().pk)
    with pytest.raises(AttributeError, match=r"Action\.objects\.with_status\(\)"):
        action.status  # noqa: B018


# ---- flags: what an action's dates say needs attention ---------------------------------------------

ON_TRACK, COMPLETED = Action.Status.ON_TRACK, Action.Status.COMPLETED


@pytest.mark.parametrize(
    ("start", "due", "updates", "as_of", "flag"),
    [
        pytest.param(
            None, date(2024, 3, 31), [(date(2024, 3, 1), ON_TRACK)], date(2024, 4, 1),
            ("overdue", "Overdue", "Due 31 March 2024; not completed"), id="overdue-the-day-after-its-due-date",
        ),
        pytest.param(
            None, date(2024, 3, 31), [(date(2024, 3, 1), ON_TRACK)], date(2024, 3, 31), None,
            id="not-overdue-on-its-due-date",
        ),
        pytest.param(
            None, date(2024, 3, 31), [(date(2023, 3, 1), COMPLETED)], date(2025, 1, 1), None,
            id="completed-never-flagged",
        ),
        pytest.param(
            None, date(2024, 3, 31), [], date(2025, 1, 1),
            ("overdue", "Overdue", "Due 31 March 2024; not completed"), id="overdue-before-update-due",
        ),
        pytest.param(
            date(2023, 4, 1), None, [(date(2024, 1, 1), ON_TRACK)], date(2024, 7, 1),
            ("update_due", "Update due", "Last progress update 1 January 2024; next due by 1 July 2024"),
            id="update-due-182-days-after-the-latest-update",
        ),
        pytest.param(
            date(2023, 4, 1), None, [(date(2024, 1, 1), ON_TRACK)], date(2024, 6, 30), None,
            id="no-update-due-181-days-after-the-latest-update",
        ),
        pytest.param(
            date(2023, 4, 1), None, [], date(2023, 9, 30),
            (
                "update_due",
                "Update due",
                "No progress update since it started on 1 April 2023; first due by 30 September 2023",
            ),
            id="update-due-from-the-start-date",
        ),
        pytest.param(
            date(2023, 4, 1), None, [], date(2023, 9, 29), None, id="no-update-due-yet-from-the-start-date",
        ),
        pytest.param(
            date(2025, 4, 1), None, [], date(2024, 7, 1), None, id="not-started-yet",
        ),
        pytest.param(
            None, None, [], date(2022, 7, 2),
            (
                "update_due",
                "Update due",
                "No progress update since its plan began on 1 January 2022; first due by 2 July 2022",
            ),
            id="update-due-from-the-editions-first-year",
        ),
        pytest.param(None, None, [], date(2022, 7, 1), None, id="no-update-due-yet-from-the-edition"),
        pytest.param(
            None, None, [(date(2024, 1, 1), COMPLETED)], date(2030, 1, 1), None, id="completed-needs-no-update",
        ),
    ],
)  # fmt: skip
def test_an_actions_flag_comes_from_its_dates(start, due, updates, as_of, flag):
    edition = PublishedEditionFactory(start_year=2022, end_year=2027)
    action = ActionFactory(priority=PriorityFactory(edition=edition), start_date=start, due_date=due)
    for day, status in updates:
        ProgressUpdateFactory(action=action, date=day, status=status)
    found = Action.objects.with_status().select_related("priority__edition").get(pk=action.pk).flag(as_of=as_of)
    assert (found and (found.code, found.label, found.explanation)) == flag


@pytest.mark.parametrize("status", [PublicationStatus.ARCHIVED, PublicationStatus.DRAFT])
def test_no_update_is_due_on_a_plan_not_in_force_but_overdue_still_shows(status):
    edition = PlanEditionFactory(
        start_year=2018, end_year=2021, status=status, approval="sought", approval_body="Full Council"
    )
    quiet = ActionFactory(priority=PriorityFactory(edition=edition))
    late = ActionFactory(priority=PriorityFactory(edition=edition), due_date=date(2021, 3, 31))
    actions = Action.objects.with_status().select_related("priority__edition")

    assert actions.get(pk=quiet.pk).flag(as_of=date(2026, 12, 4)) is None
    assert actions.get(pk=late.pk).flag(as_of=date(2026, 12, 4)).label == "Overdue"
