"""Loading the plan over a database in use: records found by their keys, corrections reaching what is
still as loaded, officers' changes kept, and what the sources do not support retired with care.

Each test loads a copy of the fixtures it can change, as a fixture correction would change them.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from core.admin_testing import admin_url, post_back
from core.models import Sourced
from governance.models import Body, Meeting
from measures.models import Measure, ReportedValue
from priorities.models import Locality, PartnerOrganisation, PlanEdition, Priority, Theme

pytestmark = pytest.mark.django_db

LOCALITY = """
localities = [{ key = "test-north", slug = "north", name = "North", source = "{plan}, Introduction" }]
"""


@pytest.fixture
def fixtures(tmp_path):
    """A copy of the project's fixtures, to change as a correction would."""
    copy = tmp_path / "fixtures"
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures", copy)
    return copy


def edit(fixtures, name, old, new):
    path = fixtures / name
    text = path.read_text()
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1))


def with_a_locality(fixtures):
    edit(fixtures, "partnership.toml", "\npartners = [", LOCALITY + "\npartners = [")


def load(fixtures, capsys=None):
    call_command("loadplan", fixtures=fixtures, verbosity=2)
    return capsys.readouterr().out if capsys else None


def sourced_models():
    return [model for model in apps.get_models() if issubclass(model, Sourced)]


def test_every_loaded_record_has_a_key_and_names_its_source(db):
    call_command("loadplan", illustrative=True, verbosity=0)
    for model in sourced_models():
        records = model.objects.all()
        assert not records.filter(fixture_key=None).exists(), model.__name__
        assert not records.filter(source="").exists(), model.__name__
    measure = Measure.objects.get(code="KPM-3.2")
    assert measure.provenance == (
        "Kirklees Communities Partnership Plan 2022-2027, Strategic Priority 3, Key Performance measures."
    )


def test_a_correction_reaches_a_field_no_officer_changed_and_keeps_one_an_officer_did(fixtures, capsys):
    load(fixtures)
    priority = Priority.objects.get(edition__slug="2022-2027", number=2)
    priority.short_title = "Safer neighbourhoods"  # an officer's own short name for the priority
    priority.save()
    measure = Measure.objects.get(code="KPM-2.7")
    assert measure.plan_wording.startswith("Reduce Total Crime")
    edit(fixtures, "plan-2022-2027.toml", '"Neighbourhood Crime & ASB"', '"ASB and Neighbourhood Crime"')
    edit(fixtures, "plan-2022-2027.toml", '"Reduce Total Crime below', '"Reduce total crime below')

    out = load(fixtures, capsys)

    measure.refresh_from_db()
    priority.refresh_from_db()
    assert measure.plan_wording.startswith("Reduce total crime below")
    assert measure.history.first().history_change_reason == "Corrected from the source documents"
    assert priority.short_title == "Safer neighbourhoods"
    assert "corrected 1 measures" in out
    assert "Kept 1 officers' changes" in out and "short title" in out


def test_after_an_officer_renames_a_locality_loading_again_keeps_it_and_adds_none(fixtures, capsys):
    with_a_locality(fixtures)
    load(fixtures)
    locality = Locality.objects.get()
    locality.name, locality.slug = "North Kirklees", "north-kirklees"
    locality.save()

    out = load(fixtures, capsys)

    assert list(Locality.objects.values_list("name", "slug")) == [("North Kirklees", "north-kirklees")]
    assert "Kept 2 officers' changes" in out


def test_after_an_officer_renames_a_partner_in_the_admin_loading_again_makes_no_duplicate(
    fixtures, officer_client, capsys
):
    load(fixtures)
    partner = PartnerOrganisation.objects.get(name="Canal and River Trust")
    page = officer_client.get(admin_url(PartnerOrganisation, "change", partner.pk))
    assert "Kirklees Communities Partnership Plan 2022-2027, Strategic Priority 4" in page.content.decode()
    response = officer_client.post(page.request["PATH_INFO"], post_back(page, name="The Canal & River Trust"))
    assert response.status_code == 302
    count = PartnerOrganisation.objects.count()

    load(fixtures, capsys)

    partner.refresh_from_db()
    assert partner.name == "The Canal & River Trust"
    assert PartnerOrganisation.objects.count() == count
    assert partner.provenance.startswith("Kirklees Communities Partnership Plan 2022-2027, Strategic Priority 4")
    assert "Changed by an officer on" in partner.provenance


