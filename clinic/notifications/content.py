"""Turns a notification row into the words a person reads: subject, text, HTML, SMS, .ics."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext_lazy

from clinic.phones import phone_display

from . import preferences
from .models import Channel, Kind, Notification
from .transports import Attachment, OutgoingMessage

SUBJECTS = {
    Kind.BOOKING_CONFIRMATION: gettext_lazy("Your appointment is booked"),
    Kind.BOOKING_CHANGED: gettext_lazy("Your appointment has moved"),
    Kind.BOOKING_CANCELLED: gettext_lazy("Your appointment is cancelled"),
    Kind.BOOKING_REQUEST: gettext_lazy("Please confirm your appointment request"),
    Kind.WAITLIST_OFFER: gettext_lazy("A time has come free: {when}"),
    Kind.APPOINTMENT_REMINDER: gettext_lazy("Reminder: your appointment on {when}"),
    Kind.PROGRAM_REMINDER: gettext_lazy("Today's home exercises"),
    Kind.CHECKIN_PROMPT: gettext_lazy("How did yesterday's exercises go?"),
    Kind.PROGRESSION_UPDATE: gettext_lazy("Your home program has changed"),
    Kind.RESCREEN_DUE: gettext_lazy("Time for a new movement screen"),
    Kind.QUESTIONNAIRE_DUE: gettext_lazy("A short questionnaire from your clinic"),
    Kind.SELF_TEST_DUE: gettext_lazy("Time for your home self-tests"),
    Kind.STAFF_RED_FLAG: gettext_lazy("Red flag reported by {patient_name}"),
    Kind.STAFF_T_STOP: gettext_lazy("T-STOP: {patient_name} stopped a drill"),
    Kind.STAFF_NO_PROGRESS: gettext_lazy("{patient_name} is not progressing"),
    Kind.STAFF_LOW_ADHERENCE: gettext_lazy("{patient_name} is rarely doing the program"),
    Kind.STAFF_PATIENT_BOOKING_CHANGE: gettext_lazy("{patient_name} changed a booking"),
    Kind.STAFF_BOOKING_REQUEST: gettext_lazy("Online booking to confirm: {patient_name}"),
    Kind.STAFF_RESCREEN_DUE: gettext_lazy("{patient_name} is due a re-screen"),
}
# One message about several appointments (a series booked or moved together).
SERIES_SUBJECTS = {
    Kind.BOOKING_CONFIRMATION: gettext_lazy("Your {count} appointments are booked"),
    Kind.BOOKING_CHANGED: gettext_lazy("Your appointments have moved"),
}
# A patient's own booking change, told to staff: the subject names what happened. The
# payload's "change" picks it (rows written before it existed keep the general subject).
STAFF_BOOKING_CHANGE_SUBJECTS = {
    "booked": gettext_lazy("New booking: {appointment_type} on {when}"),
    "moved": gettext_lazy("Moved: {appointment_type} to {when}"),
    "cancelled": gettext_lazy("Cancelled: {appointment_type} on {when}"),
}
# A payload's link label is stored in English, marked with gettext_noop where it is made.
DEFAULT_LINK_LABEL = gettext_noop("Open Groundwork")
# The only values an SMS template ever sees: no appointment type, clinician, drill or reason.
SMS_SAFE_KEYS = ("clinic_name", "first_name", "when", "link", "stop_link")
ICS_KINDS = (Kind.BOOKING_CONFIRMATION, Kind.BOOKING_CHANGED, Kind.BOOKING_CANCELLED)
# Messages to the patient about a booking they can still cancel or move online.
MANAGE_LINK_KINDS = (Kind.BOOKING_CONFIRMATION, Kind.BOOKING_CHANGED, Kind.APPOINTMENT_REMINDER)

# Who signs a manage link, by the subject's model ("booking.appointment"). The app that owns
# the subject registers its builder when it is ready: the outbox signs nothing itself and
# imports no app, and the link is made as the message is written, never stored.
ManageLinkBuilder = Callable[[Notification], str]
_manage_link_builders: dict[str, ManageLinkBuilder] = {}


def manage_link_builder_register(subject_model: str, builder: ManageLinkBuilder) -> None:
    """Let `builder(notification)` return the manage path of a `subject_model` subject."""
    _manage_link_builders[subject_model] = builder


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# How a message names a moment, in the active language (Django's date format letters; a
# translation may reorder them, e.g. "lunes 7 de diciembre a las 14:30").
WHEN_FORMAT = pgettext_lazy("date and time in a message", r"l j F \a\t g:i A")


def local_text(value: str | None, tz: ZoneInfo) -> str:
    """An ISO timestamp from a payload as words in the reader's time zone and language."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(tz)
    return dateformat.format(moment, str(WHEN_FORMAT))


