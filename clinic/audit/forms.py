"""Forms of the audit pages: the trail filter and the anonymisation confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinic.models import StaffMembership

from .selectors import KINDS

# The filter's words for each kind of trail row (selectors.KINDS); an unknown kind shows its
# key, capitalised.
KIND_LABELS = {
    "patient": _("Patient"),
    "screen": _("Screen"),
    "program": _("Program"),
    "program item": _("Program item"),
    "session": _("Session"),
    "session item": _("Session item"),
    "check-in": _("Check-in"),
    "appointment": _("Appointment"),
    "access": _("Reads and exports"),
}


class TrailFilterForm(forms.Form):
    patient = forms.IntegerField(required=False, min_value=1, label=_("Patient number"))
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Who"))
    kind = forms.ChoiceField(required=False, label=_("What"))
    date_from = forms.DateField(
        required=False,
        label=pgettext_lazy("start date", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        required=False,
        label=pgettext_lazy("end date", "To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        staff = StaffMembership.objects.filter(clinic=clinic).select_related("user")
        self.fields["actor"].choices = [("", _("Anyone"))] + [
            (m.user_id, str(m.user)) for m in staff.order_by("user__full_name")
        ]
        self.fields["kind"].choices = [("", _("Everything"))] + [
            (k, KIND_LABELS.get(k, k.capitalize())) for k in KINDS
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class AnonymiseForm(forms.Form):
    # The word typed stays ANONYMISE in every language: the check below compares it.
    confirm = forms.CharField(label=_('Type "ANONYMISE" to confirm'), max_length=20, strip=True)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"]
        if value != "ANONYMISE":
            raise forms.ValidationError(_("Type the word ANONYMISE in capitals to go ahead."))
        return value
