import html
import re
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
    assert "On track (improving)" in content
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
    chosen = re.findall(
        r'<select name="values-\d+-period".*?<option value="[^"]*" selected>([^<]*)</option>', inline, re.S
    )
    assert chosen == ["2023/24: the whole year", "2022/23: the whole year", "2021/22: the whole year"]


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


def test_a_performance_officer_cannot_change_a_measures_target_and_a_plan_editor_can(client, django_user_model):
    log_in_staff(client, django_user_model, "Performance officers")
    measure = MeasureFactory(tolerance=None)
    page = client.get(admin_url(Measure, "change", measure.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    assert client.post(admin_url(Measure, "change", measure.pk), {"tolerance": "50"}).status_code == 403
    measure.refresh_from_db()
    assert measure.tolerance is None

    log_in_staff(client, django_user_model, "Plan editors")
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


# ---- figures written as the public pages write them ------------------------------------------------------


def test_a_figure_is_shown_as_typed_on_the_forms_and_as_the_public_pages_write_it_elsewhere(officer_client):
    value = ReportedValueFactory(measure__code="KPM-1.1", value=Decimal("4980"))
    measure = value.measure

    value_page = officer_client.get(admin_url(ReportedValue, "change", value.pk)).content.decode()
    measure_page = officer_client.get(admin_url(Measure, "change", measure.pk)).content.decode()
    value_list = officer_client.get(admin_url(ReportedValue, "changelist")).content.decode()

    assert 'name="value" value="4980"' in value_page
    assert 'name="baseline_value" value="4404"' in measure_page
    assert 'name="values-0-value" value="4980"' in measure_page
    assert '<td class="field-value_text">4,980</td>' in value_list
    for content in (value_page, measure_page, value_list):
        assert "4980.000" not in content
        assert "4404.000" not in content


def test_an_officer_who_may_only_view_figures_reads_them_as_the_public_pages_write_them(client, django_user_model):
    log_in_staff(client, django_user_model, "Governance officers")
    value = ReportedValueFactory(value=Decimal("4980"))
    value.measure.target_kind, value.measure.target_value = "below_threshold", Decimal("4500.5")
    value.measure.decimal_places = 1
    value.measure.save()

    value_page = client.get(admin_url(ReportedValue, "change", value.pk)).content.decode()
    measure_page = client.get(admin_url(Measure, "change", value.measure.pk)).content.decode()

    assert 'name="_save"' not in value_page + measure_page  # view only
    assert '<div class="readonly">4,980.0</div>' in value_page
    assert '<div class="readonly">4,404.0</div>' in measure_page  # the baseline
    assert '<div class="readonly">4,500.5</div>' in measure_page  # the target
    assert "<p>4,980.0</p>" in measure_page  # the value, in the table of values
    assert ".000" not in value_page + measure_page


def test_the_history_of_a_measure_writes_its_figures_as_the_public_pages_do(officer_client):
    measure = MeasureFactory(target_kind="below_threshold", target_value=Decimal("4000"))
    page = officer_client.get(admin_url(Measure, "change", measure.pk))
    officer_client.post(admin_url(Measure, "change", measure.pk), post_back(page, target_value="3900"))

    content = officer_client.get(admin_url(Measure, "history", measure.pk)).content.decode()

    assert '<th scope="col">Target value</th>' in content
    assert "<td>3,900</td>" in content
    assert re.search(r"<strong>Target value:</strong>\s+4,000\s+&nbsp;&rarr;&nbsp;&nbsp;3,900", content)
    assert ".000" not in content


# ---- a reported value named by its measure's code and its period -----------------------------------------


def test_a_reported_value_is_named_by_its_measure_and_period_wherever_it_is_shown(officer_client):
    value = ReportedValueFactory(
        measure__code="KPM-1.1", year=2023, value=Decimal("4612"), status=ReportedValue.Status.PROVISIONAL
    )
    name = "KPM-1.1, 2023/24"
    pages = {
        "list": officer_client.get(admin_url(ReportedValue, "changelist")),
        "change": officer_client.get(admin_url(ReportedValue, "change", value.pk)),
        "history": officer_client.get(admin_url(ReportedValue, "history", value.pk)),
        "delete": officer_client.get(admin_url(ReportedValue, "delete", value.pk)),
        "measure deleted": officer_client.get(admin_url(Measure, "delete", value.measure.pk)),
    }
    text = {page: response.content.decode() for page, response in pages.items()}

    assert f'<a href="{admin_url(ReportedValue, "change", value.pk)}">{name}</a>' in text["list"]
    assert f"<h2>{name}</h2>" in text["change"]
    assert f"History of {name}" in text["history"]
    assert f">{name}</a>" in text["history"].split('id="change-history"')[1]
    assert f"Are you sure you want to delete the reported value “{name}”?" in text["delete"]
    assert (
        f'Reported value: <a href="{admin_url(ReportedValue, "change", value.pk)}">{name}</a>'
        in (text["measure deleted"])
    )
    for page, content in text.items():
        assert "2023/24: 4,612" not in content, page


def test_a_localitys_value_is_named_with_its_locality(officer_client):
    value = ReportedValueFactory(
        measure__code="KPM-2.6", measure__reported_by_locality=True, locality=LocalityFactory(name="Huddersfield")
    )

    response = officer_client.get(admin_url(ReportedValue, "changelist"))

    assert "KPM-2.6, 2022/23, Huddersfield" in response.content.decode()
    assert value.locality.name == "Huddersfield"


# ---- the illustrative flag: only where sample data was loaded on purpose --------------------------------


def test_the_illustrative_flag_is_never_on_the_forms_officers_fill_in(officer_client):
    real = ReportedValueFactory()
    measure = real.measure

    for url in (
        admin_url(ReportedValue, "add"),
        admin_url(ReportedValue, "change", real.pk),
        admin_url(Measure, "change", measure.pk),
    ):
        content = officer_client.get(url).content.decode()
        assert "is_illustrative" not in content, url
        assert "Illustrative" not in content, url

    data = value_data(officer_client, measure, period_start="2023-04-01", period_end="2024-03-31")
    response = officer_client.post(admin_url(ReportedValue, "add"), {**data, "is_illustrative": "on"})
    assert response.status_code == 302
    assert not ReportedValue.objects.filter(is_illustrative=True).exists()


def test_an_illustrative_value_says_so_read_only(officer_client):
    value = ReportedValueFactory(is_illustrative=True, value=Decimal("4612"))

    page = officer_client.get(admin_url(ReportedValue, "change", value.pk))
    listed = officer_client.get(admin_url(ReportedValue, "changelist")).content.decode()

    content = page.content.decode()
    assert "Yes: a made-up figure, loaded as sample data to show how the pages work, not a real one." in content
    assert 'name="is_illustrative"' not in content
    assert "4,612 (illustrative)" in listed
    response = officer_client.post(
        admin_url(ReportedValue, "change", value.pk), post_back(page, value="4613", correction_reason="Sample redone.")
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.value, value.is_illustrative, value.status) == (
        Decimal("4613"),
        True,
        ReportedValue.Status.PROVISIONAL,
    )


# ---- a value's period chosen from the financial years and quarters ----------------------------------------


def period_data(officer_client, measure, **changes):
    return value_data(officer_client, measure, **{"period_start": None, "period_end": None, **changes})


def test_the_period_is_chosen_from_the_financial_years_and_their_quarters(officer_client):
    content = officer_client.get(admin_url(ReportedValue, "add")).content.decode()

    assert '<option value="2024-04-01/2025-03-31">2024/25: the whole year</option>' in content
    assert '<option value="2024-04-01/2024-06-30">2024/25 Q1: April to June 2024</option>' in content
    assert '<option value="2025-01-01/2025-03-31">2024/25 Q4: January to March 2025</option>' in content
    assert '<option value="other">Other dates: give the first and last day below</option>' in content


def test_choosing_a_quarter_fills_in_its_dates_and_label(officer_client):
    measure = MeasureFactory()

    response = officer_client.post(
        admin_url(ReportedValue, "add"), period_data(officer_client, measure, period="2024-04-01/2024-06-30")
    )

    assert response.status_code == 302, form_errors(response)
    value = measure.values.get()
    assert (value.period_start, value.period_end, value.period_label) == (
        date(2024, 4, 1),
        date(2024, 6, 30),
        "2024/25 Q1",
    )


def test_a_period_of_other_dates_is_given_by_its_first_and_last_day(officer_client):
    measure = MeasureFactory()
    data = period_data(officer_client, measure, period="other", period_start="2024-01-01", period_end="2024-12-31")

    response = officer_client.post(admin_url(ReportedValue, "add"), data)

    assert response.status_code == 302, form_errors(response)
    assert measure.values.get().period_label == "2024"


def refused(officer_client, measure, message, **changes):
    response = officer_client.post(admin_url(ReportedValue, "add"), period_data(officer_client, measure, **changes))
    assert response.status_code == 200
    assert message in form_errors(response)
    assert message in html.unescape(response.content.decode())
    assert not ReportedValue.objects.exists()


def test_a_period_that_is_missing_or_contradicted_is_refused_with_the_reason(officer_client):
    measure = MeasureFactory()

    refused(officer_client, measure, "Choose the period the figure is for.")
    refused(
        officer_client,
        measure,
        "You chose 2024/25 Q1 and also gave other dates. Choose “Other dates” to use the dates, or clear them to "
        "use the period chosen.",
        period="2024-04-01/2024-06-30",
        period_start="2024-04-01",
        period_end="2025-03-31",
    )
    refused(officer_client, measure, "Give its last day.", period="other", period_start="2024-04-01")
    refused(officer_client, measure, "Choose a period from the list, or “Other dates”.", period="2024-04-01/2024-05-31")


def test_changing_a_values_period_fills_in_its_new_label(officer_client):
    value = ReportedValueFactory(year=2022)
    page = officer_client.get(admin_url(ReportedValue, "change", value.pk))
    content = page.content.decode()
    assert '<option value="2022-04-01/2023-03-31" selected>2022/23: the whole year</option>' in content
    assert 'name="period_start" value="' not in content  # the dates are for other periods only

    response = officer_client.post(
        admin_url(ReportedValue, "change", value.pk),
        post_back(page, period="2023-04-01/2024-03-31", correction_reason="The figure was for 2023/24."),
    )

    assert response.status_code == 302, form_errors(response)
    value.refresh_from_db()
    assert (value.period_start, value.period_label) == (date(2023, 4, 1), "2023/24")


def test_a_value_added_under_its_measure_has_its_period_chosen_too(officer_client):
    measure = MeasureFactory()
    page = officer_client.get(admin_url(Measure, "change", measure.pk))
    data = add_inline_rows(
        post_back(page), "values", {"period": "2023-10-01/2023-12-31", "value": "1020", "status": "final"}
    )

    response = officer_client.post(admin_url(Measure, "change", measure.pk), data)

    assert response.status_code == 302, form_errors(response)
    assert measure.values.get().period_label == "2023/24 Q3"


def test_saving_a_value_names_it_in_the_message_and_the_recent_actions(officer_client):
    value = ReportedValueFactory(measure__code="KPM-1.1", year=2023)
    page = officer_client.get(admin_url(ReportedValue, "change", value.pk))

    response = officer_client.post(
        admin_url(ReportedValue, "change", value.pk),
        post_back(page, value="4013", correction_reason="Restated by West Yorkshire Police."),
        follow=True,
    )

    assert "The reported value “<a href=" in response.content.decode()
    assert ">KPM-1.1, 2023/24</a>” was changed successfully." in response.content.decode()
    assert "KPM-1.1, 2023/24" in officer_client.get("/admin/").content.decode()  # Recent actions


def test_deleting_a_provisional_value_names_it_in_the_message(officer_client):
    value = ReportedValueFactory(measure__code="KPM-1.1", year=2023, status=ReportedValue.Status.PROVISIONAL)

    response = officer_client.post(admin_url(ReportedValue, "delete", value.pk), {"post": "yes"}, follow=True)

    assert "The reported value “KPM-1.1, 2023/24” was deleted successfully." in response.content.decode()
    assert not ReportedValue.objects.exists()
