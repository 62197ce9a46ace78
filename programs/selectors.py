"""Read-side queries of programs: the clinic's drill library, programs and their history."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from clinic.access import CLINICAL_ROLES, scope
from clinic.cache import drop, generations
from clinic.models import Clinic

from .drills import CATEGORY_ORDER
from .models import Drill, HiddenDrill, Program, ProgramChange, ProgramItem
from .prescribe import weekdays_for


def drills_for_clinic(
    *, clinic: Clinic | int, search: str = "", category: str = "", include_hidden: bool = False
) -> QuerySet[Drill]:
    """Library drills the clinic has not hidden, plus the clinic's own drills."""
    clinic_id = clinic if isinstance(clinic, int) else clinic.pk
    library = Q(clinic__isnull=True)
    if not include_hidden:
        hidden = HiddenDrill.objects.filter(clinic_id=clinic_id).values("drill_id")
        library &= ~Q(pk__in=hidden)
    drills = Drill.objects.filter(library | Q(clinic_id=clinic_id), is_active=True)
    if "\x00" in search + category:  # no drill holds one; PostgreSQL refuses it as a parameter
        return drills.none()
    for word in search.split():
        drills = drills.filter(
            Q(name__icontains=word) | Q(slug__icontains=word) | Q(category__icontains=word)
        )
    if category:
        drills = drills.filter(category=category)
    return drills.order_by("name")


def hidden_drill_ids(*, clinic: Clinic | int) -> set[int]:
    clinic_id = clinic if isinstance(clinic, int) else clinic.pk
    return set(HiddenDrill.objects.filter(clinic_id=clinic_id).values_list("drill_id", flat=True))


def programs_visible_to(user) -> QuerySet[Program]:
    """Programs a clinician or clinic admin may read; front desk and patients get none here."""
    return scope(Program.objects.all(), user, roles=CLINICAL_ROLES).select_related("patient")


def program_with_items(queryset: QuerySet[Program]) -> QuerySet[Program]:
    """The query shape for showing programs: items with their drills in one extra query."""
    items = ProgramItem.objects.select_related("drill").order_by("order", "id")
    return queryset.prefetch_related(Prefetch("items", queryset=items))


def program_versions(*, program: Program) -> list[Program]:
    """Every version of the patient's program, newest first, with its change rows (2 queries)."""
    changes = ProgramChange.objects.select_related("created_by").order_by("created_at", "id")
    return list(
        Program.objects.filter(patient_id=program.patient_id, clinic_id=program.clinic_id)
        .prefetch_related(Prefetch("changes", queryset=changes))
        .order_by("-version")
    )


def week_plan(items) -> list[list[int]]:
    """Item ids per weekday (Monday first), from each item's days per week and category."""
    days: list[list[int]] = [[] for _ in range(7)]
    for item in items:
        for day in weekdays_for(item.drill.category, item.days_per_week):
            days[day].append(item.pk)
    return days


def category_rank(category: str) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)


# What is built from one program as it was at its last change (updated_at): its items with
# their drills, its API answer, the day's part of the patient page. Every change to a
# program's items saves the program (a new updated_at), and any drill change moves
# DRILLS_GENERATION, so a key never names stale content.
VERSION_KEY = "gw:program:{pk}:{stamp}:{drills}"
DRILLS_GENERATION = "gw:drills-generation"


def program_cache_seconds() -> int:
    return getattr(settings, "PROGRAM_CACHE_SECONDS", 0)


def drills_changed() -> None:
    """Drill content changed: what was cached from programs stops being used (now and at
    commit)."""
    if not program_cache_seconds():
        return
    drop([DRILLS_GENERATION])


def version_key(program: Program) -> str:
    """The cache key of the program as it is now; empty when caching is off."""
    if not program_cache_seconds():
        return ""
    stamp = program.updated_at.timestamp()
    known = getattr(program, "_version_key", None)  # (stamp, key) of an earlier call
    if known is None or known[0] != stamp:
        drills = cache.get_or_set(DRILLS_GENERATION, lambda: uuid.uuid4().hex, None)
        known = program._version_key = (
            stamp,
            VERSION_KEY.format(pk=program.pk, stamp=stamp, drills=drills),
        )
    return known[1]


def for_version(program: Program, name: str, build: Callable[[], Any]) -> Any:
    """`build()`, kept per program version when caching is on (see VERSION_KEY)."""
    key = version_key(program)
    if not key or transaction.get_connection().in_atomic_block:
        return build()  # a write in progress may still be rolled back: nothing shared
    key = f"{key}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, program_cache_seconds())
    return value


# A patient's progress (sessions, pain, changes, last check-in) as of their last log,
# check-in or program change: PROGRESS_GENERATION moves on every such write (signals in
# programs.signals; bulk writes call progress_changed themselves).
PROGRESS_GENERATION = "gw:progress-generation:{}"
PROGRESS_KEY = "gw:progress:{patient}:{generation}:{version}:{today}"


def progress_changed(patient_ids: Iterable[int | None]) -> None:
    """New logs, check-ins or changes: the patients' cached progress stops being used (now and
    at commit)."""
    if not program_cache_seconds():
        return
    drop(PROGRESS_GENERATION.format(pk) for pk in set(patient_ids) if pk is not None)


