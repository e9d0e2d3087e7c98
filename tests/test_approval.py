"""Four eyes: a figure, its commentary and a progress update become public only when a second officer approves.

Tried as the officers do it in the admin: a performance officer enters a value with its commentary, a
publisher approves it (one at a time, or several from the list after a page saying what will be
published), nobody approves their own, and correcting a final value asks why, which the public then
reads beside the figure on the measure's page, the status page and the downloads.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django.utils.dateformat import format as format_date

from core.admin_testing import admin_url, form_errors, post_back
from core.tests.factories import UserFactory
from measures.models import Measure, ReportedValue
from measures.tests.factories import MeasureFactory, ReportedValueFactory
from priorities.models import Action, ProgressUpdate
from priorities.tests.factories import ActionFactory, ProgressUpdateFactory, PublishedEditionFactory

pytestmark = pytest.mark.django_db

TODAY = format_date(timezone.localdate(), "j F Y")


def signed_in(*jobs, name):
    user = UserFactory(username=name, is_staff=True)
    user.groups.set(Group.objects.filter(name__in=jobs))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def reporter():
    return signed_in("Performance officers", name="reporter")


@pytest.fixture
def publisher():
    return signed_in("Publishers", name="publisher")


@pytest.fixture
def public_measure():
    return MeasureFactory(priority__edition=PublishedEditionFactory(), code="KPM-9.1", title="Burglaries")


def enter_value(client, measure, value="120", commentary="", year=2024):
    page = client.get(admin_url(ReportedValue, "add"))
    data = post_back(
        page,
        measure=str(measure.pk),
        period=f"{year}-04-01/{year + 1}-03-31",
        value=value,
        commentary=commentary,
    )
    response = client.post(admin_url(ReportedValue, "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return measure.values.get(period_start=date(year, 4, 1))


def approve_in_bulk(client, model, records, *, confirm=True):
    """The list's "Approve the selected" action, then (if `confirm`) the confirmation page's button."""
    data = {"action": "approve_selected", "_selected_action": [record.pk for record in records]}
    page = client.post(admin_url(model, "changelist"), data)
    if not confirm:
        return page
    return client.post(admin_url(model, "changelist"), {**data, "confirm": "yes"}, follow=True)


def public_text(path):
    return re.sub(r"\s+", " ", Client().get(path).content.decode())


def test_a_value_entered_is_provisional_and_unseen_until_a_second_officer_approves_it(
    reporter, publisher, public_measure
):
    officer, client = reporter
    value = enter_value(client, public_measure, "4612", "Rise due to a change in recording practice.")

    assert (value.status, value.entered_by) == (ReportedValue.Status.PROVISIONAL, officer)
    assert "4,612" not in public_text(public_measure.get_absolute_url())
    assert "Rise due to a change in recording practice." not in public_text("/measures/")

    approver, approver_client = publisher
    confirmation = approve_in_bulk(approver_client, ReportedValue, [value], confirm=False)
    page = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "To be published" in page and "KPM-9.1, 2024/25" in page and "4,612" in page
    assert "Rise due to a change in recording practice." in page
    value.refresh_from_db()
    assert value.status == ReportedValue.Status.PROVISIONAL  # nothing happens before the officer confirms

    done = approve_in_bulk(approver_client, ReportedValue, [value])
    assert "1 reported value approved as final: now shown publicly." in done.content.decode()
    value.refresh_from_db()
    assert (value.status, value.approved_by, value.entered_by) == (ReportedValue.Status.FINAL, approver, officer)
    assert value.history.latest().history_change_reason == "Approved as final by a second officer"
    measure_page = public_text(public_measure.get_absolute_url())
    assert "4,612" in measure_page and "Rise due to a change in recording practice." in measure_page
    assert "Rise due to a change in recording practice." in public_text("/measures/")
    assert "Rise due to a change in recording practice." in public_text("/measures/?page=all")  # the print view


def test_an_officer_cannot_approve_their_own_value_one_at_a_time_or_in_bulk(public_measure):
    _, client = signed_in("Performance officers", "Publishers", name="both-jobs")
    own = enter_value(client, public_measure, "10", year=2023)
    anothers = ReportedValueFactory(measure=public_measure, year=2024, status=ReportedValue.Status.PROVISIONAL)
    anothers.entered_by = UserFactory(username="colleague", is_staff=True)
    anothers.save()

    # One at a time: the page offers no button, and the approval page refuses and says why.
    change_page = client.get(admin_url(ReportedValue, "change", own.pk)).content.decode()
    assert "Approve as final" not in change_page
    approve_url = f"{admin_url(ReportedValue, 'change', own.pk).removesuffix('change/')}approve/"
    single = client.get(approve_url).content.decode()
    assert "You entered or last changed it, so another officer must approve it." in single
    assert "Yes, approve and publish" not in single
    client.post(approve_url, {"confirm": "yes"})
    own.refresh_from_db()
    assert own.status == ReportedValue.Status.PROVISIONAL

    # In bulk: only the colleague's is approved; their own is listed as not approved, with the reason.
    page = approve_in_bulk(client, ReportedValue, [own, anothers], confirm=False).content.decode()
    refused = page.split("Not approved", 1)[1]
    assert "KPM-9.1, 2023/24" in refused and "another officer must approve it" in refused
    approve_in_bulk(client, ReportedValue, [own, anothers])
    own.refresh_from_db()
    anothers.refresh_from_db()
    assert (own.status, anothers.status) == (ReportedValue.Status.PROVISIONAL, ReportedValue.Status.FINAL)


def test_a_superuser_cannot_approve_their_own_either(public_measure, officer_client, officer):
    value = enter_value(officer_client, public_measure, "10")
    approve_in_bulk(officer_client, ReportedValue, [value])
    value.refresh_from_db()
    assert (value.entered_by, value.status) == (officer, ReportedValue.Status.PROVISIONAL)


def test_only_a_publisher_approves(reporter, public_measure):
    _, client = reporter
    value = ReportedValueFactory(measure=public_measure, status=ReportedValue.Status.PROVISIONAL)

    listing = client.get(admin_url(ReportedValue, "changelist")).content.decode()
    assert "approve_selected" not in listing
    approve_url = f"{admin_url(ReportedValue, 'change', value.pk).removesuffix('change/')}approve/"
    assert client.post(approve_url, {"confirm": "yes"}).status_code == 403
    value.refresh_from_db()
    assert value.status == ReportedValue.Status.PROVISIONAL


def test_one_value_approved_from_its_own_page(reporter, publisher, public_measure):
    _, client = reporter
    value = enter_value(client, public_measure, "77")
    approver, approver_client = publisher

    change_page = approver_client.get(admin_url(ReportedValue, "change", value.pk)).content.decode()
    assert "Approve as final" in change_page
    assert "Provisional, not shown publicly: entered or last changed by reporter" in change_page
    approve_url = f"{admin_url(ReportedValue, 'change', value.pk).removesuffix('change/')}approve/"
    assert "Yes, approve and publish" in approver_client.get(approve_url).content.decode()
    approver_client.post(approve_url, {"confirm": "yes"})

    value.refresh_from_db()
    assert (value.status, value.approved_by) == (ReportedValue.Status.FINAL, approver)
    after = approver_client.get(admin_url(ReportedValue, "change", value.pk)).content.decode()
    assert "Final, shown publicly: approved by publisher on" in after


def test_correcting_a_final_value_asks_why_and_the_public_reads_the_reason_once_approved(
    reporter, publisher, public_measure
):
    value = ReportedValueFactory(measure=public_measure, year=2023, value=Decimal("4404"))
    _, client = reporter
    page = client.get(admin_url(ReportedValue, "change", value.pk))

    refused = client.post(admin_url(ReportedValue, "change", value.pk), post_back(page, value="4012"))
    assert refused.status_code == 200
    assert "Say why it is corrected" in refused.content.decode()
    value.refresh_from_db()
    assert (value.value, value.status) == (Decimal("4404"), ReportedValue.Status.FINAL)  # nothing changed

    reason = "figure restated by West Yorkshire Police"
    corrected = client.post(
        admin_url(ReportedValue, "change", value.pk), post_back(page, value="4012", correction_reason=reason)
    )
    assert corrected.status_code == 302
    value.refresh_from_db()
    assert (value.value, value.status, value.revision_reason) == (
        Decimal("4012"),
        ReportedValue.Status.PROVISIONAL,
        reason,
    )
    assert value.history.filter(revision_reason=reason).exists()  # kept in the history

    approve_in_bulk(publisher[1], ReportedValue, [value])
    revised = f"Revised on {TODAY}: {reason}"
    assert revised in public_text(public_measure.get_absolute_url())
    assert revised in public_text("/measures/")
    rows = list(csv.DictReader(io.StringIO(Client().get("/measures/values.csv").getvalue().decode())))
    row = next(row for row in rows if row["measure_code"] == "KPM-9.1")
    assert (row["value"], row["revised_on"], row["revision_reason"]) == (
        "4012",
        timezone.localdate().isoformat(),
        reason,
    )
    status = list(csv.DictReader(io.StringIO(Client().get("/measures/status.csv").getvalue().decode())))
    assert next(row for row in status if row["measure_code"] == "KPM-9.1")["revision"] == revised
    api = Client().get("/api/v1/values/", {"measure": "KPM-9.1"}).json()["results"][0]
    assert (api["revision_reason"], api["revised_on"]) == (reason, timezone.localdate().isoformat())


def test_commentary_is_in_the_status_csv_and_the_api(reporter, publisher, public_measure):
    value = enter_value(reporter[1], public_measure, "300", "Fewer reports over the summer.")
    approve_in_bulk(publisher[1], ReportedValue, [value])

    status = list(csv.DictReader(io.StringIO(Client().get("/measures/status.csv").getvalue().decode())))
    assert next(row for row in status if row["measure_code"] == "KPM-9.1")["commentary"] == (
        "Fewer reports over the summer."
    )
    values = list(csv.DictReader(io.StringIO(Client().get("/measures/KPM-9.1/values.csv").getvalue().decode())))
    assert [row["commentary"] for row in values] == ["Fewer reports over the summer."]
    api = Client().get("/api/v1/values/", {"measure": "KPM-9.1"}).json()["results"]
    assert [item["commentary"] for item in api] == ["Fewer reports over the summer."]


def test_restoring_an_old_version_from_the_history_needs_approval_again(reporter, publisher, public_measure):
    value = ReportedValueFactory(measure=public_measure, value=Decimal("10"), status=ReportedValue.Status.PROVISIONAL)
    value.approve(publisher[0])
    value.save()
    value.value = Decimal("12")
    value.enter(reporter[0], correction_reason="typo")
    value.save()
    first_final = value.history.filter(value=Decimal("10"), status="final").latest()
    _, client = reporter

    revert = admin_url(ReportedValue, "simple_history", value.pk, first_final.history_id)
    response = client.post(revert, post_back(client.get(revert)))

    assert response.status_code == 302, form_errors(response)
    value.refresh_from_db()
    assert (value.value, value.status, value.entered_by) == (Decimal("10"), "provisional", reporter[0])


# ---- progress updates --------------------------------------------------------------------------------


def test_a_progress_update_is_public_only_once_a_second_officer_approves_it(reporter, publisher):
    action = ActionFactory(priority__edition=PublishedEditionFactory(), text="Run the summer campaign")
    ProgressUpdateFactory(action=action, date=date(2024, 1, 10), status=Action.Status.ON_TRACK)
    officer, client = reporter
    page = client.get(admin_url(ProgressUpdate, "add"))
    data = post_back(
        page, action=str(action.pk), date="2024-06-01", status="at_risk", commentary="Funding is late this year."
    )
    assert client.post(admin_url(ProgressUpdate, "add"), data).status_code == 302
    update = action.updates.get(date=date(2024, 6, 1))
    assert (update.approval, update.entered_by) == ("provisional", officer)
    assert "Funding is late this year." not in public_text(action.get_absolute_url())
    assert Action.objects.with_status().get(pk=action.pk).status == Action.Status.ON_TRACK

    # The reporter may not approve it (not a publisher); a publisher who did not enter it may.
    approve_in_bulk(client, ProgressUpdate, [update])
    update.refresh_from_db()
    assert update.approval == "provisional"
    approve_in_bulk(publisher[1], ProgressUpdate, [update])
    update.refresh_from_db()
    assert update.approval == "final"
    assert "Funding is late this year." in public_text(action.get_absolute_url())
    assert Action.objects.with_status().get(pk=action.pk).status == Action.Status.AT_RISK
    api = Client().get(f"/api/v1/actions/{action.pk}/").json()
    assert api["updates"][0]["commentary"] == "Funding is late this year."


def test_a_publisher_cannot_approve_a_progress_update_they_entered():
    officer, client = signed_in("Performance officers", "Publishers", name="both")
    action = ActionFactory(priority__edition=PublishedEditionFactory())
    page = client.get(admin_url(ProgressUpdate, "add"))
    data = post_back(page, action=str(action.pk), date="2024-06-01", status="on_track", commentary="Started.")
    client.post(admin_url(ProgressUpdate, "add"), data)
    update = action.updates.get()

    approve_in_bulk(client, ProgressUpdate, [update])

    update.refresh_from_db()
    assert (update.approval, update.entered_by) == ("provisional", officer)


def test_saving_a_measure_leaves_its_final_values_as_they_were(officer_client, public_measure):
    value = ReportedValueFactory(measure=public_measure, value=Decimal("4612"))
    page = officer_client.get(admin_url(Measure, "change", public_measure.pk))

    response = officer_client.post(
        admin_url(Measure, "change", public_measure.pk), post_back(page, title="Burglaries (all)")
    )

    assert response.status_code == 302, form_errors(response)
    value.refresh_from_db()
    assert (value.value, value.status, value.entered_by) == (Decimal("4612"), ReportedValue.Status.FINAL, None)
