"""Questionnaires end to end: scheduling (intake, every 4 weeks, discharge), the reminder in the
outbox, the patient's API and phone form, tenancy, and the clinician's trend against MCID."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from assessments import questionnaires
from assessments.models import QuestionnaireAssignment, QuestionnaireResponse
from clinic.booking.services import Intake, appointment_book
from clinic.notifications.models import Kind, Notification, Status
from programs import reminders
from programs.services import program_build_from_screen, program_publish
from tests.assessments.conftest import make_screen
from tests.factories import AppointmentTypeFactory, working_week

pytestmark = pytest.mark.django_db

LEFS_ALL_THREES = {f"i{n}": 3 for n in range(1, 21)}  # 20 × 3 = 60


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def assign(patient, *codes, source="clinician"):
    return questionnaires.questionnaires_assign(patient=patient, codes=codes, source=source)


def reminders_for(patient):
    return Notification.objects.filter(patient=patient, kind=Kind.QUESTIONNAIRE_DUE)


# API ---------------------------------------------------------------------------------------


def test_pending_questionnaires_are_listed_with_their_items(world):
    patient = world.home.patient_a
    (lefs,) = assign(patient, "lefs")
    body = client_for(patient.user).get("/api/v1/me/questionnaires/").json()
    assert [(row["id"], row["instrument"]) for row in body] == [(lefs.pk, "lefs")]
    items = body[0]["items"]
    assert len(items) == 20 and items[0]["key"] == "i1"
    assert [o["value"] for o in items[0]["options"]] == [0, 1, 2, 3, 4]
    # The other patient of the same clinic has nothing waiting.
    assert client_for(world.home.patient_b.user).get("/api/v1/me/questionnaires/").json() == []


def test_answers_are_scored_and_a_second_answer_is_a_409_with_the_first_score(world):
    patient = world.home.patient_a
    (lefs,) = assign(patient, "lefs")
    client = client_for(patient.user)
    url = f"/api/v1/me/questionnaires/{lefs.pk}/"
    response = client.post(url, {"answers": LEFS_ALL_THREES}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["score"] == 60 and body["scored"] is True and body["max_score"] == 80
    lefs.refresh_from_db()
    assert lefs.status == "completed"
    assert client.get("/api/v1/me/questionnaires/").json() == []
    again = client.post(url, {"answers": {f"i{n}": 0 for n in range(1, 21)}}, format="json")
    assert again.status_code == 409 and again.json()["score"] == 60
    assert QuestionnaireResponse.objects.get().score == 60


def test_bad_answers_are_a_400_naming_each_item_and_nothing_is_stored(world):
    patient = world.home.patient_a
    (faam,) = assign(patient, "faam_sports")
    answers = {f"sp{n}": 4 for n in range(1, 8)} | {"sp2": 7, "sp9": 1}
    response = client_for(patient.user).post(
        f"/api/v1/me/questionnaires/{faam.pk}/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["answers"]
    assert set(errors) == {"sp2", "sp8", "sp9"}
    assert "'na'" in errors["sp8"][0]  # FAAM items may be "not applicable"
    assert not QuestionnaireResponse.objects.exists()
    faam.refresh_from_db()
    assert faam.status == "pending"


def test_too_many_not_applicable_items_store_the_answers_without_a_score(world):
    patient = world.home.patient_a
    (faam,) = assign(patient, "faam_sports")
    answers = {f"sp{n}": 3 for n in range(1, 7)} | {"sp7": "na", "sp8": "na"}
    body = (
        client_for(patient.user)
        .post(f"/api/v1/me/questionnaires/{faam.pk}/", {"answers": answers}, format="json")
        .json()
    )
    assert body["score"] is None and body["scored"] is False
    assert "at least 7" in body["not_scored_reason"]


def test_another_patients_questionnaire_is_a_404_and_staff_are_refused(world):
    (theirs,) = assign(world.home.patient_a, "lefs")
    (other_clinic,) = assign(world.other.patient_a, "lefs")
    url = f"/api/v1/me/questionnaires/{theirs.pk}/"
    for user in (world.home.patient_b.user, world.other.patient_a.user):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answers": LEFS_ALL_THREES}, format="json").status_code == 404
    patient_b = client_for(world.home.patient_b.user)
    assert patient_b.get(f"/api/v1/me/questionnaires/{other_clinic.pk}/").status_code == 404
    assert client_for(world.home.clinician).get(url).status_code == 403
    assert APIClient().get("/api/v1/me/questionnaires/").status_code == 401
    theirs.refresh_from_db()
    assert theirs.status == "pending"


# Scheduling and reminders ------------------------------------------------------------------


def book(world, patient, *, days=3, what_hurts=""):
    side = world.home
    kind = AppointmentTypeFactory(clinic=side.clinic)
    kind.clinicians.set([side.clinician])
    working_week(side.clinic, side.clinician)
    day = side.clinic.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return appointment_book(
        clinic=side.clinic,
        appointment_type=kind,
        start=datetime.combine(day, time(10), tzinfo=side.clinic.tz),
        clinician=side.clinician,
        patient=patient,
        intake=Intake(what_hurts=what_hurts),
        booked_by=side.frontdesk,
    )


def test_booking_a_consult_sends_the_intake_set_once_with_a_reminder(world):
    patient = world.home.patient_a
    book(world, patient)
    asked = QuestionnaireAssignment.objects.filter(patient=patient)
    assert sorted(asked.values_list("instrument", flat=True)) == [
        "faam_adl",
        "faam_sports",
        "lefs",
    ]
    assert set(asked.values_list("source", flat=True)) == {"intake"}
    reminder = reminders_for(patient).get()
    assert reminder.status == Status.PENDING
    assert reminder.payload["link_path"] == "/me/questionnaires/"
    book(world, patient, days=10)  # a second booking asks nothing more
    assert asked.count() == 3


def test_achilles_pain_at_intake_adds_visa_a(world):
    patient = world.home.patient_a
    book(world, patient, what_hurts="My left Achilles after long runs")
    assert QuestionnaireAssignment.objects.filter(patient=patient, instrument="visa_a").exists()


def test_every_four_weeks_while_a_program_is_published(world, time_machine):
    side = world.home
    tz = side.clinic.tz
    time_machine.move_to(datetime(2026, 3, 2, 9, tzinfo=tz), tick=False)
    screen = make_screen(side, performed_on="2026-03-02", heel_raise_reps_left=12)
    program_publish(
        user=side.clinician, program=program_build_from_screen(user=side.clinician, screen=screen)
    )
    asked = QuestionnaireAssignment.objects.filter(patient=side.patient_a)
    time_machine.move_to(datetime(2026, 3, 29, 23, tzinfo=tz), tick=False)  # day 27
    assert reminders.questionnaires_due_check() == {"asked": 0, "failed": 0}
    assert not asked.exists()
    time_machine.move_to(datetime(2026, 3, 30, 3, tzinfo=tz), tick=False)  # day 28
    assert reminders.questionnaires_due_check() == {"asked": 1, "failed": 0}
    assert sorted(asked.values_list("instrument", "source")) == [
        ("faam_adl", "every_4_weeks"),
        ("faam_sports", "every_4_weeks"),
        ("lefs", "every_4_weeks"),
    ]
    assert reminders_for(side.patient_a).exists()
    assert reminders.questionnaires_due_check()["asked"] == 0  # idempotent the same day
    lefs = asked.get(instrument="lefs")
    questionnaires.questionnaire_submit(assignment=lefs, answers=LEFS_ALL_THREES)
    time_machine.move_to(datetime(2026, 4, 27, 3, tzinfo=tz), tick=False)  # 4 weeks later
    reminders.questionnaires_due_check()
    # LEFS asked again; the FAAM forms still waiting are not doubled.
    assert asked.filter(instrument="lefs").count() == 2
    assert asked.filter(instrument="faam_adl").count() == 1


def test_the_four_weeks_are_counted_on_the_patients_own_days(world, time_machine):
    side = world.home
    patient = side.patient_a
    # Honolulu is five hours behind the clinic's New York in March: published at 09:00 there,
    # 04:00 on the same 2 March for the patient.
    patient.time_zone = "Pacific/Honolulu"
    patient.save(update_fields=["time_zone"])
    time_machine.move_to(datetime(2026, 3, 2, 9, tzinfo=side.clinic.tz), tick=False)
    screen = make_screen(side, performed_on="2026-03-02", heel_raise_reps_left=12)
    program_publish(
        user=side.clinician, program=program_build_from_screen(user=side.clinician, screen=screen)
    )
    asked = QuestionnaireAssignment.objects.filter(patient=patient)
    # 01:00 on 30 March at the clinic (its day 28) is 20:00 on 29 March for the patient.
    time_machine.move_to(datetime(2026, 3, 30, 1, tzinfo=side.clinic.tz), tick=False)
    assert reminders.questionnaires_due_check() == {"asked": 0, "failed": 0}
    time_machine.move_to(datetime(2026, 3, 30, 6, tzinfo=patient.tz), tick=False)
    assert reminders.questionnaires_due_check() == {"asked": 1, "failed": 0}
    assert set(asked.values_list("due_on", flat=True)) == {date(2026, 3, 30)}


def test_the_task_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["programs-questionnaires-due"]
    assert entry["task"] == "programs.tasks.questionnaires_due_check"


def test_discharge_button_sends_the_set_to_the_patient(world, client):
    side = world.home
    url = f"/patients/{side.patient_a.pk}/questionnaires/discharge/"
    client.force_login(side.frontdesk)
    assert client.post(url).status_code == 403
    client.force_login(world.other.clinician)
    assert client.post(url).status_code == 404
    client.force_login(side.clinician)
    assert client.post(url).status_code == 302
    asked = QuestionnaireAssignment.objects.filter(patient=side.patient_a)
    assert set(asked.values_list("source", flat=True)) == {"discharge"}
    assert asked.count() == 3 and reminders_for(side.patient_a).count() == 1


def test_filling_in_the_last_one_cancels_the_waiting_reminder(world):
    patient = world.home.patient_a
    lefs, faam = assign(patient, "lefs", "faam_sports")
    questionnaires.questionnaire_submit(assignment=lefs, answers=LEFS_ALL_THREES)
    assert reminders_for(patient).get().status == Status.PENDING
    questionnaires.questionnaire_submit(assignment=faam, answers={f"sp{n}": 4 for n in range(1, 9)})
    assert reminders_for(patient).get().status == Status.CANCELLED


# Pages -------------------------------------------------------------------------------------


def test_the_patient_fills_a_lefs_on_the_phone_form(world, client):
    patient = world.home.patient_a
    (lefs,) = assign(patient, "lefs")
    client.force_login(patient.user)
    assert "You have a questionnaire to fill in" in client.get("/").content.decode()
    page = client.get("/me/questionnaires/", follow=True)
    assert page.redirect_chain[-1][0] == f"/me/questionnaires/{lefs.pk}/"
    assert page.content.decode().count('class="questionnaire-item"') == 20
    missing = client.post(f"/me/questionnaires/{lefs.pk}/", {"i1": "4"})
    assert missing.status_code == 400 and "Please answer this item." in missing.content.decode()
    done = client.post(f"/me/questionnaires/{lefs.pk}/", LEFS_ALL_THREES)
    assert done.status_code == 200
    assert "60 of 80" in done.content.decode()
    assert "You have a questionnaire" not in client.get("/").content.decode()


def test_the_chart_shows_the_trend_against_the_mcid(world, client, time_machine):
    side = world.home
    patient = side.patient_a
    tz = side.clinic.tz
    time_machine.move_to(datetime(2026, 3, 2, 9, tzinfo=tz), tick=False)
    first_lefs, first_visa = assign(patient, "lefs", "visa_a")
    questionnaires.questionnaire_submit(
        assignment=first_lefs, answers={f"i{n}": 2 for n in range(1, 21)}
    )  # 40
    visa = {
        "q1": 5,
        "q2": 5,
        "q3": 5,
        "q4": 5,
        "q5": 5,
        "q6": 5,
        "q7": 4,
        "q8_load": "b",
        "q8_minutes": "11_20",
    }
    questionnaires.questionnaire_submit(assignment=first_visa, answers=visa)  # 44
    time_machine.move_to(datetime(2026, 4, 27, 9, tzinfo=tz), tick=False)  # 8 weeks on
    lefs, visa_again = assign(patient, "lefs", "visa_a")
    questionnaires.questionnaire_submit(assignment=lefs, answers=LEFS_ALL_THREES)  # 60: +20
    questionnaires.questionnaire_submit(assignment=visa_again, answers=visa | {"q2": 9})  # +4
    trends = {row.code: row for row in questionnaires.patient_trends(patient)}
    assert trends["lefs"].trend.change == 20 and trends["lefs"].trend.meaningful
    assert trends["visa_a"].trend.change == 4 and not trends["visa_a"].trend.meaningful
    assert trends["visa_a"].trend.mcid == 14
    client.force_login(side.clinician)
    html = client.get(f"/patients/{patient.pk}/").content.decode()
    assert 'data-instrument="lefs"' in html and "Meaningful improvement" in html
    assert "Below the MCID" in html


def test_the_demo_patient_has_one_of_each_questionnaire_waiting(db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # safe to run twice
    waiting = QuestionnaireAssignment.objects.filter(status="pending")
    assert sorted(waiting.values_list("instrument", flat=True)) == sorted(
        ["lefs", "faam_adl", "faam_sports", "visa_a"]
    )
