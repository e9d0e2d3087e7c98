"""What an officer has to do: the figures due from them, their actions that need attention, what waits for
their approval, the meetings without minutes. The admin's front page shows it (kcpp/admin_home.py) and
`manage.py sendreminders` e-mails it to each officer.

- **A measure's figure is due** once its last complete reporting period has ended (the last quarter of
  the financial year for a quarterly measure, the last financial year for an annual one, the last month
  for a monthly one) and no Kirklees-wide value for exactly that period has been entered (provisional or
  final). It is **overdue** `GRACE` (six weeks) after the period ended. A measure whose reporting
  frequency the plan leaves unstated is never due: nothing says when.
- **An action needs attention** when `Action.flag()` says so: overdue, or a progress update due. An
  update that has been entered and waits for approval counts as done: the officer is not asked again.
- **Waiting for approval** (four eyes, `core.models.FourEyes`): the provisional figures and progress
  updates someone else entered, for a publisher to approve; and, for the officer who entered them, their
  own provisional entries, which only another officer can approve.
- **A meeting has no minutes** once its date has passed (and it was not cancelled or postponed).

Whose: a lead's are the measures and actions they are named on, and everything in a priority they lead;
a performance officer's (and a superuser's) are all of them; a publisher approves anyone's entries but
their own; a governance officer's are the meetings. Each list costs a fixed number of queries, however
many records there are.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from core import admin_pages
from core.models import Approval
from governance.models import Meeting, Minutes
from kcpp import rules
from measures.admin_forms import OTHER, period_value
from measures.models import Measure, ReportedValue, period_label_for
from priorities.models import Action, ProgressUpdate, PublicationStatus

GRACE = timedelta(weeks=6)
# At most this many entries of each kind in a list of entries waiting for approval; the rest are in the
# admin's list of provisional entries, which the page links to.
ENTRIES_SHOWN = 20


def last_complete_period(frequency, today):
    """The latest reporting period of this frequency that ended before `today`, as (start, end), or None."""
    if frequency == Measure.Frequency.MONTHLY:
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if frequency == Measure.Frequency.QUARTERLY:
        # Financial-year quarters end on 30 June, 30 September, 31 December and 31 March.
        ends = [date(today.year - 1, 12, 31)] + [
            date(today.year, month, day) for month, day in ((3, 31), (6, 30), (9, 30), (12, 31))
        ]
        end = max(end for end in ends if end < today)
        start = date(end.year, end.month - 2, 1)
        return start, end
    if frequency == Measure.Frequency.ANNUAL:
        year = today.year if today > date(today.year, 3, 31) else today.year - 1
        return date(year - 1, 4, 1), date(year, 3, 31)
    return None


def period_name(start, end):
    """A reporting period as officers name it: 2024/25, 2025/26 Q2, or August 2025 for a month."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return f"{start:%B %Y}"
    return period_label_for(start, end)


@dataclass(frozen=True)
class FigureDue:
    measure: Measure
    period: str
    period_start: date
    period_end: date
    overdue: bool

    @property
    def due_by(self):
        """The day after which it is overdue."""
        return self.period_end + GRACE

    @property
    def entry_url(self):
        """Where the figure is entered: a new reported value, its measure and period filled in.

        Not the measure's page: a lead or a performance officer may add values, but not change the measure,
        so its page only shows its values to them. The period is chosen from the financial years and
        quarters where it is one (measures/admin_forms.py), else given by its dates (a month).
        """
        if self.measure.reporting_frequency != Measure.Frequency.MONTHLY:
            fields = {"measure": self.measure.pk, "period": period_value(self.period_start, self.period_end)}
        else:
            fields = {"measure": self.measure.pk, "period": OTHER, "period_start": self.period_start}
            fields["period_end"] = self.period_end
        return f"{reverse('admin:measures_reportedvalue_add')}?{urlencode(fields, safe='/')}"


@dataclass
class Entries:
    """Provisional figures and progress updates, oldest first: at most `ENTRIES_SHOWN` of each, and whether
    there are more."""

    values: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    more_values: bool = False
    more_updates: bool = False

    def __bool__(self):
        return bool(self.values or self.updates)


@dataclass
class ToDo:
    figures: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # (action, flag)
    meetings: list = field(default_factory=list)
    to_approve: Entries = field(default_factory=Entries)  # others' entries, for this officer to approve
    waiting: Entries = field(default_factory=Entries)  # this officer's entries, waiting for another's approval
    # What the officer's jobs give them to do, so that an empty list can say what it covers.
    reports: bool = False  # figures and actions: a lead, a performance officer or a superuser
    everything: bool = False  # every measure and action, not only those the officer leads
    approves: bool = False  # others' entries: a publisher or a superuser
    governs: bool = False  # meetings: a governance officer or a superuser
    # The last complete period of each reporting frequency among the measures looked at: {frequency: name}.
    periods: dict = field(default_factory=dict)
    measures_checked: int = 0

    def __bool__(self):
        """Whether anything is due from the officer (their own entries waiting for approval are not)."""
        return bool(self.figures or self.actions or self.meetings or self.to_approve)


