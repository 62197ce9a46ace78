"""The programs API of interface.md: build a draft from a screen, edit, publish, history."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Program, ProgramStatus
from tests.programs.conftest import make_screen

pytestmark = pytest.mark.django_db

ITEM_KEYS = {"id", "drill", "side", "sets", "reps", "hold_s", "days_per_week", "reason", "finding"}


def build(api, user, screen):
    api.force_authenticate(user)
    return api.post("/api/v1/programs/", {"screen": screen.pk}, format="json")


def items_by_drill(body):
    return {i["drill"]: i for i in body["items"]}


# --- build --------------------------------------------------------------------------------------


def test_build_returns_a_draft_in_the_documented_shape(draft, world):
    assert {"id", "patient", "status", "version", "items", "flags"} <= set(draft)
    assert draft["status"] == "draft" and draft["version"] == 1
    assert draft["patient"] == world.home.patient_a.pk
    for item in draft["items"]:
        assert set(item) >= ITEM_KEYS and item["reason"]


def test_example_1_through_the_api(draft):
    cc_df = items_by_drill(draft)["cc_df"]
    assert (cc_df["side"], cc_df["sets"], cc_df["reps"]) == ("left", 2, 10)
    assert cc_df["finding"] == "restricted_dorsiflexion"
    assert items_by_drill(draft)["calf_stretch_static"]["side"] == "left"


def test_example_2_through_the_api(api, world):
    screen = make_screen(
        world.home,
        knee_to_wall_cm_left=9.0,
        knee_to_wall_cm_right=11.0,
        injury_history=[{"condition": "achilles_midportion", "side": "left", "status": "current"}],
    )
    body = build(api, world.home.clinician, screen).json()
    drills = items_by_drill(body)
    assert "banded_df_mob" not in drills
    assert "calf_stretch_static" not in drills or drills["calf_stretch_static"]["side"] == "right"
    assert any(i["ladder"] == "L-TENDON" for i in body["items"])
    assert {"code": "M-AT-MID", "side": "left"} in body["modifiers"]


def test_example_3_through_the_api(api, world):
    screen = make_screen(
        world.home,
        injury_history=[
            {"condition": "achilles_insertional", "side": "right", "status": "current"}
        ],
    )
    body = build(api, world.home.clinician, screen).json()
    drop = items_by_drill(body)["eccentric_step_heel_drop"]
    assert drop["side"] == "right" and drop["variant"].startswith("floor level")
    assert "kneeling_df" not in items_by_drill(body)


def test_example_10_through_the_api(api, world):
    patient = world.home.patient_b
    patient.date_of_birth = date(1981, 1, 1)  # 45 on the screen date
    patient.sex = "female"
    patient.save()
    screen = make_screen(
        world.home,
        patient,
        heel_raise_reps_left=18,
        heel_raise_reps_right=26,
        balance_eyes_open_s_left=45.0,
        balance_eyes_open_s_right=45.0,
        knee_to_wall_cm_left=12.0,
        knee_to_wall_cm_right=12.0,
    )
    body = build(api, world.home.clinician, screen).json()
    assert "short_hops" not in items_by_drill(body)


def test_a_red_flag_builds_nothing_and_answers_409(api, world):
    # docs/clinical-rules.md §8: severe pain on the day (RF-7) is a red flag at intake.
    screen = make_screen(world.home, pain_nprs=9, knee_to_wall_cm_left=7.0)
    response = build(api, world.home.clinician, screen)
    assert response.status_code == 409
    assert response.json()["red_flags"] == ["severe_pain"]
    assert not Program.objects.filter(patient=world.home.patient_a).exists()


def test_building_is_one_request_with_a_fixed_query_count(api, world):
    api.force_authenticate(world.home.clinician)
    small = make_screen(world.home, knee_to_wall_cm_left=9.5, knee_to_wall_cm_right=9.5)
    big = make_screen(
        world.home,
        world.home.patient_b,
        knee_to_wall_cm_left=7.0,
        knee_to_wall_cm_right=11.0,
        heel_raise_reps_left=10,
        heel_raise_reps_right=25,
        balance_eyes_open_s_left=10.0,
        foot_posture_index_left=8,
        short_foot_left="fail",
        toe_yoga_left="fail",
    )
    api.get("/api/v1/drills/", {"limit": 1})  # warm the per-user membership cache
    counts = []
    for screen in (small, big):
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/programs/", {"screen": screen.pk}, format="json")
        assert response.status_code == 201
        counts.append((len(queries), len(response.json()["items"])))
    assert counts[0][1] < counts[1][1]
    assert counts[0][0] == counts[1][0], counts
    assert counts[0][0] <= 20


# --- access -------------------------------------------------------------------------------------


def test_front_desk_cannot_build_or_read_programs(api, world, draft):
    api.force_authenticate(world.home.frontdesk)
    assert api.get(f"/api/v1/programs/{draft['id']}/").status_code == 403
    assert api.get("/api/v1/programs/").status_code == 403
    screen = Program.objects.get(pk=draft["id"]).screen
    assert api.post("/api/v1/programs/", {"screen": screen.pk}, format="json").status_code == 403


def test_patients_cannot_use_the_clinician_endpoints(api, world, draft):
    api.force_authenticate(world.home.patient_a.user)
    assert api.get(f"/api/v1/programs/{draft['id']}/").status_code == 403


def test_another_clinic_gets_404(api, world, draft):
    api.force_authenticate(world.other.clinician)
    base = f"/api/v1/programs/{draft['id']}/"
    assert api.get(base).status_code == 404
    assert api.patch(base, {"notes": "x"}, format="json").status_code == 404
    assert api.post(base + "publish/").status_code == 404
    assert api.get(base + "history/").status_code == 404
    assert api.get("/api/v1/programs/").json()["results"] == []


def test_a_screen_of_another_clinic_is_refused_naming_the_field(api, world):
    other_screen = make_screen(world.other)
    response = build(api, world.home.clinician, other_screen)
    assert response.status_code == 400 and "screen" in response.json()


def test_clinic_admin_may_build(api, world, example_1_screen):
    assert build(api, world.home.admin, example_1_screen).status_code == 201


# --- edit ---------------------------------------------------------------------------------------


def patch(api, draft, body):
    return api.patch(f"/api/v1/programs/{draft['id']}/", body, format="json")


def test_negative_sets_is_a_400_naming_the_field(api, draft):
    item = draft["items"][0]["id"]
    response = patch(api, draft, {"items": [{"id": item, "sets": -1}]})
    assert response.status_code == 400
    assert "sets" in str(response.json()["items"])
    assert response["Content-Type"] == "application/json"


def test_an_unknown_drill_is_a_400_naming_the_field(api, draft):
    response = patch(api, draft, {"add": [{"drill": "moon_walk"}]})
    assert response.status_code == 400 and "add" in response.json()


def test_a_drill_of_another_clinic_is_refused(api, world, draft):
    api.force_authenticate(world.other.clinician)
    created = api.post(
        "/api/v1/drills/",
        {
            "slug": "other_secret",
            "name": "Other secret",
            "category": "mobility",
            "default_sets": 2,
            "default_reps": 10,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    api.force_authenticate(world.home.clinician)
    response = patch(api, draft, {"add": [{"drill": "other_secret"}]})
    assert response.status_code == 400 and "add" in response.json()


def test_a_drill_a_modifier_excludes_cannot_be_added_on_that_side(api, world):
    screen = make_screen(
        world.home,
        injury_history=[
            {"condition": "achilles_insertional", "side": "right", "status": "current"}
        ],
    )
    body = build(api, world.home.clinician, screen).json()
    refused = patch(api, body, {"add": [{"drill": "kneeling_df", "side": "right"}]})
    assert refused.status_code == 400 and "M-AT-INS" in str(refused.json())
    allowed = patch(api, body, {"add": [{"drill": "kneeling_df", "side": "left"}]})
    assert allowed.status_code == 200


def test_remove_add_redose_reorder_and_note(api, draft):
    first, second, third = (i["id"] for i in draft["items"][:3])
    response = patch(
        api,
        draft,
        {
            "remove": [second],
            "add": [{"drill": "toe_yoga", "sets": 3, "reps": 10, "days_per_week": 4}],
            "items": [{"id": first, "sets": 3, "reps": 12}],
            "order": [third, first],
            "notes": "Keep the heel down.",
            "reason": "Patient finds the stretch awkward.",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    drills = [i["drill"] for i in body["items"]]
    assert drills == ["heel_raise_bilateral", "cc_df", "toe_yoga"]
    assert items_by_drill(body)["cc_df"]["reps"] == 12
    assert body["notes"] == "Keep the heel down."
    history = api.get(f"/api/v1/programs/{draft['id']}/history/").json()
    actions = [(c["action"], c["source"]) for c in history["versions"][0]["changes"]]
    for action in ("removed", "added", "redosed", "reordered", "noted"):
        assert (action, "clinician") in actions
    assert ("built", "engine") in actions


def test_an_order_that_misses_items_is_refused(api, draft):
    response = patch(api, draft, {"order": [draft["items"][0]["id"]]})
    assert response.status_code == 400 and "order" in response.json()


# --- publish ------------------------------------------------------------------------------------


def test_publish_supersedes_the_previous_version_without_deleting_it(api, world, draft):
    first = api.post(f"/api/v1/programs/{draft['id']}/publish/")
    assert first.status_code == 200 and first.json()["status"] == "published"
    screen = Program.objects.get(pk=draft["id"]).screen
    second = build(api, world.home.clinician, screen).json()
    assert second["version"] == 2
    assert api.post(f"/api/v1/programs/{second['id']}/publish/").status_code == 200
    old = Program.objects.get(pk=draft["id"])
    assert old.status == ProgramStatus.SUPERSEDED and old.items.exists()
    history = api.get(f"/api/v1/programs/{second['id']}/history/").json()
    assert [v["version"] for v in history["versions"]] == [2, 1]
    assert "superseded" in [c["action"] for c in history["versions"][1]["changes"]]


def test_publishing_twice_publishes_once(api, draft):
    assert api.post(f"/api/v1/programs/{draft['id']}/publish/").status_code == 200
    again = api.post(f"/api/v1/programs/{draft['id']}/publish/")
    assert again.status_code == 409 and "detail" in again.json()
    program = Program.objects.get(pk=draft["id"])
    assert program.changes.filter(action="published").count() == 1


def test_a_published_program_is_not_edited_in_place(api, draft):
    api.post(f"/api/v1/programs/{draft['id']}/publish/")
    assert patch(api, draft, {"notes": "late"}).status_code == 409


# --- drills -------------------------------------------------------------------------------------


def test_the_drill_library_lists_every_slug(api, world):
    api.force_authenticate(world.home.clinician)
    body = api.get("/api/v1/drills/", {"limit": 100}).json()
    slugs = {d["slug"] for d in body["results"]}
    assert {"cc_df", "heel_raise_single", "eccentric_step_heel_drop", "toe_yoga"} <= slugs
    assert len(slugs) == 42
    toe_yoga = next(d for d in body["results"] if d["slug"] == "toe_yoga")
    assert toe_yoga["instructions"] and toe_yoga["cues"]


def test_search_and_hide_are_per_clinic(api, world):
    api.force_authenticate(world.home.clinician)
    found = api.get("/api/v1/drills/", {"search": "toe yoga"}).json()["results"]
    assert [d["slug"] for d in found] == ["toe_yoga"]
    assert api.post(f"/api/v1/drills/{found[0]['id']}/hide/").status_code == 204
    assert api.get("/api/v1/drills/", {"search": "toe yoga"}).json()["results"] == []
    api.force_authenticate(world.other.clinician)
    assert len(api.get("/api/v1/drills/", {"search": "toe yoga"}).json()["results"]) == 1
    api.force_authenticate(world.home.clinician)
    assert api.post(f"/api/v1/drills/{found[0]['id']}/unhide/").status_code == 204
    assert len(api.get("/api/v1/drills/", {"search": "toe yoga"}).json()["results"]) == 1


def test_front_desk_cannot_change_the_library(api, world):
    api.force_authenticate(world.home.frontdesk)
    assert api.get("/api/v1/drills/").status_code == 200
    body = {"slug": "x", "name": "X", "category": "mobility", "default_sets": 1, "default_reps": 1}
    assert api.post("/api/v1/drills/", body, format="json").status_code == 403


def test_a_custom_drill_may_not_reuse_a_library_slug(api, world):
    api.force_authenticate(world.home.clinician)
    body = {
        "slug": "toe_yoga",
        "name": "Mine",
        "category": "mobility",
        "default_sets": 1,
        "default_reps": 5,
    }
    response = api.post("/api/v1/drills/", body, format="json")
    assert response.status_code == 400 and "slug" in response.json()
