"""The public measure pages: the status page for scrutiny and each measure's page, as a reader meets them."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest

from core.testing import body, sitemap, text
from measures.models import Measure, ReportedValue
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.models import Locality, PartnerOrganisation, PlanEdition, PublicationStatus
from priorities.tests.factories import (
    PlanEditionFactory,
    PriorityFactory,
)

pytestmark = pytest.mark.django_db

STATUS = "/measures/"
OFF_TRACK = ["KPM-1.1", "KPM-2.6", "KPM-3.2"]
ON_TRACK = ["KPM-1.4", "KPM-2.1", "KPM-4.2"]


def codes_listed(response):
    """Measure codes in the status table, in order."""
    return re.findall(r'<tr class="govuk-table__row" id="measure-[^"]+">\s*<th[^>]*><a[^>]*>([^<]+)<', response.text)


def table_rows(html, table_id):
    """The body rows of one table as lists of cell texts."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S).group(0)
    body = table.split("<tbody", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]
    return [[text(cell) for cell in row] for row in cells]


def published():
    return PlanEdition.objects.get(status=PublicationStatus.PUBLISHED)


# ---- the status page ----------------------------------------------------------------------------------


def test_status_page_lists_every_measure_of_the_current_plan_by_priority(client, real_plan):
    response = client.get(STATUS)
    assert response.status_code == 200
    current = Measure.objects.filter(priority__edition=published()).order_by("priority__number", "number")
    assert codes_listed(response) == [measure.code for measure in current]
    page = text(response)
    for priority in published().priorities.all():
        assert f"Priority {priority.number}: {priority.title}" in page
        assert f'href="/plans/2022-2027/{priority.slug}/"' in response.text
    assert "Kirklees Communities Partnership Plan 2022-2027" in page


def test_status_page_shows_each_measures_figures_status_and_lead(client, real_plan):
    response = client.get(STATUS)
    row = table_rows(response.text.replace("<table", '<table id="t"', 1), "t")[0]
    code_title, baseline, latest, target, status, travel, lead = row
    assert code_title == "KPM-1.1: Violent offences resulting in injury"
    assert baseline == "4,404 (2021/22)"
    assert latest == "4,612 2023/24 Illustrative"
    assert target == "Below 4,404 (2021/22 baseline)"
    assert status == "Off track"
    assert travel == "Getting worse"
    assert lead == "Not stated"  # the plan names no lead partner
    assert 'href="/measures/KPM-1.1/"' in response.text


def test_status_page_counts_the_measures_by_status_above_the_table(client, real_plan):
    page = text(client.get(STATUS))
    total = Measure.objects.filter(priority__edition=published()).count()
    assert f"{total} measures" in page
    assert "On track 3 measures" in page
    assert "Within tolerance 0 measures" in page
    assert "Off track 3 measures" in page
    assert page.index("Off track 3 measures") < page.index("Priority 1:")


def test_status_page_marks_illustrative_figures(client, real_plan):
    page = text(client.get(STATUS))
    assert "Figures marked “illustrative” are sample data" in page
    for value in ReportedValue.objects.all():  # as an officer would, record by record (each save is seen)
        value.is_illustrative = False
        value.save()
    assert "Figures marked “illustrative”" not in text(client.get(STATUS))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=off_track", OFF_TRACK),
        ("status=on_track", ON_TRACK),
        ("status=within_tolerance", []),
        ("priority=reducing-risk", ["KPM-4.1", "KPM-4.2", "KPM-4.3", "KPM-4.4", "KPM-4.5"]),
        ("priority=reducing-risk&status=on_track", ["KPM-4.2"]),
        ("locality=south-kirklees-test-locality", ["KPM-2.6", "KPM-2.8"]),  # the measures reported by locality
        ("locality=west-kirklees-test-locality&status=off_track", ["KPM-2.6"]),
    ],
)
def test_filters_narrow_the_table(client, localities, query, expected):
    response = client.get(f"{STATUS}?{query}")
    assert response.status_code == 200
    assert codes_listed(response) == expected
    if not expected:
        assert "No measures match your filters" in text(response)


