"""Make a throwaway benchmark database hold about N times the real plan: `manage.py scaleplan --factor N --scratch`.

The scaling rule, the same for every benchmark: within every edition, each priority gets N-1 copies of
each of its themes, actions and measures (each measure with its reported values), and the Board's
records (meetings with their agenda items, decisions, attendance, minutes and papers) get N-1 copies,
copy k dated k-1 months before the meeting it copies (years, for a meeting known only by its year).
Editions, priorities, bodies, partners and localities are not copied.

Nothing it adds can be taken for the plan: every copy's source says it is illustrative scaled data,
its title or text ends "(illustrative copy k)", and every copied reported value is flagged
illustrative. Copies carry keys under `scaleplan/` rather than none, so that their pages name that
source rather than an officer; `loadplan` never matches them to the fixtures (it lists them as records
it does not load). They are written with `bulk_create`, without change history (no page reads it), so
that a hundred times the plan takes seconds. Running it again adds only the copies still missing.
"""

import calendar
import re
import uuid
from collections import Counter, defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max

from core.cache import content_changed
from core.dates import DatePrecision
from governance.models import AgendaItem, Attendance, Decision, Document, Meeting, Minutes
from measures.models import Measure, ReportedValue
from priorities.models import Action, Priority, ProgressUpdate, Theme

SOURCE = "Illustrative scaled data (scaleplan), not from the plan"
PREFIX = "scaleplan/"
BATCH = 1000
MAX_FACTOR = 1000


def copy_key(number, original):
    """The copy's key: the original's key (or its model and id, for an officer's record) under scaleplan/copy-k/."""
    return f"{PREFIX}copy-{number}/{original.fixture_key or f'{original._meta.label_lower}:{original.pk}'}"


def flagged(text, number, max_length=None):
    """`text` marked as copy `number`, cut to fit `max_length`."""
    suffix = f" (illustrative copy {number})"
    if max_length is not None:
        text = text[: max_length - len(suffix)]
    return f"{text}{suffix}"


def months_earlier(day, months):
    """The same day `months` months earlier (the month's last day where it is shorter); None stays None."""
    if day is None:
        return None
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def duplicate(original, /, **changes):
    """An unsaved copy of `original` with every column as it is, except `changes` (by attribute name)."""
    model = type(original)
    columns = {field.attname: getattr(original, field.attname) for field in model._meta.concrete_fields}
    columns.pop(model._meta.pk.attname)
    return model(**{**columns, **changes})


def originals(model):
    """The records of `model` that are not themselves copies."""
    return model.objects.exclude(fixture_key__startswith=PREFIX).order_by("pk")


