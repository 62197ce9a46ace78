"""Private calendar feeds: a staff member's revocable iCal URL of appointments.

The feed shows when, what type, the status and the patient's initials, nothing else: no name,
no e-mail, no notes, intake or reasons, since a calendar app syncs it to phones and servers
the clinic does not control. The URL is the only credential, so it carries a long secret
(derived from the row's random nonce with SECRET_KEY; the row keeps its SHA-256 only) that
is compared in constant time, and revoking it makes the old URL a 404.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta

import icalendar
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from clinic.access import membership_of
from clinic.models import Clinic, Role, User

from . import selectors
from .models import Appointment, AppointmentStatus, CalendarFeed

SALT = "clinic.booking.feeds"
# The window a feed covers, from now: enough history to look back on, and the booking horizon.
WINDOW_BEFORE = timedelta(days=30)
WINDOW_AFTER = timedelta(days=180)
# Who may subscribe to someone else's appointments, or to the whole clinic's.
SCHEDULING_ROLES = (Role.CLINIC_ADMIN, Role.FRONT_DESK)
STATUS = {
    AppointmentStatus.PENDING: "TENTATIVE",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


@dataclass(frozen=True)
class FeedScope:
    clinic: Clinic
    clinician: User | None  # None: the whole clinic


def _secret(feed: CalendarFeed) -> str:
    return salted_hmac(SALT, feed.nonce, algorithm="sha256").hexdigest()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_path(feed: CalendarFeed) -> str:
    return reverse("api_calendar_feed_ics", kwargs={"feed_id": feed.pk, "token": _secret(feed)})


def feed_scope(*, user: User, clinician_param: str | None) -> FeedScope:
    """Whose appointments `user` asks for: `clinician_param` is a clinician's id, "all" for the
    whole clinic, or empty for the default (their own when they see patients, else the whole
    clinic). A clinician may only have their own; another clinic's clinician is unknown."""
    membership = membership_of(user)
    if membership is None:
        raise PermissionDenied(gettext("Only staff have calendar feeds."))
    clinic = membership.clinic
    clinicians = selectors.clinicians_of(clinic=clinic)
    value = (clinician_param or "").strip()
    if not value:
        own = clinicians.filter(pk=user.pk).first()
        if own is not None:
            return FeedScope(clinic, own)
        value = "all"
    if value == "all":
        chosen = None
    else:
        chosen = clinicians.filter(pk=int(value)).first() if value.isdigit() else None
        if chosen is None:
            raise ValidationError({"clinician": gettext('Unknown clinician; give an id or "all".')})
    if chosen != user and membership.role not in SCHEDULING_ROLES:
        raise PermissionDenied(gettext("A clinician's feed shows their own appointments only."))
    return FeedScope(clinic, chosen)


def _live(*, owner: User, scope: FeedScope):
    return CalendarFeed.objects.filter(
        owner=owner, clinic=scope.clinic, clinician=scope.clinician, revoked_at__isnull=True
    )


def _still_valid(feed: CalendarFeed) -> bool:
    """False once SECRET_KEY has changed: the URL derived now would not match the stored hash."""
    return hmac.compare_digest(feed.secret_hash, _hash(_secret(feed)))


def calendar_feed_get_or_create(*, owner: User, scope: FeedScope) -> tuple[CalendarFeed, bool]:
    """The owner's live feed for `scope`, made when there is none (True when made)."""
    existing = _live(owner=owner, scope=scope).first()
    if existing is not None:
        if _still_valid(existing):
            return existing, False
        _live(owner=owner, scope=scope).update(revoked_at=timezone.now())
    feed = CalendarFeed(
        clinic=scope.clinic, owner=owner, clinician=scope.clinician, nonce=secrets.token_hex(32)
    )
    feed.secret_hash = _hash(_secret(feed))
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError:  # a second request made it first: theirs is the feed
        return _live(owner=owner, scope=scope).get(), False
    return feed, True


@transaction.atomic
def calendar_feed_revoke(*, owner: User, scope: FeedScope) -> bool:
    """Revoke the owner's live feed for `scope`; False when there was none."""
    return bool(_live(owner=owner, scope=scope).update(revoked_at=timezone.now()))


def calendar_feed_current(*, owner: User, scope: FeedScope) -> CalendarFeed | None:
    feed = _live(owner=owner, scope=scope).first()
    return feed if feed is not None and _still_valid(feed) else None


def calendar_feed_from_secret(*, feed_id: int, secret: str) -> CalendarFeed | None:
    """The live feed the URL names, if its secret matches and its owner is still active staff
    of its clinic; None otherwise (the caller answers 404 whatever the reason)."""
    feed = (
        CalendarFeed.objects.select_related("clinic", "owner", "clinician")
        .filter(pk=feed_id, revoked_at__isnull=True)
        .first()
    )
    # Compare even when there is no row, so a wrong id costs the same as a wrong secret.
    expected = feed.secret_hash if feed is not None else "0" * 64
    if not hmac.compare_digest(expected, _hash(secret)) or feed is None:
        return None
    membership = membership_of(feed.owner)
    if not feed.owner.is_active or membership is None or membership.clinic_id != feed.clinic_id:
        return None
    return feed


def _initials(appointment: Appointment) -> str:
    patient = appointment.patient
    if patient is None:
        return "Online request"
    parts = [patient.first_name, patient.last_name]
    return "".join(f"{part.strip()[0].upper()}." for part in parts if part.strip()) or "?"


def _uid(appointment: Appointment) -> str:
    host = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "groundwork.local"
    return f"appointment-{appointment.pk}@{host}"


def feed_calendar(feed: CalendarFeed) -> bytes:
    """The feed's appointments in the window around now as an iCalendar file."""
    now = timezone.now()
    appointments = (
        Appointment.objects.filter(
            clinic=feed.clinic, start__gte=now - WINDOW_BEFORE, start__lt=now + WINDOW_AFTER
        )
        .select_related("patient", "appointment_type", "clinician")
        .order_by("start", "pk")
    )
    if feed.clinician_id is not None:
        appointments = appointments.filter(clinician_id=feed.clinician_id)
    whose = str(feed.clinician) if feed.clinician_id else feed.clinic.name
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Groundwork//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Groundwork: {whose}")
    calendar.add("x-published-ttl", timedelta(minutes=15))
    calendar.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    for appointment in appointments:
        event = icalendar.Event()
        event.add("uid", _uid(appointment))
        event.add("sequence", appointment.ics_sequence)
        event.add("dtstamp", appointment.updated_at.astimezone(UTC))
        event.add("dtstart", appointment.start.astimezone(UTC))
        event.add("dtend", appointment.end.astimezone(UTC))
        summary = f"{_initials(appointment)} {appointment.appointment_type.name}"
        if feed.clinician_id is None:
            summary += f" ({appointment.clinician})"
        event.add("summary", " ".join(summary.split()))
        event.add("status", STATUS.get(appointment.status, "CONFIRMED"))
        calendar.add_component(event)
    return calendar.to_ical()
