"""Building a program through the API: dated injury history (docs/clinical-rules.md §6) and the
plantar heel pain pathway (§5), as the clinician receives them."""

from datetime import UTC, date, datetime

import pytest

from programs import evaluation
from programs.models import Program
from tests.programs.conftest import make_screen

pytestmark = pytest.mark.django_db

# Tuesday 03:00 UTC is still Monday 7 December, 22:00, in the clinic's New York.
LATE_EVENING = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)


def build(api, world, *history, performed_on=date(2026, 12, 7)):
    screen = make_screen(world.home, performed_on=performed_on, injury_history=list(history))
    api.force_authenticate(world.home.clinician)
    response = api.post("/api/v1/programs/", {"screen": screen.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def sprain(onset=None):
    entry = {"condition": "ankle_sprain_acute", "side": "left", "status": "current"}
    return {**entry, "onset_date": onset} if onset else entry


def flag_codes(body):
    return {f["code"] for f in body["flags"]}


def test_an_acute_sprain_counts_its_14_days_in_the_patients_own_day(api, world, time_machine):
    time_machine.move_to(LATE_EVENING)
    # 13 days old where the patient is (14 in UTC): the limits still hold.
    body = build(api, world, sprain("2026-11-24"))
    assert {"code": "M-SPRAIN-ACUTE", "side": "left"} in body["modifiers"]
    assert "M-SPRAIN-ACUTE-EXPIRED" not in flag_codes(body)
    # 14 days old: expired, and the clinician is told why the limits are gone.
    body = build(api, world, sprain("2026-11-23"))
    assert {"code": "M-SPRAIN-ACUTE", "side": "left"} not in body["modifiers"]
    assert "M-SPRAIN-ACUTE-EXPIRED" in flag_codes(body)


def test_an_undated_acute_sprain_asks_the_clinician_for_the_date(api, world, time_machine):
    time_machine.move_to(LATE_EVENING)
    body = build(api, world, sprain())
    assert {"code": "M-SPRAIN-ACUTE", "side": "left"} in body["modifiers"]
    (ask,) = [f for f in body["flags"] if f["code"] == "M-SPRAIN-ACUTE-ONSET"]
    assert ask["kind"] == "review" and "onset date" in ask["message"]


def test_a_recent_past_achilles_episode_keeps_the_tendon_rules(api, world, time_machine):
    time_machine.move_to(LATE_EVENING)
    past = {"condition": "achilles_midportion", "side": "right", "status": "past"}
    body = build(api, world, {**past, "onset_date": "2026-10-15"})
    assert {"code": "M-AT-MID", "side": "right"} in body["modifiers"]
    body = build(api, world, {**past, "onset_date": "2026-06-01"})
    assert {"code": "M-AT-MID", "side": "right"} not in body["modifiers"]


def test_plantar_heel_pain_gets_stretches_rolling_and_loading_together(api, world):
    body = build(
        api, world, {"condition": "plantar_heel_pain", "side": "left", "status": "current"}
    )
    php = {i["drill"]: i for i in body["items"] if i["rule"] == "M-PHP"}
    assert set(php) == {"pf_stretch", "calf_stretch_static", "plantar_roll", "heel_raise_bilateral"}
    assert "3 times a day" in php["pf_stretch"]["variant"]
    assert php["pf_stretch"]["rung"] is None and php["pf_stretch"]["days_per_week"] == 7
    load = php["heel_raise_bilateral"]
    assert (load["ladder"], load["rung"], load["days_per_week"]) == ("L-PLANTAR", 1, 3)


def test_a_live_program_asks_to_lift_the_sprain_limits_once_its_window_is_over(
    api, world, time_machine
):
    """§6: a program built inside the sprain's 14 days keeps its limits; from day 14 each
    progression run asks the clinician to lift them (and before that it does not)."""
    time_machine.move_to(LATE_EVENING)  # Monday 7 December in New York
    body = build(api, world, sprain("2026-12-01"))
    assert {"code": "M-SPRAIN-ACUTE", "side": "left"} in body["modifiers"]
    assert api.post(f"/api/v1/programs/{body['id']}/publish/").status_code == 200
    program = Program.objects.get(pk=body["id"])

    evaluation.program_evaluate(program=program, today=date(2026, 12, 14))  # day 13
    program.refresh_from_db()
    assert "sprain_window_over" not in {f["code"] for f in program.flags}

    evaluation.program_evaluate(program=program, today=date(2026, 12, 15))  # day 14
    program.refresh_from_db()
    (ask,) = [f for f in program.flags if f["code"] == "sprain_window_over"]
    assert ask["kind"] == "review" and ask["side"] == "left"
    assert "2026-12-01" in ask["message"] and "still hold" in ask["message"]
    # The limits themselves stay until the clinician builds a new version.
    assert {"code": "M-SPRAIN-ACUTE", "side": "left"} in program.modifiers