class Scaler:
    """Adds copies `numbers` (2 to N) of the plan's records, counting what it added."""

    def __init__(self, numbers):
        self.numbers = list(numbers)
        self.added = Counter()

    def create(self, objects):
        objects = list(objects)
        if objects:
            type(objects[0]).objects.bulk_create(objects, batch_size=BATCH)
            self.added[objects[0]._meta.verbose_name_plural] += len(objects)

    @staticmethod
    def copies_of(model):
        """Each copy's id by its key."""
        return dict(model.objects.filter(fixture_key__startswith=PREFIX).values_list("fixture_key", "pk"))

    @staticmethod
    def sourced(number, original, /, **changes):
        return duplicate(original, fixture_key=copy_key(number, original), source=SOURCE, **changes)

    def scale(self):
        self.scale_priorities()
        self.scale_meetings()
        return self.added

    # ---- the plan: each priority's themes, actions and measures ----------------------------------

    def scale_priorities(self):
        # Copy k of a record numbered n in a priority whose highest number is M is numbered (k-1)M + n,
        # so copies follow the plan's own records in the plan's order and never clash with them.
        def highest(model, field):
            found = originals(model).values("priority").annotate(top=Max(field))
            return defaultdict(int, {row["priority"]: row["top"] or 0 for row in found})

        themes = list(originals(Theme))
        themes_by_id = {theme.pk: theme for theme in themes}
        orders = highest(Theme, "order")
        for parents in (True, False):  # themes first, then their sub-themes, which need their copy's id
            copied = self.copies_of(Theme)
            self.create(
                self.sourced(
                    number,
                    theme,
                    title=flagged(theme.title, number, 200),
                    order=(number - 1) * orders[theme.priority_id] + theme.order,
                    parent_id=None
                    if theme.parent_id is None
                    else copied[copy_key(number, themes_by_id[theme.parent_id])],
                )
                for number in self.numbers
                for theme in themes
                if (theme.parent_id is None) == parents
            )

        actions = list(originals(Action))
        numbers = highest(Action, "number")
        self.create(
            self.sourced(
                number,
                action,
                text=flagged(action.text, number),
                number=(number - 1) * numbers[action.priority_id] + action.number,
            )
            for number in self.numbers
            for action in actions
        )
        copied = self.copies_of(Action)
        by_id = {action.pk: action for action in actions}
        leads = Action.lead_partners.through
        rows = list(leads.objects.filter(action__in=actions))
        self.create(
            leads(
                action_id=copied[copy_key(number, by_id[row.action_id])],
                partnerorganisation_id=row.partnerorganisation_id,
            )
            for number in self.numbers
            for row in rows
        )
        updates = list(ProgressUpdate.objects.filter(action__in=actions))
        self.create(
            duplicate(
                update,
                action_id=copied[copy_key(number, by_id[update.action_id])],
                commentary=flagged(update.commentary, number),
                reported_by=SOURCE,
            )
            for number in self.numbers
            for update in updates
        )

        measures = list(originals(Measure))
        numbers = highest(Measure, "number")
        self.create(
            self.sourced(
                number,
                measure,
                code=self.code(measure, number),
                title=flagged(measure.title, number, 200),
                number=(number - 1) * numbers[measure.priority_id] + measure.number,
                # A series of its own, shared with copy k of the measures its original shares one with.
                series=uuid.uuid5(measure.series, f"copy-{number}"),
            )
            for number in self.numbers
            for measure in measures
        )
        copied = self.copies_of(Measure)
        by_id = {measure.pk: measure for measure in measures}
        values = list(ReportedValue.objects.filter(measure__in=measures))
        self.create(
            duplicate(
                value,
                measure_id=copied[copy_key(number, by_id[value.measure_id])],
                series=uuid.uuid5(value.series, f"copy-{number}"),  # its measure's (see above)
                is_illustrative=True,
                note=SOURCE + ".",
            )
            for number in self.numbers
            for value in values
        )

    @staticmethod
    def code(measure, number):
        suffix = f"-copy-{number}"
        limit = Measure._meta.get_field("code").max_length
        code = f"{measure.code}{suffix}"
        return code if len(code) <= limit else f"M{measure.pk}{suffix}"

    # ---- governance: meetings with their agenda, decisions, attendance, minutes and papers -------------

    def scale_meetings(self):
        meetings = list(originals(Meeting))

        def earlier(meeting, number):
            if meeting.date is not None and meeting.date_precision == DatePrecision.YEAR:
                return meeting.date.replace(year=meeting.date.year - (number - 1))
            return months_earlier(meeting.date, number - 1)

        self.create(
            self.sourced(
                number,
                meeting,
                date=earlier(meeting, number),
                location=flagged(meeting.location or "Not a real meeting", number, 300),
            )
            for number in self.numbers
            for meeting in meetings
        )
        copied_meetings = self.copies_of(Meeting)
        by_id = {meeting.pk: meeting for meeting in meetings}

        def meeting_of(record, number):
            return copied_meetings[copy_key(number, by_id[record.meeting_id])]

        items = list(AgendaItem.objects.filter(meeting__in=meetings))
        self.create(
            self.sourced(number, item, meeting_id=meeting_of(item, number), title=flagged(item.title, number, 300))
            for number in self.numbers
            for item in items
        )
        copied_items = self.copies_of(AgendaItem)
        items_by_id = {item.pk: item for item in items}

        def item_of(record, number):
            if record.agenda_item_id is None:
                return None
            return copied_items[copy_key(number, items_by_id[record.agenda_item_id])]

        decisions = list(Decision.objects.filter(agenda_item__in=items))
        self.create(
            self.sourced(
                number, decision, agenda_item_id=item_of(decision, number), text=flagged(decision.text, number)
            )
            for number in self.numbers
            for decision in decisions
        )
        attendance = list(Attendance.objects.filter(meeting__in=meetings))
        self.create(
            self.sourced(number, person, meeting_id=meeting_of(person, number), name=flagged(person.name, number, 200))
            for number in self.numbers
            for person in attendance
        )
        minutes = list(Minutes.objects.filter(meeting__in=meetings))
        self.create(
            self.sourced(
                number,
                record,
                meeting_id=meeting_of(record, number),
                text=flagged(record.text, number) if record.text else "",
                published_on=months_earlier(record.published_on, number - 1),
            )
            for number in self.numbers
            for record in minutes
        )
        documents = list(Document.objects.filter(meeting__in=meetings))
        self.create(
            self.sourced(
                number,
                document,
                meeting_id=meeting_of(document, number),
                agenda_item_id=item_of(document, number),
                title=flagged(document.title, number, 300),
            )
            for number in self.numbers
            for document in documents
        )


