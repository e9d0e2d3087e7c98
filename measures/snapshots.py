"""Frozen scrutiny reports: the measure status table as a meeting was shown it, kept as text for good.

`take_snapshot()` reads the current plan's status table exactly as the public status page does
(`measures.views.status_table`, `StatusRow`) and keeps each row's words and figures as they read
then. The snapshot's page, print view and CSV are made from those rows alone, so they never change:
later figures, corrections and reloads of the plan do not reach them. `compared_with_now()` sets
them beside the status table of today, for the "what moved since" view.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateformat import format as format_date

from measures.models import ScrutinySnapshot
from priorities.models import PlanEdition

# The columns of a snapshot's CSV, in order: the row's keys.
COLUMNS = [
    ("priority", "The priority, numbered"),
    ("measure_code", "The measure's code"),
    ("measure_title", "The measure's short name"),
    ("baseline", "The plan's baseline, in words"),
    ("latest", "The latest final figure then, with its period"),
    ("target", "The target, in words"),
    ("status", "The status then"),
    ("status_explanation", "Why, in one line"),
    ("direction_of_travel", "The direction of travel then"),
    ("lead_partner", "The partner leading the measure"),
    ("commentary", "What the officers said lay behind the figure"),
    ("revision", "The public note of a correction to the figure, if any"),
    ("illustrative", "true where the figure was sample data"),
]


def row_of(status_row):
    measure, shown = status_row.measure, status_row.latest_shown
    latest = status_row.latest
    return {
        "priority": f"{measure.priority.number}. {measure.priority.title}",
        "priority_number": measure.priority.number,
        "measure_code": measure.code,
        "measure_title": measure.title,
        "baseline": measure.baseline_text,
        "latest": shown.text if shown else "No data yet",
        "target": measure.target_text,
        "status": status_row.status.label,
        "status_code": status_row.status.code,
        "status_explanation": status_row.status.explanation,
        "direction_of_travel": status_row.travel.label,
        "lead_partner": measure.lead_partner.name if measure.lead_partner else "Not stated",
        "commentary": latest.commentary if latest else "",
        "revision": latest.revision if latest else "",
        "illustrative": "true" if status_row.is_illustrative else "false",
    }


def current_rows():
    """The current plan's status table as rows of text, in the table's order (one query)."""
    from measures.views import StatusRow, status_table  # the status page's own reading of the table

    edition = PlanEdition.objects.current()
    return edition, [row_of(StatusRow.of(measure)) for measure in status_table(edition)]


def snapshot_title(meeting):
    return f"As reported to {meeting.body.name} on {meeting.date_text}"


NO_PLAN = "There is no published plan, so there is no status table to report."


def take_snapshot(meeting, officer, snapshot=None):
    """Keep the status table as it is now, as reported to `meeting` (filling in `snapshot`, unsaved, if given)."""
    edition, rows = current_rows()
    if edition is None:
        raise ValueError(NO_PLAN)
    snapshot = snapshot or ScrutinySnapshot(meeting=meeting)
    snapshot.title, snapshot.edition_title = snapshot_title(meeting), edition.title
    snapshot.taken_at, snapshot.taken_by, snapshot.rows = timezone.now(), officer, rows
    snapshot.save()
    return snapshot


def as_at(snapshot):
    return format_date(timezone.localtime(snapshot.taken_at), "j F Y")


@dataclass
class Moved:
    """A measure whose reading moved since the snapshot: its row then and now (either may be None)."""

    code: str
    title: str
    then: dict | None
    now: dict | None

    @property
    def changes(self):
        if self.then is None:
            return ["Not in the report: added to the plan since"]
        if self.now is None:
            return ["No longer in the current plan"]
        changes = []
        for key, label in (("latest", "Latest figure"), ("status", "Status"), ("direction_of_travel", "Direction")):
            if self.then[key] != self.now[key]:
                changes.append(f"{label}: {self.then[key]} → {self.now[key]}")
        return changes


def compared_with_now(snapshot):
    """The measures whose figure, status or direction moved since the snapshot, in the report's order, then any
    measure added since. Measures are matched by code."""
    _, now_rows = current_rows()
    now = {row["measure_code"]: row for row in now_rows}
    then_codes = {row["measure_code"] for row in snapshot.rows}
    moved = []
    unchanged = 0
    for row in snapshot.rows:
        item = Moved(row["measure_code"], row["measure_title"], row, now.get(row["measure_code"]))
        if item.changes:
            moved.append(item)
        else:
            unchanged += 1
    moved += [Moved(code, row["measure_title"], None, row) for code, row in now.items() if code not in then_codes]
    return moved, unchanged
