"""Home self-tests are asked for every two weeks during a published program, or when the
clinician asks (docs/clinical-rules.md §7, "When they are asked for"): the patient's page says
so, a reminder goes through the outbox, and recording a self-test answers the request."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from clinic.notifications import content
from clinic.notifications.models import Kind, Notification, Status
from programs import reminders, self_test_schedule
from programs.models import Program, SelfTestRequest
from programs.reminder_rules import self_test_due_on
from tests.programs.test_me_api import make_program

pytestmark = pytest.mark.django_db

D = date(2026, 11, 2)


# The rule ---------------------------------------------------------------------------------


def test_due_two_weeks_after_the_program_began():
    assert self_test_due_on(program_since=D, last_self_test=None, last_asked=None) == D + (
        timedelta(days=14)
    )


def test_a_later_self_test_or_request_moves_the_next_due_day():
    later = D + timedelta(days=9)
    assert self_test_due_on(program_since=D, last_self_test=later, last_asked=None) == (
        later + timedelta(days=14)
    )
    assert self_test_due_on(program_since=D, last_self_test=None, last_asked=later) == (
        later + timedelta(days=14)
    )
    # An old self-test from before the program does not bring it forward.
    old = D - timedelta(days=40)
    assert self_test_due_on(program_since=D, last_self_test=old, last_asked=None) == (
        D + timedelta(days=14)
    )


# The daily task ---------------------------------------------------------------------------


def published_days_ago(world, days: int) -> Program:
    program = make_program(world.home, items=1)
    Program.objects.filter(pk=program.pk).update(published_at=timezone.now() - timedelta(days=days))
    return program


def reminders_for(patient):
    return Notification.objects.filter(patient=patient, kind=Kind.SELF_TEST_DUE)


def test_the_task_asks_once_two_weeks_into_a_program_with_a_reminder(world):
    patient = world.home.patient_a
    published_days_ago(world, 13)
    assert reminders.self_tests_due_check() == {"asked": 0, "failed": 0}
    assert not SelfTestRequest.objects.exists()

    Program.objects.filter(patient=patient).update(published_at=timezone.now() - timedelta(days=14))
    assert reminders.self_tests_due_check() == {"asked": 1, "failed": 0}
    request = SelfTestRequest.objects.get()
    assert (request.patient, request.source, request.done_at) == (patient, "every_2_weeks", None)
    assert request.due_on == patient.clinic.today()
    reminder = reminders_for(patient).get()
    assert reminder.status == Status.PENDING
    assert reminder.payload["link_path"] == "/me/self-tests/"
    # Run again the same day (or a missed run repeated): nothing more.
    assert reminders.self_tests_due_check() == {"asked": 0, "failed": 0}
    assert SelfTestRequest.objects.count() == 1 and reminders_for(patient).count() == 1


def test_no_request_without_a_published_program(world):
    make_program(world.home, items=1, status="draft")
    assert reminders.self_tests_due_check() == {"asked": 0, "failed": 0}


def test_the_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "programs.tasks.self_tests_due_check" in tasks


def test_recording_a_self_test_answers_the_request_and_cancels_the_reminder(world, client):
    patient = world.home.patient_a
    published_days_ago(world, 20)
    reminders.self_tests_due_check()
    client.force_login(patient.user)
    response = client.post(
        "/me/self-tests/",
        {
            "date": patient.clinic.today().isoformat(),
            "test": "knee_to_wall_cm",
            "left": "9",
            "right": "10",
        },
    )
    assert response.status_code == 302
    assert SelfTestRequest.objects.get().done_at is not None
    assert reminders_for(patient).get().status == Status.CANCELLED
    # Two weeks from the self-test, not from the request.
    assert reminders.self_tests_due_check() == {"asked": 0, "failed": 0}


def test_a_refused_self_test_leaves_the_request_open(world, client):
    patient = world.home.patient_a
    self_test_schedule.self_tests_request(patient=patient, source="clinician")
    client.force_login(patient.user)
    body = {"date": patient.clinic.today().isoformat(), "test": "heel_raise_reps"}
    response = client.post("/me/self-tests/", {**body, "left": "30", "right": "250"})
    assert response.status_code == 400
    assert SelfTestRequest.objects.get().done_at is None


# The clinician asks -------------------------------------------------------------------------


def test_the_clinician_asks_from_the_chart(world, client):
    patient = world.home.patient_a
    client.force_login(world.home.clinician)
    chart = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "Ask for a self-test" in chart
    response = client.post(f"/patients/{patient.pk}/self-tests/ask/")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.pk}/#chart-running"
    request = SelfTestRequest.objects.get()
    assert (request.source, request.requested_by) == ("clinician", world.home.clinician)
    assert reminders_for(patient).count() == 1
    chart = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "Self-tests asked for on" in chart and "not done yet" in chart
    # Asking again keeps the one open request and tells the clinician so.
    again = client.post(f"/patients/{patient.pk}/self-tests/ask/", follow=True)
    assert "already asked for self-tests" in again.content.decode()
    assert SelfTestRequest.objects.count() == 1 and reminders_for(patient).count() == 1


def test_the_reminder_is_worded_in_the_patients_language_not_the_askers(world):
    patient = world.home.patient_a  # reads English
    with translation.override("es"):  # a clinician working in Spanish asks
        self_test_schedule.self_tests_request(patient=patient, source="clinician")
    reminder = reminders_for(patient).get()
    # The label is stored untranslated and worded for the reader when the message is built.
    assert reminder.payload["link_label"] == "Do the tests"
    assert content.message_context(reminder)["link_label"] == "Do the tests"


@pytest.mark.parametrize(
    ("actor", "status"), [("frontdesk", 403), ("other_clinician", 404), ("patient_a", 403)]
)
def test_only_the_patients_clinicians_may_ask(world, client, actor, status):
    users = {
        "frontdesk": world.home.frontdesk,
        "other_clinician": world.other.clinician,
        "patient_a": world.home.patient_a.user,
    }
    client.force_login(users[actor])
    response = client.post(f"/patients/{world.home.patient_a.pk}/self-tests/ask/")
    assert response.status_code == status
    assert not SelfTestRequest.objects.exists()


def test_asking_is_a_post_only(world, client):
    client.force_login(world.home.clinician)
    assert client.get(f"/patients/{world.home.patient_a.pk}/self-tests/ask/").status_code == 405


# The patient's page -----------------------------------------------------------------------------


PROMPT = "Your home self-tests are due"


def test_the_home_page_says_when_self_tests_are_due(world, client):
    patient = world.home.patient_a
    make_program(world.home, items=2)
    client.force_login(patient.user)
    assert PROMPT not in client.get("/").content.decode()
    self_test_schedule.self_tests_request(patient=patient, source="clinician")
    html = client.get("/").content.decode()
    assert PROMPT in html and 'href="/me/self-tests/"' in html


def test_a_request_for_a_later_day_is_not_due_yet(world, client):
    patient = world.home.patient_a
    make_program(world.home, items=1)
    later = patient.clinic.today() + timedelta(days=3)
    self_test_schedule.self_tests_request(patient=patient, source="clinician", due_on=later)
    client.force_login(patient.user)
    assert PROMPT not in client.get("/").content.decode()


def test_the_clinicians_request_shows_without_a_program_too(world, client):
    patient = world.home.patient_a
    self_test_schedule.self_tests_request(patient=patient, source="clinician")
    client.force_login(patient.user)
    assert PROMPT in client.get("/").content.decode()


def test_another_patients_request_does_not_show(world, client):
    make_program(world.home, items=1)
    self_test_schedule.self_tests_request(patient=world.home.patient_b, source="clinician")
    client.force_login(world.home.patient_a.user)
    assert PROMPT not in client.get("/").content.decode()


def test_the_prompt_costs_the_home_page_no_query(world, client, time_machine):
    time_machine.move_to(datetime(2026, 12, 8, 18, 0, tzinfo=UTC))
    patient = world.home.patient_a
    make_program(world.home, items=3)
    client.force_login(patient.user)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    self_test_schedule.self_tests_request(patient=patient, source="clinician")
    with CaptureQueriesContext(connection) as after:
        html = client.get("/").content.decode()
    assert PROMPT in html
    assert len(after.captured_queries) == len(before.captured_queries)


def test_asked_on_the_patients_own_day_so_the_prompt_shows_at_once(world, client, time_machine):
    # 01:00 on 9 December in New York (the clinic) is still 20:00 on 8 December in Honolulu.
    time_machine.move_to(datetime(2026, 12, 9, 6, 0, tzinfo=UTC))
    patient = world.home.patient_a
    patient.time_zone = "Pacific/Honolulu"
    patient.save(update_fields=["time_zone"])
    make_program(world.home, items=1)
    asked = self_test_schedule.self_tests_request(patient=patient, source="clinician")
    assert asked.request.due_on == date(2026, 12, 8)
    client.force_login(patient.user)
    assert PROMPT in client.get("/").content.decode()
