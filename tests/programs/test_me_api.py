"""The patient's own program API: read it, log sessions, check in (interface.md `me/`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programs.models import (
    CheckIn,
    Drill,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
    SessionItemLog,
    SessionLog,
)

pytestmark = pytest.mark.django_db

ITEM_KEYS = {
    "id",
    "drill",
    "drill_name",
    "category",
    "side",
    "sets",
    "reps",
    "hold_s",
    "days_per_week",
    "load_note",
    "instructions",
    "cues",
    "equipment",
    "reason",
    # What the patient must do (interface.md, Additions 2026-12).
    "variant",
    "precautions",
    "times_per_day",
    "media",
}


def make_program(side, patient=None, *, items=3, status=ProgramStatus.PUBLISHED, version=1):
    """A program of `items` library drills for `side`'s patient A (or `patient`)."""
    patient = patient or side.patient_a
    program = Program.objects.create(
        clinic=side.clinic,
        patient=patient,
        status=status,
        version=version,
        published_at=timezone.now() if status != ProgramStatus.DRAFT else None,
    )
    drills = list(Drill.objects.filter(clinic__isnull=True).order_by("slug"))
    ProgramItem.objects.bulk_create(
        ProgramItem(
            program=program,
            drill=drills[n % len(drills)],
            side=("left", "right", "both")[n % 3],
            sets=3,
            reps=12,
            days_per_week=7,
            order=n + 1,
            reason=f"Reason {n}",
        )
        for n in range(items)
    )
    return program


def today(side):
    return timezone.localdate(timezone=side.clinic.tz)


def session_body(program, day, **overrides):
    entry = {"completed_sets": 3, "pain_during": 2, "difficulty": 5, **overrides}
    return {
        "date": day.isoformat(),
        "items": [{"program_item": item.pk, **entry} for item in program.items.all()],
    }


@pytest.fixture
def patient_api(api, world):
    api.force_login(world.home.patient_a.user)
    return api


# --- GET me/program/ ------------------------------------------------------------------------


