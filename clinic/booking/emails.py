"""Booking e-mails to patients, with an iCalendar (RFC 5545) file of the appointment."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Appointment
from .selectors import booking_settings


def _ics_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, continuing with CRLF and a space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def appointment_ics(appointment: Appointment, *, manage_link: str = "", cancelled=False) -> str:
    """One VEVENT for the appointment; a cancelled one is sent with METHOD:CANCEL."""
    clinic = appointment.clinic
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "groundwork.local"
    description = f"{appointment.appointment_type.name} with {appointment.clinician}."
    if manage_link:
        description += f"\nCancel or move: {manage_link}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Groundwork//Booking//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(appointment.start)}",
        f"DTEND:{_utc(appointment.end)}",
        f"SUMMARY:{_ics_text(f'{appointment.appointment_type.name} at {clinic.name}')}",
        f"DESCRIPTION:{_ics_text(description)}",
        f"LOCATION:{_ics_text(clinic.address or clinic.name)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def send_booking_confirmation(*, appointment: Appointment, manage_link: str) -> None:
    """The patient's confirmation: when, where, with whom, the manage link and an .ics file."""
    patient = appointment.patient
    if not patient.email:
        return
    context = {
        "appointment": appointment,
        "clinic": appointment.clinic,
        "local_start": appointment.start.astimezone(appointment.clinic.tz),
        "manage_link": manage_link,
        "late_cancel_hours": booking_settings(clinic=appointment.clinic).late_cancel_hours,
    }
    message = EmailMessage(
        subject=f"Your {appointment.appointment_type.name} at {appointment.clinic.name}",
        body=render_to_string("booking/email_confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[patient.email],
    )
    message.attach(
        "appointment.ics",
        appointment_ics(appointment, manage_link=manage_link),
        "text/calendar; charset=utf-8; method=PUBLISH",
    )
    message.send(fail_silently=False)