def test_records_loaded_before_keys_existed_are_found_by_their_old_names_and_given_keys(fixtures):
    load(fixtures)
    Body.objects.update(fixture_key=None, source="")
    count = Body.objects.count()

    load(fixtures)

    assert Body.objects.count() == count
    assert not Body.objects.filter(fixture_key=None).exists()
    assert Body.objects.get(slug="cabinet").source.startswith("Kirklees Communities Partnership Plan 2022-2027")


def test_a_retired_record_goes_only_while_still_as_loaded_and_unreferenced(fixtures, capsys):
    """KPM-3.6 was the editors' placeholder for measures to come, which earlier fixtures loaded as a measure."""
    load(fixtures)
    priority = Priority.objects.get(edition__slug="2022-2027", number=3)
    placeholder = Measure(priority=priority, number=6, code="KPM-3.6", title="ICF measures", plan_wording="x")
    placeholder._change_reason = "Loaded from the source documents"
    placeholder.save()
    kept = Measure(priority=priority, number=7, code="KPM-3.6", title="An officer's", plan_wording="y")

    load(fixtures, capsys)
    assert not Measure.objects.filter(code="KPM-3.6").exists()
    assert Measure.objects.count() == 23

    kept.save()  # entered by an officer: no loader history, so never retired
    out = load(fixtures, capsys)
    assert Measure.objects.filter(code="KPM-3.6").exists()
    assert "KPM-3.6" in out and "for an officer to decide" in out


def test_a_retired_record_with_values_an_officer_entered_is_left_and_reported(fixtures, capsys):
    load(fixtures)
    priority = Priority.objects.get(edition__slug="2022-2027", number=3)
    placeholder = Measure(priority=priority, number=6, code="KPM-3.6", title="ICF measures", plan_wording="x")
    placeholder._change_reason = "Loaded from the source documents"
    placeholder.save()
    ReportedValue.objects.create(
        measure=placeholder, period_start=date(2023, 4, 1), period_end=date(2024, 3, 31), value=5, status="final"
    )

    out = load(fixtures, capsys)

    assert Measure.objects.filter(code="KPM-3.6").exists()
    assert "other records refer to it" in out


def test_a_fixture_naming_an_unknown_document_is_refused_and_changes_nothing(fixtures):
    load(fixtures)
    edit(fixtures, "partnership.toml", 'source = "{web_page}"', 'source = "{webpage}"')
    before = Body.objects.get(slug="safer-dewsbury-town-centre-group").source
    with pytest.raises(Exception, match="unknown document"):
        load(fixtures)
    assert Body.objects.get(slug="safer-dewsbury-town-centre-group").source == before


def test_an_officer_entered_edition_says_so(officer_client):
    page = officer_client.get(admin_url(PlanEdition, "add"))
    data = post_back(page, title="Draft plan 2027-2032", slug="2027-2032", start_year="2027", end_year="2032")
    response = officer_client.post(admin_url(PlanEdition, "add"), data)
    assert response.status_code == 302, response.content
    edition = PlanEdition.objects.get(slug="2027-2032")
    assert not edition.is_loaded
    assert edition.provenance.startswith("Entered by an officer on ")


def test_localities_an_earlier_loader_invented_go_unless_an_officer_changed_them(fixtures, capsys):
    """Earlier fixtures loaded four localities no source names, before localities kept a history."""
    load(fixtures)
    Locality.objects.bulk_create(  # as the earlier loader left them: no history rows
        [
            Locality(name="Rural", slug="rural", order=4),
            Locality(name="Huddersfield North", slug="huddersfield", order=3),  # an officer renamed it
        ]
    )

    out = load(fixtures, capsys)

    assert list(Locality.objects.values_list("name", flat=True)) == ["Huddersfield North"]
    assert "removed 1 localities" in out
    assert "Huddersfield North" in out and "for an officer to decide" in out


def test_a_record_an_officer_deleted_is_not_brought_back(fixtures, capsys):
    load(fixtures)
    theme = Theme.objects.get(fixture_key="edition:2022-2027/priority:1/theme:1")
    theme.delete()  # an officer's deletion: the history records it without the loader's reason

    out = load(fixtures, capsys)

    assert not Theme.objects.filter(fixture_key="edition:2022-2027/priority:1/theme:1").exists()
    assert "Left out, as an officer deleted them" in out and "theme:1" in out


