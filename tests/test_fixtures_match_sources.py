"""Every text the fixtures load as the plan's words is in its source document, word for word.

Reads the TOML fixtures and the source documents (../shared/seeds) directly: no database. A text
passes if, once both sides are normalised the same way, it occurs in the part of its source it comes
from. Normalising forgives only what is not a word: whitespace and line wrapping, list bullets,
"**bold**" markers, link markup, and typographic quotes and dashes. Slips and cut-offs in the source
are the plan's words and must be loaded as they are; editors' remarks in the late draft must never be.
"""

import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"

FORWARD_PLAN = "000"  # the forward-plan notice of the key decision on the 2022 plan
COUNCIL_PAGE = "001"  # the Council's web page: the 2018-2021 plan's themes and "What will we do?"
CABINET_2019 = "002"  # Cabinet report, 18 June 2019
SCRUTINY_2020 = "003"  # Overview and Scrutiny on the October 2020 refresh
PLAN = "004"  # the Kirklees Communities Partnership Plan 2022-2027 (a late draft)

# Where each older edition's words come from, and each meeting's minuted decisions.
EDITION_SOURCES = {"2018-2021": COUNCIL_PAGE, "2020-refresh": SCRUTINY_2020}
MEETING_SOURCES = {"cabinet": CABINET_2019, "overview-and-scrutiny": SCRUTINY_2020}

# The editors' remarks in the draft plan, as the seeds README lists them: no loaded text may carry
# any of them (compared ignoring case) ...
EDITORS_REMARKS = [
    "Insert ICF Measures",
    "not sure what",
    "Nationally as well?",
    "Link to DA strategy?",
    "DA strategy? Needs assessment",
    "Add link",
    "xx key performance measures",
]
# ... and the plan's words are the draft's without those that sit inside its sentences.
REMARKS_WITHIN_THE_TEXT = [
    "not sure what overall offences means?",
    "Nationally as well?",
    "Link to DA strategy? Needs assessment",
]

TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
BULLET = r"[-•·][ \t]+"


def normalise(text):
    """Text with only its words: no link markup, bold, bullets, typographic quotes or dashes, or line wrapping."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("\\(", "(").replace("\\)", ")")
    text = text.replace("**", "").translate(TYPOGRAPHY)
    text = re.sub(rf"(?m)^[ \t]*{BULLET}", "", text)
    return re.sub(r"\s+", " ", text).strip()


def pieces(text):
    """A loaded text's paragraphs and list items, each to be found in the source as it is."""
    parts = re.split(rf"\n\s*\n|\n(?=[ \t]*{BULLET})", text)
    return [part for part in (normalise(part) for part in parts) if part]


def section(text, start, end):
    """The part of `text` from the first line matching `start` to the next line matching `end`."""
    first = re.compile(start, re.M).search(text)
    assert first, f"the source has no line matching {start!r}"
    last = re.compile(end, re.M).search(text, first.end())
    assert last, f"the source has no line matching {end!r} after {start!r}"
    return text[first.start() : last.start()]


def list_items(text):
    """The source's list items, each normalised."""
    return [normalise(line) for line in re.findall(rf"(?m)^[ \t]*{BULLET}(.+)$", text)]


def assert_all_found(texts, source_name, source):
    """Every (where, text) is in `source` (normalised); else name the first that is not, and how many more."""
    missing = [(where, text) for where, text in texts if normalise(text) not in source]
    if missing:
        where, text = missing[0]
        more = f"\n({len(missing) - 1} more missing)" if len(missing) > 1 else ""
        pytest.fail(f"{where} is not word for word in source {source_name}:\n  {text!r}{more}")


