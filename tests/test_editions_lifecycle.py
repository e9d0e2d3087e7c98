"""The annual refresh: a plan editor prepares the next edition privately from the current plan, edits and
previews it, a publisher publishes it with the decision that approved it, and the public then reads what
changed. The public never sees the draft before that (priorities/drafts.py, priorities/admin_editions.py)."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from core.admin_testing import admin_url, post_back
from core.tests.factories import UserFactory
from governance.models import Body
from governance.tests.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
from measures.models import Measure
from priorities.models import PlanEdition, Priority, PublicationStatus

pytestmark = pytest.mark.django_db

CURRENT = "2022-2027"


def signed_in(job, name):
    user = UserFactory(username=name, is_staff=True)
    user.groups.set(Group.objects.filter(name=job))
    client = Client()
    client.force_login(user)
    return client


def page_errors(response):
    """The messages of the form on one of the editions' own admin pages."""
    form = response.context["form"]
    return [message for messages in form.errors.values() for message in messages]


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" :", ":")


def edition_url(edition, view):
    """One of an edition's own admin pages: next-edition/ or publish/."""
    return admin_url(PlanEdition, "change", edition.pk).removesuffix("change/") + f"{view}/"


def prepare_draft(client):
    current = PlanEdition.objects.get(slug=CURRENT)
    url = edition_url(current, "next-edition")
    return client.post(
        url,
        {
            "title": "Kirklees Communities Partnership Plan – Refresh, 2025",
            "slug": "2025-refresh",
            "kind": "refresh",
            "start_year": "2025",
            "end_year": "2027",
        },
    )


def test_the_refresh_prepared_previewed_published_and_compared(real_plan):
    editor = signed_in("Plan editors", "editor")
    current = PlanEdition.objects.get(slug=CURRENT)

    # Prepare: a draft copy of the whole plan, each item carried from the current plan's.
    response = prepare_draft(editor)
    assert response.status_code == 302, page_errors(response)
    draft = PlanEdition.objects.get(slug="2025-refresh")
    assert (draft.status, draft.follows) == (PublicationStatus.DRAFT, current)
    assert draft.priorities.count() == current.priorities.count()
    copied = Measure.objects.filter(priority__edition=draft)
    assert copied.count() == Measure.objects.filter(priority__edition=current).count()
    assert set(copied.values_list("code", flat=True)) == {
        f"{code}-2025" for code in Measure.objects.filter(priority__edition=current).values_list("code", flat=True)
    }
    assert all(measure.carried_from.priority.edition == current for measure in copied)
    assert not any(measure.values.exists() for measure in copied)  # figures stay with the plan they were for

    # The public never sees it; the editor previews it as the public will.
    public = Client()
    assert public.get("/plans/2025-refresh/").status_code == 404
    assert "Refresh, 2025" not in public.get("/plans/").content.decode()
    preview = editor.get("/plans/2025-refresh/")
    assert preview.status_code == 200
    assert "is a draft: the public cannot see this page" in text(preview)
    priority = draft.priorities.order_by("number").first()
    assert public.get(priority.get_absolute_url()).status_code == 404
    assert editor.get(priority.get_absolute_url()).status_code == 200

    # Edit: one priority reworded in the draft; the current plan is untouched.
    page = editor.get(admin_url(Priority, "change", priority.pk))
    reworded = "Tackling violence, abuse and exploitation in every neighbourhood"
    assert editor.post(admin_url(Priority, "change", priority.pk), post_back(page, title=reworded)).status_code == 302
    assert priority.carried_from.title != reworded
    compare = f"/plans/compare/{CURRENT}/2025-refresh/"
    assert public.get(compare).status_code == 404
    assert "in every neighbourhood" in text(editor.get(compare))

    # Publish: a publisher, with the Cabinet decision that approved it.
    meeting = MeetingFactory(date=date(2025, 3, 18), body=Body.objects.get(name="Cabinet"))
    decision = DecisionFactory(
        agenda_item=AgendaItemFactory(
            meeting=meeting, title="Communities Partnership Plan refresh", plan_edition=draft
        ),
        text="That the refreshed Plan be approved.",
    )
    assert editor.get(edition_url(draft, "publish")).status_code == 403
    publisher = signed_in("Publishers", "publisher")
    publish = edition_url(draft, "publish")
    page = publisher.get(publish)
    assert f"“{current}”, the current plan, will be archived" in text(page)
    response = publisher.post(publish, {"decision": str(decision.pk)})
    assert response.status_code == 302, page_errors(response)

    draft.refresh_from_db()
    current.refresh_from_db()
    decision.refresh_from_db()
    assert (draft.status, current.status) == (PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED)
    assert draft.approval_text == "Approved by Cabinet on 18 March 2025"
    assert decision.approves_edition == draft
    # Now the public reads it, the old plan stays at its own address, and what changed is public.
    assert public.get("/plans/2025-refresh/").status_code == 200
    assert public.get(f"/plans/{CURRENT}/").status_code == 200
    changes = text(public.get(compare))
    assert "Priorities: 0 added, 0 removed, 1 changed" in changes
    assert f"Title removed: {priority.carried_from.title.replace('&', '&amp;')} added: {reworded}" in changes
    assert "Measures: 0 added, 0 removed, 0 changed" in changes  # carried over as the same measures


