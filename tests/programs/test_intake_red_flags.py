"""Red flags at intake (docs/clinical-rules.md §8, from clinical.md 8.10): the engine, the screen
API and form, the 409 of the program build and the clinician's page that says what to do."""

import pytest
from django.urls import reverse

from assessments import schema
from assessments.findings import FINDING_CODES, Finding, InjuryHistory
from assessments.models import Screen
from assessments.thresholds import build as thresholds
from programs import red_flags
from programs.models import Program
from programs.prescribe import ExtraInputs, bone_stress_suspicion, prescribe
from programs.services import draft_for_screen
from tests.programs.conftest import make_screen

HEALTHY = {
    "heel_raise_reps": {"left": 30, "right": 30},
    "balance_eyes_open_s": {"left": 45, "right": 45},
    "knee_to_wall_cm": {"left": 12.0, "right": 12.0},
}
CADENCE = Finding(
    "low_cadence_overstride", "both", "mild", "cadence 150", FINDING_CODES["low_cadence_overstride"]
)


def draft(findings=(), hx=(), **extras):
    return prescribe(findings, history=hx, age=35, sex="female", extras=ExtraInputs(**extras))


def drills(program):
    return {item.drill for item in program.items}


def flags(program, kind=None):
    return {f.code for f in program.flags if kind is None or f.kind == kind}


# --- engine ---------------------------------------------------------------------------------------


def test_the_screen_knows_every_red_flag_code_of_the_engine():
    assert set(schema.RED_FLAGS) == set(red_flags.ANSWERS)


@pytest.mark.parametrize("item", ["malleolar", "midfoot", "four_steps"])
def test_a_positive_ottawa_item_builds_nothing_and_asks_for_an_x_ray(item):
    program = draft([CADENCE], ottawa={"right": {item: True}})
    assert program.items == () and program.has_red_flag
    (flag,) = [f for f in program.flags if f.kind == "red_flag"]
    assert (flag.code, flag.side) == ("RF-1", "right")
    assert "x-ray" in flag.message and "Same day" in flag.message


def test_negative_or_unasked_ottawa_items_build_a_program():
    program = draft([CADENCE], ottawa={"left": {"malleolar": False, "midfoot": None}})
    assert program.items and not program.has_red_flag


def test_the_red_flag_says_what_to_do_by_urgency():
    program = draft(red_flags=("severe_pain", "calf_swelling"))
    messages = {f.code: f.message for f in program.flags}
    assert list(messages) == ["RF-3", "RF-7"]  # table order, emergency first here
    assert "Emergency" in messages["RF-3"] and "Clinic review" in messages["RF-7"]


@pytest.mark.parametrize(
    ("extras", "sides"),
    [
        ({"hop_pain": {"left": 3}, "hop_pain_site": {"left": "shin"}}, {"left"}),
        ({"hop_pain": {"right": 5}, "hop_pain_site": {"right": "foot"}}, {"right"}),
        ({"hop_pain": {"left": 4}}, {"left"}),  # where it hurt not recorded: cautious
        ({"night_pain": True}, {"left", "right"}),
        ({"focal_bone_tenderness": {"right": True}}, {"right"}),
    ],
)
def test_suspected_bone_stress_without_a_diagnosis(extras, sides):
    found = bone_stress_suspicion(ExtraInputs(**extras), thresholds(None))
    assert set(found) == sides
    program = draft([CADENCE], **extras)
    assert program.items and not program.has_red_flag
    assert "cadence_drill" not in drills(program) and "short_hops" not in drills(program)
    assert {"bone_stress_suspected", "M-BSI-SUSPECT"} <= flags(program)
    assert ("M-BSI-SUSPECT", "both" if len(sides) == 2 else sides.pop()) in program.modifiers


@pytest.mark.parametrize(
    "extras",
    [
        {"hop_pain": {"left": 2}, "hop_pain_site": {"left": "shin"}},
        {"hop_pain": {"left": 6}, "hop_pain_site": {"left": "other"}},
        {"night_pain": False, "focal_bone_tenderness": {"left": False}},
    ],
)
def test_no_suspicion_below_the_threshold_or_away_from_bone(extras):
    program = draft([CADENCE], **extras)
    assert "cadence_drill" in drills(program)
    assert "bone_stress_suspected" not in flags(program)


def test_review_example_shin_pain_with_hop_pain_gets_no_cadence_drill():
    # clinical review E4: shin splints, 5/10 on hopping -> M-MTSS alone gave a cadence drill.
    hx = [InjuryHistory("shin_splints", "left", "current")]
    assert "cadence_drill" in drills(draft([CADENCE], hx))
    program = draft([CADENCE], hx, hop_pain={"left": 5}, hop_pain_site={"left": "shin"})
    assert "cadence_drill" not in drills(program)
    assert "M-BSI-SUSPECT" in flags(program, "modifier")


