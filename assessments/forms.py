"""Browser forms of assessments: the screen-entry form (flat model columns) and thresholds."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import schema, thresholds

INJURY_ROWS = 3
YES_NO = [("", "—"), ("true", _("Yes")), ("false", _("No"))]
# The form's fields are built once at import, so their words are lazy: each request reads
# them in its own language. Codes stored in the screen stay English; only the words shown are
# translated.
SIDE_WORDS = {"left": _("left"), "right": _("right"), "both": _("both")}
CHOICE_WORDS = {
    # foot strike
    "heel": _("Heel"),
    "mid": _("Mid"),
    "fore": _("Fore"),
    # heel lift
    "early": _("Early"),
    "normal": _("Normal"),
    "late": _("Late"),
    # injury side and status
    "left": _("Left"),
    "right": _("Right"),
    "both": _("Both"),
    "current": _("Current"),
    "past": _("Past"),
}


def _translated(labels: dict[str, str]) -> list[tuple[str, str]]:
    """Choices from one of assessments.schema's tables, in the reader's language (the table
    marks its words for `make messages`)."""
    return [(key, _(label)) for key, label in labels.items()]


def _on_side(label, side: str):
    """ "Label, left" as one translatable phrase."""
    return format_lazy(_("{label}, {side}"), label=label, side=SIDE_WORDS[side])


class DateInput(forms.DateInput):
    input_type = "date"


def _number_field(spec, label: str) -> forms.Field:
    attrs = {"inputmode": "decimal" if spec.kind == "decimal" else "numeric", "autocomplete": "off"}
    if spec.kind == "passfail":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), ("pass", _("Pass")), ("fail", _("Fail"))],
        )
    # Plain text inputs: whatever the clinician typed comes back unchanged on an error, and
    # the service, not the browser, decides what is valid (one set of messages).
    attrs["size"] = 6
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))


def _yes_no(label: str) -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=YES_NO,
        coerce=lambda v: v == "true",
        empty_value=None,
    )


def _screen_fields() -> dict[str, forms.Field]:
    """Every screen value as one flat field named like its model column, in page order."""
    fields: dict[str, forms.Field] = {
        "performed_on": forms.CharField(label=_("Screen date"), widget=DateInput())
    }
    fields["pain_nprs"] = _number_field(schema.PAIN_NPRS, _("Pain today (0–10)"))
    # Intake red flags and bone stress (docs/clinical-rules.md §8), asked before the tests.
    fields["red_flags"] = forms.MultipleChoiceField(
        label=_("Red flags"),
        required=False,
        choices=_translated(schema.RED_FLAG_LABELS),
        widget=forms.CheckboxSelectMultiple,
    )
    for item, label in schema.OTTAWA_SHORT_LABELS.items():
        for side in schema.SIDES:
            fields[f"ottawa_{item}_{side}"] = _yes_no(_on_side(_(label), side))
    fields["night_pain"] = _yes_no(_("Night or rest pain"))
    for side in schema.SIDES:
        fields[f"focal_bone_tenderness_{side}"] = _yes_no(
            _on_side(_("Focal bony tenderness"), side)
        )
    for side in schema.SIDES:
        fields[f"hop_pain_nprs_{side}"] = _number_field(
            schema.HOP_PAIN, _on_side(_(schema.HOP_PAIN.label), side)
        )
        fields[f"hop_pain_site_{side}"] = forms.ChoiceField(
            label=_on_side(_("Where the hops hurt"), side),
            required=False,
            choices=[("", "—"), *_translated(schema.HOP_PAIN_SITE_LABELS)],
        )
    for measure in (*schema.MEASURES, schema.HEEL_RAISE_PAIN):
        for side in schema.SIDES:
            fields[f"{measure.key}_{side}"] = _number_field(
                measure, _on_side(_(measure.label), side)
            )
    # The date defaults to today, so typing starts at the first measurement.
    fields[f"{schema.MEASURES[0].key}_left"].widget.attrs["autofocus"] = True
    for scalar in (schema.CADENCE, schema.GAIT_SPEED):
        fields[scalar.key] = _number_field(scalar, _(scalar.label))
    for side in schema.SIDES:
        fields[f"foot_strike_{side}"] = forms.ChoiceField(
            label=_on_side(_("Foot strike"), side),
            required=False,
            choices=[("", "—"), *[(v, CHOICE_WORDS[v]) for v in schema.FOOT_STRIKES]],
        )
    fields["overstride"] = _yes_no(_("Overstride"))
    fields["heel_lift"] = forms.ChoiceField(
        label=_("Heel lift"),
        required=False,
        choices=[("", "—"), *[(v, CHOICE_WORDS[v]) for v in schema.HEEL_LIFTS]],
    )
    for key, label in schema.GAIT_SIDE_FLAG_LABELS.items():
        for side in schema.SIDES:
            fields[f"{key}_{side}"] = _yes_no(_on_side(_(label), side))
    fields["signs"] = forms.MultipleChoiceField(
        label=_("Observed signs"),
        required=False,
        choices=_translated(schema.SIGN_LABELS),
        widget=forms.CheckboxSelectMultiple,
    )
    for i in range(INJURY_ROWS):
        fields[f"injury_{i}_condition"] = forms.ChoiceField(
            label=format_lazy(_("Injury {number}, condition"), number=i + 1),
            required=False,
            choices=[("", "—"), *_translated(schema.CONDITION_LABELS)],
        )
        fields[f"injury_{i}_side"] = forms.ChoiceField(
            label=format_lazy(_("Injury {number}, side"), number=i + 1),
            required=False,
            choices=[(v, CHOICE_WORDS[v]) for v in schema.INJURY_SIDES],
        )
        fields[f"injury_{i}_status"] = forms.ChoiceField(
            label=format_lazy(_("Injury {number}, status"), number=i + 1),
            required=False,
            choices=[(v, CHOICE_WORDS[v]) for v in schema.INJURY_STATUSES],
        )
        # Checked by the service (a real date, not in the future), like the PROM dates.
        fields[f"injury_{i}_onset_date"] = forms.CharField(
            label=format_lazy(_("Injury {number}, onset date"), number=i + 1),
            required=False,
            widget=DateInput(),
        )
    for prom in schema.PROMS:
        fields[prom.key] = _number_field(prom, f"{prom.label} ({prom.unit})")
        fields[prom.date_key] = forms.CharField(
            label=format_lazy(_("{measure} date"), measure=prom.label),
            required=False,
            widget=DateInput(),
        )
    fields["notes"] = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    return fields


SCREEN_FIELDS = _screen_fields()


class ScreenForm(forms.Form):
    """Every screen value as one flat field named like its model column.

    The fields are built once and shared by every form: nothing changes them per request,
    and Django's usual deep copy of 55 fields costs about a millisecond on each form.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = dict(SCREEN_FIELDS)

    def service_fields(self) -> dict:
        """The cleaned values as the services expect them (columns; injuries as a list)."""
        data = dict(self.cleaned_data)
        history = []
        for i in range(INJURY_ROWS):
            condition = data.pop(f"injury_{i}_condition", "")
            side = data.pop(f"injury_{i}_side", "")
            status = data.pop(f"injury_{i}_status", "")
            onset = data.pop(f"injury_{i}_onset_date", "")
            if condition:
                entry = {"condition": condition, "side": side, "status": status}
                if onset:
                    entry[schema.INJURY_ONSET] = onset
                history.append(entry)
        data["injury_history"] = history
        return data

    @staticmethod
    def initial_from(screen) -> dict:
        initial: dict = {"performed_on": screen.performed_on.isoformat()}
        for name in ScreenForm().fields:
            if name.startswith("injury_") or name == "performed_on":
                continue
            value = getattr(screen, name, None)
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            elif value is not None and not isinstance(value, list | str):
                value = f"{value}"
            initial[name] = value
        for i, item in enumerate(screen.injury_history[:INJURY_ROWS]):
            for part in ("condition", "side", "status"):
                initial[f"injury_{i}_{part}"] = item[part]
            initial[f"injury_{i}_onset_date"] = item.get(schema.INJURY_ONSET) or ""
        return initial


class ThresholdsForm(forms.Form):
    """One number per threshold key; blank means "use the default"."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, default in thresholds.DEFAULTS.items():
            self.fields[key] = forms.FloatField(
                label=key,
                required=False,
                help_text=thresholds.DESCRIPTIONS.get(key, ""),
                widget=forms.NumberInput(attrs={"step": "any", "placeholder": f"{default:g}"}),
            )
            if key in current:
                self.initial[key] = current[key]

    def clean(self):
        cleaned = super().clean()
        for key, value in list(cleaned.items()):
            # Counts (reps, days, sessions) stay whole numbers, as the engines expect.
            if value is not None and isinstance(thresholds.DEFAULTS[key], int):
                if value != int(value):
                    self.add_error(key, _("This threshold is a whole number."))
                else:
                    cleaned[key] = int(value)
        return cleaned

    def overrides(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}
