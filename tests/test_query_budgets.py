"""What each public page, download and API list costs in database queries: one table, pinned exactly.

Every entry must cost exactly its number of queries both with the real plan (1x) and with ten times as
much of everything the pages list (10x). A count that grows with the data is a query per row (an N+1):
fix the page rather than pin a bigger number. A new page gets an entry here; a new API collection must
have one (the API's own root says which there are).
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from core.testing import body as sent_body
from governance.models import Attendance, Body, KeyDecision, Meeting, Membership, StatutoryDuty
from governance.tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    BodyFactory,
    DecisionFactory,
    DocumentFactory,
    KeyDecisionFactory,
    MeetingFactory,
    MembershipFactory,
    MinutesFactory,
    StatutoryDutyFactory,
)
from measures.models import Measure
from measures.tests.factories import MeasureFactory, ReportedValueFactory, ScrutinySnapshotFactory, add_test_localities
from priorities.models import Action, Locality, PartnerOrganisation, PlanEdition, Priority, PublicationStatus
from priorities.tests.factories import (
    ActionFactory,
    CommitmentFactory,
    LocalityFactory,
    PartnerOrganisationFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    PublishedEditionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

CURRENT = "2022-2027"
PRIORITY = f"/plans/{CURRENT}/tackling-violence-abuse-and-exploitation/"

# The exact number of queries each page costs. `{name}` stands for the id of a record of the real plan
# (see `places`), since ids differ from one database to another.
BUDGETS = {
    # the site's own pages
    "/": 5,
    "/plan/": 4,
    PRIORITY: 9,
    f"{PRIORITY}?themes=all": 9,
    # the search counts every kind's results in one query, and lists each kind with any in one more
    "/search/?q=crime": 6,
    "/search/?q=crime&kind=actions": 2,
    "/data/": 3,
    # The sitemap index counts each section; a section counts and lists its pages (one query if it has
    # no more than one page's worth to count).
    "/sitemap.xml": 11,
    "/sitemap-site.xml": 0,
    "/sitemap-priorities.xml": 2,
    "/sitemap-editions.xml": 1,
    "/sitemap-actions.xml": 2,
    "/sitemap-measure-status.xml": 0,
    "/sitemap-measures.xml": 2,
    "/sitemap-governance.xml": 1,
    "/sitemap-meetings.xml": 1,
    # the plan
    "/plans/": 2,
    f"/plans/{CURRENT}/": 6,
    "/plans/2018-2021/": 7,
    "/plans/compare/2020-refresh/2022-2027/": 6,
    f"{PRIORITY}actions/": 4,
    f"{PRIORITY}actions/1/": 5,
    "/plans/actions.csv": 2,
    f"/plans/actions.csv?edition={CURRENT}&status=no_update&lead_body=communities-board": 4,
    # the measures
    # the status page counts its measures by status in one query, and shows a page of them in another
    "/measures/": 6,
    "/measures/?page=all": 6,
    "/measures/?locality=south-kirklees-test-locality": 7,
    "/measures/?status=off_track": 6,
    "/measures/?locality=south-kirklees-test-locality&status=off_track": 7,
    "/measures/?priority=tackling-violence-abuse-and-exploitation&lead_partner={police}": 8,
    "/measures/KPM-2.6/": 5,  # reported by locality too
    "/measures/KPM-1.1/": 4,  # for Kirklees only
    "/measures/KPM-2.2/": 4,  # no values yet
    # the downloads are streamed: their rows are read in one query (the actions' lead partners in a second)
    "/measures/KPM-2.6/values.csv": 2,
    "/measures/values.csv": 1,
    "/measures/values.csv?measure=KPM-2.6": 2,
    "/measures/values.csv?locality=kirklees&period_from=2022-04-01&illustrative=true": 1,
    "/measures/status.csv": 2,
    "/measures/status.csv?status=off_track&locality=west-kirklees-test-locality": 3,
    # governance
    "/governance/": 6,
    "/governance/communities-board/": 6,
    "/meetings/calendar.ics": 2,
    "/governance/communities-board/calendar.ics": 3,
    "/meetings/": 4,
    "/meetings/?page=all": 3,
    "/meetings/?body=communities-board&year=2023": 5,
    "/meetings/{scrutiny_meeting}/": 6,
    "/measures/reports/": 1,
    "/meetings/feed/": 1,
    "/meetings/minutes/feed/": 1,
    # the API: every collection, then some filtered lists and single records. An edition, priority, action
    # or measure comes with the decisions and minutes about it (core/decisions.py load_about): the decisions
    # naming them, those made on agenda items naming them, the minutes naming them and, for editions, the
    # decisions approving them.
    "/api/v1/editions/": 7,
    "/api/v1/priorities/": 5,
    "/api/v1/themes/": 2,
    "/api/v1/actions/": 7,
    "/api/v1/measures/": 5,
    "/api/v1/values/": 2,
    "/api/v1/localities/": 2,
    "/api/v1/partners/": 2,
    "/api/v1/bodies/": 3,
    # each decision, agenda item and minutes with what it names: a query for each kind each names
    "/api/v1/meetings/": 17,
    "/api/v1/key-decisions/": 2,
    "/api/v1/duties/": 2,
    "/api/v1/actions/?status=no_update&lead_body=communities-board": 8,
    "/api/v1/measures/?status=off_track&direction=lower": 5,
    "/api/v1/measures/?locality=south-kirklees-test-locality": 6,
    "/api/v1/values/?locality=kirklees&period_from=2022-04-01": 2,
    "/api/v1/values/?measure=KPM-2.6": 3,
    "/api/v1/meetings/?body=overview-and-scrutiny": 18,
    f"/api/v1/editions/{CURRENT}/": 6,
    "/api/v1/measures/KPM-2.6/": 4,
    "/api/v1/bodies/communities-board/": 2,
}


def scrutiny_meeting():
    """The real plan's one meeting of Overview and Scrutiny: an agenda, decisions, attendance and minutes."""
    return Meeting.objects.filter(body__slug="overview-and-scrutiny").earliest("pk")