def test_the_hop_gate_reads_the_hop_pain_of_the_screen():
    program = draft(
        measurements=HEALTHY, hop_pain={"left": 0, "right": 0}, weeks_on_strength_rung=3
    )
    assert program.plyo_gate["left"].open and "short_hops" in drills(program)
    sore = draft(
        measurements=HEALTHY,
        hop_pain={"left": 2, "right": 3},
        hop_pain_site={"right": "other"},
        weeks_on_strength_rung=3,
    )
    assert not sore.plyo_gate["right"].open and "short_hops" not in drills(sore)


def test_most_urgent_message_wins():
    assert red_flags.most_urgent(["severe_pain", "sudden_pop"]).patient_message == (
        red_flags.DOCTOR_TODAY
    )
    assert red_flags.most_urgent(["cannot_bear_weight", "sudden_pop"]).answer == "sudden_pop"
    assert red_flags.most_urgent(["RF-4", "severe_pain"]).urgency == "emergency"
    assert red_flags.most_urgent([]) is None


# --- the screen: service, API, form, page ---------------------------------------------------------

INTAKE = {
    "red_flags": ["calf_swelling"],
    "night_pain": True,
    "focal_bone_tenderness": {"left": True, "right": False},
    "hop_pain_nprs": {"left": 4, "right": 0},
    "hop_pain_site": {"left": "shin", "right": None},
    "ottawa": {"malleolar": {"left": False, "right": True}},
}


