"""An officer's to-do list and the reminders e-mailed from it (kcpp/todo.py, `manage.py sendreminders`)."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.admin_testing import admin_url, form_errors, log_in_staff, post_back
from core.models import Approval
from core.testing import text
from core.tests.factories import OfficerFactory
from governance.models import Meeting
from governance.tests.factories import BodyFactory, MeetingFactory, MinutesFactory
from kcpp.todo import last_complete_period, todo_for
from measures.models import Measure, ReportedValue
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.models import Action, ProgressUpdate
from priorities.tests.factories import ActionFactory, PriorityFactory, ProgressUpdateFactory, PublishedEditionFactory

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


# ---- the admin's front page: the to-do list of the officer signed in ----------------------------------------


@pytest.fixture
def on(monkeypatch):
    """Sets the front page's today: `on(day)`; TODAY to begin with."""

    def set_today(day):
        monkeypatch.setattr("kcpp.admin_home.today", lambda: day)

    set_today(TODAY)
    return set_today


def officer(django_user_model, job, name):
    """An officer with one job, signed in on a browser of their own."""
    user = django_user_model.objects.create_user(name, first_name=name.capitalize(), is_staff=True)
    user.groups.add(Group.objects.get(name=job))
    client = Client()
    client.force_login(user)
    return user, client


def listed(response, name):
    """One list on the page (figures, actions, approvals, waiting, meetings) as a reader takes it in: its
    heading, its paragraphs, and each row of its tables, as text; None if the page has no such list."""
    assert response.status_code == 200
    found = re.search(rf'<section class="module" id="todo-{name}".*?</section>', response.content.decode(), re.S)
    if found is None:
        return None
    html = re.sub(r"<thead.*?</thead>|<caption.*?</caption>", "", found.group(0), flags=re.S)
    heading = text(re.search(r"<h2.*?</h2>", html, re.S).group(0))
    blocks = re.findall(r"<p\b.*?</p>|<tr>.*?</tr>", html, re.S)
    return {"heading": heading, "lines": [text(block) for block in blocks]}


def links(response, name):
    found = re.search(rf'<section class="module" id="todo-{name}".*?</section>', response.content.decode(), re.S)
    return [unescape(link) for link in re.findall(r'href="([^"]+)"', found.group(0))]


def inline_for(response, model):
    """The inline of `model`'s records on an admin page."""
    return next(inline for inline in response.context["inline_admin_formsets"] if inline.formset.model is model)


def test_a_lead_sees_the_figures_due_from_them_and_not_anothers(on, lead, client):
    priority = plan()
    mine = MeasureFactory(priority=priority, code="KPM-7.1", title="Knife crime", reporting_frequency="quarterly")
    mine.leads.add(lead)
    MeasureFactory(priority=priority, code="KPM-7.2", title="Arson", reporting_frequency="quarterly")

    page = client.get("/admin/")
    figures = listed(page, "figures")
    assert figures["heading"] == "Figures to enter (1)"
    assert (
        "KPM-7.1 Knife crime For 2024/25 Q4. Overdue: it was due by 12 May 2025. Enter the figure" in figures["lines"]
    )
    assert "KPM-7.2" not in text(page)
    # Within six weeks of the quarter's end it is due, not yet overdue.
    on(date(2025, 4, 20))
    figures = listed(client.get("/admin/"), "figures")
    assert "KPM-7.1 Knife crime For 2024/25 Q4. Due by 12 May 2025. Enter the figure" in figures["lines"]


def test_enter_the_figure_opens_a_value_for_the_measure_and_period_and_the_figure_is_then_done(on, lead, client):
    measure = MeasureFactory(priority=plan(), code="KPM-7.1", reporting_frequency="quarterly")
    measure.leads.add(lead)

    measure_page, enter = links(client.get("/admin/"), "figures")
    assert measure_page == admin_url(Measure, "change", measure.pk)
    form = client.get(enter)
    assert form.status_code == 200
    initial = form.context["adminform"].form.initial
    assert initial.items() >= {"measure": str(measure.pk), "period": "2025-01-01/2025-03-31"}.items()
    saved = client.post(enter, post_back(form, value="352"))
    assert saved.status_code == 302, form_errors(saved)

    value = ReportedValue.objects.get(measure=measure)
    assert (value.period_start, value.period_end, value.value, value.entered_by) == (
        date(2025, 1, 1),
        date(2025, 3, 31),
        Decimal("352"),
        lead,
    )
    page = client.get("/admin/")
    assert listed(page, "figures")["lines"] == ["Nothing is due: every measure you lead has its figure for 2024/25 Q4."]
    assert any(line.startswith("KPM-7.1, 2024/25 Q4: 352 Entered by you") for line in listed(page, "waiting")["lines"])