def reader_language(notification: Notification) -> str:
    """The language a message is written in: staff read the default; a patient their own,
    unless the message belongs to something made in another language (a public booking
    request or waitlist entry keeps the visitor's language in its payload)."""
    if not notification.to_patient:
        return settings.LANGUAGE_CODE
    chosen = (notification.payload or {}).get("language") or notification.patient.language
    try:
        # A plain str: Django caches the answer by value and hands back the object it was
        # given, so an unsaved patient's Language member would come back for every "en".
        return str(translation.get_supported_language_variant(str(chosen or "") or "en"))
    except LookupError:
        return settings.LANGUAGE_CODE


def _reader_tz(notification: Notification) -> ZoneInfo:
    if notification.to_patient:
        return notification.patient.tz
    return notification.clinic.tz


def manage_link(notification: Notification) -> str:
    """The booking's manage link, signed as the message is written: it is a credential, so
    no notification row keeps it."""
    subject_model = notification.subject_ref.partition(":")[0]
    builder = _manage_link_builders.get(subject_model)
    if (
        not notification.to_patient
        or notification.kind not in MANAGE_LINK_KINDS
        or builder is None
        or notification.subject_id is None
    ):
        return ""
    return site_url(builder(notification))


def message_context(notification: Notification) -> dict[str, Any]:
    payload = notification.payload or {}
    tz = _reader_tz(notification)
    patient = notification.patient
    if notification.to_patient:
        first_name = patient.first_name
        stop_link = site_url(
            reverse(
                "notifications:unsubscribe",
                args=[preferences.unsubscribe_token(patient=patient, channel=notification.channel)],
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
        # Grouped once for both the text and the HTML part.
        "clinic_phone": phone_display(notification.clinic.phone),
        "first_name": first_name,
        "patient_name": patient.full_name if patient is not None else "",
        "appointment_type": payload.get("appointment_type") or gettext("appointment"),
        "clinician": payload.get("clinician", ""),
        "change": payload.get("change", ""),
        "when": local_text(payload.get("start"), tz),
        "old_when": local_text(payload.get("old_start"), tz),
        "until": local_text(payload.get("expires_at"), tz),
        "day": payload.get("day", ""),
        "link": site_url(payload.get("link_path", "/")),
        # Stored in English (marked with gettext_noop where the payload is made); said in the
        # reader's language here.
        "link_label": gettext(payload.get("link_label") or DEFAULT_LINK_LABEL),
        "stop_link": stop_link,
        "manage_url": manage_link(notification),
        "occurrence_whens": [
            local_text(item.get("start"), tz) for item in payload.get("occurrences") or []
        ],
        "count": len(payload.get("occurrences") or []),
    }


def _uid_host() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0] or "groundwork.local"


def appointment_uid(appointment_id: int) -> str:
    return f"appointment-{appointment_id}@{_uid_host()}"


def ics_uid(notification: Notification) -> str:
    """The booking e-mails' UID for the same appointment, so calendars update one event."""
    if notification.subject_ref.startswith("booking.appointment:"):
        return appointment_uid(notification.subject_id)
    return f"{notification.subject_ref.replace(':', '-')}@{_uid_host()}"


def message_id(notification: Notification) -> str:
    """The e-mail's Message-ID, made from the row so every attempt carries the same one: a copy
    sent again after a crash is the same message to relays and mail clients, not a new one."""
    host = urlsplit(settings.SITE_URL).hostname or "groundwork.local"
    return f"<notification-{notification.pk}@{host}>"


def calendar_text(text: str) -> str:
    """Text for a calendar property: every kind of line break (a textarea sends CRLF, a bare
    CR is still a break to some readers) made one newline, other control characters dropped.
    The calendar library then escapes it, so no value can start a property of its own."""
    lines = str(text).splitlines()
    return "\n".join(
        "".join(char for char in line if char == "\t" or unicodedata.category(char) != "Cc")
        for line in lines
    )