def test_lead_partner_filter_offers_only_partners_leading_a_current_measure(client, real_plan):
    fire = PartnerOrganisation.objects.get(fixture_key="partner:wy-fire-and-rescue-service")
    Measure.objects.filter(code="KPM-2.5").update(lead_partner=fire)  # the plan names none: an officer adds one
    # A partner leading only a measure of the previous plan leads none of the current plan's.
    archived = PlanEdition.objects.get(status=PublicationStatus.ARCHIVED, slug="2018-2021")
    victim_support = PartnerOrganisation.objects.get(fixture_key="partner:victim-support")
    MeasureFactory(priority=archived.priorities.first(), code="OLD-1", lead_partner=victim_support)
    response = client.get(f"{STATUS}?lead_partner={fire.pk}")
    assert codes_listed(response) == ["KPM-2.5"]
    options = re.search(r'<select[^>]*id="id_lead_partner".*?</select>', response.text, flags=re.S).group(0)
    # Victim Support leads no current measure: choosing it could only give an empty table.
    assert [text(option) for option in re.findall(r"<option[^>]*>(.*?)</option>", options)] == [
        "All lead partners",
        "WY Fire and Rescue Service",
    ]


def test_filters_are_kept_in_the_form_and_in_the_csv_link(client, real_plan):
    response = client.get(f"{STATUS}?priority=reducing-risk&status=on_track&utm_source=x")
    html = response.text
    assert '<option value="reducing-risk" selected>' in html
    assert '<option value="on_track" selected>' in html
    assert 'action="/measures/"' in html and 'method="get"' in html
    assert 'href="/measures/status.csv?priority=reducing-risk&amp;status=on_track"' in html
    assert "Clear filters" in text(response)
    assert "Clear filters" not in text(client.get(STATUS))


def test_the_locality_filter_shows_that_localitys_figure_beside_kirklees(client, localities):
    response = client.get(f"{STATUS}?locality=south-kirklees-test-locality")
    page = text(response)
    assert "Latest in South Kirklees test locality" in page
    row = table_rows(response.text.replace("<table", '<table id="t"', 1), "t")[0]
    assert row[:5] == [
        "KPM-2.6: Vehicle offences",
        "1,971 (2021/22)",
        "1,988 2023/24 Illustrative",
        "781 2023/24 Illustrative",
        "Below 1,971 (2021/22 baseline)",
    ]
    assert row[5] == "Off track"  # Kirklees-wide: 781 against the Kirklees target would look falsely on track
    assert "The status is for Kirklees as a whole" in page


def test_empty_filter_values_mean_no_filter(client, real_plan):
    response = client.get(f"{STATUS}?priority=&status=&lead_partner=&locality=")
    assert response.status_code == 200
    assert len(codes_listed(response)) == Measure.objects.filter(priority__edition=published()).count()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=bogus", "Select a status from the list"),
        ("status=On+track", "Select a status from the list"),
        ("priority=no-such-priority", "Select a priority from the list"),
        ("priority=preventing-and-reducing-crime", "Select a priority from the list"),  # an archived edition's
        ("lead_partner=abc", "Select a lead partner from the list"),
        ("lead_partner=999999", "Select a lead partner from the list"),
        ("lead_partner=1.5", "Select a lead partner from the list"),
        ("locality=mars", "Select a locality from the list"),
        ("locality=%00", "Select a locality from the list"),
        ("status=off_track&priority=%3Cscript%3E", "Select a priority from the list"),
    ],
)
def test_invalid_filter_values_get_a_clear_message_not_a_wrong_table(client, real_plan, query, message):
    response = client.get(f"{STATUS}?{query}")
    assert response.status_code == 400
    page = text(response)
    assert re.search(r"<title>(.*?)</title>", response.text).group(1).startswith("Error: Measure status")
    assert "There is a problem" in page
    assert message in page
    assert 'class="govuk-error-summary"' in response.text
    assert codes_listed(response) == []
    assert "Download this table as CSV" not in page
    assert "<script>" not in response.text.split("</head>")[1].replace('<script type="module"', "")


