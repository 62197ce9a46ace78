"""Read-side queries of programs: the clinic's drill library, programs and their history."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.utils.translation import get_language, gettext

from clinic.access import CLINICAL_ROLES, PATIENT, clinic_of, patient_of, scope
from clinic.models import Clinic

from .drills import CATEGORY_ORDER
from .models import (
    Drill,
    DrillMedia,
    HiddenDrill,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
)
from .patient_text import ENGLISH, LANGUAGES
from .prescribe import weekdays_for
from .red_flags import BY_ANSWER, BY_CODE, most_urgent


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


def _media_of(clinic_id: int) -> Prefetch:
    """The clinic's media of each item's drill, as `drill.clinic_media` (ProgramItem.media):
    one query for all items, whatever their number."""
    return Prefetch(
        "items__drill__media",
        queryset=DrillMedia.objects.filter(clinic_id=clinic_id).order_by("order", "id"),
        to_attr="clinic_media",
    )


def programs_with_items_visible_to(user) -> QuerySet[Program]:
    """programs_visible_to(user) in the shape for showing them (program_with_items)."""
    clinic = clinic_of(user)
    return program_with_items(programs_visible_to(user), clinic_id=clinic.pk if clinic else 0)


def program_with_items(queryset: QuerySet[Program], *, clinic_id: int) -> QuerySet[Program]:
    """The query shape for showing programs of one clinic: items with their drills in one
    extra query, the clinic's drill media in another."""
    items = ProgramItem.objects.select_related("drill").order_by("order", "id")
    return queryset.prefetch_related(Prefetch("items", queryset=items), _media_of(clinic_id))


def drill_media_for(*, clinic: Clinic | int, drill: Drill) -> QuerySet[DrillMedia]:
    clinic_id = clinic if isinstance(clinic, int) else clinic.pk
    return DrillMedia.objects.filter(clinic_id=clinic_id, drill=drill).order_by("order", "id")


def drill_media_counts(*, clinic: Clinic | int, drill_ids) -> dict[int, int]:
    """How many media the clinic shows with each drill (one query)."""
    clinic_id = clinic if isinstance(clinic, int) else clinic.pk
    rows = (
        DrillMedia.objects.filter(clinic_id=clinic_id, drill_id__in=list(drill_ids))
        .values("drill_id")
        .annotate(count=Count("id"))
    )
    return {row["drill_id"]: row["count"] for row in rows}


def media_file_for(*, user, name: str) -> DrillMedia | None:
    """The drill media stored under `name` if the user's clinic owns it (staff of the clinic
    and its patients), else None."""
    clinic = clinic_of(user)
    if clinic is None or "\x00" in name:  # PostgreSQL refuses a NUL as a parameter
        return None
    return DrillMedia.objects.filter(file=name, clinic_id=clinic.pk).first()


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


def with_items(program: Program) -> Program:
    """The program with its items and drills loaded (one query) and the clinic's media of those
    drills (one more, whatever the number of items)."""
    items = ProgramItem.objects.select_related("drill").order_by("order", "id")
    prefetch_related_objects(
        [program], Prefetch("items", queryset=items), _media_of(program.clinic_id)
    )
    return program


def current_program_for(user) -> Program | None:
    """The signed-in patient's current program (published or paused), with its items, drills
    and drill media. Three queries whatever the number of items."""
    program = (
        scope(Program.objects.all(), user, roles=[PATIENT])
        .filter(status__in=[ProgramStatus.PUBLISHED, ProgramStatus.PAUSED])
        .order_by("-version")
        .first()
    )
    if program is None:
        return None
    patient = patient_of(user)
    return read_in(with_items(program), patient.language if patient else ENGLISH)


def reader_language() -> str:
    """The active language as patient_text knows it ("en" or "es"): a patient's own, set for
    the request by clinic.languages; English for anything else."""
    active = (get_language() or "").split("-")[0]
    return active if active in LANGUAGES else ENGLISH


def read_in(program: Program, language: str) -> Program:
    """Every loaded item of `program` gives the patient's words (name, steps, precautions,
    reason, variant) in `language`, each string without one in English (issue 22). No query:
    the text rides on the item and drill rows already loaded."""
    for item in program.items.all():
        item.language = language
        item.__dict__.pop("how_to", None)  # drop words cached in another language
    return program


@dataclass(frozen=True)
class Pause:
    """What a patient whose program is paused by red flags must do now (docs/clinical-rules.md
    §8): the most urgent message of the flags reported, with the clinic's number to call."""

    urgency: str  # emergency, today or clinic
    message: str
    clinic_phone: str
    red_flags: tuple[str, ...]  # the answer codes reported, most recent report last

    @property
    def tel(self) -> str:
        """The number for a tap-to-call `tel:` link (digits and a leading +)."""
        return re.sub(r"[^\d+]", "", self.clinic_phone)


def program_pause(program: Program) -> Pause | None:
    """The pause advice of a paused program; None while it runs. Reads the clinic (one query
    unless it is loaded)."""
    if program.status != ProgramStatus.PAUSED:
        return None
    codes = [
        flag.get("code", "")
        for flag in program.flags or ()
        if flag.get("kind") == "red_flag" and not flag.get("resolved")
    ]
    # Paused with no readable flag: the least urgent tier still says "stop and call".
    flag = most_urgent(codes) or BY_ANSWER["severe_pain"]
    answers = tuple(
        dict.fromkeys((BY_CODE.get(c) or BY_ANSWER.get(c) or flag).answer for c in codes)
    )
    # The advice in the reader's language (the active one); red_flags.py keeps the English.
    return Pause(flag.urgency, gettext(flag.patient_message), program.clinic.phone, answers)
