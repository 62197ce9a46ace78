"""Appointment notices: the confirmation, change and cancellation messages, the reminders
before a visit, the request to confirm a public booking and the waitlist's offers. Booking
decides what to say and when; the outbox (clinic.notifications) stores, times and sends it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from clinic.models import Clinic, Patient
from clinic.notifications import services as outbox
from clinic.notifications import timing
from clinic.notifications.models import Channel, Kind, Notification

from .models import HOLDING_STATUSES, Appointment, AppointmentStatus


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
    tz = patient.tz
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
    *,
    appointment,
    kind: str,
    payload: dict[str, Any],
    due_at: datetime | None = None,
    key_version: str = "",
) -> list[Notification]:
    patient = appointment.patient
    return [
        outbox.notification_schedule(
            clinic=appointment.clinic,
            kind=kind,
            channel=channel,
            due_at=due_at or timezone.now(),
            key_time=appointment.start,
            key_version=key_version,
            subject=appointment,
            patient=patient,
            payload=payload,
            not_after=appointment.start,
        )
        for channel in outbox.patient_channels(patient)
    ]


# Series: one confirmation for all the dates ------------------------------------------------


def series_ref(series) -> str:
    """The outbox subject of a series' own messages (the series is a UUID, not a row)."""
    return f"booking.series:{series}"


def _occurrence(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "sequence": appointment.ics_sequence,
    }


def _series_payload(appointments: list[Appointment]) -> dict[str, Any]:
    """The first occurrence's details plus every occurrence's id, times and SEQUENCE: the
    e-mail lists the dates and its calendar file has one event (and UID) per appointment, the
    same UID later change and cancel e-mails of that appointment carry."""
    return {
        **appointment_payload(appointments[0]),
        "occurrences": [_occurrence(a) for a in appointments],
    }


def _series_members(series) -> list[Appointment]:
    return list(
        Appointment.objects.filter(series=series, status__in=HOLDING_STATUSES)
        .select_related("clinic", "clinician", "appointment_type")
        .order_by("start")
    )


@transaction.atomic
def series_booked_notify(*, appointments: list[Appointment]) -> list[Notification]:
    """Hook for booking a series: one confirmation after the grace period listing every
    booked date, with one calendar file holding them all (the occurrences were booked with
    `confirm=False`, so each has its reminders but no confirmation of its own)."""
    if not appointments:
        return []
    first = min(appointments, key=lambda a: a.start)
    patient = first.patient
    return [
        outbox.notification_schedule(
            clinic=first.clinic,
            kind=Kind.BOOKING_CONFIRMATION,
            channel=channel,
            due_at=_after_grace(),
            key_time=first.start,
            subject=series_ref(first.series),
            patient=patient,
            payload=_series_payload(sorted(appointments, key=lambda a: a.start)),
            not_after=first.start,
        )
        for channel in outbox.patient_channels(patient)
    ]


def _series_confirmation_refresh(appointment: Appointment) -> list[Notification] | None:
    """While a series' confirmation still waits its grace period, a move or cancellation of
    one of its appointments rewrites it (the patient has heard nothing yet, so nothing else is
    sent). Returns the rows rewritten, [] when the last occurrence went (the confirmation is
    withdrawn), None when no confirmation waits (the patient was told: tell them again)."""
    if appointment.series is None:
        return None
    ref = series_ref(appointment.series)
    members = _series_members(appointment.series)
    if not members:
        withdrawn = outbox.notifications_cancel_for(
            subject=ref,
            kinds=[Kind.BOOKING_CONFIRMATION],
            reason="Every appointment of the series was cancelled.",
        )
        return [] if withdrawn else None
    waiting = outbox.notifications_pending_replace(
        subject=ref,
        kind=Kind.BOOKING_CONFIRMATION,
        payload=_series_payload(members),
        due_at=_after_grace(),
        not_after=members[0].start,
    )
    return waiting or None


