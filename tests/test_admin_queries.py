"""Every admin list, and the admin's front page (each officer's to-do list), costs the same number of queries
whatever the amount of data.

Each page is counted with the real plan, as a superuser (the to-do list as each job), and again once there
is about three times as much of everything: `scaleplan --factor 3` copies the plan's themes, actions,
measures with their values and progress updates, and meetings with all they hold, and the records it does
not copy (editions, priorities, partners, bodies, officers …) are doubled with the factories. A count that
grows is a query per row (an N+1): fix the admin (`list_select_related`, an annotation), never the number.
The counts are not pinned to a number: a list may cost a query more or less as its admin changes, as long
as it costs the same for any amount of data.
"""

import itertools
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from core.admin_testing import admin_url, factories_by_model
from core.models import Approval
from core.tests.factories import OfficerFactory, UserFactory
from governance.tests import factories as governance_factories
from measures.models import Measure, ReportedValue
from measures.tests import factories as measure_factories
from priorities.models import Action, PlanEdition, Priority, ProgressUpdate
from priorities.tests import factories as priority_factories

pytestmark = pytest.mark.django_db

CHANGELISTS = {
    f"{model._meta.label_lower} list": admin_url(model, "changelist")
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
}
# The admin's front page as each job sees it: the superuser sees every list on it.
JOBS = {
    "superuser": None,
    "lead": "Leads",
    "publisher": "Publishers",
    "performance officer": "Performance officers",
    "governance officer": "Governance officers",
}
TODO_PAGES = {f"to-do list of a {job}": job for job in JOBS}

# Lists whose count grows with the data, by name, with the fix each needs as the reason: each is marked
# xfail(strict=True), so its test fails once the list is fixed, as a reminder to remove the entry. None now.
GROWS = {}

FACTORIES = factories_by_model(priority_factories, measure_factories, governance_factories)


def queries(client, url):
    """How many queries the page costs, counted the second time it is asked for (the first may fill caches),
    and how many rows it lists (for the to-do list, how many items)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    if "cl" in response.context:
        return len(captured), response.context["cl"].result_count
    todo = response.context["todo"]
    items = [todo.figures, todo.actions, todo.meetings, *vars(todo.to_approve).values(), *vars(todo.waiting).values()]
    return len(captured), sum(len(item) for item in items if isinstance(item, list))


def officers():
    """An officer for each job. The lead leads the current plan's first priority (so its copies are theirs
    too) and one measure of another; the publisher approves what the lead and the performance officer enter."""
    people = {}
    for job, group in JOBS.items():
        if group is None:
            people[job] = OfficerFactory(username="todo-superuser")
        else:
            people[job] = UserFactory(username=f"todo-{job.replace(' ', '-')}", is_staff=True)
            people[job].groups.add(Group.objects.get(name=group))
    current = PlanEdition.objects.public().order_by("-start_year").first()
    first = Priority.objects.filter(edition=current).order_by("number").first()
    first.leads.add(people["lead"])
    Measure.objects.exclude(priority=first).order_by("code").first().leads.add(people["lead"])
    return people


def something_to_do(people):
    """What the to-do list draws on, which the real plan does not have: how often each measure is reported,
    and provisional figures and progress updates, entered by the lead and by the performance officer."""
    frequencies = itertools.cycle([Measure.Frequency.QUARTERLY, Measure.Frequency.ANNUAL, Measure.Frequency.MONTHLY])
    for measure in Measure.objects.order_by("pk"):
        measure.reporting_frequency = next(frequencies)
        measure.save(update_fields=["reporting_frequency"])
    entered_by = itertools.cycle([people["lead"], people["performance officer"]])
    for value in ReportedValue.objects.order_by("pk")[::2]:
        ReportedValue.objects.filter(pk=value.pk).update(status=Approval.PROVISIONAL, entered_by=next(entered_by))
    for number, action in enumerate(Action.objects.order_by("pk")[::3]):
        ProgressUpdate.objects.create(
            action=action,
            date=date(2025, 1 + number % 12, 1),
            status=Action.Status.ON_TRACK,
            commentary="Going well.",
            entered_by=next(entered_by),
        )


def more_of_everything():
    """Three times the plan (`scaleplan`), and twice as many (at least three) of the records it does not copy."""
    before = counts()
    call_command("scaleplan", factor=3, scratch=True, verbosity=0)
    copied = counts()
    for model, count in before.items():
        for _ in range(max(2 * count, 3) - copied[model]):
            FACTORIES[model]()
    for n in range(3):
        UserFactory(is_staff=True).groups.add(Group.objects.get(name="Leads"))
        Group.objects.create(name=f"Not a job {n}")
    after = counts()
    short = {model.__name__: (count, after[model]) for model, count in before.items() if after[model] < 2 * count}
    assert short == {}, f"fewer than twice as many (before, after): {short}"


def counts():
    return {
        model: model.objects.count()
        for app in ("priorities", "measures", "governance")
        for model in apps.get_app_config(app).get_models()
        if model in FACTORIES
    }


@pytest.fixture(scope="module")
def counted(real_plan_for_module, django_db_blocker):
    """Every page's count with the real plan (1x); the test then counts it again with three times the data.

    The data is added once for the module, inside the plan's own transaction, and rolled back after it.
    """
    with django_db_blocker.unblock():
        connection.features.supports_json_field  # noqa: B018 (SQLite asks once, whichever page is first)
        people = officers()
        something_to_do(people)
        clients = {}
        for job, officer in people.items():
            clients[job] = Client()
            clients[job].force_login(officer)
        pages = {name: (clients["superuser"], url) for name, url in CHANGELISTS.items()}
        pages |= {name: (clients[job], "/admin/") for name, job in TODO_PAGES.items()}
        first = {}
        for name, (client, url) in pages.items():
            try:
                first[name] = queries(client, url)
            except Exception as error:
                first[name] = error
        scaled = transaction.atomic()
        scaled.__enter__()
        with override_settings(SIMPLE_HISTORY_ENABLED=False):  # no page here reads the history
            more_of_everything()
    yield pages, first
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        scaled.__exit__(None, None, None)


def marked(names):
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=GROWS[name])) if name in GROWS else name
        for name in names
    ]


@pytest.mark.parametrize("page", marked([*CHANGELISTS, *TODO_PAGES]))
def test_each_page_costs_the_same_queries_with_three_times_the_data(counted, page):
    pages, first = counted
    if isinstance(first[page], Exception):
        raise first[page]
    client, url = pages[page]
    (before, rows_before), (after, rows_after) = first[page], queries(client, url)
    if not url.startswith("/admin/axes/"):  # sign-in attempts: none either time
        assert rows_after > rows_before, f"{page} lists no more with more data: {rows_before} rows, then {rows_after}"
    assert after == before, f"{page} ({url}): {before} queries for {rows_before} rows, {after} for {rows_after}"
