import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from core.testing import body, text
from measures import status as rules
from measures.models import Measure, ReportedValue, period_label_for
from measures.status import MeasureStatus
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.tests.factories import LocalityFactory, PublishedEditionFactory

pytestmark = pytest.mark.django_db

FY = {year: (date(year, 4, 1), date(year + 1, 3, 31)) for year in range(2019, 2026)}


def add_value(measure, year, value, **fields):
    start, end = FY[year]
    return ReportedValueFactory(measure=measure, period_start=start, period_end=end, value=Decimal(value), **fields)


def annotated(measure, **options):
    return Measure.objects.with_latest(**options).get(pk=measure.pk)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode())))


def public_measure(**fields):
    """A measure of the published edition: the public sees its final values."""
    return MeasureFactory(priority__edition=PublishedEditionFactory(), **fields)


def test_status_uses_the_latest_final_kirklees_wide_value():
    measure = public_measure(reported_by_locality=True)  # below 4,404, lower is better
    add_value(measure, 2022, 4500)
    add_value(measure, 2023, 4100)
    add_value(measure, 2024, 4900, status=ReportedValue.Status.PROVISIONAL)
    add_value(measure, 2024, 9999, locality=LocalityFactory())

    m = annotated(measure)
    assert m.latest_reading.value == Decimal(4100)
    assert m.latest_reading.period_label == "2023/24"
    assert m.status.code == MeasureStatus.ON_TRACK
    assert m.status.explanation.startswith("On track: 4,100 in 2023/24 is below the target of below 4,404")
    assert m.travel.explanation == "Improving: down from 4,500 in 2022/23 to 4,100 in 2023/24"


def test_provisional_values_count_only_when_asked_for():
    measure = public_measure()
    add_value(measure, 2023, 4100)
    add_value(measure, 2024, 4900, status=ReportedValue.Status.PROVISIONAL)

    assert annotated(measure).status.code == MeasureStatus.ON_TRACK
    with_provisional = annotated(measure, values=ReportedValue.objects.all())
    assert with_provisional.status.code == MeasureStatus.OFF_TRACK
    assert "4,900 in 2024/25" in with_provisional.status.explanation


def test_a_draft_editions_values_are_not_published_but_officers_see_its_status():
    measure = MeasureFactory()  # of a draft edition
    add_value(measure, 2023, 4100)

    assert annotated(measure).status.code == MeasureStatus.NO_DATA
    assert annotated(measure, values=ReportedValue.objects.final()).status.code == MeasureStatus.ON_TRACK


def test_a_measure_with_no_values_has_no_data_yet():
    m = annotated(MeasureFactory())
    assert m.latest_reading is None
    assert m.status.code == MeasureStatus.NO_DATA


def test_status_without_the_annotation_says_how_to_get_it():
    measure = MeasureFactory()
    with pytest.raises(AttributeError, match="with_latest"):
        _ = Measure.objects.get(pk=measure.pk).status


def test_listing_statuses_costs_one_query_whatever_the_number_of_measures():
    def count_queries():
        with CaptureQueriesContext(connection) as context:
            statuses = [m.status.code for m in Measure.objects.with_latest()]
        return len(context.captured_queries), len(statuses)

    for year in (2022, 2023):
        add_value(MeasureFactory(), year, 4000)
    few = count_queries()
    for _ in range(20):
        measure = MeasureFactory()
        for year in (2021, 2022, 2023):
            add_value(measure, year, 4000 + year)
    many = count_queries()
    assert few == (1, 2)
    assert many == (1, 22)


# ---- reported values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (date(2022, 4, 1), date(2023, 3, 31), "2022/23"),
        (date(2023, 4, 1), date(2023, 6, 30), "2023/24 Q1"),
        (date(2023, 10, 1), date(2023, 12, 31), "2023/24 Q3"),
        (date(2024, 1, 1), date(2024, 3, 31), "2023/24 Q4"),
        (date(2021, 1, 1), date(2021, 12, 31), "2021"),
        (date(2023, 4, 1), date(2023, 5, 31), "1 Apr 2023 to 31 May 2023"),
    ],
)
def test_period_labels_follow_uk_public_sector_conventions(start, end, label):
    assert period_label_for(start, end) == label