def places():
    """The ids the table's `{name}`s stand for."""
    return {
        "police": PartnerOrganisation.objects.get(name="West Yorkshire Police").pk,
        "scrutiny_meeting": scrutiny_meeting().pk,
    }


@pytest.fixture(scope="module", params=[1, 10], ids=["1x", "10x"])
def data_scale(request, real_plan_for_module, django_db_blocker):
    """The real plan as loaded (1x), then with ten times as much of everything the pages list (10x).

    Built once for the module, inside the plan's own transaction, and rolled back after it.
    """
    with django_db_blocker.unblock():
        # SQLite runs a query to find out whether it handles JSON the first time any page needs to know:
        # ask now, so that whichever page comes first is not charged for it.
        connection.features.supports_json_field  # noqa: B018
        scaled = transaction.atomic()
        scaled.__enter__()
        # The plan names no measure's lead partner: give one a lead, as an officer would, so that the
        # page filtered by lead partner has a measure to show.
        police = PartnerOrganisation.objects.get(name="West Yorkshire Police")
        Measure.objects.filter(code="KPM-1.1").update(lead_partner=police)
        # Nor does it name its localities: add four, with their figures for KPM-2.6, as officers would,
        # so that the pages for a locality have one at both scales (ten times as many at 10x).
        add_test_localities()
        if request.param == 10:
            # No page reads the change history, and writing it would more than double the time this takes.
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                multiply_by_ten()
    yield request.param
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        scaled.__exit__(None, None, None)


@pytest.mark.parametrize("url", BUDGETS)
def test_each_page_costs_its_pinned_queries_with_the_real_plan_and_ten_times_its_data(
    client, data_scale, django_assert_num_queries, url
):
    path = url.format(**places())
    with django_assert_num_queries(BUDGETS[url]):
        response = client.get(path)
        sent_body(response)  # a download's rows are read as it is sent
    assert response.status_code == 200, path


def test_every_api_collection_has_a_budget(client):
    collections = [urlsplit(url).path for url in client.get("/api/v1/").json()["collections"].values()]
    assert len(collections) >= 12
    assert [path for path in collections if path not in BUDGETS] == []


# ---- ten times the data ----------------------------------------------------------------------------------------


