"""Search what the public may see of the plan, its measures and its governance, kind by kind.

One behaviour on both databases:

- PostgreSQL: full-text search with the English configuration. Each kind's words are one weighted
  tsvector expression (`Kind.vector`), and a GIN index holds that very expression (the
  `search_indexes` migrations of priorities, measures and governance), so finding and counting the
  matches never reads a row's text. Ranked by `ts_rank`, snippets by `ts_headline`.
- SQLite, the no-set-up default: the same parsed query, matched with `icontains` on crude stems
  (`stem`), ranked and its snippets cut in Python.

Spelling: "anti-social", "antisocial" and "anti social" are one word in three spellings, so a search
for any of them searches for all three (`split_compound`, `Query.websearches`): PostgreSQL finds the
word joined up, or both its parts; SQLite, the word in any of its spellings. A plural finds the
singular (the English stemmer; on SQLite, `stem`). The query follows web-search habits: "quoted words"
as a phrase, `or` between alternatives, -word to leave a word out.

Cost: one query counts every kind's matches (a UNION), and one more lists each kind shown. Ranking reads
a row's text, which no index holds, so only the first `RANKED` matches of a kind in its own order
(newest plan first, newest meeting first) are ranked, and any after them follow in that order; the page
of all results and the first pages of a kind read only those. No kind of the real plan has that many
matches for any word; at a hundred times the plan, this is what keeps a search from costing more as the
data grows.
"""

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from itertools import product

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Model, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat

from core.errors import CONTROL
from governance.models import AgendaItem, Body, Decision, Meeting, Minutes
from measures.models import Measure
from priorities.models import Action, Locality, Priority, Theme

CONFIG = "english"
MIN_LENGTH = 2
MAX_LENGTH = 100
RANKED = 40  # how many of a kind's matches are ranked by relevance (see the module's docstring)
SHOWN = 5  # how many of each kind the page of all results shows
PAGE_SIZE = 20  # how many a page of one kind shows
MOST_COMPOUNDS = 4  # PostgreSQL searches each spelling of each compound: 2 ** 4 spellings of the query at most
SNIPPET_WORDS = 30
FRAGMENTS = " … "  # between the pieces of a snippet
# Where ts_headline's marks start and stop: private-use characters, which no text of the plan holds.
START, STOP = "\ue000", "\ue001"
# ts_rank's default weights, for ranking alike on SQLite.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}