def test_a_monthly_figure_is_entered_by_its_dates(on, lead, client):
    measure = MeasureFactory(priority=plan(), code="KPM-7.3", title="Arson", reporting_frequency="monthly")
    measure.leads.add(lead)

    page = client.get("/admin/")
    assert "KPM-7.3 Arson For April 2025. Due by 11 June 2025. Enter the figure" in listed(page, "figures")["lines"]
    form = client.get(links(page, "figures")[1])
    initial = form.context["adminform"].form.initial
    assert initial.items() >= {"period": "other", "period_start": "2025-04-01", "period_end": "2025-04-30"}.items()


def test_each_empty_list_says_so_and_what_it_covers(on, lead, client):
    priority = plan()
    quarterly = MeasureFactory(priority=priority, reporting_frequency="quarterly")
    quarterly.leads.add(lead)
    ReportedValueFactory(measure=quarterly, period_start=date(2025, 1, 1), period_end=date(2025, 3, 31))

    page = client.get("/admin/")
    assert listed(page, "figures") == {
        "heading": "Figures to enter",
        "lines": ["Nothing is due: every measure you lead has its figure for 2024/25 Q4."],
    }
    assert listed(page, "actions")["lines"] == ["No action you lead is overdue or needs a progress update."]
    assert listed(page, "waiting")["lines"] == ["Nothing you entered is waiting for approval."]
    assert listed(page, "approvals") is None  # a lead approves nothing
    assert listed(page, "meetings") is None  # nor keeps the minutes

    annual = MeasureFactory(priority=priority, reporting_frequency="annual")
    annual.leads.add(lead)
    ReportedValueFactory(measure=annual, year=2024)
    assert listed(client.get("/admin/"), "figures")["lines"] == [
        "Nothing is due: every measure you lead has its figure for 2024/25 (annual measures) and 2024/25 Q4 "
        "(quarterly measures)."
    ]


def test_a_lead_of_no_measure_is_told_so(on, lead, client):
    assert listed(client.get("/admin/"), "figures")["lines"] == [
        "You lead no measure of the published plan that says how often it is reported, so no figure is due from you."
    ]


def test_a_leads_actions_link_to_where_the_update_is_added(on, lead, client):
    action = ActionFactory(priority=plan(), number=4, text="Reduce knife crime", due_date=date(2025, 1, 31))
    action.leads.add(lead)
    ActionFactory(priority=action.priority, number=5, due_date=date(2025, 1, 31))  # not theirs

    page = client.get("/admin/")
    actions = listed(page, "actions")
    assert actions["heading"] == "Actions needing attention (1)"
    assert (
        f"{action.priority.number}.4 Reduce knife crime Due 31 January 2025; not completed. Overdue"
        in (actions["lines"])
    )
    assert links(page, "actions") == [admin_url(Action, "change", action.pk)]
    # Where the update is added: the action's page, with its progress updates, which the lead may add to.
    action_page = client.get(admin_url(Action, "change", action.pk))
    assert inline_for(action_page, ProgressUpdate).has_add_permission


def test_an_update_waiting_for_approval_is_not_asked_for_again(lead):
    action = ActionFactory(priority=plan(), start_date=date(2024, 1, 1))
    action.leads.add(lead)
    assert [flag.code for _, flag in todo_for(lead, TODAY).actions] == ["update_due"]

    update = ProgressUpdateFactory(action=action, date=date(2025, 5, 1), approval=Approval.PROVISIONAL, entered_by=lead)
    todo = todo_for(lead, TODAY)
    assert todo.actions == []
    assert todo.waiting.updates == [update]


