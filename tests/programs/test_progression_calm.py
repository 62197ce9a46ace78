"""Automatic progression through the service and the API: modifiers hold at every step, a rung
change takes the new rung's days, at most one automatic version and one message a day, and the
clinician accepts all of a patient's pending changes at once (docs/clinical-rules.md §5-§7)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from clinic.notifications.models import Kind, Notification
from programs import evaluation, review
from programs.models import (
    ChangeReview,
    Drill,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
)
from programs.selectors import week_plan

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 9, 17, 0, tzinfo=UTC)  # a Wednesday, midday in the Americas


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOON)


def today(side):
    return timezone.localdate(timezone=side.clinic.tz)


def program_of(side, items, *, modifiers=(), changed_days_ago=8, patient=None):
    """A published program; `items` are (drill, ladder, rung, sets, reps, hold_s, variant)."""
    start = today(side) - timedelta(days=changed_days_ago)
    program = Program.objects.create(
        clinic=side.clinic,
        patient=patient or side.patient_a,
        status=ProgramStatus.PUBLISHED,
        version=1,
        published_at=timezone.now() - timedelta(days=changed_days_ago),
        published_by=side.clinician,
        started_on=start,
        modifiers=[{"code": code, "side": "left"} for code in modifiers],
    )
    for order, (drill, ladder, rung, sets, reps, hold_s, variant) in enumerate(items, start=1):
        ProgramItem.objects.create(
            program=program,
            drill=Drill.objects.get(slug=drill, clinic__isnull=True),
            side="left",
            sets=sets,
            reps=reps,
            hold_s=hold_s,
            days_per_week=7,
            order=order,
            ladder=ladder,
            rung=rung,
            variant=variant,
            dose_since=start,
        )
    return program


def current(side, patient=None):
    return Program.objects.get(
        patient=patient or side.patient_a, status__in=["published", "paused"]
    )


def log(api, side, days_ago, drills=None, *, pain=0, difficulty=4):
    """Log the drills named (every drill when None) of the current version, all sets done."""
    items = [
        item
        for item in current(side).items.select_related("drill")
        if drills is None or item.drill.slug in drills
    ]
    body = {
        "date": (today(side) - timedelta(days=days_ago)).isoformat(),
        "items": [
            {
                "program_item": item.pk,
                "completed_sets": item.sets,
                "pain_during": pain,
                "difficulty": difficulty,
            }
            for item in items
        ],
    }
    response = api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def check_in(api, side, days_ago, *, morning=0, soreness=0):
    body = {
        "date": (today(side) - timedelta(days=days_ago)).isoformat(),
        "pain_next_morning": morning,
        "soreness_hours": soreness,
        # Achilles modifiers also ask morning stiffness; steady at 5 minutes (§7).
        "morning_stiffness_min": 5,
        "red_flags": [],
    }
    response = api.post("/api/v1/me/checkins/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def logs_well(api, side, drills=None, sessions=3):
    """Easy sessions on days 7, 5, 3 before today, each with its next-morning check-in
    (strength drills step up after two of them, the others after three)."""
    for days_ago in (7, 5, 3)[:sessions]:
        log(api, side, days_ago, drills)
        body = check_in(api, side, days_ago - 1)
    return body


@pytest.fixture
def patient_api(api, world):
    api.force_login(world.home.patient_a.user)
    return api


# --- 1. modifiers hold at every automatic step ----------------------------------------------------

# At the top of their rungs: the next rung is kneeling dorsiflexion / a raise off a step.
SQUAT_ROCK_TOP = ("heel_elev_squat_rock", "L-DF", 2, 3, 10, None, "")
FLOOR_RAISE_TOP = ("heel_raise_single", "L-CALF", 3, 3, 15, None, "floor")


def test_an_insertional_patient_who_logs_well_is_held_and_the_clinician_flagged(
    patient_api, world, client
):
    home = world.home
    program_of(home, [SQUAT_ROCK_TOP, FLOOR_RAISE_TOP], modifiers=("M-AT-INS",))
    body = logs_well(patient_api, home)

    program = current(home)
    assert (body["program_version"], body["changes"], program.version) == (1, [], 1)
    assert [(i.drill.slug, i.rung, i.sets, i.reps) for i in program.items.all()] == [
        ("heel_elev_squat_rock", 2, 3, 10),
        ("heel_raise_single", 3, 3, 15),
    ]
    held = [f for f in program.flags if f["code"] == "modifier_hold"]
    assert {f["drill"] for f in held} == {"heel_elev_squat_rock", "heel_raise_single"}
    assert all(f["rule"] == "M-AT-INS" and f["kind"] == "review" for f in held)
    assert all("not allowed under M-AT-INS" in f["message"] for f in held)
    assert any("(Half-kneeling ankle dorsiflexion)" in f["message"] for f in held)
    assert any("off a step" in f["message"] for f in held)
    # Nothing the modifier forbids is anywhere in any version.
    assert not ProgramItem.objects.filter(
        program__patient=home.patient_a, drill__slug__in=["kneeling_df", "banded_df_mob"]
    ).exists()
    assert not ProgramItem.objects.filter(
        program__patient=home.patient_a, variant__icontains="step"
    ).exists()
    # The clinician sees the flag, naming the modifier, on the worklist.
    client.force_login(home.clinician)
    html = client.get("/worklist/").content.decode()
    assert "Step not allowed" in html and "not allowed under M-AT-INS" in html
    # A later session held for another reason (pain) keeps the flag until the clinician acts.
    log(patient_api, home, 1, ["heel_elev_squat_rock"], pain=3)
    flags = current(home).flags
    held = {f["drill"] for f in flags if f["code"] == "modifier_hold"}
    assert held == {"heel_elev_squat_rock", "heel_raise_single"}


def test_without_the_modifier_the_same_logs_move_the_drill_up(patient_api, world):
    home = world.home
    program_of(home, [SQUAT_ROCK_TOP])
    logs_well(patient_api, home)
    item = current(home).items.get()
    assert (current(home).version, item.drill.slug, item.rung) == (2, "kneeling_df", 3)
    assert not [f for f in current(home).flags if f["code"] == "modifier_hold"]


# --- 3. each rung carries its frequency ---------------------------------------------------------


def test_a_rung_change_takes_the_new_rungs_days_and_week_pattern(patient_api, world):
    home = world.home
    # The daily isometric hold, at the top of its rung, becomes slow heel raises 3 days a week.
    program_of(
        home,
        [("heel_raise_bilateral", "L-TENDON", 1, 5, None, 45, "isometric hold at mid-range")],
    )
    logs_well(patient_api, home)
    program = current(home)
    item = program.items.select_related("drill").get()
    assert (program.version, item.rung, item.days_per_week) == (2, 2, 3)
    plan = week_plan([item])
    assert [day for day, ids in enumerate(plan) if ids] == [0, 2, 4]  # Mon, Wed, Fri


def test_a_big_toe_rung_becoming_a_calf_raise_is_never_on_consecutive_days(patient_api, world):
    home = world.home
    program_of(home, [("heel_elev_squat_rock", "L-HX", 3, 3, 10, None, "big toe")])
    logs_well(patient_api, home)
    item = current(home).items.select_related("drill").get()
    assert (item.drill.slug, item.days_per_week) == ("runner_calf_raise", 3)
    days = [day for day, ids in enumerate(week_plan([item])) if ids]
    assert all((b - a) % 7 > 1 for a, b in zip(days, (*days[1:], days[0])))


# --- 8. calm changes -----------------------------------------------------------------------------

CALF_LOW = ("heel_raise_single", "L-CALF", 3, 3, 10, None, "floor")
BALANCE = ("sl_balance_firm_eo", "L-BAL", 1, 3, None, 30, "")


def test_changes_found_the_same_day_merge_into_one_version_and_one_message(patient_api, world):
    home = world.home
    program_of(home, [CALF_LOW, BALANCE])
    # The calf raise qualifies first (after two good sessions) ...
    body = logs_well(patient_api, home, sessions=2)
    assert body["program_version"] == 2
    # ... the balance drill later the same day (after three).
    log(patient_api, home, 3)
    body = check_in(patient_api, home, 2)

    program = current(home)
    assert program.version == 2 and body["program_version"] == 2
    assert Program.objects.filter(patient=home.patient_a).count() == 2
    items = {i.drill.slug: i for i in program.items.all()}
    assert items["heel_raise_single"].reps == 12 and items["sl_balance_firm_eo"].hold_s > 30
    changes = ProgramChange.objects.filter(program=program, action="progressed")
    assert sorted(c.drill for c in changes) == ["heel_raise_single", "sl_balance_firm_eo"]
    assert all(c.version == 2 and c.reason for c in changes)
    # One "your program changed" message that names both changes, each with its reason.
    (message,) = Notification.objects.filter(kind=Kind.PROGRESSION_UPDATE)
    for change in changes:
        assert change.reason in message.payload["change"]


def test_the_next_day_makes_a_new_version_and_a_new_message(patient_api, world, time_machine):
    home = world.home
    program_of(home, [CALF_LOW, BALANCE])
    logs_well(patient_api, home, sessions=2)
    assert current(home).version == 2
    time_machine.move_to(NOON + timedelta(days=1))
    log(patient_api, home, 2)  # the balance drill's third session
    check_in(patient_api, home, 1)
    assert current(home).version == 3
    assert Notification.objects.filter(kind=Kind.PROGRESSION_UPDATE).count() == 2


def test_after_the_clinician_acted_a_step_up_waits_for_tomorrow(patient_api, world, time_machine):
    home = world.home
    program_of(home, [CALF_LOW, BALANCE])
    logs_well(patient_api, home, sessions=2)
    change = ProgramChange.objects.get(action="progressed")
    review.change_undo(user=home.clinician, change=change, reason="not yet")
    assert current(home).version == 3  # the clinician's version
    log(patient_api, home, 3)
    check_in(patient_api, home, 2)
    # One automatic version today already: no second one for a step up.
    assert current(home).version == 3
    assert current(home).items.get(drill__slug="sl_balance_firm_eo").hold_s == 30
    # The next day it comes.
    time_machine.move_to(NOON + timedelta(days=1))
    result = evaluation.program_evaluate(program=current(home))
    assert [c.drill for c in result.changes] == ["sl_balance_firm_eo"]
    assert current(home).version == 4


def test_the_clinician_accepts_all_pending_changes_at_once(patient_api, world, client):
    home = world.home
    program_of(home, [CALF_LOW, BALANCE])
    logs_well(patient_api, home)
    program = current(home)
    pending = ProgramChange.objects.filter(program__patient=home.patient_a, review="")
    assert pending.filter(action="progressed").count() == 2
    url = f"/programs/{program.pk}/changes/accept/"

    client.force_login(home.clinician)
    html = client.get("/worklist/").content.decode()
    assert "Accept all 2" in html and url in html
    # Front desk may not; another clinic's clinician does not see the program.
    client.force_login(home.frontdesk)
    assert client.post(url).status_code == 403
    client.force_login(world.other.clinician)
    assert client.post(url).status_code == 404
    assert pending.filter(action="progressed").count() == 2
    # The patient's own login is refused too.
    client.force_login(home.patient_a.user)
    assert client.post(url).status_code in (302, 403)
    assert pending.filter(action="progressed").count() == 2

    client.force_login(home.clinician)
    response = client.post(url, {"next": "/worklist/"}, follow=True)
    assert "2 changes accepted." in response.content.decode()
    accepted = ProgramChange.objects.filter(program__patient=home.patient_a, action="progressed")
    assert all(
        c.review == ChangeReview.ACCEPTED and c.reviewed_by == home.clinician for c in accepted
    )
    assert "Automatic changes to review" not in client.get("/worklist/").content.decode()
    # Nothing left: a clear message, not an error page.
    response = client.post(url, follow=True)
    assert "no automatic change waiting" in response.content.decode()
    assert review.changes_accept_all(user=home.clinician, program=program) == []


def test_accept_all_leaves_other_patients_changes_alone(patient_api, world):
    home = world.home
    program_of(home, [CALF_LOW])
    logs_well(patient_api, home)
    other = program_of(home, [CALF_LOW], patient=home.patient_b)
    ProgramChange.objects.create(
        program=other, version=1, source="progression", action="progressed", drill="x"
    )
    review.changes_accept_all(user=home.clinician, program=current(home))
    assert ProgramChange.objects.get(program=other).review == ""


def test_the_api_accepts_all_pending_changes_for_clinical_staff_of_the_clinic(
    patient_api, world, api
):
    home = world.home
    program_of(home, [CALF_LOW, BALANCE])
    logs_well(patient_api, home)
    url = f"/api/v1/programs/{current(home).pk}/accept-changes/"
    pending = ProgramChange.objects.filter(program__patient=home.patient_a, action="progressed")
    api.force_login(home.frontdesk)
    assert api.post(url).status_code == 403
    api.force_login(world.other.clinician)
    assert api.post(url).status_code == 404
    assert set(pending.values_list("review", flat=True)) == {""}
    api.force_login(home.clinician)
    response = api.post(url)
    assert response.status_code == 200
    assert sorted(response.json()["accepted"]) == sorted(pending.values_list("pk", flat=True))
    assert set(pending.values_list("review", flat=True)) == {ChangeReview.ACCEPTED}
    again = api.post(url)
    assert (again.status_code, again.json()) == (200, {"accepted": []})


def test_a_second_drill_paused_the_same_day_merges_but_still_alerts_the_clinician(
    patient_api, world
):
    home = world.home
    program_of(home, [CALF_LOW, BALANCE])
    log(patient_api, home, 1, ["heel_raise_single"], pain=8)  # T-STOP
    assert current(home).version == 2
    log(patient_api, home, 0, ["sl_balance_firm_eo"], pain=8)  # T-STOP again, same day
    program = current(home)
    assert program.version == 2
    assert all(item.paused for item in program.items.all())
    assert ProgramChange.objects.filter(program=program, action="drill_paused").count() == 2
    # Each pause reaches the clinician: a safety alert is never folded into one already due.
    assert Notification.objects.filter(kind=Kind.STAFF_T_STOP).count() == 2