# PostgreSQL's English stop words (tsearch_data/english.stop): never searched for, on either database.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while
    of at by for with about against between into through during before after above below to from up down in out
    on off over under again further then once here there when where why how all any both each few more most
    other some such no nor not only own same so than too very s t can will just don should now""".split()  # noqa: SIM905
)
# Prefixes the plan's words are written with or without a hyphen (anti-social, re-offending, co-ordination,
# multi-agency, cross-cutting, sub-groups, pre-pandemic), longest first. None is a stop word.
PREFIXES = (
    "counter",
    "cyber",
    "cross",
    "inter",
    "multi",
    "anti",
    "post",
    "self",
    "semi",
    "non",
    "pre",
    "sub",
    "co",
    "re",
)

# How the parts of a compound are written apart, as SQLite looks for them: anti-social, anti social, Anti – Social.
SEPARATORS = ("-", " ", "–", " – ", " - ")
LETTER = r"[^\W\d_]"
WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")
TOKEN = re.compile(rf'"(?P<phrase>[^"]*)"?|(?P<minus>-?)(?P<word>{WORD.pattern})')
INNER_HYPHEN = re.compile(rf"(?<={LETTER})-(?={LETTER})")


class BadSearch(ValueError):
    """A search that cannot be run, with what to change, as the page says it."""


def stem(word):
    """A crude English stem, for matching inside words on SQLite: burglaries and burglary give "burglar"."""
    word = re.sub(r"['’]s$", "", word)
    if not word.isalpha():
        return word
    for suffix, shortest in (("ies", 3), ("ing", 4), ("ed", 4), ("s", 3), ("y", 4)):
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def split_compound(word):
    """The parts of a compound written as one word or with hyphens ("antisocial", "anti-social"), else None."""
    if INNER_HYPHEN.search(word):
        return tuple(INNER_HYPHEN.split(word))
    for prefix in PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 3 and rest.isalpha() and rest not in STOP_WORDS:
            return (prefix, rest)
    return None


@dataclass(frozen=True)
class Term:
    """A word, a compound in its spellings, or a "quoted phrase" of a search, perhaps to be left out (-word)."""

    words: tuple[str, ...]
    compound: bool = False
    phrase: bool = False
    negated: bool = False

    @property
    def searched(self):
        """Whether the term asks for anything: PostgreSQL drops stop words, and so does SQLite here."""
        return self.compound or any(word not in STOP_WORDS for word in self.words)

    def websearch(self, joined):
        """The term as `websearch_to_tsquery` reads it: a compound joined up ("antisocial") or apart."""
        if self.phrase:
            return '"' + " ".join(self.words) + '"'
        if self.negated:
            return "-" + self.words[0]
        if not self.compound:
            return self.words[0]
        if joined:
            return "".join(self.words)
        # Apart, its parts are each required ("anti social"), unless one is a stop word, which PostgreSQL would
        # drop: then as written, with hyphens ("well-being"), which PostgreSQL reads as the words in a row.
        return "-".join(self.words) if STOP_WORDS.intersection(self.words) else " ".join(self.words)

    def substrings(self):
        """What SQLite looks for: any one of them found in a text finds the term."""
        if self.phrase:
            return [" ".join(self.words)]
        if not self.compound:
            return [stem(self.words[0])]
        *first, last = self.words
        return ["".join(self.words[:-1]) + stem(last)] + [sep.join([*first, stem(last)]) for sep in SEPARATORS]

    def pattern(self):
        """A regular expression for the term's words in a text, for ranking and snippets on SQLite."""
        if self.phrase:
            return r"\s+".join(map(re.escape, self.words))
        if not self.compound:
            return re.escape(stem(self.words[0]))
        *first, last = self.words
        return r"(?:\s?[-–]\s?|\s)?".join(map(re.escape, [*first, stem(last)]))


@dataclass(frozen=True)
class Query:
    """A search parsed: clauses any one of which finds a record (`or`), each of terms all of which must."""

    text: str
    clauses: tuple[tuple[Term, ...], ...]

    @property
    def terms(self):
        return [term for clause in self.clauses for term in clause]

    def websearches(self):
        """The search in each spelling of its compounds, for `websearch_to_tsquery`: any one finds a record."""
        compounds = [term for term in self.terms if term.compound][:MOST_COMPOUNDS]
        spellings = []
        for choice in product((True, False), repeat=len(compounds)):
            joined = {id(term): chosen for term, chosen in zip(compounds, choice, strict=True)}
            clauses = [" ".join(term.websearch(joined.get(id(term), False)) for term in clause) for clause in self]
            spellings.append(" or ".join(clauses))
        return spellings

    def __iter__(self):
        return iter(self.clauses)

    def tsquery(self):
        searches = [SearchQuery(text, config=CONFIG, search_type="websearch") for text in self.websearches()]
        return reduce(operator.or_, searches)

    def q(self, fields):
        """A filter finding the records with the search's words in any of `fields`, for SQLite."""

        def found(term):
            return reduce(operator.or_, (Q(**{f"{name}__icontains": s}) for s in term.substrings() for name in fields))

        clauses = [
            reduce(operator.and_, [~found(term) if term.negated else found(term) for term in clause if term.searched])
            for clause in self
        ]
        return reduce(operator.or_, clauses)

    def pattern(self):
        """Where the search's words are in a text, for ranking and snippets on SQLite."""
        found = "|".join(term.pattern() for term in self.terms if wanted(term))
        return re.compile(rf"[\w’']*(?:{found})[\w’']*", re.IGNORECASE)


