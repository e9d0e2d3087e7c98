"""Deleting plan records in the admin: refused, not cascaded, where the public sees them or records depend on them."""

import pytest

from core.admin_testing import admin_url, form_errors, post_back
from priorities.models import Action, Commitment, PlanEdition, Priority, ProgressUpdate, PublicationStatus, Theme
from priorities.tests.factories import (
    ActionFactory,
    CommitmentFactory,
    PlanEditionFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    PublishedEditionFactory,
    ThemeFactory,
)


def delete(client, obj):
    return client.post(admin_url(type(obj), "delete", obj.pk), {"post": "yes"})


def bulk_delete(client, model, *objs):
    return client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk for obj in objs], "post": "yes"},
    )


@pytest.mark.parametrize("status", [PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED])
def test_a_public_edition_cannot_be_deleted(officer_client, status):
    edition = PublishedEditionFactory(title="KCPP 2018-2021", status=status)

    page = officer_client.get(admin_url(PlanEdition, "delete", edition.pk))
    response = delete(officer_client, edition)

    assert page.status_code == response.status_code == 200
    content = response.content.decode()
    assert {
        PublicationStatus.PUBLISHED: "Plan edition “KCPP 2018-2021” is the published plan: residents read it",
        PublicationStatus.ARCHIVED: "Plan edition “KCPP 2018-2021” is archived: residents can still read it",
    }[status] in content
    assert "kept for the record, not deleted" in content
    # Unpublishing takes the whole plan off the public site: never offered as the way to delete it.
    assert "draft" not in content.split('id="content"')[1]
    assert "Yes, I’m sure" not in page.content.decode()
    assert PlanEdition.objects.filter(pk=edition.pk).exists()


def test_a_draft_edition_with_priorities_cannot_be_deleted(officer_client):
    priority = PriorityFactory(title="Keeping people safe")

    response = delete(officer_client, priority.edition)

    assert response.status_code == 200
    content = response.content.decode()
    assert "would require deleting the following protected related objects" in content
    assert "Keeping people safe" in content
    assert PlanEdition.objects.filter(pk=priority.edition.pk).exists()


def test_a_draft_edition_with_nothing_in_it_is_deleted(officer_client):
    edition = PlanEditionFactory()

    response = delete(officer_client, edition)

    assert response.status_code == 302
    assert not PlanEdition.objects.filter(pk=edition.pk).exists()


def published(factory, **kwargs):
    edition = PublishedEditionFactory(title="KCPP 2022-2027")
    priority = PriorityFactory(edition=edition)
    if factory is CommitmentFactory:
        return factory(edition=edition, **kwargs)
    if factory is PriorityFactory:
        return priority
    if factory is ProgressUpdateFactory:
        return factory(action=ActionFactory(priority=priority), **kwargs)
    return factory(priority=priority, **kwargs)


@pytest.mark.parametrize(
    "factory", [CommitmentFactory, PriorityFactory, ThemeFactory, ActionFactory, ProgressUpdateFactory]
)
def test_anything_in_a_published_edition_cannot_be_deleted(officer_client, factory):
    obj = published(factory)

    response = delete(officer_client, obj)

    assert response.status_code == 200
    content = response.content.decode()
    assert "is part of the published plan edition “KCPP 2022-2027”, which residents can see." in content
    assert "Correct it by editing it, or make the change in a new draft edition." in content
    assert "set the edition back to draft" not in content  # that would take the whole plan off the site
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_bulk_deleting_a_priority_of_the_published_plan_is_refused(officer_client):
    draft = PriorityFactory(title="Draft priority")
    public = published(PriorityFactory)

    response = bulk_delete(officer_client, Priority, draft, public)

    assert response.status_code == 200
    content = response.content.decode()
    assert "You cannot delete the selected priorities" in content
    assert f"Priority “{public}” is part of the published plan edition" in content
    assert Priority.objects.filter(pk__in=[draft.pk, public.pk]).count() == 2


def test_a_draft_priority_is_deleted_with_its_themes(officer_client):
    theme = ThemeFactory(title="Reducing violence")
    priority = theme.priority

    page = officer_client.get(admin_url(Priority, "delete", priority.pk))
    assert "Reducing violence" in page.content.decode()  # the officer is told the themes go too
    response = delete(officer_client, priority)

    assert response.status_code == 302
    assert not Priority.objects.filter(pk=priority.pk).exists()
    assert not Theme.objects.filter(pk=theme.pk).exists()


def test_a_draft_priority_with_actions_cannot_be_deleted(officer_client):
    action = ActionFactory()

    response = delete(officer_client, action.priority)

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Priority.objects.filter(pk=action.priority.pk).exists()


def test_bulk_deleting_draft_commitments_works(officer_client):
    edition = PlanEditionFactory()
    commitments = CommitmentFactory.create_batch(2, edition=edition)

    response = bulk_delete(officer_client, Commitment, *commitments)

    assert response.status_code == 302
    assert not Commitment.objects.exists()


def test_an_action_with_progress_updates_cannot_be_deleted(officer_client):
    update = ProgressUpdateFactory()

    response = delete(officer_client, update.action)

    assert response.status_code == 200
    assert "Progress update" in response.content.decode()
    assert Action.objects.filter(pk=update.action.pk).exists()
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


def tick_delete_on_theme(client, theme):
    page = client.get(admin_url(Priority, "change", theme.priority.pk))
    data = post_back(page, **{"themes-0-DELETE": "on"})
    return client.post(admin_url(Priority, "change", theme.priority.pk), data)


def test_a_theme_of_the_published_plan_cannot_be_deleted_from_its_priority(officer_client):
    theme = published(ThemeFactory, title="Reducing violence")

    response = tick_delete_on_theme(officer_client, theme)

    assert response.status_code == 200
    assert any("Theme “Reducing violence” is part of the published plan" in m for m in form_errors(response))
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_a_theme_of_a_draft_priority_is_deleted_from_its_priority(officer_client):
    theme = ThemeFactory()

    response = tick_delete_on_theme(officer_client, theme)

    assert response.status_code == 302
    assert not Theme.objects.filter(pk=theme.pk).exists()
