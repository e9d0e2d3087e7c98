"""The decisions of the partnership's meetings, and the published minutes, about a record of the plan: for the
pages of an edition, a priority, an action and a measure, and for their records in the API, newest first.

A decision is about a record when it names it, or when it was made on an agenda item that names it (an
item about an edition names it as its plan edition; an edition is also named by the decision that
approved it). Only decisions of published meetings are listed, and only minutes residents may read. The
governance app builds on the plan's apps, so its models are looked up here rather than imported.

A page asks for one record's (`decisions_about`, `minutes_about`: one query each, whatever the number); an
API list loads every record's with `about_prefetches()` (a fixed number of queries) and reads them with
`decisions_of` and `minutes_of`. Both follow the same relations, in the same order.
"""

from django.apps import apps
from django.db.models import F, Prefetch, Q

SHOWN = 20

# How each kind of record is named: the field of a decision, an agenda item and minutes that names it.
NAMED_BY = {"planedition": "editions", "priority": "priorities", "action": "actions", "measure": "measures"}


def model(name):
    return apps.get_model("governance", name)


def decisions_about(record):
    """The newest `SHOWN` decisions about `record` (a PlanEdition, Priority, Action or Measure), newest first."""
    if record._meta.model_name == "planedition":
        about = Q(editions=record) | Q(agenda_item__plan_edition=record) | Q(approves_edition=record)
    else:
        field = NAMED_BY[record._meta.model_name]
        about = Q(**{field: record}) | Q(**{f"agenda_item__{field}": record})
    found = (
        model("Decision")
        .objects.filter(about, agenda_item__meeting__is_published=True)
        .select_related("agenda_item__meeting__body")
        .order_by(
            F("agenda_item__meeting__date").desc(nulls_last=True),
            "-agenda_item__meeting_id",
            "agenda_item__number",
            "number",
        )
        .distinct()
    )
    return list(found[:SHOWN])


def minutes_about(record):
    """The newest `SHOWN` minutes residents may read that name `record`, newest meeting first."""
    found = (
        model("Minutes")
        .objects.published()
        .filter(**{NAMED_BY[record._meta.model_name]: record})
        .select_related("meeting__body")
        .order_by(F("meeting__date").desc(nulls_last=True), "-meeting_id")
    )
    return list(found[:SHOWN])


# ---- for a list of records: the API --------------------------------------------------------------------


def about_prefetches(record_model):
    """What to prefetch for a list of records of `record_model` (editions, priorities, actions or measures)
    so that `decisions_of` and `minutes_of` each record cost no query: a fixed number, whatever the data."""
    decision = model("Decision")
    decisions = decision.objects.filter(agenda_item__meeting__is_published=True).select_related(
        "agenda_item__meeting__body"
    )
    # An item's decisions find their item, and its meeting, in the item prefetched.
    items = (
        model("AgendaItem")
        .objects.filter(meeting__is_published=True)
        .select_related("meeting__body")
        .prefetch_related(Prefetch("decisions", queryset=decision.objects.all(), to_attr="decisions_made"))
    )
    prefetches = [
        Prefetch("decisions", queryset=decisions, to_attr="decisions_naming_it"),
        Prefetch("agenda_items", queryset=items, to_attr="items_naming_it"),
        Prefetch(
            "minutes",
            queryset=model("Minutes").objects.published().select_related("meeting__body"),
            to_attr="minutes_naming_it",
        ),
    ]
    if record_model._meta.model_name == "planedition":
        prefetches.append(Prefetch("approving_decisions", queryset=decisions, to_attr="decisions_approving_it"))
    return prefetches


def decisions_of(record):
    """Every decision about a record loaded with `about_prefetches()`, newest first, as `decisions_about` lists them."""
    found = {decision.pk: decision for decision in record.decisions_naming_it}
    for item in record.items_naming_it:
        found.update((decision.pk, decision) for decision in item.decisions_made)
    found.update((decision.pk, decision) for decision in getattr(record, "decisions_approving_it", ()))
    return sorted(
        found.values(),
        key=lambda decision: (
            *newest_first(decision.agenda_item.meeting),
            decision.agenda_item.number,
            decision.number,
        ),
    )


def minutes_of(record):
    """Every published minutes naming a record loaded with `about_prefetches()`, newest meeting first."""
    return sorted(record.minutes_naming_it, key=lambda minutes: newest_first(minutes.meeting))


def newest_first(meeting):
    """A meeting's place among others, newest first and undated last, as the queries above order them."""
    return (meeting.date is None, -meeting.date.toordinal() if meeting.date else 0, -meeting.pk)
