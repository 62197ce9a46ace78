"""The sweep: sends what is due once, logs every attempt, retries, honours opt-outs and leases."""

import re
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from clinic.booking import notices
from clinic.notifications import services, sweep
from clinic.notifications.models import (
    Channel,
    ChannelPreference,
    DeliveryLog,
    Kind,
    Notification,
    Outcome,
    Status,
)
from clinic.notifications.transports import DeliveryError, PermanentDeliveryError
from tests.notifications.conftest import book


def due_now(rows):
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        due_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def reminder(world, in_three_days):
    """A pending e-mail reminder of Ada's appointment, already due."""
    appointment = book(world.home, start=in_three_days)
    rows = notices.appointment_reminders_schedule(appointment=appointment)
    Notification.objects.filter(pk=rows[1].pk).delete()
    due_now(rows[:1])
    return Notification.objects.get(pk=rows[0].pk)


def test_a_due_reminder_is_emailed_with_plain_words_html_and_an_unsubscribe_link(world, reminder):
    report = sweep.sweep()
    assert (report.sent, report.batches) == (1, 1)
    (message,) = mail.outbox
    assert message.to == [world.home.patient_a.email]
    assert message.subject.startswith("Reminder: your appointment on ")
    assert message.subject.endswith(" - Home Clinic")
    assert "Hello Ada," in message.body
    assert "Running performance consult" in message.body
    assert "https://groundwork.example/notifications/unsubscribe/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Home Clinic" in html and "Stop these e-mails" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Status.SENT, 1)
    assert reminder.sent_at is not None


def test_every_sent_message_is_logged_with_channel_time_and_outcome(reminder):
    before = timezone.now()
    sweep.sweep()
    (entry,) = DeliveryLog.objects.all()
    assert entry.notification == reminder
    assert entry.channel == Channel.EMAIL
    assert entry.outcome == Outcome.SENT
    assert before <= entry.attempted_at <= timezone.now()


def test_messages_not_yet_due_wait(world, in_three_days):
    appointment = book(world.home, start=in_three_days)
    notices.appointment_reminders_schedule(appointment=appointment)
    assert sweep.sweep().sent == 0
    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_a_second_sweep_sends_nothing_again(reminder):
    sweep.sweep()
    sweep.sweep()
    assert len(mail.outbox) == 1


def test_a_booking_confirmation_carries_a_calendar_file(world, in_three_days):
    appointment = book(world.home, start=in_three_days)
    notices.appointment_booked_notify(appointment=appointment)
    sweep.sweep()
    (message,) = mail.outbox
    assert message.subject.startswith("Your appointment is booked")
    ((filename, ics, mimetype),) = message.attachments
    assert (filename, mimetype) == ("appointment.ics", "text/calendar")
    assert "BEGIN:VEVENT" in ics
    assert f"DTSTART:{in_three_days:%Y%m%dT%H%M%SZ}" in ics
    assert f"UID:appointment-{appointment.pk}@groundwork.example" in ics


def test_an_opted_out_patient_gets_nothing_on_that_channel_but_still_on_the_other(
    world, reminder, sms_outbox
):
    patient = world.home.patient_a
    patient.phone = "+14105550100"
    patient.save()
    ChannelPreference.objects.create(patient=patient, sms_enabled=True)
    text = services.notification_schedule(
        clinic=world.home.clinic,
        kind=Kind.APPOINTMENT_REMINDER,
        channel=Channel.SMS,
        due_at=timezone.now() - timedelta(seconds=1),
        subject=reminder.subject_ref,
        patient=patient,
        payload=reminder.payload,
    )
    # The patient opts out of e-mail after the reminder was scheduled.
    ChannelPreference.objects.filter(patient=patient).update(email_enabled=False)
    report = sweep.sweep()
    assert (report.sent, report.skipped) == (1, 1)
    assert mail.outbox == []
    assert [sms["to"] for sms in sms_outbox] == ["+14105550100"]
    reminder.refresh_from_db()
    assert reminder.status == Status.CANCELLED
    assert "turned this channel off" in reminder.cancel_reason
    assert DeliveryLog.objects.get(notification=reminder).outcome == Outcome.SKIPPED
    text.refresh_from_db()
    assert text.status == Status.SENT


def test_sms_bodies_never_carry_health_detail(world, sms_outbox):
    patient = world.home.patient_a
    patient.phone = "+14105550100"
    patient.save()
    ChannelPreference.objects.create(patient=patient, sms_enabled=True, email_enabled=False)
    services.patient_message_schedule(
        patient=patient,
        kind=Kind.PROGRESSION_UPDATE,
        subject="program:7",
        payload={
            "change": "Single-leg calf raises go up to 3 sets of 15.",
            "reason": "Your Achilles pain stayed at 2 out of 10 or less.",
            "appointment_type": "Achilles tendinopathy review",
        },
        key_time=timezone.now(),
    )
    sweep.sweep()
    (sms,) = sms_outbox
    body = sms["body"].lower()
    # The words around the links: a signed unsubscribe token can hold "10" by chance.
    words = re.sub(r"https?://\S+", " ", body)
    for word in ("achilles", "calf", "pain", "tendinopathy", "10"):
        assert word not in words
    assert body.startswith("home clinic:")


