"""Today first (issue 19): the patient's page opens on today's drills and log, the log shows
what was logged today, the morning check-in waits for the patient's morning, progress starts
with the program, and every date and time is in the patient's own zone."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import CheckIn, ProgramChange, SessionItemLog, SessionLog
from tests.factories import AppointmentTypeFactory, appointment
from tests.programs.test_me_api import make_program, session_body

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Tuesday 8 December 2026, 08:00 in New York (the test clinic's zone).
TUESDAY_MORNING = datetime(2026, 12, 8, 8, 0, tzinfo=NEW_YORK)


def at(time_machine, moment: datetime) -> None:
    time_machine.move_to(moment, tick=False)


def page(client, patient) -> str:
    client.force_login(patient.user)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "{#" not in html, "a template comment spread over lines is printed as text"
    return html


def log_on(program, day: date, pain: int = 1, difficulty: int = 5) -> SessionLog:
    session = SessionLog.objects.create(patient=program.patient, program=program, date=day)
    SessionItemLog.objects.bulk_create(
        SessionItemLog(
            session=session, program_item=item, completed_sets=item.sets, pain_during=pain,
            difficulty=difficulty,
        )
        for item in program.items.all()
    )  # fmt: skip
    return session


# --- Order ------------------------------------------------------------------------------------


def test_the_page_opens_on_today_then_the_week_appointments_and_progress(
    client, world, time_machine
):
    at(time_machine, TUESDAY_MORNING)
    program = make_program(world.home, items=2)
    program.notes = "Keep the heel raises slow.\nCall me if the calf aches at night."
    program.save()
    kind = AppointmentTypeFactory(clinic=world.home.clinic)
    appointment(
        clinic=world.home.clinic, patient=world.home.patient_a, clinician=world.home.clinician,
        kind=kind, day=date(2026, 12, 10), hour=9,
    )  # fmt: skip
    html = page(client, world.home.patient_a)
    first_drill = program.items.select_related("drill").first().drill.name
    marks = [
        "Today, Tuesday 8 Dec",
        "Note from your clinician",
        first_drill,
        'id="log-h"',
        'id="week-h"',
        'id="appt-h"',
        'id="progress-h"',
    ]
    positions = [html.index(mark) for mark in marks]
    assert positions == sorted(positions), list(zip(marks, positions, strict=True))
    assert "Keep the heel raises slow.\nCall me if the calf aches at night." in html
    # A dated appointment, not a bare time.
    assert "Thursday 10 December 2026</strong>, 09:00" in html


def test_each_day_of_the_week_opens_to_its_drills(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    program = make_program(world.home, items=2)
    first, second = program.items.select_related("drill").all()
    second.days_per_week = 3
    second.save()
    html = page(client, world.home.patient_a)
    week = html[html.index('id="week-h"') : html.index('id="appt-h"')]
    assert week.count("<details>") == 7  # every day has a drill of the daily one
    assert f"<li>{first.how_to.name}: 3 × 12</li>" in week
    assert week.count(f"<li>{second.how_to.name}: 3 × 12</li>") == 3
    assert '<li class="is-today" aria-current="date">' in week


# --- What was logged today ----------------------------------------------------------------------


def test_what_was_logged_today_fills_the_log_and_can_be_changed(client, world, time_machine):
    at(time_machine, datetime(2026, 12, 8, 19, 45, tzinfo=NEW_YORK))
    program = make_program(world.home, items=3)
    client.force_login(world.home.patient_a.user)
    html = page(client, world.home.patient_a)
    assert "<strong>Logged at" not in html  # (the words wait for the script in patient-texts)
    assert "required checked>" not in html  # no pain preselected before a log
    assert 'name="difficulty_all" value="5" checked>' in html  # "OK" for how hard
    body = session_body(program, date(2026, 12, 8), pain_during=2, difficulty=7)
    response = client.post("/api/v1/me/sessions/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["logged_at"].startswith("2026-12-08T19:45")  # the patient's zone

    html = page(client, world.home.patient_a)
    assert "<strong>Logged at 19:45</strong> — change and save again." in html
    for item in program.items.all():
        chip = f'name="pain_item_{item.pk}" value="2" required checked>'
        shared = 'name="pain_all" value="2" required checked>'
        assert chip in html or shared in html
    assert 'name="difficulty_all" value="7" checked>' in html
    assert 'name="difficulty_all" value="5" checked>' not in html
    assert 'patient-log-details" open' not in html  # nothing differs from the quick answers

    # Changed the same evening: one drill two sets short. The page shows the new log.
    first = program.items.first()
    body["items"][0]["completed_sets"] = 1
    time_machine.shift(timedelta(minutes=20))
    response = client.post("/api/v1/me/sessions/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert SessionLog.objects.filter(patient=world.home.patient_a).count() == 1
    html = page(client, world.home.patient_a)
    assert "<strong>Logged at 20:05</strong>" in html
    assert f'max="{first.sets}" value="1" required>' in html
    assert 'class="patient-log-details" open>' in html  # the difference is in view


def test_a_drill_logged_with_other_pain_shows_it_typed_apart(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    program = make_program(world.home, items=3)
    log = log_on(program, date(2026, 12, 8), pain=1, difficulty=5)
    html = page(client, world.home.patient_a)
    shared_items = [i for i in program.items.all() if f'name="pain_item_{i.pk}"' not in html]
    assert shared_items, "the first library drills include one that is not tendon-loading"
    odd = shared_items[0]
    SessionItemLog.objects.filter(session=log, program_item=odd).update(pain_during=4)
    html = page(client, world.home.patient_a)
    assert f'id="pain-{odd.pk}" name="pain_during"' in html
    assert 'min="0" max="10" value="4">' in html
    assert 'class="patient-log-details" open>' in html


def test_the_log_of_today_costs_one_query_and_only_when_there_is_one(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    program = make_program(world.home, items=4)
    client.force_login(world.home.patient_a.user)
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    log_on(program, date(2026, 12, 8))
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after) == len(before) + 1, [q["sql"][:90] for q in after]


def test_the_save_button_sits_in_a_sticky_bar(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    make_program(world.home, items=8)
    html = page(client, world.home.patient_a)
    bar = html[html.index('<div class="patient-log-save">') :]
    assert bar.index("Save today's session") < bar.index("</form>")
    with open("static/css/patient.css", encoding="utf-8") as css:
        rules = css.read()
    sticky = rules[rules.index(".patient-log-save {\n    position: sticky;") :]
    assert "bottom: 0;" in sticky.split("}")[0]
    assert '<a href="#log-h">Go to today\'s log</a>' in html


# --- The morning check-in -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "due"), [(4, 59, False), (5, 0, True), (0, 10, False), (23, 59, True)]
)
def test_the_check_in_comes_from_five_in_the_morning(
    client, world, time_machine, hour, minute, due
):
    program = make_program(world.home, items=1)
    log_on(program, date(2026, 12, 7))  # Monday evening's session
    day = date(2026, 12, 8)
    at(time_machine, datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK))
    html = page(client, world.home.patient_a)
    assert ("patient-checkin" in html) is due
    if due and hour < 12:
        assert "Good morning: how do you feel after yesterday's session?" in html
    elif due:
        assert "How do you feel after yesterday's session?" in html


def test_no_good_morning_right_after_a_late_evening_log(client, world, time_machine):
    program = make_program(world.home, items=1)
    at(time_machine, datetime(2026, 12, 7, 23, 30, tzinfo=NEW_YORK))
    log_on(program, date(2026, 12, 7))
    time_machine.shift(timedelta(minutes=40))  # 00:10 on Tuesday
    assert "patient-checkin" not in page(client, world.home.patient_a)
    at(time_machine, datetime(2026, 12, 8, 5, 0, tzinfo=NEW_YORK))
    assert "patient-checkin" in page(client, world.home.patient_a)


def test_once_today_is_logged_yesterdays_check_in_is_not_asked(client, world, time_machine):
    program = make_program(world.home, items=1)
    log_on(program, date(2026, 12, 7))
    at(time_machine, datetime(2026, 12, 8, 19, 45, tzinfo=NEW_YORK))
    assert "patient-checkin" in page(client, world.home.patient_a)
    log_on(program, date(2026, 12, 8))
    assert "patient-checkin" not in page(client, world.home.patient_a)


def test_the_check_in_follows_the_patients_own_morning(client, world, time_machine):
    patient = world.home.patient_a
    patient.time_zone = "Asia/Tokyo"
    patient.save()
    program = make_program(world.home, patient, items=1)
    log_on(program, date(2026, 12, 8))  # Tuesday in Tokyo
    tokyo = ZoneInfo("Asia/Tokyo")
    # 04:59 on Wednesday in Tokyo is 14:59 on Tuesday in New York.
    at(time_machine, datetime(2026, 12, 9, 4, 59, tzinfo=tokyo))
    html = page(client, patient)
    assert "patient-checkin" not in html and "Today, Wednesday 9 Dec" in html
    at(time_machine, datetime(2026, 12, 9, 5, 0, tzinfo=tokyo))
    html = page(client, patient)
    assert 'data-endpoint="/api/v1/me/checkins/" data-date="2026-12-09"' in html
    # The clinic's day is still Tuesday; the patient's check-in of their Wednesday is taken.
    body = {"date": "2026-12-09", "pain_next_morning": 1, "still_sore": False}
    response = client.post("/api/v1/me/checkins/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert CheckIn.objects.get(patient=patient).date == date(2026, 12, 9)
    assert "patient-checkin" not in page(client, patient)


# --- Progress from the start ------------------------------------------------------------------


def test_a_new_patient_sees_no_weeks_from_before_the_program(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    program = make_program(world.home, items=1)
    program.started_on = date(2026, 12, 7)  # this Monday
    program.save()
    html = page(client, world.home.patient_a)
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert table.count("<tr>") == 1 and "<td>7 Dec</td><td>0</td>" in table
    program.started_on = date(2026, 11, 18)  # a Wednesday three weeks earlier
    program.save()
    table = page(client, world.home.patient_a)
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    assert table.count("<tr>") == 4 and "<td>16 Nov</td>" in table and "9 Nov" not in table


def test_without_a_start_day_the_published_day_counts(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    make_program(world.home, items=1)  # published now, no started_on
    html = page(client, world.home.patient_a)
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert table.count("<tr>") == 1


# --- One time zone per person -------------------------------------------------------------------


def test_appointments_and_changes_are_in_the_patients_zone(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    patient = world.home.patient_a
    patient.time_zone = "Asia/Tokyo"
    patient.save()
    program = make_program(world.home, patient, items=1)
    kind = AppointmentTypeFactory(clinic=world.home.clinic)
    # 17:00 on Thursday in New York is 07:00 on Friday in Tokyo.
    appointment(
        clinic=world.home.clinic, patient=patient, clinician=world.home.clinician, kind=kind,
        day=date(2026, 12, 10), hour=17,
    )  # fmt: skip
    change = ProgramChange.objects.create(
        program=program, version=1, source="progression", action="progressed",
        reason="Heel raises: 3 × 12 now.",
    )  # fmt: skip
    ProgramChange.objects.filter(pk=change.pk).update(
        created_at=datetime(2026, 12, 8, 20, 0, tzinfo=NEW_YORK)  # Wednesday in Tokyo
    )
    html = page(client, patient)
    assert "Friday 11 December 2026</strong>, 07:00" in html
    assert "Times are in your time zone, Asia/Tokyo." in html
    assert 'Heel raises: 3 × 12 now. <small class="muted">(9 Dec)</small>' in html


def test_the_printout_is_in_the_patients_zone_for_patient_and_staff(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    patient = world.home.patient_a
    patient.time_zone = "Asia/Tokyo"
    patient.save()
    program = make_program(world.home, patient, items=1)
    program.published_at = datetime(2026, 12, 7, 20, 0, tzinfo=NEW_YORK)  # 8 Dec in Tokyo
    program.save()
    client.force_login(patient.user)
    assert "from 8 December 2026" in client.get("/me/program/print/").content.decode()
    client.force_login(world.home.clinician)
    staff_copy = client.get(f"/programs/{program.pk}/print/").content.decode()
    assert "from 8 December 2026" in staff_copy


def test_program_history_shows_the_clinics_time_to_staff_not_utc(client, world, time_machine):
    at(time_machine, TUESDAY_MORNING)
    program = make_program(world.home, items=1)
    change = ProgramChange.objects.create(
        program=program, version=1, source="clinician", action="published", reason="First."
    )
    ProgramChange.objects.filter(pk=change.pk).update(
        created_at=datetime(2026, 12, 7, 0, 42, tzinfo=UTC)
    )
    client.force_login(world.home.clinician)
    html = client.get(f"/programs/{program.pk}/history/").content.decode()
    assert "2026-12-06 19:42" in html and "2026-12-07 00:42" not in html
