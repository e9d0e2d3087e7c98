"""The real plan, as loaded by `manage.py loadplan`, matches the source documents."""

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from core.models import Approval
from governance.models import Body, Decision, KeyDecision, Meeting, Minutes, StatutoryDuty
from measures.models import Measure, ReportedValue, TargetKind
from priorities.models import Action, Commitment, Locality, PlanEdition, Priority, PublicationStatus, Theme

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture
def plan(db):
    call_command("loadplan", verbosity=0)
    return PlanEdition.objects.get(slug="2022-2027")


def normalise(text):
    """Plan text as the seeds hold it, without link markup, bold markers and line wrapping."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("\\(", "(").replace("\\)", ")")
    text = text.replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed_text():
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"The source documents are missing from {SEEDS}")
        pytest.skip("the source documents (../shared/seeds) are not beside this checkout")
    return normalise(" ".join(path.read_text() for path in sorted(SEEDS.glob("*.txt"))))


def test_the_current_edition_is_the_published_2022_plan(plan):
    assert plan.status == PublicationStatus.PUBLISHED
    assert plan.vision == "People in Kirklees live in cohesive communities, feel safe and are protected from harm"
    # The forward-plan notice gives the date the decision was due at Cabinet, not the date it was made.
    assert (plan.approval, plan.approval_body, plan.approval_date) == (
        PlanEdition.Approval.DUE,
        "Cabinet",
        date(2022, 9, 20),
    )
    assert plan.source.startswith("Kirklees Communities Partnership Plan 2022-2027")
    assert plan.commitments.count() == 6
    assert list(plan.priorities.values_list("number", "title")) == [
        (1, "Tackling Violence, Abuse & Exploitation"),
        (2, "Reducing Anti-Social Behaviour (ASB) & Neighbourhood Crime"),
        (3, "Building resilient and inclusive communities"),
        (4, "Reducing Risk"),
    ]


def test_every_action_and_measure_of_each_priority_is_loaded(plan):
    counts = [(p.actions.count(), p.measures.count()) for p in plan.priorities.all()]
    assert counts == [(11, 5), (9, 8), (9, 5), (7, 5)]
    # The editors' placeholder at the end of Priority 3's measures is not a measure, but an editors' note.
    assert not Measure.objects.filter(plan_wording__icontains="Insert ICF").exists()
    assert "Inclusive Communities Framework measures, to be added once they are available" in (
        plan.priorities.get(number=3).editors_note
    )
    # Priority 4's last action breaks off in the plan: loaded as it is, with a note saying so.
    last = plan.priorities.get(number=4).actions.get(number=7)
    assert last.text.endswith("getting the initial response right first time, every")
    assert last.editors_note == "The plan's text ends here, part-way through the sentence."
    assert all(action.lead_body.slug == "communities-board" for action in Action.objects.filter(priority__edition=plan))


def test_themes_and_sub_themes_are_as_the_plan_lists_them(plan):
    violence = Theme.objects.get(priority__edition=plan, priority__number=1, title="Reducing Violence")
    assert list(violence.sub_themes.values_list("title", flat=True)) == [
        "Youth Violence",
        "Serious Violence",
        "Violence against women & girls",
        "Organised Crime",
        "Safer Town Centres",
    ]
    per_priority = [
        (p.themes.filter(parent=None).count(), p.themes.exclude(parent=None).count()) for p in plan.priorities.all()
    ]
    assert per_priority == [(3, 7), (2, 8), (4, 0), (4, 0)]


BASELINES = {
    "KPM-1.1": (Decimal("4404"), "2021/22", TargetKind.BELOW_BASELINE),
    "KPM-1.4": (Decimal("47.9"), "2021/22", TargetKind.BELOW_BASELINE),
    "KPM-2.2": (Decimal("5131"), "2021/22", TargetKind.BELOW_BASELINE),
    "KPM-2.3": (Decimal("6017"), "2021/22", TargetKind.BELOW_BASELINE),
    "KPM-2.4": (Decimal("68"), "2021", TargetKind.ABOVE_BASELINE),
    "KPM-2.5": (Decimal("1054"), "2021/22", TargetKind.BELOW_BASELINE),
    "KPM-2.6": (Decimal("1971"), "2021/22", TargetKind.BELOW_BASELINE),
    "KPM-2.7": (Decimal("45418"), "2021/22", TargetKind.BELOW_BASELINE),
    "KPM-2.8": (Decimal("1307"), "2021/22", TargetKind.BELOW_BASELINE),
    "KPM-3.1": (Decimal("25.9"), "2021/22", TargetKind.BELOW_BASELINE),
}
THRESHOLDS = {
    "KPM-2.1": (Decimal(60), TargetKind.BELOW_THRESHOLD),
    "KPM-3.2": (Decimal(72), TargetKind.ABOVE_THRESHOLD),
    "KPM-3.3": (Decimal(75), TargetKind.ABOVE_THRESHOLD),
    "KPM-3.4": (Decimal(80), TargetKind.ABOVE_THRESHOLD),
    "KPM-3.5": (Decimal(55), TargetKind.ABOVE_THRESHOLD),
}


def test_baselines_and_targets_are_exactly_as_the_plan_states(plan):
    measures = {m.code: m for m in Measure.objects.filter(priority__edition=plan)}
    for code, (value, period, kind) in BASELINES.items():
        assert (measures[code].baseline_value, measures[code].baseline_period, measures[code].target_kind) == (
            value,
            period,
            kind,
        ), code
    for code, (threshold, kind) in THRESHOLDS.items():
        assert (measures[code].target_value, measures[code].target_kind, measures[code].baseline_value) == (
            threshold,
            kind,
            None,
        ), code
    assert (measures["KPM-4.2"].target_kind, measures["KPM-4.2"].target_value) == (
        TargetKind.CHANGE_PER_YEAR,
        Decimal(10),
    )
    for code in ("KPM-1.2", "KPM-1.3"):
        assert measures[code].target_kind == TargetKind.SET_ELSEWHERE
        assert measures[code].target_set_by.startswith("West Yorkshire Police and Crime Plan")
    assert len(measures) == 23
    by_place = {code for code, m in measures.items() if m.reported_by_locality}
    assert by_place == {"KPM-2.6", "KPM-2.8"}


def test_plan_text_is_word_for_word_from_the_source(plan, seed_text):
    texts = [a.text for a in Action.objects.all()]
    texts += [m.plan_wording for m in Measure.objects.all()]
    texts += [c.text for c in Commitment.objects.all()]
    texts += [d.text for d in StatutoryDuty.objects.all()] + [d.text for d in Decision.objects.all()]
    for priority in Priority.objects.all():
        texts += [p for p in re.split(r"\n\s*\n|\n- ", priority.introduction + "\n\n" + priority.sia_summary) if p]
    missing = [text for text in texts if normalise(text).lstrip("- ") not in seed_text]
    assert missing == []


EDITORS_REMARKS = [
    "not sure what",
    "Nationally as well",
    "Link to DA strategy",
    "Add link",
    "xx key",
    "Needs assessment",
]


def test_editors_remarks_are_never_loaded_as_plan_content(plan):
    found = []
    for model in [m for m in apps.get_models() if m._meta.app_label in ("priorities", "measures", "governance")]:
        if model.__name__.startswith("Historical"):
            continue
        text_fields = [f.name for f in model._meta.fields if isinstance(f, (models.TextField, models.CharField))]
        for row in model.objects.values(*text_fields):
            found += [
                (model.__name__, remark) for value in row.values() for remark in EDITORS_REMARKS if remark in value
            ]
    assert found == []


def test_the_previous_plan_its_refresh_and_their_approval(plan):
    previous = PlanEdition.objects.get(slug="2018-2021")
    refresh = PlanEdition.objects.get(slug="2020-refresh")
    # The report to Cabinet asks Full Council to approve it; no decision, and no date for one, is recorded.
    assert (previous.approval, previous.approval_body, previous.approval_date, previous.status) == (
        PlanEdition.Approval.SOUGHT,
        "Full Council",
        None,
        PublicationStatus.ARCHIVED,
    )
    assert (refresh.approval, refresh.approval_body) == ("", "")
    assert list(previous.priorities.values_list("title", flat=True)) == [
        "Preventing and reducing crime",
        "Tackling anti-social behaviour",
        "Protecting people from serious harm",
        "Improving place",
    ]
    assert [p.actions.count() for p in previous.priorities.all()] == [5, 8, 6, 5]
    assert (refresh.follows, plan.follows) == (previous, refresh)


def test_governance_bodies_duties_and_no_invented_localities(plan):
    # The plan speaks of "the 4 localities" and their Community Outcome Groups but names none of them.
    assert not Locality.objects.exists()
    cogs = Body.objects.get(kind=Body.Kind.LOCALITY)
    assert (cogs.name, cogs.locality, cogs.parent) == ("Community Outcome Groups", None, None)
    board = Body.objects.get(slug="communities-board")
    assert board.duties.count() == 8
    # The plan says the SDG "sits underneath" the Board; it does not say whom the COGs report to.
    assert list(board.children.values_list("slug", flat=True)) == ["strategic-delivery-group"]
    chair = board.memberships.get(role="chair")
    assert (chair.name, chair.organisation, chair.recorded_on) == ("Councillor Carole Pattison", None, None)
    assert chair.recorded_text.startswith("As recorded in Overview and Scrutiny agenda item and minutes")
    assert chair.recorded_text.endswith(", date not stated")
    assert board.memberships.get(role="vice_chair").name == "Chief Superintendent Jim Griffiths"
    # The same person in two roles from two papers: two dated records.
    cabinet = Body.objects.get(slug="cabinet").memberships.order_by("recorded_on")
    assert [(m.name, m.recorded_on_text) for m in cabinet] == [
        ("Cllr Naheed Mather", "18 June 2019"),
        ("Councillor Carole Pattison", "19 August 2022"),
    ]


def test_the_meetings_the_sources_record(plan):
    board_meetings = Meeting.objects.filter(body__slug="communities-board").order_by("date")
    assert [m.date_text for m in board_meetings] == [
        "September 2021",
        "November 2021",
        "March 2022",
        "June 2022",
        "October 2022",
        "December 2022",
        "22 March 2023",
        "25 July 2023",
    ]
    assert all(m.minutes.status == Minutes.Status.PUBLISHED for m in board_meetings)
    cabinet = Meeting.objects.get(body__slug="cabinet")
    assert cabinet.date == date(2019, 6, 18)
    assert cabinet.agenda_items.get().plan_edition.slug == "2018-2021"
    scrutiny_item = Meeting.objects.get(body__slug="overview-and-scrutiny").agenda_items.get()
    assert scrutiny_item.decisions.count() == 2
    assert scrutiny_item.decisions.get(number=2).text.startswith("That officers be requested to take account")
    decision = KeyDecision.objects.get()
    assert (decision.due_date, decision.decision_maker.name, decision.plan_edition) == (
        date(2022, 9, 20),
        "Cabinet",
        plan,
    )


def test_loading_again_adds_nothing_and_keeps_officers_edits(plan, capsys):
    action = plan.priorities.get(number=1).actions.get(number=1)
    action.progress = 40
    action.save()
    action.updates.create(
        date=date(2024, 4, 2), status=Action.Status.ON_TRACK, commentary="Under way.", approval=Approval.FINAL
    )
    before = {model: model.objects.count() for model in (PlanEdition, Priority, Action, Measure, Meeting)}
    call_command("loadplan")
    assert "up to date: nothing to change" in capsys.readouterr().out
    assert {model: model.objects.count() for model in before} == before
    action = Action.objects.with_status().get(pk=action.pk)
    assert (action.status, action.progress) == (Action.Status.ON_TRACK, 40)


def test_no_figures_are_loaded_unless_asked_for_and_then_all_are_marked_illustrative(plan):
    assert ReportedValue.objects.count() == 0
    call_command("loadplan", illustrative=True, verbosity=0)
    assert ReportedValue.objects.count() > 0
    assert not ReportedValue.objects.filter(is_illustrative=False).exists()
