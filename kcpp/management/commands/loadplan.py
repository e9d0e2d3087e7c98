"""Load the real Kirklees Communities Partnership Plan from the fixtures built from the source documents.

Safe to run again and again, and the way a correction to the fixtures reaches a running portal:

- Each record has a stable key in the fixtures (`fixture_key`), so it is found again however an
  officer has renamed it since. A record loaded before keys existed is found once by what used to
  identify it (its name, slug or code) and then keeps its key.
- A field that differs from the fixtures is corrected, unless an officer changed that field: the
  record's history says who changed what. An officer's change is never overwritten.
- A record the fixtures now retire (`fixtures/sources.toml`) is removed only if it is still as loaded
  and nothing else refers to it; otherwise it is left and reported.
"""

import tomllib
from collections import Counter
from contextlib import suppress
from copy import copy
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector

from core.models import Sourced
from governance.models import (
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Document,
    KeyDecision,
    Meeting,
    Membership,
    Minutes,
    StatutoryDuty,
)
from measures.models import Measure, ReportedValue
from priorities.models import (
    Action,
    Commitment,
    Locality,
    PartnerOrganisation,
    PlanEdition,
    Priority,
    Theme,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
LOADED = "Loaded from the source documents"
CORRECTED = "Corrected from the source documents"
RETIRED = "Removed: not in the source documents"
LOADER_REASONS = {LOADED, CORRECTED, RETIRED}
EVERY_FIELD = frozenset({"*"})

# What the fixtures set on a measure. A field left out of a fixture entry is loaded empty (its
# default), so removing an unsupported value from the fixtures removes it from the portal too.
# (A baseline period's last day is set only where a fixture gives it; otherwise the model works it
# out from the period's label when it saves.)
MEASURE_FIELDS = (
    "title",
    "plan_wording",
    "definition",
    "unit",
    "unit_label",
    "decimal_places",
    "direction",
    "baseline_value",
    "baseline_period",
    "data_source",
    "reporting_frequency",
    "reported_by_locality",
    "kind",
    "target_kind",
    "target_value",
    "target_set_by",
    "tolerance",
)


# Fields only the loader writes: never an officer's, so always kept as the fixtures say.
LOADER_FIELDS = {"fixture_key", "source"}


def officer_changed_fields(instance):
    """The fields someone other than this loader has changed, as the record's history tells.

    Only a record whose whole history is there, from the loader creating it, can say: one with no
    history, one the loader did not create, or one whose early history was pruned, counts as wholly an
    officer's. So does one the admin says an officer changed when the history shows no such change.
    """
    history = getattr(instance, "history", None)
    if history is None:
        return EVERY_FIELD
    records = list(history.order_by("history_date", "history_id"))
    if not records or (records[0].history_type, records[0].history_change_reason) != ("+", LOADED):
        return EVERY_FIELD
    changed = set()
    for previous, record in pairwise(records):
        if record.history_change_reason not in LOADER_REASONS:
            delta = record.diff_against(previous)
            changed.update(change.field for change in delta.changes if plain(change.old) != plain(change.new))
    if getattr(instance, "officer_changed_at", None) and not changed:
        return EVERY_FIELD
    return changed


def plain(value):
    """A value to compare: text with its line breaks as \n, however a browser sent them."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def stored(field, value):
    """`value` as the field stores it, to compare with what is in the database."""
    if field.is_relation:
        return value.pk if value is not None else None
    return plain(field.to_python(value))


class Skip(Exception):
    """A record the loader leaves out this run, and the records that hang on it (it says why)."""


class Loader:
    """Creates what is missing and corrects what is still as loaded; counts both, and what it left."""

    def __init__(self, fixtures=FIXTURES):
        self.fixtures = Path(fixtures)
        self.documents = self.read("sources.toml")["documents"]
        self.created = Counter()
        self.corrected = Counter()
        self.removed = Counter()
        self.unchanged = 0
        self.officers_changes = []
        self.not_removed = []
        self.left_out = []
        self.problems = []
        self.seen = set()

    def read(self, name):
        with open(self.fixtures / name, "rb") as file:
            return tomllib.load(file)

    def source(self, text, **names):
        """A fixture's source, with the documents' names filled in."""
        try:
            return text.format(**self.documents, **names)
        except KeyError as error:
            raise CommandError(f"The source “{text}” names an unknown document: {error}") from error

    # ---- finding, creating and correcting ---------------------------------------------------------

    def sync(self, model, key, source, fields, legacy=None):
        """The record the fixtures call `key`, created if missing and corrected where still as loaded.

        `legacy` finds a record loaded before records had keys. A record an officer deleted is not
        brought back: it, and what hangs on it, is left out (`Skip`) and reported.
        """
        self.seen.add((model, key))
        instance = model.objects.filter(fixture_key=key).first()
        if instance is None and legacy is not None:
            instance = model.objects.filter(fixture_key=None, **legacy).first()
        if instance is None:
            if model.history.filter(fixture_key=key, history_type="-").exclude(history_change_reason=RETIRED).exists():
                self.left_out.append(f"{model._meta.verbose_name} {key}: an officer deleted it")
                raise Skip(key)
            instance = model(fixture_key=key, source=source, **fields)
            self.save(instance, LOADED, key)
            self.created[model._meta.verbose_name_plural] += 1
            return instance
        officers = officer_changed_fields(instance)
        candidate = copy(instance)
        for name, value in {**fields, "source": source, "fixture_key": key}.items():
            field = model._meta.get_field(name)
            if plain(getattr(instance, field.attname)) == stored(field, value):
                continue
            if name not in LOADER_FIELDS and (officers is EVERY_FIELD or name in officers):
                self.officers_changes.append(f"{model._meta.verbose_name} “{instance}”: {field.verbose_name}")
                continue
            setattr(candidate, name, value)
        # Compare once cleaned, so that what the model derives (a period's end from its label) is not a change.
        # A correction that cannot stand (it clashes with an officer's record) is reported, not forced.
        try:
            self.clean(candidate, key)
        except CommandError as error:
            self.problems.append(str(error))
            return instance
        if any(getattr(candidate, f.attname) != getattr(instance, f.attname) for f in model._meta.concrete_fields):
            self.save(candidate, CORRECTED, key)
            self.corrected[model._meta.verbose_name_plural] += 1
            return candidate
        self.unchanged += 1
        return instance

    def clean(self, instance, key):
        try:
            instance.full_clean()
        except ValidationError as error:
            raise CommandError(f"{type(instance).__name__} {key}: {'; '.join(error.messages)}") from error

    def save(self, instance, reason, key):
        self.clean(instance, key)
        instance._change_reason = reason
        instance.save()

    def retire(self, entry):
        model = apps.get_model(entry["model"])
        for instance in model.objects.filter(**entry["lookup"]):
            key = getattr(instance, "fixture_key", None)
            if key is not None and (model, key) in self.seen:
                continue  # the fixtures load it (again): not retired
            self.seen.add((model, key))  # retired, or left for an officer: not "no longer loaded" as well
            name = f"{model._meta.verbose_name} “{instance}”"
            changed = officer_changed_fields(instance)
            if changed is EVERY_FIELD and self.still_as_loaded(instance, entry.get("as_loaded")):
                changed = set()
            if changed:
                whose = (
                    "its history does not show it as loaded" if changed is EVERY_FIELD else "an officer has changed it"
                )
                self.not_removed.append(f"{name}: {whose} ({entry['why']})")
                continue
            collector = Collector(using=router.db_for_write(model))
            try:
                collector.collect([instance])
            except (ProtectedError, RestrictedError):
                self.not_removed.append(f"{name}: other records refer to it ({entry['why']})")
                continue
            others = [related for related in collector.data if related is not model]
            if others or any(queryset.exists() for queryset in collector.fast_deletes):
                self.not_removed.append(f"{name}: other records refer to it ({entry['why']})")
                continue
            instance._change_reason = RETIRED
            instance.delete()
            self.removed[model._meta.verbose_name_plural] += 1

    @staticmethod
    def still_as_loaded(instance, as_loaded):
        """Whether a record kept no history yet, and still has every value an earlier loader gave it.

        For records of a model that had no history then (localities): with nothing to say an officer
        changed them, their values show they are as loaded.
        """
        if not as_loaded or instance.history.exists():
            return False
        return all(getattr(instance, field) == value for field, value in as_loaded.items())

    # ---- partnership --------------------------------------------------------------------------
    # Every entry in the fixtures has a `key` that never changes, whatever else is corrected; a
    # record's fixture_key is its parent's and its own (edition:2022-2027/priority:1/action:3).
    # References between entries (a body's parent, a meeting's body) are by key.

    def load_partnership(self, data):
        for order, locality in enumerate(data.get("localities", []), start=1):
            with suppress(Skip):
                self.sync(
                    Locality,
                    f"locality:{locality['key']}",
                    self.source(locality["source"]),
                    {"name": locality["name"], "slug": locality["slug"], "order": order},
                    legacy={"name": locality.get("was", locality["name"])},
                )
        for partner in data["partners"]:
            with suppress(Skip):
                self.sync(
                    PartnerOrganisation,
                    f"partner:{partner['key']}",
                    self.source(partner["source"]),
                    {
                        "name": partner["name"],
                        "short_name": partner.get("short_name", ""),
                        "sector": partner.get("sector", ""),
                    },
                    legacy={"name": partner.get("was", partner["name"])},
                )
        for order, body in enumerate(data["bodies"], start=1):
            with suppress(Skip):
                instance = self.sync(
                    Body,
                    f"body:{body['key']}",
                    self.source(body["source"]),
                    {
                        "name": body["name"],
                        "slug": body["slug"],
                        "short_name": body.get("short_name", ""),
                        "kind": body["kind"],
                        "parent": self.find(Body, f"body:{body['parent']}") if "parent" in body else None,
                        "locality": self.find(Locality, f"locality:{body['locality']}") if "locality" in body else None,
                        "description": body["description"],
                        "order": order,
                    },
                    legacy={"slug": body["slug"]},
                )
                for member in body.get("members", []):
                    with suppress(Skip):
                        self.load_membership(instance, member)

    def load_membership(self, body, member):
        organisation = member.get("organisation")
        self.sync(
            Membership,
            f"membership:{member['key']}",
            self.source(member["source"]),
            {
                "body": body,
                "name": member["name"],
                "role": member["role"],
                "title": member.get("title", ""),
                "organisation": self.find(PartnerOrganisation, f"partner:{organisation}") if organisation else None,
                "recorded_on": member.get("recorded_on"),
                "recorded_on_precision": member.get("recorded_on_precision", "day"),
            },
            legacy={"body": body, "name": member.get("was", member["name"])},
        )

    def load_duties(self, data, edition):
        duties = data["duties"]
        with suppress(Skip):
            board = self.find(Body, f"body:{duties['body']}")
            for number, duty in enumerate(duties["items"], start=1):
                with suppress(Skip):
                    self.sync(
                        StatutoryDuty,
                        f"{board.fixture_key}/{duty['key']}",
                        self.source(duties["source"]),
                        {"body": board, "number": number, "text": duty["text"], "edition": edition},
                        legacy={"body": board, "number": number},
                    )

    def find(self, model, key):
        try:
            return model.objects.get(fixture_key=key)
        except model.DoesNotExist as error:
            if (model, key) in self.seen:
                raise Skip(key) from error  # left out: an officer deleted it
            raise CommandError(f"The fixtures refer to {key}, which they do not load.") from error

    # ---- the plan -----------------------------------------------------------------------------

    def load_edition(self, data):
        key = f"edition:{data['key']}"
        sources = data["sources"]
        fields = {
            "title": data["title"],
            "slug": data["slug"],
            "kind": data["kind"],
            "start_year": data["start_year"],
            "end_year": data["end_year"],
            "status": data["status"],
            "vision": data.get("vision", ""),
            "summary": data.get("summary", ""),
            "sia_overview": data.get("sia_overview", ""),
            "approval": data.get("approval", ""),
            "approval_body": data.get("approval_body", ""),
            "approval_date": data.get("approval_date"),
            "approval_note": data.get("approval_note", ""),
            "follows": self.find(PlanEdition, f"edition:{data['follows']}") if "follows" in data else None,
        }
        edition = self.sync(PlanEdition, key, self.source(sources["edition"]), fields, legacy={"slug": data["slug"]})
        for number, commitment in enumerate(data.get("commitments", []), start=1):
            with suppress(Skip):
                self.sync(
                    Commitment,
                    f"{key}/{commitment['key']}",
                    self.source(sources["commitments"]),
                    {"edition": edition, "number": number, "text": commitment["text"]},
                    legacy={"edition": edition, "number": number},
                )
        for priority_data in data.get("priorities", []):
            with suppress(Skip):
                self.load_priority(edition, key, sources, priority_data)
        return edition

    def load_priority(self, edition, edition_key, sources, data):
        number = data["number"]
        key = f"{edition_key}/{data['key']}"

        def source(part):
            return self.source(sources[part], number=number, title=data["title"])

        priority = self.sync(
            Priority,
            key,
            source("priority"),
            {
                "edition": edition,
                "number": number,
                "slug": data["slug"],
                "title": data["title"],
                "short_title": data.get("short_title", ""),
                "introduction": data.get("introduction", ""),
                "sia_summary": data.get("sia_summary", ""),
                "editors_note": data.get("editors_note", ""),
            },
            legacy={"edition": edition, "number": number},
        )
        order = 0
        for theme in data.get("themes", []):
            order += 1
            with suppress(Skip):
                parent = self.sync(
                    Theme,
                    f"{key}/{theme['key']}",
                    source("themes"),
                    {"priority": priority, "parent": None, "title": theme["title"], "order": order},
                    legacy={"priority": priority, "parent": None, "title": theme["title"]},
                )
                for sub_theme in theme.get("sub_themes", []):
                    order += 1
                    with suppress(Skip):
                        self.sync(
                            Theme,
                            f"{key}/{sub_theme['key']}",
                            source("themes"),
                            {"priority": priority, "parent": parent, "title": sub_theme["title"], "order": order},
                            legacy={"priority": priority, "parent": parent, "title": sub_theme["title"]},
                        )
        # The actions' lead: "The Kirklees Communities Board will:" heads each priority's actions.
        board = self.find(Body, "body:communities-board")
        for action_number, action in enumerate(data.get("actions", []), start=1):
            with suppress(Skip):
                self.sync(
                    Action,
                    f"{key}/{action['key']}",
                    source("actions"),
                    {
                        "priority": priority,
                        "number": action_number,
                        "text": action["text"],
                        "editors_note": action.get("editors_note", ""),
                        "lead_body": board,
                    },
                    legacy={"priority": priority, "number": action_number},
                )
        for measure_number, measure in enumerate(data.get("measures", []), start=1):
            with suppress(Skip):
                self.load_measure(priority, measure_number, source("measures"), measure)

    def load_measure(self, priority, number, source, data):
        known = {"key", "code", "lead_partner", "baseline_period_end", *MEASURE_FIELDS}
        if unknown := set(data) - known:
            raise CommandError(
                f"Measure {data['key']} has fields the loader does not know: {', '.join(sorted(unknown))}"
            )
        fields = {"priority": priority, "number": number, "code": data["code"]}
        for name in MEASURE_FIELDS:
            field = Measure._meta.get_field(name)
            value = data.get(name, field.get_default())
            fields[name] = Decimal(value) if isinstance(field, models.DecimalField) and value is not None else value
        if "baseline_period_end" in data:
            fields["baseline_period_end"] = data["baseline_period_end"]
        lead = data.get("lead_partner")
        fields["lead_partner"] = self.find(PartnerOrganisation, f"partner:{lead}") if lead else None
        self.sync(Measure, f"measure:{data['key']}", source, fields, legacy={"code": data["code"]})

    # ---- meetings -----------------------------------------------------------------------------

    def load_meetings(self, data):
        for meeting_data in data["meetings"]:
            with suppress(Skip):
                self.load_meeting(meeting_data, data["council_page"])

    def load_meeting(self, meeting_data, council_page):
        key = f"meeting:{meeting_data['key']}"
        source = self.source(meeting_data["source"])
        body = self.find(Body, f"body:{meeting_data['body']}")
        meeting = self.sync(
            Meeting,
            key,
            source,
            {
                "body": body,
                "date": meeting_data.get("date"),
                "date_precision": meeting_data.get("precision", Meeting.DatePrecision.DAY),
                "status": meeting_data.get("status", ""),
            },
            legacy={"body": body, "date": meeting_data.get("date", meeting_data.get("was_dated"))},
        )
        if "minutes_title" in meeting_data or meeting_data.get("minutes_published"):
            with suppress(Skip):
                self.sync(
                    Minutes,
                    f"{key}/minutes",
                    source,
                    {"meeting": meeting, "status": Minutes.Status.PUBLISHED},
                    legacy={"meeting": meeting},
                )
        if "minutes_title" in meeting_data:
            with suppress(Skip):
                self.sync(
                    Document,
                    f"{key}/minutes-document",
                    source,
                    {"meeting": meeting, "title": meeting_data["minutes_title"], "url": council_page},
                    legacy={"meeting": meeting, "title": meeting_data["minutes_title"]},
                )
        for person in meeting_data.get("attendance", []):
            organisation = person.get("organisation")
            with suppress(Skip):
                self.sync(
                    Attendance,
                    f"{key}/{person['key']}",
                    source,
                    {
                        "meeting": meeting,
                        "name": person["name"],
                        "role": person.get("role", ""),
                        "organisation": self.find(PartnerOrganisation, f"partner:{organisation}")
                        if organisation
                        else None,
                        "status": Attendance.Status.IN_ATTENDANCE,
                    },
                    legacy={"meeting": meeting, "name": person["name"]},
                )
        for item_data in meeting_data.get("agenda", []):
            with suppress(Skip):
                item_key = f"{key}/{item_data['key']}"
                item = self.sync(
                    AgendaItem,
                    item_key,
                    source,
                    {
                        "meeting": meeting,
                        "number": item_data["number"],
                        "agenda_number": item_data.get("agenda_number", ""),
                        "title": item_data["title"],
                        "description": item_data.get("description", ""),
                        "contacts": item_data.get("contacts", ""),
                        "minute": item_data.get("minute", ""),
                        "plan_edition": self.find(PlanEdition, f"edition:{item_data['plan_edition']}"),
                    },
                    legacy={"meeting": meeting, "number": item_data["number"]},
                )
                for number, decision in enumerate(item_data.get("decisions", []), start=1):
                    with suppress(Skip):
                        self.sync(
                            Decision,
                            f"{item_key}/{decision['key']}",
                            source,
                            {"agenda_item": item, "number": number, "kind": decision["kind"], "text": decision["text"]},
                            legacy={"agenda_item": item, "number": number},
                        )

    def load_key_decisions(self, data):
        for decision in data["key_decisions"]:
            decision = dict(decision)
            key = f"key-decision:{decision.pop('key')}"
            source = self.source(decision.pop("source"))
            with suppress(Skip):
                decision["decision_maker"] = self.find(Body, f"body:{decision['decision_maker']}")
                decision["plan_edition"] = self.find(PlanEdition, f"edition:{decision['plan_edition']}")
                legacy = {"title": decision["title"], "due_date": decision["due_date"]}
                self.sync(KeyDecision, key, source, decision, legacy=legacy)

    # ---- illustrative values ------------------------------------------------------------------

    def load_illustrative(self, data):
        """Sample values, flagged as illustrative: created if missing, never corrected or counted as sources."""
        for row in data["values"]:
            measure = self.find(Measure, f"measure:{row['measure']}")
            locality = self.find(Locality, f"locality:{row['locality']}") if "locality" in row else None
            lookup = {"measure": measure, "period_start": row["period_start"], "period_end": row["period_end"]}
            if ReportedValue.objects.filter(**lookup, locality=locality).exists():
                continue
            value = ReportedValue(
                **lookup,
                locality=locality,
                value=Decimal(row["value"]),
                status=ReportedValue.Status.FINAL,
                is_illustrative=True,
                note=data["note"],
            )
            self.save(value, LOADED, f"illustrative value {row}")
            self.created[ReportedValue._meta.verbose_name_plural] += 1

    # ---- everything ---------------------------------------------------------------------------

    def load(self, *, illustrative=False):
        partnership = self.read("partnership.toml")
        self.load_partnership(partnership)
        for edition in self.read("plan-2018-2021.toml")["editions"]:
            with suppress(Skip):
                self.load_edition(edition)
        plan = self.read("plan-2022-2027.toml")
        current = None
        with suppress(Skip):
            current = self.load_edition({**plan["edition"], "priorities": plan["priorities"]})
        self.load_duties(partnership, current)
        self.load_meetings(partnership)
        self.load_key_decisions(partnership)
        if illustrative:
            self.load_illustrative(self.read("illustrative-values.toml"))
        # Retired last, so that what the fixtures still load is never retired, and so that records the
        # fixtures no longer load, and do not retire, are reported.
        for entry in self.read("sources.toml").get("retired", []):
            self.retire(entry)
        self.report_no_longer_loaded()

    def report_no_longer_loaded(self):
        for model in apps.get_models():
            if not issubclass(model, Sourced):
                continue
            for instance in model.objects.exclude(fixture_key=None):
                if (model, instance.fixture_key) not in self.seen:
                    self.not_removed.append(
                        f"{model._meta.verbose_name} “{instance}” ({instance.fixture_key}): the fixtures no longer "
                        "load it; list it under [[retired]] in fixtures/sources.toml to remove it"
                    )


def counted(counter):
    return ", ".join(f"{count} {name}" for name, count in sorted(counter.items()))


class Command(BaseCommand):
    help = (
        "Load the real Kirklees Communities Partnership Plan: creates what is missing and corrects what is "
        "still as loaded; never overwrites an officer's change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--illustrative",
            action="store_true",
            help="Also load the sample reported values, each flagged as illustrative, for demonstrations.",
        )
        parser.add_argument(
            "--fixtures",
            default=FIXTURES,
            type=Path,
            help="The directory of fixtures to load (default: the project's fixtures/).",
        )

    def handle(self, *args, **options):
        loader = Loader(options["fixtures"])
        with transaction.atomic():
            loader.load(illustrative=options["illustrative"])
        if options["verbosity"] == 0:
            return
        done = [
            f"created {counted(loader.created)}" if loader.created else "",
            f"corrected {counted(loader.corrected)}" if loader.corrected else "",
            f"removed {counted(loader.removed)}" if loader.removed else "",
        ]
        done = "; ".join(part for part in done if part)
        if done:
            self.stdout.write(self.style.SUCCESS(f"Loaded the plan: {done}."))
        else:
            self.stdout.write(self.style.SUCCESS("The plan is already loaded and up to date: nothing to change."))
        if loader.unchanged:
            self.stdout.write(f"{loader.unchanged} records were already as the fixtures have them.")
        if loader.officers_changes:
            kept = len(loader.officers_changes)
            if options["verbosity"] > 1:
                self.stdout.write(f"Kept {kept} officers' changes that differ from the fixtures:")
                self.stdout.write("  " + "\n  ".join(loader.officers_changes))
            else:
                self.stdout.write(f"Kept {kept} officers' changes that differ from the fixtures (-v 2 lists them).")
        for heading, lines in [
            ("Left out, as an officer deleted them", loader.left_out),
            ("Not corrected, because the correction cannot stand with an officer's records", loader.problems),
        ]:
            if lines:
                self.stdout.write(self.style.WARNING(f"{heading}:") + "\n  " + "\n  ".join(lines))
        if loader.not_removed:
            self.stdout.write(
                self.style.WARNING("Left these, which the fixtures retire, for an officer to decide:\n  ")
                + "\n  ".join(loader.not_removed)
            )