@pytest.mark.django_db
def test_the_screen_api_stores_and_returns_the_intake(api, world):
    api.force_authenticate(world.home.clinician)
    body = {"patient": world.home.patient_a.pk, "performed_on": "2026-11-20", **INTAKE}
    response = api.post("/api/v1/screens/", body, format="json")
    assert response.status_code == 201, response.json()
    out = api.get(f"/api/v1/screens/{response.json()['id']}/").json()
    for key, value in INTAKE.items():
        if key == "ottawa":
            assert out["ottawa"]["malleolar"] == value["malleolar"]
            assert out["ottawa"]["midfoot"] == {"left": None, "right": None}
        else:
            assert out[key] == value, key
    screen = Screen.objects.get(pk=out["id"])
    assert screen.ottawa_malleolar_right is True and screen.hop_pain_nprs_left == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"red_flags": ["broken_leg"]}, "red_flags"),
        ({"hop_pain_nprs": {"left": 11}}, "hop_pain_nprs"),
        ({"hop_pain_site": {"left": "knee"}}, "hop_pain_site"),
        ({"ottawa": {"ankle": {"left": True}}}, "ottawa"),
        ({"focal_bone_tenderness": {"left": "maybe"}}, "focal_bone_tenderness"),
    ],
)
def test_bad_intake_values_are_refused_naming_the_field(api, world, extra, field):
    api.force_authenticate(world.home.clinician)
    body = {"patient": world.home.patient_a.pk, **extra}
    response = api.post("/api/v1/screens/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Screen.objects.exists()


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_intake(api, world):
    api.force_authenticate(world.home.clinician)
    schema_text = api.get("/api/schema/", {"format": "json"}).content.decode()
    for name in ("red_flags", "night_pain", "focal_bone_tenderness", "hop_pain_nprs", "ottawa"):
        assert f'"{name}"' in schema_text, name
    assert "IntakeRedFlagOut" in schema_text


@pytest.mark.django_db
def test_the_form_keeps_every_intake_answer_on_a_validation_error(client, world):
    client.force_login(world.home.clinician)
    typed = {
        "performed_on": "2026-11-01",
        "knee_to_wall_cm_left": "abc",
        "red_flags": ["sudden_pop", "severe_pain"],
        "night_pain": "true",
        "ottawa_midfoot_left": "true",
        "ottawa_four_steps_right": "false",
        "focal_bone_tenderness_right": "true",
        "hop_pain_nprs_left": "5",
        "hop_pain_nprs_right": "12",
        "hop_pain_site_left": "foot",
    }
    response = client.post(reverse("screen_create", args=[world.home.patient_a.pk]), typed)
    assert response.status_code == 200 and not Screen.objects.exists()
    form = response.context["form"]
    for name, value in typed.items():
        assert form[name].value() == value, name
    page = response.content.decode()
    assert "10 single-leg hops: pain, right: 12 is outside" in page
    # Left and right side by side: each intake row has both sides' inputs.
    assert 'name="hop_pain_nprs_left"' in page and 'name="hop_pain_nprs_right"' in page


@pytest.mark.django_db
def test_the_form_saves_the_intake_and_the_screen_page_shows_it(client, world):
    client.force_login(world.home.clinician)
    typed = {
        "performed_on": "2026-11-01",
        "red_flags": ["hot_swollen_joint"],
        "night_pain": "false",
        "focal_bone_tenderness_left": "true",
        "hop_pain_nprs_left": "4",
        "hop_pain_site_left": "shin",
    }
    response = client.post(reverse("screen_create", args=[world.home.patient_a.pk]), typed)
    assert response.status_code == 302
    screen = Screen.objects.get()
    assert screen.red_flags == ["hot_swollen_joint"] and screen.night_pain is False
    assert screen.focal_bone_tenderness_left is True and screen.hop_pain_site_left == "shin"
    page = client.get(reverse("screen_detail", args=[screen.pk])).content.decode()
    assert schema.RED_FLAG_LABELS["hot_swollen_joint"] in page
    assert "4/10 (Shin)" in page
    edit = client.get(reverse("screen_edit", args=[screen.pk]))
    assert edit.context["form"]["hop_pain_nprs_left"].value() == "4"
    assert edit.context["form"]["red_flags"].value() == ["hot_swollen_joint"]


# --- the build: 409 from the API, the clinician's page in the browser -----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "codes"),
    [
        (
            {"red_flags": ["numbness_or_cold_foot", "sudden_pop"]},
            ["numbness_or_cold_foot", "sudden_pop"],
        ),
        ({"ottawa_midfoot_left": True}, ["cannot_bear_weight"]),
    ],
)
def test_building_from_a_screen_with_a_red_flag_is_409(api, world, values, codes):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, **values)
    api.force_authenticate(world.home.clinician)
    response = api.post("/api/v1/programs/", {"screen": screen.pk}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["red_flags"] == codes and "no program was built" in body["detail"]
    assert not Program.objects.exists()


@pytest.mark.django_db
def test_suspected_bone_stress_builds_without_impact_and_names_it(api, world):
    screen = make_screen(
        world.home,
        cadence_spm=150,
        overstride=True,
        hop_pain_nprs_left=5,
        hop_pain_site_left="shin",
    )
    api.force_authenticate(world.home.clinician)
    response = api.post("/api/v1/programs/", {"screen": screen.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    slugs = {i["drill"] for i in body["items"]}
    assert slugs and not slugs & {"cadence_drill", "short_hops", "lateral_shuffle"}
    assert "bone_stress_suspected" in {f["code"] for f in body["flags"]}
    assert {"code": "M-BSI-SUSPECT", "side": "left"} in body["modifiers"]
    # Without the hop pain the same screen gets its cadence drill.
    screen.hop_pain_nprs_left = None
    screen.save()
    assert "cadence_drill" in {i.drill for i in draft_for_screen(screen).items}


@pytest.mark.django_db
def test_the_browser_build_shows_why_and_what_to_do_by_urgency(client, world):
    screen = make_screen(world.home, red_flags=["severe_pain", "calf_swelling"])
    client.force_login(world.home.clinician)
    response = client.post(reverse("program_build", args=[screen.pk]))
    assert response.status_code == 409 and not Program.objects.exists()
    page = response.content.decode()
    assert page.index("Emergency") < page.index("Clinic review")  # most urgent first
    assert red_flags.CLINICIAN_ACTIONS["emergency"] in page
    assert "possible deep-vein thrombosis" in page
    assert reverse("screen_edit", args=[screen.pk]) in page


@pytest.mark.django_db
def test_the_build_passes_the_screens_hop_pain_to_the_hop_gate(world):
    healthy = {
        "heel_raise_reps_left": 30,
        "heel_raise_reps_right": 30,
        "balance_eyes_open_s_left": 45.0,
        "balance_eyes_open_s_right": 45.0,
        "knee_to_wall_cm_left": 12.0,
        "knee_to_wall_cm_right": 12.0,
    }
    hops = "10 single-leg hops not done"
    untested = draft_for_screen(make_screen(world.home, **healthy))
    assert any(r.startswith(hops) for r in untested.plyo_gate["left"].reasons)
    tested = draft_for_screen(
        make_screen(world.home, hop_pain_nprs_left=1, hop_pain_nprs_right=3, **healthy)
    )
    assert not any(r.startswith(hops) for r in tested.plyo_gate["left"].reasons)
    assert any(r.startswith(hops) for r in tested.plyo_gate["right"].reasons)
