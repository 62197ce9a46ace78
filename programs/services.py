"""Write-side operations of programs: build a draft from a screen, edit it, publish it, drills."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from assessments import findings as finding_rules
from assessments.models import Screen
from assessments.selectors import screen_input, screen_thresholds
from clinic.models import Clinic

from . import media, reminders, versions
from .models import (
    MAX_TIMES_PER_DAY,
    ChangeSource,
    Drill,
    DrillMedia,
    HiddenDrill,
    MediaKind,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
    Side,
)
from .prescribe import DraftProgram, ExtraInputs, Flag, prescribe
from .red_flags import BY_CODE, URGENCIES, RedFlag
from .selectors import drills_for_clinic

MAX_SETS = 10
MAX_REPS = 100
MAX_HOLD_S = 600
DOSE_FIELDS = ("side", "sets", "reps", "hold_s", "days_per_week", "times_per_day", "load_note")


class ProgramConflict(Exception):
    """The program is not in a state that allows this write (HTTP 409)."""


class IntakeRedFlags(Exception):
    """The screen has a red flag (docs/clinical-rules.md §8): no program may be built. Carries
    each flag with its urgency and what the clinician must do, most urgent first."""

    def __init__(self, flags: tuple[Flag, ...]):
        rows = [(BY_CODE[f.code], f) for f in flags if f.code in BY_CODE]
        rows.sort(key=lambda row: URGENCIES.index(row[0].urgency))
        self.rows: list[tuple[RedFlag, Flag]] = rows
        self.answers: list[str] = list(dict.fromkeys(flag.answer for flag, _ in rows))
        super().__init__(
            "Red flag at intake: no program was built. "
            + " ".join(dict.fromkeys(f.message for _, f in rows))
        )


def draft_for_screen(screen: Screen) -> DraftProgram:
    """Run the findings rules and the prescription engine on one screen."""
    t = screen_thresholds(screen)
    data = screen_input(screen)
    found = finding_rules.evaluate(data, t)
    extras = ExtraInputs(
        measurements=data.measurements,
        pain_nprs=data.pain_nprs,
        # The intake answers of docs/clinical-rules.md §8: red flags, Ottawa, bone stress and
        # the hop test (which the hop gate reads too).
        red_flags=data.red_flags,
        ottawa=data.ottawa,
        night_pain=data.night_pain,
        focal_bone_tenderness=data.focal_bone_tenderness,
        hop_pain=data.hop_pain,
        hop_pain_site=data.hop_pain_site,
    )
    return prescribe(
        found,
        history=data.injury_history,
        age=data.age,
        sex=data.sex,
        thresholds=t,
        extras=extras,
        # The patient's own day dates the injury history: an acute sprain expires (§6).
        today=screen.patient.today(),
    )


def _change(program: Program, *, source, action, user=None, drill="", detail=None, reason=""):
    return ProgramChange(
        program=program,
        version=program.version,
        source=source,
        action=action,
        drill=drill,
        detail=detail or {},
        reason=reason,
        created_by=user,
    )


@transaction.atomic
def program_build_from_screen(*, user, screen: Screen) -> Program:
    """A new draft version for the screen's patient, built by the engine."""
    draft = draft_for_screen(screen)
    if draft.has_red_flag:
        raise IntakeRedFlags(tuple(f for f in draft.flags if f.kind == "red_flag"))
    versions.lock_patient(screen.patient_id)
    drills = {
        d.slug: d
        for d in Drill.objects.filter(
            clinic__isnull=True, slug__in={i.drill for i in draft.items}
        ).only("pk", "slug", "translations")
    }
    summary = f"{len(draft.items)} drills"
    return versions.version_create(
        patient_id=screen.patient_id,
        user=user,
        fields={
            "clinic_id": screen.clinic_id,
            "screen": screen,
            "flags": [asdict(f) for f in draft.flags],
            "modifiers": [{"code": code, "side": side} for code, side in draft.modifiers],
            "exclusions": {side: dict(drills) for side, drills in draft.excluded.items()},
        },
        items=[
            {
                "drill_id": drills[item.drill].pk,
                **{name: getattr(item, name) for name in versions.DRAFT_ITEM_FIELDS},
                "translations": versions.item_translations(
                    drills[item.drill], reasons={"es": item.patient_reason_es}
                ),
            }
            for item in draft.items
        ],
        changes=[
            {
                "source": ChangeSource.ENGINE,
                "action": "built",
                "created_by": user,
                "detail": {"screen": screen.pk, "items": [i.drill for i in draft.items]},
                "reason": f"Built from the screen of {screen.performed_on}: {summary}.",
            },
            *(
                {
                    "source": ChangeSource.ENGINE,
                    "action": "added",
                    "drill": item.drill,
                    "detail": {"side": item.side, "rule": item.rule, "finding": item.finding},
                    "reason": item.reason,
                }
                for item in draft.items
            ),
        ],
    )


