"""The drill text page (issue 22): a clinic's own drill in English and Spanish side by side,
library drills read-only in both languages, the clinic and role checked."""

import pytest
from django.utils.html import escape

from programs.drills import DRILLS_BY_SLUG
from programs.drills.catalogue_es import ES
from programs.models import Drill
from tests.factories import own_drill
from tests.programs.test_drill_translations import _program_of

pytestmark = pytest.mark.django_db


def _body(**overrides):
    body = {
        "name_en": "Wall push",
        "dose_en": "2 x 10",
        "instructions_en": "Face a wall.\nPush it.\n",
        "cues_en": "Breathe.",
        "precautions_en": "Stop if your heel hurts.",
        "name_es": "Empuje contra la pared",
        "dose_es": "2 x 10",
        "instructions_es": "Párate frente a una pared.\nEmpújala.",
        "cues_es": "Respira.",
        "precautions_es": "Detente si te duele el talón.",
    }
    return {**body, **overrides}


def test_the_page_shows_both_languages_labelled_side_by_side(client, world):
    drill = own_drill(world.home.clinic, translations={"es": {"name": "Empuje contra la pared"}})
    client.force_login(world.home.clinician)
    response = client.get(f"/programs/library/{drill.pk}/text/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="lang-pair"') == 5
    assert "Name (English)</label>" in html and "Name (Spanish)</label>" in html
    assert "Steps, one a line (Spanish)</label>" in html
    assert 'lang="es"' in html and 'name="instructions_es"' in html
    assert 'value="Empuje contra la pared"' in html
    assert "Face a wall.\nPush it.</textarea>" in html


def test_saving_writes_both_languages_and_the_spanish_patient_reads_them(client, world):
    drill = own_drill(world.home.clinic)
    client.force_login(world.home.admin)
    response = client.post(f"/programs/library/{drill.pk}/text/", _body(name_en="Wall press"))
    assert response.status_code == 302
    drill.refresh_from_db()
    assert drill.name == "Wall press"
    assert drill.default_dose == "2 x 10"
    assert drill.instructions == ["Face a wall.", "Push it."]  # blank lines dropped
    assert drill.translations == {
        "es": {
            "name": "Empuje contra la pared",
            "dose": "2 x 10",
            "instructions": ["Párate frente a una pared.", "Empújala."],
            "cues": ["Respira."],
            "precautions": "Detente si te duele el talón.",
        }
    }
    # A Spanish patient given the drill now reads it in Spanish.
    program = _program_of(world.home, "ankle_circles")
    program.items.update(drill=drill, translations={})
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert escape("Párate frente a una pared.") in html
    assert "Face a wall." not in html


def test_clearing_the_spanish_leaves_the_english_for_patients(client, world):
    drill = own_drill(world.home.clinic, translations={"es": {"name": "Empuje"}})
    client.force_login(world.home.clinician)
    empty = {k: "" for k in _body() if k.endswith("_es")}
    response = client.post(f"/programs/library/{drill.pk}/text/", _body(**empty))
    assert response.status_code == 302
    drill.refresh_from_db()
    assert drill.translations == {}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"instructions_es": "Uno."}, "instructions_es", "as many Spanish steps as English"),
        ({"precautions_es": ""}, "precautions_es", "write them in Spanish too"),
        ({"name_en": ""}, "name_en", "Give the drill a name in English."),
        ({"instructions_en": ""}, "instructions_en", "at least one step in English"),
        ({"name_es": "x" * 151}, "name_es", "151 characters; 150 at most"),
    ],
)
def test_a_bad_field_keeps_every_input_and_says_what_is_wrong(
    client, world, overrides, field, message
):
    drill = own_drill(world.home.clinic)
    client.force_login(world.home.clinician)
    response = client.post(f"/programs/library/{drill.pk}/text/", _body(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and escape(message) in html
    assert f'aria-describedby="id_{field}-error"' in html
    assert 'value="Empuje contra la pared"' in html or field == "name_es"  # input kept
    assert "Respira.</textarea>" in html
    drill.refresh_from_db()
    assert drill.name == "Wall push" and drill.translations == {}  # nothing half-written


def test_a_library_drill_shows_both_languages_and_cannot_be_edited(client, world):
    drill = Drill.objects.get(clinic__isnull=True, slug="heel_raise_single")
    client.force_login(world.home.clinician)
    html = client.get(f"/programs/library/{drill.pk}/text/").content.decode()
    assert "drill-text-form" not in html and "name_es" not in html
    for line in (
        *DRILLS_BY_SLUG["heel_raise_single"].instructions,
        *ES["heel_raise_single"]["instructions"],
    ):
        assert escape(line) in html
    assert escape(ES["heel_raise_single"]["variants"][0]["name"]) in html
    assert "Steps (Spanish)" in html
    before = Drill.objects.get(pk=drill.pk)
    response = client.post(f"/programs/library/{drill.pk}/text/", _body())
    assert response.status_code == 403
    after = Drill.objects.get(pk=drill.pk)
    assert (after.name, after.instructions, after.translations) == (
        before.name,
        before.instructions,
        before.translations,
    )


def test_another_clinics_drill_is_404_and_unchanged(client, world):
    theirs = own_drill(world.other.clinic)
    client.force_login(world.home.admin)
    assert client.get(f"/programs/library/{theirs.pk}/text/").status_code == 404
    assert client.post(f"/programs/library/{theirs.pk}/text/", _body()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.translations == {} and theirs.name == "Wall push"


@pytest.mark.parametrize("who", ["frontdesk", "patient"])
def test_front_desk_and_patients_may_not_edit(client, world, who):
    drill = own_drill(world.home.clinic)
    user = world.home.patient_a.user if who == "patient" else world.home.frontdesk
    client.force_login(user)
    assert client.post(f"/programs/library/{drill.pk}/text/", _body()).status_code == 403
    drill.refresh_from_db()
    assert drill.translations == {}


def test_the_library_page_links_to_each_drills_text(client, world):
    drill = own_drill(world.home.clinic)
    client.force_login(world.home.admin)
    html = client.get("/programs/library/").content.decode()
    assert f'href="/programs/library/{drill.pk}/text/"' in html
    assert "Edit English and Spanish" in html
