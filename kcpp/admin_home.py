"""The admin's front page (/admin/): the signed-in officer's to-do list, above Django's list of everything
in the admin.

Django's own index view renders it (`admin.site.index`: the admin's title, layout, recent actions and list
of apps, behind the admin's own sign-in check, `admin_view`); this view only adds the to-do list
(kcpp/todo.py) to its context, and templates/admin/index.html shows it. It is routed at /admin/ just
before the admin's own URLs (kcpp/urls.py), so `admin:index` still names the page and no admin site has
to be replaced (that would mean a new AdminConfig in the settings).
Each item links to where it is done: a new value with the measure and the period filled in, an action's
page to add a progress update, a provisional entry's page to approve it, a meeting's to add its minutes.
The page costs a fixed number of queries, however much is due (tests/test_admin_queries.py).
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

from kcpp import rules
from kcpp.todo import ENTRIES_SHOWN, admin_change_url, officer_name, provisional_list_url, record_name, todo_for
from measures.models import Measure, ReportedValue
from priorities.models import ProgressUpdate

JOB_NAMES = [
    (rules.plan_editor, "plan editor"),
    (rules.performance_officer, "performance officer"),
    (rules.lead, "lead"),
    (rules.publisher, "publisher"),
    (rules.governance_officer, "governance officer"),
]


def today():
    return timezone.localdate()


def listed(words):
    """["a", "b", "c"] as "a, b and c"."""
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def long_date(day):
    return format_date(day, "j F Y")


def jobs_of(user):
    """The officer's jobs, as "a lead", "a publisher"; "a superuser" for one."""
    if user.is_superuser:
        return ["a superuser"]
    return [f"a {name}" for predicate, name in JOB_NAMES if predicate(user)]


def periods_text(periods):
    """The last complete periods looked at: "2025/26 Q2", or "2024/25 (annual measures) and 2025/26 Q2 (…)"."""
    if len(periods) == 1:
        return next(iter(periods.values()))
    kinds = {Measure.Frequency.ANNUAL: "annual", Measure.Frequency.QUARTERLY: "quarterly"}
    kinds[Measure.Frequency.MONTHLY] = "monthly"
    return listed([f"{name} ({kinds[frequency]} measures)" for frequency, name in periods.items()])


def figure_rows(todo):
    return [
        {
            "id": f"todo-measure-{due.measure.pk}",
            "name": record_name(due.measure),
            "url": admin_change_url(due.measure),
            "entry_url": due.entry_url,
            "period": due.period,
            "when": f"Overdue: it was due by {long_date(due.due_by)}"
            if due.overdue
            else f"Due by {long_date(due.due_by)}",
            "overdue": due.overdue,
        }
        for due in todo.figures
    ]


def action_rows(todo):
    return [
        {"name": record_name(action), "url": admin_change_url(action), "flag": flag.label, "why": flag.explanation}
        for action, flag in todo.actions
    ]


def entry_rows(records, *, show_who):
    rows = []
    for record in records:
        who = f"Entered by {officer_name(record.entered_by)}" if show_who else "Entered by you"
        if hasattr(record, "updated_at"):
            who += f", last changed {long_date(timezone.localtime(record.updated_at))}"
        row_id = f"todo-{record._meta.model_name}-{record.pk}"
        rows.append({"id": row_id, "name": record_name(record), "url": admin_change_url(record), "who": who})
    return rows


def empty_texts(todo):
    """What each empty list says, so that an officer knows it is empty rather than missing."""
    whose = "every measure" if todo.everything else "every measure you lead"
    if todo.measures_checked:
        figures = f"Nothing is due: {whose} has its figure for {periods_text(todo.periods)}."
    elif todo.everything:
        figures = "No measure of the published plan says how often it is reported, so no figure is due."
    else:
        figures = (
            "You lead no measure of the published plan that says how often it is reported, so no figure is due "
            "from you."
        )
    return {
        "figures": figures,
        "actions": "No action is overdue or needs a progress update."
        if todo.everything
        else "No action you lead is overdue or needs a progress update.",
        "to_approve": "Nothing is waiting for your approval.",
        "waiting": "Nothing you entered is waiting for approval.",
        "meetings": "Every meeting held so far has its minutes.",
    }


def todo_context(user, day):
    todo = todo_for(user, day)
    jobs = jobs_of(user)
    return {
        "todo": todo,
        "todo_today": day,
        "todo_jobs": listed(jobs),
        "todo_has_a_job": bool(jobs),
        "todo_figures": figure_rows(todo),
        "todo_actions": action_rows(todo),
        "todo_values_to_approve": entry_rows(todo.to_approve.values, show_who=True),
        "todo_updates_to_approve": entry_rows(todo.to_approve.updates, show_who=True),
        "todo_values_waiting": entry_rows(todo.waiting.values, show_who=False),
        "todo_updates_waiting": entry_rows(todo.waiting.updates, show_who=False),
        "todo_meetings": [
            {
                "id": f"todo-meeting-{meeting.pk}",
                "name": capfirst(f"{meeting.body.name}, {meeting.date_text}"),
                "url": admin_change_url(meeting),
            }
            for meeting in todo.meetings
        ],
        "todo_empty": empty_texts(todo),
        "todo_shown": ENTRIES_SHOWN,
        "provisional_values_url": provisional_list_url(ReportedValue),
        "provisional_updates_url": provisional_list_url(ProgressUpdate),
    }


def index(request):
    """Django's admin index, with the officer's to-do list above the list of apps."""
    return admin.site.index(request, extra_context=todo_context(request.user, today()))


# Django's own wrapping of an admin view: signed-in staff only (else the login page), never cached, CSRF-checked.
view = admin.site.admin_view(index)