def test_the_current_program_in_the_documented_shape(patient_api, world):
    program = make_program(world.home, items=2)
    response = patient_api.get("/api/v1/me/program/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == program.pk
    assert body["status"] == "published"
    assert body["version"] == 1
    assert len(body["items"]) == 2
    item = body["items"][0]
    assert set(item) == ITEM_KEYS
    drill = program.items.first().drill
    assert item["drill"] == drill.slug
    assert item["instructions"] == drill.instructions
    assert item["cues"] == drill.cues
    assert len(body["week"]) == 7


def test_no_program_is_a_json_404(patient_api, world):
    make_program(world.home, status=ProgramStatus.DRAFT)
    response = patient_api.get("/api/v1/me/program/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_a_paused_program_is_still_shown_and_a_superseded_one_is_not(patient_api, world):
    make_program(world.home, status=ProgramStatus.SUPERSEDED, version=1)
    paused = make_program(world.home, status=ProgramStatus.PAUSED, version=2)
    body = patient_api.get("/api/v1/me/program/").json()
    assert body["id"] == paused.pk
    assert body["status"] == "paused"


def test_patient_b_cannot_see_patient_a_program(api, world):
    make_program(world.home)
    api.force_login(world.home.patient_b.user)
    assert api.get("/api/v1/me/program/").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/me/program/", "/api/v1/me/sessions/"])
def test_staff_get_403_and_anonymous_401(api, world, path):
    make_program(world.home)
    method = api.get if path.endswith("program/") else api.post
    assert method(path, {}, format="json").status_code == 401
    for user in (world.home.clinician, world.home.admin, world.home.frontdesk):
        api.force_login(user)
        assert method(path, {}, format="json").status_code == 403
    api.force_login(world.home.clinician)
    assert api.post("/api/v1/me/checkins/", {}, format="json").status_code == 403


@pytest.mark.parametrize("size", [1, 8, 20])
def test_me_program_has_a_fixed_query_count(api, world, django_assert_num_queries, size):
    make_program(world.home, items=size)
    api.force_login(world.home.patient_a.user)
    # session, user, staff membership, patient, program, items with drills, their media
    with django_assert_num_queries(5):
        response = api.get("/api/v1/me/program/")
    assert len(response.json()["items"]) == size


@pytest.mark.parametrize("sessions", [0, 500])
def test_me_program_query_count_does_not_grow_with_logged_sessions(
    api, world, django_assert_num_queries, sessions
):
    program = make_program(world.home, items=8)
    start = today(world.home) - timedelta(days=sessions)
    SessionLog.objects.bulk_create(
        SessionLog(patient=world.home.patient_a, program=program, date=start + timedelta(days=n))
        for n in range(sessions)
    )
    api.force_login(world.home.patient_a.user)
    with django_assert_num_queries(5):  # the drills' media: one query (issue 19)
        assert api.get("/api/v1/me/program/").status_code == 200


# --- POST me/sessions/ ----------------------------------------------------------------------


def test_logging_a_session(patient_api, world):
    program = make_program(world.home, items=2)
    response = patient_api.post(
        "/api/v1/me/sessions/", session_body(program, today(world.home)), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["program"] == program.pk
    assert len(body["items"]) == 2
    log = SessionLog.objects.get()
    assert log.patient == world.home.patient_a
    assert log.items.count() == 2


def test_the_same_day_log_can_be_edited(patient_api, world):
    program = make_program(world.home, items=2)
    day = today(world.home)
    patient_api.post("/api/v1/me/sessions/", session_body(program, day), format="json")
    response = patient_api.post(
        "/api/v1/me/sessions/", session_body(program, day, pain_during=4), format="json"
    )
    assert response.status_code == 201, response.content
    assert SessionLog.objects.count() == 1
    assert set(SessionItemLog.objects.values_list("pain_during", flat=True)) == {4}


def test_an_earlier_day_cannot_be_rewritten(patient_api, world):
    program = make_program(world.home, items=1)
    yesterday = today(world.home) - timedelta(days=1)
    first = patient_api.post(
        "/api/v1/me/sessions/", session_body(program, yesterday), format="json"
    )
    assert first.status_code == 201
    again = patient_api.post(
        "/api/v1/me/sessions/", session_body(program, yesterday, pain_during=5), format="json"
    )
    assert again.status_code == 409
    assert set(SessionItemLog.objects.values_list("pain_during", flat=True)) == {2}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pain_during": 11}, "pain_during"),
        ({"completed_sets": -1}, "completed_sets"),
        ({"difficulty": -2}, "difficulty"),
    ],
)
def test_bad_item_values_are_400s_naming_the_field(patient_api, world, overrides, field):
    program = make_program(world.home, items=2)
    body = session_body(program, today(world.home))
    body["items"][1].update(overrides)  # the first item is fine: nothing may be stored
    response = patient_api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["items"]  # the bad entry (index 1) names the field
    assert field in (errors["1"] if isinstance(errors, dict) else errors[1])
    assert not SessionLog.objects.exists()
    assert not SessionItemLog.objects.exists()


def test_a_future_date_is_a_400_naming_the_date(patient_api, world):
    program = make_program(world.home, items=1)
    tomorrow = today(world.home) + timedelta(days=1)
    response = patient_api.post(
        "/api/v1/me/sessions/", session_body(program, tomorrow), format="json"
    )
    assert response.status_code == 400
    assert "date" in response.json()
    assert not SessionLog.objects.exists()


def test_an_item_of_another_program_is_a_400_and_nothing_is_stored(patient_api, world):
    program = make_program(world.home, items=2)
    theirs = make_program(world.home, world.home.patient_b, items=1)
    body = session_body(program, today(world.home))
    body["items"].append(
        {
            "program_item": theirs.items.get().pk,
            "completed_sets": 3,
            "pain_during": 1,
            "difficulty": 4,
        }
    )
    response = patient_api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 400
    assert "items" in response.json()
    assert not SessionLog.objects.exists()
    assert not SessionItemLog.objects.exists()


def test_patient_b_cannot_log_on_patient_a_program(api, world):
    program = make_program(world.home, items=1)
    api.force_login(world.home.patient_b.user)
    response = api.post(
        "/api/v1/me/sessions/", session_body(program, today(world.home)), format="json"
    )
    assert response.status_code == 404
    assert not SessionLog.objects.exists()


def test_patient_b_cannot_log_patient_a_items_on_their_own_program(api, world):
    theirs = make_program(world.home, items=1)
    make_program(world.home, world.home.patient_b, items=1)
    api.force_login(world.home.patient_b.user)
    response = api.post(
        "/api/v1/me/sessions/", session_body(theirs, today(world.home)), format="json"
    )
    assert response.status_code == 400
    assert "items" in response.json()
    assert not SessionLog.objects.exists()


def test_more_sets_than_prescribed_is_a_400(patient_api, world):
    program = make_program(world.home, items=1)
    body = session_body(program, today(world.home), completed_sets=5)
    response = patient_api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 400
    assert "items" in response.json()


# --- POST me/checkins/ ----------------------------------------------------------------------


def checkin_body(day, **overrides):
    return {
        "date": day.isoformat(),
        "pain_next_morning": 2,
        "soreness_hours": 12,
        "red_flags": [],
        **overrides,
    }


def test_a_check_in_without_red_flags_keeps_the_program_running(patient_api, world):
    program = make_program(world.home)
    response = patient_api.post(
        "/api/v1/me/checkins/", checkin_body(today(world.home)), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["program_status"] == "published"
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED
    assert CheckIn.objects.get().soreness_hours == 12


def test_a_red_flag_pauses_the_program_at_once_and_flags_the_clinician(patient_api, world):
    program = make_program(world.home)
    response = patient_api.post(
        "/api/v1/me/checkins/",
        checkin_body(today(world.home), red_flags=["calf_swelling"]),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["program_status"] == "paused"
    program.refresh_from_db()
    assert program.status == ProgramStatus.PAUSED
    assert [f["code"] for f in program.flags if f["kind"] == "red_flag"] == ["RF-3"]
    change = ProgramChange.objects.get(program=program, action="paused")
    assert change.detail["red_flags"] == ["calf_swelling"]
    # The patient still sees the paused program, and cannot log on it.
    assert patient_api.get("/api/v1/me/program/").json()["status"] == "paused"
    logged = patient_api.post(
        "/api/v1/me/sessions/", session_body(program, today(world.home)), format="json"
    )
    assert logged.status_code == 409
    # The clinician sees the red flag on the program.
    patient_api.force_login(world.home.clinician)
    flags = patient_api.get(f"/api/v1/programs/{program.pk}/").json()["flags"]
    assert any(f["kind"] == "red_flag" and f["code"] == "RF-3" for f in flags)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pain_next_morning": 11}, "pain_next_morning"),
        ({"soreness_hours": -1}, "soreness_hours"),
        ({"red_flags": ["not_a_flag"]}, "red_flags"),
    ],
)
def test_bad_check_ins_are_400s_naming_the_field(patient_api, world, overrides, field):
    program = make_program(world.home)
    response = patient_api.post(
        "/api/v1/me/checkins/", checkin_body(today(world.home), **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not CheckIn.objects.exists()
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED


def test_a_future_check_in_is_a_400_and_does_not_pause(patient_api, world):
    program = make_program(world.home)
    day = today(world.home) + timedelta(days=1)
    response = patient_api.post(
        "/api/v1/me/checkins/", checkin_body(day, red_flags=["sudden_pop"]), format="json"
    )
    assert response.status_code == 400
    assert "date" in response.json()
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED
    assert not CheckIn.objects.exists()
