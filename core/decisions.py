"""The decisions of the partnership's meetings about a record of the plan: for the pages of an edition, a
priority, an action and a measure, newest first.

A decision is about a record when it names it, or when it was made on an agenda item that names it (an
item about an edition names it as its plan edition; an edition is also named by the decision that
approved it). Only decisions of published meetings are listed. The governance app builds on the plan's
apps, so its model is looked up here rather than imported; one query whatever the number.
"""

from django.apps import apps
from django.db.models import F, Q

SHOWN = 20


def decisions_about(record):
    """The newest `SHOWN` decisions about `record` (a PlanEdition, Priority, Action or Measure), newest first."""
    decision = apps.get_model("governance", "Decision")
    if record._meta.model_name == "planedition":
        about = Q(editions=record) | Q(agenda_item__plan_edition=record) | Q(approves_edition=record)
    else:
        field = {"priority": "priorities", "action": "actions", "measure": "measures"}[record._meta.model_name]
        about = Q(**{field: record}) | Q(**{f"agenda_item__{field}": record})
    found = (
        decision.objects.filter(about, agenda_item__meeting__is_published=True)
        .select_related("agenda_item__meeting__body")
        .order_by(F("agenda_item__meeting__date").desc(nulls_last=True), "-agenda_item__meeting_id", "number")
        .distinct()
    )
    return list(found[:SHOWN])
