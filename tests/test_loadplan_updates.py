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
from governance.models import Body
from measures.models import Measure, ReportedValue
from priorities.models import Locality, PartnerOrganisation, PlanEdition, Priority

pytestmark = pytest.mark.django_db

LOCALITY = """
localities = [{ key = "test-north", name = "North", source = "{plan}, Governance and delivery arrangements" }]
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
    call_command("loadplan", fixtures=fixtures, verbosity=1)
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