def validate_dose(values: Mapping, errors: dict, field: str) -> None:
    def bad(message: str) -> None:
        errors.setdefault(field, []).append(message)

    if "side" in values and values["side"] not in Side.values:
        bad(f"side must be one of {', '.join(Side.values)}.")
    sets = values.get("sets")
    if "sets" in values and (not isinstance(sets, int) or not 1 <= sets <= MAX_SETS):
        bad(f"sets must be a whole number from 1 to {MAX_SETS}.")
    for name, high in (("reps", MAX_REPS), ("hold_s", MAX_HOLD_S)):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or not 1 <= value <= high):
            bad(f"{name} must be empty or a whole number from 1 to {high}.")
    days = values.get("days_per_week")
    if "days_per_week" in values and (not isinstance(days, int) or not 1 <= days <= 7):
        bad("days_per_week must be a whole number from 1 to 7.")
    times = values.get("times_per_day")
    if times is not None and (not isinstance(times, int) or not 1 <= times <= MAX_TIMES_PER_DAY):
        bad(f"times_per_day must be a whole number from 1 to {MAX_TIMES_PER_DAY}.")


def _reps_and_hold(entry: Mapping, drill: Drill) -> tuple[int | None, int | None]:
    """The dose given, or the drill's default when neither reps nor a hold is given."""
    reps, hold_s = entry.get("reps"), entry.get("hold_s")
    if reps is None and hold_s is None:
        return drill.default_reps, drill.default_hold_s
    return reps, hold_s