def test_a_value_gets_its_label_from_its_dates_unless_one_is_given():
    measure = MeasureFactory()
    assert add_value(measure, 2022, 1).period_label == "2022/23"
    start, end = FY[2023]
    named = ReportedValueFactory(measure=measure, period_start=start, period_end=end, period_label="Survey 2023")
    assert named.period_label == "Survey 2023"


def clean_errors(value):
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    return error.value.message_dict


def test_a_locality_value_needs_a_measure_reported_by_locality():
    value = ReportedValue(
        measure=MeasureFactory(reported_by_locality=False),
        locality=LocalityFactory(),
        period_start=date(2023, 4, 1),
        period_end=date(2024, 3, 31),
        value=Decimal(10),
    )
    assert "not reported by locality" in clean_errors(value)["locality"][0]


def test_a_value_with_more_decimals_than_the_measure_is_refused():
    measure = MeasureFactory(decimal_places=1, unit=Measure.Unit.PERCENT)
    value = ReportedValue(
        measure=measure, period_start=date(2023, 4, 1), period_end=date(2024, 3, 31), value=Decimal("47.25")
    )
    assert "1 decimal places" in clean_errors(value)["value"][0]


@pytest.mark.parametrize(
    ("unit", "amount", "message"), [("percent", "101", "between 0 and 100"), ("count", "-1", "cannot be negative")]
)
def test_impossible_values_are_refused(unit, amount, message):
    value = ReportedValue(
        measure=MeasureFactory(unit=unit),
        period_start=date(2023, 4, 1),
        period_end=date(2024, 3, 31),
        value=Decimal(amount),
    )
    assert message in clean_errors(value)["value"][0]


def test_a_period_cannot_end_before_it_starts():
    value = ReportedValue(
        measure=MeasureFactory(), period_start=date(2024, 4, 1), period_end=date(2023, 3, 31), value=Decimal(1)
    )
    assert "cannot end before it starts" in str(clean_errors(value))