def parse(text):
    """`text` as a search, or BadSearch saying what to change."""
    if CONTROL.search(text):
        raise BadSearch("Search for words and numbers only: remove the characters that cannot be typed")
    text = " ".join(text.split())
    if not text:
        raise BadSearch("Enter the words to search for")
    if len(text) < MIN_LENGTH:
        raise BadSearch(f"Enter at least {MIN_LENGTH} characters to search for")
    if len(text) > MAX_LENGTH:
        raise BadSearch(f"Search for {MAX_LENGTH} characters or fewer")
    clauses, clause = [], []
    for token in TOKEN.finditer(text.lower()):
        if token["phrase"] is not None:
            if words := tuple(WORD.findall(token["phrase"])):
                clause.append(Term(words, phrase=True))
        elif token["word"] == "or" and not token["minus"]:
            clauses.append(clause)
            clause = []
        elif token["minus"]:
            clause.append(Term((token["word"],), negated=True))
        elif parts := split_compound(token["word"]):
            clause.append(Term(parts, compound=True))
        else:
            clause.append(Term((token["word"],)))
    clauses.append(clause)
    # A clause with nothing to find (only words left out, or only stop words) would find everything or nothing.
    found = tuple(tuple(join_prefixes(clause)) for clause in clauses if any(wanted(term) for term in clause))
    if not found:
        if not any(clauses):
            raise BadSearch("Search for words or numbers")
        if any(term.negated for clause in clauses for term in clause):
            raise BadSearch("Say what to search for as well as what to leave out (the words after a minus sign)")
        raise BadSearch("Search for words that say more: common words such as “the” and “and” are left out")
    return Query(text, found)


def wanted(term):
    return term.searched and not term.negated


def join_prefixes(terms):
    """A prefix written as a word of its own ("anti social") made a compound with the word after it."""
    joined = []
    for term in terms:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.words[0] in PREFIXES
            and len(previous.words) == 1
            and not (previous.phrase or previous.negated or term.phrase or term.negated or term.compound)
            and term.words[0].isalpha()
        ):
            joined[-1] = Term((previous.words[0], term.words[0]), compound=True)
        else:
            joined.append(term)
    return joined


# ---- what a result shows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A run of a title or snippet: marked where it holds the words searched for."""

    text: str
    marked: bool = False


@dataclass(frozen=True)
class Result:
    """One record found: its title and snippet (with the words searched for marked), its page and context."""

    title: tuple[Part, ...]
    url: str
    snippet: tuple[Part, ...]
    meta: str


def parts(headline, source=None):
    """ts_headline's output (START and STOP around each word found) as runs of text, marked or not, with an
    ellipsis where it leaves out the start or the end of `source`, the text it was cut from."""
    headline = " ".join(headline.split())
    if source is not None:
        source, plain = " ".join(source.split()), re.sub(f"[{START}{STOP}]", "", headline)
        fragments = plain.split(FRAGMENTS)
        if not source.startswith(fragments[0][:40]):
            headline = "… " + headline
        if not source.endswith(fragments[-1][-40:]):
            headline += " …"
    found = []
    for n, piece in enumerate(re.split(f"[{START}{STOP}]", headline)):
        if piece:
            found.append(Part(piece, marked=n % 2 == 1))
    return tuple(found)


