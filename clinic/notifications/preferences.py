"""What the outbox reads of a patient's choices: their saved preferences (or the defaults),
time zone and quiet hours, and the signed links that turn a channel off. Below the services
that write them and the sweep and content that act on them."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

from clinic.models import Patient

from . import timing
from .models import Channel, ChannelPreference

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# Each message carries a fresh link; one from a message older than this no longer works (the
# patient turns messages off under Message settings or asks the clinic).
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


def preference_of(patient: Patient) -> ChannelPreference:
    """The patient's saved preferences, or unsaved defaults (e-mail on, SMS off)."""
    try:
        return patient.notification_preference
    except ChannelPreference.DoesNotExist:
        return ChannelPreference(patient=patient)


def quiet_hours_of(preference: ChannelPreference) -> timing.QuietHours | None:
    if preference.quiet_start is None or preference.quiet_end is None:
        return None
    return timing.QuietHours(preference.quiet_start, preference.quiet_end)


def unsubscribe_token(*, patient: Patient, channel: str) -> str:
    return signing.dumps({"p": patient.pk, "c": channel}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """The patient id and channel a token stands for; raises signing.BadSignature, or its
    subclass SignatureExpired for a link older than UNSUBSCRIBE_MAX_AGE."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise signing.BadSignature("Not an unsubscribe token.")
    if data.get("c") not in Channel.values:
        raise signing.BadSignature("Unknown channel.")
    return int(data["p"]), data["c"]
