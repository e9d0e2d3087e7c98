"""What changed between two editions of the plan: priorities, themes, actions, measures and commitments added,
removed and changed, with the changed wording shown word by word.

Items carried over are matched by identity, never by position: a record copied into a new edition
points at the one it was copied from (`carried_from`); an edition loaded from the source documents has
no such link, so its items are matched by their words (a priority by its title, an action by its text,
a measure by its title), compared without regard to case, spacing or punctuation. An item matched
by its words whose text differs only in case or punctuation is shown as changed, word by word.

Each kind of record is read in one query for both editions, so the page costs the same number of
queries however large the plan.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.http import Http404
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from measures.models import Measure
from priorities.models import Action, Commitment, PlanEdition, Priority, Theme

WORDS = re.compile(r"\s+|[^\s]+")
# Below this share of words in common, a text counts as rewritten rather than edited.
REWRITTEN = 0.5
# Items whose names share at least this share of words are the same item renamed (see `fuzzy_matches`).
SIMILAR = 0.75
FUZZY_PAIRS = 10_000


def word_diff(old, new):
    """`old` → `new` as HTML, word by word: removed words in <del>, added ones in <ins>, each announced to
    screen readers; the words themselves escaped."""
    before, after = WORDS.findall(old or ""), WORDS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    # Texts that have little in common read better as the old one removed and the new one added whole.
    opcodes = matcher.get_opcodes() if matcher.ratio() >= REWRITTEN else [("replace", 0, len(before), 0, len(after))]
    for operation, a1, a2, b1, b2 in opcodes:
        if operation == "equal":
            parts.append(conditional_escape("".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(
                format_html(
                    '<del class="kcpp-diff__del"><span class="govuk-visually-hidden">removed: </span>{}</del>',
                    "".join(before[a1:a2]),
                )
            )
        if b2 > b1:
            parts.append(
                format_html(
                    '<ins class="kcpp-diff__ins"><span class="govuk-visually-hidden">added: </span>{}</ins>',
                    "".join(after[b1:b2]),
                )
            )
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece is escaped above


def words_key(text):
    """Text compared for matching: lower case, letters and digits only, single-spaced."""
    return " ".join(re.findall(r"[a-z0-9]+", (text or "").casefold()))


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def diff(self):
        return word_diff(self.old, self.new)


@dataclass
class Changed:
    old: object
    new: object
    changes: list


@dataclass
class Section:
    """One kind of record compared: what was added, removed, changed, and how many are the same."""

    kind: str
    plural: str
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    same: int = 0
    matches: dict = field(default_factory=dict)  # old item's id: the new item's id

    @property
    def has_changes(self):
        return bool(self.added or self.removed or self.changed)

    @property
    def anchor(self):
        return self.plural.replace(" ", "-")


def compare(kind, plural, old_items, new_items, *, name, fields, priorities=None):
    """Match `new_items` to `old_items` by identity (`carried_from`), else by the words of `name`; then
    compare `fields` ((label, function of an item giving text) pairs) of each matched pair. With
    `priorities` (the priorities' section, compared first), an item that moved to another priority says
    so; one whose priority was only reworded has not moved."""
    section = Section(kind, plural)
    if priorities is not None:
        fields = [*fields, moved(priorities.matches)]
    old_by_pk = {item.pk: item for item in old_items}
    old_by_words = {}
    for item in old_items:
        old_by_words.setdefault(words_key(name(item)), item)
    matched = set()
    for item in new_items:
        old = old_by_pk.get(item.carried_from_id)
        if old is None or old.pk in matched:
            candidate = old_by_words.get(words_key(name(item)))
            old = candidate if candidate is not None and candidate.pk not in matched else None
        if old is None:
            section.added.append(item)
            continue
        matched.add(old.pk)
        section.matches[old.pk] = item.pk
        changes = changes_between(old, item, fields)
        if changes:
            section.changed.append(Changed(old, item, changes))
        else:
            section.same += 1
    fuzzy_matches(section, old_items, matched, name=name, fields=fields)
    section.removed = [item for item in old_items if item.pk not in matched]
    return section


def changes_between(old, new, fields):
    """The fields that differ: a (label, text function) pair compares the texts; a function of both items
    (see `moved`) says itself whether, and how, they differ."""
    changes = []
    for entry in fields:
        if callable(entry):
            change = entry(old, new)
            if change is not None:
                changes.append(change)
            continue
        label, text = entry
        if (before := text(old) or "") != (after := text(new) or ""):
            changes.append(FieldChange(label, before, after))
    return changes


def moved(priority_matches):
    """The "Priority" change of an item that moved to another priority (not one whose priority was reworded)."""

    def change(old, new):
        if priority_matches.get(old.priority_id) == new.priority_id:
            return None
        return FieldChange(
            "Priority",
            f"{old.priority.number}. {old.priority.title}",
            f"{new.priority.number}. {new.priority.title}",
        )

    return change


def fuzzy_matches(section, old_items, matched, *, name, fields):
    """An added item whose words are mostly those of a removed one ("Improving place", "Improving the Place")
    is the same item, changed. Tried only while the lists are short enough to compare every pair."""
    removed = [item for item in old_items if item.pk not in matched]
    if not removed or len(removed) * len(section.added) > FUZZY_PAIRS:
        return
    still_added = []
    for item in section.added:
        key = words_key(name(item)).split()
        scored = [
            (difflib.SequenceMatcher(None, key, words_key(name(old)).split(), autojunk=False).ratio(), old)
            for old in removed
            if old.pk not in matched
        ]
        score, old = max(scored, key=lambda pair: pair[0], default=(0, None))
        if old is None or score < SIMILAR:
            still_added.append(item)
            continue
        matched.add(old.pk)
        section.matches[old.pk] = item.pk
        section.changed.append(Changed(old, item, changes_between(old, item, fields)))
    section.added = still_added


def sections(old, new):
    """Every kind of record of two editions compared, in the plan's order; one query per kind."""
    editions = (old.pk, new.pk)

    def split(queryset, edition_of):
        items = list(queryset)
        return [i for i in items if edition_of(i) == old.pk], [i for i in items if edition_of(i) == new.pk]

    commitments = split(
        Commitment.objects.filter(edition__in=editions).select_related("edition").order_by("number", "pk"),
        lambda c: c.edition_id,
    )
    priorities = split(
        Priority.objects.filter(edition__in=editions).select_related("edition").order_by("number", "pk"),
        lambda p: p.edition_id,
    )
    themes = split(
        Theme.objects.filter(priority__edition__in=editions)
        .select_related("priority__edition")
        .order_by("priority__number", "order", "pk"),
        lambda t: t.priority.edition_id,
    )
    actions = split(
        Action.objects.filter(priority__edition__in=editions)
        .select_related("priority__edition")
        .order_by("priority__number", "number", "pk"),
        lambda a: a.priority.edition_id,
    )
    measures = split(
        Measure.objects.filter(priority__edition__in=editions)
        .select_related("priority__edition")
        .order_by("priority__number", "number", "pk"),
        lambda m: m.priority.edition_id,
    )
    priority_section = compare(
        "priority",
        "priorities",
        *priorities,
        name=lambda p: p.title,
        fields=[
            ("Title", lambda p: p.title),
            ("Introduction", lambda p: p.introduction),
            ("What the Strategic Intelligence Assessment found", lambda p: p.sia_summary),
        ],
    )
    return [
        priority_section,
        compare(
            "theme",
            "themes",
            *themes,
            name=lambda t: t.title,
            fields=[("Title", lambda t: t.title)],
            priorities=priority_section,
        ),
        compare(
            "action",
            "actions",
            *actions,
            name=lambda a: a.text,
            fields=[("Wording", lambda a: a.text)],
            priorities=priority_section,
        ),
        compare(
            "measure",
            "measures",
            *measures,
            name=lambda m: m.title,
            fields=[
                ("Wording", lambda m: m.plan_wording),
                ("Target", lambda m: m.target_text),
                ("Baseline", lambda m: m.baseline_text),
                ("Definition", lambda m: m.definition),
            ],
            priorities=priority_section,
        ),
        compare(
            "commitment",
            "commitments",
            *commitments,
            name=lambda c: c.text,
            fields=[("Wording", lambda c: c.text)],
        ),
    ]


class CompareEditionsView(TemplateView):
    """Two editions side by side: what the newer one added, removed and changed. Residents compare the public
    editions; a signed-in officer may also compare a draft (never cached: officers' pages are not)."""

    template_name = "pages/compare.html"

    def editions(self):
        editions = PlanEdition.objects.all()
        if not self.request.user.is_staff:
            editions = editions.public()
        return editions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = {edition.slug: edition for edition in self.editions().filter(slug__in=[kwargs["old"], kwargs["new"]])}
        try:
            old, new = found[kwargs["old"]], found[kwargs["new"]]
        except KeyError:
            raise Http404("No such edition") from None
        if old == new:
            raise Http404("An edition compared with itself")
        compared = sections(old, new)
        context.update(
            old=old,
            new=new,
            sections=compared,
            any_changes=any(section.has_changes for section in compared),
            edition_fields=[
                change
                for change in (
                    FieldChange("Vision", old.vision, new.vision),
                    FieldChange("Summary", old.summary, new.summary),
                )
                if change.old != change.new
            ],
            breadcrumbs=[
                ("Home", reverse("home")),
                ("Plan editions", reverse("priorities:edition-list")),
                (f"{old.title} and {new.title} compared", None),
            ],
        )
        return context