def test_a_progression_update_email_says_what_changed_and_why(world):
    services.patient_message_schedule(
        patient=world.home.patient_a,
        kind=Kind.PROGRESSION_UPDATE,
        subject="program:7",
        payload={"change": "Calf raises go up to 3 x 15.", "reason": "The last week felt easy."},
        key_time=timezone.now(),
    )
    sweep.sweep()
    (message,) = mail.outbox
    assert "Calf raises go up to 3 x 15. The reason: The last week felt easy." in message.body


def test_staff_alerts_name_the_patient_and_offer_no_unsubscribe(world):
    services.staff_alert_schedule(
        clinic=world.home.clinic,
        kind=Kind.STAFF_T_STOP,
        staff=[world.home.clinician],
        subject="session-log:4",
        key_time=timezone.now(),
        patient=world.home.patient_a,
        payload={"detail": "Pain 6/10 during hops."},
    )
    sweep.sweep()
    (message,) = mail.outbox
    assert message.to == [world.home.clinician.email]
    assert message.subject.startswith("T-STOP: Ada Home stopped a drill")
    assert "unsubscribe" not in message.body
    assert "Pain 6/10 during hops." in message.body


class FlakySms:
    """An SMS provider that is down."""

    def send_text(self, *, to, body):
        raise DeliveryError("provider timed out")


class RejectingSms:
    def send_text(self, *, to, body):
        raise PermanentDeliveryError("not a mobile number")


@pytest.fixture
def text_reminder(world, settings):
    patient = world.home.patient_a
    patient.phone = "+14105550100"
    patient.save()
    ChannelPreference.objects.create(patient=patient, sms_enabled=True, email_enabled=False)
    return services.notification_schedule(
        clinic=world.home.clinic,
        kind=Kind.PROGRAM_REMINDER,
        channel=Channel.SMS,
        due_at=timezone.now() - timedelta(seconds=1),
        subject="program:1",
        patient=patient,
    )