def marked(text, pattern, *, words=None):
    """`text` with what `pattern` finds marked, as ts_headline would (SQLite): all of it, or a window of `words`
    words from a little before the first word found."""
    text = " ".join(text.split())
    if words is not None:
        spans = [match.span() for match in re.finditer(r"\S+", text)]
        first = pattern.search(text)
        at = next((n for n, span in enumerate(spans) if first and span[1] > first.start()), 0)
        start = max(0, min(at - words // 3, len(spans) - words))
        window = spans[start : start + words]
        if window:
            before = "… " if start > 0 else ""
            after = " …" if start + words < len(spans) else ""
            text = before + text[window[0][0] : window[-1][1]] + after
    runs, last = [], 0
    for match in pattern.finditer(text):
        runs += [Part(text[last : match.start()]), Part(match.group(), marked=True)]
        last = match.end()
    runs.append(Part(text[last:]))
    return tuple(run for run in runs if run.text)


# ---- the kinds of record ------------------------------------------------------------------------------


def plan_meta(priority):
    return f"Priority {priority.number}: {priority.title} – {priority.edition.title}"


def meeting_meta(meeting):
    return f"{meeting.body.name}, {meeting.date_text}"


@dataclass(frozen=True)
class Kind:
    """A kind of record the search finds: which are public, which of their words it searches and how it shows them.

    `weights` gives the fields searched, most telling first ("A"); `ranked` the weights ranked on (fewer
    where a long text, such as an agenda item's minute, would make ranking costly); `title` the field shown
    as the title, its words marked, if the title is not made up by `describe`; `snippet` the fields a
    snippet is cut from; `order` the kind's own order, newest first.
    """

    slug: str
    heading: str
    plural: str
    singular: str
    records: Callable[[], QuerySet]
    weights: tuple[tuple[str, tuple[str, ...]], ...]
    order: tuple
    describe: Callable[[Model], tuple[str, str, str]]  # a record's made-up title, address and context
    title: str | None = None
    snippet: tuple[str, ...] = ()
    ranked: tuple[str, ...] = ("A", "B", "C", "D")

    @property
    def fields(self):
        return [name for _, names in self.weights for name in names]

    def vector(self, weights=None):
        """The kind's words as a weighted tsvector: its GIN index holds exactly this expression."""
        vectors = [
            SearchVector(*names, weight=weight, config=CONFIG)
            for weight, names in self.weights
            if weights is None or weight in weights
        ]
        return reduce(operator.add, vectors)

    def matches(self, query):
        """The public records of this kind that `query` finds, in the kind's own order."""
        records = self.records()
        if connection.vendor == "postgresql":
            records = records.alias(search=self.vector()).filter(search=query.tsquery())
        else:
            records = records.filter(query.q(self.fields))
        return records.order_by(*self.order)

    def counted(self, query):
        return self.matches(query).order_by().values(search_kind=Value(self.slug)).annotate(found=Count("pk"))

    def text(self, record, names):
        return " ".join(filter(None, (getattr(record, name) for name in names)))

    def result(self, record, title, snippet):
        made_up_title, url, meta = self.describe(record)
        return Result(title=title or (Part(made_up_title),), url=url, snippet=snippet, meta=meta)

    # ---- PostgreSQL: ranked, marked and cut by the database -----------------------------------------

    def found_in_postgresql(self, query, start, stop):
        tsquery = query.tsquery()
        matches = self.matches(query)
        candidates = matches.values("pk")[:RANKED]
        rank = SearchRank(self.vector(self.ranked), tsquery)
        if stop <= RANKED:  # all from the ranked: the rest need not be read at all
            records = self.records().filter(pk__in=candidates).annotate(rank=rank)
        else:
            records = matches.annotate(rank=Case(When(pk__in=candidates, then=rank), output_field=FloatField()))
        headlines = {}
        if self.title:
            headlines["title_headline"] = SearchHeadline(
                self.title, tsquery, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
            )
        if self.snippet:
            text = Concat(
                *[piece for name in self.snippet for piece in (F(name), Value(" "))], output_field=TextField()
            )
            headlines["snippet_headline"] = SearchHeadline(
                text if len(self.snippet) > 1 else F(self.snippet[0]),
                tsquery,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
                short_word=2,
                max_fragments=2,
                fragment_delimiter=FRAGMENTS,
            )
        # The headlines are worked out for the rows shown only: PostgreSQL leaves them until after the sort.
        records = records.annotate(**headlines).order_by(F("rank").desc(nulls_last=True), *self.order)
        return [
            self.result(
                record,
                parts(record.title_headline) if self.title else (),
                parts(record.snippet_headline, self.text(record, self.snippet)) if self.snippet else (),
            )
            for record in records[start:stop]
        ]

    # ---- SQLite: ranked, marked and cut here ----------------------------------------------------------

    def score(self, record, pattern):
        return sum(
            WEIGHTS[weight] * len(pattern.findall(getattr(record, name) or ""))
            for weight, names in self.weights
            if weight in self.ranked
            for name in names
        ) / (1 + math.log1p(len(self.text(record, self.fields).split())))

    def found_elsewhere(self, query, start, stop):
        records = list(self.matches(query))
        pattern = query.pattern()
        ranked = sorted(records[:RANKED], key=lambda record: -self.score(record, pattern))  # stable: ties in order
        records = ranked + records[RANKED:]
        return [
            self.result(
                record,
                marked(getattr(record, self.title), pattern) if self.title else (),
                marked(self.text(record, self.snippet), pattern, words=SNIPPET_WORDS) if self.snippet else (),
            )
            for record in records[start:stop]
        ]

    def found(self, query, start, stop):
        """The results from `start` to `stop` in order of relevance: one query."""
        if connection.vendor == "postgresql":
            return self.found_in_postgresql(query, start, stop)
        return self.found_elsewhere(query, start, stop)


NEWEST_PLAN_FIRST = ("-priority__edition__start_year", "priority__number")
NEWEST_MEETING_FIRST = F("meeting__date").desc(nulls_last=True)

KINDS = (
    Kind(
        slug="priorities",
        heading="Priorities",
        plural="priorities",
        singular="priority",
        records=lambda: Priority.objects.public().select_related("edition"),
        weights=(("A", ("title", "short_title")), ("B", ("introduction",)), ("C", ("sia_summary", "editors_note"))),
        title="title",
        snippet=("introduction", "sia_summary"),
        order=("-edition__start_year", "number", "pk"),
        describe=lambda priority: (priority.title, priority.get_absolute_url(), priority.edition.title),
    ),
    Kind(
        slug="themes",
        heading="Themes",
        plural="themes",
        singular="theme",
        records=lambda: Theme.objects.filter(priority__in=Priority.objects.public()).select_related(
            "priority__edition"
        ),
        weights=(("A", ("title",)),),
        title="title",
        order=(*NEWEST_PLAN_FIRST, "order", "pk"),
        describe=lambda theme: (theme.title, theme.get_absolute_url(), plan_meta(theme.priority)),
    ),
    Kind(
        slug="actions",
        heading="What the Board will do",
        plural="actions",
        singular="action",
        records=lambda: Action.objects.public().select_related("priority__edition"),
        weights=(("A", ("text",)), ("D", ("editors_note",))),
        snippet=("text",),
        order=(*NEWEST_PLAN_FIRST, "number", "pk"),
        describe=lambda action: (f"Action {action.reference}", action.get_absolute_url(), plan_meta(action.priority)),
    ),
    Kind(
        slug="measures",
        heading="Key performance measures",
        plural="measures",
        singular="measure",
        records=lambda: Measure.objects.public().select_related("priority__edition"),
        weights=(("A", ("code", "title")), ("B", ("plan_wording",)), ("C", ("definition",))),
        title="title",
        snippet=("plan_wording", "definition"),
        order=(*NEWEST_PLAN_FIRST, "number", "pk"),
        describe=lambda measure: (
            measure.title,
            measure.get_absolute_url(),
            f"{measure.code}, {plan_meta(measure.priority)}",
        ),
    ),
    Kind(
        slug="bodies",
        heading="Boards and groups",
        plural="boards and groups",
        singular="board or group",
        records=lambda: Body.objects.all(),
        weights=(("A", ("name", "short_name")), ("B", ("description",))),
        title="name",
        snippet=("description",),
        order=("order", "name", "pk"),
        describe=lambda body: (body.name, body.get_absolute_url(), body.get_kind_display()),
    ),
    Kind(
        slug="meetings",
        heading="Meetings: items discussed",
        plural="agenda items",
        singular="agenda item",
        records=lambda: AgendaItem.objects.filter(meeting__in=Meeting.objects.public()).select_related("meeting__body"),
        weights=(("A", ("title",)), ("B", ("description",)), ("C", ("minute",))),
        ranked=("A",),  # ranked on the title: a minute runs to pages, and ranking on it costs more than it tells
        title="title",
        snippet=("description", "minute"),
        order=(NEWEST_MEETING_FIRST, "-meeting_id", "number", "pk"),
        describe=lambda item: (item.title, item.get_absolute_url(), meeting_meta(item.meeting)),
    ),
    Kind(
        slug="decisions",
        heading="Decisions",
        plural="decisions",
        singular="decision",
        records=lambda: Decision.objects.filter(agenda_item__meeting__in=Meeting.objects.public()).select_related(
            "agenda_item__meeting__body"
        ),
        weights=(("A", ("text",)),),
        snippet=("text",),
        order=(
            F("agenda_item__meeting__date").desc(nulls_last=True),
            "-agenda_item__meeting_id",
            "agenda_item__number",
            "number",
            "pk",
        ),
        describe=lambda decision: (
            f"{decision.get_kind_display()} on “{decision.agenda_item.title}”",
            decision.get_absolute_url(),
            meeting_meta(decision.agenda_item.meeting),
        ),
    ),
    Kind(
        slug="minutes",
        heading="Minutes",
        plural="minutes",
        singular="set of minutes",
        records=lambda: Minutes.objects.published().select_related("meeting__body"),
        weights=(("A", ("text",)),),
        snippet=("text",),
        order=(NEWEST_MEETING_FIRST, "-meeting_id", "pk"),
        describe=lambda minutes: (
            f"Minutes of the {minutes.meeting.body.name}, {minutes.meeting.date_text}",
            minutes.get_absolute_url(),
            meeting_meta(minutes.meeting),
        ),
    ),
    Kind(
        slug="localities",
        heading="Localities",
        plural="localities",
        singular="locality",
        records=lambda: Locality.objects.all(),
        weights=(("A", ("name",)),),
        title="name",
        order=("order", "name", "pk"),
        describe=lambda locality: (
            locality.name,
            locality.get_absolute_url(),
            "The measures’ figures for this locality",
        ),
    ),
)
BY_SLUG = {kind.slug: kind for kind in KINDS}


class NoSuchKind(BadSearch):
    """A `kind` parameter that names no kind of result."""


def kind_named(slug):
    """The kind a `kind` parameter names, or NoSuchKind."""
    if slug not in BY_SLUG:
        known = ", ".join(kind.slug for kind in KINDS)
        raise NoSuchKind(f"“{slug[:20]}” is not a kind of result: show all kinds, or one of {known}")
    return BY_SLUG[slug]


def counts(query):
    """How many records of each kind `query` finds, by slug: one query."""
    first, *rest = [kind.counted(query) for kind in KINDS]
    found = {row["search_kind"]: row["found"] for row in first.union(*rest, all=True)}
    return {kind.slug: found.get(kind.slug, 0) for kind in KINDS}


class Found:
    """A kind's results for a query, in order of relevance, for a paginator: its count is known already, and
    each page read costs one query."""

    def __init__(self, kind, query, count):
        self.kind, self.query, self._count = kind, query, count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.kind.found(self.query, index.start or 0, index.stop if index.stop is not None else self._count)
        return self.kind.found(self.query, index, index + 1)[0]

    def __iter__(self):
        return iter(self[0 : self._count])