def read_fixture(name):
    with open(FIXTURES / name, "rb") as file:
        return tomllib.load(file)


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"The source documents are missing from {SEEDS}")
        pytest.skip("the source documents (../shared/seeds) are not beside this checkout")
    return {path.name[:3]: path.read_text() for path in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def plan():
    return read_fixture("plan-2022-2027.toml")


@pytest.fixture(scope="module")
def previous():
    return read_fixture("plan-2018-2021.toml")


@pytest.fixture(scope="module")
def partnership():
    return read_fixture("partnership.toml")


@pytest.fixture(scope="module")
def plan_parts(seeds):
    """The 2022-2027 plan, normalised: whole, each priority's section, the outcome framework, the SIA summary."""
    text = seeds[PLAN]
    for remark in REMARKS_WITHIN_THE_TEXT:
        assert remark in text
        text = text.replace(remark, " ")
    # Search from the commitments on, past the contents list, which repeats the priorities' headings.
    body = text[text.index("Underpinning each strategic priority") :]
    headings = [rf"^Strategic Priority {number}\b" for number in range(1, 5)] + ["^Governance and delivery"]
    priorities = {number: normalise(section(body, headings[number - 1], headings[number])) for number in range(1, 5)}
    return {
        "whole": normalise(text),
        "priorities": priorities,
        "outcome framework": normalise(section(text, "^Partnership Plan Outcome Framework", "^Appendix 1")),
        "SIA": normalise(section(text, "^Summary of the Strategic Intelligence Assessment", "^Contact and further")),
        "list items": list_items(body),
    }


def where(priority, what):
    return f"plan-2022-2027.toml, priority {priority['number']}, {what}"


def action_text(action):
    """An action's text (beside its key, and any editors' note about the text)."""
    return action["text"]


# ---- the 2022-2027 plan ---------------------------------------------------------------------------


def test_the_plan_has_23_measures_five_eight_five_and_five(plan):
    codes = [measure["code"] for priority in plan["priorities"] for measure in priority["measures"]]
    assert len(codes) == 23
    assert len(set(codes)) == 23
    assert [len(priority["measures"]) for priority in plan["priorities"]] == [5, 8, 5, 5]
    assert [len(priority["actions"]) for priority in plan["priorities"]] == [11, 9, 9, 7]


def test_the_vision_commitments_and_summaries_are_the_plans_words(plan, plan_parts):
    edition = plan["edition"]
    texts = [("plan-2022-2027.toml, vision", edition["vision"])]
    texts += [(f"plan-2022-2027.toml, {item['key']}", item["text"]) for item in edition["commitments"]]
    texts += [("plan-2022-2027.toml, summary", piece) for piece in pieces(edition["summary"])]
    assert_all_found(texts, PLAN, plan_parts["whole"])
    texts = [("plan-2022-2027.toml, SIA overview", piece) for piece in pieces(edition["sia_overview"])]
    for priority in plan["priorities"]:
        texts += [(where(priority, "SIA summary"), piece) for piece in pieces(priority["sia_summary"])]
    assert_all_found(texts, f"{PLAN} (its summary of the Strategic Intelligence Assessment)", plan_parts["SIA"])


def test_each_priority_title_introduction_and_action_is_in_that_prioritys_part_of_the_plan(plan, plan_parts):
    for priority in plan["priorities"]:
        texts = [(where(priority, "title"), priority["title"])]
        texts += [(where(priority, "introduction"), piece) for piece in pieces(priority["introduction"])]
        texts += [
            (where(priority, f"action {number}"), action_text(action))
            for number, action in enumerate(priority["actions"], 1)
        ]
        assert_all_found(
            texts, f"{PLAN} (Strategic Priority {priority['number']})", plan_parts["priorities"][priority["number"]]
        )


def test_each_measures_wording_is_in_its_prioritys_list_or_the_outcome_framework(plan, plan_parts):
    for priority in plan["priorities"]:
        own = plan_parts["priorities"][priority["number"]] + " " + plan_parts["outcome framework"]
        texts = [
            (where(priority, f"measure {m['code']} plan_wording"), m["plan_wording"]) for m in priority["measures"]
        ]
        assert_all_found(texts, f"{PLAN} (Strategic Priority {priority['number']} or the outcome framework)", own)
    texts = [(where(priority, "short title"), priority["short_title"]) for priority in plan["priorities"]]
    assert_all_found(texts, f"{PLAN} (the outcome framework's headings)", plan_parts["outcome framework"])


def test_themes_and_sub_themes_are_the_plans_list_items(plan, plan_parts):
    items = plan_parts["list items"]
    for priority in plan["priorities"]:
        titles = []
        for theme in priority["themes"]:
            titles.append((where(priority, "theme"), theme["title"]))
            titles += [
                (where(priority, f"sub-theme of {theme['title']!r}"), sub["title"])
                for sub in theme.get("sub_themes", [])
            ]
        for place, title in titles:
            # A theme may stop before the "inc." that introduces its sub-themes ("Reducing Violence inc.").
            found = any(item == normalise(title) or item.startswith(normalise(title) + " ") for item in items)
            assert found, f"{place} is not one of the items the plan lists in source {PLAN}:\n  {title!r}"


def test_a_measure_names_only_the_source_lead_and_figures_its_own_wording_names(plan, plan_parts):
    for priority in plan["priorities"]:
        for measure in priority["measures"]:
            code, wording = measure["code"], normalise(measure["plan_wording"]).lower()
            for field in ("data_source", "lead_partner"):
                if measure.get(field):
                    assert normalise(measure[field]).lower() in wording, f"{code}: the plan does not name its {field}"
            for field in ("baseline_value", "target_value"):
                if field in measure:
                    figure = format(Decimal(measure[field]), ",")
                    assert figure in wording, f"{code}: {field} {figure} is not the plan's figure"
            if period := measure.get("baseline_period"):
                start, _, end = period.partition("/")
                spelt = {period, f"{start}/{int(start) + 1}"} if end else {period}
                assert any(form in wording for form in spelt), f"{code}: the plan gives no baseline for {period}"
            if set_by := measure.get("target_set_by"):
                assert normalise(set_by) in plan_parts["whole"], f"{code}: the plan does not name {set_by!r}"


# ---- the previous plan and its refresh -----------------------------------------------------------


def test_the_previous_plans_titles_introductions_and_actions_are_its_words(previous, seeds):
    for edition in previous["editions"]:
        assert edition["slug"] in EDITION_SOURCES, f"say which source edition {edition['slug']} comes from"
        name = EDITION_SOURCES[edition["slug"]]
        texts = []
        for priority in edition["priorities"]:
            place = f"plan-2018-2021.toml, {edition['slug']}, priority {priority['number']}"
            texts.append((f"{place}, title", priority["title"]))
            texts += [(f"{place}, introduction", piece) for piece in pieces(priority.get("introduction", ""))]
            texts += [(f"{place}, action {n}", action_text(a)) for n, a in enumerate(priority.get("actions", []), 1)]
        assert_all_found(texts, name, normalise(seeds[name]))


# ---- governance -----------------------------------------------------------------------------------


def test_the_boards_duties_are_the_plans_words(partnership, plan_parts):
    duties = [duty["text"] for duty in partnership["duties"]["items"]]
    texts = [(f"partnership.toml, duty {number}", duty) for number, duty in enumerate(duties, 1)]
    assert len(texts) == 8
    assert_all_found(texts, PLAN, plan_parts["whole"])


def test_decisions_and_minutes_are_as_minuted(partnership, seeds):
    for meeting in partnership["meetings"]:
        for item in meeting.get("agenda", []):
            place = f"partnership.toml, meeting {meeting['key']}, item {item['number']}"
            texts = [(f"{place}, decision {n}", decision["text"]) for n, decision in enumerate(item["decisions"], 1)]
            texts += [(f"{place}, minute", piece) for piece in pieces(item.get("minute", ""))]
            if texts:
                assert meeting["body"] in MEETING_SOURCES, f"say which source minutes the {meeting['body']} meeting"
                name = MEETING_SOURCES[meeting["body"]]
                assert_all_found(texts, name, normalise(seeds[name]))


def test_the_key_decision_is_as_the_forward_plan_gives_it(partnership, seeds):
    texts = []
    for decision in partnership["key_decisions"]:
        for field in ("summary", "consultation"):
            texts += [(f"partnership.toml, key decision {field}", piece) for piece in pieces(decision[field])]
    assert_all_found(texts, FORWARD_PLAN, normalise(seeds[FORWARD_PLAN]))


# ---- editors' remarks -----------------------------------------------------------------------------


def loaded_strings(data, path):
    """Every string a fixture loads, with where it is: editors' notes too, which describe a remark, never quote it."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from loaded_strings(value, f"{path}.{key}")
    elif isinstance(data, list):
        for number, value in enumerate(data, 1):
            yield from loaded_strings(value, f"{path}[{number}]")


def test_no_editors_remark_is_loaded_as_plan_content(seeds):
    draft = normalise(seeds[PLAN]).lower()
    assert all(normalise(remark).lower() in draft for remark in EDITORS_REMARKS)  # the list is of real remarks
    for name in sorted(path.name for path in FIXTURES.glob("*.toml")):
        for place, text in loaded_strings(read_fixture(name), name):
            loaded = normalise(text)
            for remark in EDITORS_REMARKS:
                at = loaded.lower().find(normalise(remark).lower())
                if at >= 0:
                    pytest.fail(
                        f"{place} carries the editors' remark {remark!r}: ...{loaded[max(0, at - 60) : at + 80]}..."
                    )


# ---- names and provenance -------------------------------------------------------------------------


def test_every_partner_and_person_is_named_as_a_source_names_them(partnership, seeds):
    """No partner, member or attendee is loaded under a name no source gives (no expanded abbreviations)."""
    everything = " ".join(normalise(text) for text in seeds.values())
    texts = [(f"partnership.toml, partner {p['key']}", p["name"]) for p in partnership["partners"]]
    for body in partnership["bodies"]:
        texts += [(f"partnership.toml, member {m['key']}", m["name"]) for m in body.get("members", [])]
    for meeting in partnership["meetings"]:
        texts += [(f"partnership.toml, {meeting['key']}, attendee", a["name"]) for a in meeting.get("attendance", [])]
    missing = [(where, name) for where, name in texts if normalise(name).lower() not in everything.lower()]
    assert missing == []


def test_every_loaded_record_names_a_source_document_that_exists(partnership, plan, previous):
    """Each source names one of the documents in sources.toml, so `loadplan` can say where each record is from."""
    documents = read_fixture("sources.toml")["documents"]
    sources = [p["source"] for p in partnership["partners"]]
    sources += [b["source"] for b in partnership["bodies"]]
    sources += [m["source"] for b in partnership["bodies"] for m in b.get("members", [])]
    sources += [m["source"] for m in partnership["meetings"]] + [d["source"] for d in partnership["key_decisions"]]
    sources += [partnership["duties"]["source"], *plan["edition"]["sources"].values()]
    sources += [text for edition in previous["editions"] for text in edition["sources"].values()]
    for text in sources:
        formatted = text.format(**documents, number=1, title="A title")
        assert any(document in formatted for document in documents.values()), text


def test_every_entry_has_a_key_of_its_own(partnership, plan, previous):
    """loadplan finds each record again by its key, so no two entries of a kind may share one."""

    def keys(entries):
        found = [entry["key"] for entry in entries]
        assert len(found) == len(set(found)), found
        return found

    keys(partnership["partners"])
    keys(partnership["bodies"])
    keys(partnership["meetings"])
    keys(partnership["key_decisions"])
    keys(partnership["duties"]["items"])
    keys([member for body in partnership["bodies"] for member in body.get("members", [])])
    editions = [plan["edition"], *previous["editions"]]
    keys(editions)
    keys([measure for priority in plan["priorities"] for measure in priority["measures"]])
    for edition, priorities in [(plan["edition"], plan["priorities"])] + [
        (e, e["priorities"]) for e in previous["editions"]
    ]:
        keys(edition.get("commitments", []))
        keys(priorities)
        for priority in priorities:
            keys(priority.get("actions", []))
            keys(
                [*priority.get("themes", []), *[s for t in priority.get("themes", []) for s in t.get("sub_themes", [])]]
            )


def test_every_bodys_description_is_a_sources_words(partnership, seeds):
    everything = " ".join(normalise(text) for text in seeds.values())
    texts = [
        (f"partnership.toml, body {body['key']}", piece)
        for body in partnership["bodies"]
        for piece in pieces(body["description"])
    ]
    missing = [(where, text) for where, text in texts if normalise(text) not in everything]
    assert missing == []
