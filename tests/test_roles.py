"""Roles are jobs: each job's permissions on every model, for a record of its own and another's.

The table below is the specification, written out by hand (not derived from kcpp/rules.py): every job
x every model x view/add/change/delete x own/other. "Own" is a record the officer leads (a measure, an
action, or anything in a priority they lead); for jobs that lead nothing, own and other are the same.
Then the admin is tried as each job would use it, so no page, bulk action or history revert lets an
officer do what the table denies.
"""

from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from core.admin_testing import admin_url, factories_by_model, log_in_staff, post_back
from core.tests.factories import UserFactory
from governance.tests import factories as governance_factories
from measures.models import Measure, ReportedValue
from measures.tests import factories as measure_factories
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.models import Action, PlanEdition, ProgressUpdate
from priorities.tests import factories as priority_factories
from priorities.tests.factories import ActionFactory, PlanEditionFactory, PriorityFactory, ProgressUpdateFactory

PLAN = ["priorities.planedition", "priorities.commitment", "priorities.priority", "priorities.theme"]
PLAN += ["priorities.action", "measures.measure"]
SHARED = ["priorities.locality", "priorities.partnerorganisation"]
REPORTS = ["measures.reportedvalue", "priorities.progressupdate"]
GOVERNANCE = [
    f"governance.{name}"
    for name in (
        "body",
        "membership",
        "meeting",
        "agendaitem",
        "decision",
        "attendance",
        "minutes",
        "document",
        "statutoryduty",
        "keydecision",
    )
]
SNAPSHOTS = ["measures.scrutinysnapshot"]
MODELS = PLAN + SHARED + REPORTS + GOVERNANCE + SNAPSHOTS
EDIT = {"add", "change", "delete"}


def allowed(job, model, whose):
    """What the job may do to a record of this model: the specification."""
    if job is None:
        return set()
    may = {"view"}
    if job == "Plan editors" and model in PLAN + SHARED:
        may |= EDIT
    if job == "Performance officers":
        may |= EDIT if model in REPORTS else {"change"} if model == "priorities.action" else set()
    if job == "Leads" and whose == "own":
        may |= EDIT if model in REPORTS else {"change"} if model == "priorities.action" else set()
    if job == "Leads" and whose == "other" and model in REPORTS:
        may |= {"add"}  # may open the add page; the form takes only their own (tested below)
    if job == "Publishers" and model == "priorities.planedition":
        may |= {"change"}  # its status only (tested below)
    if job == "Publishers" and model in REPORTS:
        may |= {"approve"}  # what someone else entered (tests/test_approval.py)
    if job in ("Performance officers", "Governance officers") and model in SNAPSHOTS:
        may |= {"add"}  # a status report taken to a meeting; nobody changes or deletes one
    if job == "Governance officers" and model in GOVERNANCE + SHARED:
        may |= EDIT
    return may


JOBS = ["Plan editors", "Performance officers", "Leads", "Publishers", "Governance officers", None]
FACTORIES = factories_by_model(priority_factories, measure_factories, governance_factories)


@pytest.fixture
def people(db):
    """An officer for each job, the lead named on the records called theirs."""
    users = {}
    for job in JOBS:
        user = UserFactory(username=f"officer-{job or 'no-job'}".replace(" ", "-").lower(), is_staff=True)
        if job:
            user.groups.add(Group.objects.get(name=job))
        users[job] = user
    return users


def records(lead):
    """A record of each model that `lead` leads (own) and one they do not (other)."""
    own, other = {}, {}
    mine = MeasureFactory()
    mine.leads.add(lead)
    my_action = ActionFactory()
    my_action.leads.add(lead)
    for label in MODELS:
        model = apps.get_model(label)
        if model is Measure:
            own[label], other[label] = mine, MeasureFactory()
        elif model is ReportedValue:
            own[label], other[label] = ReportedValueFactory(measure=mine), ReportedValueFactory()
        elif model is Action:
            own[label], other[label] = my_action, ActionFactory()
        elif model is ProgressUpdate:
            own[label], other[label] = ProgressUpdateFactory(action=my_action), ProgressUpdateFactory()
        else:
            own[label] = other[label] = FACTORIES[model]()
    return own, other


@pytest.mark.parametrize("job", JOBS, ids=[job or "no job" for job in JOBS])
def test_each_job_may_do_what_the_table_says_to_its_own_records_and_others(people, job):
    user = people[job]
    own, other = records(people["Leads"])
    wrong = []
    for label in MODELS:
        app_label, model_name = label.split(".")
        for whose, record in (("own", own[label]), ("other", other[label])):
            expected = allowed(job, label, whose)
            for action in ("view", "add", "change", "delete", *(("approve",) if label in REPORTS else ())):
                subject = None if action == "add" and whose == "other" else record
                if user.has_perm(f"{app_label}.{action}_{model_name}", subject) != (action in expected):
                    wrong.append(f"{job} {action} {whose} {label}: expected {action in expected}")
    assert wrong == []


