"""Automatic progression end to end: log sessions and check in through the API, the engine
runs, and a change becomes a new program version with a reason in plain words (§11)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.notifications.models import Kind, Notification
from programs import evaluation, review
from programs.models import (
    ChangeReview,
    CheckIn,
    Drill,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
    SessionLog,
)
from programs.services import ProgramConflict

pytestmark = pytest.mark.django_db


def today(side):
    return timezone.localdate(timezone=side.clinic.tz)


def one_drill_program(
    side,
    *,
    drill="heel_raise_single",
    ladder="L-CALF",
    rung=3,
    sets=3,
    reps=10,
    hold_s=None,
    changed_days_ago=8,
    modifiers=(),
    item_side="left",
):
    """A published program of one laddered drill whose dose last changed `changed_days_ago`."""
    start = today(side) - timedelta(days=changed_days_ago)
    program = Program.objects.create(
        clinic=side.clinic,
        patient=side.patient_a,
        status=ProgramStatus.PUBLISHED,
        version=1,
        published_at=timezone.now() - timedelta(days=changed_days_ago),
        published_by=side.clinician,
        started_on=start,
        modifiers=[{"code": code, "side": item_side} for code in modifiers],
    )
    ProgramItem.objects.create(
        program=program,
        drill=Drill.objects.get(slug=drill, clinic__isnull=True),
        side=item_side,
        sets=sets,
        reps=reps,
        hold_s=hold_s,
        days_per_week=7,
        order=1,
        ladder=ladder,
        rung=rung,
        dose_since=start,
    )
    return program


@pytest.fixture
def patient_api(api, world):
    api.force_login(world.home.patient_a.user)
    return api


def log(api, side, days_ago, *, pain=0, difficulty=5, sets=None):
    program = Program.objects.get(patient=side.patient_a, status__in=["published", "paused"])
    item = program.items.get()
    body = {
        "date": (today(side) - timedelta(days=days_ago)).isoformat(),
        "items": [
            {
                "program_item": item.pk,
                "completed_sets": item.sets if sets is None else sets,
                "pain_during": pain,
                "difficulty": difficulty,
            }
        ],
    }
    response = api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def check_in(api, side, days_ago, *, morning=1, soreness=12, flags=(), km=None, miles=None):
    body = {
        "date": (today(side) - timedelta(days=days_ago)).isoformat(),
        "pain_next_morning": morning,
        "soreness_hours": soreness,
        "red_flags": list(flags),
    }
    if km is not None:
        body["run_km_week"] = km
    if miles is not None:
        body["run_miles_week"] = miles
    response = api.post("/api/v1/me/checkins/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def current(side):
    return Program.objects.get(patient=side.patient_a, status__in=["published", "paused"])


# --- docs/clinical-rules.md §11 through the API ---------------------------------------------------


def test_example_4_two_good_sessions_make_version_2_at_3x12(patient_api, world):
    home = world.home
    first = one_drill_program(home)
    log(patient_api, home, 6, pain=1, difficulty=5)
    check_in(patient_api, home, 5, morning=1, soreness=12)
    log(patient_api, home, 3, pain=2, difficulty=6)
    body = check_in(patient_api, home, 2, morning=1, soreness=12)

    assert body["program_version"] == 2
    assert [c["action"] for c in body["changes"]] == ["progressed"]
    reason = body["changes"][0]["reason"]
    assert reason.startswith("Single-leg heel raise: 3 × 12 now, because the last two sessions")

    new = current(home)
    item = new.items.get()
    assert (new.version, item.sets, item.reps, item.rung) == (2, 3, 12, 3)
    assert item.dose_since == today(home) and item.last_progress == today(home)
    # History is never rewritten: version 1 keeps its dose and is superseded.
    first.refresh_from_db()
    assert first.status == ProgramStatus.SUPERSEDED
    assert first.items.get().reps == 10
    change = ProgramChange.objects.get(program=new, action="progressed")
    assert change.detail["before"]["reps"] == 10 and change.detail["after"]["reps"] == 12
    assert change.detail["rule"] == "T-UP"
    # The patient hears about it in plain words.
    update = Notification.objects.get(kind=Kind.PROGRESSION_UPDATE, patient=home.patient_a)
    assert "3 × 12" in update.payload["change"]
    # The patient's own program now shows the new dose.
    mine = patient_api.get("/api/v1/me/program/").json()
    assert (mine["version"], mine["items"][0]["reps"]) == (2, 12)


def test_example_5_too_soon_after_the_last_change_keeps_the_version(patient_api, world):
    home = world.home
    one_drill_program(home, changed_days_ago=4)
    log(patient_api, home, 3, pain=1, difficulty=5)
    check_in(patient_api, home, 2, morning=1)
    log(patient_api, home, 1, pain=2, difficulty=6)
    body = check_in(patient_api, home, 0, morning=1)
    assert (body["program_version"], body["changes"]) == (1, [])
    assert current(home).items.get().reps == 10


def test_example_6_tendon_pain_4_under_m_at_mid_holds(patient_api, world):
    home = world.home
    one_drill_program(
        home, drill="heel_raise_bilateral", ladder="L-TENDON", rung=2, sets=3, reps=15,
        modifiers=("M-AT-MID",),
    )  # fmt: skip
    log(patient_api, home, 5, pain=2)
    check_in(patient_api, home, 4, morning=1)
    log(patient_api, home, 2, pain=4)
    body = check_in(patient_api, home, 1, morning=1)
    assert (body["program_version"], body["changes"]) == (1, [])


def test_example_7_tendon_pain_not_settled_by_morning_steps_down(patient_api, world):
    home = world.home
    one_drill_program(
        home, drill="heel_raise_single", ladder="L-TENDON", rung=3, sets=3, reps=15,
        modifiers=("M-AT-MID",),
    )  # fmt: skip
    log(patient_api, home, 5, pain=1)
    check_in(patient_api, home, 4, morning=1)
    log(patient_api, home, 2, pain=3)
    body = check_in(patient_api, home, 1, morning=2)  # baseline 1 + 1: not back to baseline
    assert body["program_version"] == 2
    assert [c["action"] for c in body["changes"]] == ["regressed"]
    assert "not settled" in body["changes"][0]["reason"]
    item = current(home).items.get()
    # One rung down: L-TENDON rung 2, heel_raise_bilateral 3 x 15.
    assert (item.drill.slug, item.rung, item.sets, item.reps) == ("heel_raise_bilateral", 2, 3, 15)
    assert item.no_progress_until == today(home) + timedelta(days=7)
    assert item.regressions == [today(home).isoformat()]


def test_example_8_soreness_60_hours_steps_down(patient_api, world):
    home = world.home
    one_drill_program(home)
    log(patient_api, home, 5, pain=1)
    check_in(patient_api, home, 4, morning=1)
    log(patient_api, home, 2, pain=1)
    body = check_in(patient_api, home, 1, morning=1, soreness=60)
    assert [c["action"] for c in body["changes"]] == ["regressed"]
    change = ProgramChange.objects.get(action="regressed")
    assert change.detail["rule"] == "T-DOWN-3"
    item = current(home).items.get()
    assert (item.drill.slug, item.rung, item.reps) == ("heel_raise_bilateral", 2, 12)


def test_example_9_balance_45_to_60_seconds(patient_api, world):
    home = world.home
    one_drill_program(
        home, drill="sl_balance_firm_eo", ladder="L-BAL", rung=1, sets=3, reps=None, hold_s=45,
        changed_days_ago=10,
    )  # fmt: skip
    for days_ago in (7, 5, 3):
        log(patient_api, home, days_ago, pain=0, difficulty=4)
        body = check_in(patient_api, home, days_ago - 1, morning=0, soreness=0)
    assert [c["action"] for c in body["changes"]] == ["progressed"]
    item = current(home).items.get()
    assert (item.sets, item.hold_s) == (3, 60)
    assert body["changes"][0]["reason"].startswith(f"{item.drill.name}: 3 × 60 s now")


@pytest.mark.parametrize(("weeks", "stepped_up"), [((20, 24, 28), False), ((20, 20, 21), True)])
def test_example_12_running_spike_holds_load_steps_and_flags_the_clinician(
    patient_api, world, weeks, stepped_up
):
    home = world.home
    one_drill_program(home, changed_days_ago=20)
    # Running reported at the weekly check-ins, e.g. 20 -> 24 -> 28 km (+40 % over two weeks).
    for days_ago, km in ((15, weeks[0]), (8, weeks[1])):
        check_in(patient_api, home, days_ago, km=km)
    log(patient_api, home, 3, pain=1)
    check_in(patient_api, home, 2, km=weeks[2])
    log(patient_api, home, 2, pain=0)
    body = check_in(patient_api, home, 1)
    # Two good sessions, long after the last step: only a spike holds the step back.
    assert bool(body["changes"]) is stepped_up
    flags = [f for f in current(home).flags if f["code"] == "load_spike"]
    if stepped_up:
        assert flags == []
    else:
        assert "20 → 28 km" in flags[0]["message"] and flags[0]["rule"] == "R-LOAD-1"


# The same weeks as above in miles, as a patient counting miles types them (1 mile = 1.609344 km):
# 12.4 -> 20.0 km, 14.9 -> 24.0 km, 17.4 -> 28.0 km; 13.0 -> 20.9 km.
@pytest.mark.parametrize(
    ("weeks", "stored_km", "stepped_up"),
    [((12.4, 14.9, 17.4), ("20.0", "24.0", "28.0"), False), ((12.4, 12.4, 13.0), None, True)],
)
def test_a_miles_patients_spike_decision_equals_the_same_load_in_km(
    patient_api, world, weeks, stored_km, stepped_up
):
    home = world.home
    home.patient_a.units = "imperial"
    home.patient_a.save(update_fields=["units"])
    one_drill_program(home, changed_days_ago=20)
    for days_ago, miles in ((15, weeks[0]), (8, weeks[1])):
        check_in(patient_api, home, days_ago, miles=miles)
    log(patient_api, home, 3, pain=1)
    body = check_in(patient_api, home, 2, miles=weeks[2])
    assert body["run_km_week"] == (stored_km[2] if stored_km else "20.9")
    log(patient_api, home, 2, pain=0)
    body = check_in(patient_api, home, 1)
    assert bool(body["changes"]) is stepped_up  # as in the km test just above
    flags = [f for f in current(home).flags if f["code"] == "load_spike"]
    if stepped_up:
        assert flags == []
    else:
        kept = CheckIn.objects.exclude(run_km_week=None).order_by("date")
        assert [str(c.run_km_week) for c in kept] == list(stored_km)
        assert "20 → 28 km" in flags[0]["message"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"run_miles_week": -1}, "run_miles_week"),
        ({"run_miles_week": 249}, "run_miles_week"),
        ({"run_miles_week": 10, "run_km_week": 16}, "run_miles_week"),
    ],
)
def test_bad_miles_are_a_400_naming_the_field(patient_api, world, extra, field):
    one_drill_program(world.home)
    body = {"date": today(world.home).isoformat(), "pain_next_morning": 0, "soreness_hours": 0}
    response = patient_api.post("/api/v1/me/checkins/", {**body, **extra}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not CheckIn.objects.exists()


def test_run_km_out_of_range_is_a_400_naming_the_field(patient_api, world):
    one_drill_program(world.home)
    body = {"date": today(world.home).isoformat(), "pain_next_morning": 0, "soreness_hours": 0}
    response = patient_api.post("/api/v1/me/checkins/", {**body, "run_km_week": -1}, format="json")
    assert response.status_code == 400 and "run_km_week" in response.json()
    assert not CheckIn.objects.exists()


def test_example_11_sudden_pop_pauses_and_alerts_the_clinician(patient_api, world):
    home = world.home
    program = one_drill_program(home)
    response = patient_api.post(
        "/api/v1/me/red-flags/", {"red_flags": ["sudden_pop"]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["program_status"] == "paused"
    assert "see a doctor today" in response.json()["message"]
    program.refresh_from_db()
    assert program.status == ProgramStatus.PAUSED
    assert [f["code"] for f in program.flags if f["kind"] == "red_flag"] == ["RF-2"]
    alert = Notification.objects.get(kind=Kind.STAFF_RED_FLAG)
    assert alert.recipient_user == home.clinician
    # A paused program takes no more logs.
    item = program.items.get()
    body = {
        "date": today(home).isoformat(),
        "items": [
            {"program_item": item.pk, "completed_sets": 3, "pain_during": 0, "difficulty": 3}
        ],
    }
    assert patient_api.post("/api/v1/me/sessions/", body, format="json").status_code == 409


def test_red_flag_button_refuses_empty_and_unknown_answers(patient_api, world):
    program = one_drill_program(world.home)
    for body, field in (({"red_flags": []}, "red_flags"), ({"red_flags": ["tired"]}, "red_flags")):
        response = patient_api.post("/api/v1/me/red-flags/", body, format="json")
        assert response.status_code == 400 and field in response.json()
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED


def test_pain_8_stops_the_drill_and_alerts_the_clinician(patient_api, world):
    home = world.home
    one_drill_program(home)
    body = log(patient_api, home, 0, pain=8)
    assert [c["action"] for c in body["changes"]] == ["drill_paused"]
    item = current(home).items.get()
    assert item.paused and "paused" in item.pause_reason
    assert Notification.objects.filter(kind=Kind.STAFF_T_STOP).count() == 1
    # The paused drill is not evaluated again until a clinician clears it.
    again = evaluation.program_evaluate(program=current(home))
    assert again.changes == [] and current(home).version == 2


def test_evaluating_again_without_new_logs_changes_nothing(patient_api, world):
    home = world.home
    one_drill_program(home)
    log(patient_api, home, 6, pain=1)
    check_in(patient_api, home, 5)
    log(patient_api, home, 3, pain=1)
    check_in(patient_api, home, 2)
    assert current(home).version == 2
    for _ in range(3):
        assert evaluation.program_evaluate(program=current(home)).changes == []
    assert current(home).version == 2
    assert Notification.objects.filter(kind=Kind.PROGRESSION_UPDATE).count() == 1


def test_todays_log_can_still_be_edited_after_the_engine_made_a_new_version(patient_api, world):
    home = world.home
    one_drill_program(home)
    log(patient_api, home, 0, pain=8)  # T-STOP: version 2 pauses the drill
    assert current(home).version == 2
    log(patient_api, home, 0, pain=2)  # the patient corrects today's log
    logs = SessionLog.objects.filter(patient=home.patient_a, date=today(home))
    assert logs.count() == 1
    assert logs.get().program == current(home)
    assert logs.get().items.get().pain_during == 2


# --- the clinician's answers --------------------------------------------------------------------


def progressed(api, world):
    home = world.home
    one_drill_program(home)
    log(api, home, 6, pain=1)
    check_in(api, home, 5)
    log(api, home, 3, pain=1)
    check_in(api, home, 2)
    return ProgramChange.objects.get(action="progressed")


def test_accept_marks_the_change_reviewed(patient_api, world):
    change = progressed(patient_api, world)
    review.change_accept(user=world.home.clinician, change=change)
    change.refresh_from_db()
    assert change.review == ChangeReview.ACCEPTED and change.reviewed_by == world.home.clinician
    with pytest.raises(ProgramConflict):
        review.change_accept(user=world.home.clinician, change=change)


def test_undo_puts_the_old_dose_back_in_a_new_version(patient_api, world):
    home = world.home
    change = progressed(patient_api, world)
    program = review.change_undo(user=home.clinician, change=change, reason="too fast")
    item = program.items.get()
    assert (program.version, item.reps, item.dose_since) == (3, 10, today(home))
    assert ProgramChange.objects.get(program=program, action="undone").created_by == home.clinician
    change.refresh_from_db()
    assert change.review == ChangeReview.UNDONE
    assert Program.objects.filter(patient=home.patient_a, status="superseded").count() == 2


def test_override_sets_a_dose_by_hand_and_bad_doses_are_refused(patient_api, world):
    home = world.home
    change = progressed(patient_api, world)
    program = current(home)
    item = program.items.get()
    with pytest.raises(Exception) as bad:
        review.item_override(user=home.clinician, program=program, item=item, dose={"sets": 0})
    assert "dose" in bad.value.message_dict
    assert current(home).version == 2  # nothing written
    new = review.item_override(
        user=home.clinician, program=program, item=item, dose={"sets": 2, "reps": 8}, change=change
    )
    assert (new.version, new.items.get().sets, new.items.get().reps) == (3, 2, 8)
    change.refresh_from_db()
    assert change.review == ChangeReview.OVERRIDDEN


def test_resume_after_a_red_flag_needs_a_note_and_does_not_reread_old_answers(patient_api, world):
    home = world.home
    one_drill_program(home)
    log(patient_api, home, 1, pain=1)
    check_in(patient_api, home, 0, flags=["calf_swelling"])
    program = current(home)
    assert program.status == ProgramStatus.PAUSED
    with pytest.raises(Exception):
        review.program_resume(user=home.clinician, program=program, note="  ")
    resumed = review.program_resume(
        user=home.clinician, program=program, note="Seen today; no DVT signs, scan clear."
    )
    assert resumed.status == ProgramStatus.PUBLISHED
    assert all(f.get("resolved") for f in resumed.flags if f["kind"] == "red_flag")
    # The check-in with the red flag is not read again by the engine.
    assert evaluation.program_evaluate(program=resumed).paused_program is False
    assert current(home).status == ProgramStatus.PUBLISHED


def test_low_adherence_is_flagged_for_review_once_a_week(world):
    home = world.home
    program = one_drill_program(home, changed_days_ago=14)
    result = evaluation.program_evaluate(program=program)
    program.refresh_from_db()
    assert [f["code"] for f in program.flags] == ["low_adherence"]
    assert result.changes == []
    evaluation.program_evaluate(program=program)
    assert Notification.objects.filter(kind=Kind.STAFF_LOW_ADHERENCE).count() == 1


def test_reminders_follow_the_version_the_engine_writes(patient_api, world):
    from clinic.notifications.models import Status
    from clinic.notifications.services import subject_parts

    home = world.home
    first = one_drill_program(home)
    from programs.reminders import program_published_notify

    program_published_notify(program=first)
    old_ref = subject_parts(first)[2]
    assert Notification.objects.filter(subject_ref=old_ref, status=Status.PENDING).exists()
    log(patient_api, home, 6, pain=1)
    check_in(patient_api, home, 5)
    log(patient_api, home, 3, pain=1)
    check_in(patient_api, home, 2)
    new = current(home)
    assert new.version == 2
    reminders = Notification.objects.filter(kind=Kind.PROGRAM_REMINDER)
    assert not reminders.filter(subject_ref=old_ref, status=Status.PENDING).exists()
    assert reminders.filter(subject_ref=subject_parts(new)[2], status=Status.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_the_red_flag_button_works_outside_a_test_transaction(patient_api, world):
    """As served: no transaction around the request, so the service must open its own before
    it locks the patient (on PostgreSQL a lock outside one is refused)."""
    program = one_drill_program(world.home)
    response = patient_api.post(
        "/api/v1/me/red-flags/", {"red_flags": ["sudden_pop"]}, format="json"
    )
    assert response.status_code == 201, response.content
    program.refresh_from_db()
    assert program.status == ProgramStatus.PAUSED
