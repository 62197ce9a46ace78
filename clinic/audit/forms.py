"""Forms of the audit pages: the trail filter and the anonymisation confirmation."""

from django import forms

from clinic.models import StaffMembership

from .selectors import KINDS

KIND_LABELS = {"access": "Reads and exports"}


class TrailFilterForm(forms.Form):
    patient = forms.IntegerField(required=False, min_value=1, label="Patient number")
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Who")
    kind = forms.ChoiceField(required=False, label="What")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        staff = StaffMembership.objects.filter(clinic=clinic).select_related("user")
        self.fields["actor"].choices = [("", "Anyone")] + [
            (m.user_id, str(m.user)) for m in staff.order_by("user__full_name")
        ]
        self.fields["kind"].choices = [("", "Everything")] + [
            (k, KIND_LABELS.get(k, k.capitalize())) for k in KINDS
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data


class AnonymiseForm(forms.Form):
    confirm = forms.CharField(label='Type "ANONYMISE" to confirm', max_length=20, strip=True)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"]
        if value != "ANONYMISE":
            raise forms.ValidationError("Type the word ANONYMISE in capitals to go ahead.")
        return value
