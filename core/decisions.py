"""The decisions of the partnership's meetings, and the published minutes, about a record of the plan: for the
pages of an edition, a priority, an action and a measure, and for their records in the API, newest first.

A decision is about a record when it names it, or when it was made on an agenda item that names it (an
item about an edition names it as its plan edition; an edition is also named by the decision that
approved it). Only decisions of published meetings are listed, and only minutes residents may read. The
governance app builds on the plan's apps, so its models are looked up here rather than imported.

A page asks for one record's (`decisions_about`, `minutes_about`: one query each, whatever the number, the
newest `SHOWN`); the API loads every record's on a page with `load_about()` (a fixed number of queries) and
reads them with `decisions_of` and `minutes_of`, the newest `SHOWN` as on the page. Both follow the same
relations, in the same order.
"""

from django.apps import apps
from django.db.models import F, Q

SHOWN = 20

# How each kind of record is named: the field of a decision, an agenda item and minutes that names it.
NAMED_BY = {"planedition": "editions", "priority": "priorities", "action": "actions", "measure": "measures"}


def model(name):
    return apps.get_model("governance", name)


def routes(kind):
    """The ways from a decision to a record of `kind` (a model name) it is about: the decision names it, its
    agenda item names it (an edition as the item's plan edition), or, for an edition, it approved it."""
    if kind == "planedition":
        return ["editions", "agenda_item__plan_edition", "approves_edition"]
    return [NAMED_BY[kind], f"agenda_item__{NAMED_BY[kind]}"]


def decisions_about(record):
    """The newest `SHOWN` decisions about `record` (a PlanEdition, Priority, Action or Measure), newest first."""
    about = Q()
    for route in routes(record._meta.model_name):
        about |= Q(**{route: record})
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


def load_about(records):
    """Give each of `records` (all editions, priorities, actions or measures) the decisions and the minutes
    about it, as `decisions_of` and `minutes_of` read them: 3 queries, 4 for editions, whatever they hold.

    Asked of the records' ids, not prefetched: a nested prefetch (an item's decisions) skips its query when
    the level above comes out empty, so a list's queries would vary with its data.
    """
    records = list(records)
    if not records:
        return
    kind = records[0]._meta.model_name
    ids = [record.pk for record in records]
    field = NAMED_BY[kind]
    public = model("Decision").objects.filter(agenda_item__meeting__is_published=True)
    decisions = {record.pk: {} for record in records}
    for route in routes(kind):
        found = (
            public.filter(**{f"{route}__in": ids}).annotate(about=F(route)).select_related("agenda_item__meeting__body")
        )
        for decision in found:
            decisions[decision.about].setdefault(decision.pk, decision)
    minutes = {record.pk: [] for record in records}
    found = model("Minutes").objects.published().filter(**{f"{field}__in": ids}).annotate(about=F(field))
    for record in found.select_related("meeting__body"):
        minutes[record.about].append(record)
    for record in records:
        record.decisions_about_it = sorted(decisions[record.pk].values(), key=decision_order)
        record.minutes_about_it = sorted(minutes[record.pk], key=lambda found: newest_first(found.meeting))


def decision_order(decision):
    """Newest meeting first, then in the order of its agenda and minutes, as `decisions_about` orders them."""
    return (*newest_first(decision.agenda_item.meeting), decision.agenda_item.number, decision.number)


def decisions_of(record):
    """The newest `SHOWN` decisions about a record given them by `load_about()`, as `decisions_about` lists them."""
    return record.decisions_about_it[:SHOWN]


def minutes_of(record):
    """The newest `SHOWN` published minutes naming a record given them by `load_about()`, as `minutes_about` does."""
    return record.minutes_about_it[:SHOWN]


def newest_first(meeting):
    """A meeting's place among others, newest first and undated last, as the queries above order them."""
    return (meeting.date is None, -meeting.date.toordinal() if meeting.date else 0, -meeting.pk)
