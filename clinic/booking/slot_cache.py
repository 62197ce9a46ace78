"""A clinic's computed free times, kept in the shared cache between booking changes.

The public booking page asks for the same days and types again and again; each answer takes
six queries and a pass over every clinician's hours and busy times. Where the cache is shared
by every process (Redis, BOOKING_CACHE_SECONDS > 0), a day's free times are kept under the
clinic's booking generation. Any save or delete of what availability is built from
(appointments, time off, hours, closures, types and who offers them, booking settings, staff,
the clinic) starts a new generation at once and again at commit (see `clinic.booking.signals`);
writes that bypass signals call `clinic_changed` themselves.

Only the grid of free times is kept: the window of the moment (past, minimum notice,
horizon) is applied on every read. Reads inside a transaction (a booking being checked under
its lock) never use or fill the cache.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from clinic.cache import drop

GENERATION = "gw:booking-generation:{}"
DAY = "gw:free-times:{generation}:{type}:{day}:{clinician}:{staff}"


def _seconds() -> int:
    return getattr(settings, "BOOKING_CACHE_SECONDS", 0)


def clinic_changed(clinic_ids: Iterable[int | None]) -> None:
    """What the clinics' availability is built from changed: forget their cached days."""
    if not _seconds():
        return
    drop(GENERATION.format(pk) for pk in set(clinic_ids) if pk is not None)


def day(
    *,
    clinic_id: int,
    type_id: int,
    day: date,
    clinician_id: int | None,
    for_staff: bool,
    build: Callable[[], object],
):
    """`build()`'s answer for this clinic, type, day and clinician, from the cache when it has
    one of the current generation."""
    seconds = _seconds()
    if not seconds or transaction.get_connection().in_atomic_block:
        return build()
    generation = cache.get_or_set(GENERATION.format(clinic_id), lambda: uuid.uuid4().hex, None)
    key = DAY.format(
        generation=generation,
        type=type_id,
        day=day.isoformat(),
        clinician=clinician_id or "any",
        staff=int(for_staff),
    )
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds)
    return found