def test_the_table_covers_every_model_of_the_apps():
    ours = ("priorities", "measures", "governance")
    models = {model._meta.label_lower for model in apps.get_models() if model._meta.app_label in ours}
    assert {label for label in models if "historical" not in label} == set(MODELS)


# ---- the admin as each job uses it ------------------------------------------------------------------


def value_form(client, measure, **changes):
    page = client.get(admin_url(ReportedValue, "add"))
    data = post_back(page, measure=str(measure.pk), period_start="2024-04-01", period_end="2025-03-31", value="120")
    return {**data, **changes}


def test_a_lead_enters_figures_for_their_own_measure_and_is_refused_anothers(client, django_user_model):
    lead = log_in_staff(client, django_user_model, "Leads")
    mine, theirs = MeasureFactory(), MeasureFactory()
    mine.leads.add(lead)

    assert client.post(admin_url(ReportedValue, "add"), value_form(client, mine)).status_code == 302
    refused = client.post(admin_url(ReportedValue, "add"), value_form(client, theirs))
    assert refused.status_code == 200
    assert "You can enter this only for what you lead" in refused.content.decode()
    assert list(ReportedValue.objects.values_list("measure", flat=True)) == [mine.pk]


def test_a_priority_lead_reports_on_everything_in_their_priority(client, django_user_model):
    lead = log_in_staff(client, django_user_model, "Leads")
    priority = PriorityFactory()
    priority.leads.add(lead)
    measure = MeasureFactory(priority=priority)
    assert client.post(admin_url(ReportedValue, "add"), value_form(client, measure)).status_code == 302
    assert measure.values.count() == 1


def test_a_lead_cannot_change_or_delete_anothers_figure_one_by_one_or_in_bulk(client, django_user_model):
    lead = log_in_staff(client, django_user_model, "Leads")
    mine = ReportedValueFactory(status=ReportedValue.Status.PROVISIONAL)
    mine.measure.leads.add(lead)
    theirs = ReportedValueFactory(status=ReportedValue.Status.PROVISIONAL, value=7)

    page = client.get(admin_url(ReportedValue, "change", theirs.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(admin_url(ReportedValue, "change", theirs.pk), {"value": "8"}).status_code == 403
    assert client.post(admin_url(ReportedValue, "delete", theirs.pk), {"post": "yes"}).status_code == 403
    bulk = client.post(
        admin_url(ReportedValue, "changelist"),
        {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 403)
    assert set(ReportedValue.objects.values_list("pk", flat=True)) == {mine.pk, theirs.pk}
    theirs.refresh_from_db()
    assert theirs.value == 7


def test_a_lead_reports_progress_on_their_action_but_cannot_reword_it(client, django_user_model):
    lead = log_in_staff(client, django_user_model, "Leads")
    action = ActionFactory(text="The plan's words", progress=None)
    action.leads.add(lead)
    page = client.get(admin_url(Action, "change", action.pk))
    response = client.post(admin_url(Action, "change", action.pk), post_back(page, progress="40", text="Reworded"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.progress, action.text) == (40, "The plan's words")

    other = ActionFactory()
    assert client.post(admin_url(Action, "change", other.pk), {"progress": "10"}).status_code == 403


def test_a_performance_officer_cannot_restore_an_old_target_through_the_history(client, django_user_model):
    measure = MeasureFactory(tolerance=None)
    measure.tolerance = 5
    measure.save()
    first = measure.history.order_by("history_id").first()
    log_in_staff(client, django_user_model, "Performance officers")
    revert = admin_url(Measure, "simple_history", measure.pk, first.history_id)
    page = client.get(revert)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # they may look
    assert client.post(revert, post_back(page)).status_code == 403
    measure.refresh_from_db()
    assert measure.tolerance == 5


def test_only_a_publisher_changes_whether_an_edition_is_public_and_only_that(client, django_user_model):
    edition = PlanEditionFactory(title="A plan")
    log_in_staff(client, django_user_model, "Plan editors")
    page = client.get(admin_url(PlanEdition, "change", edition.pk))
    client.post(admin_url(PlanEdition, "change", edition.pk), post_back(page, status="published"))
    edition.refresh_from_db()
    assert edition.status == "draft"

    log_in_staff(client, django_user_model, "Publishers")
    page = client.get(admin_url(PlanEdition, "change", edition.pk))
    refused = client.post(admin_url(PlanEdition, "change", edition.pk), post_back(page, status="published"))
    # The plan editors record its approval first; the publisher is told so, by name of the field.
    assert "Approval record: Record what is known about this plan" in refused.content.decode()
    edition.approval, edition.approval_body = PlanEdition.Approval.DECISION, "Cabinet"
    edition.approval_date = date(2030, 3, 4)
    edition.save()

    page = client.get(admin_url(PlanEdition, "change", edition.pk))
    response = client.post(
        admin_url(PlanEdition, "change", edition.pk), post_back(page, status="published", title="Renamed")
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.status, edition.title) == ("published", "A plan")
