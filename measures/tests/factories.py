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

    measure = factory.SubFactory(MeasureFactory)
    period_start = date(2022, 4, 1)
    period_end = date(2023, 3, 31)
    value = Decimal("4000")
    status = ReportedValue.Status.FINAL
