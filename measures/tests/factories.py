from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify

from measures.models import Direction, Measure, ReportedValue, ScrutinySnapshot, TargetKind
from priorities.tests.factories import LocalityFactory, PriorityFactory


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    priority = factory.SubFactory(PriorityFactory)
    number = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"T-{n}")
    title = factory.Sequence(lambda n: f"Measure {n}")
    plan_wording = factory.LazyAttribute(lambda m: f"{m.title}, as the plan words it")
    direction = Direction.LOWER
    target_kind = TargetKind.BELOW_BASELINE
    baseline_value = Decimal("4404")
    baseline_period = "2021/22"
    baseline_period_end = date(2022, 3, 31)


class ReportedValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedValue

    class Params:
        year = 2022  # the financial year the value is for, from 1 April: 2022 is 2022/23

    measure = factory.SubFactory(MeasureFactory)
    period_start = factory.LazyAttribute(lambda value: date(value.year, 4, 1))
    period_end = factory.LazyAttribute(lambda value: date(value.year + 1, 3, 31))
    value = Decimal("4000")
    status = ReportedValue.Status.FINAL


# The plan speaks of "the 4 localities" but names none, so the real plan loads none: officers add them.
# Tests that need localities add these, named plainly as test data, with made-up 2023/24 figures for
# the real plan's KPM-2.6 (vehicle offences, reported by locality) that add up to its illustrative
# Kirklees-wide figure of 1,988. In this order (`Locality.order`), which is the order pages list them in.
TEST_LOCALITIES = {
    "North Kirklees test locality": Decimal("512"),
    "East Kirklees test locality": Decimal("455"),
    "South Kirklees test locality": Decimal("781"),
    "West Kirklees test locality": Decimal("240"),
}


def add_test_localities():
    """Add the four `TEST_LOCALITIES` to the real plan, each with its final 2023/24 value of KPM-2.6.

    The values are flagged illustrative, as made-up figures are wherever the site shows them. Returns
    the localities, in order; each one's slug is its name slugified, e.g. south-kirklees-test-locality.
    """
    kpm_26 = Measure.objects.get(code="KPM-2.6")
    localities = []
    for order, (name, value) in enumerate(TEST_LOCALITIES.items(), start=1):
        locality = LocalityFactory(name=name, slug=slugify(name), order=order)
        ReportedValueFactory(measure=kpm_26, locality=locality, year=2023, value=value, is_illustrative=True)
        localities.append(locality)
    return localities


class ScrutinySnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScrutinySnapshot

    # By its dotted path: the measures app's code never imports governance, which sits beside it.
    meeting = factory.SubFactory("governance.tests.factories.MeetingFactory")
    title = factory.Sequence(lambda n: f"As reported to Overview and Scrutiny, report {n}")
    edition_title = "Kirklees Communities Partnership Plan 2022-2027"
    taken_at = factory.LazyFunction(timezone.now)
    rows = factory.LazyFunction(list)