def test_a_publisher_sees_what_others_entered_for_approval_but_not_their_own(django_user_model):
    publisher, client = officer(django_user_model, "Publishers", "priya")
    lead, _ = officer(django_user_model, "Leads", "leo")
    measure = MeasureFactory(priority=plan(), code="KPM-8.1")
    theirs = ReportedValueFactory(
        measure=measure, year=2023, value=Decimal("4612"), status=Approval.PROVISIONAL, entered_by=lead
    )
    ReportedValueFactory(measure=measure, year=2022, status=Approval.PROVISIONAL, entered_by=publisher)  # own
    ReportedValueFactory(measure=measure, year=2021, status=Approval.FINAL, entered_by=lead)  # approved already
    action = ActionFactory(priority=measure.priority, number=3, text="Reduce knife crime")
    update = ProgressUpdateFactory(action=action, date=date(2025, 4, 2), approval=Approval.PROVISIONAL, entered_by=lead)

    page = client.get("/admin/")
    approvals = listed(page, "approvals")
    entered = f"{theirs.updated_at:%-d %B %Y}"
    assert f"KPM-8.1, 2023/24: 4,612 Entered by Leo, last changed {entered}. Review and approve" in approvals["lines"]
    assert (
        f"Update of 2 April 2025 on {action.priority.number}.3 Reduce knife crime Entered by Leo. Review and approve"
        in (approvals["lines"])
    )
    assert not any("2022/23" in line or "2021/22" in line for line in approvals["lines"])
    values_list = "/admin/measures/reportedvalue/?status__exact=provisional"
    updates_list = "/admin/priorities/progressupdate/?approval__exact=provisional"
    assert links(page, "approvals") == [
        admin_url(ReportedValue, "change", theirs.pk),
        admin_url(ProgressUpdate, "change", update.pk),
        values_list,
        updates_list,
    ]
    # Each entry's link opens its page, where the publisher may approve it; the lists hold every provisional
    # entry, the publisher's own too.
    for url in links(page, "approvals")[:2]:
        assert client.get(url).context["can_approve"], url
    assert client.get(values_list).context["cl"].result_count == 2
    assert client.get(updates_list).context["cl"].result_count == 1
    assert listed(page, "figures") is None and listed(page, "waiting") is None  # a publisher enters nothing

    ReportedValue.objects.filter(pk=theirs.pk).update(status=Approval.FINAL)
    ProgressUpdate.objects.filter(pk=update.pk).update(approval=Approval.FINAL)
    assert "Nothing is waiting for your approval." in listed(client.get("/admin/"), "approvals")["lines"]


def test_an_officer_sees_their_own_entries_waiting_for_someone_elses_approval(on, lead, client):
    measure = MeasureFactory(priority=plan(), code="KPM-9.2", reporting_frequency="quarterly")
    measure.leads.add(lead)
    mine = ReportedValueFactory(
        measure=measure,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        value=Decimal("12"),
        status=Approval.PROVISIONAL,
        entered_by=lead,
    )

    page = client.get("/admin/")
    assert (
        f"KPM-9.2, 2024/25 Q4: 12 Entered by you, last changed {mine.updated_at:%-d %B %Y}. Open it"
        in (listed(page, "waiting")["lines"])
    )
    assert links(page, "waiting") == [admin_url(ReportedValue, "change", mine.pk)]
    assert listed(page, "figures")["lines"][0].startswith("Nothing is due")  # entered, so no longer due


def test_a_performance_officer_sees_every_measure_and_is_told_so(on, client, django_user_model):
    log_in_staff(client, django_user_model, "Performance officers")
    MeasureFactory(priority=plan(), code="KPM-5.5", title="Arson", reporting_frequency="annual")

    page = client.get("/admin/")
    assert "As a performance officer you see the figures and actions of every measure and action" in text(page)
    assert (
        "KPM-5.5 Arson For 2024/25. Overdue: it was due by 12 May 2025. Enter the figure"
        in listed(page, "figures")["lines"]
    )


