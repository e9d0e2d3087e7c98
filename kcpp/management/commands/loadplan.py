"""Load the real Kirklees Communities Partnership Plan from the fixtures built from the source documents.

Safe to run again and again: a record that is already there (found by its natural key) is left as
it is, so nothing an officer has edited since is overwritten. Only missing records are created.
"""

import tomllib
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

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
REASON = "Loaded from the source documents"


def slug_of(name):
    return name.lower().replace(" and ", "-and-").replace(" ", "-")


class Loader:
    """Creates what is missing, counts what it created, and never changes an existing record."""

    def __init__(self):
        self.created = {}
        self.kept = {}

    def get_or_create(self, model, lookup, defaults=None):
        instance = model.objects.filter(**lookup).first()
        if instance is not None:
            self.kept[model._meta.verbose_name_plural] = self.kept.get(model._meta.verbose_name_plural, 0) + 1
            return instance
        instance = model(**lookup, **(defaults or {}))
        try:
            instance.full_clean()
        except ValidationError as error:
            raise CommandError(f"{model.__name__} {lookup}: {error}") from error
        instance._change_reason = REASON
        instance.save()
        name = model._meta.verbose_name_plural
        self.created[name] = self.created.get(name, 0) + 1
        return instance

    # ---- partnership --------------------------------------------------------------------------

    def load_partnership(self, data):
        for order, name in enumerate(data["localities"], start=1):
            self.get_or_create(Locality, {"name": name}, {"slug": slug_of(name), "order": order})
        for partner in data["partners"]:
            self.get_or_create(
                PartnerOrganisation,
                {"name": partner["name"]},
                {"short_name": partner.get("short_name", ""), "sector": partner["sector"]},
            )
        for order, body in enumerate(data["bodies"], start=1):
            parent = Body.objects.get(slug=body["parent"]) if "parent" in body else None
            locality = Locality.objects.get(name=body["locality"]) if "locality" in body else None
            instance = self.get_or_create(
                Body,
                {"slug": body["slug"]},
                {
                    "name": body["name"],
                    "short_name": body.get("short_name", ""),
                    "kind": body["kind"],
                    "parent": parent,
                    "locality": locality,
                    "description": body["description"],
                    "order": order,
                },
            )
            for member in body.get("members", []):
                organisation = PartnerOrganisation.objects.get(name=member["organisation"])
                self.get_or_create(
                    Membership,
                    {"body": instance, "name": member["name"], "role": member["role"]},
                    {"title": member.get("title", ""), "organisation": organisation, "source": member["source"]},
                )

    def load_duties(self, data, edition):
        board = Body.objects.get(slug="communities-board")
        for number, text in enumerate(data["bodies"][0]["duties"], start=1):
            self.get_or_create(StatutoryDuty, {"body": board, "number": number}, {"text": text, "edition": edition})

    # ---- the plan -----------------------------------------------------------------------------

    def load_edition(self, data):
        follows = PlanEdition.objects.get(slug=data["follows"]) if "follows" in data else None
        fields = ("title", "kind", "start_year", "end_year", "status", "vision", "summary", "sia_overview")
        defaults = {field: data[field] for field in fields if field in data}
        defaults.update(
            approved_by=data.get("approved_by", ""),
            approved_on=data.get("approved_on"),
            approval_note=data.get("approval_note", ""),
            follows=follows,
        )
        edition = self.get_or_create(PlanEdition, {"slug": data["slug"]}, defaults)
        for number, text in enumerate(data.get("commitments", []), start=1):
            self.get_or_create(Commitment, {"edition": edition, "number": number}, {"text": text})
        board = Body.objects.get(slug="communities-board")
        for priority_data in data.get("priorities", []):
            self.load_priority(edition, priority_data, board)
        return edition

    def load_priority(self, edition, data, board):
        priority = self.get_or_create(
            Priority,
            {"edition": edition, "number": data["number"]},
            {
                "slug": data["slug"],
                "title": data["title"],
                "short_title": data.get("short_title", ""),
                "introduction": data.get("introduction", ""),
                "sia_summary": data.get("sia_summary", ""),
                "editors_note": data.get("editors_note", ""),
            },
        )
        order = 0
        for theme in data.get("themes", []):
            order += 1
            parent = self.get_or_create(
                Theme, {"priority": priority, "parent": None, "title": theme["title"]}, {"order": order}
            )
            for sub_theme in theme.get("sub_themes", []):
                order += 1
                self.get_or_create(
                    Theme, {"priority": priority, "parent": parent, "title": sub_theme}, {"order": order}
                )
        for number, action in enumerate(data.get("actions", []), start=1):
            # An action is its text, or a table with its text and an editors' note about that text.
            action = {"text": action} if isinstance(action, str) else action
            self.get_or_create(
                Action,
                {"priority": priority, "number": number},
                {"text": action["text"], "editors_note": action.get("editors_note", ""), "lead_body": board},
            )
        for number, measure in enumerate(data.get("measures", []), start=1):
            self.load_measure(priority, number, dict(measure))

    def load_measure(self, priority, number, data):
        code = data.pop("code")
        lead_partner = data.pop("lead_partner", None)
        for field in ("baseline_value", "target_value"):
            if field in data:
                data[field] = Decimal(data[field])
        if lead_partner:
            data["lead_partner"] = PartnerOrganisation.objects.get(name=lead_partner)
        unknown = set(data) - {field.name for field in Measure._meta.get_fields()}
        if unknown:
            raise CommandError(f"Measure {code} has fields the model does not know: {', '.join(sorted(unknown))}")
        self.get_or_create(Measure, {"code": code}, {"priority": priority, "number": number, **data})

    # ---- meetings -----------------------------------------------------------------------------

    def load_meetings(self, data):
        council_page = data["council_page"]
        for meeting_data in data["meetings"]:
            body = Body.objects.get(slug=meeting_data["body"])
            meeting = self.get_or_create(
                Meeting,
                {"body": body, "date": meeting_data["date"]},
                {"date_precision": meeting_data["precision"], "status": Meeting.Status.HELD},
            )
            if "minutes_title" in meeting_data or meeting_data.get("minutes_published"):
                self.get_or_create(Minutes, {"meeting": meeting}, {"status": Minutes.Status.PUBLISHED})
            if "minutes_title" in meeting_data:
                self.get_or_create(
                    Document, {"meeting": meeting, "title": meeting_data["minutes_title"]}, {"url": council_page}
                )
            for person in meeting_data.get("attendance", []):
                self.get_or_create(
                    Attendance,
                    {"meeting": meeting, "name": person["name"]},
                    {
                        "role": person["role"],
                        "organisation": PartnerOrganisation.objects.get(name=person["organisation"]),
                        "status": Attendance.Status.IN_ATTENDANCE,
                    },
                )
            for item_data in meeting_data.get("agenda", []):
                item = self.get_or_create(
                    AgendaItem,
                    {"meeting": meeting, "number": item_data["number"]},
                    {
                        "title": item_data["title"],
                        "description": item_data.get("description", ""),
                        "contacts": item_data.get("contacts", ""),
                        "minute": item_data.get("minute", ""),
                        "plan_edition": PlanEdition.objects.get(slug=item_data["plan_edition"]),
                    },
                )
                for number, decision in enumerate(item_data.get("decisions", []), start=1):
                    self.get_or_create(
                        Decision,
                        {"agenda_item": item, "number": number},
                        {"kind": decision["kind"], "text": decision["text"]},
                    )

    def load_key_decisions(self, data):
        for decision in data["key_decisions"]:
            decision = dict(decision)
            decision["decision_maker"] = Body.objects.get(slug=decision["decision_maker"])
            decision["plan_edition"] = PlanEdition.objects.get(slug=decision["plan_edition"])
            lookup = {"title": decision.pop("title"), "due_date": decision.pop("due_date")}
            self.get_or_create(KeyDecision, lookup, decision)

    # ---- illustrative values ------------------------------------------------------------------

    def load_illustrative(self, data):
        for row in data["values"]:
            measure = Measure.objects.get(code=row["measure"])
            locality = Locality.objects.get(name=row["locality"]) if "locality" in row else None
            start, end = row["period_start"], row["period_end"]
            self.get_or_create(
                ReportedValue,
                {"measure": measure, "period_start": start, "period_end": end, "locality": locality},
                {
                    "value": Decimal(row["value"]),
                    "status": ReportedValue.Status.FINAL,
                    "is_illustrative": True,
                    "note": data["note"],
                },
            )