@transaction.atomic
def program_update(
    *,
    user,
    program: Program,
    notes: str | None = None,
    remove: Iterable[int] = (),
    add: Iterable[Mapping] = (),
    items: Iterable[Mapping] = (),
    order: list[int] | None = None,
    reason: str = "",
) -> Program:
    """Edit a draft: remove, add from the clinic's library, re-dose, reorder and note.

    Bad input raises ValidationError naming the field; a program that is no longer a draft
    raises ProgramConflict.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != ProgramStatus.DRAFT:
        raise ProgramConflict(
            gettext("Only a draft can be edited; this program is %(status)s.")
            % {"status": program.status}
        )
    current = {i.pk: i for i in program.items.select_related("drill")}
    remove, add, items = list(remove), list(add), list(items)
    errors: dict[str, list[str]] = {}

    unknown = [pk for pk in remove if pk not in current]
    if unknown:
        errors["remove"] = [gettext("Not items of this program: %(items)s.") % {"items": unknown}]
    for change in items:
        if change.get("id") not in current:
            errors.setdefault("items", []).append(
                gettext("Not an item of this program: %(item)s.") % {"item": change.get("id")}
            )
        validate_dose(change, errors, "items")
        if "reps" in change or "hold_s" in change:
            item = current.get(change.get("id"))
            reps = change.get("reps", item.reps if item else None)
            hold = change.get("hold_s", item.hold_s if item else None)
            if reps is None and hold is None:
                errors.setdefault("items", []).append(gettext("An item needs reps or a hold time."))
    slugs = {a.get("drill") for a in add}
    available = {d.slug: d for d in drills_for_clinic(clinic=program.clinic_id)}
    for entry in add:
        slug = entry.get("drill")
        if slug not in available:
            errors.setdefault("add", []).append(
                gettext("Unknown drill %(slug)r for this clinic.") % {"slug": slug}
            )
        validate_dose(entry, errors, "add")
        drill = available.get(slug)
        side = entry.get("side") or Side.BOTH
        for covered in ("left", "right") if side == Side.BOTH else (side,):
            code = (program.exclusions or {}).get(covered, {}).get(slug)
            if code:
                name = drill.name if drill else slug
                errors.setdefault("add", []).append(
                    gettext(
                        "%(name)s is not safe on the %(side)s side for this patient: the "
                        "screen's findings rule it out (rule %(rule)s, docs/clinical-rules.md)."
                    )
                    % {"name": name, "side": covered, "rule": code}
                )
        if drill and _reps_and_hold(entry, drill) == (None, None):
            errors.setdefault("add", []).append(
                gettext("%(slug)s: give reps or a hold time.") % {"slug": slug}
            )
    kept = [pk for pk in current if pk not in set(remove)]
    if order is not None and sorted(order) != sorted(kept):
        errors["order"] = [gettext("order must list every remaining item id exactly once.")]
    if len(slugs) != len(add):
        errors.setdefault("add", []).append(gettext("The same drill is added twice."))
    in_program = {current[pk].drill.slug for pk in kept}
    for slug in slugs & in_program:
        errors.setdefault("add", []).append(f"{slug} is already in the program.")
    if errors:
        raise ValidationError(errors)

    log: list[ProgramChange] = []
    who = {"source": ChangeSource.CLINICIAN, "user": user, "reason": reason}
    if remove:
        ProgramItem.objects.filter(program=program, pk__in=remove).delete()
        log += [
            _change(program, action="removed", drill=current[pk].drill.slug, **who) for pk in remove
        ]
    for change in items:
        item = current[change["id"]]
        before = {f: getattr(item, f) for f in DOSE_FIELDS}
        for name in DOSE_FIELDS:
            # reps and hold_s may be cleared; the other fields keep their value when null.
            if name in change and (change[name] is not None or name in ("reps", "hold_s")):
                setattr(item, name, change[name])
        after = {f: getattr(item, f) for f in DOSE_FIELDS}
        if after != before:
            item.save(update_fields=list(DOSE_FIELDS))
            diff = {f: [before[f], after[f]] for f in DOSE_FIELDS if before[f] != after[f]}
            log.append(
                _change(program, action="redosed", drill=item.drill.slug, detail=diff, **who)
            )
    if order is not None:
        ordered = [current[pk] for pk in order]
        for n, item in enumerate(ordered, start=1):
            item.order = n
        ProgramItem.objects.bulk_update(ordered, ["order"])
        log.append(
            _change(
                program,
                action="reordered",
                detail={"order": [i.drill.slug for i in ordered]},
                **who,
            )
        )
    next_order = max([current[pk].order for pk in kept] or [0]) + 1
    for n, entry in enumerate(add):
        drill = available[entry["drill"]]
        reps, hold_s = _reps_and_hold(entry, drill)
        item = ProgramItem.objects.create(
            program=program,
            drill=drill,
            side=entry.get("side") or Side.BOTH,
            sets=entry.get("sets") or drill.default_sets,
            reps=reps,
            hold_s=hold_s,
            days_per_week=entry.get("days_per_week") or 3,
            times_per_day=entry.get("times_per_day") or 1,
            load_note=entry.get("load_note", ""),
            order=next_order + n,
            reason=entry.get("reason") or reason or "Added by the clinician.",
            translations=versions.item_translations(drill),
        )
        log.append(
            _change(program, action="added", drill=drill.slug, detail={"side": item.side}, **who)
        )
    if notes is not None and notes != program.notes:
        program.notes = notes
        log.append(_change(program, action="noted", detail={"notes": notes}, **who))
    program.save(update_fields=["notes", "updated_at"])
    ProgramChange.objects.bulk_create(log)
    return program


@transaction.atomic
def program_publish(*, user, program: Program) -> Program:
    """Publish a draft and supersede the patient's previous program (never deleted).

    Two publishes racing on the same draft publish it once: the patient row is locked and the
    status moves draft -> published only by a conditional UPDATE; the loser gets a conflict.
    """
    versions.lock_patient(program.patient_id)
    fresh = Program.objects.select_related("patient__clinic").get(pk=program.pk)
    if fresh.status != ProgramStatus.DRAFT:
        raise ProgramConflict(
            gettext("This program is already %(status)s.") % {"status": fresh.status}
        )
    if not fresh.items.exists():
        raise ValidationError({"items": [gettext("A program without drills cannot be published.")]})
    if any(f.get("kind") == "red_flag" for f in fresh.flags):
        raise ValidationError({"flags": [gettext("A red flag is open: review the patient first.")]})
    previous = list(
        Program.objects.filter(
            patient_id=fresh.patient_id,
            status__in=[ProgramStatus.PUBLISHED, ProgramStatus.PAUSED],
        ).exclude(pk=fresh.pk)
    )
    Program.objects.filter(pk__in=[p.pk for p in previous]).update(
        status=ProgramStatus.SUPERSEDED, updated_at=timezone.now()
    )
    now = timezone.now()
    try:
        published = Program.objects.filter(pk=fresh.pk, status=ProgramStatus.DRAFT).update(
            status=ProgramStatus.PUBLISHED,
            published_at=now,
            published_by=user,
            updated_at=now,
            # The patient's day (docs/clinical-rules.md §1): the engine counts from it.
            started_on=fresh.patient.today(),
        )
    except IntegrityError as exc:  # another version got published meanwhile
        raise ProgramConflict(
            gettext("Another version of this program was just published.")
        ) from exc
    if published != 1:
        raise ProgramConflict(gettext("This program was published by someone else just now."))
    who = {"source": ChangeSource.CLINICIAN, "user": user}
    ProgramChange.objects.bulk_create(
        [
            _change(fresh, action="published", reason="Published to the patient.", **who),
            *(
                _change(
                    old,
                    action="superseded",
                    detail={"by_version": fresh.version},
                    reason=f"Replaced by version {fresh.version}.",
                    **who,
                )
                for old in previous
            ),
        ]
    )
    fresh.refresh_from_db()
    reminders.program_published_notify(program=fresh, replaced=previous)
    return fresh


@transaction.atomic
def drill_create(*, user, clinic: Clinic, **fields) -> Drill:
    """A clinic's own drill; its slug may not clash with the library or the clinic's drills."""
    slug = fields.get("slug", "")
    if (
        Drill.objects.filter(slug=slug, clinic__isnull=True).exists()
        or clinic.custom_drills.filter(slug=slug).exists()
    ):
        raise ValidationError(
            {"slug": [gettext("A drill with the slug %(slug)r already exists.") % {"slug": slug}]}
        )
    drill = Drill(clinic=clinic, created_by=user, **fields)
    drill.full_clean()
    drill.save()
    return drill


@transaction.atomic
def drill_set_hidden(*, clinic: Clinic, drill: Drill, hidden: bool) -> None:
    """Hide a library drill from the clinic's library (or show it again)."""
    if drill.clinic_id is not None:
        raise ValidationError(
            {"drill": [gettext("Only library drills can be hidden; delete your own.")]}
        )
    if hidden:
        HiddenDrill.objects.get_or_create(clinic=clinic, drill=drill)
    else:
        HiddenDrill.objects.filter(clinic=clinic, drill=drill).delete()


