import html
import re
from datetime import date

from django.contrib.auth import get_user_model

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
    CommitmentFactory,
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
    # Provisional until a second officer approves it: the public still sees the last approved status.
    assert Action.objects.with_status().get(pk=action.pk).status == Action.Status.ON_TRACK
    approve_as_another_officer(action.updates.get(date=date(2024, 4, 2)))
    assert Action.objects.with_status().get(pk=action.pk).status == Action.Status.AT_RISK


def approve_as_another_officer(record):
    """A second officer (a publisher) approves what the first entered, as on the approval page."""
    publisher = get_user_model().objects.create_user("second-officer", is_staff=True)
    record.approve(publisher)
    record.save()


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
    approve_as_another_officer(action.updates.get(date=date(2024, 6, 1)))
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
    update = action.updates.get()
    assert (update.commentary, update.approval, update.entered_by.groups.get().name) == (
        "Funding is not yet agreed.",
        "provisional",
        "Performance officers",
    )
    approve_as_another_officer(update)
    action = Action.objects.with_status().get(pk=action.pk)
    assert (action.status, action.progress) == (Action.Status.AT_RISK, 30)


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


# ---- taking the plan off the public site is confirmed first, saying what residents lose ------------------


def confirmation_data(response):
    """What the confirmation page's form posts: the officer's form as they sent it, and the confirmation."""
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', response.content.decode())
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(html.unescape(value))
    return data


def public_plan(**kwargs):
    edition = PublishedEditionFactory(title="KCPP 2022-2027", slug="2022-2027", **kwargs)
    priority = PriorityFactory(edition=edition)
    ActionFactory.create_batch(3, priority=priority)
    CommitmentFactory(edition=edition)
    return edition


def test_setting_the_published_plan_back_to_draft_asks_first_saying_what_residents_lose(officer_client):
    edition = public_plan()
    url = admin_url(PlanEdition, "change", edition.pk)
    page = officer_client.get(url)

    response = officer_client.post(url, post_back(page, status="draft", summary="Withdrawn for review."))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Are you sure you want to unpublish “KCPP 2022-2027”?" in content
    assert "/plans/2022-2027/" in content
    assert "its 1 priority, each with its page" in content
    assert "its 3 actions and their progress updates" in content
    assert "its 1 commitment" in content
    assert "a current plan on the home page" in content
    assert f'href="{url}" class="button cancel-link">No, take me back</a>' in content
    edition.refresh_from_db()
    assert (edition.status, edition.summary) == ("published", "")  # nothing changed yet

    confirmed = officer_client.post(url, confirmation_data(response))

    assert confirmed.status_code == 302
    edition.refresh_from_db()
    assert (edition.status, edition.summary) == ("draft", "Withdrawn for review.")


def test_archiving_the_published_plan_asks_first_saying_there_will_be_no_current_plan(officer_client):
    edition = public_plan()
    url = admin_url(PlanEdition, "change", edition.pk)

    response = officer_client.post(url, post_back(officer_client.get(url), status="archived"))

    content = response.content.decode()
    assert "Are you sure you want to archive “KCPP 2022-2027”?" in content
    assert "it stays on the public site as a previous edition, but no edition is the current plan" in content
    edition.refresh_from_db()
    assert edition.status == "published"
    assert officer_client.post(url, confirmation_data(response)).status_code == 302
    edition.refresh_from_db()
    assert edition.status == "archived"


def test_other_changes_to_a_published_plan_are_saved_straight_away(officer_client):
    edition = public_plan()
    url = admin_url(PlanEdition, "change", edition.pk)

    response = officer_client.post(url, post_back(officer_client.get(url), summary="The plan for 2022 to 2027."))

    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.status, edition.summary) == ("published", "The plan for 2022 to 2027.")


def test_a_confirmation_for_another_status_does_not_count(officer_client):
    edition = public_plan()
    url = admin_url(PlanEdition, "change", edition.pk)

    response = officer_client.post(
        url, post_back(officer_client.get(url), status="draft", _confirmed_status="archived")
    )

    assert "Are you sure you want to unpublish" in response.content.decode()
    edition.refresh_from_db()
    assert edition.status == "published"


# ---- lists: one edition's priorities, actions by number and text, columns that fit -----------------------