def test_status_page_without_a_published_plan_says_so(client, db):
    PriorityFactory(edition=PlanEditionFactory(status=PublicationStatus.DRAFT))
    for url in (STATUS, f"{STATUS}?status=bogus"):
        response = client.get(url)
        assert response.status_code == 200
        assert "There is no current plan published yet" in text(response)


def test_status_page_prints_without_its_filters(client, real_plan):
    html = client.get(STATUS).text
    form = re.search(r"<form[^>]*>", html).group(0)
    assert "kcpp-no-print" in form
    assert re.search(r'<p class="govuk-body kcpp-no-print"><a class="govuk-link" href="/measures/status.csv"', html)


# ---- drafts and provisional values ---------------------------------------------------------------------


def test_a_long_status_table_comes_in_pages_of_25_with_its_filters_and_counts_of_them_all(client, real_plan):
    current = published()
    priorities = list(current.priorities.order_by("number"))
    for n in range(40):  # on track against the factories' baseline: 43 on track in all
        measure = MeasureFactory(priority=priorities[n % 4], number=100 + n, code=f"X-{n:02d}")
        ReportedValueFactory(measure=measure, year=2023, value=Decimal(4000))
    response = client.get(f"{STATUS}?status=on_track&direction=lower")
    html, page = response.content.decode(), text(response)
    everything = Measure.objects.filter(priority__edition=current).with_latest()
    on_track = [m.code for m in everything.order_by("priority__number", "number") if m.status.code == "on_track"]
    lower = [code for code in on_track if Measure.objects.get(code=code).direction == "lower"]
    assert len(lower) > 25
    assert codes_listed(response) == lower[:25]
    assert f"{len(lower)} measures match your filters" in page
    assert f"On track {len(lower)} measures" in page  # the counts are of every page's measures
    assert f"Showing measures 1 to 25 of {len(lower)}." in page
    assert 'href="?status=on_track&amp;direction=lower&amp;page=2" rel="next"' in html
    assert 'href="?status=on_track&amp;direction=lower&amp;page=all">Show all' in html
    second = client.get(f"{STATUS}?status=on_track&direction=lower&page=2")
    assert codes_listed(second) == lower[25:50]
    assert 'rel="prev"' in second.content.decode()
    printed = client.get(f"{STATUS}?status=on_track&direction=lower&page=all")
    assert codes_listed(printed) == lower
    assert 'class="govuk-pagination"' not in printed.content.decode()
    assert 'href="/measures/?status=on_track&amp;direction=lower">Show 25 measures a page</a>' in printed.text
    # The download has every page's rows.
    download = body(client.get("/measures/status.csv?status=on_track&direction=lower")).decode()
    assert [row["measure_code"] for row in csv.DictReader(io.StringIO(download))] == lower


def test_the_plans_own_measures_fit_on_one_page(client, real_plan):
    html = client.get(STATUS).content.decode()
    assert 'class="govuk-pagination"' not in html and 'id="page-range"' not in html


def add_draft_and_provisional_data():
    draft = PlanEditionFactory(status=PublicationStatus.DRAFT, slug="2027-2032")
    measure = MeasureFactory(priority=PriorityFactory(edition=draft), code="DRAFT-1", title="A draft measure")
    ReportedValueFactory(measure=measure, value=Decimal(1234))
    kpm_11 = Measure.objects.get(code="KPM-1.1")
    ReportedValueFactory(
        measure=kpm_11,
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
        value=Decimal(9999),
        status=ReportedValue.Status.PROVISIONAL,
    )
    kpm_26 = Measure.objects.get(code="KPM-2.6")
    ReportedValueFactory(
        measure=kpm_26,
        locality=Locality.objects.get(slug="south-kirklees-test-locality"),
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
        value=Decimal(8888),
        status=ReportedValue.Status.PROVISIONAL,
    )
    return measure


