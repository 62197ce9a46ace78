"""Scheduling services: rows created with the booking, idempotent, cancelled and moved with it."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from clinic.booking import notices
from clinic.booking.models import Appointment
from clinic.notifications import services, timing
from clinic.notifications.models import (
    Channel,
    ChannelPreference,
    ClinicNotificationSettings,
    ConsentEvent,
    ConsentSource,
    Kind,
    Notification,
    Status,
)
from programs import reminders as program_reminders
from tests.notifications.conftest import book

NEW_YORK = ZoneInfo("America/New_York")


def spring_forward_sunday() -> date:
    """The next year's second Sunday of March, when New York's clocks go forward."""
    first = date(timezone.now().year + 1, 3, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


def reminders(appointment) -> list[Notification]:
    return list(
        Notification.objects.filter(
            subject_ref=f"booking.appointment:{appointment.pk}", kind=Kind.APPOINTMENT_REMINDER
        ).order_by("due_at")
    )


def test_a_booking_gets_reminders_a_day_and_two_hours_before(world, in_three_days):
    appointment = book(world.home, start=in_three_days)
    notices.appointment_reminders_schedule(appointment=appointment)
    rows = reminders(appointment)
    start = appointment.start.astimezone(NEW_YORK)
    assert rows[0].due_at.astimezone(NEW_YORK) == local(
        start.date() - timedelta(days=1), start.hour
    )
    assert appointment.start - rows[1].due_at == timedelta(hours=2)
    assert {row.channel for row in rows} == {Channel.EMAIL}
    assert all(row.status == Status.PENDING and row.patient == world.home.patient_a for row in rows)
    assert rows[-1].payload["hours_before"] == 2
    assert rows[-1].payload["appointment_type"] == appointment.appointment_type.name


def test_a_clinic_chooses_its_own_reminder_times(world, in_three_days):
    ClinicNotificationSettings.objects.create(
        clinic=world.home.clinic, reminder_hours_before=[48, 1]
    )
    appointment = book(world.home, start=in_three_days)
    notices.appointment_reminders_schedule(appointment=appointment)
    hours = [row.payload["hours_before"] for row in reminders(appointment)]
    assert hours == [48, 1]


def test_scheduling_twice_creates_nothing_new(world, in_three_days):
    appointment = book(world.home, start=in_three_days)
    first = notices.appointment_reminders_schedule(appointment=appointment)
    second = notices.appointment_reminders_schedule(appointment=appointment)
    assert [row.pk for row in first] == [row.pk for row in second]
    assert Notification.objects.count() == 2


def test_reminders_whose_time_has_passed_are_not_scheduled(world):
    appointment = book(world.home, start=timezone.now() + timedelta(hours=5))
    notices.appointment_reminders_schedule(appointment=appointment)
    assert [row.payload["hours_before"] for row in reminders(appointment)] == [2]


def test_sms_reminders_only_for_patients_who_said_yes_and_have_a_number(world, in_three_days):
    patient = world.home.patient_a
    patient.phone = "+14105550100"
    patient.save()
    appointment = book(world.home, start=in_three_days)
    notices.appointment_reminders_schedule(appointment=appointment)
    assert {row.channel for row in reminders(appointment)} == {Channel.EMAIL}

    ChannelPreference.objects.create(patient=patient, sms_enabled=True, email_enabled=False)
    other = book(world.home, start=in_three_days + timedelta(days=1))
    notices.appointment_reminders_schedule(appointment=other)
    assert {row.channel for row in reminders(other)} == {Channel.SMS}


def test_a_rolled_back_booking_schedules_nothing(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        appointment = book(world.home, start=timezone.now() + timedelta(days=2))
        notices.appointment_booked_notify(appointment=appointment)
        assert Notification.objects.count() == 3
        raise RuntimeError("the slot was taken after all")
    assert Notification.objects.count() == 0
    assert Appointment.objects.count() == 0
    assert callbacks == []


def test_a_committed_booking_asks_for_a_sweep_after_commit_for_its_confirmation(
    world, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATIONS_SWEEP_ON_COMMIT = True
    with django_capture_on_commit_callbacks() as callbacks:
        appointment = book(world.home, start=timezone.now() + timedelta(days=2))
        notices.appointment_booked_notify(appointment=appointment)
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == [
        Kind.APPOINTMENT_REMINDER,
        Kind.APPOINTMENT_REMINDER,
        Kind.BOOKING_CONFIRMATION,
    ]
    assert len(callbacks) == 1  # only the confirmation is due now; reminders wait for the beat


def test_cancelling_an_appointment_cancels_its_pending_reminders_only(world, in_three_days):
    appointment = book(world.home, start=in_three_days)
    day_before, two_hours = notices.appointment_reminders_schedule(appointment=appointment)
    Notification.objects.filter(pk=day_before.pk).update(status=Status.SENT)
    notices.appointment_cancelled_notify(appointment=appointment)
    day_before.refresh_from_db()
    two_hours.refresh_from_db()
    assert day_before.status == Status.SENT
    assert two_hours.status == Status.CANCELLED
    notice = Notification.objects.get(kind=Kind.BOOKING_CANCELLED)
    assert notice.status == Status.PENDING


def test_moving_an_appointment_moves_its_reminders(world, in_three_days):
    appointment = book(world.home, start=in_three_days)
    old = notices.appointment_reminders_schedule(appointment=appointment)
    old_start = appointment.start
    appointment.start += timedelta(days=2)
    appointment.end += timedelta(days=2)
    appointment.save()
    notices.appointment_moved_notify(appointment=appointment, old_start=old_start)
    for row in old:
        row.refresh_from_db()
        assert row.status == Status.CANCELLED
    pending = [row for row in reminders(appointment) if row.status == Status.PENDING]
    assert [row.due_at for row in pending] == [
        timing.before(appointment.start, 24, NEW_YORK),
        appointment.start - timedelta(hours=2),
    ]
    assert all(row.payload["start"] == appointment.start.isoformat() for row in pending)
    changed = Notification.objects.get(kind=Kind.BOOKING_CHANGED)
    assert changed.payload["old_start"] == old_start.isoformat()


def test_moving_back_to_the_first_time_revives_the_first_reminders(world, in_three_days):
    appointment = book(world.home, start=in_three_days)
    first = notices.appointment_reminders_schedule(appointment=appointment)
    services.notifications_reschedule_for(
        subject=appointment, new_time=in_three_days + timedelta(days=1)
    )
    again = services.notifications_reschedule_for(subject=appointment, new_time=in_three_days)
    assert sorted(row.pk for row in again) == sorted(row.pk for row in first)
    assert all(row.status == Status.PENDING for row in again)
    assert Notification.objects.filter(status=Status.PENDING).count() == 2


def test_appointment_reminders_keep_the_local_time_across_the_spring_change(world):
    sunday = spring_forward_sunday()
    appointment = book(world.home, start=local(sunday, 10))
    notices.appointment_reminders_schedule(appointment=appointment)
    day_before, two_hours = reminders(appointment)
    assert day_before.due_at.astimezone(NEW_YORK) == local(sunday - timedelta(days=1), 10)
    assert appointment.start - day_before.due_at == timedelta(hours=23)
    assert two_hours.due_at.astimezone(NEW_YORK) == local(sunday, 8)


def test_program_reminders_go_out_at_the_patients_local_time_across_the_change(world):
    sunday = spring_forward_sunday()
    patient = world.home.patient_a
    ChannelPreference.objects.create(patient=patient, reminder_time=time(7, 30))
    days = [sunday - timedelta(days=1), sunday, sunday + timedelta(days=1)]
    rows = program_reminders.program_reminders_schedule(
        patient=patient, subject="program:1", days=days
    )
    assert [row.due_at.astimezone(NEW_YORK).time() for row in rows] == [time(7, 30)] * 3
    offsets = [row.due_at.utcoffset() for row in rows]
    hours_utc = [row.due_at.astimezone(ZoneInfo("UTC")).hour for row in rows]
    assert hours_utc == [12, 11, 11], offsets


def test_a_patient_abroad_is_reminded_at_their_own_local_time(world):
    patient = world.home.patient_a
    ChannelPreference.objects.create(patient=patient, reminder_time=time(7))
    patient.time_zone = "Europe/London"
    patient.save(update_fields=["time_zone"])
    day = timezone.localdate(timezone=ZoneInfo("Europe/London")) + timedelta(days=5)
    (row,) = program_reminders.program_reminders_schedule(
        patient=patient, subject="program:1", days=[day]
    )
    assert row.due_at.astimezone(ZoneInfo("Europe/London")).time() == time(7)


def test_quiet_hours_hold_reminders_until_morning_but_never_past_the_visit(world):
    patient = world.home.patient_a
    ChannelPreference.objects.create(patient=patient, quiet_start=time(21), quiet_end=time(8))
    visit_day = timezone.localdate(timezone=NEW_YORK) + timedelta(days=7)
    appointment = book(world.home, start=local(visit_day, 7, 30))
    notices.appointment_reminders_schedule(appointment=appointment)
    day_before, two_hours = reminders(appointment)
    # 07:30 the day before is quiet: it waits until 08:00 that morning.
    assert day_before.due_at.astimezone(NEW_YORK) == local(visit_day - timedelta(days=1), 8)
    # 05:30 is quiet too, and 08:00 would be too late: it goes out the evening before.
    assert two_hours.due_at.astimezone(NEW_YORK) == local(visit_day - timedelta(days=1), 20, 45)


def test_turning_a_channel_off_records_consent_and_cancels_pending_messages(world, in_three_days):
    patient = world.home.patient_a
    appointment = book(world.home, start=in_three_days)
    notices.appointment_reminders_schedule(appointment=appointment)
    services.channel_preference_set(
        patient=patient,
        channel=Channel.EMAIL,
        enabled=False,
        source=ConsentSource.STAFF,
        actor=world.home.frontdesk,
    )
    assert not Notification.objects.filter(status=Status.PENDING).exists()
    event = ConsentEvent.objects.get()
    assert (event.channel, event.granted, event.actor) == ("email", False, world.home.frontdesk)
    assert event.created_at is not None
    other = book(world.home, start=in_three_days + timedelta(days=1))
    assert notices.appointment_reminders_schedule(appointment=other) == []


def test_staff_alerts_go_to_staff_by_email(world):
    rows = services.staff_alert_schedule(
        clinic=world.home.clinic,
        kind=Kind.STAFF_RED_FLAG,
        staff=[world.home.clinician],
        subject="session-log:9",
        key_time=timezone.now(),
        patient=world.home.patient_a,
        payload={"detail": "Night pain reported."},
    )
    (row,) = rows
    assert (row.recipient_user, row.patient, row.channel) == (
        world.home.clinician,
        world.home.patient_a,
        Channel.EMAIL,
    )


def test_a_staff_kind_cannot_be_sent_to_a_patient(world):
    with pytest.raises(ValueError):
        services.notification_schedule(
            clinic=world.home.clinic,
            kind=Kind.STAFF_T_STOP,
            channel=Channel.EMAIL,
            due_at=timezone.now(),
            subject="x",
            patient=world.home.patient_a,
        )
