"""The public governance and meeting pages: what a resident sees, and what they must never see."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from core.testing import sitemap, text
from governance.models import AgendaItem, Body, Decision, KeyDecision, Meeting, Minutes, StatutoryDuty
from governance.tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DocumentFactory,
    KeyDecisionFactory,
    MeetingFactory,
    MembershipFactory,
    MinutesFactory,
)

pytestmark = pytest.mark.django_db

BOARD_DATES = [
    "25 July 2023",
    "22 March 2023",
    "December 2022",
    "October 2022",
    "June 2022",
    "March 2022",
    "November 2021",
    "September 2021",
]


class ElementText(HTMLParser):
    """The text of each `tag` inside the element with the given id, in order."""

    def __init__(self, element_id, tag):
        super().__init__()
        self.element_id, self.tag = element_id, tag
        self.depth = 0  # nesting inside the element, 0 when outside
        self.items, self.current = [], None

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            if tag == self.tag and self.current is None:
                self.current = []
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        self.depth -= 1
        if tag == self.tag and self.current is not None:
            self.items.append(re.sub(r"\s+", " ", "".join(self.current)).strip())
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def items_in(response, element_id, tag="li"):
    parser = ElementText(element_id, tag)
    parser.feed(response.content.decode())
    return parser.items


def meeting_of(slug):
    return Meeting.objects.get(body__slug=slug)


# ---- governance page ----------------------------------------------------------------------------


def test_the_governance_page_shows_how_the_bodies_relate(client, real_plan):
    response = client.get("/governance/")
    page = text(response)
    # The groups under the Board are listed under it, said in words as well as by indentation.
    assert (
        "Kirklees Communities Partnership Board (Communities Board): partnership board "
        "Reporting to the Communities Board: Kirklees Strategic Delivery Group (SDG): delivery group"
    ) in page
    # The plan does not say whom the Community Outcome Groups report to, so they are not put under the Board.
    under_the_board = re.search(r"Reporting to the Communities Board:</p>\s*<ul[^>]*>(.*?)</ul>", response.text, re.S)
    assert "Kirklees Strategic Delivery Group" in under_the_board.group(1)
    assert "Community Outcome Group" not in under_the_board.group(1)
    # The plan's Community Outcome Groups, which it describes together and does not name one by one.
    assert "Community Outcome Groups (COGs): community outcome group" in page
    assert "Batley" not in page
    assert "Overview and Scrutiny Committee (Overview and Scrutiny): scrutiny committee" in page
    assert "Cabinet: council executive" in page
    assert "Full Council: full council" not in page
    assert "The Communities Board makes recommendations to the Council's Cabinet" in page
    assert "Partner boards" in page
    assert "Kirklees Health and Well Being Board" in page


def test_the_governance_page_names_the_chair_and_vice_chair_and_where_that_is_recorded(client, real_plan):
    page = text(client.get("/governance/"))
    # Each seat as one paper records it, with the paper's date where it has one; no organisation is
    # given where the paper gives none.
    assert (
        "Councillor Carole Pattison Cabinet Member for Learning, Aspiration and Communities Chair Not recorded "
        "As recorded in Overview and Scrutiny agenda item and minutes: Kirklees Communities Partnership Plan – "
        "Refresh, October 2020, date not stated"
    ) in page
    assert (
        "Chief Superintendent Jim Griffiths Vice chair Not recorded "
        "As recorded in Kirklees Communities Partnership Plan 2022-2027, Foreword, date not stated"
    ) in page
    assert (
        "Councillor Carole Pattison Leader of the Council Portfolio holder Not recorded As recorded in Forward-plan "
        "notice of a key decision: Kirklees Communities Partnership Plan, 19 August 2022"
    ) in page
    assert "currently" not in page


def test_the_governance_page_lists_the_boards_eight_statutory_duties_in_order(client, real_plan):
    duties = items_in(client.get("/governance/"), "duties")
    assert len(duties) == 8
    assert duties[0] == "Prepare an annual Partnership Strategic Assessment (SIA)"
    assert duties[5] == "Conduct Domestic Homicide Reviews and apply learning"
    assert duties[7] == "Review expenditure of any partnership monies"


def test_the_governance_page_gives_the_key_decision_and_links_its_plan_edition(client, real_plan):
    response = client.get("/governance/")
    decision = text(response).split("Key decisions", 1)[1]
    for expected in (
        "Kirklees Communities Partnership Plan",
        "Decision maker Cabinet",
        "Due 20 September 2022",
        "Status Recommendations Approved",
        "Wards affected All Wards",
        "Lead member Councillor Carole Pattison, Leader of the Council",
        "Lead director Jill Greenfield, Learning and Aspiration",
        "Plan edition",
    ):
        assert expected in decision
    assert 'href="/plans/2022-2027/"' in response.content.decode()
    assert '<p class="govuk-body">The Plan sets out the strategic priorities as:</p>' in response.content.decode()
    assert "<li>Risk which includes reducing reoffending, substance misuse, road safety and water safety.</li>" in (
        response.content.decode()
    )


def test_a_key_decision_on_a_draft_edition_does_not_name_the_draft(client):
    from priorities.tests.factories import PlanEditionFactory

    draft = PlanEditionFactory(title="Secret draft plan", slug="draft-plan", status="draft")
    KeyDecisionFactory(plan_edition=draft)
    page = text(client.get("/governance/"))
    assert "Adopt the plan" in page
    assert "Secret draft plan" not in page


def test_the_governance_page_says_when_nothing_is_recorded_yet(client):
    page = text(client.get("/governance/"))
    for message in (
        "No bodies are recorded yet.",
        "No members are recorded yet.",
        "No statutory duties are recorded yet.",
        "No key decisions are recorded yet.",
    ):
        assert message in page


def test_former_members_are_not_shown_as_current(client):
    body = BodyFactory(name="Test Board")
    MembershipFactory(body=body, name="Past Member", start_date=date(2010, 1, 1), end_date=date(2011, 1, 1))
    MembershipFactory(body=body, name="Present Member", start_date=date(2010, 1, 1))
    for url in ("/governance/", f"/governance/{body.slug}/"):
        page = text(client.get(url))
        assert "Present Member Member Not recorded Since 1 January 2010" in page
        assert "Past Member" not in page


# ---- body pages ---------------------------------------------------------------------------------


def test_the_board_page_shows_its_role_its_groups_its_members_and_its_meetings_latest_first(client, real_plan):
    response = client.get("/governance/communities-board/")
    page = text(response)
    assert "Partnership board Kirklees Communities Partnership Board" in page
    assert "fulfils the statutory duty of the Community Safety Partnership for Kirklees" in page
    assert "The groups that report to it: Kirklees Strategic Delivery Group See how all the bodies relate" in page
    assert "Councillor Carole Pattison" in page
    assert "Chief Superintendent Jim Griffiths" in page
    dates = items_in(response, "meetings-table", "a")
    assert dates == BOARD_DATES


def test_a_group_page_says_where_it_sits_that_nothing_is_recorded_yet_and_its_source(client, real_plan):
    page = text(client.get("/governance/community-outcome-groups/"))
    assert "Community Outcome Group Community Outcome Groups" in page
    assert "sits under and reports to" not in page  # the plan does not say whom the COGs report to
    assert "No members are recorded for the Community Outcome Groups." in page
    assert "No meetings of the Community Outcome Groups are published yet." in page
    assert "Source: Kirklees Communities Partnership Plan 2022-2027, Governance and delivery arrangements." in page


def test_a_body_page_shows_the_latest_meetings_and_leads_to_the_rest(client):
    body = BodyFactory()
    for days in range(12):
        MeetingFactory(body=body, date=date(2023, 1, 1) + timedelta(days=days))
    response = client.get(f"/governance/{body.slug}/")
    assert len(items_in(response, "meetings-table", "a")) == 10
    assert f'href="/meetings/?body={body.slug}"' in response.content.decode()


def test_an_unknown_body_is_not_found(client, real_plan):
    assert client.get("/governance/no-such-body/").status_code == 404


# ---- meeting list -------------------------------------------------------------------------------


def test_the_meeting_list_shows_the_boards_minuted_meetings_with_only_the_dates_known(client, real_plan):
    response = client.get("/meetings/?body=communities-board")
    assert response.status_code == 200
    page = text(response)
    assert "8 meetings match your filters." in page
    assert [row.split(":")[0] for row in items_in(response, "main-content", "th") if ":" in row] == BOARD_DATES
    # A month-only date is never given a day.
    assert "December 2022" in page
    assert "1 December 2022" not in page
    assert page.count("Published") >= 8


def test_the_meeting_list_groups_every_meeting_by_year_newest_first(client, real_plan):
    response = client.get("/meetings/")
    page = text(response)
    assert "10 meetings." in page
    assert items_in(response, "main-content", "caption") == ["2023", "2022", "2021", "2019", "Date not stated"]
    # The report to Cabinet is for the meeting; no source says the meeting was held.
    assert "18 June 2019: Cabinet Cabinet Not stated in the records Not published" in page
    assert "Date not stated: Overview and Scrutiny Committee Overview and Scrutiny Committee Held Published" in page


def test_the_meeting_list_filters_by_year_and_keeps_the_filter_in_the_form(client, real_plan):
    response = client.get("/meetings/?year=2019")
    page = text(response)
    assert "1 meeting match your filters." in page
    assert "Cabinet" in page
    assert "Kirklees Communities Partnership Board Held" not in page
    assert '<option value="2019" selected>2019</option>' in response.content.decode()
    assert "Clear filters" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "Select a year from the list"),
        ("year=1850", "Select a year from the list"),
        ("body=nonexistent", "Select a body from the list"),
        ("body=nonexistent&year=abc", "Select a body from the list"),
        ("body=%00", "Select a body from the list"),
        ("year=%00", "Select a year from the list"),
        ("year=2022&body=%3Cscript%3E", "Select a body from the list"),
    ],
)
def test_a_bad_filter_value_gives_a_clear_message_not_an_error(client, real_plan, query, message):
    response = client.get(f"/meetings/?{query}")
    # The request's fault, said plainly on a page like any other.
    assert response.status_code == 400
    content = response.content.decode()
    assert "<title>Error: Meetings" in content
    assert 'class="govuk-error-summary"' in content
    assert message in text(response)
    assert "govuk-select--error" in content


def test_the_meeting_list_says_when_no_meeting_matches(client, real_plan):
    page = text(client.get("/meetings/?body=community-outcome-groups"))
    assert "No meetings match your filters." in page


def test_the_meeting_list_says_when_there_are_no_meetings_yet(client):
    page = text(client.get("/meetings/"))
    assert "No meetings are published yet." in page
    assert "Clear filters" not in page


def test_a_long_meeting_list_is_paged_and_keeps_its_filters(client, real_plan):
    MeetingFactory.create_batch(90, body=Body.objects.get(slug="communities-board"))
    response = client.get("/meetings/?body=communities-board")
    page = text(response)
    html = response.content.decode()
    assert "98 meetings match your filters. Showing 1 to 25." in page
    assert 'aria-label="Page 1 of 4" aria-current="page"' in html
    # GOV.UK's pagination: the first and last pages, the pages either side of this one, an ellipsis between.
    assert 'href="?body=communities-board&amp;page=2" rel="next"' in html
    assert 'href="?body=communities-board&amp;page=4" aria-label="Page 4"' in html
    assert 'page=3"' not in html and "govuk-pagination__item--ellipses" in html
    last = client.get("/meetings/?body=communities-board&page=4")
    assert last.status_code == 200
    assert "Showing 76 to 98." in text(last)
    everything = client.get("/meetings/?body=communities-board&page=all")
    assert everything.status_code == 200
    assert everything.content.decode().count('<th scope="row"') == 98
    assert 'class="govuk-pagination"' not in everything.content.decode()


@pytest.mark.parametrize("page", ["abc", "99", "0"])
def test_a_page_number_out_of_range_is_not_found(client, real_plan, page):
    assert client.get(f"/meetings/?page={page}").status_code == 404


# ---- meeting page -------------------------------------------------------------------------------


def test_the_cabinet_meeting_shows_the_plan_item_with_its_contacts_and_recommendation(client, real_plan):
    meeting = meeting_of("cabinet")
    response = client.get(f"/meetings/{meeting.pk}/")
    page = text(response)
    content = response.content.decode()
    assert "Cabinet Meeting, 18 June 2019" in page
    assert 'id="item-1"' in content
    assert "Agenda Kirklees Communities Partnership Plan" in page
    assert "To seek approval by Full Council as a key policy forming the Council's Policy Framework" in page
    assert "Contacts Carol Gilchrist, Head of Communities" in page
    assert "Spencer-Henshall" not in page  # the report names her as Service Director, not as a contact
    assert (
        # The report's one recommendation is not numbered, so neither is it here.
        "Decisions Recommendation That the Communities Partnership Plan be approved by Full Council as a key policy"
    ) in page
    assert 'href="/plans/2018-2021/"' in content
    assert "The minutes of this meeting are not published yet." in page
    assert "No attendance is recorded for this meeting." in page
    assert 'href="/meetings/"' in content
    assert 'href="/governance/cabinet/"' in content


def test_the_scrutiny_meeting_shows_the_refresh_item_with_its_minute_and_two_resolutions(client, real_plan):
    meeting = meeting_of("overview-and-scrutiny")
    response = client.get(f"/meetings/{meeting.pk}/")
    page = text(response)
    # The minutes do not say when the Committee met.
    assert "Overview and Scrutiny Committee Meeting, date not stated" in page
    assert "Date Date not stated" in page
    # The papers give the item no number on the agenda, so none is shown.
    assert "Agenda Kirklees Communities Partnership Plan – Refresh, October 2020" in page
    assert "1. Kirklees Communities Partnership Plan" not in page
    assert "The Committee received a report which offered Members the opportunity" in page
    assert (
        "Decisions Resolution (1) That the officers from Communities, representative of West Yorkshire police"
    ) in page
    assert (
        "Resolution (2) That officers be requested to take account of the comments made by the Panel in relation "
        "to the 2020 refresh of the Kirklees Communities Partnership Plan"
    ) in page
    assert "In attendance Jill Greenfield, Service Director, Customer and Communities Jo Richmond" in page
    assert "Chief Inspector Alan Travis (West Yorkshire Police) Councillor" in page
    assert "Source: Overview and Scrutiny agenda item and minutes" in page
    assert "The minutes are given with each agenda item above." in page
    assert 'href="/plans/2020-refresh/"' in response.content.decode()


def test_a_board_meeting_links_its_minutes_on_the_councils_website(client, real_plan):
    meeting = Meeting.objects.get(body__slug="communities-board", date=date(2022, 12, 1))
    response = client.get(f"/meetings/{meeting.pk}/")
    page = text(response)
    assert "Kirklees Communities Partnership Board Meeting, December 2022" in page
    assert "Date December 2022 (the record gives only the month)" in page
    assert "Communities Partnership Board minutes - December 2022 (opens on the Council's website)" in page
    assert "The minutes are published as a document" in page
    assert "No agenda is recorded for this meeting." in page


def test_a_meeting_shows_its_time_and_place_when_known(client):
    meeting = MeetingFactory(start_time="14:00", location="Council Chamber, Huddersfield Town Hall")
    page = text(client.get(f"/meetings/{meeting.pk}/"))
    assert "Time 2:00pm" in page
    assert "Place Council Chamber, Huddersfield Town Hall" in page


def test_a_link_elsewhere_says_so(client):
    meeting = MeetingFactory()
    DocumentFactory(meeting=meeting, title="Police report", url="https://www.westyorkshire.police.uk/report.pdf")
    page = text(client.get(f"/meetings/{meeting.pk}/"))
    assert "Police report (opens on another website)" in page


@pytest.mark.parametrize(
    "url", ["/meetings/abc/", "/meetings/999999/", "/meetings/99999999999999999999/", "/meetings/-1/"]
)
def test_an_unknown_or_malformed_meeting_address_is_not_found(client, real_plan, url):
    assert client.get(url).status_code == 404


# ---- never shown publicly -----------------------------------------------------------------------


def test_draft_minutes_and_unpublished_meetings_never_appear(client, real_plan):
    board = Body.objects.get(slug="communities-board")
    drafted = MeetingFactory(body=board, date=date(2024, 1, 16))
    MinutesFactory(meeting=drafted, status=Minutes.Status.DRAFT, text="DRAFT MINUTES TEXT")
    AgendaItemFactory(meeting=drafted, title="Visible item", minute="DRAFT ITEM MINUTE")
    private = MeetingFactory(body=board, date=date(2024, 2, 20), is_published=False)
    MinutesFactory(meeting=private, text="PRIVATE SESSION MINUTES")
    AgendaItemFactory(meeting=private, title="PRIVATE ITEM")

    page = client.get(f"/meetings/{drafted.pk}/").content.decode()
    assert "Visible item" in page
    assert "DRAFT" not in page
    assert "The minutes of this meeting are not published yet." in page
    assert client.get(f"/meetings/{private.pk}/").status_code == 404

    for url in (
        "/meetings/",
        "/meetings/?year=2024",
        "/governance/communities-board/",
        "/meetings/feed/",
        "/meetings/minutes/feed/",
        "/sitemap-meetings.xml",
    ):
        content = client.get(url).content.decode()
        assert "20 February 2024" not in content, url
        assert f"/meetings/{private.pk}/" not in content, url
        assert "PRIVATE" not in content, url
        assert "DRAFT" not in content, url
    assert f"/meetings/{drafted.pk}/" in client.get("/meetings/").content.decode()
    assert f"/meetings/{drafted.pk}/#minutes" not in client.get("/meetings/minutes/feed/").content.decode()


# ---- addresses ----------------------------------------------------------------------------------


def test_every_governance_record_leads_to_the_public_page_that_shows_it(client, real_plan):
    meeting = meeting_of("overview-and-scrutiny")
    item = AgendaItem.objects.get(meeting=meeting)
    document = DocumentFactory(meeting=meeting, agenda_item=item)
    records = [
        (Body.objects.get(slug="cabinet"), "/governance/cabinet/", None),
        (Body.objects.get(slug="cabinet").memberships.first(), "/governance/cabinet/", "members"),
        (meeting, f"/meetings/{meeting.pk}/", None),
        (item, f"/meetings/{meeting.pk}/", "item-1"),
        (Decision.objects.get(agenda_item=item, number=2), f"/meetings/{meeting.pk}/", "item-1-decision-2"),
        (meeting.minutes, f"/meetings/{meeting.pk}/", "minutes"),
        (meeting.attendance.first(), f"/meetings/{meeting.pk}/", "attendance"),
        (document, f"/meetings/{meeting.pk}/", f"document-{document.pk}"),
        (StatutoryDuty.objects.first(), "/governance/", f"duty-{StatutoryDuty.objects.first().pk}"),
        (KeyDecision.objects.get(), "/governance/", f"key-decision-{KeyDecision.objects.get().pk}"),
    ]
    for record, path, anchor in records:
        assert record.get_absolute_url() == path + (f"#{anchor}" if anchor else "")
        response = client.get(path)
        assert response.status_code == 200
        if anchor:
            assert f'id="{anchor}"' in response.content.decode(), record


def test_the_sitemap_lists_the_governance_pages_and_every_public_meeting(client, real_plan):
    private = MeetingFactory(is_published=False)
    xml = sitemap(client)
    for path in ["/governance/", "/meetings/"] + [f"/governance/{body.slug}/" for body in Body.objects.all()]:
        assert f"{path}</loc>" in xml, path
    for meeting in Meeting.objects.filter(is_published=True):
        assert f"/meetings/{meeting.pk}/</loc>" in xml
    assert f"/meetings/{private.pk}/</loc>" not in xml


def test_a_body_whose_reporting_line_no_source_states_says_so(client, real_plan):
    page = text(client.get("/governance/community-outcome-groups/"))
    assert "The sources do not say which body it reports to, or that any body reports to it." in page
    assert "It sits under and reports to" not in page
    overview = text(client.get("/governance/"))
    assert "for approval by Full Council as a key policy (as the 2019 report to Cabinet says)" in overview
    assert "Cabinet and Full Council approve the plan" not in overview


def test_an_item_an_officer_added_to_a_loaded_meeting_says_so_apart_from_the_meetings_source(client, real_plan):
    meeting = meeting_of("cabinet")
    AgendaItemFactory(meeting=meeting, number=2, title="Any other business")
    page = text(client.get(f"/meetings/{meeting.pk}/"))
    assert "Any other business Source: Entered by an officer." in page
    assert page.count("Source: Report to Cabinet: Kirklees Communities Partnership Plan.") == 1
