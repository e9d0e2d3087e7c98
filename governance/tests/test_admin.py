from core.admin_testing import (
    add_inline_rows,
    admin_url,
    form_errors,
    log_in_staff,
    post_back,
)
from governance.models import AgendaItem, Body, Decision, Document, Meeting, Minutes
from governance.tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    MinutesFactory,
)
from priorities.tests.factories import PlanEditionFactory
from priorities.tests.factories import PriorityFactory as PlanPriorityFactory


def meeting_data(client, body, **changes):
    page = client.get(admin_url(Meeting, "add"))
    return post_back(page, body=str(body.pk), date="2022-09-20", status="held", **changes)


def test_officer_adds_a_meeting_with_its_agenda_attendance_and_minutes(officer_client):
    body = BodyFactory(name="Communities Board")
    edition = PlanEditionFactory()
    data = meeting_data(officer_client, body)
    add_inline_rows(
        data,
        "agenda_items",
        {"number": "1", "title": "Apologies"},
        {"number": "2", "title": "Communities Partnership Plan", "plan_edition": str(edition.pk)},
    )
    add_inline_rows(data, "attendance", {"name": "Cllr Carole Pattison", "status": "present"})
    add_inline_rows(data, "minutes", {"status": "draft", "text": "The Board met."})

    response = officer_client.post(admin_url(Meeting, "add"), data)

    assert response.status_code == 302
    meeting = Meeting.objects.get(body=body)
    assert [item.title for item in meeting.agenda_items.all()] == ["Apologies", "Communities Partnership Plan"]
    assert meeting.agenda_items.get(number=2).plan_edition == edition
    assert meeting.attendance.get().name == "Cllr Carole Pattison"
    assert meeting.minutes.text == "The Board met."


def test_a_meeting_has_at_most_one_set_of_minutes(officer_client):
    minutes = MinutesFactory()

    page = officer_client.get(admin_url(Meeting, "change", minutes.meeting.pk))

    inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Minutes)
    assert inline.formset.max_num == 1
    assert "The Board met." in page.content.decode()


def test_a_month_only_date_must_be_the_first_of_the_month(officer_client):
    body = BodyFactory()

    response = officer_client.post(
        admin_url(Meeting, "add"), meeting_data(officer_client, body, date_precision="month")
    )

    assert response.status_code == 200
    assert "For a month-only date, give the first day of the month." in form_errors(response)
    assert not Meeting.objects.exists()


def test_a_document_with_neither_file_nor_link_is_refused_with_the_reason(officer_client):
    meeting = MeetingFactory()
    page = officer_client.get(admin_url(Document, "add"))

    response = officer_client.post(
        admin_url(Document, "add"), post_back(page, meeting=str(meeting.pk), title="Board report")
    )

    assert response.status_code == 200
    assert "Upload a file or give a link to the document: one of the two, not both." in form_errors(response)
    assert not Document.objects.exists()


def test_a_document_can_be_tied_to_an_agenda_item_once_the_meeting_is_saved(officer_client):
    add = officer_client.get(admin_url(Meeting, "add"))
    change = officer_client.get(admin_url(Meeting, "change", MeetingFactory().pk))

    assert 'name="documents-__prefix__-agenda_item"' not in add.content.decode()
    assert 'name="documents-__prefix__-agenda_item"' in change.content.decode()


def test_a_document_under_a_meeting_is_tied_only_to_one_of_the_meetings_own_items(officer_client):
    other_item = AgendaItemFactory(title="Another meeting's item")
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Community safety update")
    page = officer_client.get(admin_url(Meeting, "change", meeting.pk))
    documents = page.content.decode().split('id="documents-group"')[1]
    assert "Community safety update" in documents
    assert "Another meeting&#x27;s item" not in documents
    data = add_inline_rows(
        post_back(page),
        "documents",
        {"title": "Board report", "url": "https://example.org/report.pdf", "agenda_item": str(other_item.pk)},
    )

    response = officer_client.post(admin_url(Meeting, "change", meeting.pk), data)

    assert response.status_code == 200
    assert any("Select a valid choice" in message for message in form_errors(response))
    assert not meeting.documents.exists()


# ---- a meeting recorded on one page: its agenda, decisions, attendance and minutes --------------------


