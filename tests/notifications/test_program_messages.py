"""Home-program reminders, next-morning check-in prompts and re-screen messages.

The clock is pinned (django.utils.timezone.now) so drill days, DST changes and "due by now"
are exact; everything the services and the sweep read goes through that one function.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from clinic.booking import notices
from clinic.booking.models import Appointment
from clinic.notifications import content, services, sweep
from clinic.notifications.models import (
    Channel,
    ChannelPreference,
    ConsentEvent,
    ConsentSource,
    Kind,
    Notification,
    Status,
)
from programs import patient_services, reminders
from programs.models import ProgramStatus
from programs.services import ProgramConflict, program_publish
from tests import factories as f
from tests.programs.conftest import make_screen
from tests.programs.test_me_api import make_program

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# 2027: clocks go forward on Sunday 14 March and back on Sunday 7 November in New York.
SPRING_FORWARD = date(2027, 3, 14)
FALL_BACK = date(2027, 11, 7)
MONDAY = date(2027, 5, 3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture
def clock(monkeypatch):
    """Set the time everything reads: `clock(moment)`."""

    def set_to(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


def draft(side, *, days_per_week: int = 3, items: int = 2, version: int = 1):
    program = make_program(side, items=items, status=ProgramStatus.DRAFT, version=version)
    program.items.update(days_per_week=days_per_week)
    return program


def publish(side, **kwargs):
    return program_publish(user=side.clinician, program=draft(side, **kwargs))


def pending(kind=Kind.PROGRAM_REMINDER, **filters) -> list[Notification]:
    return list(
        Notification.objects.filter(kind=kind, status=Status.PENDING, **filters).order_by(
            "due_at", "channel"
        )
    )


def local_days(rows) -> list[date]:
    return [row.due_at.astimezone(NEW_YORK).date() for row in rows]


# Home-program reminders -------------------------------------------------------------------


def test_publishing_schedules_reminders_on_drill_days_at_the_preferred_time(world, clock):
    clock(at(MONDAY, 6))
    ChannelPreference.objects.create(patient=world.home.patient_a, reminder_time=time(7, 15))
    program = publish(world.home, days_per_week=3)  # Monday, Wednesday, Friday
    rows = pending()
    assert local_days(rows) == [MONDAY, MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)]
    assert {row.due_at.astimezone(NEW_YORK).time() for row in rows} == {time(7, 15)}
    assert {row.subject_ref for row in rows} == {f"programs.program:{program.pk}"}
    assert {row.channel for row in rows} == {Channel.EMAIL}
    assert rows[0].payload["day"] == MONDAY.isoformat()


def test_a_drill_day_whose_time_has_passed_gets_no_reminder(world, clock):
    clock(at(MONDAY, 9))
    publish(world.home, days_per_week=3)
    assert local_days(pending()) == [MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)]


def test_publishing_again_and_rolling_twice_leave_one_row_per_day_and_channel(world, clock):
    clock(at(MONDAY, 6))
    world.home.patient_a.phone = "+14105551230"
    world.home.patient_a.save()
    ChannelPreference.objects.create(patient=world.home.patient_a, sms_enabled=True)
    program = publish(world.home, days_per_week=7)
    first = {row.pk for row in pending()}
    assert len(first) == 7 * 2
    with pytest.raises(ProgramConflict):
        program_publish(user=world.home.clinician, program=program)
    reminders.program_reminders_roll()
    reminders.program_reminders_roll()
    assert {row.pk for row in pending()} == first
    # Two days later the roll adds the two new days, and nothing twice.
    clock(at(MONDAY + timedelta(days=2), 6))
    report = reminders.program_reminders_roll()
    assert report == {"cancelled": 0, "programs": 1, "failed": 0}
    rows = Notification.objects.filter(kind=Kind.PROGRAM_REMINDER)
    keys = [(row.payload["day"], row.channel) for row in rows]
    assert len(keys) == len(set(keys)) == 9 * 2


def test_reminders_keep_the_local_time_across_the_spring_change(world, clock):
    clock(at(SPRING_FORWARD - timedelta(days=3), 6))  # Thursday before the change
    ChannelPreference.objects.create(patient=world.home.patient_a, reminder_time=time(7, 30))
    publish(world.home, days_per_week=7)
    rows = pending()
    assert local_days(rows) == [SPRING_FORWARD + timedelta(days=n) for n in range(-3, 4)]
    assert {row.due_at.astimezone(NEW_YORK).time() for row in rows} == {time(7, 30)}
    hours_utc = [row.due_at.astimezone(UTC).hour for row in rows]
    assert hours_utc == [12, 12, 12, 11, 11, 11, 11]


def test_a_reminder_in_the_repeated_autumn_hour_goes_out_once(world, clock):
    clock(at(FALL_BACK - timedelta(days=1), 12))
    ChannelPreference.objects.create(patient=world.home.patient_a, reminder_time=time(1, 30))
    publish(world.home, days_per_week=7)
    (row,) = [r for r in pending() if r.payload["day"] == FALL_BACK.isoformat()]
    # The first 01:30 of the night, still on summer time (UTC-4).
    assert row.due_at == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)


def test_a_reminder_skipped_by_the_spring_change_goes_out_just_after_it(world, clock):
    clock(at(SPRING_FORWARD - timedelta(days=1), 12))
    ChannelPreference.objects.create(patient=world.home.patient_a, reminder_time=time(2, 30))
    publish(world.home, days_per_week=7)
    (row,) = [r for r in pending() if r.payload["day"] == SPRING_FORWARD.isoformat()]
    assert row.due_at.astimezone(NEW_YORK) == at(SPRING_FORWARD, 3, 30)


def test_quiet_hours_move_a_reminder_to_when_they_end(world, clock):
    clock(at(MONDAY, 5))
    ChannelPreference.objects.create(
        patient=world.home.patient_a,
        reminder_time=time(6, 30),
        quiet_start=time(22),
        quiet_end=time(7),
    )
    publish(world.home, days_per_week=3)
    assert {row.due_at.astimezone(NEW_YORK).time() for row in pending()} == {time(7)}


def test_an_opted_out_channel_gets_no_reminders(world, clock):
    clock(at(MONDAY, 6))
    patient = world.home.patient_a
    patient.phone = "+14105551230"
    patient.save()
    ChannelPreference.objects.create(patient=patient, email_enabled=False, sms_enabled=True)
    publish(world.home, days_per_week=3)
    assert {row.channel for row in pending()} == {Channel.SMS}
    services.channel_preference_set(
        patient=patient, channel=Channel.SMS, enabled=False, source=ConsentSource.PATIENT
    )
    assert pending() == []
    reminders.program_reminders_roll()
    assert pending() == []


def test_a_new_version_replaces_the_old_ones_reminders(world, clock):
    clock(at(MONDAY, 6))
    first = publish(world.home, days_per_week=7)
    second = publish(world.home, days_per_week=3, version=2)
    first.refresh_from_db()
    assert first.status == ProgramStatus.SUPERSEDED
    rows = pending()
    assert {row.subject_ref for row in rows} == {f"programs.program:{second.pk}"}
    assert len(local_days(rows)) == len(set(local_days(rows))) == 3
    old = Notification.objects.filter(subject_ref=f"programs.program:{first.pk}")
    assert {row.status for row in old} == {Status.CANCELLED}
    reminders.program_reminders_roll()
    assert {row.status for row in old.all()} == {Status.CANCELLED}


def test_a_red_flag_pause_cancels_reminders_and_prompts(world, clock):
    clock(at(MONDAY, 6))
    program = publish(world.home, days_per_week=7)
    clock(at(MONDAY, 18))
    log_session(program, MONDAY)
    assert pending(Kind.CHECKIN_PROMPT)
    clock(at(MONDAY + timedelta(days=1), 6))
    patient_services.checkin_record(
        program=program,
        day=MONDAY + timedelta(days=1),
        pain_next_morning=2,
        soreness_hours=0,
        red_flags=["calf_swelling"],
    )
    program.refresh_from_db()
    assert program.status == ProgramStatus.PAUSED
    assert pending() == [] and pending(Kind.CHECKIN_PROMPT) == []
    reminders.program_reminders_roll()
    assert pending() == []


def test_the_daily_roll_cancels_reminders_of_a_program_paused_elsewhere(world, clock):
    clock(at(MONDAY, 6))
    program = publish(world.home, days_per_week=7)
    type(program).objects.filter(pk=program.pk).update(status=ProgramStatus.PAUSED)
    report = reminders.program_reminders_roll()
    assert report["cancelled"] == 7 and report["programs"] == 0
    assert pending() == []


def test_fewer_drill_days_cancel_the_reminders_of_dropped_days(world, clock):
    clock(at(MONDAY, 6))
    program = publish(world.home, days_per_week=7)
    program.items.update(days_per_week=2)  # Monday and Thursday
    reminders.program_reminders_roll()
    assert local_days(pending()) == [MONDAY, MONDAY + timedelta(days=3)]


def test_a_due_reminder_is_sent_with_the_clinic_name_and_a_way_to_stop(world, clock, sms_outbox):
    clock(at(MONDAY, 6))
    patient = world.home.patient_a
    patient.phone = "+14105551230"
    patient.save()
    ChannelPreference.objects.create(patient=patient, sms_enabled=True)
    program = publish(world.home, days_per_week=3)
    clock(at(MONDAY, 7, 31))
    report = sweep.sweep()
    assert report.sent == 2
    (message,) = mail.outbox
    assert message.subject == "Today's home exercises - Home Clinic"
    assert "/notifications/unsubscribe/" in message.body
    html = message.alternatives[0][0]
    assert "Home Clinic" in html and "/notifications/unsubscribe/" in html
    (text,) = sms_outbox
    assert text["to"] == "+14105551230"
    assert text["body"].startswith("Home Clinic: ") and "Stop texts:" in text["body"]
    for item in program.items.select_related("drill"):
        assert item.drill.name not in text["body"]
    assert len(pending()) == 2 * 2  # Wednesday and Friday still to come


# Check-in prompts -------------------------------------------------------------------------


def log_session(program, day):
    items = [
        {"program_item": item.pk, "completed_sets": 3, "pain_during": 2, "difficulty": 5}
        for item in program.items.all()
    ]
    return patient_services.session_log(program=program, day=day, items=items)


def test_a_logged_session_brings_one_prompt_next_morning(world, clock):
    clock(at(MONDAY, 6))
    ChannelPreference.objects.create(patient=world.home.patient_a, reminder_time=time(8))
    program = publish(world.home, days_per_week=7)
    clock(at(MONDAY, 19))
    log_session(program, MONDAY)
    log_session(program, MONDAY)  # the same day's log edited
    (prompt,) = pending(Kind.CHECKIN_PROMPT)
    assert prompt.due_at.astimezone(NEW_YORK) == at(MONDAY + timedelta(days=1), 8)
    assert prompt.payload["session_day"] == MONDAY.isoformat()
    assert prompt.subject_ref == f"programs.program:{program.pk}"


def test_logging_before_the_reminder_cancels_that_days_reminder(world, clock):
    clock(at(MONDAY, 5))
    program = publish(world.home, days_per_week=7)
    clock(at(MONDAY, 6))
    log_session(program, MONDAY)
    assert MONDAY not in local_days(pending())
    reminders.program_reminders_roll()  # the roll does not bring it back
    assert MONDAY not in local_days(pending())
    assert len(pending()) == 6


def test_a_check_in_before_the_prompt_is_due_cancels_it(world, clock):
    clock(at(MONDAY, 6))
    program = publish(world.home, days_per_week=7)
    clock(at(MONDAY, 19))
    log_session(program, MONDAY)
    clock(at(MONDAY + timedelta(days=1), 6, 45))
    patient_services.checkin_record(
        program=program, day=MONDAY + timedelta(days=1), pain_next_morning=1, soreness_hours=4
    )
    assert pending(Kind.CHECKIN_PROMPT) == []
    clock(at(MONDAY + timedelta(days=1), 9))
    sweep.sweep()
    assert [m.subject for m in mail.outbox] == ["Today's home exercises - Home Clinic"]


def test_a_prompt_across_the_spring_change_keeps_the_morning_time(world, clock):
    clock(at(SPRING_FORWARD - timedelta(days=1), 6))
    program = publish(world.home, days_per_week=7)
    clock(at(SPRING_FORWARD - timedelta(days=1), 20))
    log_session(program, SPRING_FORWARD - timedelta(days=1))
    (prompt,) = pending(Kind.CHECKIN_PROMPT)
    assert prompt.due_at.astimezone(NEW_YORK) == at(SPRING_FORWARD, 7, 30)
    assert prompt.due_at.astimezone(UTC).hour == 11


# Preferences re-plan what is pending ---------------------------------------------------------


def update(patient, **changes):
    preference = services.preference_of(patient)
    values = {
        "email_enabled": preference.email_enabled,
        "sms_enabled": preference.sms_enabled,
        "reminder_time": preference.reminder_time,
        "quiet_start": preference.quiet_start,
        "quiet_end": preference.quiet_end,
        "time_zone": patient.time_zone,
        **changes,
    }
    return services.channel_preferences_update(
        patient=patient, source=ConsentSource.PATIENT, **values
    )


def test_a_new_reminder_time_moves_pending_reminders_and_prompts(world, clock):
    clock(at(MONDAY, 6))
    patient = world.home.patient_a
    program = publish(world.home, days_per_week=7)
    clock(at(MONDAY, 19))
    log_session(program, MONDAY)
    keys = {row.idempotency_key for row in pending() + pending(Kind.CHECKIN_PROMPT)}
    update(patient, reminder_time=time(9, 45), time_zone="America/Chicago")
    rows = pending() + pending(Kind.CHECKIN_PROMPT)
    assert {row.idempotency_key for row in rows} == keys
    chicago = ZoneInfo("America/Chicago")
    assert {row.due_at.astimezone(chicago).time() for row in rows} == {time(9, 45)}
    assert not ConsentEvent.objects.exists()  # no channel changed


def test_turning_texts_on_records_consent_and_adds_them(world, clock):
    clock(at(MONDAY, 6))
    patient = world.home.patient_a
    patient.phone = "+14105551230"
    patient.save()
    publish(world.home, days_per_week=3)
    kind = f.AppointmentTypeFactory(clinic=world.home.clinic)
    start = at(MONDAY + timedelta(days=3), 10)
    Appointment.objects.create(
        clinic=world.home.clinic,
        patient=patient,
        clinician=world.home.clinician,
        appointment_type=kind,
        start=start,
        end=start + timedelta(hours=1),
    )
    update(patient, sms_enabled=True)
    event = ConsentEvent.objects.get()
    assert (event.channel, event.granted, event.source) == ("sms", True, "patient")
    texts = Notification.objects.filter(channel=Channel.SMS, status=Status.PENDING)
    assert {row.kind for row in texts} == {Kind.PROGRAM_REMINDER, Kind.APPOINTMENT_REMINDER}


def test_bad_preferences_store_nothing(world, clock):
    from django.core.exceptions import ValidationError

    patient = world.home.patient_a
    with pytest.raises(ValidationError) as error:
        update(patient, sms_enabled=True, quiet_start=time(22), time_zone="Mars/Olympus")
    assert set(error.value.message_dict) == {"sms_enabled", "quiet_end", "time_zone"}
    assert not ChannelPreference.objects.exists()
    assert not ConsentEvent.objects.exists()


def test_the_clinic_changes_its_appointment_reminder_times(world, clock):
    clock(at(MONDAY, 6))
    kind = f.AppointmentTypeFactory(clinic=world.home.clinic)
    start = at(MONDAY + timedelta(days=4), 10)
    visit = Appointment.objects.create(
        clinic=world.home.clinic,
        patient=world.home.patient_a,
        clinician=world.home.clinician,
        appointment_type=kind,
        start=start,
        end=start + timedelta(hours=1),
    )
    notices.appointment_reminders_schedule(appointment=visit)
    services.clinic_reminder_hours_set(clinic=world.home.clinic, hours=[48, 2])
    hours = sorted(row.payload["hours_before"] for row in pending(Kind.APPOINTMENT_REMINDER))
    assert hours == [2, 48]
    assert services.parse_reminder_hours(" 24, 1.5 ") == [24, 1.5]
    with pytest.raises(ValueError):
        services.parse_reminder_hours("24, soon")


# Re-screens -------------------------------------------------------------------------------


def test_a_patient_due_a_rescreen_is_asked_to_book_and_the_clinician_told(world, clock):
    clock(at(MONDAY, 6))
    screen = make_screen(world.home, performed_on=MONDAY - timedelta(weeks=4))
    screen.created_by = world.home.clinician
    screen.save()
    publish(world.home)
    clock(at(MONDAY, 22, 40))
    reminders.rescreen_due_check()
    reminders.rescreen_due_check()
    (message,) = pending(Kind.RESCREEN_DUE)
    assert message.patient == world.home.patient_a
    assert message.subject_ref == f"assessments.screen:{screen.pk}"
    # Too late in the evening: it goes at the reminder time next morning.
    assert message.due_at.astimezone(NEW_YORK) == at(MONDAY + timedelta(days=1), 7, 30)
    assert message.payload["link_path"] == "/book/?clinic=home"
    (note,) = pending(Kind.STAFF_RESCREEN_DUE)
    assert note.recipient_user == world.home.clinician
    assert "asked to book" in note.payload["detail"]
    email = content.message_for(message)
    assert "https://groundwork.example/book/?clinic=home" in email.text
    assert 'href="https://groundwork.example/book/?clinic=home"' in email.html
    assert "Book a time" in email.html


def test_no_rescreen_message_before_four_weeks_or_without_a_program(world, clock):
    clock(at(MONDAY, 6))
    make_screen(world.home, performed_on=MONDAY - timedelta(days=27))
    publish(world.home)
    make_screen(world.home, world.home.patient_b, performed_on=MONDAY - timedelta(weeks=8))
    assert reminders.rescreen_due_check() == {"due": 0, "failed": 0}
    assert not Notification.objects.filter(
        kind__in=[Kind.RESCREEN_DUE, Kind.STAFF_RESCREEN_DUE]
    ).exists()


def test_a_booked_visit_means_only_the_clinician_hears_of_the_rescreen(world, clock):
    clock(at(MONDAY, 6))
    make_screen(world.home, performed_on=MONDAY - timedelta(weeks=5))
    publish(world.home)
    kind = f.AppointmentTypeFactory(clinic=world.home.clinic)
    start = at(MONDAY + timedelta(days=2), 10)
    Appointment.objects.create(
        clinic=world.home.clinic,
        patient=world.home.patient_a,
        clinician=world.home.clinician,
        appointment_type=kind,
        start=start,
        end=start + timedelta(hours=1),
    )
    reminders.rescreen_due_check()
    assert pending(Kind.RESCREEN_DUE) == []
    (note,) = pending(Kind.STAFF_RESCREEN_DUE)
    # The screen has no author on record, so the clinician who published the program is told.
    assert note.recipient_user == world.home.clinician
    assert "A visit is booked" in note.payload["detail"]


def test_a_resumed_program_reminds_again(world, clock):
    clock(at(MONDAY, 6))
    program = publish(world.home, days_per_week=7)
    reminders.program_paused_notify(program=program)
    assert pending() == []
    reminders.program_resumed_notify(program=program)
    assert len(pending()) == 7


def test_the_daily_tasks_are_on_the_beat_and_run_the_services(world, clock, settings):
    from programs import tasks

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["programs-reminders-roll"]["task"] == tasks.program_reminders_roll.name
    assert schedule["programs-rescreen-due"]["task"] == tasks.rescreen_due_check.name
    clock(at(MONDAY, 6))
    make_screen(world.home, performed_on=MONDAY - timedelta(weeks=6))
    program = publish(world.home, days_per_week=3)
    Notification.objects.all().delete()
    assert tasks.program_reminders_roll.apply().get() == {
        "cancelled": 0,
        "programs": 1,
        "failed": 0,
    }
    assert tasks.rescreen_due_check.apply().get() == {"due": 1, "failed": 0}
    assert len(pending()) == 3 and pending(Kind.RESCREEN_DUE)
    assert program.status == ProgramStatus.PUBLISHED
