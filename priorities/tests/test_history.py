"""Who changed what and when: changes made in the admin are recorded against the officer who made them."""

import re

from core.admin_testing import add_inline_rows, admin_url, post_back
from priorities.models import Priority
from priorities.tests.factories import ActionFactory, PriorityFactory, ProgressUpdateFactory


def test_a_change_in_the_admin_records_the_officer_and_the_new_value(officer_client, officer):
    priority = PriorityFactory(title="Safe and cohesive communities")
    page = officer_client.get(admin_url(Priority, "change", priority.pk))

    response = officer_client.post(
        admin_url(Priority, "change", priority.pk), post_back(page, title="Safer, stronger communities")
    )

    assert response.status_code == 302
    latest = priority.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == officer
    assert latest.title == "Safer, stronger communities"
    assert [change.field for change in latest.diff_against(latest.prev_record).changes] == ["title"]


def test_the_history_page_shows_who_changed_what(officer_client):
    priority = PriorityFactory(title="Safe and cohesive communities")
    page = officer_client.get(admin_url(Priority, "change", priority.pk))
    officer_client.post(
        admin_url(Priority, "change", priority.pk), post_back(page, title="Safer, stronger communities")
    )

    response = officer_client.get(admin_url(Priority, "history", priority.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert ">officer</a>" in content
    assert "Safe and cohesive communities" in content  # old value
    assert "Safer, stronger communities" in content  # new value
    assert "Revert" not in content  # an audit trail, not an undo button


def test_rows_added_in_an_inline_record_the_officer_too(officer_client, officer):
    priority = PriorityFactory()
    page = officer_client.get(admin_url(Priority, "change", priority.pk))
    data = add_inline_rows(post_back(page), "themes", {"order": "1", "title": "Reducing violence"})

    officer_client.post(admin_url(Priority, "change", priority.pk), data)

    created = priority.themes.get().history.get()
    assert created.history_type == "+"
    assert created.history_user == officer


def test_a_status_change_in_an_actions_updates_shows_in_history_as_officers_know_it(officer_client):
    action = ActionFactory(progress=40)
    update = ProgressUpdateFactory(action=action, status="on_track")
    page = officer_client.get(admin_url(type(action), "change", action.pk))
    changes = post_back(
        page,
        progress="45",
        **{"updates-0-status": "at_risk", "updates-0-correction_reason": "Reassessed by the Board."},
    )
    assert officer_client.post(admin_url(type(action), "change", action.pk), changes).status_code == 302

    response = officer_client.get(admin_url(type(update), "history", update.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r"<strong>Status:</strong>\s+On track\s+&nbsp;&rarr;&nbsp;&nbsp;At risk", content)
    assert "at_risk" not in content
    action_history = officer_client.get(admin_url(type(action), "history", action.pk)).content.decode()
    assert '<th scope="col">Progress</th>' in action_history
    assert "<td>45</td>" in action_history
