from datetime import date

import factory

from governance.models import (
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Document,
    KeyDecision,
    Meeting,
    Membership,
    Minutes,
    StatutoryDuty,
)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    kind = Body.Kind.BOARD


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    name = factory.Faker("name")
    role = Membership.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    date = date(2023, 7, 25)
    status = Meeting.Status.HELD


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    agenda_item = factory.SubFactory(AgendaItemFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "That the report be noted."


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Faker("name")


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory)
    text = "The Board met."
    status = Minutes.Status.PUBLISHED


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    meeting = factory.SubFactory(MeetingFactory)
    title = "Report"
    url = "https://example.org/report.pdf"


class StatutoryDutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatutoryDuty

    body = factory.SubFactory(BodyFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Duty {n}")


class KeyDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyDecision

    title = "Adopt the plan"
    summary = "The plan."
    decision_maker = factory.SubFactory(BodyFactory)
    due_date = date(2022, 9, 20)
