"""Write-side operations of assessments: create and update screens, set a clinic's thresholds.

Every value is checked against the ranges of `assessments.schema` (docs/clinical-rules.md §2) before
anything is written, and each service runs in one transaction, so a bad value saves nothing.
Errors are keyed by model column (e.g. `knee_to_wall_cm_left`) and the message names the side.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from clinic.models import Clinic, Patient

from . import schema, thresholds
from .models import ClinicThresholds, Screen, ScreenChange


def _column_specs() -> dict[str, tuple[str, object]]:
    """Model column -> (human label with side, spec) for every validated value."""
    specs: dict[str, tuple[str, object]] = {}
    for measure in (*schema.MEASURES, schema.HEEL_RAISE_PAIN, schema.HOP_PAIN):
        for side in schema.SIDES:
            specs[f"{measure.key}_{side}"] = (f"{measure.label}, {side}", measure)
    for scalar in schema.SCALARS:
        specs[scalar.key] = (scalar.label, scalar)
    return specs


COLUMN_SPECS = _column_specs()
ENUM_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    **{
        f"foot_strike_{side}": (f"Foot strike, {side}", schema.FOOT_STRIKES)
        for side in schema.SIDES
    },
    "heel_lift": ("Heel lift", schema.HEEL_LIFTS),
    **{
        f"hop_pain_site_{side}": (f"Where the hops hurt, {side}", schema.HOP_PAIN_SITES)
        for side in schema.SIDES
    },
}
FLAG_COLUMNS = {
    "overstride": "Overstride",
    **{
        f"{key}_{side}": f"{label}, {side}"
        for key, label in schema.GAIT_SIDE_FLAG_LABELS.items()
        for side in schema.SIDES
    },
    # Intake (docs/clinical-rules.md §8).
    "night_pain": "Night or rest pain",
    **{
        f"{key}_{side}": f"{label}, {side}"
        for key, label in (
            ("focal_bone_tenderness", "Focal bony tenderness"),
            *((f"ottawa_{key}", label) for key, label in schema.OTTAWA_SHORT_LABELS.items()),
        )
        for side in schema.SIDES
    },
}
DATE_COLUMNS = {p.date_key: f"{p.label} date" for p in schema.PROMS if p.date_key}
OTHER_COLUMNS = {"notes", "signs", "injury_history", "performed_on", "red_flags"}
WRITABLE = (
    set(COLUMN_SPECS) | set(ENUM_COLUMNS) | set(FLAG_COLUMNS) | set(DATE_COLUMNS) | OTHER_COLUMNS
)


def _clean_number(label: str, spec, value, errors: dict[str, list[str]], column: str):
    if value is None or value == "":
        return None
    if spec.kind == "passfail":
        if value not in schema.PASS_FAIL:
            errors[column] = [
                gettext("%(label)s: %(value)r is not one of pass, fail.")
                % {"label": label, "value": value}
            ]
            return None
        return value
    if isinstance(value, bool):
        errors[column] = [
            gettext("%(label)s: expected a number, got %(value)r.")
            % {"label": label, "value": value}
        ]
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[column] = [
            gettext("%(label)s: expected a number in %(unit)s, got %(value)r.")
            % {"label": label, "unit": spec.unit or gettext("points"), "value": value}
        ]
        return None
    if not number.is_finite():
        errors[column] = [gettext("%(label)s: expected a finite number.") % {"label": label}]
        return None
    if spec.kind == "int" and number != number.to_integral_value():
        errors[column] = [
            gettext("%(label)s: expected a whole number, got %(value)r.")
            % {"label": label, "value": value}
        ]
        return None
    if not (Decimal(str(spec.low)) <= number <= Decimal(str(spec.high))):
        unit = f" {spec.unit}" if spec.unit else ""
        errors[column] = [
            gettext("%(label)s: %(value)s is outside the valid range %(low)s to %(high)s%(unit)s.")
            % {
                "label": label,
                "value": value,
                "low": f"{spec.low:g}",
                "high": f"{spec.high:g}",
                "unit": unit,
            }
        ]
        return None
    if spec.kind == "int":
        return int(number)
    if number.as_tuple().exponent < -1:  # type: ignore[operator]
        errors[column] = [
            gettext("%(label)s: at most one decimal place, got %(value)r.")
            % {"label": label, "value": value}
        ]
        return None
    return number


def _clean_codes(value, errors, *, column: str, known, what: str) -> list[str]:
    """A list of known codes (signs, red flags), in order and without repeats."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        errors[column] = [
            gettext("Signs must be a list of codes.")
            if what == "sign"
            else gettext("Red flags must be a list of codes.")
        ]
        return []
    unknown = [v for v in value if v not in known]
    if unknown:
        message = (
            gettext("Unknown sign %(code)r; known: %(known)s.")
            if what == "sign"
            else gettext("Unknown red flag %(code)r; known: %(known)s.")
        )
        errors[column] = [message % {"code": unknown[0], "known": ", ".join(known)}]
        return []
    return list(dict.fromkeys(value))  # keeps order, drops repeats