def multiply_by_ten():
    """At least ten times as many of every kind of record as the real plan has (ten, where it has none).

    Each public edition's priorities are copied nine times over, with their themes, actions and measures,
    and the records with a page of their own in the table (priority 1, its action 1.1, KPM-2.6, the
    Communities Board and the scrutiny meeting) get ten times their own rows. Titles mention crime, so
    the search finds them too.
    """
    before = row_counts()
    partners = list(PartnerOrganisation.objects.all()) + PartnerOrganisationFactory.create_batch(117)
    localities = list(Locality.objects.all()) + LocalityFactory.create_batch(36)
    bodies = more_bodies(partners, localities)
    more_of_the_plan(partners, bodies, localities)
    more_values_of_kpm_26(localities)
    more_meetings(partners)
    board = Body.objects.get(slug="communities-board")
    for n in range(9 * StatutoryDuty.objects.count()):
        StatutoryDutyFactory(body=board, number=100 + n)
    for n in range(9 * KeyDecision.objects.count()):
        KeyDecisionFactory(title=f"Key decision {n} on crime", decision_maker=bodies[n])
    ScrutinySnapshotFactory.create_batch(10, meeting=scrutiny_meeting())
    decisions_about_the_pages_in_the_table()
    after = row_counts()
    short = {name: (count, after[name]) for name, count in before.items() if after[name] < 10 * max(count, 1)}
    assert short == {}, f"fewer than ten times the real plan's rows (before, after): {short}"


def decisions_about_the_pages_in_the_table():
    """Thirty decisions about the current plan, its priority 1, action 1.1 and KPM-2.6 and KPM-1.1: more than
    their pages list."""
    edition = PlanEdition.objects.get(slug=CURRENT)
    priority = edition.priorities.get(number=1)
    action = priority.actions.get(number=1)
    measures = Measure.objects.filter(code__in=["KPM-2.6", "KPM-1.1"])
    for decision in DecisionFactory.create_batch(30, agenda_item__meeting=scrutiny_meeting()):
        decision.editions.add(edition)
        decision.priorities.add(priority)
        decision.actions.add(action)
        decision.measures.add(*measures)


def row_counts():
    """How many rows each model of the plan, its measures and its governance has (their history aside)."""
    models = [
        model
        for app in ("priorities", "measures", "governance")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    ]
    return {model.__name__: model.objects.count() for model in models}


def more_bodies(partners, localities):
    """Nine more bodies like each real one (so nine more of each group under the Communities Board), and
    nine more members for each real member's body.

    The real Community Outcome Groups are one body, for no one locality (the plan names none); each of
    its copies is for one of the localities added here, so that the pages showing a body's locality
    have some to show.
    """
    bodies = list(Body.objects.all())
    for body in list(bodies):
        for n in range(9):
            locality = localities[4 + n] if body.kind == Body.Kind.LOCALITY else None
            bodies.append(BodyFactory(kind=body.kind, parent=body.parent, locality=locality))
    for membership in Membership.objects.all():
        for n in range(9):
            MembershipFactory(body=membership.body, organisation=partners[n], start_date=date(2020, 1, 1))
    return bodies


