"""An officer's to-do list and the reminders e-mailed from it (kcpp/todo.py, `manage.py sendreminders`)."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.admin_testing import log_in_staff
from governance.tests.factories import MeetingFactory, MinutesFactory
from kcpp.todo import last_complete_period, todo_for
from measures.models import Measure
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.tests.factories import ActionFactory, PriorityFactory, PublishedEditionFactory

TODAY = date(2025, 5, 20)  # in the first quarter of 2025/26


@pytest.mark.parametrize(
    ("frequency", "today", "period"),
    [
        ("quarterly", date(2025, 5, 20), (date(2025, 1, 1), date(2025, 3, 31))),
        ("quarterly", date(2025, 7, 1), (date(2025, 4, 1), date(2025, 6, 30))),
        ("quarterly", date(2025, 1, 15), (date(2024, 10, 1), date(2024, 12, 31))),
        ("annual", date(2025, 5, 20), (date(2024, 4, 1), date(2025, 3, 31))),
        ("annual", date(2025, 3, 31), (date(2023, 4, 1), date(2024, 3, 31))),
        ("monthly", date(2025, 3, 1), (date(2025, 2, 1), date(2025, 2, 28))),
        ("", date(2025, 5, 20), None),
    ],
)
def test_the_last_complete_period_follows_the_financial_year(frequency, today, period):
    assert last_complete_period(frequency, today) == period


@pytest.fixture
def lead(django_user_model, client):
    return log_in_staff(client, django_user_model, "Leads")


def plan():
    return PriorityFactory(edition=PublishedEditionFactory())


def test_a_leads_figures_are_due_for_their_measures_only_until_entered(lead):
    priority = plan()
    mine = MeasureFactory(priority=priority, reporting_frequency=Measure.Frequency.QUARTERLY)
    mine.leads.add(lead)
    MeasureFactory(priority=priority, reporting_frequency=Measure.Frequency.QUARTERLY)  # not theirs
    unstated = MeasureFactory(priority=priority, reporting_frequency="")
    unstated.leads.add(lead)

    due = todo_for(lead, TODAY).figures
    assert [(item.measure, item.period, item.overdue) for item in due] == [(mine, "2024/25 Q4", True)]
    assert todo_for(lead, date(2025, 4, 20)).figures[0].overdue is False  # within six weeks of 31 March

    ReportedValueFactory(measure=mine, period_start=date(2025, 1, 1), period_end=date(2025, 3, 31))
    assert todo_for(lead, TODAY).figures == []


def test_a_priority_lead_has_every_measure_and_action_of_their_priority(lead):
    priority = plan()
    priority.leads.add(lead)
    measure = MeasureFactory(priority=priority, reporting_frequency=Measure.Frequency.ANNUAL)
    action = ActionFactory(priority=priority, due_date=date(2025, 1, 31))
    todo = todo_for(lead, TODAY)
    assert [item.measure for item in todo.figures] == [measure]
    assert [(item, flag.code) for item, flag in todo.actions] == [(action, "overdue")]


def test_meetings_without_minutes_are_a_governance_officers(client, django_user_model):
    officer = log_in_staff(client, django_user_model, "Governance officers")
    held = MeetingFactory(date=date(2025, 4, 1))
    minuted = MeetingFactory(date=date(2025, 3, 1))
    MinutesFactory(meeting=minuted)
    MeetingFactory(date=date(2025, 6, 1))  # not yet
    assert todo_for(officer, TODAY).meetings == [held]


def test_the_list_costs_the_same_queries_however_much_is_due(lead):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            todo_for(lead, TODAY)
        return len(captured)

    priority = plan()
    priority.leads.add(lead)
    MeasureFactory(priority=priority, reporting_frequency=Measure.Frequency.QUARTERLY)
    ActionFactory(priority=priority, due_date=date(2025, 1, 31))
    queries()  # the officer's jobs are read once, then remembered
    few = queries()
    for _ in range(8):
        MeasureFactory(priority=priority, reporting_frequency=Measure.Frequency.QUARTERLY)
        ActionFactory(priority=priority, due_date=date(2025, 1, 31))
    assert queries() == few


def test_reminders_go_to_each_officer_with_something_due(lead, django_user_model, client):
    lead.email = "lead@example.org"
    lead.save()
    measure = MeasureFactory(priority=plan(), reporting_frequency=Measure.Frequency.QUARTERLY, code="KPM-9.1")
    measure.leads.add(lead)
    nothing_due = log_in_staff(client, django_user_model, "Publishers")
    nothing_due.email = "publisher@example.org"
    nothing_due.save()

    call_command("sendreminders", base_url="https://portal.example.org", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert [message.to for message in mail.outbox] == [["lead@example.org"]]
    body = mail.outbox[0].body
    assert "KPM-9.1" in body and f"https://portal.example.org/admin/measures/measure/{measure.pk}/change/" in body
