from datetime import date
from decimal import Decimal

from django.utils.html import escape

from core.admin_testing import (
    add_inline_rows,
    admin_url,
    changelist_queries,
    form_errors,
    log_in_staff,
    post_back,
)
from measures.models import Measure, ReportedValue
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.tests.factories import LocalityFactory, PriorityFactory, PublishedEditionFactory

# ---- the measure list and page show the computed status -------------------------------------------


def measure_with_history(**kwargs):
    """A measure (lower is better, below the 4,404 baseline) with two final values and a newer provisional one."""
    measure = MeasureFactory(**kwargs)
    ReportedValueFactory(measure=measure, period_start=date(2021, 4, 1), period_end=date(2022, 3, 31), value=4500)
    ReportedValueFactory(measure=measure, period_start=date(2022, 4, 1), period_end=date(2023, 3, 31), value=4000)
    ReportedValueFactory(
        measure=measure,
        period_start=date(2023, 4, 1),
        period_end=date(2024, 3, 31),
        value=4600,
        status=ReportedValue.Status.PROVISIONAL,
    )
    return measure


def test_measure_list_shows_status_trend_and_latest_final_value(officer_client):
    measure_with_history(code="KPM-1.1")
    MeasureFactory(code="KPM-1.2")  # no values yet

    response = officer_client.get(admin_url(Measure, "changelist"))

    rows = {measure.code: measure for measure in response.context["cl"].result_list}
    assert rows["KPM-1.1"].status.label == "On track"
    content = response.content.decode()
    assert "On track" in content
    assert "Improving" in content
    assert "4,000 in 2022/23" in content
    assert "No data yet" in content
    assert "Below 4,404 (2021/22 baseline)" in content


def test_measure_list_costs_the_same_queries_for_3_measures_as_for_30(officer_client):
    priority = PriorityFactory()
    for _ in range(3):
        measure_with_history(priority=priority)
    few, few_rows = changelist_queries(officer_client, Measure)
    for _ in range(27):
        measure_with_history(priority=PriorityFactory())
    many, many_rows = changelist_queries(officer_client, Measure)

    assert (few_rows, many_rows) == (3, 30)
    assert many == few


def test_measure_page_explains_status_target_and_baseline(officer_client):
    measure = measure_with_history()

    response = officer_client.get(admin_url(Measure, "change", measure.pk))

    content = response.content.decode()
    assert "On track: 4,000 in 2022/23 is below the target of below 4,404 (2021/22 baseline)" in content
    assert "Improving: down from 4,500 in 2021/22 to 4,000 in 2022/23" in content
    # The provisional 2023/24 figure would change the picture; officers see that, the public does not.
    assert "Off track: 4,600 in 2023/24 is above the target" in content
    assert "Below 4,404 (2021/22 baseline)" in content
    assert "4,404 (2021/22)" in content


def test_measure_page_says_when_no_provisional_value_changes_the_status(officer_client):
    measure = MeasureFactory()
    ReportedValueFactory(measure=measure)

    response = officer_client.get(admin_url(Measure, "change", measure.pk))

    assert "The same: there is no newer provisional value." in response.content.decode()


def test_values_under_a_measure_are_newest_first(officer_client):
    measure = MeasureFactory()
    for year in (2021, 2023, 2022):
        ReportedValueFactory(measure=measure, period_start=date(year, 4, 1), period_end=date(year + 1, 3, 31))

    response = officer_client.get(admin_url(Measure, "change", measure.pk))

    content = response.content.decode()
    inline = content[content.index('id="values-group"') :]
    positions = [inline.index(f'value="{label}"') for label in ("2023/24", "2022/23", "2021/22")]
    assert positions == sorted(positions)


# ---- adding and validating ------------------------------------------------------------------------


def measure_data(officer_client, **changes):
    page = officer_client.get(admin_url(Measure, "add"))
    fields = {
        "priority": str(PriorityFactory().pk),
        "number": "1",
        "code": "KPM-2.1",
        "title": "Domestic abuse repeat victims",
        "plan_wording": "Reduce repeat victims below 60%",
        "unit": "percent",
        "decimal_places": "1",
        "direction": "lower",
        "target_kind": "below_threshold",
        "target_value": "60",
    }
    return post_back(page, **{**fields, **changes})