def test_a_governance_officer_sees_the_meetings_to_minute(on, client, django_user_model):
    log_in_staff(client, django_user_model, "Governance officers")
    held = MeetingFactory(body=BodyFactory(name="Communities Board"), date=date(2025, 4, 1))
    MinutesFactory(meeting=MeetingFactory(date=date(2025, 3, 1)))

    page = client.get("/admin/")
    assert listed(page, "meetings")["heading"] == "Meetings without minutes (1)"
    assert "Communities Board, 1 April 2025 Add the minutes" in listed(page, "meetings")["lines"]
    assert links(page, "meetings") == [admin_url(Meeting, "change", held.pk)]
    assert client.get(links(page, "meetings")[0]).context["has_change_permission"]
    assert listed(page, "figures") is None

    MinutesFactory(meeting=held)
    assert listed(client.get("/admin/"), "meetings")["lines"] == ["Every meeting held so far has its minutes."]


def test_the_list_of_everything_in_the_admin_stays_below(on, lead, client):
    page = client.get("/admin/")
    content = page.content.decode()
    assert page.context["title"] == "Keep the plan, its measures and its meetings up to date"
    assert "What is due from you on 20 May 2025, as a lead. Skip to everything in the admin " in text(page)
    assert '<a href="#everything-in-the-admin">' in content
    everything = content.index('id="everything-in-the-admin"')
    assert content.index('id="todo-figures"') < everything < content.index('href="/admin/measures/measure/"')
    assert "Recent actions" in content


def test_an_officer_without_a_job_is_told_why_nothing_is_listed(client, django_user_model):
    log_in_staff(client, django_user_model)
    page = text(client.get("/admin/"))
    assert "Your account has no job in the admin yet, so nothing is listed here for you" in page
    assert "You don’t have permission to view or edit anything." in page


def test_the_front_page_is_for_signed_in_staff_only(client, django_user_model):
    assert client.get("/admin/").url == "/admin/login/?next=/admin/"
    client.force_login(django_user_model.objects.create_user("resident"))
    assert client.get("/admin/").url == "/admin/login/?next=/admin/"


def test_reminders_tell_a_publisher_what_waits_for_their_approval(django_user_model):
    publisher, _ = officer(django_user_model, "Publishers", "priya")
    publisher.email = "priya@example.org"
    publisher.save()
    lead, _ = officer(django_user_model, "Leads", "leo")
    value = ReportedValueFactory(
        measure=MeasureFactory(code="KPM-8.3"), year=2023, status=Approval.PROVISIONAL, entered_by=lead
    )

    call_command("sendreminders", base_url="https://portal.example.org", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert [message.to for message in mail.outbox] == [["priya@example.org"]]
    assert (
        "Waiting for your approval:\n- KPM-8.3, 2023/24: 4,000, entered by Leo — "
        f"https://portal.example.org/admin/measures/reportedvalue/{value.pk}/change/"
    ) in mail.outbox[0].body


@pytest.mark.browser
def test_the_front_page_passes_the_accessibility_checks_with_every_list(page, live_site, assert_accessible):
    """As a superuser, who sees every list, with something in each: axe in real Chromium (WCAG 2.2 AA)."""
    superuser, other = OfficerFactory(), OfficerFactory(first_name="Leo")
    measure = Measure.objects.get(code="KPM-1.1")
    measure.reporting_frequency = Measure.Frequency.QUARTERLY
    measure.save()
    ReportedValueFactory(measure=measure, year=2010, status=Approval.PROVISIONAL, entered_by=other)
    ProgressUpdateFactory(
        action=Action.objects.order_by("pk").first(), approval=Approval.PROVISIONAL, entered_by=superuser
    )
    client = Client()
    client.force_login(superuser)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_site.url}])

    assert_accessible("/admin/")
    headings = page.locator("#content-main h2").all_inner_texts()
    assert [heading.split(" (")[0] for heading in headings] == [
        "Figures to enter",
        "Actions needing attention",
        "Waiting for your approval",
        "Your entries waiting for approval",
        "Meetings without minutes",
        "Everything in the admin",
    ]
    page.get_by_role("link", name="Skip to everything in the admin").click()
    assert page.url.endswith("#everything-in-the-admin")