def more_of_the_plan(partners, bodies, localities):
    """Nine copies of each public edition's commitments and priorities, and 27 more previous editions.

    Priority 1 of the current plan also grows to ten times itself, and its action 1.1 gains ten progress
    updates and ten lead partners.
    """
    board = Body.objects.get(slug="communities-board")
    # On, off and on track against the factories' baseline of 4,404: a cycle of three, so that whatever
    # a priority's number of measures, those reported by locality come out both on and off track.
    figures = itertools.cycle([Decimal(4200), Decimal(4500), Decimal(4400)])
    numbers = itertools.count(1000)
    leads = itertools.cycle(partners)

    def add(priority, like, times):
        """Add `times` as many themes, actions and measures to `priority` as `like` has (had)."""
        for _ in range(times * like["themes"]):
            ThemeFactory(priority=priority, parent=ThemeFactory(priority=priority, title="Knife crime"))
        for n in range(times * like["actions"]):
            ActionFactory(
                priority=priority,
                number=next(numbers),
                text="Tackle crime together",
                lead_body=board if n % 2 else bodies[n % len(bodies)],
                lead_partners=partners[n % 5 : n % 5 + 2],
            )
        for measure in like["measures"] * times:
            copy = MeasureFactory(
                priority=priority,
                number=next(numbers),
                title=f"{measure.title}: crime",
                lead_partner=measure.lead_partner or next(leads),
                reported_by_locality=measure.reported_by_locality,
            )
            ReportedValueFactory(measure=copy, year=2022, value=Decimal(4300), is_illustrative=True)
            ReportedValueFactory(measure=copy, year=2023, value=next(figures), is_illustrative=True)
            if copy.reported_by_locality:
                for locality in localities[:4]:
                    ReportedValueFactory(measure=copy, year=2023, locality=locality, value=Decimal(1000))

    editions = list(PlanEdition.objects.public())
    shapes = {
        priority: {
            "themes": priority.themes.filter(parent=None).count(),
            "actions": priority.actions.count(),
            "measures": list(priority.measures.all()),
        }
        for priority in Priority.objects.filter(edition__in=editions)
    }
    for edition in editions:
        commitments = edition.commitments.count()
        for number in range(commitments + 1, 10 * commitments + 1):
            CommitmentFactory(edition=edition, number=number)
        originals = [priority for priority in shapes if priority.edition_id == edition.pk]
        for n, number in enumerate(range(len(originals) + 1, 10 * len(originals) + 1)):
            priority = PriorityFactory(edition=edition, number=number, title=f"Priority {number}: crime")
            add(priority, shapes[originals[n % len(originals)]], 1)
    first = Priority.objects.get(edition__slug=CURRENT, number=1)
    add(first, shapes[first], 9)
    for action in Action.objects.filter(priority=first):
        ProgressUpdateFactory(action=action, date=date(2024, 4, 1))
    action = Action.objects.get(priority=first, number=1)
    action.lead_partners.add(*partners[20:30])
    for n in range(10):
        ProgressUpdateFactory(action=action, date=date(2023, 4, 1) + timedelta(days=30 * n))
    follows = None
    for year in range(1990, 1990 + 9 * len(editions)):
        follows = PublishedEditionFactory(
            slug=f"edition-{year}",
            start_year=year,
            end_year=year,
            status=PublicationStatus.ARCHIVED,
            kind=PlanEdition.Kind.REFRESH if year % 3 else PlanEdition.Kind.PLAN,
            follows=follows,
        )


def more_values_of_kpm_26(localities):
    """Nine more years of KPM-2.6, for Kirklees and its four localities, and the latest for every locality."""
    kpm_26 = Measure.objects.get(code="KPM-2.6")
    for year in range(2012, 2021):
        ReportedValueFactory(measure=kpm_26, year=year, value=Decimal(2000 + year))
        for locality in localities[:4]:
            ReportedValueFactory(measure=kpm_26, year=year, locality=locality, value=Decimal(year - 1500))
    for locality in localities[4:]:
        ReportedValueFactory(measure=kpm_26, year=2023, locality=locality, value=Decimal(500))


def more_meetings(partners):
    """Nine more of each real meeting in the same year, with minutes, papers, attendance and an agenda.

    The scrutiny meeting gains nine more agenda items with decisions and papers, and nine times its
    attendance; and the Board has a meeting to come.
    """
    for meeting in list(Meeting.objects.select_related("body")):
        for n in range(1, 10):
            # A meeting no record dates stays undated: its copies show the same "Date not stated" row.
            date = meeting.date + timedelta(days=n) if meeting.date else None
            copy = MeetingFactory(body=meeting.body, date=date, status=meeting.status)
            MinutesFactory(meeting=copy)
            item = AgendaItemFactory(meeting=copy, number=1, title="Knife crime update", minute="Discussed.")
            DecisionFactory(agenda_item=item, number=1)
            DocumentFactory(meeting=copy, agenda_item=item)
            AttendanceFactory(meeting=copy, organisation=partners[n])
    scrutiny = scrutiny_meeting()
    for number in range(2, 11):
        item = AgendaItemFactory(meeting=scrutiny, number=number, title="Crime and disorder", minute="Discussed.")
        for decision in range(1, 4):
            DecisionFactory(agenda_item=item, number=decision)
        DocumentFactory(meeting=scrutiny, agenda_item=item, url=f"https://www.kirklees.gov.uk/paper-{number}.pdf")
    for n in range(9 * scrutiny.attendance.count()):
        status = Attendance.Status.APOLOGIES if n % 3 else Attendance.Status.PRESENT
        AttendanceFactory(meeting=scrutiny, status=status, organisation=partners[n])
    board = Body.objects.get(slug="communities-board")
    MeetingFactory(body=board, date=timezone.localdate() + timedelta(days=30), status=Meeting.Status.SCHEDULED)