def test_an_officer_records_a_whole_meeting_with_its_decisions_in_one_go(officer_client):
    body = BodyFactory(name="Communities Board")
    page = officer_client.get(admin_url(Meeting, "add"))
    assert 'id="decisions-group"' in page.content.decode()  # the decisions are on the meeting's own page
    data = post_back(page, body=str(body.pk), date="2024-01-09", status="held")
    add_inline_rows(
        data,
        "agenda_items",
        {"number": "1", "agenda_number": "1", "title": "Apologies"},
        {"number": "2", "agenda_number": "7", "title": "Communities Partnership Plan annual report"},
    )
    add_inline_rows(
        data,
        "decisions",
        {"item": "2", "number": "1", "kind": "resolution", "text": "That the annual report be noted."},
    )
    add_inline_rows(
        data,
        "attendance",
        {"name": "Cllr Carole Pattison", "status": "present"},
        {"name": "Supt Jim Griffiths", "status": "apologies"},
    )
    add_inline_rows(data, "minutes", {"status": "draft", "text": "The Board noted the annual report."})

    response = officer_client.post(admin_url(Meeting, "add"), data)

    assert response.status_code == 302, form_errors(response)
    meeting = Meeting.objects.get(body=body)
    assert [(item.agenda_number, item.title) for item in meeting.agenda_items.all()] == [
        ("1", "Apologies"),
        ("7", "Communities Partnership Plan annual report"),
    ]
    decision = Decision.objects.get(agenda_item__meeting=meeting)
    assert (decision.agenda_item.title, decision.text) == (
        "Communities Partnership Plan annual report",
        "That the annual report be noted.",
    )
    assert sorted(meeting.attendance.values_list("name", "status")) == [
        ("Cllr Carole Pattison", "present"),
        ("Supt Jim Griffiths", "apologies"),
    ]
    assert meeting.minutes.text == "The Board noted the annual report."


def test_the_meeting_page_shows_its_decisions_under_its_own_agenda_items(officer_client):
    decision = DecisionFactory(
        text="That the Plan be recommended to Cabinet.", agenda_item__agenda_number="4", agenda_item__title="The Plan"
    )
    AgendaItemFactory(title="Another meeting's item")

    response = officer_client.get(admin_url(Meeting, "change", decision.agenda_item.meeting.pk))

    decisions = response.content.decode().split('id="decisions-group"')[1].split('id="attendance-group"')[0]
    assert "That the Plan be recommended to Cabinet." in decisions
    assert admin_url(Decision, "change", decision.pk) in decisions
    assert f'<option value="{decision.agenda_item.number}" selected>4. The Plan</option>' in decisions
    assert "Another meeting" not in decisions


def test_a_decision_on_an_item_the_agenda_does_not_have_is_refused_and_nothing_is_saved(officer_client):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, number=1, title="Apologies")
    page = officer_client.get(admin_url(Meeting, "change", meeting.pk))
    data = add_inline_rows(
        post_back(page, location="Town Hall"),
        "decisions",
        {"item": "3", "number": "1", "kind": "resolution", "text": "That the report be noted."},
    )

    response = officer_client.post(admin_url(Meeting, "change", meeting.pk), data)

    assert response.status_code == 200
    assert "The agenda has no item at order 3: choose one of its items, or add it above." in form_errors(response)
    assert not Decision.objects.exists()
    meeting.refresh_from_db()
    assert meeting.location == ""


def test_two_decisions_with_one_number_on_one_item_are_refused(officer_client):
    decision = DecisionFactory(number=1)
    meeting = decision.agenda_item.meeting
    page = officer_client.get(admin_url(Meeting, "change", meeting.pk))
    data = add_inline_rows(
        post_back(page),
        "decisions",
        {"item": str(decision.agenda_item.number), "number": "1", "kind": "resolution", "text": "A second (1)."},
    )

    response = officer_client.post(admin_url(Meeting, "change", meeting.pk), data)

    assert response.status_code == 200
    message = f"The agenda item at order {decision.agenda_item.number} already has a decision (1)."
    assert message in form_errors(response)
    assert Decision.objects.count() == 1


def test_reordering_the_agenda_keeps_each_decision_under_its_item(officer_client):
    meeting = MeetingFactory()
    first = AgendaItemFactory(meeting=meeting, number=1, title="Apologies")
    second = AgendaItemFactory(meeting=meeting, number=2, title="The Plan")
    decision = DecisionFactory(agenda_item=second, number=1)
    page = officer_client.get(admin_url(Meeting, "change", meeting.pk))
    rows = {form.instance.pk: index for index, form in enumerate(page.context["inline_admin_formsets"][0].formset)}
    swapped = {f"agenda_items-{rows[first.pk]}-number": "3", f"agenda_items-{rows[second.pk]}-number": "1"}

    response = officer_client.post(admin_url(Meeting, "change", meeting.pk), post_back(page, **swapped))

    assert response.status_code == 302, form_errors(response)
    decision.refresh_from_db()
    second.refresh_from_db()
    assert (decision.agenda_item, second.number) == (second, 1)


