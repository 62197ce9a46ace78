"""The waitlist: join it, offer a freed time to those waiting for it, take an offer, withdraw.

A time freed by a cancellation or a move (services send `signals.slot_freed`; tasks.py queues
`offer_freed_slot` once that commits) is offered by e-mail to every open entry that wants it,
oldest first. Taking an offer is an ordinary public booking through
`services.appointment_book`, so its check and, on PostgreSQL, the no-overlap constraint decide
between people who confirm at the same moment: one gets the time, the others are told it has
gone and keep their place. Each confirmation locks only its own entry, so confirmations wait
on each other nowhere but inside the booking service.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from clinic.models import Clinic, Patient, User
from clinic.notifications import services as outbox

from . import notices, selectors, services
from .models import (
    OPEN_WAITLIST_STATUSES,
    Appointment,
    AppointmentType,
    BookingSource,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)

OFFER_SALT = "groundwork.booking.waitlist-offer"
# The signature's own limit; an offer really runs out when its time can no longer be booked
# online (`offer_open_until`), which is always sooner.
OFFER_LINK_MAX_AGE = timedelta(days=366)
# One freed time is offered to at most this many entries: enough that someone takes it,
# without e-mailing the whole list about a single hour.
OFFERS_PER_SLOT = 10


def window_bounds(
    *, clinic: Clinic, earliest: date | datetime, latest: date | datetime
) -> tuple[datetime, datetime]:
    """The window as instants: a date is a whole day in the clinic's time zone (from its
    first moment for `earliest`, to its last for `latest`); a time without an offset is the
    clinic's local time."""

    def instant(value: date | datetime, *, end_of_day: bool) -> datetime:
        if isinstance(value, datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value, clinic.tz)
        return datetime.combine(value, time.max if end_of_day else time.min, tzinfo=clinic.tz)

    return instant(earliest, end_of_day=False), instant(latest, end_of_day=True)


def waitlist_join(
    *,
    clinic: Clinic,
    appointment_type: AppointmentType,
    earliest: date | datetime,
    latest: date | datetime,
    contact: services.Contact,
    clinician: User | None = None,
) -> WaitlistEntry:
    """Put someone on the waitlist for a public type (and optionally one clinician) between
    two dates or times. Joining again with the same e-mail for the same type and clinician
    updates the open entry, which keeps its place. Raises ValidationError naming the field."""
    services.validate_type(appointment_type, clinic=clinic, public=True)
    if clinician is not None and clinician.pk not in {
        c.pk for c in selectors.clinicians_for_type(appointment_type=appointment_type)
    }:
        raise ValidationError({"clinician": gettext("This clinician does not offer that type.")})
    first, last = window_bounds(clinic=clinic, earliest=earliest, latest=latest)
    errors: dict[str, str] = {}
    for name, moment in (("earliest", first), ("latest", last)):
        if not services.EARLIEST_YEAR <= moment.year <= services.LATEST_YEAR:
            errors[name] = gettext("Give a year between {earliest} and {latest}.").format(
                earliest=services.EARLIEST_YEAR, latest=services.LATEST_YEAR
            )
    if "latest" not in errors:
        if last <= timezone.now():
            errors["latest"] = gettext("This is already past: give a later day or time.")
        elif last < first:
            errors["latest"] = gettext("The latest day or time cannot be before the earliest.")
    email = contact.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = gettext("Enter a valid e-mail address.")
    name = " ".join(contact.name.split())
    if not name:
        errors["name"] = gettext("Enter your name.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(
                clinic=clinic,
                appointment_type=appointment_type,
                clinician=clinician,
                email=email,
                status__in=OPEN_WAITLIST_STATUSES,
            )
            .first()
        ) or WaitlistEntry(
            clinic=clinic, appointment_type=appointment_type, clinician=clinician, email=email
        )
        entry.earliest, entry.latest = first, last
        entry.name, entry.phone = name[:150], contact.phone.strip()[:40]
        entry.language = contact.language_code
        # Only a link for staff to see: nothing of what was typed reaches the patient.
        entry.patient = Patient.objects.filter(clinic=clinic, email__iexact=email).first()
        entry.save()
    return entry


# Offers --------------------------------------------------------------------------------------


def offer_token(offer: WaitlistOffer) -> str:
    """A signed token naming exactly this offer (and its clinic)."""
    return signing.dumps({"o": offer.pk, "c": offer.clinic_id}, salt=OFFER_SALT)


def offer_path(offer: WaitlistOffer) -> str:
    return reverse("booking_waitlist_offer", args=[offer_token(offer)])