def test_drafts_and_provisional_values_never_appear(client, localities):
    add_draft_and_provisional_data()
    for url in (
        STATUS,
        f"{STATUS}?locality=south-kirklees-test-locality",
        "/measures/status.csv",
        "/measures/status.csv?locality=south-kirklees-test-locality",
        "/measures/KPM-1.1/",
        "/measures/KPM-1.1/values.csv",
        "/measures/KPM-2.6/",
        "/measures/KPM-2.6/values.csv",
        "/sitemap.xml",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        sent = body(response).decode()
        for secret in ("DRAFT-1", "A draft measure", "9999", "9,999", "8888", "8,888", "2024/25"):
            assert secret not in sent, (url, secret)
    assert "4,612" in text(client.get("/measures/KPM-1.1/"))  # the latest final value is still the latest
    for url in ("/measures/DRAFT-1/", "/measures/DRAFT-1/values.csv"):
        assert client.get(url).status_code == 404


def test_a_provisional_value_does_not_change_the_status(client, real_plan):
    kpm_41 = Measure.objects.get(code="KPM-1.4")
    ReportedValueFactory(
        measure=kpm_41,
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
        value=Decimal(90),
        status=ReportedValue.Status.PROVISIONAL,
    )
    assert "KPM-1.4" in codes_listed(client.get(f"{STATUS}?status=on_track"))


# ---- a measure's page -----------------------------------------------------------------------------------


def test_measure_page_says_what_the_measure_is_and_how_it_is_going(client, real_plan):
    response = client.get("/measures/KPM-1.1/")
    assert response.status_code == 200
    page = text(response)
    for expected in (
        "Violent offences resulting in injury",
        "Reduction in violent offences resulting in injury below figure for 2021/22 (4,404 offences).",
        "Definition Not yet published",
        "Source Not stated in the plan",
        "Baseline 4,404 (2021/22)",
        "Target Below 4,404 (2021/22 baseline)",
        "Which way is better Lower is better",
        "Lead partner Not stated in the plan",
        "Status Off track",
        "Off track: 4,612 in 2023/24 (illustrative) is above the target of below 4,404 (2021/22 baseline); "
        "lower is better",
        "Direction of travel Getting worse: up from 4,520 in 2022/23 to 4,612 in 2023/24",
    ):
        assert expected in page, expected
    assert '<strong class="govuk-tag govuk-tag--red">Off track</strong>' in response.text
    assert 'href="/plans/2022-2027/tackling-violence-abuse-and-exploitation/"' in response.text


def test_measure_page_chart_and_table_show_the_same_values(client, real_plan):
    html = client.get("/measures/KPM-1.1/").text
    svg = re.search(r"<svg[^>]*kcpp-chart--wide.*?</svg>", html, flags=re.S).group(0)
    assert 'role="img"' in svg
    title = re.search(r'<title id="chart-wide-title">(.*?)</title>', svg).group(1)
    summary = text(re.search(r'<desc id="chart-wide-summary">(.*?)</desc>', svg, flags=re.S).group(1))
    assert title == "Violent offences resulting in injury: reported values for Kirklees"
    assert "2 reported values, 2022/23 to 2023/24" in summary
    assert "Latest: 4,612 in 2023/24 (illustrative)" in summary
    assert "Target: Below 4,404 (2021/22 baseline)" in summary
    rows = table_rows(html, "values-table")
    assert [row[:3] for row in rows] == [
        ["2022/23", "4,520 Illustrative", "Off track"],
        ["2023/24", "4,612 Illustrative", "Off track"],
    ]
    point_labels = re.findall(r'<text class="kcpp-chart__label[^"]*"[^>]*text-anchor="middle">([\d,.%]+)</text>', svg)
    assert point_labels == ["4,520", "4,612"]
    # The value axis from zero, and the target, the same as the baseline, labelled with its value.
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert labels[0] == "0" and "Target = baseline" in labels and "4,404" in labels
    assert svg.count("kcpp-chart__point--illustrative") == 3  # two points and the key
    assert "Illustrative value" in svg
    assert "style=" not in svg


def test_measure_page_marks_illustrative_values_and_real_ones_are_not_marked(client, real_plan):
    page = text(client.get("/measures/KPM-1.1/"))
    assert "Figures marked “illustrative” are sample data" in page
    for value in ReportedValue.objects.filter(measure__code="KPM-1.1"):
        value.is_illustrative, value.note = False, ""
        value.save()
    response = client.get("/measures/KPM-1.1/")
    assert "illustrative" not in text(response).lower()
    assert "kcpp-chart__point--illustrative" not in response.text


def test_measure_page_shows_values_by_locality_where_reported_by_place(client, localities):
    html = client.get("/measures/KPM-2.6/").text
    header = re.search(r'id="locality-table".*?</thead>', html, flags=re.S).group(0)
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', header) == [
        "Period",
        "North Kirklees test locality",
        "East Kirklees test locality",
        "South Kirklees test locality",
        "West Kirklees test locality",
        "Kirklees",
    ]
    assert table_rows(html, "locality-table") == [
        [
            "2023/24",
            "512 Illustrative",
            "455 Illustrative",
            "781 Illustrative",
            "240 Illustrative",
            "1,988 Illustrative",
        ]
    ]
    # The main series stays Kirklees-wide.
    assert [row[0] for row in table_rows(html, "values-table")] == ["2022/23", "2023/24"]
    assert "values by locality" not in text(client.get("/measures/KPM-1.1/")).lower()


