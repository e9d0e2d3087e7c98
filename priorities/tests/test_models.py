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
    edition = PlanEditionFactory.build(status=PublicationStatus.PUBLISHED, approved_by="", approved_on=None)
    assert "Record who approved this plan and when" in messages(edition)


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
        status=PublicationStatus.ARCHIVED, approved_by="Cabinet", approved_on=date(2019, 6, 18)
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


def test_a_completed_action_is_fully_complete():
    action = ActionFactory.build(priority=PriorityFactory(), status=Action.Status.COMPLETED, progress=60)
    assert "100% complete" in messages(action)


def test_a_priority_with_actions_cannot_be_deleted():
    action = ActionFactory()
    with pytest.raises(ProtectedError):
        action.priority.delete()
    assert Action.objects.filter(pk=action.pk).exists()


def test_every_change_is_recorded_in_history():
    action = ActionFactory()
    action.status = Action.Status.AT_RISK
    action.save()
    statuses = list(action.history.values_list("status", flat=True))
    assert statuses == [Action.Status.AT_RISK, Action.Status.NO_UPDATE]