def factor_present():
    """How many times the plan the database already holds: 1 plus the highest copy it has."""
    pattern = re.compile(rf"^{PREFIX}copy-(\d+)/")
    highest = 1
    for model in (Theme, Action, Measure, Meeting):
        for key in model.objects.filter(fixture_key__startswith=PREFIX).values_list("fixture_key", flat=True):
            highest = max(highest, int(pattern.match(key).group(1)))
    return highest


class Command(BaseCommand):
    help = (
        "Only for a throwaway benchmark database: add illustrative copies of the loaded plan's themes, actions, "
        "measures (with their values) and meetings, so the database holds about FACTOR times the plan."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=int,
            required=True,
            help=f"How many times the plan the database should hold, 1 to {MAX_FACTOR}.",
        )
        parser.add_argument(
            "--scratch",
            action="store_true",
            help="Say that this database is a throwaway benchmark database: required, as the copies are meant "
            "for nowhere else.",
        )

    def handle(self, *args, factor, scratch, **options):
        name = connection.settings_dict["NAME"]
        if not scratch:
            raise CommandError(
                f"scaleplan fills a database with illustrative copies of the plan, for benchmarks only. Nothing "
                f"was changed. If the database {name} is a throwaway benchmark database, say so with --scratch."
            )
        if not 1 <= factor <= MAX_FACTOR:
            raise CommandError(f"--factor must be from 1 to {MAX_FACTOR}; nothing was changed.")
        if not Priority.objects.exclude(fixture_key=None).exists():
            raise CommandError(
                f"The plan is not loaded in {name}: run `manage.py loadplan --illustrative` first. Nothing was changed."
            )
        with transaction.atomic():
            present = factor_present()
            added = Scaler(range(present + 1, factor + 1)).scale()
            if added:
                content_changed()  # bulk_create sends no signal: tell the page cache itself
        if added and connection.vendor == "postgresql":
            # Fresh statistics for the planner, as autovacuum would gather after a bulk load; without them it
            # plans for the tables' old sizes (and a server with autovacuum off never gathers them).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if options["verbosity"] == 0:
            return
        if not added:
            self.stdout.write(f"{name} already holds {present} times the plan: nothing to add.")
            return
        counted = ", ".join(f"{count} {plural}" for plural, count in sorted(added.items()))
        self.stdout.write(
            self.style.SUCCESS(f"{name} now holds {factor} times the plan, flagged illustrative: added {counted}.")
        )