def test_the_database_keeps_one_kirklees_value_per_period_and_one_per_locality():
    measure = MeasureFactory(reported_by_locality=True)
    locality = LocalityFactory()
    add_value(measure, 2023, 1)
    add_value(measure, 2023, 2, locality=locality)
    with pytest.raises(IntegrityError), transaction.atomic():
        add_value(measure, 2023, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        add_value(measure, 2023, 4, locality=locality)
    assert measure.values.count() == 2


def test_a_measure_with_values_cannot_be_deleted():
    measure = MeasureFactory()
    add_value(measure, 2023, 1)
    with pytest.raises(ProtectedError):
        measure.delete()
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_baseline_period_end_follows_from_the_baseline_period():
    assert MeasureFactory(baseline_period="2021/22", baseline_period_end=None).baseline_period_end == date(2022, 3, 31)
    assert MeasureFactory(baseline_period="2021", baseline_period_end=None).baseline_period_end == date(2021, 12, 31)


# ---- a status is judged on figures for the measure's own reporting period ----------------------------

QUARTER = {(2023, 1): (date(2023, 4, 1), date(2023, 6, 30)), (2024, 1): (date(2024, 4, 1), date(2024, 6, 30))}
TARGETS = {
    "below_baseline": {},
    "above_baseline": {"direction": "higher", "baseline_value": Decimal(100)},
    "below_threshold": {"target_value": Decimal(4000)},
    "above_threshold": {"direction": "higher", "baseline_value": Decimal(100), "target_value": Decimal(150)},
    "change_per_year": {"target_value": Decimal(10)},
    "set_elsewhere": {"target_value": Decimal(4000), "target_set_by": "West Yorkshire Police and Crime Plan"},
    "not_set": {"baseline_value": None, "baseline_period": "", "baseline_period_end": None},
}


def add_period(measure, start, end, value):
    return ReportedValueFactory(measure=measure, period_start=start, period_end=end, value=Decimal(value))


@pytest.mark.parametrize("frequency", ["annual", "quarterly", ""])
@pytest.mark.parametrize("target_kind", list(TARGETS))
def test_a_status_is_judged_only_on_figures_for_its_own_period(target_kind, frequency):
    """Every kind of target, with each frequency: a newer figure for a shorter period never sets the status."""
    measure = public_measure(target_kind=target_kind, reporting_frequency=frequency, **TARGETS[target_kind])
    if frequency == "quarterly":
        judged = [add_period(measure, *QUARTER[(2023, 1)], 4300), add_period(measure, *QUARTER[(2024, 1)], 4500)]
        # A full year that ends after the latest quarter is not a quarter: it neither sets nor shows.
        add_period(measure, date(2023, 7, 1), date(2024, 6, 30), 9000)
        shorter = add_period(measure, date(2024, 7, 1), date(2024, 7, 31), 250)
    else:
        judged = [add_value(measure, 2022, 4300), add_value(measure, 2023, 4500)]
        shorter = add_period(measure, *QUARTER[(2024, 1)], 250)

    m = annotated(measure)
    readings = [value.reading for value in judged]
    expected = rules.assess(m, readings[1], readings[0])
    assert (m.status.code, m.status.explanation) == (expected.code, expected.explanation)
    assert m.latest_reading.period_label == judged[1].period_label
    assert m.year_to_date.period_label == shorter.period_label
    assert "250" not in m.status.explanation


def test_a_quarter_of_an_annual_measure_shows_as_the_year_to_date_beside_the_annual_status(client):
    measure = public_measure(reporting_frequency="annual")  # below 4,404, lower is better
    add_value(measure, 2023, 4100)
    add_period(measure, *QUARTER[(2024, 1)], 250)

    page = text(client.get(measure.get_absolute_url()))
    assert "On track: 4,100 in 2023/24 is below the target" in page
    assert "Year to date 250 in 2024/25 Q1" in page
    assert "Full-year figures: it is reported annually" in page
    row = next(row for row in csv_rows(client.get(f"{measure.get_absolute_url()}values.csv")) if row["value"] == "250")
    assert row["status"] == ""
    api = client.get(f"/api/v1/measures/{measure.code}/").json()
    assert api["latest_value"]["period"] == "2023/24"
    assert api["year_to_date"]["period"] == "2024/25 Q1"
    assert api["judged_on"] == {"period": "year", "explanation": "Full-year figures: it is reported annually"}


def test_an_unstated_frequency_is_judged_like_the_baseline_and_says_so():
    measure = public_measure(reporting_frequency="")
    add_value(measure, 2023, 4100)
    add_period(measure, *QUARTER[(2024, 1)], 9999)

    m = annotated(measure)
    assert m.status.code == MeasureStatus.ON_TRACK
    assert m.judged_on[1] == "Full-year figures, like its baseline: the plan does not say how often it is reported"


def test_with_no_frequency_or_baseline_most_of_its_figures_say_which_period():
    measure = public_measure(reporting_frequency="", **TARGETS["not_set"])
    add_period(measure, *QUARTER[(2023, 1)], 70)
    add_period(measure, *QUARTER[(2024, 1)], 60)
    add_value(measure, 2024, 240)  # one full year, newer than the quarters

    m = annotated(measure)
    assert m.judged_on == (
        "quarter",
        "Quarterly figures, like most of its figures: the plan does not say how often it is reported",
    )
    assert m.latest_reading.period_label == "2024/25 Q1"
    assert m.previous_reading.period_label == "2023/24 Q1"
    assert m.year_to_date is None
    assert rules.judged_on(m, ["quarter", "quarter", "year"])[0] == m.judged_on[0]
    assert rules.most_common_kind(["year", "quarter"]) == "quarter"  # a tie goes to the newer


def test_the_kind_of_period_is_worked_out_from_the_dates():
    measure = public_measure()
    kinds = [
        add_period(measure, date(2022, 4, 1), date(2023, 3, 31), 1).period_kind,
        add_period(measure, date(2024, 1, 1), date(2024, 12, 31), 1).period_kind,
        add_period(measure, date(2023, 10, 1), date(2023, 12, 31), 1).period_kind,
        add_period(measure, date(2024, 2, 1), date(2024, 2, 29), 1).period_kind,
        add_period(measure, date(2023, 4, 1), date(2023, 9, 30), 1).period_kind,
    ]
    assert kinds == ["year", "year", "quarter", "month", "other"]