def _clean_onset(index: int, value, messages: list[str], *, today: dt.date) -> str | None:
    """An injury's onset date as YYYY-MM-DD text (the history is JSON), or None when not given
    (docs/clinical-rules.md §6: an acute sprain without one is flagged in the draft)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            messages.append(
                gettext("Entry %(entry)s: onset date must be a date as YYYY-MM-DD, not %(value)r.")
                % {"entry": index + 1, "value": value}
            )
            return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        messages.append(
            gettext("Entry %(entry)s: onset date must be a date, not %(value)r.")
            % {"entry": index + 1, "value": value}
        )
        return None
    if value > today:
        messages.append(
            gettext("Entry %(entry)s: onset date %(value)s is in the future.")
            % {"entry": index + 1, "value": value}
        )
        return None
    return value.isoformat()


def _clean_history(value, errors, *, today: dt.date) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        errors["injury_history"] = [gettext("Injury history must be a list.")]
        return []
    clean, messages = [], []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            messages.append(
                gettext("Entry %(entry)s: expected condition, side and status.")
                % {"entry": index + 1}
            )
            continue
        condition, side, status = item.get("condition"), item.get("side"), item.get("status")
        if condition not in schema.CONDITIONS:
            messages.append(
                gettext("Entry %(entry)s: unknown condition %(value)r.")
                % {"entry": index + 1, "value": condition}
            )
        elif side not in schema.INJURY_SIDES:
            messages.append(
                gettext("Entry %(entry)s: side must be left, right or both, not %(value)r.")
                % {"entry": index + 1, "value": side}
            )
        elif status not in schema.INJURY_STATUSES:
            messages.append(
                gettext("Entry %(entry)s: status must be current or past, not %(value)r.")
                % {"entry": index + 1, "value": status}
            )
        else:
            entry = {"condition": condition, "side": side, "status": status}
            onset = _clean_onset(index, item.get(schema.INJURY_ONSET), messages, today=today)
            if onset is not None:
                entry[schema.INJURY_ONSET] = onset
            clean.append(entry)
    if messages:
        errors["injury_history"] = messages
    return clean


def _clean_date(label: str, value, errors, column: str, *, today: dt.date):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            errors[column] = [
                gettext("%(label)s: expected a date as YYYY-MM-DD, got %(value)r.")
                % {"label": label, "value": value}
            ]
            return None
    if not isinstance(value, dt.date):
        errors[column] = [
            gettext("%(label)s: expected a date, got %(value)r.") % {"label": label, "value": value}
        ]
        return None
    if value > today:
        errors[column] = [
            gettext("%(label)s: the date cannot be in the future.") % {"label": label}
        ]
        return None
    return value


def clean_screen_values(fields: dict, *, today: dt.date) -> dict:
    """Checked, typed values for the given columns; raises one ValidationError listing all."""
    errors: dict[str, list[str]] = {}
    unknown = set(fields) - WRITABLE
    if unknown:
        raise ValidationError({name: [gettext("Unknown field.")] for name in sorted(unknown)})
    clean: dict = {}
    for column, value in fields.items():
        if column in COLUMN_SPECS:
            label, spec = COLUMN_SPECS[column]
            clean[column] = _clean_number(label, spec, value, errors, column)
            if spec.kind == "passfail" and clean[column] is None:
                clean[column] = ""  # text column: "" means not tested
        elif column in ENUM_COLUMNS:
            label, allowed = ENUM_COLUMNS[column]
            if value in (None, ""):
                clean[column] = ""
            elif value in allowed:
                clean[column] = value
            else:
                errors[column] = [
                    gettext("%(label)s: %(value)r is not one of %(allowed)s.")
                    % {"label": label, "value": value, "allowed": ", ".join(allowed)}
                ]
        elif column in FLAG_COLUMNS:
            if value is None or isinstance(value, bool):
                clean[column] = value
            else:
                errors[column] = [
                    gettext("%(label)s: expected true, false or null.")
                    % {"label": FLAG_COLUMNS[column]}
                ]
        elif column in DATE_COLUMNS:
            clean[column] = _clean_date(DATE_COLUMNS[column], value, errors, column, today=today)
        elif column == "performed_on":
            clean[column] = _clean_date("Screen date", value, errors, column, today=today)
            if clean[column] is None and column not in errors:
                errors[column] = [gettext("Screen date: required.")]
        elif column == "signs":
            clean[column] = _clean_codes(
                value, errors, column=column, known=schema.SIGNS, what="sign"
            )
        elif column == "red_flags":
            clean[column] = _clean_codes(
                value, errors, column=column, known=schema.RED_FLAGS, what="red flag"
            )
        elif column == "injury_history":
            clean[column] = _clean_history(value, errors, today=today)
        elif column == "notes":
            clean[column] = str(value or "")[:5000]
    if errors:
        raise ValidationError(errors)
    return clean


# The services set these from rows they hold (the patient, the clinic, the signed-in user),
# so full_clean need not look each one up again (four queries); the foreign keys still
# guard them in the database.
_RELATIONS = ("clinic", "patient", "created_by", "updated_by")


def _apply(screen: Screen, clean: dict) -> None:
    for column, value in clean.items():
        setattr(screen, column, value)
    # A PROM score without its own date was completed on the day of the screen.
    for prom in schema.PROMS:
        if getattr(screen, prom.key) is not None and getattr(screen, prom.date_key) is None:
            setattr(screen, prom.date_key, screen.performed_on)
    screen.full_clean(exclude=_RELATIONS)


@transaction.atomic
def screen_create(*, user, clinic: Clinic, patient: Patient, **fields) -> Screen:
    if patient.clinic_id != clinic.pk:
        raise ValidationError({"patient": [gettext("No such patient in this clinic.")]})
    if patient.date_of_birth is None or not patient.sex:
        raise ValidationError(
            {
                "patient": [
                    gettext(
                        "Record the patient's date of birth and sex first: the heel-raise and "
                        "balance norms depend on age and sex."
                    )
                ]
            }
        )
    today = clinic.today()
    fields.setdefault("performed_on", today)
    clean = clean_screen_values(fields, today=today)
    screen = Screen(clinic=clinic, patient=patient, created_by=user, updated_by=user)
    _apply(screen, clean)
    screen.save()
    return screen


@transaction.atomic
def screen_update(*, user, screen: Screen, **fields) -> Screen:
    """Change the given fields only; omitted fields keep their values."""
    # Lock the row so two clinicians saving at once do not interleave their writes.
    screen = Screen.objects.select_for_update().select_related("patient").get(pk=screen.pk)
    today = screen.clinic.today()
    clean = clean_screen_values(fields, today=today)
    before = {column: _as_text(getattr(screen, column)) for column in AUDITED}
    _apply(screen, clean)
    diff = {
        column: [before[column], after]
        for column in AUDITED
        if (after := _as_text(getattr(screen, column))) != before[column]
    }
    screen.updated_by = user
    screen.save()
    if diff:
        ScreenChange.objects.create(screen=screen, changed_by=user, fields=diff)
    return screen


# Every column a clinician can change; the change log compares them as text.
AUDITED = sorted(WRITABLE)


def _as_text(value) -> object:
    """A JSON-safe, comparable form of a column value (Decimal 7.50 and 7.5 compare equal)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | list | dict):
        return value
    return f"{value}"


@transaction.atomic
def clinic_thresholds_set(*, user, clinic: Clinic, overrides: dict) -> ClinicThresholds:
    """Replace a clinic's overrides; values equal to the default are dropped."""
    try:
        clean = thresholds.validate_overrides(overrides)
    except thresholds.ThresholdError as exc:
        raise ValidationError({"overrides": [gettext(exc.template) % exc.params]}) from exc
    clean = {k: v for k, v in clean.items() if v != thresholds.DEFAULTS[k]}
    row, _ = ClinicThresholds.objects.select_for_update().get_or_create(clinic=clinic)
    row.overrides = clean
    row.updated_by = user
    row.full_clean()
    row.save()
    return row
