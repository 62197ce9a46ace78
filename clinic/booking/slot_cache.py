"""A clinic's computed free times and calendar weeks, kept in the shared cache between
booking changes.

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

The front desk's week calendar (its grid of cards, time off and closures, and the clinicians
to choose from) is kept under the same generation, which also moves when a patient's name
changes (the cards print it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from clinic.cache import drop, generations

T = TypeVar("T")

GENERATION = "gw:booking-generation:{}"
DAY = "gw:free-times:{generation}:{type}:{day}:{clinician}:{staff}"
WEEK = "gw:calendar-week:{clinic}:{monday}:{clinician}:{time_zone}"


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


def week(
    *,
    clinic_id: int,
    time_zone: str,
    monday: date,
    clinician_id: int | None,
    build: Callable[[], T],
    keep: Callable[[T], bool],
) -> T:
    """`build()`'s answer for this clinic's calendar week (of one clinician or all), from the
    cache when it was built under the current generation; kept only when `keep` says so.

    The entry is not keyed by the generation but carries it, so a hit is one round trip: the
    generation and the entry are read together.
    """
    seconds = _seconds()
    if not seconds or transaction.get_connection().in_atomic_block:
        return build()
    generation_key = GENERATION.format(clinic_id)
    key = WEEK.format(
        clinic=clinic_id,
        monday=monday.isoformat(),
        clinician=clinician_id or "all",
        time_zone=time_zone,
    )
    found = cache.get_many([generation_key, key])
    [generation] = generations([generation_key], found=found)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = build()
    if keep(value):
        cache.set(key, (generation, value), seconds)
    return value
