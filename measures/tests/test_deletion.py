"""Deleting measures and values from the admin: refused where the public can see them or records depend on them."""

from datetime import date

from core.admin_testing import admin_url, form_errors, post_back
from measures.models import Measure, ReportedValue
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.tests.factories import PriorityFactory, PublishedEditionFactory

PROVISIONAL = ReportedValue.Status.PROVISIONAL


def test_a_measure_with_values_cannot_be_deleted(officer_client):
    value = ReportedValueFactory(status=PROVISIONAL)
    url = admin_url(Measure, "delete", value.measure.pk)

    page = officer_client.get(url)
    content = page.content.decode()
    assert "would require deleting the following protected related objects" in content
    assert "Reported value" in content
    assert "Yes, I’m sure" not in content

    response = officer_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Measure.objects.filter(pk=value.measure.pk).exists()


def test_a_measure_in_the_published_plan_cannot_be_deleted(officer_client):
    measure = MeasureFactory(code="KPM-1.1", priority=PriorityFactory(edition=PublishedEditionFactory()))

    response = officer_client.post(admin_url(Measure, "delete", measure.pk), {"post": "yes"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "You cannot delete the measure" in content
    assert "is part of the published plan edition" in content
    assert "Correct it by editing it, or make the change in a new draft edition." in content
    assert "set the edition back to draft" not in content  # that would take the whole plan off the site
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_a_draft_measure_without_values_is_deleted(officer_client):
    measure = MeasureFactory()

    response = officer_client.post(admin_url(Measure, "delete", measure.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()


def test_a_final_value_cannot_be_deleted_and_the_officer_is_told_what_to_do(officer_client):
    value = ReportedValueFactory(measure__code="KPM-1.1", value=4000)

    response = officer_client.post(admin_url(ReportedValue, "delete", value.pk), {"post": "yes"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "The 2022/23 value of KPM-1.1 (4,000) is final" in content
    assert "Correct the figure by editing it" in content
    assert "the correction goes to a second officer for approval" in content
    assert ReportedValue.objects.filter(pk=value.pk).exists()


def test_a_provisional_value_is_deleted(officer_client):
    value = ReportedValueFactory(status=PROVISIONAL)

    response = officer_client.post(admin_url(ReportedValue, "delete", value.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not ReportedValue.objects.filter(pk=value.pk).exists()


def test_bulk_delete_is_refused_if_any_selected_value_is_final(officer_client):
    measure = MeasureFactory()
    provisional = ReportedValueFactory(measure=measure, status=PROVISIONAL)
    final = ReportedValueFactory(measure=measure, period_start=date(2023, 4, 1), period_end=date(2024, 3, 31))

    response = officer_client.post(
        admin_url(ReportedValue, "changelist"),
        {"action": "delete_selected", "_selected_action": [provisional.pk, final.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert "You cannot delete the selected reported values" in response.content.decode()
    assert ReportedValue.objects.count() == 2


def test_bulk_delete_of_provisional_values_works(officer_client):
    measure = MeasureFactory()
    values = [
        ReportedValueFactory(
            measure=measure, status=PROVISIONAL, period_start=date(y, 4, 1), period_end=date(y + 1, 3, 31)
        )
        for y in (2022, 2023)
    ]

    response = officer_client.post(
        admin_url(ReportedValue, "changelist"),
        {"action": "delete_selected", "_selected_action": [v.pk for v in values], "post": "yes"},
    )

    assert response.status_code == 302
    assert not ReportedValue.objects.exists()


def delete_value_under_measure(client, value):
    page = client.get(admin_url(Measure, "change", value.measure.pk))
    data = post_back(page)
    row = next(
        i for i, form in enumerate(page.context["inline_admin_formsets"][0].formset.forms) if form.instance == value
    )
    data[f"values-{row}-DELETE"] = "on"
    return client.post(admin_url(Measure, "change", value.measure.pk), data)


def test_a_final_value_cannot_be_deleted_from_the_measure_page(officer_client):
    value = ReportedValueFactory(measure__code="KPM-1.1")

    response = delete_value_under_measure(officer_client, value)

    assert response.status_code == 200
    assert any("value of KPM-1.1 (4,000) is final" in message for message in form_errors(response))
    assert "value of KPM-1.1 (4,000) is final" in response.content.decode()
    assert ReportedValue.objects.filter(pk=value.pk).exists()


def test_a_provisional_value_is_deleted_from_the_measure_page(officer_client):
    value = ReportedValueFactory(status=PROVISIONAL)

    response = delete_value_under_measure(officer_client, value)

    assert response.status_code == 302
    assert not ReportedValue.objects.filter(pk=value.pk).exists()