# --- a clinic's own drill text, in English and Spanish (issue 22) ------------------------------

# The languages a drill's patient text is written in: English on the Drill's own fields, the
# others in Drill.translations.
DRILL_TEXT_LANGUAGES = ("en", "es")
MAX_DRILL_NAME = 150
MAX_DRILL_DOSE = 200
MAX_DRILL_PRECAUTIONS = 1000
MAX_DRILL_STEPS = 15
MAX_DRILL_CUES = 8
MAX_DRILL_LINE = 300
_LANGUAGE_NAMES = {"en": gettext_lazy("English"), "es": gettext_lazy("Spanish")}


def _drill_text_errors(language: str, text: Mapping) -> dict[str, list[str]]:
    """What is wrong with one language's text, keyed `<field>_<language>`."""
    errors: dict[str, list[str]] = {}
    words = str(_LANGUAGE_NAMES[language])

    def bad(field: str, message: str) -> None:
        errors.setdefault(f"{field}_{language}", []).append(message)

    name = text.get("name", "")
    if language == "en" and not name:
        bad("name", _("Give the drill a name in English."))
    if len(name) > MAX_DRILL_NAME:
        bad(
            "name",
            _("The %(language)s name is %(count)d characters; %(most)d at most.")
            % {"language": words, "count": len(name), "most": MAX_DRILL_NAME},
        )
    if len(text.get("dose", "")) > MAX_DRILL_DOSE:
        bad(
            "dose",
            _("The %(language)s dose is longer than %(most)d characters.")
            % {"language": words, "most": MAX_DRILL_DOSE},
        )
    if len(text.get("precautions", "")) > MAX_DRILL_PRECAUTIONS:
        bad(
            "precautions",
            _("The %(language)s precautions are longer than %(most)d characters.")
            % {"language": words, "most": MAX_DRILL_PRECAUTIONS},
        )
    steps, cues = text.get("instructions", []), text.get("cues", [])
    if language == "en" and not steps:
        bad("instructions", _("Give at least one step in English."))
    if len(steps) > MAX_DRILL_STEPS:
        bad(
            "instructions",
            _("%(count)d steps; %(most)d at most.")
            % {"count": len(steps), "most": MAX_DRILL_STEPS},
        )
    if len(cues) > MAX_DRILL_CUES:
        bad(
            "cues",
            _("%(count)d tips; %(most)d at most.") % {"count": len(cues), "most": MAX_DRILL_CUES},
        )
    for field, lines in (("instructions", steps), ("cues", cues)):
        for n, line in enumerate(lines, start=1):
            if len(line) > MAX_DRILL_LINE:
                bad(
                    field,
                    _("Line %(n)d is %(count)d characters; %(most)d at most.")
                    % {"n": n, "count": len(line), "most": MAX_DRILL_LINE},
                )
    return errors


