"""Appointment notices: the confirmation, change and cancellation messages, the reminders
before a visit, the request to confirm a public booking and the waitlist's offers. Booking
decides what to say and when; the outbox (clinic.notifications) stores, times and sends it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic.models import Clinic, Patient
from clinic.notifications import services as outbox
from clinic.notifications import timing
from clinic.notifications.models import Channel, Kind, Notification

from .models import Appointment, AppointmentStatus


def appointment_payload(appointment: Appointment) -> dict[str, Any]:
    # No manage link: it is a credential, so content.py signs a fresh one (with
    # `services.notice_manage_path`) when the message is written instead of keeping it in the row.
    return {
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "appointment_type": appointment.appointment_type.name,
        "clinician": str(appointment.clinician),
        "clinic_address": appointment.clinic.address,
        "clinic_phone": appointment.clinic.phone,
        # The .ics SEQUENCE as of this message (Appointment.ics_sequence).
        "sequence": appointment.ics_sequence,
    }


@transaction.atomic
def appointment_reminders_schedule(*, appointment) -> list[Notification]:
    """Reminders before an appointment (clinic's hours, default 24 h and 2 h), on each channel
    the patient accepts; reminders whose time has already passed are skipped."""
    patient = appointment.patient
    preference = outbox.preference_of(patient)
    tz = outbox.patient_time_zone(patient)
    now = timezone.now()
    created = []
    for hours in outbox.reminder_hours_for(appointment.clinic):
        due = timing.before(appointment.start, hours, tz)
        if due <= now:
            continue
        for channel in outbox.patient_channels(patient, preference):
            created.append(
                outbox.notification_schedule(
                    clinic=appointment.clinic,
                    kind=Kind.APPOINTMENT_REMINDER,
                    channel=channel,
                    due_at=due,
                    subject=appointment,
                    patient=patient,
                    payload={**appointment_payload(appointment), "hours_before": hours},
                    not_after=appointment.start,
                )
            )
    return created


def _after_grace() -> datetime:
    """When a confirmation or change notice goes out: after BOOKING_NOTICE_GRACE_SECONDS, so
    that edits made straight after booking replace the waiting message (one e-mail, not one
    per edit)."""
    return timezone.now() + timedelta(seconds=settings.BOOKING_NOTICE_GRACE_SECONDS)


def _patient_notice(
    *, appointment, kind: str, payload: dict[str, Any], due_at: datetime | None = None
) -> list[Notification]:
    patient = appointment.patient
    return [
        outbox.notification_schedule(
            clinic=appointment.clinic,
            kind=kind,
            channel=channel,
            due_at=due_at or timezone.now(),
            key_time=appointment.start,
            subject=appointment,
            patient=patient,
            payload=payload,
            not_after=appointment.start,
        )
        for channel in outbox.patient_channels(patient)
    ]


@transaction.atomic
def appointment_booked_notify(*, appointment) -> list[Notification]:
    """Hook for booking: a confirmation (with a calendar file) after the grace period, and
    the reminders."""
    notices = _patient_notice(
        appointment=appointment,
        kind=Kind.BOOKING_CONFIRMATION,
        payload=appointment_payload(appointment),
        due_at=_after_grace(),
    )
    return notices + appointment_reminders_schedule(appointment=appointment)


@transaction.atomic
def appointment_moved_notify(*, appointment, old_start: datetime) -> list[Notification]:
    """Hook for booking: reminders follow the new time and the patient hears of the change.

    Inside the grace period the message still waiting takes the new time instead: a
    confirmation not yet sent confirms the new time, a change notice not yet sent keeps the
    time the patient last heard of ("It was ...") and names the new one; a move back to that
    time withdraws it. The patient gets one e-mail about where the booking ended up."""
    payload = appointment_payload(appointment)
    moved = outbox.notifications_reschedule_for(subject=appointment, new_time=appointment.start)
    if not moved:
        moved = appointment_reminders_schedule(appointment=appointment)
    due = _after_grace()
    waiting = outbox.notifications_pending_replace(
        subject=appointment,
        kind=Kind.BOOKING_CONFIRMATION,
        payload=payload,
        due_at=due,
        not_after=appointment.start,
    )
    if waiting:
        return waiting + moved
    waiting = outbox.notifications_pending_replace(
        subject=appointment,
        kind=Kind.BOOKING_CHANGED,
        payload=payload,
        due_at=due,
        not_after=appointment.start,
    )
    if waiting:
        if all(n.payload.get("old_start") == payload["start"] for n in waiting):
            outbox.notifications_cancel_for(
                subject=appointment,
                kinds=[Kind.BOOKING_CHANGED],
                reason="Moved back to the time the patient was told.",
            )
        return waiting + moved
    notices = _patient_notice(
        appointment=appointment,
        kind=Kind.BOOKING_CHANGED,
        payload={**payload, "old_start": old_start.isoformat()},
        due_at=due,
    )
    return notices + moved


@transaction.atomic
def appointment_cancelled_notify(*, appointment) -> list[Notification]:
    """Hook for booking: pending reminders are cancelled and the patient is told, unless the
    booking is cancelled while its confirmation still waits its grace period: the patient
    heard nothing of it and hears nothing now. (A confirmation already due may be in a
    sweep's hands: then the patient is told of the cancellation.)"""
    unconfirmed = outbox.notifications_cancel_for(
        subject=appointment,
        reason="The appointment was cancelled.",
        kinds=[Kind.BOOKING_CONFIRMATION],
        due_after=timezone.now(),  # still inside its grace period
    )
    outbox.notifications_cancel_for(subject=appointment, reason="The appointment was cancelled.")
    if unconfirmed and not outbox.notifications_went_out(
        subject=appointment, kinds=[Kind.BOOKING_CONFIRMATION, Kind.BOOKING_CHANGED]
    ):
        return []
    return _patient_notice(
        appointment=appointment,
        kind=Kind.BOOKING_CANCELLED,
        payload=appointment_payload(appointment),
    )


@transaction.atomic
def booking_request_notify(*, booking_request, link_path: str) -> list[Notification]:
    """Hook for booking: ask the patient on record to confirm a public booking made with their
    e-mail address. E-mail only, to the address on record: the question is whether that
    address made the booking. No calendar file and no manage link until it is confirmed."""
    appointment = booking_request.appointment
    patient = booking_request.patient
    if not (outbox.preference_of(patient).email_enabled and patient.email):
        return []  # staff still see the request and can confirm it
    payload = {
        key: value for key, value in appointment_payload(appointment).items() if key != "manage_url"
    }
    return [
        outbox.notification_schedule(
            clinic=appointment.clinic,
            kind=Kind.BOOKING_REQUEST,
            channel=Channel.EMAIL,
            due_at=timezone.now(),
            key_time=appointment.start,
            subject=booking_request,
            patient=patient,
            payload={
                **payload,
                "expires_at": booking_request.expires_at.isoformat(),
                "link_path": link_path,
                "link_label": "Confirm or decline the booking",
            },
            not_after=booking_request.expires_at,
        )
    ]


@transaction.atomic
def waitlist_offer_notify(
    *, offer, patient: Patient, link_path: str, open_until: datetime
) -> list[Notification]:
    """Hook for the waitlist: offer a freed time by e-mail, with the signed link that takes
    it. Like a booking request, e-mail only and to the address on record; the time goes to
    whoever confirms first, so no calendar file until it is booked."""
    if not (outbox.preference_of(patient).email_enabled and patient.email):
        return []
    entry = offer.entry
    end = offer.start + timedelta(minutes=entry.appointment_type.duration_minutes)
    return [
        outbox.notification_schedule(
            clinic=offer.clinic,
            kind=Kind.WAITLIST_OFFER,
            channel=Channel.EMAIL,
            due_at=timezone.now(),
            key_time=offer.start,
            subject=offer,
            patient=patient,
            payload={
                "start": offer.start.isoformat(),
                "end": end.isoformat(),
                "appointment_type": entry.appointment_type.name,
                "clinician": str(offer.clinician),
                "clinic_address": offer.clinic.address,
                "clinic_phone": offer.clinic.phone,
                "expires_at": open_until.isoformat(),
                "link_path": link_path,
                "link_label": "Book this time",
            },
            not_after=open_until,
        )
    ]


def _upcoming(**filters) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED, start__gt=timezone.now(), **filters
        ).select_related("clinic", "clinician", "appointment_type", "patient__clinic")
    )


def replan_for_patient(sender, *, patient: Patient, **kwargs) -> None:
    """Receiver of `preferences_changed`: upcoming appointments get reminders on any channel
    just turned on (rows already there keep their key and stay as they are)."""
    for appointment in _upcoming(patient=patient):
        appointment_reminders_schedule(appointment=appointment)


def replan_for_clinic(sender, *, clinic: Clinic, **kwargs) -> None:
    """Receiver of `reminder_hours_changed`: upcoming appointments get reminders at the
    clinic's new times (the outbox already cancelled those at times no longer wanted)."""
    for appointment in _upcoming(clinic=clinic):
        appointment_reminders_schedule(appointment=appointment)