def test_officer_adds_a_measure_with_a_threshold_target(officer_client):
    response = officer_client.post(admin_url(Measure, "add"), measure_data(officer_client))

    assert response.status_code == 302
    measure = Measure.objects.get(code="KPM-2.1")
    assert measure.target_text == "Below 60.0%"


def test_a_threshold_target_without_a_value_is_refused_with_the_reason(officer_client):
    response = officer_client.post(admin_url(Measure, "add"), measure_data(officer_client, target_value=None))

    assert response.status_code == 200
    message = "A target 'below a fixed threshold' needs a value."
    assert message in form_errors(response)
    assert escape(message) in response.content.decode()
    assert not Measure.objects.exists()


def test_a_target_against_the_direction_is_refused_with_the_reason(officer_client):
    response = officer_client.post(admin_url(Measure, "add"), measure_data(officer_client, direction="higher"))

    assert response.status_code == 200
    assert "A target 'below a fixed threshold' contradicts 'higher is better'." in form_errors(response)
    assert not Measure.objects.exists()


def value_data(officer_client, measure, **changes):
    page = officer_client.get(admin_url(ReportedValue, "add"))
    fields = {
        "measure": str(measure.pk),
        "period_start": "2022-04-01",
        "period_end": "2023-03-31",
        "value": "4120",
        "status": "final",
    }
    return post_back(page, **{**fields, **changes})


def test_officer_adds_a_value_and_its_period_label_is_filled_in(officer_client):
    measure = MeasureFactory()

    response = officer_client.post(admin_url(ReportedValue, "add"), value_data(officer_client, measure))

    assert response.status_code == 302
    value = measure.values.get()
    assert (value.period_label, value.value) == ("2022/23", Decimal("4120"))


def test_a_value_with_too_many_decimals_is_refused_with_the_reason(officer_client):
    measure = MeasureFactory(code="KPM-1.1", decimal_places=0)

    response = officer_client.post(admin_url(ReportedValue, "add"), value_data(officer_client, measure, value="4120.5"))

    assert response.status_code == 200
    message = (
        "KPM-1.1 is reported to 0 decimal places; 4120.5 has more. Round it, or change the measure's decimal places."
    )
    assert message in form_errors(response)
    assert escape(message) in response.content.decode()
    assert not ReportedValue.objects.exists()


def test_a_locality_value_for_a_measure_not_reported_by_locality_is_refused(officer_client):
    measure = MeasureFactory(code="KPM-1.1", reported_by_locality=False)
    locality = LocalityFactory(name="Huddersfield")

    response = officer_client.post(
        admin_url(ReportedValue, "add"), value_data(officer_client, measure, locality=str(locality.pk))
    )

    assert response.status_code == 200
    assert any("KPM-1.1 is not reported by locality" in message for message in form_errors(response))
    assert "KPM-1.1 is not reported by locality" in response.content.decode()
    assert not ReportedValue.objects.exists()


def test_a_locality_value_is_accepted_for_a_measure_reported_by_locality(officer_client):
    measure = MeasureFactory(reported_by_locality=True)
    locality = LocalityFactory(name="Huddersfield")

    response = officer_client.post(
        admin_url(ReportedValue, "add"), value_data(officer_client, measure, locality=str(locality.pk))
    )

    assert response.status_code == 302
    assert measure.values.get().locality == locality


def test_values_added_under_a_measure_are_validated_against_it(officer_client):
    measure = MeasureFactory(code="KPM-1.1", decimal_places=0)
    page = officer_client.get(admin_url(Measure, "change", measure.pk))
    data = add_inline_rows(
        post_back(page),
        "values",
        {"period_start": "2022-04-01", "period_end": "2023-03-31", "value": "4120.5", "status": "final"},
    )

    response = officer_client.post(admin_url(Measure, "change", measure.pk), data)

    assert response.status_code == 200
    assert any("KPM-1.1 is reported to 0 decimal places" in message for message in form_errors(response))
    assert not measure.values.exists()