@transaction.atomic
def series_moved_notify(*, appointments: list[Appointment]) -> list[Notification]:
    """Hook for moving a series' later occurrences together: one change e-mail listing the
    new dates (with one calendar file updating each appointment's event), after the grace
    period. Nothing when the series' confirmation has not gone out yet: it was rewritten with
    the new dates as each one moved."""
    if not appointments:
        return []
    ordered = sorted(appointments, key=lambda a: a.start)
    first = ordered[0]
    waiting = _series_confirmation_refresh(first)
    if waiting is not None:
        return waiting
    for appointment in ordered:  # their single change notices say less than this one
        outbox.notifications_cancel_for(
            subject=appointment,
            kinds=[Kind.BOOKING_CHANGED],
            reason="Told with the rest of the series.",
        )
    patient = first.patient
    return [
        outbox.notification_schedule(
            clinic=first.clinic,
            kind=Kind.BOOKING_CHANGED,
            channel=channel,
            due_at=_after_grace(),
            key_time=first.start,
            key_version=f"first:{first.pk}:sequence:{first.ics_sequence}",
            subject=series_ref(first.series),
            patient=patient,
            payload=_series_payload(ordered),
            not_after=first.start,
        )
        for channel in outbox.patient_channels(patient)
    ]


@transaction.atomic
def appointment_booked_notify(*, appointment, confirm: bool = True) -> list[Notification]:
    """Hook for booking: a confirmation (with a calendar file) after the grace period, and
    the reminders. `confirm=False` schedules the reminders only (a series sends one
    confirmation for all its dates)."""
    if not confirm:
        return appointment_reminders_schedule(appointment=appointment)
    notices = _patient_notice(
        appointment=appointment,
        kind=Kind.BOOKING_CONFIRMATION,
        payload=appointment_payload(appointment),
        due_at=_after_grace(),
    )
    return notices + appointment_reminders_schedule(appointment=appointment)


@transaction.atomic
def appointment_moved_notify(
    *, appointment, old_start: datetime, tell: bool = True
) -> list[Notification]:
    """Hook for booking: reminders follow the new time and the patient hears of the change
    (unless `tell` is False: a series moved together is told in one e-mail by the caller).

    Inside the grace period the message still waiting takes the new time instead: a
    confirmation not yet sent confirms the new time, a change notice not yet sent keeps the
    time the patient last heard of ("It was ...") and names the new one; a move back to that
    time withdraws it. The patient gets one e-mail about where the booking ended up."""
    payload = appointment_payload(appointment)
    moved = outbox.notifications_reschedule_for(subject=appointment, new_time=appointment.start)
    if not moved:
        moved = appointment_reminders_schedule(appointment=appointment)
    if not tell:
        return moved
    series_waiting = _series_confirmation_refresh(appointment)
    if series_waiting is not None:
        return series_waiting + moved
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
    # Keyed by the SEQUENCE as well as the new time: a booking moved back to a time the
    # patient was told of in an earlier change notice is news again and must be sent again.
    notices = _patient_notice(
        appointment=appointment,
        kind=Kind.BOOKING_CHANGED,
        payload={**payload, "old_start": old_start.isoformat()},
        due_at=due,
        key_version=f"sequence:{appointment.ics_sequence}",
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
    series_waiting = _series_confirmation_refresh(appointment)
    if series_waiting is not None and not outbox.notifications_went_out(
        subject=appointment, kinds=[Kind.BOOKING_CHANGED]
    ):
        return []  # the series' confirmation, not sent yet, no longer lists it
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
                # Written in the language the booking was made in (content.reader_language).
                "language": booking_request.language,
                "link_path": link_path,
                "link_label": gettext_noop("Confirm or decline the booking"),
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
                # Written in the language the entry was made in (content.reader_language).
                "language": entry.language,
                "link_path": link_path,
                "link_label": gettext_noop("Book this time"),
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
