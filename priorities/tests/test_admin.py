import re
from datetime import date

from core.admin_testing import (
    add_inline_rows,
    admin_url,
    form_errors,
    log_in_staff,
    post_back,
)
from priorities.models import Action, Commitment, PlanEdition, Priority, ProgressUpdate, Theme
from priorities.tests.factories import (
    ActionFactory,
    PlanEditionFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    PublishedEditionFactory,
    ThemeFactory,
)


def test_officer_adds_a_draft_edition(officer_client):
    page = officer_client.get(admin_url(PlanEdition, "add"))
    data = post_back(
        page,
        title="Kirklees Communities Partnership Plan 2022-2027",
        slug="2022-2027",
        start_year="2022",
        end_year="2027",
    )
    add_inline_rows(data, "commitments", {"number": "1", "text": "We will listen to communities."})

    response = officer_client.post(admin_url(PlanEdition, "add"), data)

    assert response.status_code == 302
    edition = PlanEdition.objects.get(slug="2022-2027")
    assert edition.status == "draft"
    assert [c.text for c in edition.commitments.all()] == ["We will listen to communities."]


def test_publishing_a_plan_without_its_approval_is_refused_with_the_reason(officer_client):
    page = officer_client.get(admin_url(PlanEdition, "add"))
    data = post_back(page, title="Plan", slug="plan", start_year="2022", end_year="2027", status="published")

    response = officer_client.post(admin_url(PlanEdition, "add"), data)

    assert response.status_code == 200
    message = "Record what is known about this plan's approval before publishing or archiving it."
    assert message in form_errors(response)
    assert "Record what is known about this plan" in response.content.decode()
    assert not PlanEdition.objects.exists()


def test_a_second_published_edition_is_refused(officer_client):
    PublishedEditionFactory()
    page = officer_client.get(admin_url(PlanEdition, "add"))
    data = post_back(
        page,
        title="Plan",
        slug="plan",
        start_year="2022",
        end_year="2027",
        status="published",
        approval="decision",
        approval_body="Cabinet",
        approval_date="2022-09-20",
    )

    response = officer_client.post(admin_url(PlanEdition, "add"), data)

    assert response.status_code == 200
    assert any("Archive the current edition first" in message for message in form_errors(response))
    assert PlanEdition.objects.count() == 1


def test_officer_adds_a_priority_with_its_themes(officer_client):
    edition = PlanEditionFactory()
    page = officer_client.get(admin_url(Priority, "add"))
    data = post_back(page, edition=str(edition.pk), number="1", title="Safe and cohesive", slug="safe-and-cohesive")
    add_inline_rows(
        data,
        "themes",
        {"order": "1", "title": "Reducing violence"},
        {"order": "2", "title": "Tackling exploitation"},
    )
    add_inline_rows(data, "actions", {"number": "1", "text": "Publish a violence reduction strategy"})

    response = officer_client.post(admin_url(Priority, "add"), data)

    assert response.status_code == 302
    priority = Priority.objects.get(edition=edition, number=1)
    assert [theme.title for theme in priority.themes.all()] == ["Reducing violence", "Tackling exploitation"]
    action = priority.actions.with_status().get()
    assert (action.text, action.status) == ("Publish a violence reduction strategy", Action.Status.NO_UPDATE)


def test_a_prioritys_actions_show_their_status_from_their_latest_update_and_cannot_set_it(officer_client):
    action = ActionFactory()
    ProgressUpdateFactory(action=action, date=date(2024, 1, 10), status=Action.Status.DELAYED)

    page = officer_client.get(admin_url(Priority, "change", action.priority.pk))

    content = page.content.decode()
    assert "Status (from its latest progress update)" in content
    assert "<p>Delayed</p>" in content
    assert 'name="actions-0-status"' not in content


def test_a_sub_theme_under_another_prioritys_theme_is_refused_with_the_reason(officer_client):
    other_theme = ThemeFactory()
    priority = PriorityFactory()
    page = officer_client.get(admin_url(Theme, "add"))
    data = post_back(page, priority=str(priority.pk), parent=str(other_theme.pk), title="Hate crime")

    response = officer_client.post(admin_url(Theme, "add"), data)

    assert response.status_code == 200
    assert "The theme belongs to a different priority." in response.content.decode()
    assert not priority.themes.exists()