def offer_from_token(token: str) -> WaitlistOffer | None:
    """The offer a link names; None for a link we did not sign (or a year old)."""
    try:
        data = signing.loads(token, salt=OFFER_SALT, max_age=OFFER_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        WaitlistOffer.objects.select_related(
            "clinic", "clinician", "entry__appointment_type", "entry__clinic"
        )
        .filter(pk=data.get("o"), clinic_id=data.get("c"))
        .first()
    )


def offer_open_until(offer: WaitlistOffer) -> datetime:
    """Until when the offered time can be taken: while the public could still book it."""
    notice = selectors.booking_settings(clinic=offer.clinic).min_notice_hours
    return offer.start - timedelta(hours=notice)


def waitlist_offer_slot(
    *, appointment_type: AppointmentType, clinician: User, start: datetime
) -> list[WaitlistOffer]:
    """Offer a freed time to the open entries that want it (this type, this clinician or
    anyone, a window holding `start`), oldest first, by e-mail with a signed link.

    Nothing is offered unless the public could book the time now (free, inside the notice and
    horizon, an offered start). Offering the same time again sends nothing new. An entry
    without a patient gets one here (found by e-mail, or added as a new patient of the
    clinic, as a public booking would): the outbox writes to patients."""
    if not services.slot_is_free(
        appointment_type=appointment_type, clinician=clinician, start=start
    ):
        return []
    clinic = appointment_type.clinic
    wanting = (
        WaitlistEntry.objects.filter(
            clinic=clinic,
            appointment_type=appointment_type,
            status__in=OPEN_WAITLIST_STATUSES,
            earliest__lte=start,
            latest__gte=start,
        )
        .filter(Q(clinician__isnull=True) | Q(clinician=clinician))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    offers = []
    for pk in list(wanting[:OFFERS_PER_SLOT]):
        with transaction.atomic():
            entry = (
                WaitlistEntry.objects.select_for_update()
                .filter(pk=pk, status__in=OPEN_WAITLIST_STATUSES)
                .first()
            )
            if entry is None:
                continue  # withdrawn or booked meanwhile
            if entry.patient_id is None:
                entry.patient, _ = services.patient_find_or_create(
                    clinic=clinic,
                    contact=services.Contact(
                        name=entry.name,
                        email=entry.email,
                        phone=entry.phone,
                        language=entry.language,
                    ),
                    fill_phone=False,
                )
            entry.status = WaitlistStatus.OFFERED
            entry.save(update_fields=["patient", "status", "updated_at"])
            offer, _ = WaitlistOffer.objects.get_or_create(
                entry=entry, clinician=clinician, start=start, defaults={"clinic": clinic}
            )
            notices.waitlist_offer_notify(
                offer=offer,
                patient=entry.patient,
                link_path=offer_path(offer),
                open_until=offer_open_until(offer),
            )
            offers.append(offer)
    return offers


class OfferOutcome(enum.Enum):
    OPEN = "open"  # nobody has taken it yet: the page offers the button
    BOOKED = "booked"
    GONE = "gone"  # someone else took the time, or it can no longer be booked
    EXPIRED = "expired"  # too close to the time (or past it) to book online
    CLOSED = "closed"  # the entry was withdrawn, its window passed or it booked another time


@dataclass(frozen=True)
class OfferAnswer:
    outcome: OfferOutcome
    appointment: Appointment | None = None


def waitlist_offer_accept(*, offer: WaitlistOffer) -> OfferAnswer:
    """Take an offered time for the entry it was offered to, through the booking service.

    Answers BOOKED (also to a second click of the same offer), GONE when someone else was
    first, EXPIRED when it is too late to book the time online, CLOSED when the entry is no
    longer on the waitlist. An entry that did not get the time waits for the next one."""
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_for_update()
            .select_related("appointment_type")
            .get(pk=offer.entry_id)
        )
        answer = _accept(offer, entry)
    if answer.outcome is OfferOutcome.BOOKED:
        _others_wait_again(offer)
    return answer


def offer_state(offer: WaitlistOffer) -> OfferAnswer:
    """What the offer's page says before anyone presses its button (books nothing)."""
    entry = offer.entry
    if not entry.is_open:
        return _closed_answer(offer, entry)
    if timezone.now() >= offer_open_until(offer):
        return OfferAnswer(OfferOutcome.EXPIRED)
    if not services.slot_is_free(
        appointment_type=entry.appointment_type, clinician=offer.clinician, start=offer.start
    ):
        return OfferAnswer(OfferOutcome.GONE)
    return OfferAnswer(OfferOutcome.OPEN)


