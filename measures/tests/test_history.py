"""Who corrected a figure and when: the audit trail scrutiny asks for."""

import re

from core.admin_testing import admin_url, post_back
from measures.models import Measure, ReportedValue
from measures.tests.factories import MeasureFactory, ReportedValueFactory


def test_correcting_a_final_value_records_the_officer_and_both_figures(officer_client, officer):
    value = ReportedValueFactory(value=4000)
    page = officer_client.get(admin_url(ReportedValue, "change", value.pk))

    response = officer_client.post(
        admin_url(ReportedValue, "change", value.pk),
        post_back(page, value="4012", correction_reason="Figure restated by West Yorkshire Police."),
    )

    assert response.status_code == 302
    latest = value.history.latest()
    assert (latest.history_user, latest.value, latest.revision_reason) == (
        officer,
        4012,
        "Figure restated by West Yorkshire Police.",
    )

    history = officer_client.get(admin_url(ReportedValue, "history", value.pk))
    content = history.content.decode()
    assert history.status_code == 200
    assert ">officer</a>" in content
    assert re.search(r"<strong>Value:</strong>\s+4,000\s+&nbsp;&rarr;&nbsp;&nbsp;4,012", content)
    assert "Figure restated by West Yorkshire Police." in content


def test_changing_a_target_shows_the_target_kinds_by_name(officer_client):
    measure = MeasureFactory()
    page = officer_client.get(admin_url(Measure, "change", measure.pk))
    officer_client.post(
        admin_url(Measure, "change", measure.pk), post_back(page, target_kind="below_threshold", target_value="4000")
    )

    history = officer_client.get(admin_url(Measure, "history", measure.pk))

    content = history.content.decode()
    assert re.search(r"Below the baseline\s+&nbsp;&rarr;&nbsp;&nbsp;Below a fixed threshold", content)
    assert measure.history.latest().history_user.username == "officer"
