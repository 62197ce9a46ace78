"""Red-flag messages by urgency (docs/clinical-rules.md §8, from clinical.md 8.10): what the
patient is told after "something is wrong" or a check-in, the `pause` of me/program, the
patient page while paused (drills hidden, call link, report again or add detail) and the
clinician's alert."""

from datetime import UTC, date, datetime

import pytest

from clinic.notifications.models import Kind, Notification
from programs import red_flags
from programs.models import ProgramChange, ProgramStatus
from programs.progression_rules import Baseline, Context, Dose, ItemState, evaluate
from tests.programs.test_me_api import make_program, today

TIERS = {
    "calf_swelling": ("emergency", red_flags.GET_HELP_NOW),
    "numbness_or_cold_foot": ("emergency", red_flags.GET_HELP_NOW),
    "hot_swollen_joint": ("emergency", red_flags.GET_HELP_NOW),
    "sudden_pop": ("today", red_flags.DOCTOR_TODAY),
    "cannot_bear_weight": ("today", red_flags.CALL_CLINIC_TODAY),
    "focal_bone_pain": ("today", red_flags.CALL_CLINIC_TODAY),
    "severe_pain": ("clinic", red_flags.CALL_CLINIC),
}
PHONE = "+1 410-555-0100"


# --- engine ---------------------------------------------------------------------------------------


def test_every_red_flag_has_its_tier_and_message():
    assert set(TIERS) == set(red_flags.ANSWERS)
    for answer, (urgency, message) in TIERS.items():
        flag = red_flags.BY_ANSWER[answer]
        assert (flag.urgency, flag.patient_message) == (urgency, message), answer
    assert red_flags.GET_HELP_NOW == (
        "Stop. Get urgent medical help today; call the emergency number if it is severe."
    )


@pytest.mark.parametrize("answer", sorted(TIERS))
def test_the_engine_tells_the_patient_what_to_do_by_urgency(answer):
    state = ItemState(Dose("toe_yoga", 0, 2, 10), "intrinsic", date(2026, 11, 1))
    decision = evaluate(
        state,
        [],
        ladder=None,
        baseline=Baseline(),
        today=date(2026, 11, 20),
        context=Context(red_flags=(answer,)),
    )
    assert decision.action == "stop_program"
    assert TIERS[answer][1] in decision.reason
    assert "contact the clinic" not in decision.reason or answer == "severe_pain"


# --- me/program and the button --------------------------------------------------------------------


@pytest.fixture
def patient_api(api, world):
    world.home.clinic.phone = PHONE
    world.home.clinic.save()
    api.force_login(world.home.patient_a.user)
    return api


