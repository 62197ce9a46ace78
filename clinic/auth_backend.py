"""Sign-in backend: Django's model backend, loading what every signed-in request needs at once.

Every page and API call asks who the user is in the clinic (`clinic.access.membership_of` /
`patient_of`). Loading the staff membership and the patient record with the user, in the one
query the session already makes, saves two queries on every signed-in request.

Where the cache is shared by every process (Redis), that user (with membership, patient and
clinic) is also kept there for AUTH_USER_CACHE_SECONDS, so a signed-in request usually makes no
query at all to learn who is asking. Any save or delete of a user, membership, patient or
clinic forgets the users concerned at once and again when the transaction commits (see
`clinic.signals`); writes that bypass signals call `forget_users` themselves. The time limit
only bounds what a missed write could leave behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django_otp.middleware import OTPMiddleware

from .cache import drop

KEY = "gw:auth-user:{}"


def _cache_seconds() -> int:
    return getattr(settings, "AUTH_USER_CACHE_SECONDS", 0)


def caching_users() -> bool:
    return _cache_seconds() > 0


def _load(user_id):
    user = (
        get_user_model()
        ._default_manager.select_related("membership__clinic", "patient_profile__clinic")
        .filter(pk=user_id)
        .first()
    )
    if user is None:
        return None
    try:
        membership = user.membership
    except ObjectDoesNotExist:  # not staff
        membership = None
    try:
        patient = user.patient_profile
    except ObjectDoesNotExist:  # not a patient
        patient = None
    # The same caches clinic.access fills on first use.
    user._gw_membership = membership if membership is not None and membership.is_active else None
    user._gw_patient = patient
    return user


def forget_users(user_ids: Iterable[int | None]) -> None:
    """Drop cached sign-in users now and once the current transaction commits (a request
    reading between the two would otherwise cache the rows as they were)."""
    if not _cache_seconds():
        return
    drop(KEY.format(pk) for pk in set(user_ids) if pk is not None)


class ClinicModelBackend(ModelBackend):
    def get_user(self, user_id):
        seconds = _cache_seconds()
        if not seconds:
            user = _load(user_id)
        else:
            key = KEY.format(user_id)
            user = cache.get(key)
            if user is None:
                user = _load(user_id)
                # Only what the database has committed is shared with other requests.
                if user is not None and not transaction.get_connection().in_atomic_block:
                    cache.set(key, user, seconds)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


# --- the second factor -------------------------------------------------------------------------
DEVICE_KEY = "gw:otp-device:{}"


def forget_device(persistent_id: str) -> None:
    """Drop a cached second-factor device now and at commit (see CachedOTPMiddleware)."""
    if not _cache_seconds():
        return
    drop([DEVICE_KEY.format(persistent_id)])


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, reading the session's device from the shared cache.

    Every staff request looks up the device its session was verified with; with the cache
    (AUTH_USER_CACHE_SECONDS) that is one cache read instead of a query. Any save or delete of
    a device forgets it (`clinic.signals`): a device removed or unconfirmed stops counting on
    the next request, as without the cache.
    """

    def _device_from_persistent_id(self, persistent_id: str):
        seconds = _cache_seconds()
        if not seconds:
            return super()._device_from_persistent_id(persistent_id)
        key = DEVICE_KEY.format(self._normalize_persistent_id(persistent_id))
        found = cache.get(key)
        if found is None:
            device = super()._device_from_persistent_id(persistent_id)
            found = (device,)  # a device that is gone is remembered as gone, too
            if not transaction.get_connection().in_atomic_block:
                cache.set(key, found, seconds)
        return found[0]
