"""The plan's actions as a CSV download: one row per action, with its leads and latest progress update."""

from itertools import groupby
from operator import itemgetter

from django.db.models import OuterRef, Subquery

from core.downloads import CHUNK
from priorities.models import Action, ProgressUpdate

# ---- the plan's actions ---------------------------------------------------------------------------


def _status_labels():
    return ", ".join(str(label) for label in Action.Status.labels)


# (column, what it holds): the header of the actions CSV, and its description on the open data page.
ACTION_COLUMNS = [
    ("edition", "The plan edition the action belongs to, by its identifier, e.g. 2022-2027"),
    ("priority_number", "The number of the priority the action comes under"),
    ("priority", "The priority’s title"),
    ("action_ref", "The action’s reference: its priority’s number and its own, e.g. 1.3"),
    ("action", "What the Board will do, word for word as the plan says it"),
    (
        "editors_note",
        "A note by the portal’s editors about the action’s text, e.g. where the document’s text ends; "
        "not the plan’s words",
    ),
    ("lead_body", "The board or group that oversees the action"),
    ("lead_partners", "The partner organisations leading it, separated by semicolons"),
    ("status", f"Where it stands, as its latest progress update says: {_status_labels()}"),
    (
        "flag",
        "What its dates say needs attention on the day of the download: Overdue (its due date has passed and it "
        "is not completed) or Update due (no progress update for two quarters, 182 days, counted from its "
        "latest update, else its start date, else 1 January of its plan’s first year); empty if neither",
    ),
    ("start_date", "When it starts (YYYY-MM-DD); empty if not set"),
    ("due_date", "When it is due (YYYY-MM-DD); empty if not set"),
    ("progress_percent", "Per cent complete, 0 to 100, where the lead reports one"),
    ("latest_update_date", "The date of its latest progress update (YYYY-MM-DD)"),
    ("latest_update", "What its latest progress update says; empty if there is none yet"),
    ("last_updated", "The day the action’s record last changed (YYYY-MM-DD)"),
    (
        "action_source",
        "Where the action comes from: the source document and section, or that an officer entered it; and "
        "when an officer last changed it",
    ),
]
ACTION_CSV_HEADER = [name for name, _ in ACTION_COLUMNS]


# The long texts of the records an action's row names, which no column holds.
LONG_TEXTS = {
    "priority": ["introduction", "sia_summary", "editors_note"],
    "edition": ["vision", "summary", "sia_overview", "approval_note"],
}

# Current plan first, then in the plan's order.
ACTION_ORDER = ["-priority__edition__start_year", "-priority__edition__end_year", "priority__number", "number", "pk"]


def actions_for_csv(actions):
    """`actions` with all their rows need but their lead partners, current plan first, in the plan's order."""
    latest = ProgressUpdate.objects.final().filter(action=OuterRef("pk")).newest_first()
    return (
        actions.with_status()
        .select_related("priority__edition", "lead_body")
        # The plan's long texts are no column of the file: left in the database, a chunk of rows is small.
        .defer(*(f"priority__{name}" for name in LONG_TEXTS["priority"]))
        .defer(*(f"priority__edition__{name}" for name in LONG_TEXTS["edition"]))
        .annotate(latest_update=Subquery(latest.values("commentary")[:1]))
        .order_by(*ACTION_ORDER)
    )


def lead_partner_names(actions):
    """(action id, partner's name) for each lead partner of `actions`, in the order `actions_for_csv` lists
    the actions, each action's partners by name."""
    leads = Action.lead_partners.through.objects.filter(action__in=actions.values("pk"))
    order = [f"-action__{key[1:]}" if key.startswith("-") else f"action__{key}" for key in ACTION_ORDER]
    return leads.order_by(*order, "partnerorganisation__name").values_list("action_id", "partnerorganisation__name")


def action_row(action, lead_partners, as_of):
    priority = action.priority
    flag = action.flag(as_of=as_of)
    return [
        priority.edition.slug,
        priority.number,
        priority.title,
        action.reference,
        action.text,
        action.editors_note,
        action.lead_body.name if action.lead_body else "",
        "; ".join(lead_partners),
        action.get_status_display(),
        flag.label if flag else "",
        action.start_date,
        action.due_date,
        action.progress,
        action.latest_update_date,
        action.latest_update,
        action.updated_at,
        action.provenance,
    ]


def action_rows(actions, *, as_of):
    """The rows of the actions CSV, with each action's flag as it stands on `as_of`, read as they are written.

    Two queries however many actions: the actions, and beside them their lead partners in the same order
    (a prefetch would name every action's id in one more query per chunk).
    """
    actions = actions_for_csv(actions)
    leads = groupby(lead_partner_names(actions).iterator(chunk_size=CHUNK), key=itemgetter(0))
    led, names = next(leads, (None, ()))
    for action in actions.iterator(chunk_size=CHUNK):
        partners = []
        if action.pk == led:
            partners = [name for _, name in names]
            led, names = next(leads, (None, ()))
        yield action_row(action, partners, as_of)