def led_by(user):
    """What a lead is named on, directly or through a priority they lead."""
    return Q(leads=user) | Q(priority__leads=user)


def todo_for(user, today):
    """Everything `user` has to do on `today`, by their jobs."""
    todo = ToDo()
    todo.everything = user.is_superuser or rules.performance_officer(user)
    todo.reports = todo.everything or rules.lead(user)
    todo.approves = user.is_superuser or rules.publisher(user)
    todo.governs = user.is_superuser or rules.governance_officer(user)
    if todo.reports:
        mine = Q() if todo.everything else led_by(user)
        measures = list(
            Measure.objects.filter(mine, priority__edition__status=PublicationStatus.PUBLISHED)
            .exclude(reporting_frequency="")
            .select_related("priority")
            .distinct()
            .order_by("priority__number", "number")
        )
        todo.measures_checked = len(measures)
        todo.figures = figures_due(measures, today)
        todo.periods = {
            frequency: period_name(*last_complete_period(frequency, today))
            for frequency in Measure.Frequency
            if any(measure.reporting_frequency == frequency for measure in measures)
        }
        todo.actions = actions_needing_attention(mine, today)
        todo.waiting = entries(Q(entered_by=user))
    if todo.approves:
        todo.to_approve = entries(~Q(entered_by=user))
    if todo.governs:
        minuted = Minutes.objects.filter(meeting=OuterRef("pk"))
        todo.meetings = list(
            Meeting.objects.filter(date__lt=today)
            .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.POSTPONED])
            .exclude(Exists(minuted))
            .select_related("body")
            .order_by("-date")
        )
    return todo


def actions_needing_attention(mine, today):
    """The actions (of the published plan, by `mine`) that `Action.flag()` flags, with their flags.

    An update due is not asked for again while one entered recently enough to answer it waits for approval.
    """
    answering = ProgressUpdate.objects.filter(
        action=OuterRef("pk"), approval=Approval.PROVISIONAL, date__gt=today - Action.UPDATE_INTERVAL
    )
    actions = (
        Action.objects.with_status()
        .filter(mine, priority__edition__status=PublicationStatus.PUBLISHED)
        .annotate(update_waiting=Exists(answering))
        .select_related("priority__edition")
        .distinct()
        .order_by("priority__number", "number")
    )
    return [
        (action, flag)
        for action in actions
        if (flag := action.flag(as_of=today)) and not (flag.code == Action.Flag.UPDATE_DUE and action.update_waiting)
    ]


def entries(whose):
    """The provisional figures and progress updates `whose` picks out, longest waiting first: two queries."""
    values = list(
        ReportedValue.objects.filter(whose, status=Approval.PROVISIONAL)
        .select_related("measure", "locality", "entered_by")
        .order_by("updated_at", "pk")[: ENTRIES_SHOWN + 1]
    )
    updates = list(
        ProgressUpdate.objects.filter(whose, approval=Approval.PROVISIONAL)
        .select_related("action__priority", "entered_by")
        .order_by("date", "pk")[: ENTRIES_SHOWN + 1]
    )
    return Entries(
        values=values[:ENTRIES_SHOWN],
        updates=updates[:ENTRIES_SHOWN],
        more_values=len(values) > ENTRIES_SHOWN,
        more_updates=len(updates) > ENTRIES_SHOWN,
    )


def figures_due(measures, today):
    """The measures (already loaded) whose last complete period's figure is missing, oldest period first."""
    periods = {m.pk: period for m in measures if (period := last_complete_period(m.reporting_frequency, today))}
    if not periods:
        return []
    earliest = min(start for start, _ in periods.values())
    entered = set(
        ReportedValue.objects.filter(measure__in=list(periods), locality__isnull=True, period_start__gte=earliest)
        .values_list("measure_id", "period_start", "period_end")
        .iterator()
    )
    due = []
    for measure in measures:
        start, end = periods.get(measure.pk, (None, None))
        if start is not None and (measure.pk, start, end) not in entered:
            due.append(FigureDue(measure, period_name(start, end), start, end, overdue=today > end + GRACE))
    return sorted(due, key=lambda item: (item.period_end, item.measure.code))


# ---- naming what is listed, the same on the page and in the e-mail --------------------------------------


def officer_name(user):
    if user is None:
        return "a script (such as the plan loader)"
    return user.get_full_name() or user.get_username()


def record_name(record):
    """A record as the admin names it: "KPM-1.1 Total recorded crime", "1.2 Reduce knife crime…", and a
    provisional figure with its value, "KPM-1.1, 2025/26 Q1: 4,612"."""
    name = admin_pages.record_name(admin.site, record)
    if isinstance(record, ReportedValue):
        return f"{name}: {record.measure.format_value(record.value)}"
    return name


def provisional_list_url(model):
    """The admin's list of a model's provisional entries (figures or progress updates), to approve from."""
    opts = model._meta
    field = "status" if model is ReportedValue else "approval"
    return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?{field}__exact={Approval.PROVISIONAL}"


def admin_change_url(record):
    """Where the record is changed in the admin: a measure's page to enter its figure, a meeting's to add minutes."""
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