def test_the_priority_filter_lists_the_priorities_of_the_edition_in_view(officer_client):
    current = PublishedEditionFactory(title="Plan 2022-2027")
    older = PlanEditionFactory(title="Plan 2018-2021", status="archived")
    violence = PriorityFactory(edition=current, number=1, title="Tackling violence")
    crime = PriorityFactory(edition=older, number=1, title="Preventing crime")
    ActionFactory(priority=violence, text="Publish a violence reduction strategy")
    ActionFactory(priority=crime, text="Target prolific offenders")

    def priority_filter(**query):
        response = officer_client.get(admin_url(Action, "changelist"), query)
        spec = next(spec for spec in response.context["cl"].filter_specs if spec.title.startswith("priority"))
        actions = sorted(action.text for action in response.context["cl"].result_list)
        return spec.title, [label for _, label in spec.lookup_choices], actions

    assert priority_filter() == (
        "priority in Plan 2022-2027",
        ["1. Tackling violence"],
        ["Publish a violence reduction strategy", "Target prolific offenders"],
    )
    assert priority_filter(priority__edition__id__exact=older.pk)[:2] == (
        "priority in Plan 2018-2021",
        ["1. Preventing crime"],
    )
    assert priority_filter(priority__id__exact=crime.pk) == (
        "priority in Plan 2018-2021",
        ["1. Preventing crime"],
        ["Target prolific offenders"],
    )
    content = officer_client.get(admin_url(Action, "changelist")).content.decode()
    assert "By priority in Plan 2022-2027" in content


LONG_ACTION = (
    "Work with the West Yorkshire Violence Reduction Unit (VRU) to reduce serious violence, and give sharp focus "
    "to those involving weapons, working upstream to tackle the causes that draw people into violence."
)


def test_actions_are_named_by_their_number_and_whole_text_in_the_list(officer_client):
    ActionFactory(priority__number=1, number=2, text=LONG_ACTION)

    response = officer_client.get(admin_url(Action, "changelist"))

    assert f"1.2 {LONG_ACTION}" in html.unescape(response.content.decode())


def test_a_progress_update_is_named_by_its_date_and_action_wherever_it_is_shown(officer_client):
    update = ProgressUpdateFactory(
        action__priority__number=1, action__number=2, action__text=LONG_ACTION, date=date(2025, 3, 3)
    )
    name = "Update of 3 March 2025 on 1.2 Work with the West Yorkshire Violence Reduction Unit (VRU)…"
    pages = {
        "list": officer_client.get(admin_url(ProgressUpdate, "changelist")),
        "change": officer_client.get(admin_url(ProgressUpdate, "change", update.pk)),
        "history": officer_client.get(admin_url(ProgressUpdate, "history", update.pk)),
        "delete": officer_client.get(admin_url(ProgressUpdate, "delete", update.pk)),
        "action": officer_client.get(admin_url(Action, "change", update.action.pk)),
    }
    text = {page: html.unescape(response.content.decode()) for page, response in pages.items()}

    assert "1.2 Work with the West Yorkshire Violence Reduction Unit (VRU) to reduce serious violence…" in text["list"]
    assert f"<h2>{name}</h2>" in text["change"]
    chosen = text["change"].split('id="id_action"')[1].split("</select>")[0]
    assert "1.2 Work with the West Yorkshire Violence Reduction Unit (VRU) to reduce serious violence…" in chosen
    assert f"History of {name}" in text["history"]
    assert f">{name}</a>" in text["history"]
    assert f"Are you sure you want to delete the progress update “{name}”?" in text["delete"]
    assert f'Progress update: <a href="{admin_url(ProgressUpdate, "change", update.pk)}">{name}</a>' in text["delete"]
    # On the action's own page each update is headed by its date and status.
    assert '<span class="inline_label">3 March 2025: On track' in text["action"]
    for page, content in text.items():
        assert f"action {update.action.pk}" not in content, page


def test_the_history_page_has_no_empty_change_reason_column_and_says_what_a_script_did(officer_client):
    priority = PriorityFactory(title="Safe and cohesive")
    priority.history.update(history_change_reason="Loaded from the source documents")

    response = officer_client.get(admin_url(Priority, "history", priority.pk))

    content = response.content.decode()
    assert "Change reason" not in content
    assert re.search(
        r"A script \(such as the plan loader\)\s*<div class=\"help\">Loaded from the source documents", content
    )


def test_a_prioritys_actions_are_labelled_by_their_reference_beside_their_whole_text(officer_client):
    action = ActionFactory(priority__number=1, number=2, text=LONG_ACTION)

    content = officer_client.get(admin_url(Priority, "change", action.priority.pk)).content.decode()

    actions = content.split('id="actions-group"')[1]
    assert re.search(
        r'<td class="original">\s*<p>\s*1\.2\s*<a href="' + admin_url(Action, "change", action.pk), actions
    )
    assert LONG_ACTION in html.unescape(actions)  # in the box to edit it
