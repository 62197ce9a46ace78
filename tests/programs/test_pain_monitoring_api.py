"""Pain monitoring on the patient page and the API (docs/clinical-rules.md §7): pain per drill
for tendon-loading drills, no silent 0, first-step pain and morning stiffness at check-in,
"still sore?" counted in days, and a missing baseline that holds and asks the clinician."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from programs import worklist
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
from tests.programs.test_progression_service import current, one_drill_program

# A Tuesday, 08:00 in the test clinic's zone: the morning check-in is due from 05:00.
MORNING = datetime(2026, 12, 8, 8, 0, tzinfo=ZoneInfo("America/New_York"))

pytestmark = pytest.mark.django_db


def today(side):
    return timezone.localdate(timezone=side.clinic.tz)


def ago(side, days):
    return (today(side) - timedelta(days=days)).isoformat()


@pytest.fixture
def patient_api(api, world):
    api.force_login(world.home.patient_a.user)
    return api


def two_drill_program(side, *, modifiers=()):
    """Heel raises (tendon-loading) and toe yoga (not), every day."""
    program = Program.objects.create(
        clinic=side.clinic,
        patient=side.patient_a,
        status=ProgramStatus.PUBLISHED,
        version=1,
        published_at=timezone.now(),
        modifiers=[{"code": code, "side": "both"} for code in modifiers],
    )
    for order, slug in enumerate(("heel_raise_single", "toe_yoga"), start=1):
        ProgramItem.objects.create(
            program=program,
            drill=Drill.objects.get(slug=slug, clinic__isnull=True),
            side="both",
            sets=3,
            reps=12,
            days_per_week=7,
            order=order,
        )
    heel, toes = program.items.order_by("order")
    return program, heel, toes


def entry(item, pain=None):
    body = {"program_item": item.pk, "completed_sets": 3, "difficulty": 5}
    if pain is not None:
        body["pain_during"] = pain
    return body


# --- POST me/sessions/: pain per tendon-loading drill ------------------------------------------


def test_a_session_score_never_lands_on_a_tendon_drill(patient_api, world):
    _program, heel, toes = two_drill_program(world.home)
    body = {"date": ago(world.home, 0), "pain_during": 2, "items": [entry(heel), entry(toes)]}
    response = patient_api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 400
    (message,) = response.json()["items"]
    assert f"pain_during of item {heel.pk} (Single-leg heel raise) is missing" in message
    assert "tendon-loading" in message
    assert not SessionLog.objects.exists()


def test_the_session_score_fills_the_other_drills_and_the_tendon_drill_keeps_its_own(
    patient_api, world
):
    _program, heel, toes = two_drill_program(world.home)
    body = {"date": ago(world.home, 0), "pain_during": 1, "items": [entry(heel, 4), entry(toes)]}
    response = patient_api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 201, response.content
    stored = dict(SessionItemLog.objects.values_list("program_item_id", "pain_during"))
    assert stored == {heel.pk: 4, toes.pk: 1}
    assert {i["program_item"]: i["pain_during"] for i in response.json()["items"]} == stored


def test_a_drill_without_any_pain_score_is_refused_not_zero(patient_api, world):
    _program, heel, toes = two_drill_program(world.home)
    body = {"date": ago(world.home, 0), "items": [entry(heel, 3), entry(toes)]}
    response = patient_api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["items"] == [
        f"pain_during of item {toes.pk} is missing: give it, or the session's pain_during."
    ]


def test_the_documented_per_item_shape_still_works(patient_api, world):
    _program, heel, toes = two_drill_program(world.home)
    body = {"date": ago(world.home, 0), "items": [entry(heel, 3), entry(toes, 0)]}
    assert patient_api.post("/api/v1/me/sessions/", body, format="json").status_code == 201


# --- POST me/checkins/ ---------------------------------------------------------------------------


def checkin(**fields):
    return {"pain_next_morning": 1, "red_flags": [], **fields}


def test_a_check_in_stores_still_sore_first_step_pain_and_stiffness(patient_api, world):
    two_drill_program(world.home, modifiers=("M-PHP", "M-AT-MID"))
    body = checkin(date=ago(world.home, 0), still_sore=True, first_step_pain=4)
    body["morning_stiffness_min"] = 25
    response = patient_api.post("/api/v1/me/checkins/", body, format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["still_sore"], answer["first_step_pain"], answer["morning_stiffness_min"]) == (
        True,
        4,
        25,
    )
    assert answer["soreness_hours"] is None
    stored = CheckIn.objects.get()
    assert (stored.still_sore, stored.first_step_pain, stored.morning_stiffness_min) == (
        True,
        4,
        25,
    )


def test_the_older_soreness_hours_check_in_is_still_accepted(patient_api, world):
    two_drill_program(world.home)
    body = checkin(date=ago(world.home, 0), soreness_hours=12)
    assert patient_api.post("/api/v1/me/checkins/", body, format="json").status_code == 201
    assert CheckIn.objects.get().still_sore is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "still_sore"),  # neither "still sore?" nor the older hours
        ({"still_sore": False, "first_step_pain": 11}, "first_step_pain"),
        ({"still_sore": False, "first_step_pain": -1}, "first_step_pain"),
        ({"still_sore": False, "morning_stiffness_min": 1441}, "morning_stiffness_min"),
        ({"still_sore": "perhaps"}, "still_sore"),
    ],
)
def test_bad_morning_answers_are_400s_naming_the_field(patient_api, world, fields, field):
    two_drill_program(world.home)
    body = checkin(date=ago(world.home, 0), **fields)
    response = patient_api.post("/api/v1/me/checkins/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not CheckIn.objects.exists()


# --- the patient page ----------------------------------------------------------------------------


def log_on(program, day, pain=1):
    session = SessionLog.objects.create(patient=program.patient, program=program, date=day)
    for item in program.items.all():
        SessionItemLog.objects.create(
            session=session, program_item=item, completed_sets=3, pain_during=pain, difficulty=5
        )


def test_the_log_form_asks_tendon_drill_pain_on_its_own_and_preselects_no_pain(client, world):
    _program, heel, toes = two_drill_program(world.home)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "<legend>Pain during Single-leg heel raise, 0 (none) to 10 (worst)</legend>" in html
    for value in range(11):
        assert (f'<input type="radio" name="pain_item_{heel.pk}" value="{value}" required>') in html
    assert "<legend>Pain during the other drills, 0 (none) to 10 (worst)</legend>" in html
    assert 'name="pain_all" value="0" required>' in html
    # Nothing is preselected or prefilled: no silent 0.
    assert not any(" checked" in tag for tag in _inputs(html, "pain_"))
    assert f'id="pain-{toes.pk}" name="pain_during" type="number"' in html
    assert f'id="pain-{heel.pk}" name="pain_during"' not in html  # never the shared score
    assert f'data-item="{heel.pk}" data-own-pain="1"' in html


def _inputs(html, name_start):
    return [tag for tag in html.split("<input")[1:] if f'name="{name_start}' in tag.split(">")[0]]


def test_without_tendon_drills_the_session_has_one_pain_question(client, world):
    program, heel, _toes = two_drill_program(world.home)
    heel.delete()
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "<legend>Pain during the session, 0 (none) to 10 (worst)</legend>" in html
    assert 'name="pain_item_' not in html


@pytest.mark.parametrize(
    ("modifiers", "first_step", "stiffness"),
    [
        ((), False, False),
        (("M-PHP",), True, False),
        (("M-AT-MID",), False, True),
        (("M-AT-INS",), False, True),
    ],
)
def test_the_check_in_asks_first_step_pain_or_stiffness_by_modifier(
    client, world, modifiers, first_step, stiffness, time_machine
):
    time_machine.move_to(MORNING)  # the check-in is asked from 05:00 local
    program, _heel, _toes = two_drill_program(world.home, modifiers=modifiers)
    log_on(program, today(world.home) - timedelta(days=1))
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "<legend>Are you still sore from the last session?</legend>" in html
    assert 'name="still_sore" value="yes" required>' in html
    assert 'name="still_sore" value="no" required>' in html
    assert "How many hours did soreness last?" not in html
    assert (
        'name="pain_next_morning" type="number" inputmode="numeric" min="0" max="10" required>'
        in html
    )
    assert ('<label for="checkin-first-step">' in html) is first_step
    assert ('name="first_step_pain"' in html) is first_step
    assert ('<label for="checkin-stiffness">' in html) is stiffness
    assert ('name="morning_stiffness_min"' in html) is stiffness


def test_while_still_sore_the_check_in_comes_back_each_morning(client, world, time_machine):
    time_machine.move_to(MORNING)  # the check-in is asked from 05:00 local
    program, _heel, _toes = two_drill_program(world.home)
    day = today(world.home)
    log_on(program, day - timedelta(days=3))
    client.force_login(world.home.patient_a.user)
    answered = CheckIn.objects.create(
        patient=program.patient, program=program, date=day - timedelta(days=1),
        pain_next_morning=1, still_sore=True,
    )  # fmt: skip
    assert "patient-checkin" in client.get("/").content.decode()  # 3 days on: asked again
    answered.still_sore = False
    answered.save()
    assert "patient-checkin" not in client.get("/").content.decode()
    CheckIn.objects.create(
        patient=program.patient, program=program, date=day, pain_next_morning=1, still_sore=True
    )
    assert "patient-checkin" not in client.get("/").content.decode()  # once a day


# --- through the engine ------------------------------------------------------------------------


def test_still_sore_three_mornings_after_a_session_steps_the_drill_down(patient_api, world):
    home = world.home
    program = one_drill_program(home, changed_days_ago=10)
    item = program.items.get()
    body = {"date": ago(home, 4), "items": [entry(item, 1)]}
    assert patient_api.post("/api/v1/me/sessions/", body, format="json").status_code == 201
    for days in (3, 2):
        body = checkin(date=ago(home, days), still_sore=True)
        answer = patient_api.post("/api/v1/me/checkins/", body, format="json").json()
        assert answer["changes"] == []  # 1 then 2 days: not yet over 48 h
    answer = patient_api.post(
        "/api/v1/me/checkins/", checkin(date=ago(home, 1), still_sore=True), format="json"
    ).json()
    assert [c["action"] for c in answer["changes"]] == ["regressed"]
    assert "still sore three days after the session" in answer["changes"][0]["reason"]
    change = ProgramChange.objects.get(action="regressed")
    assert change.detail["rule"] == "T-DOWN-3"
    assert change.detail["clause"] == "still_sore_days"


def test_a_missing_stiffness_baseline_holds_and_flags_the_clinician(patient_api, world):
    home = world.home
    one_drill_program(home, changed_days_ago=10, modifiers=("M-AT-MID",), item_side="both")
    item = current(home).items.get()
    for days in (6, 3):
        body = {"date": ago(home, days), "items": [entry(item, 0)]}
        assert patient_api.post("/api/v1/me/sessions/", body, format="json").status_code == 201
        body = checkin(date=ago(home, days - 1), still_sore=False)  # no stiffness answer
        answer = patient_api.post("/api/v1/me/checkins/", body, format="json").json()
    assert answer["changes"] == [] and answer["program_version"] == 1  # held, not progressed
    program = current(home)
    (flag,) = [f for f in program.flags if f["code"] == "baseline_missing"]
    assert flag["measures"] == ["morning_stiffness_min"]
    assert "No usual morning stiffness known yet" in flag["message"]
    assert "Single-leg heel raise" in flag["message"]
    rows = worklist.worklist(user=home.clinician, today=today(home))
    assert any(code == "baseline_missing" for row in rows for code, _ in row.flags)
    # Once answered, the baseline is known and the drill can step up.
    body = {"date": ago(home, 1), "items": [entry(item, 0)]}
    patient_api.post("/api/v1/me/sessions/", body, format="json")
    body = checkin(date=ago(home, 0), still_sore=False, morning_stiffness_min=5)
    answer = patient_api.post("/api/v1/me/checkins/", body, format="json").json()
    assert not [f for f in current(home).flags if f["code"] == "baseline_missing"]
