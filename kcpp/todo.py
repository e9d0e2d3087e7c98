"""What an officer has to do: the figures due from them, their actions that need attention, the meetings
without minutes. `manage.py sendreminders` e-mails it to each officer.

- **A measure's figure is due** once its last complete reporting period has ended (the last quarter of
  the financial year for a quarterly measure, the last financial year for an annual one, the last month
  for a monthly one) and no Kirklees-wide value for exactly that period has been entered (provisional or
  final). It is **overdue** `GRACE` (six weeks) after the period ended. A measure whose reporting
  frequency the plan leaves unstated is never due: nothing says when.
- **An action needs attention** when `Action.flag()` says so: overdue, or a progress update due.
- **A meeting has no minutes** once its date has passed (and it was not cancelled or postponed).

Whose: a lead's are the measures and actions they are named on, and everything in a priority they lead;
a performance officer's are all of them; a governance officer's are the meetings. Each list costs a fixed
number of queries, however many records there are.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q

from governance.models import Meeting, Minutes
from kcpp import rules
from measures.models import Measure, ReportedValue, period_label_for
from priorities.models import Action, PublicationStatus

GRACE = timedelta(weeks=6)


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


@dataclass(frozen=True)
class FigureDue:
    measure: Measure
    period: str
    period_end: date
    overdue: bool


@dataclass
class ToDo:
    figures: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # (action, flag)
    meetings: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.figures or self.actions or self.meetings)


def led_by(user):
    """What a lead is named on, directly or through a priority they lead."""
    return Q(leads=user) | Q(priority__leads=user)


def todo_for(user, today):
    """Everything `user` has to do on `today`, by their jobs."""
    todo = ToDo()
    everything = user.is_superuser or rules.performance_officer(user)
    if everything or rules.lead(user):
        mine = Q() if everything else led_by(user)
        measures = (
            Measure.objects.filter(mine, priority__edition__status=PublicationStatus.PUBLISHED)
            .exclude(reporting_frequency="")
            .select_related("priority")
            .distinct()
            .order_by("priority__number", "number")
        )
        todo.figures = figures_due(list(measures), today)
        actions = (
            Action.objects.with_status()
            .filter(mine, priority__edition__status=PublicationStatus.PUBLISHED)
            .select_related("priority__edition")
            .distinct()
            .order_by("priority__number", "number")
        )
        todo.actions = [(action, flag) for action in actions if (flag := action.flag(as_of=today))]
    if user.is_superuser or rules.governance_officer(user):
        minuted = Minutes.objects.filter(meeting=OuterRef("pk"))
        todo.meetings = list(
            Meeting.objects.filter(date__lt=today)
            .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.POSTPONED])
            .exclude(Exists(minuted))
            .select_related("body")
            .order_by("-date")
        )
    return todo


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
            due.append(FigureDue(measure, period_label_for(start, end), end, overdue=today > end + GRACE))
    return sorted(due, key=lambda item: (item.period_end, item.measure.code))