def test_a_web_address_already_taken_is_refused_and_nothing_is_made(real_plan):
    editor = signed_in("Plan editors", "editor")
    current = PlanEdition.objects.get(slug=CURRENT)
    before = PlanEdition.objects.count()
    url = edition_url(current, "next-edition")

    response = editor.post(
        url, {"title": "Again", "slug": "2018-2021", "kind": "refresh", "start_year": "2026", "end_year": "2025"}
    )

    assert response.status_code == 200
    errors = page_errors(response)
    assert "Another edition has this web address: choose another." in errors
    assert "The last year cannot be before the first year." in errors
    assert PlanEdition.objects.count() == before


def test_an_address_the_portal_uses_under_plans_is_refused_for_an_edition(real_plan):
    """/plans/compare/ compares editions: an edition there would be hidden, in the admin or the copy form."""
    editor = signed_in("Plan editors", "editor")
    current = PlanEdition.objects.get(slug=CURRENT)
    before = PlanEdition.objects.count()
    refusal = "“compare” is a web address the portal already uses under /plans/: choose another."

    copied = editor.post(
        edition_url(current, "next-edition"),
        {"title": "Compare", "slug": "compare", "kind": "refresh", "start_year": "2026", "end_year": "2027"},
    )
    changed = editor.post(
        admin_url(PlanEdition, "change", current.pk),
        post_back(editor.get(admin_url(PlanEdition, "change", current.pk)), slug="compare"),
    )

    assert refusal in page_errors(copied)
    assert changed.status_code == 200
    assert refusal in changed.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert PlanEdition.objects.count() == before
    assert PlanEdition.objects.filter(slug="compare").count() == 0


def test_copies_whose_shortened_codes_would_repeat_are_refused_and_nothing_is_made(real_plan):
    """A code has room for 20 characters: two long codes shortened to take the year could become one."""
    editor = signed_in("Plan editors", "editor")
    first, second = Measure.objects.filter(priority__edition__slug=CURRENT).order_by("pk")[:2]
    Measure.objects.filter(pk=first.pk).update(code="KPM-1.1-review-A")
    Measure.objects.filter(pk=second.pk).update(code="KPM-1.1-review-B")
    before = (PlanEdition.objects.count(), Measure.objects.count())

    response = prepare_draft(editor)

    assert response.status_code == 200
    assert page_errors(response) == [
        "The copied measures' codes would repeat codes already in use (KPM-1.1-review--2025): nothing was copied. "
        "Shorten those measures' codes in the current edition, or choose another first year."
    ]
    assert (PlanEdition.objects.count(), Measure.objects.count()) == before


def test_only_a_plan_editor_prepares_and_only_a_publisher_publishes(real_plan):
    current = PlanEdition.objects.get(slug=CURRENT)
    assert prepare_draft(signed_in("Publishers", "publisher")).status_code == 403
    assert prepare_draft(signed_in("Performance officers", "reporter")).status_code == 403
    assert not PlanEdition.objects.filter(slug="2025-refresh").exists()
    prepare_draft(signed_in("Plan editors", "editor"))
    draft = PlanEdition.objects.get(slug="2025-refresh")
    publish = edition_url(draft, "publish")
    refused = signed_in("Governance officers", "clerk").post(
        publish, {"approval": "sought", "approval_body": "Cabinet"}
    )
    assert refused.status_code == 403
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT
    assert PlanEdition.objects.current() == current


def test_publishing_without_an_approval_record_is_refused(real_plan):
    prepare_draft(signed_in("Plan editors", "editor"))
    draft = PlanEdition.objects.get(slug="2025-refresh")
    draft.kind = PlanEdition.Kind.PLAN  # a new plan, not a refresh, needs its approval recorded
    draft.save()
    publish = edition_url(draft, "publish")

    response = signed_in("Publishers", "publisher").post(publish, {})

    assert response.status_code == 200
    assert "Record what is known about this plan's approval before publishing or archiving it." in page_errors(response)
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT
    assert PlanEdition.objects.current().slug == CURRENT


def test_each_page_lists_the_decisions_about_it_newest_first(client, real_plan):
    from governance.tests.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
    from measures.models import Measure

    current = PlanEdition.objects.get(slug=CURRENT)
    priority = current.priorities.get(number=1)
    action = priority.actions.get(number=1)
    measure = Measure.objects.get(code="KPM-1.1")
    board = Body.objects.get(slug="communities-board")
    older = DecisionFactory(
        agenda_item=AgendaItemFactory(meeting=MeetingFactory(body=board, date=date(2024, 1, 9))),
        text="That the knife crime campaign be extended.",
    )
    older.actions.add(action)
    older.priorities.add(priority)
    item = AgendaItemFactory(meeting=MeetingFactory(body=board, date=date(2025, 3, 18)), title="Performance")
    item.measures.add(measure)
    item.priorities.add(priority)
    DecisionFactory(agenda_item=item, text="That the rise in recorded crime be reported to scrutiny.")
    hidden = DecisionFactory(
        agenda_item=AgendaItemFactory(meeting=MeetingFactory(body=board, is_published=False)), text="In private."
    )
    hidden.priorities.add(priority)

    priority_page = text(client.get(priority.get_absolute_url()))
    assert priority_page.index("rise in recorded crime") < priority_page.index("knife crime campaign be extended")
    assert "In private." not in priority_page
    assert "knife crime campaign be extended" in text(client.get(action.get_absolute_url()))
    measure_page = text(client.get(measure.get_absolute_url()))
    assert "rise in recorded crime" in measure_page and "knife crime campaign" not in measure_page
    # The 2020 refresh was taken to scrutiny: its page lists the committee's resolutions about it.
    refresh = text(client.get("/plans/2020-refresh/"))
    assert "Decisions about this edition" in refresh and "Overview and Scrutiny Committee" in refresh
