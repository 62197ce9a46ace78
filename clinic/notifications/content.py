"""Turns a notification row into the words a person reads: subject, text, HTML, SMS, .ics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import dateformat

from . import services
from .models import Channel, Kind, Notification
from .transports import Attachment, OutgoingMessage

SUBJECTS = {
    Kind.BOOKING_CONFIRMATION: "Your appointment is booked",
    Kind.BOOKING_CHANGED: "Your appointment has moved",
    Kind.BOOKING_CANCELLED: "Your appointment is cancelled",
    Kind.APPOINTMENT_REMINDER: "Reminder: your appointment on {when}",
    Kind.PROGRAM_REMINDER: "Today's home exercises",
    Kind.CHECKIN_PROMPT: "How did yesterday's exercises go?",
    Kind.PROGRESSION_UPDATE: "Your home program has changed",
    Kind.RESCREEN_DUE: "Time for a new movement screen",
    Kind.STAFF_RED_FLAG: "Red flag reported by {patient_name}",
    Kind.STAFF_T_STOP: "T-STOP: {patient_name} stopped a drill",
    Kind.STAFF_NO_PROGRESS: "{patient_name} is not progressing",
    Kind.STAFF_LOW_ADHERENCE: "{patient_name} is rarely doing the program",
    Kind.STAFF_PATIENT_BOOKING_CHANGE: "{patient_name} changed a booking",
    Kind.STAFF_RESCREEN_DUE: "{patient_name} is due a re-screen",
}
# The only values an SMS template ever sees: no appointment type, clinician, drill or reason.
SMS_SAFE_KEYS = ("clinic_name", "first_name", "when", "link", "stop_link")
ICS_KINDS = (Kind.BOOKING_CONFIRMATION, Kind.BOOKING_CHANGED, Kind.BOOKING_CANCELLED)


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def local_text(value: str | None, tz: ZoneInfo) -> str:
    """An ISO timestamp from a payload as words in the reader's time zone."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(tz)
    return dateformat.format(moment, r"l j F \a\t g:i A")


def _reader_tz(notification: Notification) -> ZoneInfo:
    if notification.to_patient:
        return services.patient_time_zone(
            notification.patient, services.preference_of(notification.patient)
        )
    return notification.clinic.tz


def message_context(notification: Notification) -> dict[str, Any]:
    payload = notification.payload or {}
    tz = _reader_tz(notification)
    patient = notification.patient
    if notification.to_patient:
        first_name = patient.first_name
        stop_link = site_url(
            reverse(
                "notifications:unsubscribe",
                args=[services.unsubscribe_token(patient=patient, channel=notification.channel)],
            )
        )
    else:
        first_name = notification.recipient_user.get_short_name()
        stop_link = ""
    return {
        "notification": notification,
        "kind": notification.kind,
        "payload": payload,
        "clinic": notification.clinic,
        "clinic_name": notification.clinic.name,
        "first_name": first_name,
        "patient_name": patient.full_name if patient is not None else "",
        "when": local_text(payload.get("start"), tz),
        "old_when": local_text(payload.get("old_start"), tz),
        "day": payload.get("day", ""),
        "link": site_url(payload.get("link_path", "/")),
        "link_label": payload.get("link_label") or "Open Groundwork",
        "stop_link": stop_link,
    }


def ics_uid(notification: Notification) -> str:
    """The booking e-mails' UID for the same appointment, so calendars update one event."""
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "groundwork.local"
    if notification.subject_ref.startswith("booking.appointment:"):
        return f"appointment-{notification.subject_id}@{host}"
    return f"{notification.subject_ref.replace(':', '-')}@{host}"


def message_id(notification: Notification) -> str:
    """The e-mail's Message-ID, made from the row so every attempt carries the same one: a copy
    sent again after a crash is the same message to relays and mail clients, not a new one."""
    host = urlsplit(settings.SITE_URL).hostname or "groundwork.local"
    return f"<notification-{notification.pk}@{host}>"


def fold(line: str) -> str:
    """Fold a calendar line at 75 octets (RFC 5545 3.1), never inside a character."""
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def ics_for(notification: Notification) -> Attachment:
    """A one-event calendar file so the appointment lands in the patient's calendar."""
    payload = notification.payload

    def stamp(value: str) -> str:
        return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    def escape(text: str) -> str:
        return (
            text.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,").replace("\n", r"\n")
        )

    cancelled = notification.kind == Kind.BOOKING_CANCELLED
    description = (
        f"{payload.get('appointment_type', 'Appointment')} with {payload.get('clinician', '')}."
    )
    if payload.get("manage_url") and not cancelled:
        description += f"\nCancel or move: {payload['manage_url']}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Groundwork//Notifications//EN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{ics_uid(notification)}",
        f"DTSTAMP:{stamp(notification.created_at.isoformat())}",
        f"DTSTART:{stamp(payload['start'])}",
        f"DTEND:{stamp(payload['end'])}",
        f"SUMMARY:{escape(payload.get('appointment_type', 'Appointment'))} at "
        f"{escape(notification.clinic.name)}",
        f"DESCRIPTION:{escape(description)}",
        f"LOCATION:{escape(payload.get('clinic_address') or notification.clinic.name)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    text = "\r\n".join(fold(line) for line in lines) + "\r\n"
    return Attachment("appointment.ics", text, "text/calendar")


def address_of(notification: Notification) -> str:
    if not notification.to_patient:
        return notification.recipient_user.email
    patient = notification.patient
    return patient.phone if notification.channel == Channel.SMS else patient.email


def message_for(notification: Notification) -> OutgoingMessage:
    context = message_context(notification)
    to = address_of(notification)
    if notification.channel == Channel.SMS:
        safe = {key: context[key] for key in SMS_SAFE_KEYS}
        template = select_template(
            [f"notifications/sms/{notification.kind}.txt", "notifications/sms/generic.txt"]
        )
        text = " ".join(template.render(safe).split())
        return OutgoingMessage(channel=Channel.SMS, to=to, subject="", text=text)
    subject = SUBJECTS[notification.kind].format(**context)
    body = render_to_string(f"notifications/email/{notification.kind}.txt", context).strip()
    context = {**context, "subject": subject, "body": body}
    headers = {"Message-ID": message_id(notification)}
    if context["stop_link"]:
        headers["List-Unsubscribe"] = f"<{context['stop_link']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    attachments = []
    if notification.kind in ICS_KINDS and notification.payload.get("start"):
        attachments.append(ics_for(notification))
    return OutgoingMessage(
        channel=Channel.EMAIL,
        to=to,
        subject=f"{subject} - {notification.clinic.name}",
        text=render_to_string("notifications/email/layout.txt", context),
        html=render_to_string("notifications/email/layout.html", context),
        attachments=attachments,
        headers=headers,
    )
