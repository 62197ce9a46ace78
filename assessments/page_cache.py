"""The clinician screen page's rendered parts, kept in the shared cache between the writes they
are built from.

A screen page shows the screen, its findings under the clinic's thresholds, the change since
the patient's previous screen, its edit log, a chart of the patient's latest screens, the
patient's name, sex and age, and the names of the staff who entered and changed it. Reading
and rendering all that is most of the page's time, and none of it depends on who asks, so
where the cache is shared by every process (Redis, SCREEN_CACHE_SECONDS > 0) the parts are
kept per screen and day (the age shown is today's).

Each entry remembers the generations it was built under, and is used only while all three are
still current:
- the patient's: any save or delete of the patient, of one of their screens or of a screen's
  edit log (`assessments.signals`), and anonymisation (`patients_changed`, its writes send no
  signals), since the previous screen and the chart come from the patient's other screens;
- the clinic's: its thresholds and its own row (time zone, name);
- the staff names': any save or delete of a user other than a sign-in stamp.
A write drops the generation at once and again at commit (`clinic.cache.drop`), and nothing
read inside a transaction is kept. The role and clinic check and the access record are made
on every request by the view, never cached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from clinic.cache import drop, generations

PATIENT_GENERATION = "gw:screen-pages:patient:{}"
CLINIC_GENERATION = "gw:screen-pages:clinic:{}"
STAFF_GENERATION = "gw:screen-pages:staff"
PAGE = "gw:screen-page:{screen}:{today}"


def seconds() -> int:
    """How long parts are kept; 0 (the default without a shared cache) turns caching off."""
    return getattr(settings, "SCREEN_CACHE_SECONDS", 0)


def in_use() -> bool:
    """Whether this read may use the cache: on, and outside any transaction (a write in
    progress may still be rolled back)."""
    return bool(seconds()) and not transaction.get_connection().in_atomic_block


def patients_changed(patient_ids: Iterable[int | None]) -> None:
    """A patient, one of their screens or an edit log changed: their pages are rebuilt."""
    if seconds():
        drop(PATIENT_GENERATION.format(pk) for pk in set(patient_ids) if pk is not None)


def clinics_changed(clinic_ids: Iterable[int | None]) -> None:
    """A clinic's thresholds or settings changed: every screen page of the clinic is rebuilt."""
    if seconds():
        drop(CLINIC_GENERATION.format(pk) for pk in set(clinic_ids) if pk is not None)


def staff_changed() -> None:
    """A user's name may have changed: every screen page is rebuilt."""
    if seconds():
        drop([STAFF_GENERATION])


def screen_parts(
    *, screen_id: int, patient_id: int, clinic_id: int, today: date, build: Callable[[], dict]
) -> dict:
    """`build()`'s parts of this screen's page, from the cache while their generations are
    current (one cache read when they are). Call only when `in_use()`."""
    keys = [
        PATIENT_GENERATION.format(patient_id),
        CLINIC_GENERATION.format(clinic_id),
        STAFF_GENERATION,
    ]
    page_key = PAGE.format(screen=screen_id, today=today.isoformat())
    found = cache.get_many([page_key, *keys])
    current = tuple(generations(keys, found=found))
    entry = found.get(page_key)
    if entry is not None and entry[0] == current:
        return entry[1]
    # Built after the generations were read: a write committed meanwhile has dropped them,
    # so what is stored here under the old ones is never used.
    parts = build()
    cache.set(page_key, (current, parts), seconds())
    return parts