def read(name):
    with open(FIXTURES / name, "rb") as file:
        return tomllib.load(file)


class Command(BaseCommand):
    help = "Load the real Kirklees Communities Partnership Plan (creates what is missing; never overwrites)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--illustrative",
            action="store_true",
            help="Also load the sample reported values, each flagged as illustrative, for demonstrations.",
        )

    def handle(self, *args, **options):
        loader = Loader()
        with transaction.atomic():
            partnership = read("partnership.toml")
            loader.load_partnership(partnership)
            for edition in read("plan-2018-2021.toml")["editions"]:
                loader.load_edition(edition)
            plan = read("plan-2022-2027.toml")
            current = loader.load_edition({**plan["edition"], "priorities": plan["priorities"]})
            loader.load_duties(partnership, current)
            loader.load_meetings(partnership)
            loader.load_key_decisions(partnership)
            if options["illustrative"]:
                loader.load_illustrative(read("illustrative-values.toml"))
        if options["verbosity"] == 0:
            return
        if loader.created:
            made = ", ".join(f"{count} {name}" for name, count in sorted(loader.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Loaded the plan: created {made}."))
        else:
            self.stdout.write(self.style.SUCCESS("The plan is already loaded: nothing to add."))
        if loader.kept:
            self.stdout.write(f"Left {sum(loader.kept.values())} existing records as they are.")