@transaction.atomic
def drill_text_update(*, clinic: Clinic, drill: Drill, text: Mapping[str, Mapping]) -> Drill:
    """Write a clinic's own drill's patient text in English and Spanish.

    `text` maps "en" and "es" to name, dose, precautions, instructions (steps) and cues. English
    is required (name and steps); Spanish may be left empty (the patient then reads English,
    field by field), but Spanish steps, once given, number the same as the English ones, so
    step 3 says the same thing in both. Library drills change only in the catalogue.
    """
    if drill.clinic_id is None or drill.clinic_id != clinic.pk:
        raise ValidationError(_("Only your clinic's own drills can be edited here."))
    clean = {
        language: {
            "name": (text.get(language, {}).get("name") or "").strip(),
            "dose": (text.get(language, {}).get("dose") or "").strip(),
            "precautions": (text.get(language, {}).get("precautions") or "").strip(),
            "instructions": [s.strip() for s in text.get(language, {}).get("instructions") or []],
            "cues": [s.strip() for s in text.get(language, {}).get("cues") or []],
        }
        for language in DRILL_TEXT_LANGUAGES
    }
    for language in DRILL_TEXT_LANGUAGES:
        for field in ("instructions", "cues"):
            clean[language][field] = [line for line in clean[language][field] if line]
    errors: dict[str, list[str]] = {}
    for language in DRILL_TEXT_LANGUAGES:
        errors.update(_drill_text_errors(language, clean[language]))
    english, spanish = clean["en"], clean["es"]
    if spanish["instructions"] and len(spanish["instructions"]) != len(english["instructions"]):
        errors.setdefault("instructions_es", []).append(
            _(
                "Give as many Spanish steps as English ones (%(english)d), or none; there are "
                "%(spanish)d."
            )
            % {"english": len(english["instructions"]), "spanish": len(spanish["instructions"])}
        )
    if english["precautions"] and spanish["instructions"] and not spanish["precautions"]:
        errors.setdefault("precautions_es", []).append(
            _(
                "The drill has precautions in English: write them in Spanish too, so a patient "
                "reading Spanish is warned the same way."
            )
        )
    if errors:
        raise ValidationError(errors)
    drill.name = english["name"]
    drill.default_dose = english["dose"]
    drill.precautions = english["precautions"]
    drill.instructions = english["instructions"]
    drill.cues = english["cues"]
    translations = dict(drill.translations or {})
    kept = {field: value for field, value in spanish.items() if value}
    if kept:
        # Variant texts (a clinic's drill has none today) are kept as they were.
        translations["es"] = {**translations.get("es", {}), **kept}
        for field in ("name", "dose", "precautions", "instructions", "cues"):
            if field not in kept:
                translations["es"].pop(field, None)
    else:
        translations.pop("es", None)
    drill.translations = translations
    drill.full_clean()
    fields = ["name", "default_dose", "precautions", "instructions", "cues", "translations"]
    drill.save(update_fields=fields)
    return drill


# --- drill media (issue 19) ---------------------------------------------------------------------

# How many of each kind one clinic may show with one drill.
MAX_MEDIA_PER_DRILL = {MediaKind.IMAGE: 6, MediaKind.VIDEO: 1}
MAX_ALT = 200
MAX_CAPTION = 300