def test_sub_themes_are_chosen_once_the_priority_is_saved(officer_client):
    add = officer_client.get(admin_url(Priority, "add"))
    change = officer_client.get(admin_url(Priority, "change", PriorityFactory().pk))

    assert 'name="themes-__prefix__-parent"' not in add.content.decode()
    assert 'name="themes-__prefix__-parent"' in change.content.decode()


def test_a_sub_theme_added_under_a_priority_must_sit_under_one_of_its_themes(officer_client):
    other_theme = ThemeFactory()
    priority = PriorityFactory()
    page = officer_client.get(admin_url(Priority, "change", priority.pk))
    data = add_inline_rows(
        post_back(page), "themes", {"order": "1", "title": "Hate crime", "parent": str(other_theme.pk)}
    )

    response = officer_client.post(admin_url(Priority, "change", priority.pk), data)

    assert response.status_code == 200
    assert "The theme belongs to a different priority." in form_errors(response)
    assert not priority.themes.exists()


# ---- an action's status: its latest progress update's -------------------------------------------


def test_an_actions_status_is_shown_but_changed_only_by_adding_a_progress_update(officer_client):
    action = ActionFactory()
    ProgressUpdateFactory(action=action, date=date(2024, 1, 10), status=Action.Status.ON_TRACK)
    page = officer_client.get(admin_url(Action, "change", action.pk))
    content = page.content.decode()
    assert 'name="status"' not in content
    assert "The status is the latest progress update’s: to change it, add a dated progress update below" in (
        content.replace("&#x27;", "’").replace("'", "’")
    )
    assert "On track" in content
    data = add_inline_rows(
        post_back(page), "updates", {"date": "2024-04-02", "status": "at_risk", "commentary": "Funding is late."}
    )

    response = officer_client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 302
    assert Action.objects.with_status().get(pk=action.pk).status == Action.Status.AT_RISK


COMPLETED_BELOW_100 = "A completed action is 100% complete, but this one's progress is 80%."


def test_a_completed_update_on_an_action_below_100_per_cent_is_refused_with_the_reason(officer_client):
    action = ActionFactory(progress=80)
    page = officer_client.get(admin_url(Action, "change", action.pk))
    data = add_inline_rows(
        post_back(page), "updates", {"date": "2024-04-02", "status": "completed", "commentary": "All done."}
    )

    response = officer_client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    assert any(message.startswith(COMPLETED_BELOW_100) for message in form_errors(response))
    assert not action.updates.exists()


def test_progress_below_100_on_an_action_whose_latest_update_is_completed_is_refused(officer_client):
    action = ActionFactory(progress=100)
    ProgressUpdateFactory(action=action, date=date(2024, 4, 2), status=Action.Status.COMPLETED)
    page = officer_client.get(admin_url(Action, "change", action.pk))

    response = officer_client.post(admin_url(Action, "change", action.pk), post_back(page, progress="80"))

    assert response.status_code == 200
    assert any(message.startswith(COMPLETED_BELOW_100) for message in form_errors(response))
    action.refresh_from_db()
    assert action.progress == 100


def test_an_action_reopened_with_a_newer_update_may_go_below_100_per_cent(officer_client):
    action = ActionFactory(progress=100)
    ProgressUpdateFactory(action=action, date=date(2024, 4, 2), status=Action.Status.COMPLETED)
    page = officer_client.get(admin_url(Action, "change", action.pk))
    data = add_inline_rows(
        post_back(page, progress="80"),
        "updates",
        {"date": "2024-06-01", "status": "delayed", "commentary": "Reopened: the review found gaps."},
    )

    response = officer_client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 302, form_errors(response)
    reopened = Action.objects.with_status().get(pk=action.pk)
    assert (reopened.progress, reopened.status) == (80, Action.Status.DELAYED)


def test_a_completed_update_added_on_its_own_page_to_an_action_below_100_per_cent_is_refused(officer_client):
    action = ActionFactory(progress=80)
    ProgressUpdateFactory(action=action, date=date(2024, 4, 2), status=Action.Status.ON_TRACK)
    page = officer_client.get(admin_url(ProgressUpdate, "add"))
    data = post_back(page, action=str(action.pk), date="2024-06-01", status="completed", commentary="Done.")

    response = officer_client.post(admin_url(ProgressUpdate, "add"), data)

    assert response.status_code == 200
    assert any(message.startswith(COMPLETED_BELOW_100) for message in form_errors(response))
    assert action.updates.count() == 1
    # An older completed update is history, not the action's status: it may be added.
    data.update(date="2024-01-01")
    assert officer_client.post(admin_url(ProgressUpdate, "add"), data).status_code == 302
    assert Action.objects.with_status().get(pk=action.pk).status == Action.Status.ON_TRACK