def test_a_locality_that_has_not_reported_says_no_data(client, localities):
    ReportedValue.objects.filter(measure__code="KPM-2.6", locality__slug="west-kirklees-test-locality").delete()
    rows = table_rows(client.get("/measures/KPM-2.6/").text, "locality-table")
    assert rows[0][1:] == ["512 Illustrative", "455 Illustrative", "781 Illustrative", "No data", "1,988 Illustrative"]


def test_measure_page_without_values_says_so_plainly_with_no_empty_chart(client, real_plan):
    response = client.get("/measures/KPM-2.2/")
    page = text(response)
    assert "No final figures have been reported for this measure yet. The baseline is 5,131 (2021/22)." in page
    assert "No data yet: no value has been reported since the 2021/22 baseline of 5,131" in page
    assert "<svg" not in response.text.split("<main")[1]
    assert "values-table" not in response.text
    assert "Download these values as CSV" not in page
    assert "illustrative" not in page.lower()


def test_a_measure_by_locality_without_values_says_so(client, localities):
    page = text(client.get("/measures/KPM-2.8/"))
    assert "No final figures by locality have been reported for this measure yet." in page


def test_measure_page_explains_a_target_not_yet_set(client, real_plan):
    page = text(client.get("/measures/KPM-1.2/"))
    assert "Target not set: the target is to mirror the West Yorkshire Police and Crime Plan 2021-2024" in page
    assert "Which way is better Lower is better" in page


def test_measure_of_an_archived_edition_is_public_and_says_it_was_replaced(client, real_plan):
    archived = PlanEdition.objects.filter(status=PublicationStatus.ARCHIVED).first()
    MeasureFactory(priority=archived.priorities.first(), code="OLD-1", title="An old measure")
    response = client.get("/measures/OLD-1/")
    assert response.status_code == 200
    assert f"This measure belongs to the {archived.title}, which is no longer the current plan." in text(response)
    assert "OLD-1" not in client.get(STATUS).text


@pytest.mark.parametrize(
    "url",
    [
        "/measures/NOPE/",
        "/measures/kpm-1.1/",
        "/measures/KPM-1.1%20/",
        "/measures/%3Cscript%3E/",
        "/measures/KPM-1.1/extra/",
        "/measures/NOPE/values.csv",
        "/measures/KPM-1.1/values.xlsx",
        "/measures/status.xlsx",
    ],
)
def test_unknown_measures_and_addresses_are_not_found(client, real_plan, url):
    assert client.get(url, follow=True).status_code == 404


def test_absolute_urls_lead_to_the_public_measure_page(real_plan):
    measure = Measure.objects.get(code="KPM-1.1")
    assert measure.get_absolute_url() == "/measures/KPM-1.1/"
    assert measure.values.first().get_absolute_url() == "/measures/KPM-1.1/"


def test_sitemap_lists_the_status_page_and_every_public_measure(client, localities):
    add_draft_and_provisional_data()
    xml = sitemap(client)
    assert "/measures/</loc>" in xml
    for measure in Measure.objects.public():
        assert f"/measures/{measure.code}/</loc>" in xml
    assert "DRAFT-1" not in xml
