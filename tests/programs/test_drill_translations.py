"""Drills in Spanish (issue 22): every library drill's patient text, the sentences of
programs.patient_text, and what a Spanish patient reads on the home page, the API and the
printout, snapshotted on the program so a published program keeps its words."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from programs import patient_text, selectors
from programs.drills import DRILLS, DRILLS_BY_SLUG
from programs.drills.catalogue_es import ES
from programs.ladders import LADDERS
from programs.models import Drill, Program, ProgramItem, ProgramStatus
from programs.printout import printout_context
from programs.services import drill_media_add, program_build_from_screen, program_publish
from tests.programs.conftest import make_screen
from tests.programs.test_drill_media import png_bytes
from tests.programs.test_me_api import ITEM_KEYS

# --- the catalogue ----------------------------------------------------------------------------


def _assert_lines(english, spanish, where):
    assert len(spanish) == len(english), f"{where}: {len(spanish)} lines for {len(english)}"
    assert all(isinstance(line, str) and line.strip() for line in spanish), where
    # A line left in English by mistake is caught where it is a whole English sentence.
    assert not set(spanish) & set(english), f"{where}: untranslated line"


def test_every_library_drill_has_spanish_for_every_patient_field():
    """Fails when a drill is added to the catalogue without its Spanish."""
    assert set(ES) == set(DRILLS_BY_SLUG), set(DRILLS_BY_SLUG) ^ set(ES)
    for spec in DRILLS:
        es = ES[spec.slug]
        assert es["name"].strip() and es["name"] != spec.name, spec.slug
        assert es["precautions"].strip() and es["precautions"] != spec.precautions, spec.slug
        if spec.dose:
            assert es["dose"].strip(), spec.slug
        _assert_lines(spec.instructions, es["instructions"], f"{spec.slug} steps")
        _assert_lines(spec.cues, es["cues"], f"{spec.slug} cues")
        # As many sentences of precaution as the English: the same warnings, one for one.
        assert len(patient_text.precaution_list(es["precautions"])) == len(
            patient_text.precaution_list(spec.precautions)
        ), spec.slug
        variants = es.get("variants", [])
        assert len(variants) == len(spec.variants), spec.slug
        for n, (variant, spoken) in enumerate(zip(spec.variants, variants, strict=True)):
            where = f"{spec.slug} variant {n} {variant.match}"
            filled = {
                f for f in ("name", "instructions", "cues", "precautions") if getattr(variant, f)
            }
            assert set(spoken) == filled, where
            if variant.name:
                assert spoken["name"].strip() and spoken["name"] != variant.name, where
            for field in filled - {"name"}:
                _assert_lines(getattr(variant, field), spoken[field], f"{where} {field}")


def test_library_rows_carry_the_spanish_after_migrate():
    for drill in Drill.objects.filter(clinic__isnull=True):
        assert drill.translations == {"es": ES[drill.slug]}, drill.slug


pytestmark = pytest.mark.django_db


def test_the_drill_api_gives_staff_the_spanish(api, world):
    api.force_authenticate(world.home.clinician)
    drills = api.get("/api/v1/drills/?search=ankle_circles").json()
    rows = drills["results"] if isinstance(drills, dict) else drills
    (row,) = [d for d in rows if d["slug"] == "ankle_circles"]
    assert row["translations"] == {"es": ES["ankle_circles"]}


# --- patient_text in Spanish ------------------------------------------------------------------


def test_rule_sentences_in_spanish_agree_with_the_side_and_fall_back_to_english():
    assert set(patient_text.RULE_SENTENCES_ES) == set(patient_text.RULE_SENTENCES)
    assert patient_text.rule_sentence("R-DF-1", ["left"], "es") == (
        "Tu tobillo izquierdo se dobla menos de lo normal, así que lo vamos a soltar con suavidad."
    )
    assert patient_text.rule_sentence("R-PF-1", ["right"], "es").startswith(
        "Tu pantorrilla derecha se cansa"
    )
    assert patient_text.rule_sentence("R-BAL-1", ["left"], "es").startswith(
        "Puedes pararte en tu pierna izquierda"
    )
    assert patient_text.rule_sentence("M-AT-INS", ["left", "right"], "es").startswith(
        "Te duelen los tendones de Aquiles donde se unen al talón"
    )
    for rule in patient_text.RULE_SENTENCES_ES:
        for sides in (["left"], ["right"], ["left", "right"]):
            text = patient_text.rule_sentence(rule, sides, "es")
            assert "{" not in text and "left" not in text and "right" not in text, rule
    assert patient_text.rule_sentence("R-NEW", ["left"], "es") == (
        patient_text.FALLBACK_SENTENCE_ES
    )
    # English readers keep the English sentence.
    assert patient_text.rule_sentence("R-DF-1", ["left"]).startswith("Your left ankle")


def test_a_rule_without_spanish_keeps_its_english_sentence(monkeypatch):
    monkeypatch.delitem(patient_text.RULE_SENTENCES_ES, "R-HX-1")
    assert patient_text.rule_sentence("R-HX-1", ["left"], "es") == (
        "Your left big toe bends back less than normal, so we will help it move."
    )


def test_patient_reason_and_untested_tests_in_spanish():
    reason = patient_text.patient_reason(
        [("R-DF-1", {"left"}), ("M-AT-MID", {"left"})], language="es"
    )
    assert reason.startswith("Tu tobillo izquierdo")
    assert "Te duele el tendón de Aquiles izquierdo" in reason
    measured = {key: {"left": 10, "right": 10} for key in patient_text.CORE_TESTS}
    measured["knee_to_wall_cm"] = {"left": 9, "right": None}
    missing = patient_text.untested_core(measured)
    names = patient_text.untested_names(missing, "es")
    assert names[0] == "rodilla a la pared (flexión del tobillo), lado derecho"
    sentence = patient_text.patient_reason([("R-MAINT", {"left", "right"})], names, "es")
    assert "Todavía sin hacer: rodilla a la pared" in sentence
    assert "not tested" not in sentence


def test_times_load_and_variant_words_in_spanish():
    assert patient_text.times_words(1, "es") == "una vez al día"
    assert patient_text.times_words(2, "es") == "dos veces al día"
    assert patient_text.times_words(3, "es") == "3 veces al día"
    assert patient_text.load_words(10, "es").startswith("agrega alrededor del 10% de tu peso")
    assert patient_text.plain_variant("off a step, 3 s up / 3 s down (HSR), 12RM", "es") == (
        "desde un escalón, 3 s arriba / 3 s abajo, 12RM"
    )
    assert patient_text.plain_variant("isometric hold at mid-range, floor level", "es") == (
        "sostenido sin moverte a media altura, en el piso plano"
    )
    # One piece without Spanish: the variant stays whole in English, never half and half.
    assert patient_text.plain_variant("floor, on a trampoline", "es") == "floor, on a trampoline"


def test_every_ladder_variant_reads_in_spanish():
    for ladder in LADDERS.values():
        for rung in ladder.rungs:
            english = patient_text.plain_variant(rung.variant)
            if english and not english[0].isdigit():  # "10-15 m" reads the same in both
                assert patient_text.plain_variant(rung.variant, "es") != english, rung.variant


def _how_to(slug, variant="", translation=None):
    spec = DRILLS_BY_SLUG[slug]
    drill = Drill.objects.get(clinic__isnull=True, slug=slug)
    return patient_text.how_to(
        name=spec.name,
        instructions=spec.instructions,
        cues=spec.cues,
        precautions=spec.precautions,
        variants=drill.variants,
        variant=variant,
        translation=ES[slug] if translation is None else translation,
    )


def test_how_to_in_spanish_follows_the_variant():
    steps = _how_to("heel_raise_single", "off a step, 3 s up / 3 s down (HSR), 12RM")
    spoken = ES["heel_raise_single"]["variants"][2]
    assert steps.name == spoken["name"]
    assert steps.steps == tuple(spoken["instructions"])
    assert steps.precautions[0] == spoken["precautions"][0]
    assert steps.precautions[1:] == tuple(
        patient_text.precaution_list(ES["heel_raise_single"]["precautions"])
    )
    plain = _how_to("band_df")
    assert plain.precautions == ()  # "Ninguna en particular." is no precaution


def test_how_to_falls_back_to_english_one_field_at_a_time():
    partial = {"name": "Círculos", "variants": []}
    steps = _how_to("ankle_circles", translation=partial)
    assert steps.name == "Círculos"
    assert steps.steps == DRILLS_BY_SLUG["ankle_circles"].instructions
    # A variant with English steps but no Spanish ones reads the variant's English steps,
    # never the drill's Spanish steps of another way of doing it.
    no_variant_text = {**ES["pf_stretch"], "variants": [{}]}
    steps = _how_to("pf_stretch", "3 times a day", no_variant_text)
    assert steps.steps == DRILLS_BY_SLUG["pf_stretch"].variants[0].instructions


# --- what a patient reads ---------------------------------------------------------------------


def _program_of(side, slug, *, language="es", patient=None):
    patient = patient or side.patient_a
    patient.language = language
    patient.save(update_fields=["language"])
    program = Program.objects.create(
        clinic=side.clinic,
        patient=patient,
        status=ProgramStatus.PUBLISHED,
        version=1,
        published_at=timezone.now(),
    )
    drill = Drill.objects.get(clinic__isnull=True, slug=slug)
    ProgramItem.objects.create(
        program=program,
        drill=drill,
        side="left",
        sets=2,
        reps=10,
        days_per_week=7,
        order=1,
        rule="R-DF-1",
        reason="R-DF-1: knee-to-wall 7.5 cm < 9 cm",
        translations={"es": drill.translations["es"]},
    )
    return program


def test_a_spanish_patients_home_page_shows_the_spanish_steps(client, world):
    _program_of(world.home, "ankle_circles")
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    spanish = ES["ankle_circles"]
    assert escape(spanish["name"]) in html
    for line in (*spanish["instructions"], *spanish["cues"]):
        assert escape(line) in html
    assert escape(spanish["precautions"]) in html
    assert escape("Tu tobillo izquierdo se dobla menos de lo normal") in html
    for line in DRILLS_BY_SLUG["ankle_circles"].instructions:
        assert escape(line) not in html


def test_an_english_patients_home_page_shows_the_english_steps(client, world):
    _program_of(world.home, "ankle_circles", language="en")
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    for line in DRILLS_BY_SLUG["ankle_circles"].instructions:
        assert escape(line) in html
    for line in ES["ankle_circles"]["instructions"]:
        assert escape(line) not in html
    assert "Your left ankle bends less than normal" in html


def test_a_spanish_home_page_costs_no_more_queries_than_an_english_one(client, world):
    _program_of(world.home, "ankle_circles", language="en")
    client.force_login(world.home.patient_a.user)
    client.get("/")  # warm the per-process caches (content types, site)
    with CaptureQueriesContext(connection) as english:
        client.get("/")
    world.home.patient_a.language = "es"
    world.home.patient_a.save(update_fields=["language"])
    with CaptureQueriesContext(connection) as spanish:
        client.get("/")
    assert len(spanish) == len(english)


def test_me_program_gives_a_spanish_patient_the_spanish_text(api, world):
    _program_of(world.home, "heel_raise_single")
    item = ProgramItem.objects.get(program__patient=world.home.patient_a)
    item.variant = "off a step, full range"
    item.save(update_fields=["variant"])
    api.force_authenticate(world.home.patient_a.user)
    body = api.get("/api/v1/me/program/").json()
    (out,) = body["items"]
    assert set(out) == ITEM_KEYS  # the checked shape does not change
    spoken = ES["heel_raise_single"]["variants"][3]
    assert out["drill"] == "heel_raise_single"  # the slug stays the slug
    assert out["drill_name"] == spoken["name"]
    assert out["instructions"] == spoken["instructions"]
    assert out["cues"] == spoken["cues"]
    assert out["precautions"][0] == spoken["precautions"][0]
    assert out["variant"] == "desde un escalón, todo el recorrido"
    assert out["reason"].startswith("Tu tobillo izquierdo")


def test_me_program_gives_an_english_patient_the_english_text(api, world):
    _program_of(world.home, "ankle_circles", language="en")
    api.force_authenticate(world.home.patient_a.user)
    (out,) = api.get("/api/v1/me/program/").json()["items"]
    assert out["drill_name"] == "Ankle circles"
    assert out["instructions"] == list(DRILLS_BY_SLUG["ankle_circles"].instructions)


def test_the_printout_is_in_the_patients_language_whoever_prints_it(client, world):
    program = _program_of(world.home, "ankle_circles")
    client.force_login(world.home.clinician)
    html = client.get(f"/programs/{program.pk}/print/").content.decode()
    for line in ES["ankle_circles"]["instructions"]:
        assert escape(line) in html
    loaded = selectors.with_items(Program.objects.select_related("patient").get(pk=program.pk))
    context = printout_context(loaded)
    assert context["week"][0]["drills"] == [ES["ankle_circles"]["name"]]


def test_a_published_program_keeps_its_spanish_after_the_catalogue_changes(api, world):
    """The engine's build snapshots the drills' Spanish and the reasons in Spanish; a later
    change of the library (a new catalogue synced after migrate) reaches new programs only."""
    side = world.home
    side.patient_a.language = "es"
    side.patient_a.save(update_fields=["language"])
    screen = make_screen(side, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11.0)
    program = program_build_from_screen(user=side.clinician, screen=screen)
    program_publish(user=side.clinician, program=program)
    item = program.items.select_related("drill").get(drill__slug="cc_df")
    assert item.translations["es"]["instructions"] == ES["cc_df"]["instructions"]
    assert item.translations["es"]["patient_reason"].startswith("Tu tobillo izquierdo")
    changed = {**ES["cc_df"], "instructions": ["Paso nuevo.", "Otro.", "Otro más.", "Fin."]}
    Drill.objects.filter(clinic__isnull=True, slug="cc_df").update(translations={"es": changed})
    api.force_authenticate(side.patient_a.user)
    items = api.get("/api/v1/me/program/").json()["items"]
    (out,) = [i for i in items if i["drill"] == "cc_df"]
    assert out["instructions"] == ES["cc_df"]["instructions"]
    assert out["reason"].startswith("Tu tobillo izquierdo")
    # A program built after the change reads the new text.
    again = program_build_from_screen(user=side.clinician, screen=screen)
    new_item = again.items.get(drill__slug="cc_df")
    assert new_item.translations["es"]["instructions"] == changed["instructions"]


def test_an_item_older_than_snapshots_reads_the_drills_spanish(world):
    program = _program_of(world.home, "ankle_circles")
    ProgramItem.objects.filter(program=program).update(translations={})
    item = ProgramItem.objects.select_related("drill").get(program=program)
    item.language = "es"
    assert item.how_to.steps == tuple(ES["ankle_circles"]["instructions"])
    # Its English reason (written before Spanish reasons) is kept rather than guessed.
    item.patient_reason = "Your left ankle bends less than normal."
    assert item.patient_why == "Your left ankle bends less than normal."


# --- drill media captions -----------------------------------------------------------------------


def _picture(side, drill, **spanish):
    return drill_media_add(
        user=side.admin,
        clinic=side.clinic,
        drill=drill,
        kind="image",
        upload=SimpleUploadedFile("p.png", png_bytes()),
        alt="Foot on a wall",
        caption="Keep the heel down",
        **spanish,
    )


def test_a_spanish_patient_reads_the_media_captions_in_spanish(api, client, world):
    program = _program_of(world.home, "ankle_circles")
    drill = program.items.get().drill
    _picture(world.home, drill, alt_es="Pie contra la pared", caption_es="Talón abajo")
    api.force_authenticate(world.home.patient_a.user)
    (out,) = api.get("/api/v1/me/program/").json()["items"]
    assert [(m["alt"], m["caption"]) for m in out["media"]] == [
        ("Pie contra la pared", "Talón abajo")
    ]
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert 'alt="Pie contra la pared"' in html and "Talón abajo" in html
    # The row keeps its English, for English readers and the clinic's pages.
    world.home.patient_a.language = "en"
    world.home.patient_a.save(update_fields=["language"])
    user = world.home.patient_a.user
    api.force_authenticate(type(user).objects.get(pk=user.pk))  # no cached patient row
    (out,) = api.get("/api/v1/me/program/").json()["items"]
    assert [(m["alt"], m["caption"]) for m in out["media"]] == [
        ("Foot on a wall", "Keep the heel down")
    ]


def test_media_without_spanish_show_the_english_to_a_spanish_patient(api, world):
    program = _program_of(world.home, "ankle_circles")
    _picture(world.home, program.items.get().drill, caption_es="Talón abajo")
    api.force_authenticate(world.home.patient_a.user)
    (out,) = api.get("/api/v1/me/program/").json()["items"]
    assert [(m["alt"], m["caption"]) for m in out["media"]] == [("Foot on a wall", "Talón abajo")]


def test_the_media_form_takes_the_spanish_and_checks_its_length(client, world):
    drill = Drill.objects.get(clinic__isnull=True, slug="ankle_circles")
    client.force_login(world.home.admin)
    url = f"/programs/library/{drill.pk}/media/"
    body = {"kind": "image", "alt": "Foot", "caption": "", "alt_es": "Pie", "caption_es": "x" * 301}
    response = client.post(url, {**body, "file": SimpleUploadedFile("p.png", png_bytes())})
    assert response.status_code == 400
    assert drill.media.count() == 0
    body["caption_es"] = "Talón abajo"
    response = client.post(url, {**body, "file": SimpleUploadedFile("p.png", png_bytes())})
    assert response.status_code == 302
    assert drill.media.get().translations == {"es": {"alt": "Pie", "caption": "Talón abajo"}}


def test_the_engines_load_note_reads_in_spanish_a_clinicians_note_as_written(api, client, world):
    program = _program_of(world.home, "heel_raise_single")
    english = patient_text.load_sentence(10)
    assert english.startswith("Add about 10% of your body weight")
    program.items.update(load_pct=10, load_note=english)
    api.force_authenticate(world.home.patient_a.user)
    (out,) = api.get("/api/v1/me/program/").json()["items"]
    assert out["load_note"] == patient_text.load_sentence(10, "es")
    assert out["load_note"].startswith("Agrega alrededor del 10% de tu peso corporal")
    client.force_login(world.home.patient_a.user)
    assert escape(out["load_note"]) in client.get("/").content.decode()
    program.items.update(load_note="Use the red band.")
    (out,) = api.get("/api/v1/me/program/").json()["items"]
    assert out["load_note"] == "Use the red band."