@pytest.mark.django_db
def test_a_running_program_has_no_pause(patient_api, world):
    make_program(world.home)
    assert patient_api.get("/api/v1/me/program/").json()["pause"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("answer", sorted(TIERS))
def test_me_program_says_what_to_do_while_paused(patient_api, world, answer):
    make_program(world.home)
    response = patient_api.post("/api/v1/me/red-flags/", {"red_flags": [answer]}, format="json")
    assert response.status_code == 201, response.content
    urgency, message = TIERS[answer]
    assert response.json()["message"] == f"Your program is paused. {message}"
    pause = patient_api.get("/api/v1/me/program/").json()["pause"]
    assert (pause["urgency"], pause["message"], pause["clinic_phone"]) == (urgency, message, PHONE)
    assert pause["red_flags"] == [answer]


@pytest.mark.django_db
def test_the_most_urgent_answer_of_a_check_in_wins(patient_api, world):
    make_program(world.home)
    body = {
        "date": today(world.home).isoformat(),
        "pain_next_morning": 2,
        "soreness_hours": 0,
        "red_flags": ["severe_pain", "hot_swollen_joint"],
    }
    assert patient_api.post("/api/v1/me/checkins/", body, format="json").status_code == 201
    pause = patient_api.get("/api/v1/me/program/").json()["pause"]
    assert (pause["urgency"], pause["message"]) == ("emergency", red_flags.GET_HELP_NOW)


@pytest.mark.django_db
def test_the_clinician_alert_leads_with_what_to_do_by_urgency(patient_api, world):
    make_program(world.home)
    patient_api.post(
        "/api/v1/me/red-flags/",
        {"red_flags": ["numbness_or_cold_foot"], "detail": "Foot went white on my run"},
        format="json",
    )
    alert = Notification.objects.get(kind=Kind.STAFF_RED_FLAG)
    assert alert.payload["urgency"] == "emergency"
    assert alert.payload["detail"].startswith(red_flags.CLINICIAN_ACTIONS["emergency"])
    assert red_flags.GET_HELP_NOW in alert.payload["detail"]
    assert '"Foot went white on my run"' in alert.payload["detail"]


@pytest.mark.django_db
def test_while_paused_the_patient_reports_again_or_adds_detail(patient_api, world, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 15, 0, tzinfo=UTC))
    program = make_program(world.home)

    def send(body):
        time_machine.shift(60)  # each report a minute after the last: each is its own alert
        return patient_api.post("/api/v1/me/red-flags/", body, format="json")

    assert send({"red_flags": ["severe_pain"]}).status_code == 201
    assert patient_api.get("/api/v1/me/program/").json()["pause"]["urgency"] == "clinic"
    # Reporting again while paused: the new flag is added and the advice gets more urgent.
    assert send({"red_flags": ["calf_swelling"]}).status_code == 201
    pause = patient_api.get("/api/v1/me/program/").json()["pause"]
    assert pause["urgency"] == "emergency" and pause["red_flags"] == [
        "severe_pain",
        "calf_swelling",
    ]
    # Detail only: a history line and another alert to the clinician.
    response = send({"detail": "  The calf is  hot too "})
    assert response.status_code == 201 and response.json()["program_status"] == "paused"
    change = ProgramChange.objects.get(program=program, action="red_flag_detail")
    assert change.detail == {"text": "The calf is hot too"}
    alerts = Notification.objects.filter(kind=Kind.STAFF_RED_FLAG).order_by("id")
    assert alerts.count() == 3
    assert alerts.last().payload["detail"].startswith(red_flags.CLINICIAN_ACTIONS["emergency"])
    # Nothing ticked and nothing written is refused, naming the field.
    response = send({"red_flags": [], "detail": " "})
    assert response.status_code == 400 and "red_flags" in response.json()


@pytest.mark.django_db
def test_detail_alone_does_not_pause_a_running_program(patient_api, world):
    program = make_program(world.home)
    response = patient_api.post("/api/v1/me/red-flags/", {"detail": "sore"}, format="json")
    assert response.status_code == 400 and "red_flags" in response.json()
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED


@pytest.mark.django_db
def test_the_schema_documents_the_pause(patient_api, world):
    text = patient_api.get("/api/schema/", {"format": "json"}).content.decode()
    assert '"PauseOut"' in text and '"clinic_phone"' in text


# --- the patient page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_paused_page_hides_the_drills_and_offers_a_call_and_a_new_report(client, world):
    world.home.clinic.phone = PHONE
    world.home.clinic.save()
    program = make_program(world.home, items=2)
    client.force_login(world.home.patient_a.user)
    running = client.get("/").content.decode()
    names = [item.drill.name for item in program.items.all()]
    assert all(name in running for name in names)
    from programs import patient_services

    patient_services.red_flags_report(program=program, red_flags=["sudden_pop"])
    html = client.get("/").content.decode()
    assert red_flags.DOCTOR_TODAY in html
    assert 'href="tel:+14105550100"' in html
    assert "No drills while your program is on hold." in html
    assert not any(f"{name}</h4>" in html for name in names)
    assert "patient-red-flags" in html and 'name="detail"' in html
    assert "patient-log" not in html