def test_a_decision_moves_to_another_item_of_the_meeting(officer_client):
    decision = DecisionFactory(number=1)
    meeting = decision.agenda_item.meeting
    other = AgendaItemFactory(meeting=meeting, number=decision.agenda_item.number + 1)
    page = officer_client.get(admin_url(Meeting, "change", meeting.pk))

    response = officer_client.post(
        admin_url(Meeting, "change", meeting.pk), post_back(page, **{"decisions-0-item": str(other.number)})
    )

    assert response.status_code == 302, form_errors(response)
    decision.refresh_from_db()
    assert decision.agenda_item == other


def test_officer_records_decisions_on_an_agenda_item(officer_client):
    item = AgendaItemFactory()
    page = officer_client.get(admin_url(AgendaItem, "change", item.pk))
    data = add_inline_rows(
        post_back(page), "decisions", {"number": "1", "kind": "resolution", "text": "That the report be noted."}
    )

    response = officer_client.post(admin_url(AgendaItem, "change", item.pk), data)

    assert response.status_code == 302
    assert item.decisions.get().text == "That the report be noted."


def test_officer_adds_a_body_with_its_members(officer_client):
    page = officer_client.get(admin_url(Body, "add"))
    data = post_back(page, name="Strategic Delivery Group", short_name="SDG", slug="sdg", kind="delivery")
    add_inline_rows(data, "memberships", {"name": "A. Officer", "role": "chair"})

    response = officer_client.post(admin_url(Body, "add"), data)

    assert response.status_code == 302
    assert Body.objects.get(slug="sdg").memberships.get().role == "chair"


def test_community_outcome_groups_need_no_locality_the_sources_do_not_name(officer_client):
    """The plan's COGs work "within each of the 4 localities", which it does not name."""
    page = officer_client.get(admin_url(Body, "add"))
    data = post_back(page, name="Community Outcome Groups", slug="cogs", kind="locality")

    response = officer_client.post(admin_url(Body, "add"), data)

    assert response.status_code == 302
    cogs = Body.objects.get(slug="cogs")
    assert cogs.locality is None
    assert cogs.provenance.startswith("Entered by an officer on ")


# ---- officer groups -------------------------------------------------------------------------------


def test_governance_officer_adds_a_meeting_with_a_decision(client, django_user_model):
    log_in_staff(client, django_user_model, "Governance officers")
    body = BodyFactory()
    data = meeting_data(client, body)
    add_inline_rows(data, "agenda_items", {"number": "1", "title": "Community safety update"})
    add_inline_rows(data, "decisions", {"item": "1", "number": "1", "kind": "resolution", "text": "Noted."})

    response = client.post(admin_url(Meeting, "add"), data)

    assert response.status_code == 302, form_errors(response)
    assert Decision.objects.get(agenda_item__meeting__body=body).text == "Noted."


def test_governance_officer_sees_the_plan_but_cannot_change_it(client, django_user_model):
    log_in_staff(client, django_user_model, "Governance officers")
    priority = PlanPriorityFactory(title="Old title")
    url = admin_url(type(priority), "change", priority.pk)

    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "New title"}).status_code == 403
    priority.refresh_from_db()
    assert priority.title == "Old title"


def test_performance_officer_cannot_record_a_meeting(client, django_user_model):
    log_in_staff(client, django_user_model, "Performance officers")

    assert client.get(admin_url(Meeting, "changelist")).status_code == 200
    assert client.get(admin_url(Meeting, "add")).status_code == 403


def test_two_agenda_items_swap_places_on_the_meeting_page(officer_client):
    meeting = MeetingFactory()
    first = AgendaItemFactory(meeting=meeting, number=1, title="Apologies")
    second = AgendaItemFactory(meeting=meeting, number=2, title="The Plan")
    page = officer_client.get(admin_url(Meeting, "change", meeting.pk))
    forms = {item.pk: index for index, item in enumerate(page.context["inline_admin_formsets"][0].formset.queryset)}

    response = officer_client.post(
        admin_url(Meeting, "change", meeting.pk),
        post_back(
            page,
            **{f"agenda_items-{forms[first.pk]}-number": "2", f"agenda_items-{forms[second.pk]}-number": "1"},
        ),
    )

    assert response.status_code == 302, form_errors(response)
    assert [item.title for item in meeting.agenda_items.order_by("number")] == ["The Plan", "Apologies"]