def test_a_transient_failure_is_retried_later_with_growing_waits(text_reminder, settings):
    settings.SMS_BACKEND = f"{__name__}.FlakySms"
    waits = []
    for attempt in range(1, sweep.MAX_ATTEMPTS):
        started = timezone.now()
        report = sweep.sweep(now=started + timedelta(days=attempt), max_batches=1)
        assert report.retried == 1
        text_reminder.refresh_from_db()
        assert (text_reminder.status, text_reminder.attempts) == (Status.PENDING, attempt)
        assert text_reminder.last_error == "provider timed out"
        waits.append(text_reminder.due_at - timezone.now())
    assert waits == sorted(waits) and waits[0] >= timedelta(minutes=1)
    report = sweep.sweep(now=timezone.now() + timedelta(days=30))
    text_reminder.refresh_from_db()
    assert (report.failed, text_reminder.status) == (1, Status.FAILED)
    outcomes = list(DeliveryLog.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == [Outcome.RETRY] * (sweep.MAX_ATTEMPTS - 1) + [Outcome.FAILED]


def test_a_permanent_failure_is_recorded_at_once(text_reminder, settings):
    settings.SMS_BACKEND = f"{__name__}.RejectingSms"
    report = sweep.sweep()
    text_reminder.refresh_from_db()
    assert (report.failed, text_reminder.status, text_reminder.attempts) == (1, Status.FAILED, 1)
    assert text_reminder.last_error == "not a mobile number"
    assert DeliveryLog.objects.get().outcome == Outcome.FAILED


def test_a_patient_without_an_address_is_a_permanent_failure_staff_can_see(world, reminder):
    Notification.objects.filter(pk=reminder.pk).update(channel=Channel.SMS)
    ChannelPreference.objects.create(patient=world.home.patient_a, sms_enabled=True)
    sweep.sweep()
    reminder.refresh_from_db()
    assert reminder.status == Status.FAILED
    assert reminder.last_error == "No mobile number on record."


def test_rows_left_sending_by_a_killed_worker_are_sent_once_the_lease_runs_out(reminder):
    # A worker claims the batch and is killed before sending anything.
    rows, _ = sweep.claim_batch(size=10, due_by=timezone.now())
    assert [row.pk for row in rows] == [reminder.pk]
    assert sweep.sweep().sent == 0  # still inside the lease: nobody else touches it
    reminder.refresh_from_db()
    assert reminder.status == Status.SENDING
    report = sweep.sweep(now=timezone.now() + sweep.lease_length() + timedelta(seconds=1))
    assert (report.released, report.sent) == (1, 1)
    assert len(mail.outbox) == 1
    outcomes = list(DeliveryLog.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == [Outcome.LEASE_EXPIRED, Outcome.SENT]


def test_an_unreachable_mail_server_means_retry_not_loss(reminder, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens there
    settings.EMAIL_TIMEOUT = 2
    report = sweep.sweep()
    reminder.refresh_from_db()
    assert (report.retried, reminder.status, reminder.attempts) == (1, Status.PENDING, 1)
    assert reminder.due_at > timezone.now()


def _due_reminders(world, count: int, channel: str) -> None:
    clinic, patients = world.home.clinic, [world.home.patient_a, world.home.patient_b]
    for patient in patients:
        patient.phone = "+14105550100"
        patient.save()
        ChannelPreference.objects.create(patient=patient, sms_enabled=True)
    due = timezone.now() - timedelta(minutes=1)
    Notification.objects.bulk_create(
        Notification(
            clinic=clinic,
            patient=patients[i % 2],
            channel=channel,
            kind=Kind.APPOINTMENT_REMINDER,
            subject_ref=f"booking.appointment:{i}",
            due_at=due,
            payload={"start": (due + timedelta(days=1)).isoformat(), "hours_before": 24},
            idempotency_key=uuid.uuid4().hex,
        )
        for i in range(count)
    )


# Per batch: claim (select + update) and load (one select with joins); per message: its
# outcome, one delivery log and one update; plus the lease check, the final, empty claim
# and, on PostgreSQL, turning synchronous commits off and on again. Nothing grows with the
# batch but those two writes per message: no query per patient or preference.
PER_MESSAGE = 2
PER_BATCH = 5
FIXED = 8


@contextmanager
def counted_queries():
    """Counts every statement, without the 9,000-query memory of CaptureQueriesContext."""
    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        yield count


def test_thousands_of_due_reminders_cost_two_writes_each_and_nothing_more(world, sms_outbox):
    _due_reminders(world, 3000, Channel.SMS)
    with counted_queries() as queries:
        report = sweep.sweep(batch_size=500)
    assert (report.sent, report.batches) == (3000, 6)
    assert len(sms_outbox) == 3000
    assert not Notification.objects.exclude(status=Status.SENT).exists()
    assert DeliveryLog.objects.filter(outcome=Outcome.SENT).count() == 3000
    budget = report.sent * PER_MESSAGE + report.batches * PER_BATCH + FIXED
    assert queries[0] <= budget, queries[0]


def test_e_mail_batches_cost_the_same_few_queries(world):
    _due_reminders(world, 1000, Channel.EMAIL)
    with counted_queries() as queries:
        report = sweep.sweep(batch_size=500)
    assert (report.sent, report.batches, len(mail.outbox)) == (1000, 2, 1000)
    budget = report.sent * PER_MESSAGE + report.batches * PER_BATCH + FIXED
    assert queries[0] <= budget, queries[0]


def test_a_message_that_keeps_killing_its_worker_ends_as_failed(reminder):
    later = timezone.now()
    for _ in range(sweep.MAX_ATTEMPTS):
        rows, _ = sweep.claim_batch(size=10, due_by=later)  # claimed, then the worker dies
        assert [row.pk for row in rows] == [reminder.pk]
        later += sweep.lease_length() + timedelta(minutes=1)
        sweep.release_expired_claims(now=later)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Status.FAILED, sweep.MAX_ATTEMPTS)
    assert mail.outbox == []


def test_a_misconfigured_sms_backend_keeps_the_messages_for_a_retry(text_reminder, settings):
    settings.SMS_BACKEND = "clinic.notifications.transports.NoSuchBackend"
    report = sweep.sweep()
    text_reminder.refresh_from_db()
    assert (report.retried, text_reminder.status) == (1, Status.PENDING)


def test_a_message_due_inside_the_patients_quiet_hours_is_held_until_they_end(world, reminder):
    # The patient set quiet hours around the present moment after the reminder was made.
    tz = world.home.clinic.tz
    local_now = timezone.now().astimezone(tz)
    start = (local_now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local_now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    ChannelPreference.objects.create(patient=world.home.patient_a, quiet_start=start, quiet_end=end)
    report = sweep.sweep()
    assert (report.sent, report.deferred) == (0, 1)
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert reminder.status == Status.PENDING
    assert reminder.due_at.astimezone(tz).time() == end
    assert timedelta(minutes=55) < reminder.due_at - timezone.now() <= timedelta(hours=1)
    assert DeliveryLog.objects.get().outcome == Outcome.DEFERRED