def _closed_answer(offer: WaitlistOffer, entry: WaitlistEntry) -> OfferAnswer:
    """BOOKED when this very offer booked the entry's appointment (a second press, a
    reload), CLOSED for an entry otherwise off the list."""
    if entry.status == WaitlistStatus.BOOKED and entry.appointment_id:
        booked = Appointment.objects.filter(
            pk=entry.appointment_id, start=offer.start, clinician_id=offer.clinician_id
        ).first()
        if booked is not None and booked.holds_time:
            return OfferAnswer(OfferOutcome.BOOKED, booked)
    return OfferAnswer(OfferOutcome.CLOSED)


def _accept(offer: WaitlistOffer, entry: WaitlistEntry) -> OfferAnswer:
    if not entry.is_open:
        return _closed_answer(offer, entry)
    if timezone.now() >= offer_open_until(offer):
        outcome = OfferOutcome.EXPIRED
    else:
        try:
            appointment = services.appointment_book(
                clinic=offer.clinic,
                appointment_type=entry.appointment_type,
                start=offer.start,
                clinician=offer.clinician,
                patient=entry.patient,
                source=BookingSource.PUBLIC,
                notes="Booked from the waitlist.",
            )
        except (services.SlotTaken, ValidationError):
            outcome = OfferOutcome.GONE
        else:
            entry.status = WaitlistStatus.BOOKED
            entry.appointment = appointment
            entry.save(update_fields=["status", "appointment", "updated_at"])
            return OfferAnswer(OfferOutcome.BOOKED, appointment)
    if entry.status == WaitlistStatus.OFFERED:
        entry.status = WaitlistStatus.WAITING
        entry.save(update_fields=["status", "updated_at"])
    return OfferAnswer(outcome)


def _others_wait_again(offer: WaitlistOffer) -> None:
    """The others offered this time wait again, unless another offer of theirs is still out.
    Run after the winner's transaction: it must not wait on a loser's lock inside it."""
    now = timezone.now()
    other_offer_out = WaitlistOffer.objects.filter(entry=OuterRef("pk"), start__gt=now).exclude(
        clinician_id=offer.clinician_id, start=offer.start
    )
    WaitlistEntry.objects.filter(
        status=WaitlistStatus.OFFERED,
        offers__clinician_id=offer.clinician_id,
        offers__start=offer.start,
    ).filter(~Exists(other_offer_out)).update(status=WaitlistStatus.WAITING, updated_at=now)


# Staff and upkeep ----------------------------------------------------------------------------


@transaction.atomic
def waitlist_withdraw(*, entry: WaitlistEntry, by_user: User | None = None) -> WaitlistEntry:
    """Take an entry off the waitlist; offer e-mails not sent yet are not sent."""
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_open:
        raise ValidationError({"detail": gettext("This entry is no longer on the waitlist.")})
    entry.status = WaitlistStatus.WITHDRAWN
    entry.withdrawn_by = by_user
    entry.save(update_fields=["status", "withdrawn_by", "updated_at"])
    for offer in entry.offers.all():
        outbox.notifications_cancel_for(subject=offer, reason="Taken off the waitlist.")
    return entry


@transaction.atomic
def waitlist_forget(*, patient: Patient) -> int:
    """For a patient's anonymisation: their entries (linked to them, or made with their
    e-mail) leave the list and lose what was typed. Returns how many were cleared."""
    mine = Q(patient=patient)
    if patient.email:
        mine |= Q(email__iexact=patient.email)
    entries = WaitlistEntry.objects.filter(mine, clinic_id=patient.clinic_id)
    entries.filter(status__in=OPEN_WAITLIST_STATUSES).update(
        status=WaitlistStatus.WITHDRAWN, updated_at=timezone.now()
    )
    return entries.update(name="", email="", phone="", updated_at=timezone.now())


def waitlist_tidy(*, now: datetime | None = None) -> int:
    """Entries whose window has passed expire; offered entries whose every offer ran out wait
    again. Returns how many expired."""
    now = now or timezone.now()
    expired = WaitlistEntry.objects.filter(
        status__in=OPEN_WAITLIST_STATUSES, latest__lt=now
    ).update(status=WaitlistStatus.EXPIRED, updated_at=now)
    offer_out = WaitlistOffer.objects.filter(entry=OuterRef("pk"), start__gt=now)
    WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED).filter(~Exists(offer_out)).update(
        status=WaitlistStatus.WAITING, updated_at=now
    )
    return expired