def _media_errors(
    *, clinic: Clinic, drill: Drill, kind: str, alt: str, caption: str, alt_es="", caption_es=""
) -> dict:
    errors: dict[str, list[str]] = {}
    if len(alt_es) > MAX_ALT:
        errors["alt_es"] = [
            _("Keep the Spanish description under %(most)d characters.") % {"most": MAX_ALT}
        ]
    if len(caption_es) > MAX_CAPTION:
        errors["caption_es"] = [
            _("Keep the Spanish caption under %(most)d characters.") % {"most": MAX_CAPTION}
        ]
    if kind not in MediaKind.values:
        errors["kind"] = [gettext("Choose a picture or a video.")]
        return errors
    if kind == MediaKind.IMAGE and not alt:
        errors["alt"] = [
            gettext("Describe the picture in a few words for people who cannot see it (alt text).")
        ]
    if len(alt) > MAX_ALT:
        errors["alt"] = [
            gettext("Keep the description under %(most)d characters.") % {"most": MAX_ALT}
        ]
    if len(caption) > MAX_CAPTION:
        errors["caption"] = [
            gettext("Keep the caption under %(most)d characters.") % {"most": MAX_CAPTION}
        ]
    most = MAX_MEDIA_PER_DRILL[MediaKind(kind)]
    if DrillMedia.objects.filter(clinic=clinic, drill=drill, kind=kind).count() >= most:
        if kind == MediaKind.IMAGE:
            full = gettext(
                "This drill already has %(most)s pictures: delete one before adding another."
            )
        else:
            full = gettext(
                "This drill already has %(most)s video: delete one before adding another."
            )
        errors["file"] = [full % {"most": most}]
    return errors


def drill_media_add(
    *,
    user,
    clinic: Clinic,
    drill: Drill,
    kind: str,
    upload,
    alt: str = "",
    caption: str = "",
    alt_es: str = "",
    caption_es: str = "",
) -> DrillMedia:
    """Add a picture or video to a drill of the clinic's library, shown to the clinic's patients.

    Everything is checked before anything is written (programs.media: type by content, size,
    metadata stripped); a failure after the file is stored removes it again, so a refusal
    never leaves a row without its file or a file without its row."""
    if drill.clinic_id not in (None, clinic.pk):
        raise ValidationError({"drill": [gettext("This drill is not in your clinic's library.")]})
    alt, caption = alt.strip(), caption.strip()
    # What a patient who reads Spanish sees instead (issue 22); empty: the English.
    spanish = {"alt": alt_es.strip(), "caption": caption_es.strip()}
    errors = _media_errors(
        clinic=clinic,
        drill=drill,
        kind=kind,
        alt=alt,
        caption=caption,
        alt_es=spanish["alt"],
        caption_es=spanish["caption"],
    )
    if errors:
        raise ValidationError(errors)
    if upload is None:
        raise ValidationError({"file": [gettext("Choose a file to upload.")]})
    written = {field: text for field, text in spanish.items() if text}
    translations = {"es": written} if written else {}
    try:
        if kind == MediaKind.IMAGE:
            prepared = media.prepare_image(
                upload,
                max_bytes=settings.DRILL_MEDIA_MAX_IMAGE_BYTES,
                max_edge=settings.DRILL_MEDIA_MAX_EDGE,
            )
        else:
            prepared = media.prepare_video(upload, max_bytes=settings.DRILL_MEDIA_MAX_VIDEO_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    # A name nobody can guess or choose: the clinic, then random hex and the real type.
    name = f"drills/{clinic.pk}/{uuid.uuid4().hex}.{prepared.extension}"
    stored = default_storage.save(name, ContentFile(prepared.data))
    try:
        with transaction.atomic():
            last = (
                DrillMedia.objects.filter(clinic=clinic, drill=drill)
                .order_by("-order")
                .values_list("order", flat=True)
                .first()
            )
            return DrillMedia.objects.create(
                clinic=clinic,
                drill=drill,
                kind=kind,
                file=stored,
                content_type=prepared.content_type,
                alt=alt,
                caption=caption,
                translations=translations,
                order=0 if last is None else last + 1,
                width=prepared.width,
                height=prepared.height,
                size_bytes=len(prepared.data),
                created_by=user,
            )
    except BaseException:
        default_storage.delete(stored)
        raise


@transaction.atomic
def drill_media_delete(*, clinic: Clinic, medium: DrillMedia) -> None:
    """Remove one of the clinic's drill media; its file goes once the row is gone for good."""
    if medium.clinic_id != clinic.pk:
        raise ValidationError(gettext("This picture belongs to another clinic."))
    name = medium.file.name
    medium.delete()
    transaction.on_commit(lambda: default_storage.delete(name))