def test_values_entered_with_a_new_measure_are_checked_against_it(officer_client):
    too_precise = {"period_start": "2022-04-01", "period_end": "2023-03-31", "value": "47.25", "status": "final"}
    data = add_inline_rows(measure_data(officer_client), "values", too_precise)

    response = officer_client.post(admin_url(Measure, "add"), data)

    assert response.status_code == 200
    assert "KPM-2.1 is reported to 1 decimal places; 47.25 has more." in response.content.decode()
    assert not Measure.objects.exists()
    assert not ReportedValue.objects.exists()


def test_a_new_measure_and_its_first_values_are_saved_together(officer_client):
    value = {"period_start": "2022-04-01", "period_end": "2023-03-31", "value": "47.2", "status": "final"}
    data = add_inline_rows(measure_data(officer_client), "values", value)

    response = officer_client.post(admin_url(Measure, "add"), data)

    assert response.status_code == 302
    assert Measure.objects.get(code="KPM-2.1").values.get().value == Decimal("47.2")


def test_values_added_under_a_measure_are_saved(officer_client):
    measure = MeasureFactory()
    page = officer_client.get(admin_url(Measure, "change", measure.pk))
    data = add_inline_rows(
        post_back(page),
        "values",
        {"period_start": "2022-04-01", "period_end": "2023-03-31", "value": "4120", "status": "final"},
    )

    response = officer_client.post(admin_url(Measure, "change", measure.pk), data)

    assert response.status_code == 302
    assert measure.values.get().period_label == "2022/23"


def test_value_list_filters_by_the_measures_priority(officer_client):
    wanted = ReportedValueFactory(measure__code="KPM-1.1")
    ReportedValueFactory(measure__code="KPM-2.1")

    response = officer_client.get(
        admin_url(ReportedValue, "changelist"), {"measure__priority__id__exact": wanted.measure.priority_id}
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]
    assert "Kirklees" in response.content.decode()


# ---- officer groups -------------------------------------------------------------------------------


def test_performance_officer_adds_a_value(client, django_user_model):
    log_in_staff(client, django_user_model, "Performance officers")
    measure = MeasureFactory()

    response = client.post(admin_url(ReportedValue, "add"), value_data(client, measure))

    assert response.status_code == 302
    assert measure.values.count() == 1


def test_performance_officer_changes_a_measures_target(client, django_user_model):
    log_in_staff(client, django_user_model, "Performance officers")
    measure = MeasureFactory(tolerance=None)
    page = client.get(admin_url(Measure, "change", measure.pk))

    response = client.post(admin_url(Measure, "change", measure.pk), post_back(page, tolerance="50"))

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.tolerance == 50


def test_plan_editor_sees_values_but_cannot_add_or_delete_them(client, django_user_model):
    log_in_staff(client, django_user_model, "Plan editors")
    value = ReportedValueFactory(status=ReportedValue.Status.PROVISIONAL)

    assert client.get(admin_url(ReportedValue, "changelist")).status_code == 200
    assert client.get(admin_url(ReportedValue, "add")).status_code == 403
    assert client.post(admin_url(ReportedValue, "delete", value.pk), {"post": "yes"}).status_code == 403
    assert ReportedValue.objects.filter(pk=value.pk).exists()


def test_governance_officer_cannot_change_a_measure(client, django_user_model):
    log_in_staff(client, django_user_model, "Governance officers")
    measure = MeasureFactory(title="Old title")

    assert client.get(admin_url(Measure, "add")).status_code == 403
    assert client.post(admin_url(Measure, "change", measure.pk), {"title": "New title"}).status_code == 403
    measure.refresh_from_db()
    assert measure.title == "Old title"


def test_view_on_site_leads_to_the_public_page_only_once_it_is_public(officer_client):
    published = MeasureFactory(priority__edition=PublishedEditionFactory(), code="KPM-9.1")
    draft = MeasureFactory(code="KPM-9.2")

    public_page = officer_client.get(admin_url(Measure, "change", published.pk)).content.decode()
    draft_page = officer_client.get(admin_url(Measure, "change", draft.pk)).content.decode()

    assert 'href="/measures/KPM-9.1/" class="viewsitelink"' in public_page
    assert "viewsitelink" not in draft_page