# What is built from nothing but one patient's programs (rows, items, their drills) and
# progress: the program section of the patient page and the program API answer. The key is
# made of the patient's progress generation, which every write to their programs, sessions,
# check-ins and program changes drops (programs.signals, and progress_changed after bulk
# writes), and the drill generation; finding it needs no database read.
PATIENT_VIEW_KEY = "gw:patient-view:{patient}:{progress}:{drills}:{name}"
PATIENT_UPCOMING_KEY = "gw:patient-upcoming:{patient}:{booking}"


def patient_view_keys(patient_id: int, *, clinic_id: int | None = None) -> dict[str, str]:
    """Keys of the patient's cached views as of now, in one cache round trip: "program" and
    "api" (see PATIENT_VIEW_KEY) and, given the clinic, "upcoming" (the patient's next
    appointments, under the clinic's booking generation, which every change to appointments,
    types, staff and the clinic drops). Empty when caching is off or a write is in progress."""
    if not program_cache_seconds() or transaction.get_connection().in_atomic_block:
        return {}
    from clinic.booking import slot_cache

    wanted = [PROGRESS_GENERATION.format(patient_id), DRILLS_GENERATION]
    if clinic_id is not None:
        wanted.append(slot_cache.GENERATION.format(clinic_id))
    progress, drills, *booking = generations(wanted)
    keys = {
        name: PATIENT_VIEW_KEY.format(
            patient=patient_id, progress=progress, drills=drills, name=name
        )
        for name in ("program", "api")
    }
    if booking:
        keys["upcoming"] = PATIENT_UPCOMING_KEY.format(patient=patient_id, booking=booking[0])
    return keys


def _attach_items(program: Program, items: list[ProgramItem]) -> None:
    """What prefetch_related("items") leaves on the program, from a list already at hand."""
    for item in items:
        item.program = program
    prefetched = program.items.all()
    prefetched._result_cache = items
    prefetched._prefetch_done = True
    program._prefetched_objects_cache = {"items": prefetched}


def with_items(program: Program) -> Program:
    """The program with its items and drills loaded: one query, or none when cached."""
    items_query = ProgramItem.objects.select_related("drill").order_by("order", "id")
    items = for_version(program, "items", lambda: list(items_query.filter(program=program)))
    _attach_items(program, items)
    return program


def current_program_for(user) -> Program | None:
    """The signed-in patient's current program (published or paused), with its items and
    drills.

    Two queries whatever the number of items, one when the items are cached (the patient
    lookup is cached on the user).
    """
    from clinic.access import PATIENT

    from .models import ProgramStatus

    programs = scope(Program.objects.all(), user, roles=[PATIENT]).filter(
        status__in=[ProgramStatus.PUBLISHED, ProgramStatus.PAUSED]
    )
    program = programs.order_by("-version").first()
    return with_items(program) if program is not None else None


# The red-flag questions of clinical.md 8.6 as the patient sees them, keyed by the API codes.
RED_FLAG_QUESTIONS = {
    "cannot_bear_weight": "I cannot walk four steps, or a bone became tender after a fall or twist",
    "sudden_pop": "I felt a sudden pop or kick at the back of my ankle",
    "calf_swelling": "My calf is swollen, warm or tender",
    "numbness_or_cold_foot": "My foot is numb, tingling, cold or pale",
    "hot_swollen_joint": "A joint is hot, red and swollen, or I have a fever",
    "focal_bone_pain": "One spot on a bone hurts, on hopping, at night or at rest",
    "severe_pain": "My pain is 8 out of 10 or more, or getting worse quickly",
}


def patient_home(user, today) -> dict:
    """What the patient home page shows of the program: the program, today's drills, the week."""
    program = current_program_for(user)
    if program is None:
        return {"program": None, "today_items": [], "week": []}
    items = list(program.items.all())
    plan = week_plan(items)
    by_pk = {item.pk: item for item in items}
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    week = [
        {"name": name, "count": len(plan[n]), "is_today": n == today.weekday()}
        for n, name in enumerate(names)
    ]
    from . import worklist  # the progress read side builds on this module

    progress = worklist.patient_progress_cached(program=program, today=today)
    return {
        "program": program,
        # A drill the engine paused (T-STOP) waits for the clinician; it is listed apart.
        "today_items": [by_pk[pk] for pk in plan[today.weekday()] if not by_pk[pk].paused],
        "paused_items": [item for item in items if item.paused],
        "week": week,
        "red_flag_questions": list(RED_FLAG_QUESTIONS.items()),
        "progress": progress,
        "progress_chart_json": json.dumps(worklist.progress_chart(progress)),
        "pain_scale": range(11),
        "yesterday": today - timedelta(days=1),
        "checkin_for": worklist.checkin_due(program=program, progress=progress, today=today),
        "difficulty_choices": DIFFICULTY_CHOICES,
    }


# The log form's one-tap difficulty answers and the 0-10 value each stands for.
DIFFICULTY_CHOICES = (("Easy", 3), ("OK", 5), ("Hard", 7), ("Too hard", 9))
