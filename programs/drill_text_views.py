"""The drill text page (issue 22): a drill's patient text in English and Spanish side by side.

Clinicians and admins edit their clinic's own drills here; library drills (the shipped
catalogue, programs/drills) are shown read-only in both languages.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clinic.access import membership_of, role_required
from clinic.forms import add_service_errors
from clinic.models import Role

from . import patient_text, selectors, services
from .models import Drill

LANGUAGE_NAMES = {"en": gettext_lazy("English"), "es": gettext_lazy("Spanish")}
# The fields of the page, in order: (field, label, whether it is a list of lines).
TEXT_FIELDS = (
    ("name", gettext_lazy("Name"), False),
    ("dose", gettext_lazy("Usual dose, in words"), False),
    ("instructions", gettext_lazy("Steps, one a line"), True),
    ("cues", gettext_lazy("Tips, one a line"), True),
    ("precautions", gettext_lazy("Precautions"), False),
)


class DrillTextForm(forms.Form):
    """One input per field and language, named `<field>_<language>`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language, words in LANGUAGE_NAMES.items():
            for field, label, lines in TEXT_FIELDS:
                attrs = {"lang": language}
                if lines or field == "precautions":
                    widget = forms.Textarea(attrs={**attrs, "rows": 5 if lines else 3})
                else:
                    widget = forms.TextInput(attrs=attrs)
                self.fields[f"{field}_{language}"] = forms.CharField(
                    label=format_lazy("{} ({})", label, words),
                    required=False,
                    strip=True,
                    widget=widget,
                )

    def text(self) -> dict[str, dict]:
        """The cleaned form as services.drill_text_update takes it."""
        data = self.cleaned_data
        return {
            language: {
                field: data[f"{field}_{language}"].splitlines()
                if lines
                else data[f"{field}_{language}"]
                for field, _label, lines in TEXT_FIELDS
            }
            for language in LANGUAGE_NAMES
        }


def _initial(drill: Drill) -> dict[str, str]:
    spanish = drill.text_in("es")
    english = {
        "name": drill.name,
        "dose": drill.default_dose,
        "instructions": drill.instructions,
        "cues": drill.cues,
        "precautions": drill.precautions,
    }
    initial = {}
    for language, text in (("en", english), ("es", spanish)):
        for field, _label, lines in TEXT_FIELDS:
            value = text.get(field) or ([] if lines else "")
            initial[f"{field}_{language}"] = "\n".join(value) if lines else value
    return initial


def _rows(form: DrillTextForm) -> list[dict]:
    """Each field with its English and Spanish input, for the side-by-side layout."""
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs.update(
                {"aria-describedby": f"id_{name}-error", "aria-invalid": "true"}
            )
    return [
        {"field": field, "inputs": [form[f"{field}_{language}"] for language in LANGUAGE_NAMES]}
        for field, _label, _lines in TEXT_FIELDS
    ]


def _library_rows(drill: Drill) -> list[dict]:
    """A library drill's text in both languages, its variants after the drill's own."""
    spanish = drill.text_in("es")
    rows = [
        {"label": _("Name"), "en": drill.name, "es": spanish.get("name", "")},
        {"label": _("Usual dose"), "en": drill.default_dose, "es": spanish.get("dose", "")},
        {"label": _("Steps"), "en": drill.instructions, "es": spanish.get("instructions", [])},
        {"label": _("Tips"), "en": drill.cues, "es": spanish.get("cues", [])},
        {
            "label": _("Precautions"),
            "en": patient_text.precaution_list(drill.precautions),
            "es": patient_text.precaution_list(spanish.get("precautions", "")),
        },
    ]
    spoken = spanish.get("variants") or []
    for n, variant in enumerate(drill.variants or []):
        other = spoken[n] if n < len(spoken) else {}
        when = " ".join(variant.get("match", []))
        for field, label in (
            ("name", _("name")),
            ("instructions", _("steps")),
            ("cues", _("tips")),
        ):
            if variant.get(field):
                rows.append(
                    {
                        "label": _("Variant “%(when)s”: %(part)s") % {"when": when, "part": label},
                        "en": variant[field],
                        "es": other.get(field) or ([] if field != "name" else ""),
                    }
                )
        if variant.get("precautions"):
            rows.append(
                {
                    "label": _("Variant “%(when)s”: precautions") % {"when": when},
                    "en": variant["precautions"],
                    "es": other.get("precautions", []),
                }
            )
    for row in rows:
        row["list"] = isinstance(row["en"], list | tuple)
    return rows


@role_required(Role.CLINICIAN, Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def drill_text(request, pk: int):
    """A drill's patient text in English and Spanish: a form for the clinic's own drill, a
    read-only view of a library drill. Another clinic's drill is a 404."""
    clinic = membership_of(request.user).clinic
    drill = get_object_or_404(
        selectors.drills_for_clinic(clinic=clinic, include_hidden=True), pk=pk
    )
    context = {"drill": drill, "languages": LANGUAGE_NAMES}
    if drill.is_library:
        if request.method == "POST":
            raise PermissionDenied(_("Library drills change only with Groundwork's catalogue."))
        return render(
            request, "programs/drill_text.html", {**context, "rows": _library_rows(drill)}
        )
    status = 200
    form = DrillTextForm(initial=_initial(drill))
    if request.method == "POST":
        form = DrillTextForm(request.POST)
        if form.is_valid():
            try:
                services.drill_text_update(clinic=clinic, drill=drill, text=form.text())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved the text of %(drill)s.") % {"drill": drill.name})
                return redirect("drill_text", pk=drill.pk)
        status = 400
    return render(
        request,
        "programs/drill_text.html",
        {**context, "form": form, "rows": _rows(form)},
        status=status,
    )