def test_a_record_the_fixtures_drop_is_reported_and_retired_only_when_listed(fixtures, capsys):
    load(fixtures)
    path = fixtures / "partnership.toml"
    text = path.read_text()
    start = text.index('[[bodies]]\nkey = "safer-dewsbury-town-centre-group"')
    end = text.index("[[meetings]]", start)
    path.write_text(text[:start] + text[end:])

    out = load(fixtures, capsys)
    assert Body.objects.filter(slug="safer-dewsbury-town-centre-group").exists()
    assert "the fixtures no longer load it" in out

    with (fixtures / "sources.toml").open("a") as file:
        file.write(
            '\n[[retired]]\nmodel = "governance.body"\n'
            'lookup = { fixture_key = "body:safer-dewsbury-town-centre-group" }\nwhy = "a test"\n'
        )
    out = load(fixtures, capsys)
    assert not Body.objects.filter(slug="safer-dewsbury-town-centre-group").exists()
    assert "removed 1 bodies" in out


def test_an_officers_own_record_of_a_loaded_meeting_is_linked_once_and_keeps_the_officers_fields(fixtures, capsys):
    load(fixtures)
    board = Body.objects.get(slug="communities-board")
    edit(
        fixtures,
        "partnership.toml",
        "[[meetings]]\n",
        '[[meetings]]\nkey = "communities-board/2024-01-09"\nbody = "communities-board"\ndate = 2024-01-09\n'
        'precision = "day"\nstatus = "held"\nsource = "{web_page}"\n\n[[meetings]]\n',
    )
    mine = Meeting.objects.create(body=board, date=date(2024, 1, 9), location="Huddersfield Town Hall")

    load(fixtures, capsys)
    load(fixtures, capsys)

    mine.refresh_from_db()
    assert Meeting.objects.filter(body=board, date=date(2024, 1, 9)).count() == 1
    assert (mine.fixture_key, mine.location) == ("meeting:communities-board/2024-01-09", "Huddersfield Town Hall")
    assert mine.source == "Kirklees Council web page on the Kirklees Community Safety Partnership"


def test_with_its_early_history_pruned_an_officers_change_is_still_kept(fixtures):
    load(fixtures)
    measure = Measure.objects.get(code="KPM-1.1")
    measure.title = "Violence with injury"  # an officer's title
    measure.record_officer_edit()
    measure.save()
    measure.history.order_by("history_date").first().delete()  # as clean_old_history would
    edit(fixtures, "plan-2022-2027.toml", 'title = "Violent offences resulting in injury"', 'title = "Corrected"')

    load(fixtures)

    measure.refresh_from_db()
    assert measure.title == "Violence with injury"


def test_saving_a_loaded_text_unchanged_in_the_admin_is_no_change(fixtures, officer_client):
    load(fixtures)
    priority = Priority.objects.get(edition__slug="2022-2027", number=1)
    url = admin_url(Priority, "change", priority.pk)
    page = officer_client.get(url)
    data = post_back(page)
    # A browser sends a textarea's line breaks as \r\n.
    data = {name: value.replace("\n", "\r\n") if isinstance(value, str) else value for name, value in data.items()}
    assert officer_client.post(url, data).status_code == 302

    priority.refresh_from_db()
    assert "\r" not in priority.sia_summary
    assert priority.officer_changed_at is None
    edit(fixtures, "plan-2022-2027.toml", "The SIA tells us that violence", "The SIA tells us that Violence")
    load(fixtures)
    priority.refresh_from_db()
    assert priority.sia_summary.startswith("The SIA tells us that Violence")


def test_a_correction_that_clashes_with_an_officers_record_is_reported_and_the_rest_still_load(fixtures, capsys):
    load(fixtures)
    Body.objects.create(name="Officers' group", slug="sdg", kind=Body.Kind.DELIVERY)
    edit(fixtures, "partnership.toml", 'slug = "strategic-delivery-group"', 'slug = "sdg"')
    edit(fixtures, "plan-2022-2027.toml", '"Reduce Total Crime below', '"Reduce total crime below')

    out = load(fixtures, capsys)

    assert Body.objects.filter(slug="strategic-delivery-group").exists()
    assert "Not corrected" in out and "slug" in out.lower()
    assert Measure.objects.get(code="KPM-2.7").plan_wording.startswith("Reduce total crime below")
