from datetime import date
from decimal import Decimal

import factory

from measures.models import Direction, Measure, ReportedValue, TargetKind
from priorities.tests.factories import PriorityFactory


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