def test_the_action_list_shows_and_filters_by_the_latest_updates_status(officer_client):
    on_track, delayed, silent = ActionFactory.create_batch(3)
    ProgressUpdateFactory(action=on_track, date=date(2024, 1, 10), status=Action.Status.ON_TRACK)
    ProgressUpdateFactory(action=delayed, date=date(2024, 1, 10), status=Action.Status.ON_TRACK)
    ProgressUpdateFactory(action=delayed, date=date(2024, 4, 2), status=Action.Status.DELAYED)

    def listed(query=""):
        """The status column of each action listed, by the action's id."""
        response = officer_client.get(admin_url(Action, "changelist") + query)
        assert response.status_code == 200
        cells = re.findall(
            r'value="(\d+)" class="action-select".*?<td class="field-current_status">([^<]*)</td>',
            response.content.decode(),
        )
        return {int(pk): status for pk, status in cells}

    assert listed() == {on_track.pk: "On track", delayed.pk: "Delayed", silent.pk: "No update yet"}
    assert listed("?status=delayed") == {delayed.pk: "Delayed"}
    assert listed("?status=on_track") == {on_track.pk: "On track"}
    assert listed("?status=no_update") == {silent.pk: "No update yet"}
    assert listed("?status=completed") == {}
    assert "By status" in officer_client.get(admin_url(Action, "changelist")).content.decode()


def test_priority_form_shows_help_for_officers(officer_client):
    response = officer_client.get(admin_url(Priority, "add"))

    content = response.content.decode()
    assert "The column heading in the outcome framework (plan on a page)." in content
    assert "Themes and actions are edited below" in content


# ---- officer groups -------------------------------------------------------------------------------


def test_plan_editor_changes_a_priority(client, django_user_model):
    log_in_staff(client, django_user_model, "Plan editors")
    priority = PriorityFactory(title="Old title")
    page = client.get(admin_url(Priority, "change", priority.pk))

    response = client.post(admin_url(Priority, "change", priority.pk), post_back(page, title="New title"))

    assert response.status_code == 302
    priority.refresh_from_db()
    assert priority.title == "New title"


def test_performance_officer_sees_a_priority_but_cannot_change_it(client, django_user_model):
    log_in_staff(client, django_user_model, "Performance officers")
    priority = PriorityFactory(title="Old title")

    page = client.get(admin_url(Priority, "change", priority.pk))
    assert page.status_code == 200
    assert "View priority" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()

    response = client.post(admin_url(Priority, "change", priority.pk), {"title": "New title"})
    assert response.status_code == 403
    priority.refresh_from_db()
    assert priority.title == "Old title"


def test_performance_officer_updates_an_action_and_adds_progress(client, django_user_model):
    log_in_staff(client, django_user_model, "Performance officers")
    action = ActionFactory()
    page = client.get(admin_url(Action, "change", action.pk))
    data = post_back(page, progress="30")
    add_inline_rows(
        data, "updates", {"date": "2023-07-25", "status": "at_risk", "commentary": "Funding is not yet agreed."}
    )

    response = client.post(admin_url(Action, "change", action.pk), data)

    assert response.status_code == 302
    action = Action.objects.with_status().get(pk=action.pk)
    assert (action.status, action.progress) == (Action.Status.AT_RISK, 30)
    assert action.updates.get().commentary == "Funding is not yet agreed."


def test_governance_officer_cannot_add_to_the_plan(client, django_user_model):
    log_in_staff(client, django_user_model, "Governance officers")

    assert client.get(admin_url(Commitment, "add")).status_code == 403
    assert client.get(admin_url(Commitment, "changelist")).status_code == 200


def test_staff_without_a_group_sees_no_plan_records(client, django_user_model):
    log_in_staff(client, django_user_model)

    index = client.get("/admin/")
    assert index.status_code == 200
    assert "You don’t have permission to view or edit anything." in index.content.decode()
    assert client.get(admin_url(Priority, "changelist")).status_code == 403