def organizer_address() -> str:
    """The address the clinic's messages come from (without a display name)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@groundwork.local"


def ics_for(notification: Notification, manage_url: str = "") -> Attachment:
    """A calendar file so the appointment lands in the patient's calendar: one event, or one
    per appointment for a message about a series (payload "occurrences").

    Every message about one appointment has the same UID, and a larger SEQUENCE than the one
    before, so a calendar updates (or, for a cancellation, removes) the event it has. A
    series' events carry their own appointments' UIDs, so a later e-mail about one date
    updates that date's event only.
    """
    payload = notification.payload
    cancelled = notification.kind == Kind.BOOKING_CANCELLED
    appointment_type = payload.get("appointment_type") or gettext("Appointment")
    description = gettext("{appointment_type} with {clinician}.").format(
        appointment_type=appointment_type, clinician=payload.get("clinician", "")
    )
    if manage_url and not cancelled:
        description += "\n" + gettext("Cancel or move: {link}").format(link=manage_url)

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Groundwork//Notifications//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    # The subject's own change counter (booking: Appointment.ics_sequence, one more on every
    # move and on cancelling), copied into the payload when the message was made. Rows made
    # before the counter existed fall back to their id, which the migration that added it
    # took as the counter's starting point.
    events = [
        (appointment_uid(item["id"]), item["start"], item["end"], item.get("sequence", 0))
        for item in payload.get("occurrences") or []
    ] or [
        (
            ics_uid(notification),
            payload["start"],
            payload["end"],
            payload.get("sequence", notification.pk),
        )
    ]
    # RFC 5546 wants an ORGANIZER on PUBLISH and CANCEL; without it Exchange drops a CANCEL.
    organizer = icalendar.vCalAddress(f"mailto:{organizer_address()}")
    organizer.params["cn"] = icalendar.vText(calendar_text(notification.clinic.name))
    for uid, start, end, sequence in events:
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("sequence", int(sequence))
        event.add("organizer", organizer)
        event.add("dtstamp", notification.created_at.astimezone(UTC))
        event.add("dtstart", datetime.fromisoformat(start).astimezone(UTC))
        event.add("dtend", datetime.fromisoformat(end).astimezone(UTC))
        summary = gettext("{appointment_type} at {clinic_name}").format(
            appointment_type=appointment_type, clinic_name=notification.clinic.name
        )
        event.add("summary", calendar_text(summary))
        event.add("description", calendar_text(description))
        event.add(
            "location", calendar_text(payload.get("clinic_address") or notification.clinic.name)
        )
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return Attachment("appointment.ics", calendar.to_ical().decode(), "text/calendar")


def address_of(notification: Notification) -> str:
    if not notification.to_patient:
        return notification.recipient_user.email
    patient = notification.patient
    return patient.phone if notification.channel == Channel.SMS else patient.email


def subject_template(notification: Notification) -> str:
    if (notification.payload or {}).get("occurrences") and notification.kind in SERIES_SUBJECTS:
        return SERIES_SUBJECTS[notification.kind]
    if notification.kind == Kind.STAFF_PATIENT_BOOKING_CHANGE:
        change = (notification.payload or {}).get("change")
        if change in STAFF_BOOKING_CHANGE_SUBJECTS:
            return STAFF_BOOKING_CHANGE_SUBJECTS[change]
    return SUBJECTS[notification.kind]


# GSM 03.38, the alphabet every phone reads in 160-character parts (the extension table's
# characters count twice but keep it). One character outside it sends the whole text as UCS-2,
# 70 characters a part: about twice as many parts for the same words.
GSM_ALPHABET = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def sms_alphabet(text: str) -> str:
    """A text message kept in the GSM alphabet where a letter only differs by its accent:
    Spanish "á í ó ú" (not in it) are sent as "a i o u", as phones and SMS gateways commonly
    do, so a Spanish text costs as many parts as an English one. Anything else is left."""
    kept = []
    for char in text:
        if char not in GSM_ALPHABET:
            base = unicodedata.normalize("NFD", char)[0]
            char = base if base in GSM_ALPHABET else char
        kept.append(char)
    return "".join(kept)


def message_for(notification: Notification) -> OutgoingMessage:
    """The message as its reader gets it: in their language (reader_language), with dates in
    their time zone and language."""
    with translation.override(reader_language(notification)):
        return _message_for(notification)


def _message_for(notification: Notification) -> OutgoingMessage:
    context = message_context(notification)
    to = address_of(notification)
    if notification.channel == Channel.SMS:
        safe = {key: context[key] for key in SMS_SAFE_KEYS}
        template = select_template(
            [f"notifications/sms/{notification.kind}.txt", "notifications/sms/generic.txt"]
        )
        text = sms_alphabet(" ".join(template.render(safe).split()))
        return OutgoingMessage(channel=Channel.SMS, to=to, subject="", text=text)
    subject = str(subject_template(notification)).format(**context)
    body = render_to_string(f"notifications/email/{notification.kind}.txt", context).strip()
    context = {**context, "subject": subject, "body": body}
    headers = {"Message-ID": message_id(notification)}
    if context["stop_link"]:
        headers["List-Unsubscribe"] = f"<{context['stop_link']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    attachments = []
    if notification.kind in ICS_KINDS and notification.payload.get("start"):
        attachments.append(ics_for(notification, context["manage_url"]))
    return OutgoingMessage(
        channel=Channel.EMAIL,
        to=to,
        subject=f"{subject} - {notification.clinic.name}",
        text=render_to_string("notifications/email/layout.txt", context),
        html=render_to_string("notifications/email/layout.html", context),
        attachments=attachments,
        headers=headers,
    )
